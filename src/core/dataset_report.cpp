#include "core/dataset_report.h"

namespace gloss {

DatasetReport dataset_report(const Store& store, const DatasetInfo& dataset) {
  DatasetReport report{{dataset, {}}, {}, {}};
  CategoryTally categories;
  CompareTallies comparisons;
  store.for_each_answer(dataset, [&](std::uint64_t, const Answer& a) {
    report.stats.counts.add(a);
    categories.add(a);
    comparisons.add(a);
    report.by_annotator[a.annotator].add(a);
    report.surplus += a.surplus;
    return true;
  });
  report.categories = categories.finish();
  report.comparisons = comparisons.finish();
  return report;
}

// Who answered how much, when more than one person works on the dataset.
std::string format_team(const DatasetReport& report) {
  const DatasetInfo& d = report.stats.dataset;
  if (d.overlap <= 1 && report.by_annotator.size() <= 1) return "";
  char line[256];
  std::snprintf(line, sizeof line, "  annotators       %zu (each task goes to %d; %llu of %llu tasks have all their answers)\n",
                report.by_annotator.size(), d.overlap, static_cast<unsigned long long>(d.answered),
                static_cast<unsigned long long>(d.size));
  std::string out = line;
  for (const auto& [name, c] : report.by_annotator) {
    std::snprintf(line, sizeof line, "    %-14s %llu answers, %llu accepted (%.1f%% changed), %.1f s/task\n", name.c_str(),
                  static_cast<unsigned long long>(c.answered), static_cast<unsigned long long>(c.accepted),
                  c.changed_percent(), c.mean_seconds_per_task());
    out += line;
  }
  if (report.surplus) {
    std::snprintf(line, sizeof line, "  surplus answers  %llu (given after the task was handed on; kept, not counted twice)\n",
                  static_cast<unsigned long long>(report.surplus));
    out += line;
  }
  return out;
}

std::string format_dataset_report(const DatasetReport& report) {
  return format_stats(report.stats) + format_team(report) + format_category_stats(report.categories) +
         format_compare_stats(report.comparisons);
}

}  // namespace gloss
