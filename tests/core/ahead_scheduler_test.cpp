#include "core/ahead_scheduler.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <climits>
#include <condition_variable>
#include <mutex>

#include "core/ahead_fixture.h"

namespace gloss {
namespace {

using namespace std::chrono_literals;
using test::TempDir;
using test::Fixture;
using test::small_window;

// Captions "shape N" where N is the image width; image i of the fixture is
// 10 + i pixels wide, so the calls tell which positions were captioned, in order.
class FakeCaptioner : public Captioner {
 public:
  explicit FakeCaptioner(std::string id = "fake-model") : id_(std::move(id)) {}
  const std::string& id() const override { return id_; }
  std::string describe() const override { return "fake"; }
  std::vector<Caption> caption(const std::vector<const Image*>& batch) override {
    std::unique_lock lock(mutex_);
    for (const Image* image : batch) positions_.push_back(image->width - 10);
    changed_.notify_all();
    changed_.wait(lock, [&] { return static_cast<int>(positions_.size()) <= allowed_; });
    std::vector<Caption> out;
    for (const Image* image : batch) out.push_back({"shape " + std::to_string(image->width - 10), {1, 2}, -1.f, -0.5f});
    return out;
  }
  // Calls beyond `allowed` block until release().
  void gate(int allowed) {
    std::lock_guard lock(mutex_);
    allowed_ = allowed;
  }
  void release() {
    std::lock_guard lock(mutex_);
    allowed_ = INT_MAX;
    changed_.notify_all();
  }
  bool wait_calls(std::size_t n) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, 5s, [&] { return positions_.size() >= n; });
  }
  std::vector<int> positions() {
    std::lock_guard lock(mutex_);
    return positions_;
  }

 private:
  std::string id_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<int> positions_;
  int allowed_ = INT_MAX;
};

TEST(AheadScheduler, CaptionsNearestFirstAndFillsTheCache) {
  Fixture f(40);
  FakeCaptioner model;
  AheadScheduler ahead(*f.store, f.dataset, &model, small_window());
  ahead.set_cursor(10);
  ASSERT_TRUE(ahead.wait_idle(10s));
  EXPECT_EQ(model.positions(), (std::vector<int>{10, 11, 12, 9, 13, 14, 8, 15, 16, 17, 18}));
  const auto cached = f.store->suggestion("fake-model", f.tasks[12].hash);
  ASSERT_TRUE(cached);
  EXPECT_EQ(cached->caption, "shape 12");
  const AheadStatus st = ahead.status();
  EXPECT_EQ(st.ready_ahead, 8u);  // 10..17
  EXPECT_EQ(st.queue_depth, 0u);
  EXPECT_EQ(st.captioned, 11u);

  int suggestions = 0, images = 0;
  for (const auto& r : ahead.take_results()) {
    if (r.kind == AheadResult::suggestion) ++suggestions;
    if (r.kind == AheadResult::image) {
      ++images;
      EXPECT_GE(r.position, 9u);
      EXPECT_LE(r.position, 13u);
      EXPECT_EQ(r.pixels->width, 10 + static_cast<int>(r.position));
    }
  }
  EXPECT_EQ(suggestions, 11);
  EXPECT_EQ(images, 5);  // cursor, 3 ahead, 1 behind
}

TEST(AheadScheduler, TwoModelsEachCaptionEveryTaskNearestFirst) {
  Fixture f(30);
  FakeCaptioner a("model-a"), b("model-b");
  std::size_t calls = 0;
  {
    AheadScheduler ahead(*f.store, f.dataset, std::vector<Captioner*>{&a, &b}, small_window());
    ahead.set_cursor(5);
    ASSERT_TRUE(ahead.wait_idle(10s));
    EXPECT_EQ(a.positions(), b.positions());
    ASSERT_FALSE(a.positions().empty());
    EXPECT_EQ(a.positions().front(), 5);
    ASSERT_TRUE(f.store->suggestion("model-a", f.tasks[7].hash));
    ASSERT_TRUE(f.store->suggestion("model-b", f.tasks[7].hash));
    int per_model[2] = {0, 0};
    for (const auto& r : ahead.take_results())
      if (r.kind == AheadResult::suggestion) {
        ASSERT_TRUE(r.model == 0 || r.model == 1);
        ++per_model[r.model];
        EXPECT_EQ(r.caption.caption, "shape " + std::to_string(r.position));
      }
    EXPECT_EQ(per_model[0], per_model[1]);
    EXPECT_EQ(static_cast<std::size_t>(per_model[0]), a.positions().size());
    EXPECT_EQ(ahead.status().ready_ahead, 8u);  // both captions for 5..12
    calls = a.positions().size();
  }
  // A later session finds both models' captions in the store's cache.
  AheadScheduler again(*f.store, f.dataset, std::vector<Captioner*>{&a, &b}, small_window());
  again.set_cursor(5);
  ASSERT_TRUE(again.wait_idle(10s));
  EXPECT_EQ(a.positions().size(), calls);
  EXPECT_EQ(again.status().cache_hits, 2 * calls);
}

TEST(AheadScheduler, PeekIsPreparedRightAfterTheCursor) {
  Fixture f(60);
  FakeCaptioner model;
  model.gate(1);  // the second call blocks until release
  AheadScheduler ahead(*f.store, f.dataset, &model, small_window());
  ahead.set_cursor(0);
  ASSERT_TRUE(model.wait_calls(2));  // 0 done, 1 in flight
  ahead.peek(45);                    // the jump dialog shows "46"
  model.release();
  ASSERT_TRUE(model.wait_calls(3));
  EXPECT_EQ(model.positions()[2], 45);  // next after the job in flight
  ASSERT_TRUE(ahead.wait_idle(10s));
  bool pixels_for_peek = false;
  for (const auto& r : ahead.take_results()) pixels_for_peek |= r.kind == AheadResult::image && r.position == 45;
  EXPECT_TRUE(pixels_for_peek);
  // Arriving there: nothing is captioned twice, and the peek is forgotten.
  const auto calls = model.positions().size();
  ahead.set_cursor(45);
  ASSERT_TRUE(ahead.wait_idle(10s));
  const auto after = model.positions();
  EXPECT_EQ(std::count(after.begin(), after.end(), 45), 1);
  EXPECT_GT(after.size(), calls);  // 46.. ahead of the new cursor
}

TEST(AheadScheduler, JumpReprioritisesAtOnceAndDropsFarWork) {
  Fixture f(60);
  FakeCaptioner model;
  model.gate(1);  // the second call blocks
  AheadScheduler ahead(*f.store, f.dataset, &model, small_window());
  ahead.set_cursor(0);
  ASSERT_TRUE(model.wait_calls(2));
  ahead.set_cursor(40);
  model.release();
  ASSERT_TRUE(ahead.wait_idle(10s));
  const auto order = model.positions();
  ASSERT_GE(order.size(), 3u);
  EXPECT_EQ(order[0], 0);
  EXPECT_EQ(order[1], 1);
  EXPECT_EQ(order[2], 40);  // the job after the one in flight is at the cursor
  for (int p : order) EXPECT_TRUE(p <= 1 || (p >= 36 && p <= 48)) << p;  // 2..8 dropped
}

TEST(AheadScheduler, CachedSuggestionsSkipTheModelAcrossSessions) {
  Fixture f(20);
  for (int i = 0; i < 5; ++i)
    f.store->put_suggestion("fake-model", f.tasks[i].hash, {"cached " + std::to_string(i), {}, 0, 0.9f, 0});
  FakeCaptioner model;
  {
    AheadScheduler ahead(*f.store, f.dataset, &model, small_window());
    ahead.set_cursor(0);
    ASSERT_TRUE(ahead.wait_idle(10s));
    EXPECT_EQ(model.positions(), (std::vector<int>{5, 6, 7, 8}));
    EXPECT_EQ(ahead.status().cache_hits, 5u);
    bool saw_cached = false;
    for (const auto& r : ahead.take_results())
      if (r.kind == AheadResult::suggestion && r.position == 2) saw_cached = r.caption.caption == "cached 2";
    EXPECT_TRUE(saw_cached);
  }
  FakeCaptioner second;
  AheadScheduler again(*f.store, f.dataset, &second, small_window());
  again.set_cursor(0);
  ASSERT_TRUE(again.wait_idle(10s));
  EXPECT_TRUE(second.positions().empty());
  EXPECT_EQ(again.status().cache_hits, 9u);
}

TEST(AheadScheduler, DecodeFailureIsReportedWithTheReason) {
  Fixture f(6);
  test::write_text(f.dir / "img/002.png", "not a png any more");
  FakeCaptioner model;
  AheadScheduler ahead(*f.store, f.dataset, &model, small_window());
  ahead.set_cursor(2);
  ASSERT_TRUE(ahead.wait_idle(10s));
  bool reported = false;
  for (const auto& r : ahead.take_results()) {
    if (r.position != 2) continue;
    EXPECT_EQ(r.kind, AheadResult::failure);
    EXPECT_NE(r.error.find("002.png"), std::string::npos) << r.error;
    reported = true;
  }
  EXPECT_TRUE(reported);
  for (int p : model.positions()) EXPECT_NE(p, 2);
  EXPECT_EQ(ahead.status().ready_ahead, 3u);  // 3, 4, 5
}

TEST(AheadScheduler, ManualModeDeliversImagesAndCachesThumbnails) {
  Fixture f(12);
  AheadScheduler ahead(*f.store, f.dataset, nullptr, small_window());
  ahead.set_cursor(0);
  ahead.want_thumbnails(4, 6);
  ASSERT_TRUE(ahead.wait_idle(10s));
  int thumbs = 0, images = 0;
  for (const auto& r : ahead.take_results()) {
    EXPECT_NE(r.kind, AheadResult::suggestion);
    if (r.kind == AheadResult::thumbnail && r.pixels) ++thumbs;
    if (r.kind == AheadResult::image) ++images;
  }
  EXPECT_EQ(thumbs, 6);
  EXPECT_EQ(images, 4);
  EXPECT_TRUE(f.store->thumbnail(f.tasks[5].hash, AheadOptions{}.thumbnail_side));
  EXPECT_FALSE(f.store->thumbnail(f.tasks[11].hash, AheadOptions{}.thumbnail_side));
  ahead.want_image(0);
  ASSERT_TRUE(ahead.wait_idle(10s));
  const auto again = ahead.take_results();
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(again[0].position, 0u);
}

TEST(AheadScheduler, DeliversTheDetailRegionOfTheCursorsImage) {
  Fixture f(8);  // image 3 is 13x6
  AheadScheduler ahead(*f.store, f.dataset, nullptr, small_window());
  ahead.set_cursor(3);
  ahead.want_detail(3, 2, 1, 5, 4);
  ASSERT_TRUE(ahead.wait_idle(10s));
  std::vector<AheadResult> details;
  for (auto& r : ahead.take_results())
    if (r.kind == AheadResult::detail) details.push_back(std::move(r));
  ASSERT_EQ(details.size(), 1u);
  EXPECT_EQ(details[0].task, f.tasks[3].hash);
  ASSERT_TRUE(details[0].pixels) << details[0].error;
  EXPECT_EQ(details[0].pixels->width, 5);
  EXPECT_EQ(details[0].pixels->height, 4);
  EXPECT_EQ(details[0].region, (ImageRegion{2, 1, 5, 4}));

  // Past the edge: clamped, and the region says where the pixels lie.
  ahead.want_detail(3, 8, -2, 100, 100);
  ASSERT_TRUE(ahead.wait_idle(10s));
  const auto again = ahead.take_results();
  ASSERT_EQ(again.size(), 1u);
  ASSERT_EQ(again[0].kind, AheadResult::detail);
  ASSERT_TRUE(again[0].pixels) << again[0].error;
  EXPECT_EQ(again[0].pixels->width, 5);
  EXPECT_EQ(again[0].pixels->height, 6);
  EXPECT_EQ(again[0].region, (ImageRegion{8, 0, 5, 6}));

  // A region outside the image is a detail without pixels, not a failure of the image.
  ahead.want_detail(3, 500, 0, 10, 10);
  ASSERT_TRUE(ahead.wait_idle(10s));
  const auto outside = ahead.take_results();
  ASSERT_EQ(outside.size(), 1u);
  EXPECT_EQ(outside[0].kind, AheadResult::detail);
  EXPECT_FALSE(outside[0].pixels);
  EXPECT_NE(outside[0].error.find("outside"), std::string::npos) << outside[0].error;
}

TEST(AheadScheduler, ShutsDownCleanlyWithWorkInFlight) {
  Fixture f(30);
  FakeCaptioner model;
  model.gate(0);
  auto ahead = std::make_unique<AheadScheduler>(*f.store, f.dataset, &model, small_window());
  ahead->set_cursor(0);
  ASSERT_TRUE(model.wait_calls(1));
  std::thread releaser([&] {
    std::this_thread::sleep_for(50ms);
    model.release();
  });
  const auto t0 = std::chrono::steady_clock::now();
  ahead.reset();  // waits for the call in flight, then stops without starting another
  releaser.join();
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 2s);
  EXPECT_EQ(model.positions().size(), 1u);
}

}  // namespace
}  // namespace gloss
