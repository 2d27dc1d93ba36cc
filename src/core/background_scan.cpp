#include "core/background_scan.h"

#include <chrono>

#include "core/folder_watch.h"

namespace gloss {
namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {
constexpr auto kQuiet = 1s;            // after the first arrival, before the pass
constexpr auto kSettle = 2s;          // files younger than this wait for the next pass
constexpr auto kPollInterval = 10s;    // re-listing without inotify
}  // namespace

BackgroundScan::BackgroundScan(Store& store, std::string dataset, fs::path source, ScanOptions options)
    : store_(store), dataset_(std::move(dataset)), source_(std::move(source)), options_(std::move(options)) {}

BackgroundScan::~BackgroundScan() { stop(); }

void BackgroundScan::start() { thread_ = std::thread([this] { run(); }); }

void BackgroundScan::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    if (pass_) pass_->cancel();
  }
  stopped_cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void BackgroundScan::wait_for_first_task() const {
  for (;;) {
    if (const auto d = store_.dataset(dataset_); d && d->size > 0) return;
    {
      std::lock_guard lock(mutex_);
      if (first_pass_ended_ || stopping_) return;
    }
    std::this_thread::sleep_for(10ms);
  }
}

BackgroundScanStatus BackgroundScan::status() const {
  std::lock_guard lock(mutex_);
  BackgroundScanStatus s = status_;
  if (pass_) s.pass = pass_->progress();
  return s;
}

std::optional<ScanReport> BackgroundScan::first_report() const {
  std::lock_guard lock(mutex_);
  return first_report_;
}

void BackgroundScan::run() {
  run_pass(true);
  std::error_code ec;
  if (fs::is_directory(source_, ec)) watch();
}

// True when files were left for later (still being copied in, perhaps).
bool BackgroundScan::run_pass(bool first) {
  ScanOptions options = options_;
  if (!first) options.settle_seconds = std::chrono::duration<double>(kSettle).count();
  auto owned = std::make_unique<FolderScan>(store_, dataset_, source_, options);
  FolderScan& pass = *owned;
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return false;
    pass_ = std::move(owned);
  }
  std::string failure;
  try {
    pass.run();
  } catch (const std::exception& e) {
    failure = e.what();
  }
  std::lock_guard lock(mutex_);
  if (!failure.empty()) status_.failure = failure;
  if (first) {
    first_report_ = pass.report();
    first_pass_ended_ = true;
    status_.first_pass_done = failure.empty() && !pass.progress().cancelled;
  } else {
    ++status_.later_passes;
    status_.added_later += pass.progress().added;
  }
  return pass.progress().unsettled > 0;
}

void BackgroundScan::watch() {
  using Clock = std::chrono::steady_clock;
  constexpr Clock::time_point kNotDue = Clock::time_point::max();
  FolderWatch watch(source_);
  Clock::time_point due = kNotDue;  // when the next pass runs
  Clock::time_point last_pass = Clock::now();
  for (;;) {
    if (watch.complete()) {
      if (watch.wait(250ms) && due == kNotDue) due = Clock::now() + kQuiet;
    } else if (due == kNotDue) {
      due = last_pass + kPollInterval;
    }
    {
      std::unique_lock lock(mutex_);
      if (!watch.complete()) stopped_cv_.wait_for(lock, 250ms, [&] { return stopping_; });
      if (stopping_) return;
    }
    if (Clock::now() < due) continue;
    due = run_pass(false) ? Clock::now() + kSettle : kNotDue;
    last_pass = Clock::now();
  }
}

}  // namespace gloss
