#include "core/team_answers.h"

#include <cstring>
#include <functional>
#include <tuple>

#include "core/error.h"

namespace gloss {
namespace {

// What the counts say of a dataset; a change means answers changed.
std::tuple<std::uint64_t, std::uint64_t, std::uint64_t> fingerprint(const DatasetInfo& d) {
  return {d.size, d.answers, d.answered};
}

std::string seen_key(std::uint64_t position, const std::string& annotator) {
  std::string key(reinterpret_cast<const char*>(&position), sizeof position);
  return key + annotator;
}

std::uint64_t fingerprint(const Answer& a) { return std::hash<std::string>{}(encode(a)); }

}  // namespace

TeamAnswers::TeamAnswers(const Store& store, DatasetInfo dataset, std::string own, std::chrono::milliseconds poll)
    : store_(store), dataset_(std::move(dataset)), own_(std::move(own)), poll_(poll) {
  thread_ = std::thread([this] { run(); });
}

TeamAnswers::~TeamAnswers() {
  stop_ = true;
  wake_.notify_all();
  thread_.join();
}

std::optional<TeamAnswerChanges> TeamAnswers::take() {
  std::lock_guard lock(mutex_);
  return std::exchange(ready_, std::nullopt);
}

void TeamAnswers::run() {
  try {
    auto feed = store_.answer_feed();
    // Listening before the first reading: what is saved after it is heard
    // (what the feed says meanwhile, the reading has).
    if (feed) (void)feed->next(std::chrono::milliseconds(0));
    TeamAnswerChanges first;
    read_all(first);
    if (!first.empty()) hand_over(std::move(first));
    if (feed) follow(*feed);
    else poll();
  } catch (const std::exception&) {
    // The live counts stop; the window and its own answers go on.
  }
}

void TeamAnswers::follow(AnswerFeed& feed) {
  while (!stopping()) {
    const std::vector<AnswerChange> changes = feed.next(std::chrono::milliseconds(500));
    TeamAnswerChanges out;
    bool reload = false;
    for (const AnswerChange& c : changes) {
      if (!c.dataset.empty() && c.dataset != dataset_.name) continue;
      if (c.dataset.empty() || !c.position) reload = true;
      else if (c.annotator != own_ && !c.annotator.empty()) read_change(c, out);
    }
    if (reload) read_all(out);
    if (!out.empty()) hand_over(std::move(out));
  }
}

void TeamAnswers::poll() {
  auto last = fingerprint(dataset_);
  while (!stopping()) {
    {
      std::unique_lock lock(mutex_);
      wake_.wait_for(lock, poll_, [this] { return stopping(); });
    }
    if (stopping()) return;
    try {
      const auto now = store_.dataset(dataset_.name);
      if (!now || fingerprint(*now) == last) continue;
      last = fingerprint(*now);
      dataset_ = *now;
      TeamAnswerChanges out;
      read_all(out);
      hand_over(std::move(out));
    } catch (const StoreError&) {
      // Asked again at the next poll.
    }
  }
}

void TeamAnswers::read_change(const AnswerChange& change, TeamAnswerChanges& out) {
  try {
    if (auto a = store_.answer_at(dataset_, *change.position, change.annotator)) {
      const std::uint64_t task = a->task;
      remember(*change.position, change.annotator, a);
      out.answers.push_back(TeamAnswer{task, change.annotator, std::move(a), *change.position});
    } else if (const auto task = store_.task_at(dataset_, *change.position)) {
      remember(*change.position, change.annotator, std::nullopt);
      out.answers.push_back(TeamAnswer{*task, change.annotator, std::nullopt, *change.position});
    }
  } catch (const StoreError&) {
    // The server went away between the word and the read: the feed says
    // "anything may have changed" once it is back.
  }
}

void TeamAnswers::remember(std::uint64_t position, const std::string& annotator, const std::optional<Answer>& a) {
  if (a) seen_[seen_key(position, annotator)] = Seen{a->task, fingerprint(*a)};
  else seen_.erase(seen_key(position, annotator));
}

void TeamAnswers::read_all(TeamAnswerChanges& out) {
  TeamAnswerChanges read;
  read.reload = !read_once_;
  std::unordered_map<std::string, Seen> now;
  try {
    const DatasetInfo d = store_.dataset(dataset_.name).value_or(dataset_);
    store_.for_each_answer(d, [&](std::uint64_t position, const Answer& a) {
      const Seen seen{a.task, fingerprint(a)};
      const std::string key = seen_key(position, a.annotator);
      const auto before = seen_.find(key);
      if (read.reload || before == seen_.end() || before->second.fingerprint != seen.fingerprint)
        read.answers.push_back(TeamAnswer{a.task, a.annotator, a, position});
      now.emplace(key, seen);
      return true;
    });
  } catch (const StoreError&) {
    return;
  }
  if (!read.reload)
    for (const auto& [key, seen] : seen_)
      if (!now.contains(key)) {
        std::uint64_t position = 0;
        std::memcpy(&position, key.data(), sizeof position);
        read.answers.push_back(TeamAnswer{seen.task, key.substr(sizeof position), std::nullopt, position});
      }
  seen_ = std::move(now);
  read_once_ = true;
  if (read.reload) {
    out = std::move(read);
    return;
  }
  for (TeamAnswer& a : read.answers) out.answers.push_back(std::move(a));
}

void TeamAnswers::hand_over(TeamAnswerChanges changes) {
  std::lock_guard lock(mutex_);
  if (!ready_ || changes.reload) {
    ready_ = std::move(changes);
    return;
  }
  for (TeamAnswer& a : changes.answers) ready_->answers.push_back(std::move(a));
}

}  // namespace gloss
