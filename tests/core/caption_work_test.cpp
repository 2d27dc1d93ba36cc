// CaptionWork: pre-captioning split between workers on one store (the
// claims themselves are in caption_work_contract.h, for both backends).
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "core/caption_work.h"
#include "core/lmdb_store.h"
#include "test_util.h"

namespace gloss {
namespace {

using namespace std::chrono_literals;

std::vector<std::uint64_t> tasks(std::uint64_t n) {
  std::vector<std::uint64_t> out;
  for (std::uint64_t t = 1; t <= n; ++t) out.push_back(t);
  return out;
}

CaptionWorkOptions options(const std::string& worker, std::size_t batch, std::int64_t lease_ms = 60000) {
  CaptionWorkOptions o;
  o.model = "m";
  o.worker = worker;
  o.batch = batch;
  o.lease_ms = lease_ms;
  o.poll = 50ms;
  return o;
}

void cache(Store& store, const std::vector<std::uint64_t>& batch) {
  for (std::uint64_t t : batch) store.put_suggestion("m", t, Suggestion{"x", {}, 0.f, 0.f, 1});
}

struct Shared {
  test::TempDir dir;
  LmdbStore store{StoreOptions{dir / "db"}};
  std::atomic<bool> stop{false};
};

TEST(CaptionWork, TwoWorkersSplitTheTasksAndCountWhatTheOtherDid) {
  Shared s;
  cache(s.store, {2});
  CaptionWork a(s.store, tasks(10), options("a", 4));
  CaptionWork b(s.store, tasks(10), options("b", 4));
  EXPECT_EQ(a.counts().total, 10u);
  EXPECT_EQ(a.counts().cached_at_start, 1u);
  EXPECT_EQ(a.left(), 9u);
  const auto a1 = a.next(s.stop);
  EXPECT_EQ(a1, (std::vector<std::uint64_t>{1, 3, 4, 5}));
  const auto b1 = b.next(s.stop);
  EXPECT_EQ(b1, (std::vector<std::uint64_t>{6, 7, 8, 9})) << "past a's batch";
  cache(s.store, a1);
  a.done(a1.size(), 0, 10ms);
  cache(s.store, b1);
  b.done(b1.size(), 0, 10ms);
  EXPECT_EQ(a.next(s.stop), (std::vector<std::uint64_t>{10}));
  cache(s.store, {10});
  a.done(1, 0, 10ms);
  EXPECT_TRUE(a.next(s.stop).empty()) << "all cached";
  EXPECT_TRUE(b.next(s.stop).empty());
  EXPECT_EQ(a.counts().captioned_here, 5u);
  EXPECT_EQ(a.counts().by_others, 4u);
  EXPECT_EQ(b.counts().captioned_here, 4u);
  EXPECT_EQ(b.counts().by_others, 5u);
}

// A worker that died holding tasks: the other waits, saying so once, and
// takes them when the claim lapses.
TEST(CaptionWork, WaitsForOthersAndTakesOverWhenTheirClaimsLapse) {
  Shared s;
  std::size_t held_told = 0;
  int waits = 0;
  {
    CaptionWork dead(s.store, tasks(3), options("dead", 8, 700));
    EXPECT_EQ(dead.next(s.stop).size(), 3u);
    // It stops answering (killed): its claims stay until they lapse.
    CaptionWork alive(s.store, tasks(3), options("alive", 8));
    const auto start = std::chrono::steady_clock::now();
    const auto got = alive.next(s.stop, [&](std::size_t held) {
      held_told = held;
      ++waits;
    });
    EXPECT_EQ(got.size(), 3u);
    EXPECT_GE(std::chrono::steady_clock::now() - start, 500ms) << "taken before the claims lapsed";
    EXPECT_EQ(held_told, 3u);
    EXPECT_EQ(waits, 1) << "said once, after the first poll";
    EXPECT_GE(alive.counts().waiting, 500ms);
  }
}

TEST(CaptionWork, ReleasingHandsWhatIsLeftToTheOthersAtOnce) {
  Shared s;
  CaptionWork a(s.store, tasks(4), options("a", 4));
  EXPECT_EQ(a.next(s.stop).size(), 4u);
  a.done(0, 4, 10ms);  // all failed here
  a.release();
  CaptionWork b(s.store, tasks(4), options("b", 4));
  EXPECT_EQ(b.next(s.stop).size(), 4u);
  EXPECT_EQ(a.counts().failed_here, 4u);
}

TEST(CaptionWork, ASlowBatchLengthensTheLease) {
  Shared s;
  CaptionWork a(s.store, tasks(1), options("a", 1, 1000));
  EXPECT_EQ(a.lease_ms(), 1000);
  a.done(1, 0, 2000ms);
  EXPECT_EQ(a.lease_ms(), 6000);
}

// The other's last batch just finished: no need to say anything.
TEST(CaptionWork, ABriefWaitIsNotAnnounced) {
  Shared s;
  CaptionWork a(s.store, tasks(2), options("a", 2));
  const auto held = a.next(s.stop);
  CaptionWork b(s.store, tasks(2), options("b", 2));
  std::thread finish([&] {
    std::this_thread::sleep_for(20ms);
    cache(s.store, held);
  });
  int waits = 0;
  EXPECT_TRUE(b.next(s.stop, [&](std::size_t) { ++waits; }).empty());
  finish.join();
  EXPECT_EQ(waits, 0);
  EXPECT_EQ(b.counts().by_others, 2u);
}

TEST(CaptionWork, StopEndsTheWait) {
  Shared s;
  CaptionWork a(s.store, tasks(2), options("a", 2));
  EXPECT_EQ(a.next(s.stop).size(), 2u);
  CaptionWork b(s.store, tasks(2), options("b", 2));
  s.stop = true;
  EXPECT_TRUE(b.next(s.stop).empty());
}

}  // namespace
}  // namespace gloss
