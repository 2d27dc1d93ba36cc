#include "core/stats.h"

#include <algorithm>
#include <cstdio>

namespace gloss {

void AnswerCounts::add(const Answer& a) {
  ++answered;
  ms_spent_sum += a.ms_spent;
  switch (a.answer) {
    case AnswerKind::reject: ++rejected; return;
    case AnswerKind::ignore: ++ignored; return;
    case AnswerKind::accept: break;
  }
  ++accepted;
  if (a.changed()) {
    ++changed;
    edit_distance_sum += static_cast<std::uint64_t>(a.edit_distance);
  } else {
    ++unchanged;
  }
}

double AnswerCounts::changed_percent() const { return accepted ? 100.0 * changed / accepted : 0.0; }
double AnswerCounts::mean_edit_distance() const {
  return changed ? static_cast<double>(edit_distance_sum) / changed : 0.0;
}
double AnswerCounts::mean_seconds_per_task() const {
  return answered ? ms_spent_sum / 1000.0 / answered : 0.0;
}

DatasetStats dataset_stats(const Store& store, const DatasetInfo& dataset) {
  DatasetStats stats{dataset, {}};
  store.for_each_answer(dataset, [&](std::uint64_t, const Answer& a) {
    stats.counts.add(a);
    return true;
  });
  return stats;
}

std::string format_stats(const DatasetStats& s) {
  const AnswerCounts& c = s.counts;
  char buf[1024];
  std::snprintf(buf, sizeof buf,
                "dataset %s\n"
                "  tasks            %llu\n"
                "  answered         %llu (%llu pending)\n"
                "  accepted         %llu\n"
                "    unchanged      %llu\n"
                "    changed        %llu (%.1f%% of accepted)\n"
                "  rejected         %llu\n"
                "  ignored          %llu\n"
                "  mean edit distance of changed captions  %.2f words\n"
                "  mean time per task                      %.1f s\n",
                s.dataset.name.c_str(), static_cast<unsigned long long>(s.dataset.size),
                static_cast<unsigned long long>(c.answered),
                static_cast<unsigned long long>(s.dataset.size - std::min<std::uint64_t>(s.dataset.answered, s.dataset.size)),
                static_cast<unsigned long long>(c.accepted), static_cast<unsigned long long>(c.unchanged),
                static_cast<unsigned long long>(c.changed), c.changed_percent(),
                static_cast<unsigned long long>(c.rejected), static_cast<unsigned long long>(c.ignored),
                c.mean_edit_distance(), c.mean_seconds_per_task());
  return buf;
}

}  // namespace gloss
