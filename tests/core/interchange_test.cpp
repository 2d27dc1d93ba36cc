#include "core/lmdb_store.h"
#include "core/interchange.h"
#include "core/caption_data.h"

#include <sstream>

#include "core/error.h"
#include "core/hash.h"
#include "test_util.h"

namespace gloss {
namespace {
using nlohmann::json;

std::vector<json> parse_lines(const std::string& text) {
  std::vector<json> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(json::parse(line));
  return out;
}

std::string export_jsonl(const Store& store, const std::string& dataset) {
  std::ostringstream out;
  export_dataset(store, store.require_dataset(dataset), ExportFormat::jsonl, out);
  return out.str();
}

class Interchange : public ::testing::Test {
 protected:
  void SetUp() override {
    for (int i = 0; i < 4; ++i) test::write_test_png(dir / ("img/" + std::to_string(i) + ".png"), i + 1);
  }
  test::TempDir dir;
};

TEST_F(Interchange, JsonlRoundTripIsLosslessWithUnicode) {
  test::write_text(dir / "in.jsonl",
                   R"({"image": "img/0.png", "caption": "un café rouge ☕", "orig_caption": "a red cafe", "answer": "accept", "_session_id": "anna", "_timestamp": 1700000000, "_input_hash": -5, "_task_hash": 77, "categories": ["subject"], "ms_spent": 2300, "custom": {"k": [1, 2]}})" "\n"
                   R"({"image": "img/1.png", "caption": "שלום עולם", "answer": "reject"})" "\n"
                   "\n"
                   R"({"image": "img/2.png", "caption": "two blue squares", "orig_caption": "two blue squares"})" "\n");
  LmdbStore store({dir / "db"});
  ImportOptions options;
  options.session = "import";
  const ImportPlan plan = read_import_file(dir / "in.jsonl", options);
  ASSERT_TRUE(plan.problems.empty()) << plan.problems.front().message();
  ASSERT_EQ(plan.records.size(), 3u);
  store.import_records("first", plan.records);

  const std::string once = export_jsonl(store, "first");
  const auto records = parse_lines(once);
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(records[0]["caption"], "un café rouge ☕");
  EXPECT_EQ(records[0]["_input_hash"], -5);
  EXPECT_EQ(records[0]["_task_hash"], 77);
  EXPECT_EQ(records[0]["_session_id"], "anna");
  EXPECT_EQ(records[0]["_timestamp"], 1700000000);
  EXPECT_EQ(records[0]["edit_distance"], 4);  // a red cafe -> un café rouge ☕: 3 substitutions, 1 insertion
  EXPECT_EQ(records[0]["custom"], json({{"k", {1, 2}}}));
  EXPECT_EQ(records[1]["answer"], "reject");
  EXPECT_EQ(records[1]["_session_id"], "import");
  EXPECT_EQ(records[2]["answer"], "accept");  // default answer for a caption without one
  EXPECT_EQ(records[2]["edit_distance"], 0);
  EXPECT_EQ(records[0]["width"], 8);

  test::write_text(dir / "once.jsonl", once);
  store.import_records("second", read_import_file(dir / "once.jsonl", options).records);
  EXPECT_EQ(export_jsonl(store, "second"), once);
}

TEST_F(Interchange, BadLinesAreReportedWithLineNumbers) {
  test::write_text(dir / "bad.jsonl",
                   R"({"image": "img/0.png", "caption": "fine"})" "\n"
                   "{not json\n"
                   R"({"caption": "no image"})" "\n"
                   R"({"image": "img/missing.png"})" "\n"
                   R"({"image": "img/1.png", "answer": "maybe"})" "\n"
                   R"({"image": "img/2.png", "categories": "subject"})" "\n"
                   R"([1, 2])" "\n");
  const ImportPlan plan = read_import_file(dir / "bad.jsonl", {});
  EXPECT_EQ(plan.lines, 7u);
  EXPECT_EQ(plan.records.size(), 1u);
  ASSERT_EQ(plan.problems.size(), 6u);
  const std::string file = (dir / "bad.jsonl").string();
  EXPECT_EQ(plan.problems[0].where, file + ":2");
  EXPECT_EQ(plan.problems[1].where, file + ":3");
  EXPECT_NE(plan.problems[1].reason.find("\"image\""), std::string::npos);
  EXPECT_EQ(plan.problems[2].where, file + ":4");
  EXPECT_NE(plan.problems[2].reason.find("not found"), std::string::npos);
  EXPECT_EQ(plan.problems[3].where, file + ":5");
  EXPECT_NE(plan.problems[3].reason.find("maybe"), std::string::npos);
  EXPECT_EQ(plan.problems[4].where, file + ":6");
  EXPECT_NE(plan.problems[4].reason.find("categories"), std::string::npos);
  EXPECT_EQ(plan.problems[5].where, file + ":7");
}

TEST_F(Interchange, ImportKeepsExistingAnswers) {
  LmdbStore store({dir / "db"});
  test::write_text(dir / "a.jsonl", R"({"image": "img/0.png", "caption": "kept"})" "\n");
  test::write_text(dir / "b.jsonl", R"({"image": "img/0.png", "caption": "ignored"})" "\n"
                                    R"({"image": "img/1.png", "caption": "new"})" "\n");
  store.import_records("ds", read_import_file(dir / "a.jsonl", {}).records);
  const auto r = store.import_records("ds", read_import_file(dir / "b.jsonl", {}).records);
  EXPECT_EQ(r.answers_saved, 1u);
  EXPECT_EQ(r.answers_kept, 1u);
  const auto records = parse_lines(export_jsonl(store, "ds"));
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0]["caption"], "kept");
  EXPECT_EQ(records[1]["caption"], "new");
}

// Several annotators and a lead: COCO gives each image once, the reviewed
// caption first and every annotator's accepted caption as references;
// training data says which caption the lead settled; JSONL carries the
// review as its own line, which db-in reads back as a review.
TEST_F(Interchange, ExportsUseTheReviewedCaption) {
  test::write_text(dir / "in.jsonl",
                   R"({"image": "img/0.png", "caption": "a red circle", "_annotator_id": "ann"})" "\n"
                   R"({"image": "img/0.png", "caption": "one red circle", "_annotator_id": "bob"})" "\n"
                   R"({"image": "img/1.png", "caption": "two squares", "_annotator_id": "ann"})" "\n"
                   R"({"image": "img/1.png", "caption": "a square", "answer": "reject", "_annotator_id": "bob"})" "\n"
                   R"({"image": "img/2.png", "caption": "a dot", "_annotator_id": "ann"})" "\n");
  LmdbStore store({dir / "db"});
  store.import_records("ds", read_import_file(dir / "in.jsonl", {}).records);
  const DatasetInfo d = store.require_dataset("ds");
  Review edited{*store.task_at(d, 0), "lead", 5000, ReviewVerdict::edited, "bob", "one small red circle"};
  Review back{*store.task_at(d, 2), "lead", 6000, ReviewVerdict::sent_back, "", ""};
  store.save_review("ds", edited);
  store.save_review("ds", back);

  std::ostringstream out;
  export_dataset(store, d, ExportFormat::coco, out);
  const json coco = json::parse(out.str());
  ASSERT_EQ(coco["images"].size(), 3u) << "one image per task, however many answers";
  std::vector<std::pair<int, std::string>> captions;
  for (const auto& a : coco["annotations"]) captions.emplace_back(a["image_id"].get<int>(), a["caption"].get<std::string>());
  EXPECT_EQ(captions, (std::vector<std::pair<int, std::string>>{{1, "one small red circle"}, {1, "a red circle"},
                                                                {1, "one red circle"}, {2, "two squares"},
                                                                {3, "a dot"}}));

  const CaptionData data = load_caption_dataset(store, "ds");
  ASSERT_EQ(data.items.size(), 3u);
  EXPECT_TRUE(data.items[0].reviewed);
  EXPECT_EQ(data.items[0].references.front(), "one small red circle");
  EXPECT_FALSE(data.items[2].reviewed) << "sent back: not settled";

  const auto lines = parse_lines(export_jsonl(store, "ds"));
  ASSERT_EQ(lines.size(), 7u);
  EXPECT_EQ(lines[5]["_view_id"], "review");
  EXPECT_EQ(lines[5]["caption"], "one small red circle");
  EXPECT_EQ(lines[5]["_review"]["verdict"], "edited");
  EXPECT_EQ(lines[6]["_review"]["verdict"], "sent-back");
  test::write_text(dir / "out.jsonl", export_jsonl(store, "ds"));
  LmdbStore other({dir / "db2"});
  const ImportPlan plan = read_import_file(dir / "out.jsonl", {});
  ASSERT_TRUE(plan.problems.empty()) << plan.problems.front().message();
  const ImportResult r = other.import_records("ds", plan.records);
  EXPECT_EQ(r.answers_saved, 5u) << "review lines are not answers";
  EXPECT_EQ(import_reviews(other, "ds", plan.records), 2u);
  const DatasetInfo d2 = other.require_dataset("ds");
  EXPECT_EQ(other.review(d2, edited.task), edited);
  EXPECT_EQ(other.review(d2, back.task)->verdict, ReviewVerdict::sent_back);
}

TEST_F(Interchange, CocoRoundTripKeepsEveryReference) {
  const json coco = {
      {"images", {{{"id", 10}, {"file_name", "img/0.png"}, {"width", 8}, {"height", 6}},
                  {{"id", 11}, {"file_name", "img/1.png"}, {"width", 8}, {"height", 6}},
                  {{"id", 12}, {"file_name", "img/2.png"}, {"width", 8}, {"height", 6}}}},
      {"annotations", {{{"id", 1}, {"image_id", 10}, {"caption", "a red circle"}},
                       {{"id", 2}, {"image_id", 10}, {"caption", "one red circle"}},
                       {{"id", 3}, {"image_id", 11}, {"caption", "deux carrés bleus"}}}}};
  test::write_text(dir / "coco.json", coco.dump());
  LmdbStore store({dir / "db"});
  const ImportPlan plan = read_import_file(dir / "coco.json", {});
  ASSERT_TRUE(plan.problems.empty());
  const auto r = store.import_records("coco", plan.records);
  EXPECT_EQ(r.tasks.added, 3u);
  EXPECT_EQ(r.answers_saved, 2u);  // image 12 has no caption: a task without an answer

  std::ostringstream out;
  export_dataset(store, store.require_dataset("coco"), ExportFormat::coco, out);
  const json back = json::parse(out.str());
  ASSERT_EQ(back["images"].size(), 2u);
  ASSERT_EQ(back["annotations"].size(), 3u);
  EXPECT_EQ(back["annotations"][0]["caption"], "a red circle");
  EXPECT_EQ(back["annotations"][1]["caption"], "one red circle");
  EXPECT_EQ(back["annotations"][1]["image_id"], back["images"][0]["id"]);
  EXPECT_EQ(back["annotations"][2]["caption"], "deux carrés bleus");
  EXPECT_EQ(back["images"][1]["width"], 8);

  // gloss COCO -> gloss -> COCO gives the same file.
  test::write_text(dir / "back.json", out.str());
  store.import_records("coco2", read_import_file(dir / "back.json", {}).records);
  std::ostringstream again;
  export_dataset(store, store.require_dataset("coco2"), ExportFormat::coco, again);
  json a = json::parse(again.str()), b = back;
  a.erase("info");
  b.erase("info");
  EXPECT_EQ(a, b);
}

TEST_F(Interchange, CocoProblemsNameTheEntry) {
  const json coco = {{"images", {{{"id", 1}, {"file_name", "img/none.png"}}, {{"file_name", "img/0.png"}}}},
                     {"annotations", {{{"id", 1}, {"image_id", 99}, {"caption", "orphan"}}, {{"id", 2}}}}};
  test::write_text(dir / "coco.json", coco.dump());
  const ImportPlan plan = read_import_file(dir / "coco.json", {});
  ASSERT_EQ(plan.problems.size(), 4u);
  std::string all;
  for (const auto& p : plan.problems) all += p.message() + "\n";
  EXPECT_NE(all.find("annotations[1]"), std::string::npos) << all;
  EXPECT_NE(all.find("images[1]"), std::string::npos) << all;
  EXPECT_NE(all.find("image_id 99"), std::string::npos) << all;
  EXPECT_NE(all.find("images[0]"), std::string::npos) << all;
}

TEST_F(Interchange, NotJsonAtAllIsAClearError) {
  test::write_text(dir / "x.json", "this is not json");
  EXPECT_THROW(read_import_file(dir / "x.json", {}), UserError);
  EXPECT_THROW(read_import_file(dir / "nope.jsonl", {}), UserError);
}

}  // namespace
}  // namespace gloss

namespace gloss {
namespace {

TEST_F(Interchange, HostileCaptionsRoundTripUnharmed) {
  const std::string control = std::string("tab\there, bell\x07, nul") + '\0' + "inside, esc\x1b[31m";
  const std::string rtl = "\xd7\xa9\xd7\x9c\xd7\x95\xd7\x9d \xe2\x80\x8f mixed \xe2\x80\xae reversed";
  const std::string huge(200000, 'w');
  json lines[] = {{{"image", "img/0.png"}, {"caption", control}},
                  {{"image", "img/1.png"}, {"caption", rtl}, {"orig_caption", huge}},
                  {{"image", "img/2.png"}, {"caption", huge + " end"}}};
  std::string text;
  for (const auto& l : lines) text += l.dump() + "\n";
  test::write_text(dir / "hostile.jsonl", text);
  LmdbStore store({dir / "db"});
  const ImportPlan plan = read_import_file(dir / "hostile.jsonl", {});
  ASSERT_TRUE(plan.problems.empty());
  store.import_records("h", plan.records);
  const auto info = store.require_dataset("h");
  EXPECT_EQ(store.answer_at(info, 0, default_annotator())->caption, control);
  EXPECT_EQ(store.answer_at(info, 1, default_annotator())->caption, rtl);
  EXPECT_EQ(store.answer_at(info, 1, default_annotator())->orig_caption, huge);
  EXPECT_EQ(store.answer_at(info, 2, default_annotator())->edit_distance, 2);  // one word replaced by two
  std::ostringstream out;
  export_dataset(store, info, ExportFormat::jsonl, out);
  const auto records = parse_lines(out.str());
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(records[0]["caption"], control);
  EXPECT_EQ(records[1]["caption"], rtl);
  EXPECT_EQ(records[2]["caption"].get<std::string>().size(), huge.size() + 4);
}

TEST_F(Interchange, InvalidUtf8InACaptionIsReportedNotFatal) {
  test::write_text(dir / "bad-utf8.jsonl", "{\"image\": \"img/0.png\", \"caption\": \"caf\xe9\"}\n"
                                           "{\"image\": \"img/1.png\", \"caption\": \"fine\"}\n");
  const ImportPlan plan = read_import_file(dir / "bad-utf8.jsonl", {});
  ASSERT_EQ(plan.problems.size(), 1u);
  EXPECT_EQ(plan.problems[0].line, 1);
  EXPECT_EQ(plan.records.size(), 1u);
}

// Found by the fuzz_jsonl harness (tests/fuzz): numbers that do not fit were
// undefined behaviour (a float cast to int64, _timestamp * 1000 overflowing),
// and "references" that were not strings imported fine but made
// db-out --format coco die with an uncaught json type_error.
TEST_F(Interchange, FuzzFoundOutOfRangeNumbersAndBadReferencesAreProblems) {
  test::write_text(dir / "fuzz.jsonl",
                   R"({"image": "img/0.png", "caption": "a", "_timestamp": 9223372036854775807})" "\n"
                   R"({"image": "img/1.png", "caption": "b", "ms_spent": 1e300})" "\n"
                   R"({"image": "img/2.png", "caption": "c", "started_ms": 18446744073709551615})" "\n"
                   R"({"image": "img/3.png", "caption": "d", "references": ["d", 5]})" "\n"
                   R"({"image": "img/0.png", "caption": "e", "_timestamp": 1.5e9, "ms_spent": 2.0, "references": ["e", "f"]})" "\n");
  const ImportPlan plan = read_import_file(dir / "fuzz.jsonl", {});
  ASSERT_EQ(plan.problems.size(), 4u);
  EXPECT_NE(plan.problems[0].message().find(":1: field \"_timestamp\" is out of range"), std::string::npos)
      << plan.problems[0].message();
  EXPECT_NE(plan.problems[1].message().find(":2: field \"ms_spent\" is out of range"), std::string::npos);
  EXPECT_NE(plan.problems[2].message().find(":3: field \"started_ms\" is out of range"), std::string::npos);
  EXPECT_NE(plan.problems[3].message().find(":4: field \"references\" has the wrong type"), std::string::npos);
  ASSERT_EQ(plan.records.size(), 1u);
  EXPECT_EQ(plan.records[0].answer->saved_ms, 1'500'000'000'000);
  EXPECT_EQ(plan.records[0].answer->ms_spent, 2);

  LmdbStore store({dir / "db"});
  store.import_records("f", plan.records);
  std::ostringstream out;
  export_dataset(store, store.require_dataset("f"), ExportFormat::coco, out);
  const json doc = json::parse(out.str());
  ASSERT_EQ(doc["annotations"].size(), 2u);
  EXPECT_EQ(doc["annotations"][1]["caption"], "f");
}

}  // namespace
}  // namespace gloss
