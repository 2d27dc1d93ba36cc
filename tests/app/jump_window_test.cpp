// The jump dialog under Xvfb (issue 13): Ctrl+G, '.', Enter aborted the
// program with std::invalid_argument (exit 134), a 21-digit number with
// std::out_of_range. Now each is a message in the dialog and the session goes on.
#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

#include "core/lmdb_store.h"
#include "test_util.h"

namespace gloss {
namespace {

using test::TempDir;

TEST(JumpWindow, TextThatIsNotAPositionIsAMessageNotACrash) {
  if (!test::on_path("xvfb-run")) GTEST_SKIP() << "xvfb-run is not installed";
  TempDir dir;
  for (int i = 0; i < 6; ++i)
    test::write_test_png(dir / ("images/" + std::to_string(i) + ".png"), static_cast<std::uint32_t>(40 + i), 40, 30);
  test::write_text(dir / "replay.txt",
                   "key Ctrl+G\n"
                   "type .\n"
                   "key Enter\n"
                   "screenshot dot.png\n"
                   "key Escape\n"
                   "key Ctrl+G\n"
                   "type 123456789012345678901\n"
                   "key Enter\n"
                   "key Escape\n"
                   "key Ctrl+G\n"
                   "key Enter\n"
                   "type 0\n"
                   "key Enter\n"
                   "key Escape\n"
                   "key Ctrl+G\n"
                   "type 5\n"
                   "key Enter\n"
                   "type five\n"
                   "key Enter\n"
                   "quit\n");
  const std::string command = "cd '" + dir.path().string() +
                              "' && timeout 180 xvfb-run -a -s '-screen 0 1280x800x24' '" GLOSS_BINARY
                              "' --db db caption shapes images --model none --replay replay.txt > out.txt 2>&1";
  const int status = std::system(command.c_str());
  const std::string output = test::read_text(dir / "out.txt");
  ASSERT_TRUE(WIFEXITED(status)) << output;
  ASSERT_EQ(WEXITSTATUS(status), 0) << output;
  EXPECT_EQ(output.find("terminate"), std::string::npos) << output;
  EXPECT_TRUE(std::filesystem::exists(dir / "dot.png"));
  LmdbStore store(StoreOptions{dir / "db"});
  const DatasetInfo info = store.require_dataset("shapes");
  EXPECT_EQ(info.answered, 1u);
  const auto fifth = store.answer_at(info, 4, default_annotator());
  ASSERT_TRUE(fifth) << output;
  EXPECT_EQ(fifth->caption, "five");
}

}  // namespace
}  // namespace gloss
