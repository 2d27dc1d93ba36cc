#include "core/error_pass.h"

#include <algorithm>
#include <cstdio>
#include <set>

#include "core/error_classifier.h"

namespace gloss {

std::vector<std::string> default_error_labels() {
  std::vector<std::string> out(std::begin(kGuessCategories), std::end(kGuessCategories));
  out.emplace_back("other");
  return out;
}

std::uint64_t add_error_tasks(Store& store, const DatasetInfo& source, const std::string& out, bool all) {
  std::vector<std::uint64_t> picked;
  store.for_each_answer(source, [&](std::uint64_t, const Answer& a) {
    if (a.answer == AnswerKind::accept && (all || a.changed())) picked.push_back(a.task);
    return true;
  });
  std::vector<Task> tasks;
  tasks.reserve(picked.size());
  for (std::uint64_t hash : picked)
    if (auto t = store.task(hash)) tasks.push_back(std::move(*t));
  if (tasks.empty()) return 0;  // no empty dataset left behind by a pass with nothing to do
  store.add_tasks(out, tasks);
  return tasks.size();
}

std::string format_errors_summary(const SessionSummary& s, const std::string& source, const std::string& out) {
  char buf[512];
  std::snprintf(buf, sizeof buf,
                "Error analysis of '%s' into '%s'\n"
                "  answered          %llu\n"
                "  categories stored %llu\n"
                "  rejected          %llu\n"
                "  skipped           %llu\n"
                "  still to analyse  %llu\n",
                source.c_str(), out.c_str(), static_cast<unsigned long long>(s.counts.answered),
                static_cast<unsigned long long>(s.counts.accepted), static_cast<unsigned long long>(s.counts.rejected),
                static_cast<unsigned long long>(s.counts.ignored), static_cast<unsigned long long>(s.remaining));
  return buf;
}

ErrorPass::ErrorPass(Store& store, DatasetInfo source, CaptionSession& session, std::vector<std::string> labels)
    : store_(store), source_(std::move(source)), session_(session), labels_(std::move(labels)) {
  store_.for_each_answer(session_.dataset(), [&](std::uint64_t, const Answer& a) {
    if (a.answer == AnswerKind::accept) counts_.set(answer_key(a.task, a.annotator), a.model, a.categories);
    return true;
  });
}

bool ErrorPass::guessed(std::size_t label) const {
  return label < labels_.size() && std::find(guess_.begin(), guess_.end(), labels_[label]) != guess_.end();
}

const GuessReason* ErrorPass::reason(std::size_t label) const {
  if (label >= labels_.size()) return nullptr;
  const auto it = std::find_if(reasons_.begin(), reasons_.end(),
                               [&](const GuessReason& r) { return r.category == labels_[label]; });
  return it == reasons_.end() ? nullptr : &*it;
}

std::vector<std::string> ErrorPass::ticked_labels() const {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < labels_.size(); ++i)
    if (ticked(i)) out.push_back(labels_[i]);
  return out;
}

void ErrorPass::sync() {
  if (session_.task().hash == task_ && session_.box_generation() == generation_) return;
  const std::uint64_t before = task_;
  task_ = session_.task().hash;
  generation_ = session_.box_generation();
  // Answering stores the task we leave; undo removes the one we come back to.
  recount(before);
  recount(task_);
  load_open_task();
}

void ErrorPass::apply(const TeamAnswerChanges& changes) {
  if (changes.reload) counts_ = {};
  for (const TeamAnswer& t : changes.answers) {
    const std::uint64_t key = answer_key(t.task, t.annotator);
    if (t.answer && t.answer->answer == AnswerKind::accept) counts_.set(key, t.answer->model, t.answer->categories);
    else counts_.erase(key);
  }
}

void ErrorPass::recount(std::uint64_t task) {
  if (task == 0) return;
  const auto a = store_.answer(session_.dataset(), task, session_.annotator());
  const std::uint64_t key = answer_key(task, session_.annotator());
  if (a && a->answer == AnswerKind::accept) counts_.set(key, a->model, a->categories);
  else counts_.erase(key);
}

// The annotator's own answer in the source dataset where they gave one, else
// the first accepted correction by anyone, else any answer.
std::optional<Answer> ErrorPass::source_answer(std::uint64_t task) const {
  const auto position = store_.position_of(source_, task);
  if (!position) return std::nullopt;
  const std::vector<Answer> all = store_.answers_at(source_, *position);
  for (const Answer& a : all)
    if (a.annotator == session_.annotator()) return a;
  for (const Answer& a : all)
    if (a.answer == AnswerKind::accept && a.changed()) return a;
  if (all.empty()) return std::nullopt;
  return all.front();
}

void ErrorPass::load_open_task() {
  source_answer_ = source_answer(task_);
  reasons_ = source_answer_ ? explain_correction(source_answer_->orig_caption, source_answer_->caption)
                            : std::vector<GuessReason>{};
  guess_ = categories_of(reasons_);
  // What to tick: what was stored (or just undone), else the guess.
  const std::optional<Answer>& stored = session_.undone() ? session_.undone() : session_.answer();
  if (stored) {
    ticked_.assign(labels_.size(), false);
    for (std::size_t i = 0; i < labels_.size(); ++i)
      ticked_[i] = std::find(stored->categories.begin(), stored->categories.end(), labels_[i]) !=
                   stored->categories.end();
  } else {
    tick_guess();
  }
}

void ErrorPass::toggle(std::size_t label) {
  if (label < ticked_.size()) ticked_[label] = !ticked_[label];
}

void ErrorPass::tick_guess() {
  ticked_.assign(labels_.size(), false);
  for (std::size_t i = 0; i < labels_.size(); ++i) ticked_[i] = guessed(i);
}

void ErrorPass::answer(AnswerKind kind, std::int64_t now) {
  // A task whose source answer was dropped since still gets an answer, so the pass never gets stuck on it.
  Answer a = source_answer_.value_or(Answer{});
  a.surplus = false;
  a.answer = kind;
  a.categories = kind == AnswerKind::accept ? ticked_labels() : std::vector<std::string>{};
  a.extra["guess"] = guess_;
  const std::set<std::string> stored(a.categories.begin(), a.categories.end()), guess(guess_.begin(), guess_.end());
  a.extra["guess_kept"] = stored == guess;
  session_.save_and_next(std::move(a), now);
  sync();
}

}  // namespace gloss
