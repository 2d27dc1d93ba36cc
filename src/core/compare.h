// Blind A/B comparison of two captioners (gloss compare): the order the two
// captions are shown in, when two captions count as the same, and the tally
// of choices with a Wilson interval on A's win rate. No GL, no torch.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/store.h"

namespace gloss {

// Whether model A's caption goes on the left for this task: random-looking
// per task, the same for the same (seed, task) on every machine.
bool a_on_left(std::uint64_t seed, std::uint64_t task);

// Same words in the same order, compared as the word diff does (case and
// surrounding punctuation ignored).
bool same_caption(const std::string& a, const std::string& b);

struct Interval {
  double low = 0, high = 1;
};

// Wilson score interval for `successes` out of `trials` at normal quantile z
// (1.959964 = 95%). With no trials: [0, 1].
Interval wilson_interval(std::uint64_t successes, std::uint64_t trials, double z = 1.959963984540054);

struct CompareTally {
  std::string model_a, model_b;
  std::uint64_t a_wins = 0, b_wins = 0;
  std::uint64_t both_good = 0, both_bad = 0;
  std::uint64_t identical = 0;  // answered automatically, counted as ties
  std::uint64_t edited = 0;     // a better caption was edited into a final one
  std::uint64_t other = 0;      // skipped, or the image rejected

  void add(const CompareRecord& record, int sign = 1);
  std::uint64_t decided() const { return a_wins + b_wins; }
  std::uint64_t ties() const { return both_good + both_bad + identical; }
  std::uint64_t answered() const { return decided() + ties() + other; }
  // A's wins over decided comparisons (ties left out); 0.5 with none.
  double a_win_rate() const;
  Interval a_interval() const { return wilson_interval(a_wins, decided()); }
};

// Live tally over a dataset's comparison answers, kept up to date one task
// at a time (set after an answer, erase after an undo): one judgement per
// task and annotator.
class CompareCounter {
 public:
  void set(const std::string& annotator, std::uint64_t task, const Answer* answer);
  const CompareTally& tally() const { return tally_; }

 private:
  CompareTally tally_;
  std::map<std::pair<std::string, std::uint64_t>, CompareRecord> counted_;
};

// One tally per (model A, model B) pair, over answers seen once each.
class CompareTallies {
 public:
  void add(const Answer& answer);
  std::vector<CompareTally> finish();

 private:
  std::map<std::pair<std::string, std::string>, CompareTally> by_pair_;
};

// One tally per (model A, model B) pair found in the dataset's answers.
std::vector<CompareTally> compare_stats(const Store& store, const DatasetInfo& dataset);
// "model A 024569d3 vs model B 7f3e01aa: B wins 61.0% of 82 decided (95% CI 50.2-70.8%) ..."
std::string format_compare_stats(const std::vector<CompareTally>& tallies);
// "61.0%"
std::string format_percent(double fraction);

}  // namespace gloss
