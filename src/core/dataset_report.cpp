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
    return true;
  });
  report.categories = categories.finish();
  report.comparisons = comparisons.finish();
  return report;
}

std::string format_dataset_report(const DatasetReport& report) {
  return format_stats(report.stats) + format_category_stats(report.categories) +
         format_compare_stats(report.comparisons);
}

}  // namespace gloss
