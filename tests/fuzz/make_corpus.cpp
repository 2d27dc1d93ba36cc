// Writes the committed seed corpora under tests/fuzz/corpus/<target>/:
//   fuzz_make_corpus OUT_DIR   (normally tests/fuzz/corpus)
// Seeds name the images of the fuzzers' scratch folder (fuzz_util.h): a.png,
// b.png, c.ppm, sub/d.png, bad.png, empty.png. The model seeds are built with
// encode_native_model, so their checksums are right.
#include <cstdio>
#include <filesystem>
#include <string>

#include "core/base64.h"
#include "core/image.h"
#include "fuzz_util.h"
#include "model/native_format.h"

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

void put(const fs::path& dir, const std::string& name, const std::string& bytes) {
  fs::create_directories(dir);
  gloss::fuzz::write_bytes(dir / name, bytes);
}

std::string lines(std::initializer_list<json> records) {
  std::string out;
  for (const auto& r : records) out += r.dump() + "\n";
  return out;
}

json tiny_meta() {
  return {{"kind", "gloss-captioner"},
          {"arch", {{"type", "cnn-lstm"}, {"channels", {4, 8}}, {"embed", 8}, {"hidden", 8}, {"pool", 1}}},
          {"preprocess", {{"image_size", 16}, {"resize", "bilinear"}, {"mean", {0.5, 0.5, 0.5}}, {"std", {0.25, 0.25, 0.25}}}},
          {"vocab", {"<pad>", "<start>", "<end>", "<unk>", "a", "red", "circle", "two", "squares"}},
          {"training", {{"epochs_completed", 1}, {"stopped", false}}}};
}

std::string model(const json& meta, const std::string& weights = std::string("PK\x03\x04tiny-weights", 16)) {
  return gloss::encode_native_model({meta, weights});
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: fuzz_make_corpus OUT_DIR\n");
    return 2;
  }
  const fs::path out = argv[1];

  // ---- fuzz_jsonl
  const fs::path jl = out / "fuzz_jsonl";
  put(jl, "valid.jsonl",
      lines({{{"image", "a.png"}, {"caption", "a red circle"}, {"answer", "accept"}},
             {{"image", "b.png"}, {"caption", "two squares"}, {"orig_caption", "two red squares"}, {"answer", "reject"}},
             {{"image", "c.ppm"}, {"caption", "a dot"}, {"answer", "ignore"}, {"_session_id", "anna"}},
             {{"image", "sub/d.png"}, {"caption", "a blue square"}, {"orig_caption", "a red square"},
              {"categories", {"attributes", "number"}}, {"ms_spent", 3400}, {"started_ms", 1764020996600}},
             {{"image", "a.png"}}}));
  put(jl, "tasks-only.jsonl", "{\"image\": \"a.png\"}\n{\"image\": \"b.png\"}\n\n{\"image\": \"sub/d.png\"}\n");
  put(jl, "prodigy.jsonl",
      lines({{{"image", "b.png"}, {"caption", "two green squares"}, {"orig_caption", "two red squares"},
              {"answer", "accept"}, {"_input_hash", -1260329520}, {"_task_hash", 1867446571},
              {"_session_id", "caption-anna"}, {"_timestamp", 1764021000},
              {"options", {{{"id", "SUBJECT"}, {"text", "subject"}}, {{"id", "ATTRS"}, {"text", "attributes"}},
                           {{"id", "NUMBER"}, {"text", "number"}}, {{"id", "WORDING"}, {"text", "wording"}}}},
              {"accept", {"ATTRS", "Custom"}}, {"meta", {{"file", "b.png"}}}},
             {{"image", "a.png"}, {"caption", "a circle"}, {"answer", "reject"}, {"_timestamp", 1764021100},
              {"flagged", true}, {"spans", json::array()}}}));
  put(jl, "db-out.jsonl",
      lines({{{"image", "a.png"}, {"width", 4}, {"height", 3}, {"caption", "two small red circles"},
              {"orig_caption", "two red circles"}, {"answer", "accept"}, {"_input_hash", -1260329520},
              {"_task_hash", 1867446571}, {"_session_id", "anna"}, {"_timestamp", 1764021000},
              {"model", "5f0c3a9e1b2d4c6f"}, {"edit_distance", 1}, {"categories", json::array()},
              {"ms_spent", 3400}, {"started_ms", 1764020996600}, {"saved_ms", 1764021000000},
              {"meta", {{"file", "001.png"}}}}}));
  const std::string png = gloss::encode_png(gloss::fuzz::solid(2, 1, 1, 2, 3));
  put(jl, "embedded.jsonl",
      lines({{{"image", "data:image/png;base64," + gloss::base64_encode(png)}, {"caption", "an embedded image"}},
             {{"image", "data:image/png;base64,!!!"}, {"caption", "bad base64"}},
             {{"image", "data:text/plain,hello"}}}));
  put(jl, "invalid.jsonl",
      "not json\n"
      "[1, 2, 3]\n"
      "{\"caption\": \"no image\"}\n"
      "{\"image\": 42}\n"
      "{\"image\": \"https://example.com/x.png\"}\n"
      "{\"image\": \"missing.png\", \"caption\": \"x\"}\n"
      "{\"image\": \"bad.png\"}\n"
      "{\"image\": \"empty.png\"}\n"
      "{\"image\": \"sub\"}\n"
      "{\"image\": \"a.png\", \"answer\": \"maybe\"}\n"
      "{\"image\": \"a.png\", \"caption\": 7}\n"
      "{\"image\": \"a.png\", \"categories\": \"number\"}\n"
      "{\"image\": \"a.png\", \"ms_spent\": \"soon\"}\n"
      "{\"image\": \"a.png\", \"caption\": null, \"answer\": null}\r\n"
      "   \t\r\n"
      "{\"image\": \"a.png\", \"caption\": \"unterminated\n");
  put(jl, "numbers.jsonl",
      lines({{{"image", "a.png"}, {"caption", "x"}, {"ms_spent", -1}, {"started_ms", 0}, {"saved_ms", 1}},
             {{"image", "b.png"}, {"caption", "y"}, {"_timestamp", 1.5}, {"ms_spent", 2.0}}}));
  put(jl, "utf8.jsonl",
      "{\"image\": \"a.png\", \"caption\": \"deux cercles rouges \\u00e9\\u00e8 \\ud83d\\ude00\", "
      "\"orig_caption\": \"zwei Kreise\"}\n");
  put(jl, "empty.jsonl", "");
  // Inputs that crashed an importer or what follows it (see docs/fuzzing.md);
  // each also has a test in tests/core/interchange_test.cpp.
  put(jl, "regress-timestamp-overflow.jsonl",
      "{\"image\": \"a.png\", \"caption\": \"x\", \"_timestamp\": 9223372036854775807}\n");
  put(jl, "regress-float-out-of-range.jsonl",
      "{\"image\": \"a.png\", \"caption\": \"x\", \"ms_spent\": 1e300}\n"
      "{\"image\": \"b.png\", \"caption\": \"y\", \"started_ms\": 18446744073709551615}\n");
  put(jl, "regress-references-not-strings.jsonl",
      "{\"image\": \"a.png\", \"caption\": \"x\", \"references\": [\"x\", 5]}\n");

  // ---- fuzz_coco
  const fs::path co = out / "fuzz_coco";
  put(co, "valid.json",
      json{{"info", {{"description", "seed"}}},
           {"images", {{{"id", 1}, {"file_name", "a.png"}, {"width", 4}, {"height", 3}},
                       {{"id", 2}, {"file_name", "b.png"}, {"width", 2}, {"height", 2}},
                       {{"id", 7}, {"file_name", "sub/d.png"}}}},
           {"annotations", {{{"id", 1}, {"image_id", 1}, {"caption", "a red circle"}},
                            {{"id", 2}, {"image_id", 1}, {"caption", "one red circle"}},
                            {{"id", 3}, {"image_id", 2}, {"caption", "a green square"}}}}}
          .dump(1));
  put(co, "minimal.json", R"({"images": [{"id": 3, "file_name": "c.ppm"}], "annotations": []})");
  put(co, "invalid.json",
      json{{"images", {{{"id", 1}, {"file_name", "a.png"}},
                       {{"id", 1}, {"file_name", "b.png"}},
                       {{"id", "2"}, {"file_name", "b.png"}},
                       {{"id", 3}, {"file_name", 5}},
                       {{"id", 4}, {"file_name", "missing.png"}},
                       {{"id", 5}, {"file_name", "bad.png"}},
                       "not an object"}},
           {"annotations", {{{"id", 1}, {"image_id", 1}, {"caption", 3}},
                            {{"id", 2}, {"image_id", 99}, {"caption", "orphan"}},
                            {{"id", 3}, {"image_id", -1}, {"caption", "negative"}},
                            {{"id", 4}, {"caption", "no image id"}},
                            {{"id", 5}, {"image_id", 1.5}, {"caption", "float id"}}}}}
          .dump());
  put(co, "no-arrays.json", R"({"images": {}, "annotations": []})");
  put(co, "array.json", "[1, 2, 3]");
  put(co, "not-json.json", "{\"images\": [");
  put(co, "empty.json", "");

  // ---- fuzz_model_header
  const fs::path mh = out / "fuzz_model_header";
  const std::string good = model(tiny_meta());
  put(mh, "tiny.gloss", good);
  put(mh, "no-weights.gloss", model(tiny_meta(), ""));
  put(mh, "truncated.gloss", good.substr(0, good.size() / 2));
  put(mh, "short-magic.gloss", "GLOSS");
  std::string v2 = good;
  v2[8] = 2;
  put(mh, "version2.gloss", v2);
  std::string bad_sum = good;
  bad_sum[bad_sum.size() - 1] ^= 0x55;
  put(mh, "bad-checksum.gloss", bad_sum);
  put(mh, "trailing.gloss", good + "xx");
  json other = tiny_meta();
  other["kind"] = "something-else";
  put(mh, "wrong-kind.gloss", model(other));
  json dup = tiny_meta();
  dup["vocab"] = {"<pad>", "<start>", "<end>", "<unk>", "red", "red"};
  put(mh, "vocab-duplicate.gloss", model(dup));
  json specials = tiny_meta();
  specials["vocab"] = {"<start>", "<pad>", "<end>", "<unk>"};
  put(mh, "vocab-specials.gloss", model(specials));
  json words = tiny_meta();
  words["vocab"] = {"<pad>", "<start>", "<end>", "<unk>", ""};
  put(mh, "vocab-empty-word.gloss", model(words));
  std::string not_json(gloss::kNativeMagic, 8);
  not_json += good.substr(8, 8);
  not_json += std::string("\x05\0\0\0\0\0\0\0", 8) + "{bad}" + std::string(8, '\0');
  put(mh, "metadata-not-json.gloss", not_json);  // checksum fixed by the fuzzer's second pass
  put(mh, "meta.json", tiny_meta().dump());
  put(mh, "image.png", png);
  put(mh, "zip.pt", std::string("PK\x03\x04\x14\0\0\0", 8));
  put(mh, "empty", "");
  return 0;
}
