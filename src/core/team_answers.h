// Everyone's answers to one dataset, kept current while a window is open:
// a background thread hears of answers saved or removed by others (the
// store's AnswerFeed; without one, it polls the dataset's counts), reads
// them, and hands the UI thread what changed. The errors, compare and review
// windows apply it to their live histograms, tallies and lists. The UI
// thread only takes what is ready; it never waits on the store.
//
// The thread reads every answer once when it starts (handed over as a
// reload: what was saved between the window's own reading and this one is
// not lost) and remembers a fingerprint of each. Whenever it has to read
// everything again (an LMDB store's counts changed; a feed that lost its
// server) it hands over only the answers that differ from what it
// remembers, so the UI thread's work follows what changed, not the size of
// the dataset.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/store.h"

namespace gloss {

// One annotator's answer to one task as it is now; no answer: removed.
struct TeamAnswer {
  std::uint64_t task = 0;
  std::string annotator;
  std::optional<Answer> answer;
  std::uint64_t position = 0;  // the task's in the dataset
};

struct TeamAnswerChanges {
  // True: `answers` is every answer of the dataset (count again from scratch).
  bool reload = false;
  std::vector<TeamAnswer> answers;  // in the order they changed
  bool empty() const { return !reload && answers.empty(); }
};

class TeamAnswers {
 public:
  // `own`: this window's annotator, whose changes the window already knows.
  // `poll`: how often a store without a feed is asked for its counts.
  TeamAnswers(const Store& store, DatasetInfo dataset, std::string own,
              std::chrono::milliseconds poll = std::chrono::seconds(3));
  ~TeamAnswers();
  TeamAnswers(const TeamAnswers&) = delete;
  TeamAnswers& operator=(const TeamAnswers&) = delete;

  // What arrived since the last call; nullopt when nothing did. Never waits.
  std::optional<TeamAnswerChanges> take();

 private:
  void run();
  void follow(AnswerFeed& feed);
  void poll();
  void read_change(const AnswerChange& change, TeamAnswerChanges& out);
  // Every answer: all of them the first time (a reload), then those that
  // changed since the last read.
  void read_all(TeamAnswerChanges& out);
  void remember(std::uint64_t position, const std::string& annotator, const std::optional<Answer>& answer);
  void hand_over(TeamAnswerChanges changes);
  bool stopping() const { return stop_.load(); }

  const Store& store_;
  DatasetInfo dataset_;
  std::string own_;
  std::chrono::milliseconds poll_;

  // The background thread's own: (position, annotator) -> the task and a
  // fingerprint of the answer as last read.
  struct Seen {
    std::uint64_t task = 0;
    std::uint64_t fingerprint = 0;
  };
  std::unordered_map<std::string, Seen> seen_;
  bool read_once_ = false;

  std::mutex mutex_;
  std::condition_variable wake_;
  std::optional<TeamAnswerChanges> ready_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace gloss
