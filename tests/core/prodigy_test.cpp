// Prodigy's shapes: base64 data URIs from its image loader, choice answers
// from image-caption.diff, hashes kept as they came.
#include <sstream>

#include "core/lmdb_store.h"
#include "core/base64.h"
#include "core/hash.h"
#include "core/interchange.h"
#include "test_util.h"

namespace gloss {
namespace {
using nlohmann::json;

TEST(Base64, KnownVectors) {
  EXPECT_EQ(base64_encode(""), "");
  EXPECT_EQ(base64_encode("f"), "Zg==");
  EXPECT_EQ(base64_encode("fo"), "Zm8=");
  EXPECT_EQ(base64_encode("foo"), "Zm9v");
  EXPECT_EQ(base64_encode("foobar"), "Zm9vYmFy");
  EXPECT_EQ(*base64_decode("Zm9vYmE="), "fooba");
  EXPECT_EQ(*base64_decode("Zm9v\nYmFy"), "foobar");
  EXPECT_FALSE(base64_decode("Zm9v!"));
  EXPECT_FALSE(base64_decode("Zg==Zg"));
  const std::string binary("\x00\xff\x10\x80", 4);
  EXPECT_EQ(*base64_decode(base64_encode(binary)), binary);
}

TEST(Base64, DataUris) {
  const auto uri = parse_data_uri("data:image/png;base64,iVBORw0K");
  ASSERT_TRUE(uri);
  EXPECT_EQ(uri->mime, "image/png");
  EXPECT_EQ(uri->payload, "iVBORw0K");
  EXPECT_FALSE(parse_data_uri("data:image/png,rawtext"));
  EXPECT_FALSE(parse_data_uri("/path/to/file.png"));
}

class ProdigyImport : public ::testing::Test {
 protected:
  std::string data_uri(std::uint32_t seed) {
    return "data:image/png;base64," + base64_encode(encode_png(test::pattern_image(8, 8, seed)));
  }
  ImportPlan import(const std::string& lines) {
    test::write_text(dir / "prodigy.jsonl", lines);
    ImportOptions o;
    o.embedded_image_dir = dir / "db/images";
    return read_import_file(dir / "prodigy.jsonl", o);
  }
  test::TempDir dir;
};

TEST_F(ProdigyImport, EmbeddedImagesAreStoredByContentAndDeduplicated) {
  const json a = {{"image", data_uri(1)}, {"text", "cat.png"}, {"meta", {{"file", "cat.png"}}},
                  {"caption", "a cat"}, {"answer", "accept"}, {"_input_hash", 101}, {"_task_hash", 202}};
  const json b = {{"image", data_uri(1)}, {"meta", {{"file", "same-cat.png"}}}, {"caption", "same bytes"}};
  const ImportPlan plan = import(a.dump() + "\n" + b.dump() + "\n");
  ASSERT_TRUE(plan.problems.empty()) << plan.problems[0].message();
  ASSERT_EQ(plan.records.size(), 2u);
  EXPECT_EQ(plan.records[0].task.hash, plan.records[1].task.hash);
  const std::string bytes = encode_png(test::pattern_image(8, 8, 1));
  EXPECT_EQ(plan.records[0].task.path, (dir / "db/images" / (hash_hex(content_hash(bytes)) + ".png")).string());
  EXPECT_EQ(test::read_text(plan.records[0].task.path), bytes);
  EXPECT_EQ(plan.records[0].task.width, 8);
}

TEST_F(ProdigyImport, BadEmbeddedImagesAreReportedByLine) {
  const json ok = {{"image", data_uri(2)}, {"caption", "fine"}};
  const json not_b64 = {{"image", "data:image/png;base64,@@@@"}};
  const json not_image = {{"image", "data:image/png;base64," + base64_encode("just text")}};
  const json url = {{"image", "https://example.org/x.png"}};
  const ImportPlan plan = import(ok.dump() + "\n" + not_b64.dump() + "\n" + not_image.dump() + "\n" + url.dump() + "\n");
  EXPECT_EQ(plan.records.size(), 1u);
  ASSERT_EQ(plan.problems.size(), 3u);
  EXPECT_EQ(plan.problems[0].line, 2);
  EXPECT_NE(plan.problems[0].reason.find("base64"), std::string::npos);
  EXPECT_EQ(plan.problems[1].line, 3);
  EXPECT_NE(plan.problems[1].reason.find("not an image"), std::string::npos);
  EXPECT_EQ(plan.problems[2].line, 4);
}

TEST_F(ProdigyImport, ChoiceAnswersBecomeCategoriesAndGoBackUnchanged) {
  json options = json::array();
  for (const char* id : {"SUBJECT", "ATTRS", "BACKGROUND", "NUMBER", "WORDING", "OTHER"})
    options.push_back({{"id", id}, {"text", id}});
  const json diff = {{"image", data_uri(3)}, {"orig_caption", "a red dog"}, {"caption", "two blue dogs"},
                     {"options", options}, {"accept", {"ATTRS", "NUMBER"}}, {"answer", "accept"},
                     {"_input_hash", -7}, {"_task_hash", 8}, {"_session_id", "diff-session"},
                     {"_timestamp", 1700000001}};
  const ImportPlan plan = import(diff.dump() + "\n");
  ASSERT_TRUE(plan.problems.empty());
  ASSERT_TRUE(plan.records[0].answer);
  EXPECT_EQ(plan.records[0].answer->categories, (std::vector<std::string>{"attributes", "number"}));

  LmdbStore store({dir / "db"});
  store.import_records("errors", plan.records);
  std::ostringstream out;
  export_dataset(store, store.require_dataset("errors"), ExportFormat::jsonl, out);
  const json back = json::parse(out.str());
  for (const char* field : {"orig_caption", "caption", "options", "accept", "answer", "_input_hash", "_task_hash",
                            "_session_id", "_timestamp"})
    EXPECT_EQ(back[field], diff[field]) << field;
  EXPECT_EQ(back["categories"], json({"attributes", "number"}));

  // Back to Prodigy's embedded form: the same bytes.
  std::ostringstream embedded;
  export_dataset(store, store.require_dataset("errors"), ExportFormat::jsonl, embedded, true);
  EXPECT_EQ(json::parse(embedded.str())["image"], diff["image"]);
}

TEST_F(ProdigyImport, CategoriesWrittenAsProdigyOptions) {
  const json line = {{"image", data_uri(4)}, {"caption", "x"}, {"categories", {"subject", "wording"}}};
  const ImportPlan plan = import(line.dump() + "\n");
  LmdbStore store({dir / "db"});
  store.import_records("e", plan.records);
  std::ostringstream out;
  export_dataset(store, store.require_dataset("e"), ExportFormat::jsonl, out);
  const json back = json::parse(out.str());
  EXPECT_EQ(back["accept"], json({"SUBJECT", "WORDING"}));
  ASSERT_EQ(back["options"].size(), 6u);
  EXPECT_EQ(back["options"][1], json({{"id", "ATTRS"}, {"text", "attributes"}}));
}

}  // namespace
}  // namespace gloss
