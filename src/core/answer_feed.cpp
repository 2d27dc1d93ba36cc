#include "core/answer_feed.h"

#include <nlohmann/json.hpp>

namespace gloss {

std::string answer_change_payload(const AnswerChange& change) {
  nlohmann::json j = {{"dataset", change.dataset}};
  if (change.position) {
    j["position"] = *change.position;
    j["annotator"] = change.annotator;
  }
  return j.dump();
}

std::optional<AnswerChange> parse_answer_change(const std::string& payload) {
  const auto j = nlohmann::json::parse(payload, nullptr, false);
  if (!j.is_object() || !j.contains("dataset") || !j["dataset"].is_string()) return std::nullopt;
  AnswerChange change;
  change.dataset = j["dataset"].get<std::string>();
  if (j.contains("position")) {
    if (!j["position"].is_number_unsigned() || !j.contains("annotator") || !j["annotator"].is_string())
      return std::nullopt;
    change.position = j["position"].get<std::uint64_t>();
    change.annotator = j["annotator"].get<std::string>();
  }
  return change;
}

}  // namespace gloss
