// The two hand-offs inside a folder scan (folder_scan.h): the listing
// thread's files waiting to be probed, and the pool of threads probing the
// batches in flight. Both are internal to the scan; no store access here
// beyond the KnownFiles look-up the probes make.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "core/sources.h"

namespace gloss {

// Files listed and not yet taken, in order. The lister waits while too many
// are queued, so a huge tree costs bounded memory.
class ListingQueue {
 public:
  explicit ListingQueue(std::size_t most_queued) : most_queued_(most_queued) {}
  // False once the queue is cancelled: the lister should stop.
  bool push(std::vector<std::filesystem::path> files, std::vector<Problem> problems);
  // The listing ended (or failed: `error` is rethrown by rethrow_failure).
  void close(std::exception_ptr error = nullptr);
  void cancel();
  // Up to `most` files in order, with the problems listed before them. With
  // `wait`, blocks until there is something or the listing ended; empty and
  // closed means done.
  bool take(std::size_t most, bool wait, std::vector<std::filesystem::path>& files, std::vector<Problem>& problems);
  bool closed() const;  // ... and every file taken
  bool listing_ended() const;  // every file listed (some may still be queued)
  std::uint64_t listed() const { return listed_.load(); }
  void rethrow_failure() const;

 private:
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<std::filesystem::path> files_;
  std::vector<Problem> problems_;
  std::size_t most_queued_;
  std::atomic<std::uint64_t> listed_{0};
  bool closed_ = false, cancelled_ = false;
  std::exception_ptr error_;
};

// A batch of files being probed; complete when every file has its probe.
struct ProbeBatch {
  std::vector<std::filesystem::path> paths;
  std::vector<FileProbe> probes;
  std::size_t next = 0;  // guarded by the pool's mutex
  std::size_t done = 0;
};

// Threads that probe the files of the batches given, oldest batch first, so
// the batch the scan commits next is finished first while later ones fill
// the cores during its commit.
class ProbePool {
 public:
  ProbePool(unsigned threads, KnownFiles known);
  ~ProbePool();  // stops: files not started are left unprobed
  void submit(std::shared_ptr<ProbeBatch> batch);
  // Blocks until every file of `batch` is probed.
  void wait(const ProbeBatch& batch);
  void stop();

 private:
  void work();

  KnownFiles known_;
  std::mutex mutex_;
  std::condition_variable work_, finished_;
  std::deque<std::shared_ptr<ProbeBatch>> batches_;  // with files not yet started
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace gloss
