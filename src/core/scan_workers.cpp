#include "core/scan_workers.h"

#include <algorithm>

namespace gloss {
namespace fs = std::filesystem;

bool ListingQueue::push(std::vector<fs::path> files, std::vector<Problem> problems) {
  std::unique_lock lock(mutex_);
  changed_.wait(lock, [&] { return cancelled_ || files_.size() < most_queued_; });
  if (cancelled_) return false;
  listed_ += files.size();
  for (fs::path& f : files) files_.push_back(std::move(f));
  for (Problem& p : problems) problems_.push_back(std::move(p));
  changed_.notify_all();
  return true;
}

void ListingQueue::close(std::exception_ptr error) {
  std::lock_guard lock(mutex_);
  closed_ = true;
  error_ = error;
  changed_.notify_all();
}

void ListingQueue::cancel() {
  std::lock_guard lock(mutex_);
  cancelled_ = true;
  changed_.notify_all();
}

bool ListingQueue::take(std::size_t most, bool wait, std::vector<fs::path>& files, std::vector<Problem>& problems) {
  std::unique_lock lock(mutex_);
  if (wait) changed_.wait(lock, [&] { return cancelled_ || closed_ || !files_.empty() || !problems_.empty(); });
  while (files.size() < most && !files_.empty()) {
    files.push_back(std::move(files_.front()));
    files_.pop_front();
  }
  for (Problem& p : problems_) problems.push_back(std::move(p));
  problems_.clear();
  changed_.notify_all();
  return !files.empty() || !problems.empty();
}

bool ListingQueue::closed() const {
  std::lock_guard lock(mutex_);
  return closed_ && files_.empty() && problems_.empty();
}

bool ListingQueue::listing_ended() const {
  std::lock_guard lock(mutex_);
  return closed_;
}

void ListingQueue::rethrow_failure() const {
  std::lock_guard lock(mutex_);
  if (error_) std::rethrow_exception(error_);
}

ProbePool::ProbePool(unsigned threads, KnownFiles known) : known_(std::move(known)) {
  for (unsigned i = 0; i < std::max(threads, 1u); ++i) threads_.emplace_back([this] { work(); });
}

ProbePool::~ProbePool() { stop(); }

void ProbePool::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  work_.notify_all();
  finished_.notify_all();
  for (std::thread& t : threads_)
    if (t.joinable()) t.join();
}

void ProbePool::submit(std::shared_ptr<ProbeBatch> batch) {
  batch->probes.resize(batch->paths.size());
  if (batch->paths.empty()) return;  // nothing to probe: complete already
  std::lock_guard lock(mutex_);
  batches_.push_back(std::move(batch));
  work_.notify_all();
}

void ProbePool::wait(const ProbeBatch& batch) {
  std::unique_lock lock(mutex_);
  finished_.wait(lock, [&] { return stopping_ || batch.done == batch.paths.size(); });
}

void ProbePool::work() {
  std::unique_lock lock(mutex_);
  for (;;) {
    work_.wait(lock, [&] { return stopping_ || !batches_.empty(); });
    if (stopping_) return;
    // Keep the batch alive while probing: the scan may drop it once done.
    const std::shared_ptr<ProbeBatch> batch = batches_.front();
    const std::size_t i = batch->next++;
    if (batch->next == batch->paths.size()) batches_.pop_front();
    lock.unlock();
    FileProbe probe = probe_file(batch->paths[i], known_);
    lock.lock();
    batch->probes[i] = std::move(probe);
    if (++batch->done == batch->paths.size()) finished_.notify_all();
  }
}

}  // namespace gloss
