// Decoded images and image probing (stb_image). No GL here: the UI uploads
// Image pixels to textures on its own thread.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace gloss {

// 8-bit RGB, row-major, no padding.
struct Image {
  int width = 0;
  int height = 0;
  std::vector<std::uint8_t> rgb;
  bool empty() const { return rgb.empty(); }
};

// Images above this many pixels are refused before any pixel is allocated
// (a header can claim 30000x30000; decoding it would take gigabytes).
inline constexpr std::int64_t kMaxImagePixels = 64LL * 1024 * 1024;
// Files above this size are refused before they are read.
inline constexpr std::int64_t kMaxImageFileBytes = 512LL * 1024 * 1024;

struct ImageInfo {
  int width = 0;
  int height = 0;
};

// Reads a whole file. Throws UserError naming the file and the reason.
std::string read_file_bytes(const std::filesystem::path& path,
                            std::int64_t max_bytes = kMaxImageFileBytes);

// Checks the header of an encoded image held in memory. Throws UserError
// (message starts with `what`, e.g. the file name) if it is not an image
// stb_image can read or if it claims more than kMaxImagePixels.
ImageInfo probe_image(const std::string& bytes, const std::string& what);

// Decodes to RGB8. Throws UserError naming `what` and the reason.
Image decode_image(const std::string& bytes, const std::string& what);
Image decode_image_file(const std::filesystem::path& path);

// Decodes for display at `max_side` pixels on the longest side (thumbnails,
// the gallery): JPEGs are decoded at a reduced scale by libjpeg-turbo's DCT
// scaling (1/2, 1/4, 1/8 ...), choosing the smallest scale whose longest side
// is still >= max_side, so the result is between max_side and about twice
// that (never larger than the full image); callers still run make_thumbnail.
// Other formats, and any JPEG libjpeg-turbo cannot decode cleanly (truncated,
// CMYK, ...), are decoded in full by decode_image, with its checks and
// messages. The pixel-count cap applies to the full size the file claims.
// Without libjpeg-turbo at build time this is decode_image.
Image decode_image_for_side(const std::string& bytes, const std::string& what, int max_side);
Image decode_image_file_for_side(const std::filesystem::path& path, int max_side);
// True when decode_image_for_side can scale JPEGs (built with libjpeg-turbo).
bool scaled_jpeg_decode_available();

// Bilinear resize (pixel centres aligned, as OpenCV/PIL "bilinear" without
// antialiasing).
Image resize_bilinear(const Image& src, int width, int height);

// Area-averaging downscale for thumbnails: keeps aspect ratio, longest side
// becomes `max_side` (never upscales).
Image make_thumbnail(const Image& src, int max_side);

// PNG encode/decode helpers (stb_image_write).
std::string encode_png(const Image& image);
void write_png(const std::filesystem::path& path, const Image& image);

// Baseline JPEG encode (stb_image_write), quality 1-100. For tests and benches.
std::string encode_jpeg(const Image& image, int quality = 90);

}  // namespace gloss
