// Runs the real gloss binary: exit codes, messages naming files and lines,
// and that a failed command leaves the store as it was.
#include <sys/wait.h>

#include <array>
#include <chrono>
#include <cstdio>

#include <nlohmann/json.hpp>

#include "test_util.h"

namespace gloss {
namespace {

using test::CommandResult;
using test::contains;

CommandResult gloss(const test::TempDir& dir, const std::string& args) { return test::run_gloss(dir.path(), args); }

TEST(Cli, HelpAndUsageExitCodes) {
  test::TempDir dir;
  const CommandResult help = gloss(dir, "--help");
  EXPECT_EQ(help.code, 0);
  for (const char* cmd : {"add", "db-in", "db-out", "datasets", "stats", "drop"})
    EXPECT_TRUE(contains(help.output, cmd)) << cmd;
  EXPECT_EQ(gloss(dir, "db-in --help").code, 0);
  EXPECT_EQ(gloss(dir, "").code, 2);
  EXPECT_EQ(gloss(dir, "add onlyone").code, 2);
  EXPECT_EQ(gloss(dir, "db-out ds --format xml").code, 2);
  EXPECT_EQ(gloss(dir, "no-such-command").code, 2);
}

TEST(Cli, AddReportsBadFilesAndAddsTheRest) {
  test::TempDir dir;
  test::write_test_png(dir / "imgs/one.png", 1);
  test::write_test_png(dir / "imgs/two.png", 2);
  test::write_test_png(dir / "imgs/again.png", 1);
  test::write_text(dir / "imgs/broken.jpg", "nope");
  const CommandResult r = gloss(dir, "add cats imgs");
  EXPECT_EQ(r.code, 0) << r.output;
  EXPECT_TRUE(contains(r.output, "broken.jpg: not an image")) << r.output;
  EXPECT_TRUE(contains(r.output, "added 2 images")) << r.output;
  EXPECT_TRUE(contains(r.output, "1 files skipped as duplicates")) << r.output;
  const CommandResult again = gloss(dir, "add cats imgs");
  EXPECT_TRUE(contains(again.output, "added 0 images")) << again.output;
  EXPECT_TRUE(contains(gloss(dir, "datasets").output, "cats")) ;
  const CommandResult missing = gloss(dir, "add cats nowhere");
  EXPECT_EQ(missing.code, 1);
  EXPECT_TRUE(contains(missing.output, "nowhere: no such file or folder")) << missing.output;
}

TEST(Cli, UnchangedFilesAreNotReadAgainButChangedOnesAre) {
  test::TempDir dir;
  for (int i = 0; i < 3; ++i) test::write_test_png(dir / ("imgs/" + std::to_string(i) + ".png"), i + 1);
  ASSERT_EQ(gloss(dir, "add cats imgs").code, 0);
  const CommandResult again = gloss(dir, "add cats imgs");
  EXPECT_TRUE(contains(again.output, "3 files unchanged since gloss last read them")) << again.output;
  // New bytes under an old name: read again, a new task.
  test::write_test_png(dir / "imgs/1.png", 77, 20, 20);
  std::filesystem::last_write_time(dir / "imgs/1.png",
                                   std::filesystem::last_write_time(dir / "imgs/1.png") + std::chrono::seconds(5));
  const CommandResult changed = gloss(dir, "add cats imgs");
  EXPECT_TRUE(contains(changed.output, "2 files unchanged")) << changed.output;
  EXPECT_TRUE(contains(changed.output, "added 1 images")) << changed.output;
  EXPECT_TRUE(contains(gloss(dir, "stats cats").output, "tasks            4")) << gloss(dir, "stats cats").output;
}

TEST(Cli, BadImportChangesNothingAndNamesTheLine) {
  test::TempDir dir;
  test::write_test_png(dir / "a.png", 1);
  test::write_test_png(dir / "b.png", 2);
  test::write_text(dir / "good.jsonl", "{\"image\": \"a.png\", \"caption\": \"first\"}\n");
  ASSERT_EQ(gloss(dir, "db-in ds good.jsonl").code, 0);
  const std::string before = gloss(dir, "db-out ds").output;
  test::write_text(dir / "bad.jsonl", "{\"image\": \"b.png\", \"caption\": \"ok\"}\n{\"image\": \"b.png\", \"answer\": 5}\n");
  const CommandResult r = gloss(dir, "db-in ds bad.jsonl");
  EXPECT_EQ(r.code, 1);
  EXPECT_TRUE(contains(r.output, "bad.jsonl:2")) << r.output;
  EXPECT_TRUE(contains(r.output, "nothing was imported")) << r.output;
  EXPECT_EQ(gloss(dir, "db-out ds").output, before);
  const CommandResult skip = gloss(dir, "db-in ds bad.jsonl --skip-bad");
  EXPECT_EQ(skip.code, 0) << skip.output;
  EXPECT_TRUE(contains(gloss(dir, "stats ds").output, "answered         2")) << gloss(dir, "stats ds").output;
}

TEST(Cli, ExportImportExportIsLossless) {
  test::TempDir dir;
  test::write_test_png(dir / "a.png", 1);
  test::write_test_png(dir / "b.png", 2);
  test::write_text(dir / "in.jsonl",
                   "{\"image\": \"a.png\", \"caption\": \"ein rotes Quadrat \xc3\xa4\", \"orig_caption\": \"a red square\"}\n"
                   "{\"image\": \"b.png\", \"caption\": \"x\", \"answer\": \"ignore\"}\n");
  ASSERT_EQ(gloss(dir, "db-in first in.jsonl").code, 0);
  ASSERT_EQ(gloss(dir, "db-out first -o out1.jsonl").code, 0);
  ASSERT_EQ(gloss(dir, "db-in second out1.jsonl").code, 0);
  ASSERT_EQ(gloss(dir, "db-out second -o out2.jsonl").code, 0);
  EXPECT_EQ(test::read_text(dir / "out1.jsonl"), test::read_text(dir / "out2.jsonl"));
  ASSERT_EQ(gloss(dir, "db-out first --format coco -o coco.json").code, 0);
  const auto coco = nlohmann::json::parse(test::read_text(dir / "coco.json"));
  EXPECT_EQ(coco["annotations"].size(), 1u);  // the ignored answer is not a caption
}

TEST(Cli, UnknownDatasetAndDropConfirmation) {
  test::TempDir dir;
  test::write_test_png(dir / "a.png", 1);
  ASSERT_EQ(gloss(dir, "add keep a.png").code, 1);  // a single file is not a source
  test::write_text(dir / "one.jsonl", "{\"image\": \"a.png\"}\n");
  ASSERT_EQ(gloss(dir, "add keep one.jsonl").code, 0);
  const CommandResult unknown = gloss(dir, "stats nope");
  EXPECT_EQ(unknown.code, 1);
  EXPECT_TRUE(contains(unknown.output, "no dataset named 'nope'")) << unknown.output;
  EXPECT_TRUE(contains(unknown.output, "keep")) << unknown.output;
  EXPECT_EQ(gloss(dir, "drop keep").code, 1);  // no terminal to confirm on
  EXPECT_TRUE(contains(gloss(dir, "datasets").output, "keep"));
  EXPECT_EQ(gloss(dir, "drop keep --yes").code, 0);
  EXPECT_FALSE(contains(gloss(dir, "datasets").output, "keep"));
}

}  // namespace
}  // namespace gloss
