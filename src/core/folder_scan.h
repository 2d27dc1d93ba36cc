// One pass of a source (a folder, listed as it is walked; or a .jsonl) into
// a dataset: files are probed and hashed on all cores in batches, and each
// batch is committed in path order, in one transaction (its tasks appended,
// the files read remembered), then its sidecar captions kept. A scan killed
// at any point therefore resumes where it stopped, re-reading at most the
// batches in flight, and ends with the same dataset as one uninterrupted
// scan. The order and what it means for positions: docs/scanning.md.
//
// run() works on the calling thread; progress() and cancel() may be called
// from any other.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <exception>
#include <filesystem>
#include <mutex>
#include <string>
#include <unordered_set>

#include "core/sidecar_scan.h"
#include "core/sources.h"
#include "core/store.h"

namespace gloss {

class ListingQueue;
struct ProbeBatch;

struct ScanOptions {
  std::string sidecar_ext;        // "" : no sidecar captions
  unsigned threads = 0;           // probing threads; 0: one per core (at most 8)
  std::size_t most_batch = 32768;  // most files per commit; batches aim at 1 s to 5 s each
  std::size_t most_listed_ahead = 1u << 18;  // files listed but not yet probed
  // Files modified less than this long ago are left for a later pass (they
  // may still be being copied in); 0: take everything.
  double settle_seconds = 0;
};

struct ScanProgress {
  std::uint64_t listed = 0;      // files found so far
  bool listing_done = false;     // ... and that is all of them
  std::uint64_t done = 0;        // files dealt with and committed
  std::uint64_t added = 0;       // tasks appended to the dataset
  std::uint64_t unchanged = 0;   // files the store knew: not read again
  std::uint64_t bytes_read = 0;
  std::uint64_t skipped = 0;     // problems and duplicates
  std::uint64_t unsettled = 0;   // too fresh (ScanOptions::settle_seconds): left for the next pass
  double seconds = 0;
  bool finished = false;         // ran to the end, was cancelled or failed
  bool cancelled = false;
  std::string failure;           // why it stopped early (the store refused a commit...)
  double bytes_per_second() const { return seconds > 0 ? static_cast<double>(bytes_read) / seconds : 0; }
  double files_per_second() const { return seconds > 0 ? static_cast<double>(done) / seconds : 0; }
};

// "indexing 41,200 / 250,000 · 1.9 GB/s"; the total reads "250,000 found
// so far" while the listing is still going.
std::string format_scan_progress(const ScanProgress& progress);
// "1.9 GB/s", "310 MB/s", "12 kB/s"
std::string format_rate(double bytes_per_second);

// What the end-of-scan report says.
struct ScanReport {
  SourceScan found;  // problems, duplicates, other files, unchanged; no tasks (they are in the store)
  AddResult added;
  SidecarTally sidecars;
  std::vector<Problem> sidecar_problems;  // sidecars that could not be read
};

// "250,000 images found; 3 skipped: 2 duplicate, 1 not an image; 12 other
// files left alone": the report in one line, for the window.
std::string format_scan_summary(const ScanReport& report);

class FolderScan {
 public:
  FolderScan(Store& store, std::string dataset, std::filesystem::path source, ScanOptions options = {});
  FolderScan(const FolderScan&) = delete;
  FolderScan& operator=(const FolderScan&) = delete;

  // Lists, probes and commits until done or cancelled. Throws UserError if
  // SOURCE itself cannot be read, and StoreError if a commit fails; what was
  // committed before stays.
  void run();
  void cancel();
  ScanProgress progress() const;
  // Complete once run() has returned; sidecar files are taken off the
  // problems only then.
  ScanReport report() const;

 private:
  void probe_and_commit(ListingQueue& queue);
  void finish(ListingQueue& queue, std::exception_ptr failure);
  void commit(ProbeBatch& batch);
  void keep_sidecars(const std::vector<Task>& tasks);
  std::size_t next_batch_size(std::size_t files, double seconds) const;

  Store& store_;
  std::string dataset_;
  std::filesystem::path source_;
  ScanOptions options_;
  std::string root_;
  ScanTally tally_;
  std::unordered_set<std::string> sidecars_found_;
  const std::chrono::steady_clock::time_point started_;  // timed from construction: run() follows it

  mutable std::mutex mutex_;  // guards progress_ and report_
  ScanProgress progress_;
  ScanReport report_;
  std::atomic<bool> cancel_{false};
  ListingQueue* queue_ = nullptr;  // while run() lists
};

}  // namespace gloss
