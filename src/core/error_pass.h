// The state of an error analysis pass (`gloss errors`): the corrections of a
// source dataset copied as tasks into an output dataset, walked with a
// CaptionSession over the output (navigation, undo, summary), plus what the
// errors view adds: the source answer of the open task, the classifier's
// guess, the ticked categories and the live category counts. No GL, no ImGui.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/caption_session.h"
#include "core/category_stats.h"
#include "core/error_classifier.h"
#include "core/store.h"
#include "core/team_answers.h"

namespace gloss {

// subject, attributes, background, number, wording, other.
std::vector<std::string> default_error_labels();

// Adds to `out` the tasks of `source` to analyse, in source order: accepted
// answers whose caption differs from the suggestion (all accepted answers
// with `all`). Returns how many there are.
std::uint64_t add_error_tasks(Store& store, const DatasetInfo& source, const std::string& out, bool all);

// "Error analysis of 'src' into 'out': 12 answered (10 with categories, ...)".
std::string format_errors_summary(const SessionSummary& summary, const std::string& source, const std::string& out);

class ErrorPass {
 public:
  ErrorPass(Store& store, DatasetInfo source, CaptionSession& session, std::vector<std::string> labels);

  const std::vector<std::string>& labels() const { return labels_; }
  // The source dataset's answer for the open task (nullopt if it vanished).
  const std::optional<Answer>& source_answer() const { return source_answer_; }
  // The classifier's categories for the open task, all of them (also ones
  // not in labels()).
  const std::vector<std::string>& guess() const { return guess_; }
  // Why: per guessed category, the changes that made it (error_classifier.h).
  const std::vector<GuessReason>& guess_reasons() const { return reasons_; }
  // The reason for a label's category; nullptr when it was not guessed.
  const GuessReason* reason(std::size_t label) const;
  bool guessed(std::size_t label) const;
  bool ticked(std::size_t label) const { return label < ticked_.size() && ticked_[label]; }
  std::vector<std::string> ticked_labels() const;
  // Stored categories of the output dataset, live.
  const CategoryCounter& counts() const { return counts_; }
  const std::string& source_name() const { return source_.name; }

  // Call after anything that may have moved the session or changed answers.
  void sync();
  // Others' answers as they came (TeamAnswers): into the live counts.
  void apply(const TeamAnswerChanges& changes);
  void toggle(std::size_t label);
  void tick_guess();
  // Stores a copy of the source answer with the ticked categories, the guess
  // and whether it was kept, then opens the next task. Rejects and skips
  // store no categories.
  void answer(AnswerKind kind, std::int64_t now);

 private:
  void load_open_task();
  void recount(std::uint64_t task);
  std::optional<Answer> source_answer(std::uint64_t task) const;

  Store& store_;
  DatasetInfo source_;
  CaptionSession& session_;
  std::vector<std::string> labels_;
  CategoryCounter counts_;

  std::uint64_t task_ = 0;
  std::uint64_t generation_ = UINT64_MAX;
  std::optional<Answer> source_answer_;
  std::vector<GuessReason> reasons_;
  std::vector<std::string> guess_;
  std::vector<bool> ticked_;
};

}  // namespace gloss
