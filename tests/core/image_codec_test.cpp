// The codec layer on the corpus made by tests/data/make_image_corpus.sh from
// Debian's tools (written once per build into GLOSS_CORPUS_DIR): every format and variant decodes upright, in sRGB, at the
// right size; damaged files say what is wrong.
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
using ImageCorpus = test::ImageCorpusTest;

Rgb pixel(const Image& image, double fx, double fy) {
  const int x = static_cast<int>(fx * image.width), y = static_cast<int>(fy * image.height);
  const std::size_t i = (static_cast<std::size_t>(y) * image.width + x) * 3;
  return {image.rgb[i], image.rgb[i + 1], image.rgb[i + 2]};
}

void expect_near(const Rgb& got, const Rgb& want, int tolerance, const std::string& where) {
  EXPECT_NEAR(got.r, want.r, tolerance) << where << " red";
  EXPECT_NEAR(got.g, want.g, tolerance) << where << " green";
  EXPECT_NEAR(got.b, want.b, tolerance) << where << " blue";
}

// Upright 96x64 with each quadrant's colour where it belongs.
void expect_reference(const Image& image, const std::string& name, int tolerance = 12) {
  SCOPED_TRACE(name);
  ASSERT_EQ(image.width, 96);
  ASSERT_EQ(image.height, 64);
  expect_near(pixel(image, 0.25, 0.25), kTopLeft, tolerance, name + " top left");
  expect_near(pixel(image, 0.75, 0.25), kTopRight, tolerance, name + " top right");
  expect_near(pixel(image, 0.25, 0.75), kBottomLeft, tolerance, name + " bottom left");
  expect_near(pixel(image, 0.75, 0.75), kBottomRight, tolerance, name + " bottom right");
}

TEST_F(ImageCorpus, EveryFormatDecodesToTheReference) {
  const std::pair<const char*, ImageFormat> files[] = {
      {"jpeg_baseline.jpg", ImageFormat::jpeg}, {"jpeg_progressive.jpg", ImageFormat::jpeg},
      {"photo.jfif", ImageFormat::jpeg},        {"photo.jpe", ImageFormat::jpeg},
      {"no_extension", ImageFormat::jpeg},      {"png_rgb8.png", ImageFormat::png},
      {"png_rgb16.png", ImageFormat::png},      {"png_palette.png", ImageFormat::png},
      {"webp_lossy.webp", ImageFormat::webp},   {"webp_lossless.webp", ImageFormat::webp},
      {"tiff_lzw.tif", ImageFormat::tiff},      {"tiff_deflate.tif", ImageFormat::tiff},
      {"tiff_jpeg.tif", ImageFormat::tiff},     {"tiff_16bit.tif", ImageFormat::tiff},
      {"heif.heic", ImageFormat::heif},         {"avif.avif", ImageFormat::avif},
      {"jxl.jxl", ImageFormat::jxl},            {"bmp.bmp", ImageFormat::bmp},
      {"ppm.ppm", ImageFormat::pnm},
  };
  for (const auto& [name, format] : files) {
    const Image image = decode_image_file(file(name));
    EXPECT_EQ(image.source.format, format) << name;
    EXPECT_FALSE(image.has_alpha()) << name;
    expect_reference(image, name, format == ImageFormat::heif || format == ImageFormat::avif ? 20 : 12);
  }
  EXPECT_EQ(decode_image_file(file("png_rgb16.png")).source.bits, 16);
  EXPECT_EQ(decode_image_file(file("tiff_16bit.tif")).source.bits, 16);
}

TEST_F(ImageCorpus, CmykJpegComesBackInSrgb) {
  // ImageMagick's CMYK conversion is naive and libvips converts through a
  // press profile, so only each quadrant's dominant channel is checked.
  const Image image = decode_image_file(file("jpeg_cmyk.jpg"));
  ASSERT_EQ(image.width, 96);
  const Rgb tl = pixel(image, 0.25, 0.25), tr = pixel(image, 0.75, 0.25), bl = pixel(image, 0.25, 0.75);
  EXPECT_GT(tl.r, tl.g + 60);
  EXPECT_GT(tr.g, tr.r + 60);
  EXPECT_GT(bl.b, bl.r + 60);
}

TEST_F(ImageCorpus, GreyImagesBecomeThreeEqualChannels) {
  for (const char* name : {"png_grey.png", "pgm.pgm"}) {
    const Image image = decode_image_file(file(name));
    const Rgb p = pixel(image, 0.25, 0.25);
    EXPECT_EQ(p.r, p.g) << name;
    EXPECT_EQ(p.g, p.b) << name;
  }
}

TEST_F(ImageCorpus, AllEightExifOrientationsAreUpright) {
  for (int o = 1; o <= 8; ++o) {
    const std::string name = "orientation_" + std::to_string(o) + ".jpg";
    const std::string bytes = read_file_bytes(file(name));
    const ImageInfo info = probe_image(bytes, name);
    EXPECT_EQ(info.orientation, o) << name;
    EXPECT_EQ(info.width, 96) << name << ": the probe reports the upright size";
    EXPECT_EQ(info.height, 64) << name;
    expect_reference(decode_image(bytes, name), name);
    // Shrunk on load, still upright.
    const Image small = decode_image(bytes, name, 48);
    EXPECT_EQ(small.width, 48) << name;
    EXPECT_EQ(small.height, 32) << name;
    expect_near(pixel(small, 0.25, 0.25), kTopLeft, 16, name + " small top left");
    expect_near(pixel(small, 0.75, 0.75), kBottomRight, 16, name + " small bottom right");
  }
}

TEST_F(ImageCorpus, OrientationInTiffAndHeifRotation) {
  expect_reference(decode_image_file(file("tiff_orientation_6.tif")), "tiff_orientation_6.tif");
  expect_reference(decode_image_file(file("avif_irot.avif")), "avif_irot.avif", 20);
}

TEST_F(ImageCorpus, PortraitPhonePhotoIsTall) {
  const Image image = decode_image_file(file("phone_portrait.jpg"), 400);
  EXPECT_EQ(image.source.orientation, 6);
  EXPECT_EQ(image.source.width, 3000);
  EXPECT_EQ(image.source.height, 4000);
  EXPECT_EQ(image.width, 300);
  EXPECT_EQ(image.height, 400);
}

TEST_F(ImageCorpus, EmbeddedProfilesAreConvertedToSrgb) {
  for (const char* name : {"icc_adobergb.jpg", "icc_prophoto16.tif"}) {
    const Image image = decode_image_file(file(name));
    EXPECT_TRUE(image.source.icc) << name;
    expect_reference(image, name, 10);
  }
}

TEST_F(ImageCorpus, AlphaIsKeptApartAndFlattenedForModels) {
  for (const char* name : {"png_alpha.png", "webp_alpha.webp"}) {
    const Image image = decode_image_file(file(name));
    ASSERT_TRUE(image.has_alpha()) << name;
    EXPECT_TRUE(image.source.alpha) << name;
    const std::size_t corner = 0, centre = static_cast<std::size_t>(32) * 96 + 48;
    EXPECT_EQ(image.alpha[corner], 0) << name;
    EXPECT_EQ(image.alpha[centre], 255) << name;
    const Image flat = flatten_alpha(image);
    EXPECT_FALSE(flat.has_alpha());
    expect_near(pixel(flat, 0.0, 0.0), {255, 255, 255}, 0, std::string(name) + " corner over white");
    expect_near(pixel(flat, 0.5, 0.5), {0, 0, 0}, 2, std::string(name) + " the black disc");
  }
  EXPECT_FALSE(decode_image_file(file("png_rgb8.png")).has_alpha()) << "opaque images carry no alpha";
}

TEST_F(ImageCorpus, AnimationsShowTheirFirstFrame) {
  for (const char* name : {"gif_animated.gif", "webp_animated.webp", "tiff_multipage.tif"}) {
    const Image image = decode_image_file(file(name));
    EXPECT_EQ(image.source.frames, 2) << name;
    expect_reference(image, name, name[0] == 'g' ? 40 : 12);  // GIF: a 256-colour palette
  }
}

TEST_F(ImageCorpus, RealPhotoShrinksOnLoad) {
  const Image image = decode_image_file(file("real_wallpaper.webp"), 1024);
  EXPECT_EQ(image.source.width, 4096);
  EXPECT_EQ(image.width, 1024);
  EXPECT_EQ(image.height, 1024);
}

std::string error_of(const fs::path& path) {
  try {
    decode_image_file(path);
  } catch (const UserError& e) {
    return e.what();
  }
  return "";
}

TEST_F(ImageCorpus, DamagedFilesSayWhatIsWrong) {
  const std::string truncated_jpeg = error_of(file("truncated.jpg"));
  EXPECT_NE(truncated_jpeg.find("truncated.jpg: "), std::string::npos) << truncated_jpeg;
  EXPECT_NE(truncated_jpeg.find("truncated JPEG data"), std::string::npos) << truncated_jpeg;
  const std::string truncated_png = error_of(file("truncated.png"));
  EXPECT_NE(truncated_png.find("PNG"), std::string::npos) << truncated_png;
  const std::string text = error_of(file("text_named.png"));
  EXPECT_NE(text.find("not an image gloss can read (it is text; gloss reads JPEG, PNG, WebP"), std::string::npos)
      << text;
  EXPECT_NE(error_of(file("empty.jpg")).find("empty file (0 bytes)"), std::string::npos);
}

}  // namespace
}  // namespace gloss
