#include "core/caption_work.h"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <thread>
#include <unordered_set>

namespace gloss {
namespace {

// Candidates sent with one claim: enough to find a batch past tasks that
// others hold, few enough to stay one quick statement.
std::size_t window_for(std::size_t batch) { return std::max<std::size_t>(256, batch * 4); }

}  // namespace

std::string default_worker_name() {
  char host[256] = {};
  if (::gethostname(host, sizeof host - 1) != 0 || !host[0]) std::snprintf(host, sizeof host, "localhost");
  return std::string(host) + ":" + std::to_string(::getpid());
}

CaptionWork::CaptionWork(Store& store, std::vector<std::uint64_t> tasks, CaptionWorkOptions options)
    : store_(store), options_(std::move(options)) {
  std::unordered_set<std::uint64_t> seen;
  for (const std::uint64_t t : tasks)
    if (seen.insert(t).second) pending_.push_back(t);
  counts_.total = pending_.size();
  options_.batch = std::max<std::size_t>(options_.batch, 1);
  // A claim of none only reports what is cached.
  std::vector<std::uint64_t> cached;
  const std::size_t window = window_for(options_.batch) * 4;
  for (std::size_t i = 0; i < pending_.size(); i += window) {
    const std::vector<std::uint64_t> part(pending_.begin() + i, pending_.begin() + std::min(pending_.size(), i + window));
    const CaptionClaim c = store_.claim_caption_work(options_.model, part, options_.worker, options_.lease_ms, 0);
    cached.insert(cached.end(), c.cached.begin(), c.cached.end());
  }
  counts_.cached_at_start = cached.size();
  drop(cached);
}

CaptionWork::~CaptionWork() {
  try {
    release();
  } catch (const std::exception&) {
    // The store went away: the claims lapse on their own.
  }
}

void CaptionWork::release() {
  if (released_) return;
  released_ = true;
  store_.release_caption_work(options_.model, options_.worker);
}

// A batch slower than a third of the lease would risk another worker taking
// its tasks before they are cached (captioned twice: wasted, never wrong):
// later claims hold three times the slowest batch seen.
std::int64_t CaptionWork::lease_ms() const { return std::max<std::int64_t>(options_.lease_ms, 3 * slowest_batch_.count()); }

void CaptionWork::drop(const std::vector<std::uint64_t>& tasks) {
  if (tasks.empty()) return;
  const std::unordered_set<std::uint64_t> gone(tasks.begin(), tasks.end());
  std::erase_if(pending_, [&](std::uint64_t t) { return gone.count(t) > 0; });
}

std::vector<std::uint64_t> CaptionWork::claim_pass() {
  const std::size_t window = window_for(options_.batch);
  for (std::size_t i = 0; i < pending_.size();) {
    const std::vector<std::uint64_t> part(pending_.begin() + i, pending_.begin() + std::min(pending_.size(), i + window));
    const CaptionClaim c = store_.claim_caption_work(options_.model, part, options_.worker, lease_ms(), options_.batch);
    counts_.by_others += c.cached.size();
    drop(c.cached);
    drop(c.claimed);
    if (!c.claimed.empty()) return c.claimed;
    // Everything in this window is held by others: on to the next one.
    i += part.size() - c.cached.size();
  }
  return {};
}

std::vector<std::uint64_t> CaptionWork::next(const std::atomic<bool>& stop,
                                             const std::function<void(std::size_t)>& waiting) {
  int polls = 0;
  const auto start = std::chrono::steady_clock::now();
  std::vector<std::uint64_t> batch;
  while (!stop && !pending_.empty()) {
    batch = claim_pass();
    if (!batch.empty() || pending_.empty()) break;
    if (++polls == 2 && waiting) waiting(pending_.size());
    // In small steps, so that Ctrl-C is not kept waiting.
    const auto until = std::chrono::steady_clock::now() + options_.poll;
    while (!stop && std::chrono::steady_clock::now() < until)
      std::this_thread::sleep_for(std::min<std::chrono::milliseconds>(options_.poll, std::chrono::milliseconds(100)));
  }
  if (polls) counts_.waiting += std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
  return batch;
}

void CaptionWork::done(std::size_t captioned, std::size_t failed, std::chrono::milliseconds took) {
  counts_.captioned_here += captioned;
  counts_.failed_here += failed;
  counts_.captioning += took;
  slowest_batch_ = std::max(slowest_batch_, took);
}

}  // namespace gloss
