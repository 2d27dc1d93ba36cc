// Decoded images: probing and decoding every format gloss reads (libvips,
// image_codec.cpp), resizing, and PNG/JPEG encoding for thumbnails and tests.
// Decoding is where orientation, colour and alpha are settled, once: every
// Image is upright, 8-bit sRGB, with its alpha apart. No GL here: the UI
// uploads Image pixels to textures on its own thread.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "core/image_format.h"

namespace gloss {

// What a file holds, read from its header without decoding pixels.
struct ImageInfo {
  int width = 0;   // upright: the EXIF/HEIF orientation is applied
  int height = 0;
  ImageFormat format = ImageFormat::unknown;
  int orientation = 1;   // the file's EXIF orientation, 1-8 (1 when none)
  int frames = 1;        // frames or pages (animated GIF/WebP, multi-page TIFF): the first is shown
  bool alpha = false;    // the file has an alpha channel
  bool icc = false;      // the file has an embedded colour profile (converted to sRGB)
  int bits = 8;          // bits per sample in the file (16 for 16-bit PNG/TIFF)
};

// 8-bit sRGB, upright, row-major, no padding. `rgb` is straight (not
// premultiplied) colour; `alpha` is one byte a pixel, empty when the image
// is opaque.
struct Image {
  int width = 0;
  int height = 0;
  std::vector<std::uint8_t> rgb;
  std::vector<std::uint8_t> alpha;
  ImageInfo source;  // the file this came from (full size, format, frames); zero for made-up images
  bool empty() const { return rgb.empty(); }
  bool has_alpha() const { return !alpha.empty(); }
};

// Full-resolution decoding holds at most this many bytes (4 a pixel): images
// over kMaxImagePixels (268 MP, 16384 x 16384) are refused from their header,
// before any pixel is allocated. Decoding at a smaller size streams, so a
// 200 MP photo costs about what the decoded size needs.
inline constexpr std::int64_t kMaxDecodedBytes = 1LL << 30;
inline constexpr std::int64_t kMaxImagePixels = kMaxDecodedBytes / 4;
// Files above this size are refused before they are read.
inline constexpr std::int64_t kMaxImageFileBytes = 512LL << 20;

// Reads a whole file. Throws UserError naming the file and the reason.
std::string read_file_bytes(const std::filesystem::path& path,
                            std::int64_t max_bytes = kMaxImageFileBytes);

// Reads the header of an encoded image held in memory. Throws UserError
// (message starts with `what`, e.g. the file name) when it is not an image
// gloss reads, with the real format and problem, or when it claims more
// than kMaxImagePixels.
ImageInfo probe_image(const std::string& bytes, const std::string& what);

// Decodes upright, in sRGB, 8-bit, alpha apart. With max_side > 0 the
// longest side is at most max_side (never enlarged): formats that can
// (JPEG, WebP, HEIF, TIFF pyramids...) decode at a reduced size directly.
// Throws UserError naming `what`, the format and the problem.
Image decode_image(const std::string& bytes, const std::string& what, int max_side = 0);
Image decode_image_file(const std::filesystem::path& path, int max_side = 0);

// Decodes one rectangle at full resolution, in upright coordinates of the
// whole image (ImageInfo::width/height), clamped to the image: the detail
// the window shows when zoomed past the display-size decode. Same colour,
// orientation and errors as decode_image; `source` is the whole image's
// info. Throws UserError for an empty rectangle, one outside the image, or
// one over kMaxImagePixels.
Image decode_image_region(const std::string& bytes, const std::string& what, int left, int top, int width,
                          int height);

// Captioners get images decoded with their longest side at most this
// (shrink-on-load; they resize further themselves): the same pixels on every
// machine, whatever its screen, so suggestions are reproducible.
inline constexpr int kModelInputSide = 1024;

// The background transparent pixels are composited over for a model's
// input (white, as a page behind a logo), documented in README.
inline constexpr std::uint8_t kModelBackground[3] = {255, 255, 255};
// The image composited over `background`, without alpha; opaque images
// are returned as they are.
Image flatten_alpha(const Image& image, const std::uint8_t background[3] = kModelBackground);

// Bilinear resize (pixel centres aligned, as OpenCV/PIL "bilinear" without
// antialiasing). Colour only: alpha is dropped (flatten first).
Image resize_bilinear(const Image& src, int width, int height);

// Area-averaging downscale for thumbnails: keeps aspect ratio, longest side
// becomes `max_side` (never upscales). Alpha is averaged too, and colour is
// weighted by it so transparent pixels do not bleed into the edges.
Image make_thumbnail(const Image& src, int max_side);

// PNG encode (stb_image_write; RGBA when the image has alpha).
std::string encode_png(const Image& image);
void write_png(const std::filesystem::path& path, const Image& image);

// Baseline JPEG encode (stb_image_write), quality 1-100; alpha is dropped.
// For data URIs, tests and benches.
std::string encode_jpeg(const Image& image, int quality = 90);

}  // namespace gloss
