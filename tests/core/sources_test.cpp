#include "core/sources.h"

#include <sys/stat.h>
#include <unistd.h>

#include "core/error.h"
#include "core/hash.h"
#include "test_util.h"

namespace gloss {
namespace {
namespace fs = std::filesystem;

std::string reasons_for(const SourceScan& scan, const std::string& name) {
  std::string out;
  for (const auto& p : scan.problems)
    if (p.where.find(name) != std::string::npos) out += p.reason + ";";
  return out;
}

TEST(Sources, FolderIsRecursiveSortedAndReportsBadFiles) {
  test::TempDir dir;
  test::write_test_png(dir / "b.png", 2);
  test::write_test_png(dir / "a.png", 1);
  test::write_test_png(dir / "sub/c.png", 3);
  test::write_test_png(dir / "sub/copy-of-a.png", 1);  // same bytes as a.png
  test::write_text(dir / "empty.png", "");
  test::write_text(dir / "text.jpg", "this is not a jpeg");
  test::write_text(dir / "notes.txt", "hello");
  fs::create_directories(dir / "folder.png");
  const std::string png = encode_png(test::pattern_image(16, 16, 9));
  test::write_text(dir / "truncated.png", png.substr(0, png.size() / 2));
  fs::create_symlink(dir.path(), dir / "sub/loop");  // a directory symlink loop

  const SourceScan scan = scan_source(dir.path());
  ASSERT_EQ(scan.tasks.size(), 4u);
  EXPECT_EQ(fs::path(scan.tasks[0].path).filename(), "a.png");
  EXPECT_EQ(fs::path(scan.tasks[1].path).filename(), "b.png");
  EXPECT_EQ(fs::path(scan.tasks[2].path).filename(), "c.png");
  EXPECT_EQ(fs::path(scan.tasks[3].path).filename(), "truncated.png");
  EXPECT_EQ(scan.tasks[0].width, 8);
  EXPECT_EQ(scan.tasks[0].height, 6);
  ASSERT_EQ(scan.duplicates.size(), 1u);
  EXPECT_NE(scan.duplicates[0].find("copy-of-a.png"), std::string::npos);
  EXPECT_NE(reasons_for(scan, "empty.png").find("0 bytes"), std::string::npos);
  EXPECT_NE(reasons_for(scan, "text.jpg").find("not an image"), std::string::npos);
  EXPECT_NE(reasons_for(scan, "notes.txt").find("not an image"), std::string::npos);
  EXPECT_NE(reasons_for(scan, "folder.png").find("directory"), std::string::npos);
  // A truncated PNG's header is fine: it is added and fails later, at decode,
  // where the UI shows an error card.
  EXPECT_EQ(reasons_for(scan, "truncated.png"), "");
  EXPECT_THROW(decode_image_file(dir / "truncated.png"), UserError);
}

TEST(Sources, HugeHeaderIsRefusedWithoutAllocating) {
  test::TempDir dir;
  // A valid PNG signature and IHDR claiming 30000 x 30000 pixels, no data.
  std::string png("\x89PNG\r\n\x1a\n", 8);
  auto be32 = [](std::uint32_t v) {
    return std::string{static_cast<char>(v >> 24), static_cast<char>(v >> 16), static_cast<char>(v >> 8),
                       static_cast<char>(v)};
  };
  png += be32(13) + "IHDR" + be32(30000) + be32(30000) + std::string("\x08\x02\x00\x00\x00", 5) + be32(0);
  test::write_text(dir / "huge.png", png);
  try {
    load_task(dir / "huge.png");
    FAIL() << "a 30000x30000 header must be refused";
  } catch (const UserError& e) {
    EXPECT_NE(std::string(e.what()).find("30000x30000"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("huge.png"), std::string::npos) << e.what();
  }
}

TEST(Sources, UnreadableFileIsReported) {
  if (::geteuid() == 0) GTEST_SKIP() << "root reads every file";
  test::TempDir dir;
  test::write_test_png(dir / "locked.png", 1);
  ::chmod((dir / "locked.png").c_str(), 0);
  const SourceScan scan = scan_source(dir.path());
  EXPECT_TRUE(scan.tasks.empty());
  EXPECT_NE(reasons_for(scan, "locked.png"), "");
}

TEST(Sources, JsonlSourceResolvesPathsAndReportsLines) {
  test::TempDir dir;
  test::write_test_png(dir / "imgs/x.png", 5);
  test::write_text(dir / "list.jsonl", "{\"image\": \"imgs/x.png\"}\n\nnot json\n{\"text\": \"no image\"}\n");
  const SourceScan scan = scan_source(dir / "list.jsonl");
  ASSERT_EQ(scan.tasks.size(), 1u);
  EXPECT_EQ(scan.tasks[0].hash, content_hash(test::read_text(dir / "imgs/x.png")));
  ASSERT_EQ(scan.problems.size(), 2u);
  EXPECT_EQ(scan.problems[0].where, (dir / "list.jsonl").string() + ":3");
  EXPECT_EQ(scan.problems[1].where, (dir / "list.jsonl").string() + ":4");
}

TEST(Sources, MissingOrOddSourceIsAUserError) {
  test::TempDir dir;
  EXPECT_THROW(scan_source(dir / "nope"), UserError);
  test::write_text(dir / "list.csv", "a,b");
  EXPECT_THROW(scan_source(dir / "list.csv"), UserError);
}

TEST(Sources, NonUtf8FileNamesAreHandled) {
  test::TempDir dir;
  const fs::path odd = dir / std::string("caf\xe9-\xff.png");  // Latin-1 bytes, not UTF-8
  test::write_test_png(odd, 4);
  const SourceScan scan = scan_source(dir.path());
  ASSERT_EQ(scan.tasks.size(), 1u);
  EXPECT_EQ(scan.tasks[0].path, odd.string());
}

}  // namespace
}  // namespace gloss
