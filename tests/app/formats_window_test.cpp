// Every format of the image corpus (tests/data/make_image_corpus.sh) in the
// real window under Xvfb: each image is added with its upright size, and the
// screenshot of each reference-like image shows its red quadrant above its
// blue one and left of its green one, whatever the file's format,
// orientation or colour profile. GLOSS_KEEP_SCREENSHOTS=DIR keeps the
// screenshots for a look.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "core/image.h"
#include "core/sources.h"
#include "core/lmdb_store.h"
#include "test_util.h"

namespace gloss {
namespace {
namespace fs = std::filesystem;

struct Centre {
  double x = 0, y = 0;
  std::size_t n = 0;
};

// Where pixels near `want` sit in a screenshot (their mean position).
Centre centre_of(const Image& shot, int r, int g, int b) {
  Centre c;
  for (int y = 0; y < shot.height; ++y)
    for (int x = 0; x < shot.width; ++x) {
      const std::uint8_t* p = &shot.rgb[(static_cast<std::size_t>(y) * shot.width + x) * 3];
      if (std::abs(p[0] - r) + std::abs(p[1] - g) + std::abs(p[2] - b) > 60) continue;
      c.x += x, c.y += y, ++c.n;
    }
  if (c.n) c.x /= c.n, c.y /= c.n;
  return c;
}

bool is_reference(const std::string& name) {
  for (const char* prefix : {"jpeg_", "png_rgb", "png_palette", "webp_lossy", "webp_lossless", "tiff_", "heif",
                             "avif", "jxl", "bmp", "ppm", "orientation_", "icc_", "ref"})
    if (name.rfind(prefix, 0) == 0) return name != "jpeg_cmyk.jpg" && name != "tiff_multipage.tif";
  return false;
}

TEST(FormatsWindow, EveryFormatIsShownUpright) {
  if (!test::on_path("xvfb-run")) GTEST_SKIP() << "xvfb-run is not installed";
  test::TempDir dir;
  const fs::path corpus = GLOSS_CORPUS_DIR;  // written once per build; gloss only reads it
  ASSERT_TRUE(fs::exists(corpus / "ref.png")) << corpus << " is missing: build the gloss_image_corpus target";
  const SourceScan scan = scan_source(corpus);  // the dataset's order
  const std::size_t n = scan.tasks.size();
  ASSERT_GE(n, 35u) << count_skipped(scan);
  std::string replay;
  for (std::size_t i = 0; i < n; ++i)
    replay += "wait-idle\nwait 150\nscreenshot shot-" + std::to_string(i) + ".png\nkey PageDown\n";
  replay += "quit\n";
  test::write_text(dir / "replay.txt", replay);
  const std::string command = "cd '" + dir.path().string() +
                              "' && timeout 600 xvfb-run -a -s '-screen 0 1280x800x24' '" GLOSS_BINARY
                              "' --db db caption formats '" + corpus.string() + "' --model none --session formats --replay replay.txt"
                              " > window.out 2>&1";
  const int status = std::system(command.c_str());
  const std::string output = test::read_text(dir / "window.out");
  ASSERT_EQ(WEXITSTATUS(status), 0) << output;
  EXPECT_NE(output.find("truncated.png"), std::string::npos) << output;

  LmdbStore store(StoreOptions{dir / "db"});
  for (std::size_t i = 0; i < n; ++i) {
    const std::string name = fs::path(scan.tasks[i].path).filename().string();
    SCOPED_TRACE(name);
    const auto task = store.task(scan.tasks[i].hash);
    ASSERT_TRUE(task);
    if (name.rfind("orientation_", 0) == 0 || name == "tiff_orientation_6.tif" || name == "avif_irot.avif") {
      EXPECT_EQ(task->width, 96);
      EXPECT_EQ(task->height, 64);
    }
    if (name == "phone_portrait.jpg") EXPECT_LT(task->width, task->height);
    const fs::path shot_path = dir / ("shot-" + std::to_string(i) + ".png");
    ASSERT_TRUE(fs::exists(shot_path));
    if (!is_reference(name)) continue;
    const Image shot = decode_image_file(shot_path);
    const Centre red = centre_of(shot, 220, 40, 40), green = centre_of(shot, 40, 180, 60),
                 blue = centre_of(shot, 40, 70, 220);
    ASSERT_GT(red.n, 500u) << "the red quadrant is not on screen";
    ASSERT_GT(green.n, 500u);
    ASSERT_GT(blue.n, 500u);
    EXPECT_LT(red.x, green.x) << "red must be left of green";
    EXPECT_LT(red.y, blue.y) << "red must be above blue";
  }
  if (const char* keep = std::getenv("GLOSS_KEEP_SCREENSHOTS")) {
    fs::create_directories(keep);
    for (std::size_t i = 0; i < n; ++i)
      fs::copy_file(dir / ("shot-" + std::to_string(i) + ".png"),
                    fs::path(keep) / (fs::path(scan.tasks[i].path).stem().string() + ".png"),
                    fs::copy_options::overwrite_existing);
  }
}

}  // namespace
}  // namespace gloss
