// Everything `gloss stats` prints about a dataset, from one pass over its
// answers (a million answers are decoded once, not once per table).
#pragma once

#include <map>
#include <string>
#include <vector>

#include "core/agreement.h"
#include "core/category_stats.h"
#include "core/compare.h"
#include "core/stats.h"

namespace gloss {

struct DatasetReport {
  DatasetStats stats;
  CategoryStats categories;
  std::vector<CompareTally> comparisons;
  std::map<std::string, AnswerCounts> by_annotator;
  std::uint64_t surplus = 0;  // late answers to tasks that had been handed on
  std::uint64_t overlapping = 0;  // tasks with two or more answers (gloss agreement)
  WerSum caption_pairs;           // pairwise WER of those tasks' accepted captions
  std::uint64_t picked = 0, edited = 0, sent_back = 0;  // reviews (gloss review), by verdict
};

DatasetReport dataset_report(const Store& store, const DatasetInfo& dataset);
// format_stats, then the category histograms and the comparisons where there
// are any, and a pointer to gloss agreement when tasks have several answers.
std::string format_dataset_report(const DatasetReport& report);

}  // namespace gloss
