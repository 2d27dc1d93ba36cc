// Pre-captioning split between workers: gloss predict on several machines
// (a PostgreSQL store) or several processes on one (an LMDB folder) walk the
// same tasks, and each claims batches of them in the store
// (Store::claim_caption_work) so that every image is captioned once. A
// worker that finds everything left held by others waits, polling, until
// they have cached it or their claims lapse (a worker that died), so every
// worker ends when the whole source is cached.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/store.h"

namespace gloss {

// "host:pid", the default worker name.
std::string default_worker_name();

struct CaptionWorkOptions {
  std::string model;                            // the model's id: the suggestion cache's key
  std::string worker = default_worker_name();   // unique per process
  std::size_t batch = 64;                       // tasks per claim
  // How long a claim holds its tasks: long enough for a batch of a slow
  // endpoint model (64 images at a few seconds each with several requests
  // in flight), short enough that the tasks of a worker that died are
  // picked up by the others within minutes. A batch that takes longer than
  // a third of it lengthens the next claims' lease (see lease_ms()).
  std::int64_t lease_ms = 5 * 60 * 1000;
  std::chrono::milliseconds poll{2000};         // between looks while others hold the rest
};

struct CaptionWorkCounts {
  std::size_t total = 0;            // tasks given (repeats counted once)
  std::size_t cached_at_start = 0;  // had a suggestion before this worker began
  std::size_t captioned_here = 0;   // captioned and cached by this worker
  std::size_t failed_here = 0;      // this worker could not caption (not tried again by it)
  std::size_t by_others = 0;        // cached by other workers while this one ran
  std::chrono::milliseconds captioning{0};  // in this worker's batches (done())
  std::chrono::milliseconds waiting{0};     // for other workers' batches (next())
};

class CaptionWork {
 public:
  // Finds which tasks are cached already (counts().cached_at_start).
  CaptionWork(Store& store, std::vector<std::uint64_t> tasks, CaptionWorkOptions options);
  // Releases this worker's claims (what it did not finish goes to the others at once).
  ~CaptionWork();
  CaptionWork(const CaptionWork&) = delete;
  CaptionWork& operator=(const CaptionWork&) = delete;

  // The next batch this worker should caption, claimed for it. While other
  // workers hold everything left, waits, polling; after the first poll
  // (their last batch did not just finish) it calls `waiting` once with how
  // many they hold. Empty when nothing is left for this worker, or when
  // `stop` is set.
  std::vector<std::uint64_t> next(const std::atomic<bool>& stop,
                                  const std::function<void(std::size_t held)>& waiting = {});
  // What became of the last batch: captioned (and cached), or failed.
  void done(std::size_t captioned, std::size_t failed, std::chrono::milliseconds took);
  // Ends this worker's claims; done on destruction too.
  void release();

  const CaptionWorkCounts& counts() const { return counts_; }
  // Tasks neither known cached nor taken by this worker yet.
  std::size_t left() const { return pending_.size(); }
  std::int64_t lease_ms() const;

 private:
  // One pass over what is left: claims a batch, drops what others cached.
  std::vector<std::uint64_t> claim_pass();
  void drop(const std::vector<std::uint64_t>& tasks);

  Store& store_;
  CaptionWorkOptions options_;
  std::vector<std::uint64_t> pending_;  // in source order
  CaptionWorkCounts counts_;
  std::chrono::milliseconds slowest_batch_{0};
  bool released_ = false;
};

}  // namespace gloss
