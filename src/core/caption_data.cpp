#include "core/caption_data.h"

#include <fstream>

#include <nlohmann/json.hpp>

#include "core/error.h"
#include "core/final_captions.h"

namespace gloss {
namespace fs = std::filesystem;
using nlohmann::json;

bool is_caption_file(const std::string& data) {
  std::error_code ec;
  return fs::is_regular_file(data, ec);
}

namespace {

std::vector<std::string> references_of(const json& j) {
  std::vector<std::string> refs;
  if (j.contains("caption")) refs.push_back(j.at("caption").get<std::string>());
  if (j.contains("references"))
    for (const auto& r : j.at("references")) {
      const auto text = r.get<std::string>();
      if (refs.empty() || text != refs.front()) refs.push_back(text);
    }
  return refs;
}

}  // namespace

CaptionData load_caption_file(const fs::path& file) {
  std::ifstream in(file);
  if (!in) throw UserError(file.string() + ": cannot open");
  CaptionData data;
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    const std::string where = file.string() + ":" + std::to_string(number);
    const json j = json::parse(line, nullptr, false);
    if (j.is_discarded() || !j.is_object()) { data.problems.push_back({where, "not a JSON object", number}); continue; }
    if (!j.contains("image") || !j["image"].is_string()) {
      data.problems.push_back({where, "needs an \"image\" field with a path", number});
      continue;
    }
    // Rejected or ignored answers (a db-out export) are not training pairs.
    if (j.contains("answer") && j["answer"] != "accept") continue;
    try {
      auto refs = references_of(j);
      if (refs.empty()) { data.problems.push_back({where, "needs a \"caption\" (or \"references\")", number}); continue; }
      data.items.push_back({resolve_image_path(j["image"].get<std::string>(), file.parent_path()), std::move(refs)});
    } catch (const json::exception&) {
      data.problems.push_back({where, "\"caption\" and \"references\" must be strings", number});
    }
  }
  data.description = file.string() + " (" + std::to_string(data.items.size()) + " images)";
  return data;
}

CaptionData load_caption_dataset(const Store& store, const std::string& name) {
  const DatasetInfo dataset = store.require_dataset(name);
  CaptionData data;
  std::size_t reviewed = 0;
  for_each_final_captions(store, dataset, [&](const FinalCaptions& f) {
    const auto task = store.task(f.task);
    if (!task) return;
    data.items.push_back({task->path, f.references(), task->hash, f.review.has_value()});
    reviewed += f.review ? 1 : 0;
  });
  data.description = "dataset '" + name + "' (" + std::to_string(data.items.size()) + " images with an accepted caption";
  if (reviewed > 0) data.description += ", " + std::to_string(reviewed) + " settled by review";
  data.description += ")";
  return data;
}

}  // namespace gloss
