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
  // Files neither images nor named like one (captions, notes) are counted, not reported.
  EXPECT_EQ(reasons_for(scan, "notes.txt"), "");
  ASSERT_EQ(scan.other_files.size(), 1u);
  EXPECT_NE(scan.other_files[0].find("notes.txt"), std::string::npos);
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

// The format comes from the bytes: a JPEG named .png, or with no
// extension, is a JPEG task; a PNG named .jpg is a PNG.
TEST(Sources, FormatIsJudgedByContentNotName) {
  test::TempDir dir;
  const Image im = test::pattern_image(40, 30, 3);
  test::write_text(dir / "really_a_jpeg.png", encode_jpeg(im, 90));
  test::write_text(dir / "no_extension", encode_jpeg(test::pattern_image(40, 30, 4), 90));
  test::write_text(dir / "really_a_png.jpg", encode_png(test::pattern_image(20, 10, 5)));
  const SourceScan scan = scan_source(dir.path());
  ASSERT_EQ(scan.tasks.size(), 3u) << count_skipped(scan);
  EXPECT_EQ(decode_image_file(dir / "really_a_jpeg.png").source.format, ImageFormat::jpeg);
  EXPECT_EQ(decode_image_file(dir / "really_a_png.jpg").source.format, ImageFormat::png);
  EXPECT_EQ(decode_image_file(dir / "really_a_png.jpg").width, 20);
}

// decode_image with a longest side: never enlarged, aspect kept, and a
// JPEG's reduced decode agrees with the full decode's thumbnail.
TEST(Sources, DecodeAtAReducedSize) {
  test::TempDir dir;
  Image im{800, 600, std::vector<std::uint8_t>(800u * 600u * 3u)};
  for (int y = 0; y < im.height; ++y)
    for (int x = 0; x < im.width; ++x) {
      std::uint8_t* px = &im.rgb[(static_cast<std::size_t>(y) * im.width + x) * 3];
      px[0] = static_cast<std::uint8_t>(x * 255 / 799);
      px[1] = static_cast<std::uint8_t>(y * 255 / 599);
      px[2] = static_cast<std::uint8_t>((x / 100 + y / 100) % 2 ? 200 : 40);
    }
  const std::string jpg = encode_jpeg(im, 95);
  test::write_text(dir / "photo.jpg", jpg);

  const Image full = decode_image_file(dir / "photo.jpg");
  ASSERT_EQ(full.width, 800);
  ASSERT_EQ(full.height, 600);
  const Image small = decode_image_file(dir / "photo.jpg", 192);
  EXPECT_EQ(small.width, 192);
  EXPECT_EQ(small.height, 144);
  EXPECT_EQ(small.source.width, 800);
  const Image a = make_thumbnail(full, 192);
  ASSERT_EQ(a.width, small.width);
  ASSERT_EQ(a.height, small.height);
  double diff = 0;
  for (std::size_t i = 0; i < a.rgb.size(); ++i) diff += std::abs(int(a.rgb[i]) - int(small.rgb[i]));
  EXPECT_LT(diff / static_cast<double>(a.rgb.size()), 6.0);

  EXPECT_EQ(decode_image_file(dir / "photo.jpg", 800).width, 800);
  EXPECT_EQ(decode_image_file(dir / "photo.jpg", 5000).width, 800) << "never enlarged";
  EXPECT_EQ(decode_image_file(dir / "photo.jpg", 401).width, 401);

  // A truncated JPEG: refused at any size with the same reason.
  test::write_text(dir / "truncated.jpg", jpg.substr(0, jpg.size() / 3));
  std::string full_error, side_error;
  try {
    decode_image_file(dir / "truncated.jpg");
  } catch (const UserError& e) {
    full_error = e.what();
  }
  try {
    decode_image_file(dir / "truncated.jpg", 192);
  } catch (const UserError& e) {
    side_error = e.what();
  }
  EXPECT_EQ(side_error, full_error);
  EXPECT_NE(side_error.find("truncated.jpg: truncated JPEG data"), std::string::npos) << side_error;

  // JPEG magic, then garbage: refused, naming the file and the format.
  test::write_text(dir / "garbage.jpg", std::string("\xFF\xD8\xFF\xE0", 4) + "not really a jpeg");
  try {
    decode_image_file(dir / "garbage.jpg", 192);
    FAIL() << "garbage after a JPEG signature must be refused";
  } catch (const UserError& e) {
    EXPECT_NE(std::string(e.what()).find("garbage.jpg"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("JPEG"), std::string::npos) << e.what();
  }

  // A JPEG header claiming 30000 x 30000 pixels is refused by the pixel cap.
  std::string huge("\xFF\xD8\xFF\xC0\x00\x11\x08", 7);
  huge += std::string("\x75\x30\x75\x30\x03\x01\x22\x00\x02\x11\x01\x03\x11\x01", 14);
  huge += std::string("\xFF\xD9", 2);
  test::write_text(dir / "huge.jpg", huge);
  try {
    decode_image_file(dir / "huge.jpg", 192);
    FAIL() << "a 30000x30000 JPEG header must be refused";
  } catch (const UserError& e) {
    EXPECT_NE(std::string(e.what()).find("30000x30000"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("huge.jpg"), std::string::npos) << e.what();
  }
}

TEST(Sources, KnownUnchangedFilesAreNotReadAgain) {
  test::TempDir dir;
  for (int i = 0; i < 4; ++i) test::write_test_png(dir / ("img/" + std::to_string(i) + ".png"), i + 1);
  const SourceScan first = scan_source(dir / "img", [](const FileStamp&) { return std::nullopt; });
  ASSERT_EQ(first.tasks.size(), 4u);
  ASSERT_EQ(first.read.size(), 4u);  // every file read, stamped with its hash
  EXPECT_EQ(first.unchanged, 0u);
  for (std::size_t i = 0; i < 4; ++i) {
    EXPECT_EQ(first.read[i].hash, first.tasks[i].hash);
    EXPECT_GT(first.read[i].size, 0u);
    EXPECT_GT(first.read[i].mtime_ns, 0);
  }
  // A store that knows file 1 (with a hash no file has): the scan takes its
  // word for it instead of reading the file, and reads the others.
  const FileStamp known = first.read[1];
  const SourceScan second = scan_source(dir / "img", [&](const FileStamp& f) -> std::optional<Task> {
    if (f.path != known.path || f.size != known.size || f.mtime_ns != known.mtime_ns || f.inode != known.inode)
      return std::nullopt;
    return Task{0xABCDEFu, "/elsewhere.png", 8, 8, 0};
  });
  ASSERT_EQ(second.tasks.size(), 4u);
  EXPECT_EQ(second.unchanged, 1u);
  EXPECT_EQ(second.read.size(), 3u);
  EXPECT_EQ(second.tasks[1].hash, 0xABCDEFu);
  EXPECT_EQ(second.tasks[1].path, known.path);  // this file's path, not the stored one
  EXPECT_EQ(second.tasks[2].hash, first.tasks[2].hash);
}

}  // namespace
}  // namespace gloss
