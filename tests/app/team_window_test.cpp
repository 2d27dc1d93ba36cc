// The caption window in a team: tasks leased to someone else are not handed
// out, and when nothing is left the window says why instead of claiming
// every image has an answer.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "core/lmdb_store.h"
#include "test_util.h"

namespace gloss {
namespace {

namespace fs = std::filesystem;

TEST(TeamWindow, TasksWithOthersAreSkippedAndTheWindowSaysWhy) {
  if (!test::on_path("xvfb-run")) GTEST_SKIP() << "xvfb-run is not installed";
  test::TempDir dir;
  for (int i = 0; i < 4; ++i)
    test::write_test_png(dir / ("images/" + std::to_string(i) + ".png"), static_cast<std::uint32_t>(7 + i), 48, 36);
  const auto added = test::run_gloss(dir.path(), "add team images --overlap 1 --lease 10m");
  ASSERT_EQ(added.code, 0) << added.output;
  EXPECT_TRUE(test::contains(added.output, "each task goes to 1 annotator; a handed-out task stays reserved for 10m"))
      << added.output;
  {
    // Bob has the last two images open on his workstation.
    LmdbStore store({dir / "db"});
    const DatasetInfo d = store.require_dataset("team");
    ASSERT_EQ(store.claim(d, "bob", 2, 2), (std::vector<std::uint64_t>{2, 3}));
  }
  test::write_text(dir / "replay.txt",
                   "type first by ann\nkey Enter\n"
                   "type second by ann\nkey Enter\n"
                   "wait-idle\nscreenshot nothing-left.png\nquit\n");
  const std::string command = "cd '" + dir.path().string() +
                              "' && timeout 120 xvfb-run -a -s '-screen 0 1280x800x24' '" GLOSS_BINARY
                              "' --db db caption team images --model none --annotator ann --replay replay.txt > out.txt 2>&1";
  ASSERT_EQ(std::system(command.c_str()), 0) << test::read_text(dir / "out.txt");
  LmdbStore store({dir / "db"});
  const DatasetInfo d = store.require_dataset("team");
  EXPECT_EQ(store.answer_at(d, 0, "ann")->caption, "first by ann");
  EXPECT_EQ(store.answer_at(d, 1, "ann")->caption, "second by ann");
  EXPECT_FALSE(store.answer_at(d, 2, "ann"));  // bob's: never handed to ann
  EXPECT_FALSE(store.answer_at(d, 3, "ann"));
  EXPECT_EQ(d.answered, 2u);
  EXPECT_TRUE(test::contains(test::read_text(dir / "out.txt"), "answered     2")) << test::read_text(dir / "out.txt");
  // The window gave ann's claims back when it closed; bob's stay his.
  EXPECT_EQ(store.claim(d, "cat", 0, 4), std::vector<std::uint64_t>{});
  EXPECT_TRUE(fs::exists(dir / "nothing-left.png"));
  if (const char* keep = std::getenv("GLOSS_KEEP_SCREENSHOTS"))
    fs::copy_file(dir / "nothing-left.png", fs::path(keep) / "team-nothing-left.png",
                  fs::copy_options::overwrite_existing);
}

}  // namespace
}  // namespace gloss
