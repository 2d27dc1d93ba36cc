#include "core/dataset_report.h"

#include <cstdio>

namespace gloss {
namespace {

// Counts the tasks with several answers and their captions' pairwise WER, a
// task at a time (answers come in position order).
class OverlapTally {
 public:
  void add(std::uint64_t position, const Answer& a) {
    if (answers_ > 0 && position != position_) flush();
    position_ = position;
    ++answers_;
    if (a.answer == AnswerKind::accept) captions_.push_back(a.caption);
  }
  void finish(DatasetReport& report) {
    flush();
    report.overlapping = overlapping_;
    report.caption_pairs = pairs_;
  }

 private:
  void flush() {
    if (answers_ >= 2) {
      ++overlapping_;
      pairs_.add(pairwise_wer(captions_));
    }
    answers_ = 0;
    captions_.clear();
  }

  std::uint64_t position_ = 0;
  std::size_t answers_ = 0;
  std::vector<std::string> captions_;
  std::uint64_t overlapping_ = 0;
  WerSum pairs_;
};

}  // namespace

DatasetReport dataset_report(const Store& store, const DatasetInfo& dataset) {
  DatasetReport report{{dataset, {}}, {}, {}};
  CategoryTally categories;
  CompareTallies comparisons;
  OverlapTally overlap;
  store.for_each_answer(dataset, [&](std::uint64_t position, const Answer& a) {
    overlap.add(position, a);
    report.stats.counts.add(a);
    categories.add(a);
    comparisons.add(a);
    report.by_annotator[a.annotator].add(a);
    report.surplus += a.surplus;
    return true;
  });
  overlap.finish(report);
  store.for_each_review(dataset, [&](std::uint64_t, const Review& r) {
    ++(r.verdict == ReviewVerdict::picked ? report.picked : r.verdict == ReviewVerdict::edited ? report.edited
                                                                                               : report.sent_back);
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
    std::snprintf(line, sizeof line, "    %-14s %llu answer%s, %llu accepted (%.1f%% changed), %.1f s/task\n",
                  name.c_str(), static_cast<unsigned long long>(c.answered), c.answered == 1 ? "" : "s",
                  static_cast<unsigned long long>(c.accepted),
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

// One line pointing to gloss agreement, and one counting the reviews; ""
// when no task has two answers.
std::string format_overlap(const DatasetReport& report) {
  if (report.overlapping == 0) return "";
  char figure[128] = "no two accepted captions to compare";
  if (const auto wer = report.caption_pairs.mean())
    std::snprintf(figure, sizeof figure, "mean pairwise WER of their captions %.2f", *wer);
  char line[512];
  std::snprintf(line, sizeof line, "  overlap          %llu task%s with 2+ answers; %s (gloss agreement %s for more)\n",
                static_cast<unsigned long long>(report.overlapping), report.overlapping == 1 ? "" : "s", figure,
                report.stats.dataset.name.c_str());
  std::string out = line;
  if (const std::uint64_t reviews = report.picked + report.edited + report.sent_back) {
    std::snprintf(line, sizeof line,
                  "  reviews          %llu (%llu picked, %llu edited, %llu sent back to one more annotator; gloss "
                  "review %s)\n",
                  static_cast<unsigned long long>(reviews), static_cast<unsigned long long>(report.picked),
                  static_cast<unsigned long long>(report.edited), static_cast<unsigned long long>(report.sent_back),
                  report.stats.dataset.name.c_str());
    out += line;
  }
  return out;
}

std::string format_dataset_report(const DatasetReport& report) {
  return format_stats(report.stats) + format_team(report) + format_overlap(report) +
         format_category_stats(report.categories) + format_compare_stats(report.comparisons);
}

}  // namespace gloss
