#include "core/interchange.h"

#include <algorithm>
#include <fstream>
#include <limits>
#include <map>
#include <set>
#include <unordered_map>

#include "core/base64.h"
#include "core/diff.h"
#include "core/image.h"
#include "core/error.h"
#include "core/final_captions.h"
#include "core/hash.h"

namespace gloss {
namespace fs = std::filesystem;
using nlohmann::json;

const std::vector<std::pair<std::string, std::string>>& prodigy_error_options() {
  static const std::vector<std::pair<std::string, std::string>> options = {
      {"SUBJECT", "subject"}, {"ATTRS", "attributes"}, {"BACKGROUND", "background"},
      {"NUMBER", "number"},   {"WORDING", "wording"},  {"OTHER", "other"}};
  return options;
}

namespace {

std::string category_for_option(const std::string& id) {
  for (const auto& [option, category] : prodigy_error_options())
    if (option == id) return category;
  std::string lower;
  for (char c : id) lower.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  return lower;
}

std::string option_for_category(const std::string& category) {
  for (const auto& [option, name] : prodigy_error_options())
    if (name == category) return option;
  std::string upper;
  for (char c : category) upper.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
  return upper;
}

// Writes an embedded image into the content-addressed folder; returns its path.
fs::path store_embedded_image(const std::string& uri, const fs::path& dir) {
  if (dir.empty()) throw UserError("embedded (data URI) images need a store to keep them in");
  const auto parsed = parse_data_uri(uri);
  if (!parsed) throw UserError("\"image\" is a data URI but not base64 (expected data:image/...;base64,...)");
  if (static_cast<std::int64_t>(parsed->payload.size()) / 4 * 3 > kMaxImageFileBytes)
    throw UserError("embedded image is over the limit of " + std::to_string(kMaxImageFileBytes >> 20) + " MiB");
  const auto bytes = base64_decode(parsed->payload);
  if (!bytes) throw UserError("embedded image is not valid base64");
  probe_image(*bytes, "embedded image");
  const fs::path path = dir / (hash_hex(content_hash(*bytes)) + extension_for_mime(parsed->mime));
  std::error_code ec;
  if (fs::exists(path, ec)) return path;
  fs::create_directories(dir, ec);
  const fs::path tmp = path.string() + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out.write(bytes->data(), static_cast<std::streamsize>(bytes->size()));
    if (!out) throw UserError(tmp.string() + ": cannot write the embedded image");
  }
  fs::rename(tmp, path, ec);
  if (ec) throw UserError(path.string() + ": cannot store the embedded image: " + ec.message());
  return path;
}

// Fields with a meaning in gloss; everything else on a line is kept in extra.
const std::set<std::string> kKnownFields = {
    "image", "width", "height", "caption", "orig_caption", "answer", "_session_id", "_annotator_id", "_timestamp",
    "model", "edit_distance", "categories", "ms_spent", "started_ms", "saved_ms", "compare"};

template <class T>
T field(const json& j, const char* name, T fallback) {
  if (!j.contains(name) || j[name].is_null()) return fallback;
  if constexpr (std::is_integral_v<T>) {
    // nlohmann converts any number with a plain cast: 1e300 or 2^64-1 would
    // not fit (undefined behaviour for a float).
    const json& v = j[name];
    if ((v.is_number_float() && !(v.get<double>() >= static_cast<double>(std::numeric_limits<T>::min()) &&
                                  v.get<double>() < static_cast<double>(std::numeric_limits<T>::max()) + 1.0)) ||
        (v.is_number_unsigned() && v.get<std::uint64_t>() > static_cast<std::uint64_t>(std::numeric_limits<T>::max())))
      throw UserError(std::string("field \"") + name + "\" is out of range");
  }
  try {
    return j[name].get<T>();
  } catch (const json::exception&) {
    throw UserError(std::string("field \"") + name + "\" has the wrong type");
  }
}

// gloss compare's judgement, de-blinded: which model each caption came from,
// which was shown on the left, and the winner's model id.
json compare_to_jsonl(const CompareRecord& c) {
  json winner = nullptr;
  if (c.choice == CompareChoice::a) winner = c.model_a;
  if (c.choice == CompareChoice::b) winner = c.model_b;
  return {{"model_a", c.model_a}, {"model_b", c.model_b}, {"caption_a", c.caption_a}, {"caption_b", c.caption_b},
          {"shown_left", c.a_on_left ? "a" : "b"}, {"choice", std::string(to_string(c.choice))},
          {"winner_model", winner}, {"identical", c.identical}, {"edited", c.edited}};
}

CompareRecord compare_from_jsonl(const json& j) {
  if (!j.is_object()) throw UserError("\"compare\" must be an object");
  CompareRecord c;
  c.model_a = field<std::string>(j, "model_a", "");
  c.model_b = field<std::string>(j, "model_b", "");
  if (c.model_a.empty() || c.model_b.empty()) throw UserError("\"compare\" needs \"model_a\" and \"model_b\"");
  c.caption_a = field<std::string>(j, "caption_a", "");
  c.caption_b = field<std::string>(j, "caption_b", "");
  const std::string left = field<std::string>(j, "shown_left", "a");
  if (left != "a" && left != "b") throw UserError("\"compare\": \"shown_left\" must be \"a\" or \"b\"");
  c.a_on_left = left == "a";
  const std::string choice = field<std::string>(j, "choice", "none");
  const auto parsed = parse_compare_choice(choice);
  if (!parsed)
    throw UserError("\"compare\": \"choice\" must be a, b, both-good, both-bad or none, not \"" + choice + "\"");
  c.choice = *parsed;
  c.identical = field<bool>(j, "identical", false);
  c.edited = field<bool>(j, "edited", false);
  return c;
}

// Replaces each image reference by the path it resolves to, probes every
// distinct file once (in parallel), and returns path -> result.
std::unordered_map<std::string, ProbeResult> probe_all(const std::vector<fs::path>& paths) {
  std::vector<fs::path> unique;
  std::set<std::string> seen;
  for (const auto& p : paths)
    if (seen.insert(p.string()).second) unique.push_back(p);
  auto results = load_tasks(unique);
  std::unordered_map<std::string, ProbeResult> by_path;
  for (std::size_t i = 0; i < unique.size(); ++i) by_path.emplace(unique[i].string(), std::move(results[i]));
  return by_path;
}

Answer answer_from(const json& j, std::uint64_t task, const ImportOptions& options) {
  Answer a;
  a.task = task;
  a.caption = field<std::string>(j, "caption", "");
  a.orig_caption = field<std::string>(j, "orig_caption", "");
  a.model = field<std::string>(j, "model", "");
  a.session = field<std::string>(j, "_session_id", options.session);
  a.annotator = field<std::string>(j, "_annotator_id", options.annotator);
  if (a.annotator.empty()) a.annotator = default_annotator();
  const std::string kind = field<std::string>(j, "answer", std::string(to_string(options.default_answer)));
  const auto parsed = parse_answer_kind(kind);
  if (!parsed) throw UserError("\"answer\" must be accept, reject or ignore, not \"" + kind + "\"");
  a.answer = *parsed;
  a.categories = field<std::vector<std::string>>(j, "categories", {});
  // Prodigy's choice answers: "accept": [ids] with "options" in the task.
  if (!j.contains("categories") && j.contains("options") && j.contains("accept") && j["accept"].is_array())
    for (const auto& id : j["accept"])
      if (id.is_string()) a.categories.push_back(category_for_option(id.get<std::string>()));
  a.ms_spent = field<std::int64_t>(j, "ms_spent", 0);
  a.started_ms = field<std::int64_t>(j, "started_ms", 0);
  std::int64_t timestamp_ms = 0;
  if (__builtin_mul_overflow(field<std::int64_t>(j, "_timestamp", 0), 1000, &timestamp_ms))
    throw UserError("field \"_timestamp\" is out of range");
  a.saved_ms = field<std::int64_t>(j, "saved_ms", timestamp_ms);
  if (!a.saved_ms) a.saved_ms = now_ms();
  a.edit_distance = word_edit_distance(a.orig_caption, a.caption);
  if (j.contains("compare") && !j["compare"].is_null()) a.compare = compare_from_jsonl(j["compare"]);
  // Kept in extra, but db-out --format coco and training read them as strings.
  field<std::vector<std::string>>(j, "references", {});
  for (const auto& [key, value] : j.items())
    if (!kKnownFields.count(key)) a.extra[key] = value;
  return a;
}

// A review line (to_jsonl_review_record): the lead's final caption.
Review review_from(const json& j, std::uint64_t task, const ImportOptions& options) {
  const json& r = j.at("_review");
  if (!r.is_object()) throw UserError("\"_review\" must be an object");
  Review v;
  v.task = task;
  v.reviewer = field<std::string>(j, "_annotator_id", options.annotator);
  if (v.reviewer.empty()) v.reviewer = default_annotator();
  const std::string verdict = field<std::string>(r, "verdict", "");
  const auto parsed = parse_review_verdict(verdict);
  if (!parsed) throw UserError("\"_review\".\"verdict\" must be picked, edited or sent-back, not \"" + verdict + "\"");
  v.verdict = *parsed;
  v.from = field<std::string>(r, "from", "");
  v.reviewed_ms = field<std::int64_t>(r, "reviewed_ms", 0);
  if (v.settled()) v.caption = field<std::string>(j, "caption", "");
  return v;
}

// A line with any answer field is an answer; a bare {"image": ...} is a task.
bool wants_answer(const json& j) {
  for (const char* f : {"caption", "answer", "orig_caption", "categories"})
    if (j.contains(f)) return true;
  return false;
}

ImportPlan read_jsonl(const fs::path& file, const ImportOptions& options) {
  std::ifstream in(file);
  if (!in) throw UserError(file.string() + ": cannot open");
  struct Line { int number; json j; fs::path image; };
  std::vector<Line> lines;
  ImportPlan plan;
  std::string text;
  for (int number = 1; std::getline(in, text); ++number) {
    if (text.find_first_not_of(" \t\r") == std::string::npos) continue;
    ++plan.lines;
    const std::string where = file.string() + ":" + std::to_string(number);
    json j = json::parse(text, nullptr, false);
    if (j.is_discarded()) { plan.problems.push_back({where, "not valid JSON", number}); continue; }
    if (!j.is_object()) { plan.problems.push_back({where, "a line must be a JSON object", number}); continue; }
    if (!j.contains("image") || !j["image"].is_string()) {
      plan.problems.push_back({where, "needs an \"image\" field with a path", number});
      continue;
    }
    const std::string ref = j["image"].get<std::string>();
    if (ref.rfind("http://", 0) == 0 || ref.rfind("https://", 0) == 0) {
      plan.problems.push_back({where, "\"image\" is a URL; gloss reads files and embedded images, not the network", number});
      continue;
    }
    fs::path image;
    try {
      image = ref.rfind("data:", 0) == 0 ? store_embedded_image(ref, options.embedded_image_dir)
                                         : resolve_image_path(ref, file.parent_path());
    } catch (const UserError& e) {
      plan.problems.push_back({where, e.what(), number});
      continue;
    }
    lines.push_back({number, std::move(j), image});
  }
  std::vector<fs::path> paths;
  for (const auto& l : lines) paths.push_back(l.image);
  const auto probed = probe_all(paths);
  for (const auto& l : lines) {
    const std::string where = file.string() + ":" + std::to_string(l.number);
    const ProbeResult& r = probed.at(l.image.string());
    if (!r.ok()) { plan.problems.push_back({where, r.problem.message(), l.number}); continue; }
    try {
      ImportRecord rec{r.task, std::nullopt};
      if (l.j.contains("_review")) rec.review = review_from(l.j, r.task.hash, options);
      else if (wants_answer(l.j)) rec.answer = answer_from(l.j, r.task.hash, options);
      plan.records.push_back(std::move(rec));
    } catch (const UserError& e) {
      plan.problems.push_back({where, e.what(), l.number});
    }
  }
  std::stable_sort(plan.problems.begin(), plan.problems.end(),
                   [](const Problem& a, const Problem& b) { return a.line < b.line; });
  return plan;
}

ImportPlan read_coco(const fs::path& file, const json& doc, const ImportOptions& options) {
  ImportPlan plan;
  const fs::path root = options.image_root.empty() ? file.parent_path() : options.image_root;
  if (!doc.contains("images") || !doc["images"].is_array() || !doc.contains("annotations") ||
      !doc["annotations"].is_array())
    throw UserError(file.string() + ": a COCO captions file needs \"images\" and \"annotations\" arrays");
  std::map<std::int64_t, std::vector<std::string>> captions;
  for (std::size_t i = 0; i < doc["annotations"].size(); ++i) {
    const json& a = doc["annotations"][i];
    if (!a.is_object() || !a.contains("image_id") || !a["image_id"].is_number_integer() ||
        !a.contains("caption") || !a["caption"].is_string()) {
      plan.problems.push_back({file.string() + ": annotations[" + std::to_string(i) + "]",
                               "needs an integer \"image_id\" and a string \"caption\""});
      continue;
    }
    captions[a["image_id"].get<std::int64_t>()].push_back(a["caption"].get<std::string>());
  }
  struct Entry { std::size_t index; std::int64_t id; fs::path image; };
  std::vector<Entry> entries;
  std::set<std::int64_t> ids;
  for (std::size_t i = 0; i < doc["images"].size(); ++i) {
    ++plan.lines;
    const json& im = doc["images"][i];
    const std::string where = file.string() + ": images[" + std::to_string(i) + "]";
    if (!im.is_object() || !im.contains("id") || !im["id"].is_number_integer() ||
        !im.contains("file_name") || !im["file_name"].is_string()) {
      plan.problems.push_back({where, "needs an integer \"id\" and a string \"file_name\""});
      continue;
    }
    const auto id = im["id"].get<std::int64_t>();
    if (!ids.insert(id).second) { plan.problems.push_back({where, "duplicate image id " + std::to_string(id)}); continue; }
    entries.push_back({i, id, resolve_image_path(im["file_name"].get<std::string>(), root)});
  }
  for (const auto& [id, list] : captions)
    if (!ids.count(id))
      plan.problems.push_back({file.string(), "annotations refer to image_id " + std::to_string(id) +
                                                  ", which is not in \"images\""});
  std::vector<fs::path> paths;
  for (const auto& e : entries) paths.push_back(e.image);
  const auto probed = probe_all(paths);
  for (const auto& e : entries) {
    const ProbeResult& r = probed.at(e.image.string());
    if (!r.ok()) {
      plan.problems.push_back({file.string() + ": images[" + std::to_string(e.index) + "]", r.problem.message()});
      continue;
    }
    ImportRecord rec{r.task, std::nullopt};
    const auto found = captions.find(e.id);
    if (found != captions.end()) {
      json j = {{"caption", found->second.front()}, {"answer", "accept"}};
      if (found->second.size() > 1) j["references"] = found->second;
      rec.answer = answer_from(j, r.task.hash, options);
    }
    plan.records.push_back(std::move(rec));
  }
  return plan;
}

}  // namespace

ImportRecord parse_jsonl_record(const json& j, const fs::path& base_dir, const ImportOptions& options) {
  if (!j.is_object() || !j.contains("image") || !j["image"].is_string())
    throw UserError("needs an \"image\" field with a path");
  ImportRecord rec{load_task(resolve_image_path(j["image"].get<std::string>(), base_dir)), std::nullopt};
  if (wants_answer(j)) rec.answer = answer_from(j, rec.task.hash, options);
  return rec;
}

ImportPlan read_import_file(const fs::path& file, const ImportOptions& options) {
  std::error_code ec;
  if (!fs::is_regular_file(file, ec)) throw UserError(file.string() + ": no such file");
  if (file.extension() == ".jsonl") return read_jsonl(file, options);
  std::ifstream in(file);
  json doc = json::parse(in, nullptr, false);
  if (doc.is_discarded()) throw UserError(file.string() + ": not valid JSON (expected .jsonl or a COCO captions .json)");
  return read_coco(file, doc, options);
}

// "image" (the path, or with embed_image the file as a data URI), width, height.
static void put_image(json& j, const Task& task, bool embed_image, const ImageRoots& roots) {
  j["image"] = task.path;
  if (embed_image)
    j["image"] = "data:" + mime_for_extension(fs::path(task.path).extension().string()) + ";base64," +
                 base64_encode(read_task_image(task, roots));
  j["width"] = task.width;
  j["height"] = task.height;
}

// As Prodigy's review recipe writes its reviewed examples: the final
// caption under the reviewer's _annotator_id, _view_id "review"; gloss
// adds "_review" (verdict, whose answer, when), which db-in reads back.
json to_jsonl_review_record(const Task& task, const Review& r, bool embed_image, const ImageRoots& roots) {
  json j = json::object();
  put_image(j, task, embed_image, roots);
  j["caption"] = r.caption;
  j["answer"] = r.settled() ? "accept" : "ignore";
  j["_input_hash"] = input_hash32(task.hash);
  j["_annotator_id"] = r.reviewer;
  j["_view_id"] = "review";
  j["_timestamp"] = r.reviewed_ms / 1000;
  j["_review"] = {{"verdict", to_string(r.verdict)}, {"from", r.from}, {"reviewed_ms", r.reviewed_ms}};
  return j;
}

json to_jsonl_record(const Task& task, const Answer& a, bool embed_image, const ImageRoots& roots) {
  json j = a.extra.is_object() ? a.extra : json::object();
  put_image(j, task, embed_image, roots);
  j["caption"] = a.caption;
  j["orig_caption"] = a.orig_caption;
  j["answer"] = to_string(a.answer);
  if (!j.contains("_input_hash")) j["_input_hash"] = input_hash32(task.hash);
  if (!j.contains("_task_hash")) j["_task_hash"] = task_hash32(task.hash, a.orig_caption);
  j["_session_id"] = a.session;
  j["_annotator_id"] = a.annotator;
  j["_timestamp"] = a.saved_ms / 1000;
  j["model"] = a.model;
  j["edit_distance"] = a.edit_distance;
  j["categories"] = a.categories;
  j["ms_spent"] = a.ms_spent;
  j["started_ms"] = a.started_ms;
  j["saved_ms"] = a.saved_ms;
  if (a.compare) j["compare"] = compare_to_jsonl(*a.compare);
  if (!j.contains("meta")) j["meta"] = {{"file", fs::path(task.path).filename().string()}};
  if (!a.categories.empty()) {
    if (!j.contains("options")) {
      j["options"] = json::array();
      for (const auto& [id, text] : prodigy_error_options()) j["options"].push_back({{"id", id}, {"text", text}});
    }
    j["accept"] = json::array();
    for (const auto& c : a.categories) j["accept"].push_back(option_for_category(c));
  }
  return j;
}

ExportResult export_dataset(const Store& store, const DatasetInfo& dataset, ExportFormat format,
                            std::ostream& out, bool embed_images, const ImageRoots& roots) {
  ExportResult result;
  auto task_of = [&](std::uint64_t hash) {
    auto t = store.task(hash);
    if (!t) throw StoreError("store is missing task " + hash_hex(hash) + " that dataset '" + dataset.name + "' refers to");
    return *t;
  };
  if (format == ExportFormat::jsonl) {
    store.for_each_answer(dataset, [&](std::uint64_t, const Answer& a) {
      out << to_jsonl_record(task_of(a.task), a, embed_images, roots).dump(-1, ' ', false, json::error_handler_t::replace) << '\n';
      ++result.records;
      return true;
    });
    // Then the leads' reviews, one line each, after every answer they settle.
    store.for_each_review(dataset, [&](std::uint64_t, const Review& r) {
      out << to_jsonl_review_record(task_of(r.task), r, embed_images, roots)
                 .dump(-1, ' ', false, json::error_handler_t::replace)
          << '\n';
      ++result.records;
      return true;
    });
    return result;
  }
  // One image per task: the reviewed caption first where a lead settled it,
  // then every annotator's accepted caption and the other references an
  // imported COCO file had for this image.
  json images = json::array(), annotations = json::array();
  for_each_final_captions(store, dataset, [&](const FinalCaptions& f) {
    const Task t = task_of(f.task);
    const std::int64_t image_id = static_cast<std::int64_t>(f.position) + 1;
    images.push_back({{"id", image_id}, {"file_name", t.path}, {"width", t.width}, {"height", t.height}});
    for (const auto& c : f.references())
      annotations.push_back({{"id", annotations.size() + 1}, {"image_id", image_id}, {"caption", c}});
    ++result.records;
  });
  json doc = {{"info", {{"description", "gloss dataset " + dataset.name}}},
              {"images", images}, {"annotations", annotations}};
  out << doc.dump(1, ' ', false, json::error_handler_t::replace) << '\n';
  return result;
}

std::uint64_t import_reviews(Store& store, std::string_view dataset, const std::vector<ImportRecord>& records) {
  std::uint64_t saved = 0;
  for (const ImportRecord& r : records)
    if (r.review) {
      store.save_review(dataset, *r.review);
      ++saved;
    }
  return saved;
}

}  // namespace gloss
