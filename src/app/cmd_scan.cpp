// The scan halves of add and caption (core/folder_scan.h): a scan run with
// a progress bar on stderr, and its report.
#include <chrono>
#include <cstdio>
#include <exception>
#include <iostream>
#include <thread>

#include "app/commands.h"
#include "app/progress.h"

namespace gloss {

namespace {

std::string progress_detail(const ScanProgress& p) {
  std::string detail = p.bytes_read > 0 && p.seconds >= 0.5 ? format_rate(p.bytes_per_second()) : "";
  if (!p.listing_done) detail += std::string(detail.empty() ? "" : ", ") + "still listing";
  return detail;
}

}  // namespace

ScanReport run_scan_with_progress(FolderScan& scan) {
  std::exception_ptr failure;
  std::thread worker([&] {
    try {
      scan.run();
    } catch (...) {
      failure = std::current_exception();
    }
  });
  ProgressBar bar("indexing", 0);
  for (ScanProgress p = scan.progress(); !p.finished; p = scan.progress()) {
    bar.set_total(static_cast<long long>(p.listed));
    bar.update(static_cast<long long>(p.done), progress_detail(p));
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  worker.join();
  if (failure) std::rethrow_exception(failure);
  const ScanProgress p = scan.progress();
  if (p.done > 0) {
    bar.set_total(static_cast<long long>(p.done));
    bar.finish(progress_detail(p));
  }
  return scan.report();
}

void print_scan_report(const ScanReport& report, const std::string& dataset, const std::string& sidecar_ext) {
  const SourceScan& found = report.found;
  if (found.unchanged)
    std::printf("%zu file%s unchanged since gloss last read %s: not read again\n", found.unchanged,
                found.unchanged == 1 ? "" : "s", found.unchanged == 1 ? "it" : "them");
  print_problems(found.problems);
  const AddResult& r = report.added;
  std::printf("added %llu images to '%s' (%llu new to the store, %llu already in the dataset)\n",
              static_cast<unsigned long long>(r.added), dataset.c_str(),
              static_cast<unsigned long long>(r.new_tasks),
              static_cast<unsigned long long>(r.already_in_dataset));
  std::vector<Problem> sidecar_problems = report.sidecar_problems;
  for (Problem& p : sidecar_problems) p.reason += " (the image is added without it)";
  print_problems(sidecar_problems);
  if (!sidecar_ext.empty()) std::printf("%s", format_sidecar_report(report.sidecars, sidecar_ext).c_str());
  for (std::size_t i = 0; i < found.duplicates.size() && i < 20; ++i)
    std::cerr << "gloss: " << found.duplicates[i] << ": same bytes as " << found.duplicate_of[i]
              << ", skipped (duplicate)\n";
  if (!found.duplicates.empty())
    std::printf("%zu files skipped as duplicates: same bytes as an earlier file (e.g. %s)\n",
                found.duplicates.size(), found.duplicates.front().c_str());
  if (!found.problems.empty())
    std::printf("%zu files could not be added (see above)\n", found.problems.size());
  if (!found.problems.empty() || !found.duplicates.empty())
    std::printf("%zu files skipped in all: %s\n", found.problems.size() + found.duplicates.size(),
                count_skipped(found).c_str());
  if (!found.other_files.empty())
    std::printf("%zu other file%s (not images: captions, notes...) left alone\n", found.other_files.size(),
                found.other_files.size() == 1 ? "" : "s");
}

}  // namespace gloss
