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

// Bilinear resize (pixel centres aligned, as OpenCV/PIL "bilinear" without
// antialiasing).
Image resize_bilinear(const Image& src, int width, int height);

// Area-averaging downscale for thumbnails: keeps aspect ratio, longest side
// becomes `max_side` (never upscales).
Image make_thumbnail(const Image& src, int max_side);

// PNG encode/decode helpers (stb_image_write).
std::string encode_png(const Image& image);
void write_png(const std::filesystem::path& path, const Image& image);

}  // namespace gloss
