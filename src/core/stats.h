// Counts over a dataset's answers, for `gloss stats` and session summaries.
#pragma once

#include <cstdint>
#include <string>

#include "core/store.h"

namespace gloss {

struct AnswerCounts {
  std::uint64_t answered = 0;
  std::uint64_t accepted = 0;
  std::uint64_t rejected = 0;
  std::uint64_t ignored = 0;
  std::uint64_t changed = 0;    // accepted with a caption different from the suggestion
  std::uint64_t unchanged = 0;  // accepted as suggested
  std::uint64_t edit_distance_sum = 0;  // over changed answers
  std::int64_t ms_spent_sum = 0;

  void add(const Answer& answer);
  double changed_percent() const;          // of accepted
  double mean_edit_distance() const;       // of changed
  double mean_seconds_per_task() const;    // of answered
};

struct DatasetStats {
  DatasetInfo dataset;
  AnswerCounts counts;
};

DatasetStats dataset_stats(const Store& store, const DatasetInfo& dataset);
std::string format_stats(const DatasetStats& stats);

}  // namespace gloss
