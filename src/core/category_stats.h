// Error-category counts over answers: the live histogram of the errors and
// caption views, and the `gloss stats` printout. Counts are kept per task, so
// answering a task again or undoing an answer updates them exactly.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/store.h"

namespace gloss {

struct CategoryBar {
  std::string category;
  std::uint64_t count = 0;
  double percent = 0;  // of the histogram's answers (an answer can have several categories)
  bool operator==(const CategoryBar&) const = default;
};

struct CategoryHistogram {
  std::string model;         // model id of the suggestions; "" when there was none
  std::uint64_t answers = 0;
  std::vector<CategoryBar> bars;  // by count, largest first; ties by name
  bool operator==(const CategoryHistogram&) const = default;
};

// The key a counter keeps an answer under: one entry per task and annotator,
// so the live histograms count everyone's answers.
std::uint64_t answer_key(std::uint64_t task, std::string_view annotator);

class CategoryCounter {
 public:
  // Replaces what was counted for `task`. An empty list counts as an answer
  // with no category.
  void set(std::uint64_t task, const std::string& model, const std::vector<std::string>& categories);
  void erase(std::uint64_t task);
  // Counts an answer that is never replaced or erased (a one-pass tally of
  // the store): no per-task entry is kept, so a million answers stay cheap.
  void add(const std::string& model, const std::vector<std::string>& categories);
  // One per model, ordered by model id.
  std::vector<CategoryHistogram> histograms() const;
  std::uint64_t answers() const { return entries_.size() + added_; }

 private:
  struct Entry {
    std::string model;
    std::vector<std::string> categories;
  };
  std::unordered_map<std::uint64_t, Entry> entries_;
  std::map<std::string, std::map<std::string, std::uint64_t>> counts_;  // model -> category -> n
  std::map<std::string, std::uint64_t> answers_;                        // model -> answers
  std::uint64_t added_ = 0;  // counted with add()
};

// How the classifier's guess (an answer's extra "guess") compares with the
// categories the annotator stored.
struct GuessScore {
  std::string category;
  std::uint64_t true_positive = 0, false_positive = 0, false_negative = 0;
  double precision() const;  // 1 when never guessed
  double recall() const;     // 1 when never stored
  double f1() const;         // harmonic mean of the two; 0 when both are 0
};

struct CategoryStats {
  CategoryCounter counter;          // accepted answers with categories or a guess
  std::uint64_t guessed = 0;        // of those, answers with a guess
  std::uint64_t guess_kept = 0;     // of those, stored exactly as guessed
  std::vector<GuessScore> scores;   // per category, in name order
};

// Categories over answers seen once each (category_stats, dataset_report).
class CategoryTally {
 public:
  void add(const Answer& answer);
  CategoryStats finish();

 private:
  CategoryStats stats_;
  std::map<std::string, GuessScore> scores_;
};

CategoryStats category_stats(const Store& store, const DatasetInfo& dataset);
// The guess stored with an answer by `gloss errors`; empty if none.
std::vector<std::string> stored_guess(const Answer& answer);
// Text bars per model and the guess's precision/recall; "" without categories.
std::string format_category_stats(const CategoryStats& stats);

}  // namespace gloss
