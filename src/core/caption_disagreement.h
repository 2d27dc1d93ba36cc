// How far a task's captions disagree: the pairwise word error rate that
// `gloss agreement`, the review order and adaptive overlap share. Kept apart
// from agreement.h so the stores (and the fuzz targets built from them) need
// only this and the metrics.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "core/records.h"

namespace gloss {

// One caption scored against another as reference: word edit distance over
// the reference's word count (metric tokens, as eval).
double caption_wer(const std::string& scored, const std::string& reference);

// Pairs of captions of one task: each ordered pair (first, second) of two
// different annotators' captions scores first against second as reference:
// word edit distance over the second's word count (metric tokens, as eval).
struct WerSum {
  double sum = 0;
  std::size_t pairs = 0;
  void add(const WerSum& other) { sum += other.sum; pairs += other.pairs; }
  std::optional<double> mean() const;
};
WerSum pairwise_wer(const std::vector<std::string>& captions);

// The mean pairwise WER of a task's accepted captions; nullopt with fewer
// than two. What adaptive overlap compares with its threshold.
std::optional<double> mean_pairwise_wer(const std::vector<std::string>& captions);

// Adaptive overlap (Routing in store.h): whether a task that wants `wanted`
// answers should want one more. Yes when the dataset has it on, `wanted` is
// below max_overlap, the task has `wanted` answers or more, and the mean
// pairwise WER of its non-surplus accepted captions is above the threshold.
bool wants_another_answer(const DatasetInfo& dataset, int wanted, const std::vector<Answer>& answers);

}  // namespace gloss
