// The scan behind the caption window, on its own thread: the first pass
// over the source (folder_scan.h), then, for a folder, a watch on the tree
// (folder_watch.h): after files arrive and the folder has been quiet a
// moment, another pass appends them, sparing the files already known (a
// stat and a store look-up each). Without inotify it re-lists every
// kPollSeconds. Never touches GL or the window; the window reads status().
#pragma once

#include <atomic>
#include <condition_variable>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "core/folder_scan.h"

namespace gloss {

struct BackgroundScanStatus {
  ScanProgress pass;               // the pass running now, or the last one
  bool first_pass_done = false;    // ran to its end (not cancelled, not failed)
  std::uint64_t later_passes = 0;  // passes after the first (files arrived)
  std::uint64_t added_later = 0;   // tasks those passes appended
  std::string failure;             // a pass stopped on an error
};

class BackgroundScan {
 public:
  BackgroundScan(Store& store, std::string dataset, std::filesystem::path source, ScanOptions options = {});
  ~BackgroundScan();  // stop()
  BackgroundScan(const BackgroundScan&) = delete;
  BackgroundScan& operator=(const BackgroundScan&) = delete;

  void start();
  // Cancels the pass in flight (what it committed stays) and joins.
  void stop();
  // Blocks until the dataset has a task or the first pass has ended.
  void wait_for_first_task() const;
  BackgroundScanStatus status() const;
  // The first pass's report, once it has ended (run to its end or not).
  std::optional<ScanReport> first_report() const;

 private:
  void run();
  bool run_pass(bool first);
  void watch();

  Store& store_;
  std::string dataset_;
  std::filesystem::path source_;
  ScanOptions options_;

  mutable std::mutex mutex_;
  std::condition_variable stopped_cv_;
  std::unique_ptr<FolderScan> pass_;  // the pass running now, or the last one
  std::optional<ScanReport> first_report_;
  BackgroundScanStatus status_;
  bool first_pass_ended_ = false;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace gloss
