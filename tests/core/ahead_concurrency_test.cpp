// The scheduler with a model that takes several requests at once (an
// endpoint server) and fails per image: requests in flight, nearest first,
// retries with backoff, errors shown per task.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <map>
#include <mutex>
#include <thread>

#include "core/ahead_fixture.h"

namespace gloss {
namespace {

using namespace std::chrono_literals;
using test::Fixture;
using test::small_window;

// Sleeps `latency` per call like a remote server, records how many calls
// overlapped and the order they started in; fails each position's first
// `failures[position]` calls (retry_later as given).
class SlowServerCaptioner : public Captioner {
 public:
  SlowServerCaptioner(int concurrency, std::chrono::milliseconds latency)
      : concurrency_(concurrency), latency_(latency) {}
  const std::string& id() const override { return id_; }
  std::string describe() const override { return "slow server"; }
  int concurrency() const override { return concurrency_; }
  std::vector<Caption> caption(const std::vector<const Image*>& batch) override {
    const int position = batch.front()->width - 10;
    int calls;
    {
      std::lock_guard lock(mutex_);
      started_.push_back(position);
      calls = ++calls_[position];
      max_running_ = std::max(max_running_, ++running_);
    }
    std::this_thread::sleep_for(latency_);
    Caption c{"shape " + std::to_string(position), {}, -1.f, -0.5f};
    c.scored = false;
    std::lock_guard lock(mutex_);
    --running_;
    if (calls <= failures_[position]) c = {{}, {}, 0.f, 0.f, false, "server: HTTP 503", retry_later_};
    return {c};
  }
  void fail(int position, int times, bool retry_later) {
    std::lock_guard lock(mutex_);
    failures_[position] = times;
    retry_later_ = retry_later;
  }
  int max_running() {
    std::lock_guard lock(mutex_);
    return max_running_;
  }
  std::vector<int> started() {
    std::lock_guard lock(mutex_);
    return started_;
  }
  int calls(int position) {
    std::lock_guard lock(mutex_);
    return calls_[position];
  }

 private:
  std::string id_ = "slow-server";
  int concurrency_;
  std::chrono::milliseconds latency_;
  std::mutex mutex_;
  std::vector<int> started_;
  std::map<int, int> calls_, failures_;
  bool retry_later_ = true;
  int running_ = 0, max_running_ = 0;
};

std::vector<AheadResult> collect(AheadScheduler& ahead, std::chrono::milliseconds for_how_long) {
  std::vector<AheadResult> all;
  const auto end = std::chrono::steady_clock::now() + for_how_long;
  while (std::chrono::steady_clock::now() < end) {
    for (auto& r : ahead.take_results()) all.push_back(std::move(r));
    std::this_thread::sleep_for(10ms);
  }
  return all;
}

TEST(AheadConcurrency, KeepsConcurrencyRequestsInFlightNearestFirst) {
  Fixture f(40);
  SlowServerCaptioner model(4, 150ms);
  AheadScheduler ahead(*f.store, f.dataset, &model, small_window());
  const auto start = std::chrono::steady_clock::now();
  ahead.set_cursor(10);
  ASSERT_TRUE(ahead.wait_idle(10s));
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_EQ(model.max_running(), 4);
  const auto started = model.started();
  ASSERT_EQ(started.size(), 11u);
  // The first four started together are the four nearest the cursor.
  std::vector<int> first(started.begin(), started.begin() + 4);
  std::sort(first.begin(), first.end());
  EXPECT_EQ(first, (std::vector<int>{9, 10, 11, 12}));
  // 11 requests of 150 ms, 4 at a time: 3 rounds, not 11.
  EXPECT_LT(seconds, 11 * 0.150);
  EXPECT_TRUE(f.store->suggestion("slow-server", f.tasks[18].hash));
}

TEST(AheadConcurrency, AJumpServesTheNewCursorBeforeTheOldNeighbourhood) {
  Fixture f(60);
  SlowServerCaptioner model(2, 100ms);
  AheadScheduler ahead(*f.store, f.dataset, &model, small_window());
  ahead.set_cursor(0);
  std::this_thread::sleep_for(30ms);
  ahead.set_cursor(40);
  ASSERT_TRUE(ahead.wait_idle(10s));
  const auto started = model.started();
  // At most the two requests already in flight belong to the old cursor.
  const auto at_new = std::find(started.begin(), started.end(), 40);
  ASSERT_NE(at_new, started.end());
  EXPECT_LE(at_new - started.begin(), 2);
}

// Three images and a quick server that fails one of them `times` times; the
// cursor at the first.
struct FailingServer {
  Fixture f{3};
  SlowServerCaptioner model{2, 1ms};
  std::unique_ptr<AheadScheduler> ahead;
  FailingServer(int position, int times, bool retry_later) {
    model.fail(position, times, retry_later);
    ahead = std::make_unique<AheadScheduler>(*f.store, f.dataset, &model, small_window());
    ahead->set_cursor(0);
  }
};

TEST(AheadConcurrency, RetriesWhatIsWorthRetryingAndShowsTheErrorMeanwhile) {
  FailingServer server(0, 2, true);
  SlowServerCaptioner& model = server.model;
  AheadScheduler& ahead = *server.ahead;
  const auto results = collect(ahead, 4500ms);  // backoff 1 s, then 2 s
  std::vector<std::string> errors;
  bool captioned = false;
  for (const auto& r : results) {
    if (r.kind == AheadResult::suggestion_error && r.position == 0) {
      EXPECT_TRUE(r.retrying);
      errors.push_back(r.error);
    }
    captioned = captioned || (r.kind == AheadResult::suggestion && r.position == 0);
  }
  ASSERT_EQ(errors.size(), 2u);
  EXPECT_EQ(errors[0], "server: HTTP 503 · trying again in 1 s");
  EXPECT_EQ(errors[1], "server: HTTP 503 · trying again in 2 s");
  EXPECT_TRUE(captioned);
  EXPECT_EQ(model.calls(0), 3);
  EXPECT_TRUE(ahead.status().model_problem.empty()) << "cleared by the caption that came";
}

TEST(AheadConcurrency, DoesNotRetryAReplyThatWillNotChangeAndGoesOn) {
  FailingServer server(1, 100, false);
  SlowServerCaptioner& model = server.model;
  AheadScheduler& ahead = *server.ahead;
  const Fixture& f = server.f;
  ASSERT_TRUE(ahead.wait_idle(5s));
  const auto results = collect(ahead, 1500ms);
  EXPECT_EQ(model.calls(1), 1);
  int errors = 0, suggestions = 0;
  for (const auto& r : results) {
    errors += r.kind == AheadResult::suggestion_error;
    suggestions += r.kind == AheadResult::suggestion;
    if (r.kind == AheadResult::suggestion_error) EXPECT_FALSE(r.retrying);
  }
  EXPECT_EQ(errors, 1);
  EXPECT_EQ(suggestions, 2);
  EXPECT_FALSE(f.store->suggestion("slow-server", f.tasks[1].hash)) << "a failure is not cached";
  // An unscored caption is stored without a confidence.
  const auto stored = f.store->suggestion("slow-server", f.tasks[0].hash);
  ASSERT_TRUE(stored);
  EXPECT_FALSE(has_confidence(*stored));
}

}  // namespace
}  // namespace gloss
