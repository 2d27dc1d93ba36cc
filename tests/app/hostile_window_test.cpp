// Hostile inputs (issue 8): a folder of files that are not usable images.
// `gloss add` and `gloss caption` name each bad file with its reason and end
// with a count by reason; the window opens on what is usable, shows an error
// card for an image that passes the header probe but cannot be decoded
// (truncated data), a "cannot read" badge for it in the gallery, and quits
// with status 0.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "core/image.h"
#include "core/store.h"
#include "test_util.h"

namespace gloss {
namespace {

namespace fs = std::filesystem;
using test::TempDir;


bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

// ---- a tiny PNG writer for headers no encoder would produce
std::uint32_t crc32(const std::string& bytes) {
  std::uint32_t c = 0xffffffffu;
  for (unsigned char b : bytes) {
    c ^= b;
    for (int k = 0; k < 8; ++k) c = (c >> 1) ^ (0xedb88320u & (0u - (c & 1u)));
  }
  return c ^ 0xffffffffu;
}

void put_u32(std::string& out, std::uint32_t v) {
  for (int i = 3; i >= 0; --i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

void chunk(std::string& png, const char* type, const std::string& data) {
  put_u32(png, static_cast<std::uint32_t>(data.size()));
  const std::string body = std::string(type, 4) + data;
  png += body;
  put_u32(png, crc32(body));
}

std::string png_with(std::uint32_t w, std::uint32_t h, int colour_type, const std::string& idat) {
  std::string png = "\x89PNG\r\n\x1a\n";
  std::string ihdr;
  put_u32(ihdr, w);
  put_u32(ihdr, h);
  ihdr += std::string{'\x08', static_cast<char>(colour_type), '\0', '\0', '\0'};
  chunk(png, "IHDR", ihdr);
  if (!idat.empty()) chunk(png, "IDAT", idat);
  chunk(png, "IEND", "");
  return png;
}

// A valid zlib stream of n zero bytes, made of length-258 back references
// (fixed Huffman codes): a few hundred KB that inflate to n bytes.
std::string zeros_zlib(std::uint64_t n) {
  std::string out = "\x78\x01";
  std::uint32_t acc = 0;
  int bits = 0;
  auto emit = [&](std::uint32_t v, int count) {  // LSB first
    acc |= v << bits;
    bits += count;
    while (bits >= 8) {
      out.push_back(static_cast<char>(acc & 0xff));
      acc >>= 8;
      bits -= 8;
    }
  };
  auto code = [&](std::uint32_t c, int count) {  // Huffman codes go MSB first
    for (int i = count - 1; i >= 0; --i) emit((c >> i) & 1u, 1);
  };
  emit(1, 1);  // BFINAL
  emit(1, 2);  // fixed Huffman
  code(0x30, 8);  // literal 0
  std::uint64_t left = n - 1;
  for (; left >= 258; left -= 258) {
    code(0xc5, 8);  // length 258 (code 285)
    code(0, 5);     // distance 1
  }
  for (; left > 0; --left) code(0x30, 8);
  code(0, 7);  // end of block
  if (bits > 0) emit(0, 8 - bits);
  put_u32(out, static_cast<std::uint32_t>((n % 65521) << 16 | 1));  // adler32 of zeros
  return out;
}

struct Folder {
  std::vector<std::string> bad;  // names the CLI must report
};

// Three good images, and one of every kind of bad file.
Folder write_hostile_folder(const fs::path& dir) {
  Folder f;
  test::write_test_png(dir / "a-good.png", 1, 64, 48);
  test::write_test_png(dir / "b-good.png", 2, 64, 48);
  test::write_test_png(dir / "c-good.png", 3, 64, 48);
  fs::copy_file(dir / "a-good.png", dir / "d-duplicate.png");
  // Header intact, pixel data cut: passes the probe, fails to decode.
  test::write_test_png(dir / "e-truncated.png", 4, 64, 48);
  const std::string whole = test::read_text(dir / "e-truncated.png");
  test::write_text(dir / "e-truncated.png", whole.substr(0, whole.size() / 2));
  test::write_text(dir / "f-empty.png", "");
  test::write_text(dir / "g-text.png", "this is a text file, not a picture\n");
  fs::create_directories(dir / "h-folder.png");
  fs::create_symlink("i-loop.png", dir / "i-loop.png");
  fs::create_symlink("nowhere.png", dir / "j-dangling.png");
  test::write_text(dir / "k-huge-header.png", png_with(30000, 30000, 2, ""));
  // A 400 KB PNG inflating to 8200x8200 grey: 67 MP is under the 268 MP
  // limit, so it is added and decoded at display size, streamed (issue 13).
  test::write_text(dir / "l-bomb.png", png_with(8200, 8200, 0, zeros_zlib(8200ull * 8201ull)));
  test::write_test_png(dir / "m-unreadable.png", 5, 64, 48);
  fs::permissions(dir / "m-unreadable.png", fs::perms::none);
  f.bad = {"d-duplicate.png", "f-empty.png", "g-text.png", "h-folder.png",
           "i-loop.png",      "j-dangling.png", "k-huge-header.png"};
  if (geteuid() != 0) f.bad.push_back("m-unreadable.png");  // root reads it anyway
  return f;
}

std::string run(const TempDir& dir, const std::string& args) {
  const std::string command = "cd '" + dir.path().string() + "' && '" GLOSS_BINARY "' " + args + " > cli.out 2>&1";
  const int status = std::system(command.c_str());
  std::string out = test::read_text(dir / "cli.out");
  return "[status " + std::to_string(WEXITSTATUS(status)) + "]\n" + out;
}

void expect_names_each_bad_file(const std::string& output, const Folder& f) {
  for (const std::string& name : f.bad) {
    // "gloss: PATH/NAME: reason": named on a line of its own, with a reason.
    const auto at = output.find(name + ": ");
    EXPECT_NE(at, std::string::npos) << name << " not reported:\n" << output;
  }
  EXPECT_TRUE(contains(output, "f-empty.png: empty file")) << output;
  EXPECT_TRUE(contains(output, "g-text.png: not an image")) << output;
  EXPECT_TRUE(contains(output, "h-folder.png: is a directory")) << output;
  EXPECT_TRUE(contains(output, "i-loop.png: symbolic link loop")) << output;
  EXPECT_TRUE(contains(output, "j-dangling.png: broken symbolic link")) << output;
  EXPECT_TRUE(contains(output, "k-huge-header.png: image is 30000x30000")) << output;
  EXPECT_FALSE(contains(output, "l-bomb.png:")) << output;
  EXPECT_TRUE(contains(output, "d-duplicate.png: same bytes as")) << output;
  if (geteuid() != 0) {
    EXPECT_TRUE(contains(output, "m-unreadable.png: cannot open")) << output;
    EXPECT_TRUE(contains(output, "1 unreadable")) << output;
  }
  // The count by reason.
  for (const char* count : {"2 bad link", "1 too large", "1 empty", "1 not an image", "1 directory", "1 duplicate"})
    EXPECT_TRUE(contains(output, count)) << count << "\n" << output;
}

TEST(HostileInputs, AddNamesEachBadFileAndCountsThemByReason) {
  TempDir dir;
  const Folder f = write_hostile_folder(dir / "hostile");
  const std::string out = run(dir, "--db db add ds hostile");
  EXPECT_TRUE(contains(out, "[status 0]")) << out;
  expect_names_each_bad_file(out, f);
  // Good ones, the truncated one (its header is fine), the 67 MP one and, as
  // root, the unreadable one.
  const int added = geteuid() == 0 ? 6 : 5;
  EXPECT_TRUE(contains(out, "added " + std::to_string(added) + " images")) << out;
  EXPECT_TRUE(contains(out, std::to_string(f.bad.size()) + " files skipped in all")) << out;
  std::printf("%s", out.c_str());
}

TEST(HostileInputs, WindowShowsErrorCardsAndBadgesAndQuitsCleanly) {
  if (!test::on_path("xvfb-run")) GTEST_SKIP() << "xvfb-run is not installed";
  TempDir dir;
  const Folder f = write_hostile_folder(dir / "hostile");
  const int tasks = geteuid() == 0 ? 6 : 5;
  std::string replay = "# walk every image, then the gallery\n";
  for (int i = 0; i < tasks; ++i) {
    replay += "screenshot image-" + std::to_string(i) + ".png\n";
    replay += "key PageDown\n";
  }
  replay += "key Ctrl+T\nwait-idle\nwait 300\nscreenshot gallery.png\nkey Ctrl+T\nquit\n";
  test::write_text(dir / "replay.txt", replay);
  const std::string command =
      "cd '" + dir.path().string() + "' && timeout 120 xvfb-run -a -s '-screen 0 1280x800x24' '" GLOSS_BINARY
      "' --db db caption ds hostile --model none --session hostile --replay replay.txt --screenshot final.png"
      " > window.out 2>&1";
  const int status = std::system(command.c_str());
  const std::string output = test::read_text(dir / "window.out");
  ASSERT_EQ(WEXITSTATUS(status), 0) << output;
  expect_names_each_bad_file(output, f);
  EXPECT_TRUE(contains(output, std::to_string(f.bad.size()) + " files skipped")) << output;
  for (int i = 0; i < tasks; ++i) EXPECT_TRUE(fs::exists(dir / ("image-" + std::to_string(i) + ".png"))) << i;
  EXPECT_TRUE(fs::exists(dir / "gallery.png"));
  EXPECT_TRUE(fs::exists(dir / "final.png"));
  // Keep the screenshots for a look when asked to.
  if (const char* keep = std::getenv("GLOSS_KEEP_SCREENSHOTS")) {
    fs::create_directories(keep);
    for (const auto& e : fs::directory_iterator(dir.path()))
      if (e.path().extension() == ".png") fs::copy_file(e.path(), fs::path(keep) / e.path().filename(),
                                                        fs::copy_options::overwrite_existing);
    fs::copy_file(dir / "window.out", fs::path(keep) / "window.out", fs::copy_options::overwrite_existing);
  }
}

}  // namespace
}  // namespace gloss
