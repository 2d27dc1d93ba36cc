// What every store must do when several workers split pre-captioning
// (Store::claim_caption_work, gloss predict on several machines): included by
// the LMDB tests (tests/core) and the PostgreSQL tests (tests/pg), each
// instantiating CaptionWorkContract with its own store maker.
#pragma once

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "core/store.h"
#include "store_contract.h"

namespace gloss::test {

class CaptionWorkContract : public ::testing::TestWithParam<StoreMaker> {
 protected:
  void SetUp() override { store = GetParam().make(); }

  static std::vector<std::uint64_t> tasks(std::uint64_t first, std::uint64_t last) {
    std::vector<std::uint64_t> out;
    for (std::uint64_t t = first; t <= last; ++t) out.push_back(t);
    return out;
  }
  static constexpr std::int64_t kMinutes = 5 * 60 * 1000;
  std::unique_ptr<Store> store;
};

TEST_P(CaptionWorkContract, ClaimsAreExclusiveAndRenewable) {
  const CaptionClaim a = store->claim_caption_work("m", tasks(1, 6), "host-a:1", kMinutes, 4);
  EXPECT_EQ(a.claimed, tasks(1, 4));
  EXPECT_TRUE(a.cached.empty());
  const CaptionClaim b = store->claim_caption_work("m", tasks(1, 6), "host-b:2", kMinutes, 4);
  EXPECT_EQ(b.claimed, tasks(5, 6)) << "a's four are held";
  EXPECT_TRUE(store->claim_caption_work("m", tasks(1, 6), "host-c:3", kMinutes, 4).claimed.empty());
  // A worker claiming its own again renews them.
  EXPECT_EQ(store->claim_caption_work("m", tasks(1, 6), "host-a:1", kMinutes, 10).claimed, tasks(1, 4));
  // Another model's work is another claim.
  EXPECT_EQ(store->claim_caption_work("other", tasks(1, 2), "host-b:2", kMinutes, 10).claimed, tasks(1, 2));
  // Repeats are reported once.
  EXPECT_EQ(store->claim_caption_work("m", {5, 5, 6}, "host-b:2", kMinutes, 10).claimed, tasks(5, 6));
}

TEST_P(CaptionWorkContract, CachedTasksAreNeverHanded) {
  store->put_suggestion("m", 2, Suggestion{"a cat", {}, 0.f, 0.f, 1});
  store->put_suggestion("other", 3, Suggestion{"a dog", {}, 0.f, 0.f, 1});
  const CaptionClaim a = store->claim_caption_work("m", tasks(1, 4), "a", kMinutes, 10);
  EXPECT_EQ(a.claimed, (std::vector<std::uint64_t>{1, 3, 4}));
  EXPECT_EQ(a.cached, (std::vector<std::uint64_t>{2}));
  // Captioned by its holder: cached for everyone, the holder included, even
  // with the claim still running; reported cached past the count too.
  store->put_suggestion("m", 1, Suggestion{"a bird", {}, 0.f, 0.f, 1});
  const CaptionClaim b = store->claim_caption_work("m", tasks(1, 4), "b", kMinutes, 0);
  EXPECT_TRUE(b.claimed.empty());
  EXPECT_EQ(b.cached, (std::vector<std::uint64_t>{1, 2}));
  EXPECT_EQ(store->claim_caption_work("m", tasks(1, 4), "a", kMinutes, 10).cached, (std::vector<std::uint64_t>{1, 2}));
}

TEST_P(CaptionWorkContract, AnExpiredClaimIsHandedOnWithoutASweep) {
  EXPECT_EQ(store->claim_caption_work("m", tasks(1, 3), "dies", 800, 10).claimed, tasks(1, 3));
  EXPECT_TRUE(store->claim_caption_work("m", tasks(1, 3), "lives", kMinutes, 10).claimed.empty());
  std::this_thread::sleep_for(std::chrono::milliseconds(1000));
  EXPECT_EQ(store->claim_caption_work("m", tasks(1, 3), "lives", kMinutes, 10).claimed, tasks(1, 3));
  // The dead worker, back, finds them taken.
  EXPECT_TRUE(store->claim_caption_work("m", tasks(1, 3), "dies", kMinutes, 10).claimed.empty());
}

TEST_P(CaptionWorkContract, ReleasingFreesOnlyThatWorkersClaims) {
  store->claim_caption_work("m", tasks(1, 2), "a", kMinutes, 10);
  store->claim_caption_work("m", tasks(3, 4), "b", kMinutes, 10);
  store->claim_caption_work("other", tasks(5, 5), "a", kMinutes, 10);
  store->release_caption_work("m", "a");
  EXPECT_EQ(store->claim_caption_work("m", tasks(1, 4), "c", kMinutes, 10).claimed, tasks(1, 2));
  EXPECT_TRUE(store->claim_caption_work("other", tasks(5, 5), "c", kMinutes, 10).claimed.empty()) << "kept";
}

// Workers claiming at once, each caching what it claimed: every task is
// claimed by exactly one of them.
TEST_P(CaptionWorkContract, WorkersAtOnceClaimEachTaskOnce) {
  const std::vector<std::uint64_t> all = tasks(1, 120);
  std::map<std::uint64_t, std::atomic<int>> claims;
  for (std::uint64_t t : all) claims[t] = 0;
  std::atomic<int> failures{0};
  std::vector<std::thread> workers;
  for (int w = 0; w < 4; ++w)
    workers.emplace_back([&, w] {
      const std::string me = "worker-" + std::to_string(w);
      try {
        for (;;) {
          const CaptionClaim got = store->claim_caption_work("m", all, me, kMinutes, 3);
          if (got.claimed.empty()) break;
          std::vector<std::pair<std::uint64_t, Suggestion>> done;
          for (std::uint64_t t : got.claimed) {
            ++claims.at(t);
            done.push_back({t, Suggestion{me, {}, 0.f, 0.f, 1}});
          }
          store->put_suggestions("m", done);
        }
        store->release_caption_work("m", me);
      } catch (const std::exception& e) {
        ++failures;
        ADD_FAILURE() << me << ": " << e.what();
      }
    });
  for (auto& t : workers) t.join();
  EXPECT_EQ(failures.load(), 0);
  for (const auto& [t, n] : claims) EXPECT_EQ(n.load(), 1) << "task " << t;
  EXPECT_EQ(store->claim_caption_work("m", all, "late", kMinutes, 10).cached.size(), all.size());
}

}  // namespace gloss::test
