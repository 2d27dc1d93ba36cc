// The streamed scan end to end with the real binary (docs/scanning.md): a
// `gloss add` killed mid-scan and run again gives exactly the dataset of one
// uninterrupted add; `gloss caption` opens on a folder still being indexed,
// answers land on the right tasks, quitting stops the scan and the next add
// goes on; images copied in while the window is open join the dataset.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <thread>

#include "core/lmdb_store.h"
#include "test_util.h"

namespace gloss {
namespace {
namespace fs = std::filesystem;
using namespace std::chrono_literals;
using test::CommandResult;
using test::TempDir;

constexpr int kImages = 6000;

void write_images(const fs::path& dir, int count, std::uint32_t seed = 0) {
  for (int i = 0; i < count; ++i) {
    char name[48];
    std::snprintf(name, sizeof name, "%03d/%05d.png", i / 500, i);
    test::write_test_png(dir / name, seed + static_cast<std::uint32_t>(i), 4, 4);
  }
}

std::vector<std::uint64_t> dataset_hashes(const fs::path& db, const std::string& name) {
  LmdbStore store({db});
  const auto d = store.dataset(name);
  return d ? store.tasks_at(*d, 0, d->size) : std::vector<std::uint64_t>{};
}

std::uint64_t dataset_size(const fs::path& db, const std::string& name) {
  if (!fs::exists(db / "data.mdb")) return 0;
  LmdbStore store({db});
  const auto d = store.dataset(name);
  return d ? d->size : 0;
}

// `gloss --db db ARGS` started in `dir`, not waited for.
pid_t start_gloss(const fs::path& dir, const std::vector<std::string>& args) {
  const pid_t pid = fork();
  if (pid == 0) {
    if (chdir(dir.c_str()) != 0) _exit(127);
    std::freopen("/dev/null", "w", stdout);
    std::freopen("/dev/null", "w", stderr);
    std::vector<const char*> argv{GLOSS_BINARY, "--db", "db"};
    for (const std::string& a : args) argv.push_back(a.c_str());
    argv.push_back(nullptr);
    execv(GLOSS_BINARY, const_cast<char* const*>(argv.data()));
    _exit(127);
  }
  return pid;
}

TEST(StreamedScan, AddKilledMidScanAndRunAgainEqualsOneUninterruptedAdd) {
  TempDir dir;
  write_images(dir / "images", kImages);
  TempDir fresh;
  const CommandResult once = test::run_gloss(fresh.path(), "add d '" + (dir / "images").string() + "'");
  ASSERT_EQ(once.code, 0) << once.output;
  const auto expected = dataset_hashes(fresh / "db", "d");
  ASSERT_EQ(expected.size(), static_cast<std::size_t>(kImages));

  const pid_t pid = start_gloss(dir.path(), {"add", "d", "images"});
  std::uint64_t at_kill = 0;
  for (auto until = std::chrono::steady_clock::now() + 60s; std::chrono::steady_clock::now() < until;) {
    if ((at_kill = dataset_size(dir / "db", "d")) > 0) break;
    std::this_thread::sleep_for(2ms);
  }
  kill(pid, SIGKILL);
  int status = 0;
  waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFSIGNALED(status)) << "gloss add finished before it could be killed";
  const auto partial = dataset_hashes(dir / "db", "d");
  ASSERT_GT(partial.size(), 0u);
  ASSERT_LT(partial.size(), expected.size()) << "the kill came after the last commit";
  EXPECT_TRUE(std::equal(partial.begin(), partial.end(), expected.begin()));

  const CommandResult again = test::run_gloss(dir.path(), "add d images");
  ASSERT_EQ(again.code, 0) << again.output;
  EXPECT_EQ(dataset_hashes(dir / "db", "d"), expected) << "killed after " << partial.size() << " tasks";
  EXPECT_TRUE(test::contains(again.output, "unchanged since gloss last read them")) << again.output;
  EXPECT_TRUE(test::contains(again.output, std::to_string(partial.size()) + " already in the dataset")) << again.output;
}

TEST(StreamedScan, CaptionWindowOnAFolderStillBeingIndexedAnswersTheRightTasks) {
  if (!test::on_path("xvfb-run")) GTEST_SKIP() << "xvfb-run is not installed";
  TempDir dir;
  write_images(dir / "images", 2 * kImages);  // one core indexes while the window opens
  test::write_text(dir / "replay.txt", "type first\nkey Enter\ntype second\nkey Enter\nquit\n");
  const std::string command = "cd '" + dir.path().string() +
                              "' && timeout 180 xvfb-run -a -s '-screen 0 1280x800x24' '" GLOSS_BINARY
                              "' --db db caption d images --model none --replay replay.txt > out.txt 2>&1";
  ASSERT_EQ(std::system(command.c_str()), 0) << test::read_text(dir / "out.txt");
  const std::string out = test::read_text(dir / "out.txt");
  EXPECT_TRUE(test::contains(out, "so far (the folder is still being indexed)")) << out;
  EXPECT_TRUE(test::contains(out, "indexing stopped at")) << out;
  const auto partial = dataset_hashes(dir / "db", "d");
  ASSERT_LT(partial.size(), static_cast<std::size_t>(2 * kImages));

  const CommandResult rest = test::run_gloss(dir.path(), "add d images");
  ASSERT_EQ(rest.code, 0) << rest.output;
  TempDir fresh;
  const CommandResult once = test::run_gloss(fresh.path(), "add d '" + (dir / "images").string() + "'");
  ASSERT_EQ(once.code, 0) << once.output;
  EXPECT_EQ(dataset_hashes(dir / "db", "d"), dataset_hashes(fresh / "db", "d"));
  LmdbStore store({dir / "db"});
  const DatasetInfo d = store.require_dataset("d");
  EXPECT_EQ(d.answered, 2u);
  EXPECT_EQ(store.task(*store.task_at(d, 0))->path, (dir / "images/000/00000.png").string());
  EXPECT_EQ(store.answer_at(d, 0, default_annotator())->caption, "first");
  EXPECT_EQ(store.answer_at(d, 1, default_annotator())->caption, "second");
}

TEST(StreamedScan, ImagesCopiedInWhileTheWindowIsOpenJoinTheDataset) {
  if (!test::on_path("xvfb-run")) GTEST_SKIP() << "xvfb-run is not installed";
  TempDir dir;
  write_images(dir / "images", 20);
  test::write_text(dir / "replay.txt", "wait 9s\nquit\n");
  const std::string command = "cd '" + dir.path().string() +
                              "' && timeout 180 xvfb-run -a -s '-screen 0 1280x800x24' '" GLOSS_BINARY
                              "' --db db caption d images --model none --replay replay.txt > out.txt 2>&1";
  std::thread window([&] { EXPECT_EQ(std::system(command.c_str()), 0); });
  for (auto until = std::chrono::steady_clock::now() + 60s;
       dataset_size(dir / "db", "d") < 20 && std::chrono::steady_clock::now() < until;)
    std::this_thread::sleep_for(20ms);
  std::this_thread::sleep_for(1s);  // the window is open, its first pass over
  write_images(dir / "images" / "later", 3, 1000);
  window.join();
  const std::string out = test::read_text(dir / "out.txt");
  const auto hashes = dataset_hashes(dir / "db", "d");
  ASSERT_EQ(hashes.size(), 23u) << out;
  LmdbStore store({dir / "db"});
  EXPECT_EQ(store.task(hashes[20])->path, (dir / "images/later/000/00000.png").string());
  EXPECT_TRUE(test::contains(out, "3 images that arrived in images while the window was open were added")) << out;
}

TEST(StreamedScan, CaptionOnAFolderWithoutImagesSaysSoBeforeAnyWindow) {
  TempDir dir;
  test::write_text(dir / "notes" / "readme.txt", "no images here");
  test::write_text(dir / "notes" / "fake.png", "not a png");
  const CommandResult none = test::run_gloss(dir.path(), "caption d notes --model none");
  EXPECT_EQ(none.code, 1) << none.output;
  EXPECT_TRUE(test::contains(none.output, "'d' has no images: notes had none gloss could read")) << none.output;
  EXPECT_TRUE(test::contains(none.output, "fake.png: not an image")) << none.output;
  EXPECT_TRUE(test::contains(none.output, "1 other file (not images: captions, notes...) left alone")) << none.output;
  fs::create_directories(dir / "empty");
  EXPECT_EQ(test::run_gloss(dir.path(), "caption d empty --model none").code, 1);
  const CommandResult missing = test::run_gloss(dir.path(), "caption d nowhere --model none");
  EXPECT_EQ(missing.code, 1) << missing.output;
  EXPECT_TRUE(test::contains(missing.output, "nowhere: no such file or folder")) << missing.output;
}

}  // namespace
}  // namespace gloss
