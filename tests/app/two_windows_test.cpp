// Two `gloss caption` windows annotating the same store at once keep every
// answer (issue 8). Each window is its own process under its own xvfb-run,
// started together from two threads; their --replay scripts jump to explicit
// positions (Ctrl+G, number, Enter) before typing, so which answer belongs
// where never depends on what the other window did meanwhile:
//   * different datasets in one store: every answer of both is there;
//   * the same dataset: the windows answer disjoint positions, plus one
//     position both answer (the last writer wins: it holds one of the two
//     captions, whole), and nothing else is lost.
// Skipped where xvfb-run is not installed.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "core/lmdb_store.h"
#include "test_util.h"

namespace gloss {
namespace {

namespace fs = std::filesystem;
using test::TempDir;
using Clock = std::chrono::steady_clock;


void write_images(const fs::path& folder, int count, std::uint32_t seed) {
  for (int i = 0; i < count; ++i) {
    char name[32];
    std::snprintf(name, sizeof name, "%02d.png", i);
    test::write_test_png(folder / name, seed + static_cast<std::uint32_t>(i), 40, 30);
  }
}

std::string caption_for(const std::string& window, int number) {
  return "window " + window + " wrote image " + std::to_string(number);
}

// Jumps to each 1-based number and captions it; a short wait between answers
// keeps the two windows' writes interleaved. An image the other window has
// answered opens with its caption in the box: "type x" waits for the box,
// Ctrl+A selects all of it, and the caption replaces it.
std::string replay_for(const std::string& window, const std::vector<int>& numbers) {
  std::string r = "# window " + window + "\n";
  for (int n : numbers) {
    r += "key Ctrl+G\ntype " + std::to_string(n) + "\nkey Enter\n";
    r += "type x\nkey Ctrl+A\ntype " + caption_for(window, n) + "\nkey Enter\nwait 120\n";
  }
  return r + "quit\n";
}

struct Run {
  int status = -1;
  std::string output;
  Clock::time_point start, end;
};

// One window: `gloss --db db caption DATASET FOLDER` in dir, replaying SCRIPT.
Run run_window(const TempDir& dir, const std::string& name, const std::string& dataset,
               const std::string& folder, const std::string& script) {
  test::write_text(dir / (name + ".txt"), script);
  const std::string command =
      "cd '" + dir.path().string() + "' && timeout 120 xvfb-run -a -s '-screen 0 1024x700x24' '" GLOSS_BINARY
      "' --db db caption " + dataset + " " + folder + " --model none --session " + name + " --replay " + name +
      ".txt > " + name + ".out 2>&1";
  Run run;
  run.start = Clock::now();
  run.status = std::system(command.c_str());
  run.end = Clock::now();
  run.output = test::read_text(dir / (name + ".out"));
  return run;
}

// Starts both windows together (the second 1.5 s later, so that the two
// `xvfb-run -a` do not pick the same display number) and waits for both.
std::pair<Run, Run> run_both(const TempDir& dir, const std::string& ds_a, const std::string& folder_a,
                             const std::string& script_a, const std::string& ds_b,
                             const std::string& folder_b, const std::string& script_b) {
  Run a, b;
  std::thread ta([&] { a = run_window(dir, "a", ds_a, folder_a, script_a); });
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  std::thread tb([&] { b = run_window(dir, "b", ds_b, folder_b, script_b); });
  ta.join();
  tb.join();
  return {a, b};
}

double seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }

void expect_overlap(const Run& a, const Run& b) {
  // Both processes were alive at the same time (each runs for seconds).
  EXPECT_LT(b.start, a.end) << "window b started after window a had finished";
  std::printf("two windows: a ran %.1f s, b ran %.1f s, together for %.1f s\n", seconds(a.end - a.start),
              seconds(b.end - b.start), seconds(std::min(a.end, b.end) - std::max(a.start, b.start)));
}

TEST(TwoWindows, DifferentDatasetsInOneStoreKeepEveryAnswer) {
  if (!test::on_path("xvfb-run")) GTEST_SKIP() << "xvfb-run is not installed";
  TempDir dir;
  write_images(dir / "alpha", 6, 100);
  write_images(dir / "beta", 6, 200);
  const std::vector<int> all = {1, 2, 3, 4, 5, 6};
  const auto [a, b] = run_both(dir, "alpha", "alpha", replay_for("a", all), "beta", "beta", replay_for("b", all));
  ASSERT_EQ(a.status, 0) << a.output;
  ASSERT_EQ(b.status, 0) << b.output;
  expect_overlap(a, b);

  LmdbStore store(StoreOptions{dir / "db"});
  for (const auto& [dataset, window] : {std::pair<std::string, std::string>{"alpha", "a"}, {"beta", "b"}}) {
    const DatasetInfo info = store.require_dataset(dataset);
    EXPECT_EQ(info.size, 6u) << dataset;
    EXPECT_EQ(info.answered, 6u) << dataset;
    for (int n : all) {
      const auto answer = store.answer_at(info, static_cast<std::uint64_t>(n - 1), default_annotator());
      ASSERT_TRUE(answer) << dataset << " #" << n;
      EXPECT_EQ(answer->caption, caption_for(window, n)) << dataset << " #" << n;
      EXPECT_EQ(answer->session, window);
    }
  }
}

TEST(TwoWindows, SameDatasetKeepsEveryAnswerLastWriterWinsOnTheSharedOne) {
  if (!test::on_path("xvfb-run")) GTEST_SKIP() << "xvfb-run is not installed";
  TempDir dir;
  write_images(dir / "images", 12, 300);
  const std::vector<int> odd = {1, 3, 5, 7, 9, 11, 12}, even = {2, 4, 6, 8, 10, 12};
  const auto [a, b] =
      run_both(dir, "shared", "images", replay_for("a", odd), "shared", "images", replay_for("b", even));
  ASSERT_EQ(a.status, 0) << a.output;
  ASSERT_EQ(b.status, 0) << b.output;
  expect_overlap(a, b);

  LmdbStore store(StoreOptions{dir / "db"});
  const DatasetInfo info = store.require_dataset("shared");
  EXPECT_EQ(info.size, 12u);  // both windows added the same folder: once
  EXPECT_EQ(info.answered, 12u);
  for (int n = 1; n <= 11; ++n) {
    const std::string window = n % 2 ? "a" : "b";
    const auto answer = store.answer_at(info, static_cast<std::uint64_t>(n - 1), default_annotator());
    ASSERT_TRUE(answer) << "#" << n;
    EXPECT_EQ(answer->caption, caption_for(window, n)) << "#" << n;
    EXPECT_EQ(answer->session, window) << "#" << n;
  }
  // Both answered #12: one of them, whole, with its own session.
  const auto shared = store.answer_at(info, 11, default_annotator());
  ASSERT_TRUE(shared);
  ASSERT_TRUE(shared->session == "a" || shared->session == "b") << shared->session;
  EXPECT_EQ(shared->caption, caption_for(shared->session, 12));
  int answers = 0;
  store.for_each_answer(info, [&](std::uint64_t, const Answer&) { return ++answers, true; });
  EXPECT_EQ(answers, 12);
  std::printf("same dataset: #12 kept window %s's answer\n", shared->session.c_str());
}

}  // namespace
}  // namespace gloss
