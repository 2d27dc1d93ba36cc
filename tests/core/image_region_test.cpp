// Region decoding on the image corpus (corpus_util.h): a
// rectangle in upright full-resolution coordinates comes back upright, in
// sRGB, clamped to the image; empty rectangles are refused.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "core/error.h"
#include "core/image.h"
#include "core/corpus_util.h"

namespace gloss {
namespace {
namespace fs = std::filesystem;

using test::kBottomLeft;
using test::kBottomRight;
using test::kTopLeft;
using test::kTopRight;
using test::Rgb;

class RegionCorpus : public test::ImageCorpusTest {
 protected:
  static std::string bytes(const std::string& name) { return read_file_bytes(file(name)); }
};

// Every pixel of a 48x32 quadrant, 6 px in from its edges (JPEG blurs them),
// is near the quadrant's colour.
void expect_quadrant(const Image& image, const Rgb& want, int tolerance, const std::string& where) {
  ASSERT_EQ(image.width, 48) << where;
  ASSERT_EQ(image.height, 32) << where;
  for (int y = 6; y < 26; y += 4)
    for (int x = 6; x < 42; x += 4) {
      const std::size_t i = (static_cast<std::size_t>(y) * image.width + x) * 3;
      ASSERT_NEAR(image.rgb[i], want.r, tolerance) << where << " red at " << x << "," << y;
      ASSERT_NEAR(image.rgb[i + 1], want.g, tolerance) << where << " green at " << x << "," << y;
      ASSERT_NEAR(image.rgb[i + 2], want.b, tolerance) << where << " blue at " << x << "," << y;
    }
}

TEST_F(RegionCorpus, EveryOrientationGivesUprightQuadrants) {
  for (int o = 1; o <= 8; ++o) {
    const std::string name = "orientation_" + std::to_string(o) + ".jpg";
    const std::string data = bytes(name);
    expect_quadrant(decode_image_region(data, name, 0, 0, 48, 32), kTopLeft, 12, name + " top left");
    expect_quadrant(decode_image_region(data, name, 48, 0, 48, 32), kTopRight, 12, name + " top right");
    expect_quadrant(decode_image_region(data, name, 0, 32, 48, 32), kBottomLeft, 12, name + " bottom left");
    expect_quadrant(decode_image_region(data, name, 48, 32, 48, 32), kBottomRight, 12, name + " bottom right");
    EXPECT_EQ(decode_image_region(data, name, 0, 0, 48, 32).source.width, 96) << name << ": source is the whole image";
  }
}

TEST_F(RegionCorpus, ARegionPastTheEdgeIsClamped) {
  const std::string data = bytes("orientation_6.jpg");
  const Image image = decode_image_region(data, "orientation_6.jpg", 80, 50, 100, 100);
  EXPECT_EQ(image.width, 16);
  EXPECT_EQ(image.height, 14);
  const Image before = decode_image_region(data, "orientation_6.jpg", -10, -20, 58, 52);
  EXPECT_EQ(before.width, 48);
  EXPECT_EQ(before.height, 32);
}

TEST_F(RegionCorpus, EmbeddedProfilesComeBackInSrgb) {
  for (const char* name : {"icc_adobergb.jpg", "icc_prophoto16.tif"}) {
    const Image image = decode_image_region(bytes(name), name, 0, 0, 48, 32);
    EXPECT_TRUE(image.source.icc) << name;
    expect_quadrant(image, kTopLeft, 10, name);
  }
}

TEST_F(RegionCorpus, EmptyOrOutsideRectanglesAreRefused) {
  const std::string data = bytes("jpeg_baseline.jpg");
  auto message = [&](int left, int top, int width, int height) -> std::string {
    try {
      decode_image_region(data, "jpeg_baseline.jpg", left, top, width, height);
    } catch (const UserError& e) {
      return e.what();
    }
    return "no error";
  };
  EXPECT_EQ(message(0, 0, 0, 10), "jpeg_baseline.jpg: region 0x10 has no pixels");
  EXPECT_EQ(message(0, 0, 10, -5), "jpeg_baseline.jpg: region 10x-5 has no pixels");
  EXPECT_EQ(message(200, 0, 10, 10), "jpeg_baseline.jpg: region at 200,0 is outside the 96x64 image");
  EXPECT_NE(message(0, 0, 20000, 20000).find("over the limit"), std::string::npos);
}

}  // namespace
}  // namespace gloss
