// Word of answers saved or removed anywhere: on PostgreSQL every workstation
// hears every other through LISTEN/NOTIFY (channel gloss_answers, payload
// made by answer_change_payload). A store without a feed (LMDB: one machine)
// returns none from Store::answer_feed(); its readers poll (TeamAnswers).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace gloss {

struct AnswerChange {
  // Empty: any dataset may have changed (the feed lost its server a while).
  std::string dataset;
  // The task's position and whose answer changed; nullopt for many at once
  // (an import): read the dataset again.
  std::optional<std::uint64_t> position;
  std::string annotator;
};

// {"dataset": ..., "position": ..., "annotator": ...} (only the dataset for many).
std::string answer_change_payload(const AnswerChange& change);
// nullopt for a payload that is not one (a foreign NOTIFY on the channel).
std::optional<AnswerChange> parse_answer_change(const std::string& payload);

class AnswerFeed {
 public:
  virtual ~AnswerFeed() = default;
  // What changed since the last call, waiting up to `timeout` for the first
  // change; empty when nothing did. Never throws for a server that went
  // away: it waits and tries again at the next call.
  virtual std::vector<AnswerChange> next(std::chrono::milliseconds timeout) = 0;
};

}  // namespace gloss
