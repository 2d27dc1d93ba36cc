// Issue 13 in the real window under Xvfb: a 6000x4000 image is decoded at
// display size (1280 px), which averages a 1-px checkerboard in its centre
// to flat grey; at 1:1 the visible rectangle is decoded at full resolution
// and the screenshot shows the checkerboard pixel for pixel.
// GLOSS_KEEP_SCREENSHOTS=DIR keeps the screenshot for a look.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "core/image.h"
#include "test_util.h"

namespace gloss {
namespace {
namespace fs = std::filesystem;

bool dark(const std::uint8_t* p) { return p[0] < 40 && p[1] < 40 && p[2] < 40; }
bool light(const std::uint8_t* p) { return p[0] > 215 && p[1] > 215 && p[2] > 215; }

// Pixels whose right and lower neighbours are the opposite extreme: the
// checkerboard shown one image pixel per screen pixel.
std::size_t checkerboard_pixels(const Image& shot) {
  std::size_t n = 0;
  auto at = [&](int x, int y) { return &shot.rgb[(static_cast<std::size_t>(y) * shot.width + x) * 3]; };
  for (int y = 0; y + 1 < shot.height; ++y)
    for (int x = 0; x + 1 < shot.width; ++x) {
      const std::uint8_t *p = at(x, y), *right = at(x + 1, y), *below = at(x, y + 1);
      if ((dark(p) && light(right) && light(below)) || (light(p) && dark(right) && dark(below))) ++n;
    }
  return n;
}

TEST(DetailWindow, OneToOneShowsTheFullResolutionPixels) {
  if (!test::on_path("xvfb-run")) GTEST_SKIP() << "xvfb-run is not installed";
  if (!fs::exists("/usr/bin/convert")) GTEST_SKIP() << "ImageMagick is not installed";
  test::TempDir dir;
  fs::create_directories(dir / "big");
  // pattern:gray50 is ImageMagick's 1-px checkerboard.
  const std::string make = "/usr/bin/convert -size 6000x4000 'xc:rgb(128,128,128)' \\( -size 400x400 pattern:gray50 \\)"
                           " -gravity center -composite 'PNG24:" + (dir / "big" / "checker.png").string() + "' > '" +
                           (dir / "convert.log").string() + "' 2>&1";
  ASSERT_EQ(std::system(make.c_str()), 0) << test::read_text(dir / "convert.log");
  test::write_text(dir / "replay.txt",
                   "wait-idle\nwait 150\nscreenshot fit.png\nkey Ctrl+1\nwait-idle\nwait 300\nscreenshot one.png\nquit\n");
  const std::string command = "cd '" + dir.path().string() +
                              "' && timeout 300 xvfb-run -a -s '-screen 0 1280x800x24' '" GLOSS_BINARY
                              "' --db db caption big big --model none --session detail --replay replay.txt"
                              " > window.out 2>&1";
  const int status = std::system(command.c_str());
  ASSERT_EQ(WEXITSTATUS(status), 0) << test::read_text(dir / "window.out");

  // A glyph or the text cursor may match a pixel or two; the display decode
  // averages the pattern to flat grey.
  EXPECT_LT(checkerboard_pixels(decode_image_file(dir / "fit.png")), 100u) << "the display decode cannot show 1-px detail";
  const Image one = decode_image_file(dir / "one.png");
  // The pane shows about 400x400 of the pattern at 1:1 (less where the pane is lower).
  EXPECT_GT(checkerboard_pixels(one), 50'000u) << test::read_text(dir / "window.out");
  if (const char* keep = std::getenv("GLOSS_KEEP_SCREENSHOTS")) {
    fs::create_directories(keep);
    for (const char* name : {"fit.png", "one.png"})
      fs::copy_file(dir / name, fs::path(keep) / (std::string("detail_") + name), fs::copy_options::overwrite_existing);
  }
}

}  // namespace
}  // namespace gloss
