// Reading files, alpha, resizing and PNG/JPEG encoding (Debian's libstb).
// Decoding is in image_codec.cpp.
#include "core/image.h"

#include <stb_image_write.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <fstream>
#include <system_error>

#include "core/error.h"

namespace gloss {
namespace fs = std::filesystem;

std::string read_file_bytes(const fs::path& path, std::int64_t max_bytes) {
  std::error_code ec;
  const auto status = fs::status(path, ec);
  if (ec || !fs::exists(status)) throw UserError(path.string() + ": file not found");
  if (fs::is_directory(status)) throw UserError(path.string() + ": is a directory, not an image");
  if (!fs::is_regular_file(status)) throw UserError(path.string() + ": not a regular file");
  const auto size = fs::file_size(path, ec);
  if (ec) throw UserError(path.string() + ": cannot read size: " + ec.message());
  if (static_cast<std::int64_t>(size) > max_bytes)
    throw UserError(path.string() + ": file is " + std::to_string(size >> 20) +
                    " MiB, over the limit of " + std::to_string(max_bytes >> 20) + " MiB");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw UserError(path.string() + ": cannot open: " + std::strerror(errno));
  std::string bytes(size, '\0');
  in.read(bytes.data(), static_cast<std::streamsize>(size));
  if (static_cast<std::size_t>(in.gcount()) != size)
    throw UserError(path.string() + ": read failed (file changed while reading?)");
  return bytes;
}

Image flatten_alpha(const Image& image, const std::uint8_t background[3]) {
  if (!image.has_alpha()) return image;
  Image out;
  out.width = image.width;
  out.height = image.height;
  out.source = image.source;
  out.rgb.resize(image.rgb.size());
  for (std::size_t i = 0; i < image.alpha.size(); ++i) {
    const unsigned a = image.alpha[i];
    for (int c = 0; c < 3; ++c)
      out.rgb[i * 3 + c] = static_cast<std::uint8_t>((image.rgb[i * 3 + c] * a + background[c] * (255 - a) + 127) / 255);
  }
  return out;
}

Image resize_bilinear(const Image& src, int width, int height) {
  Image dst;
  dst.width = width;
  dst.height = height;
  dst.rgb.resize(static_cast<std::size_t>(width) * height * 3);
  const float sx = static_cast<float>(src.width) / width;
  const float sy = static_cast<float>(src.height) / height;
  for (int y = 0; y < height; ++y) {
    const float fy = std::max(0.f, (y + 0.5f) * sy - 0.5f);
    const int y0 = std::min(static_cast<int>(fy), src.height - 1);
    const int y1 = std::min(y0 + 1, src.height - 1);
    const float wy = fy - y0;
    for (int x = 0; x < width; ++x) {
      const float fx = std::max(0.f, (x + 0.5f) * sx - 0.5f);
      const int x0 = std::min(static_cast<int>(fx), src.width - 1);
      const int x1 = std::min(x0 + 1, src.width - 1);
      const float wx = fx - x0;
      for (int c = 0; c < 3; ++c) {
        auto at = [&](int xx, int yy) {
          return static_cast<float>(src.rgb[(static_cast<std::size_t>(yy) * src.width + xx) * 3 + c]);
        };
        const float top = at(x0, y0) * (1 - wx) + at(x1, y0) * wx;
        const float bottom = at(x0, y1) * (1 - wx) + at(x1, y1) * wx;
        const float v = top * (1 - wy) + bottom * wy;
        dst.rgb[(static_cast<std::size_t>(y) * width + x) * 3 + c] =
            static_cast<std::uint8_t>(std::clamp(std::lround(v), 0L, 255L));
      }
    }
  }
  return dst;
}

Image make_thumbnail(const Image& src, int max_side) {
  const int longest = std::max(src.width, src.height);
  if (longest <= max_side) return src;
  const double scale = static_cast<double>(max_side) / longest;
  const int w = std::max(1, static_cast<int>(std::lround(src.width * scale)));
  const int h = std::max(1, static_cast<int>(std::lround(src.height * scale)));
  Image dst;
  dst.width = w;
  dst.height = h;
  dst.source = src.source;
  dst.rgb.resize(static_cast<std::size_t>(w) * h * 3);
  const bool alpha = src.has_alpha();
  if (alpha) dst.alpha.resize(static_cast<std::size_t>(w) * h);
  // Box filter: each destination pixel averages the source pixels it covers;
  // with alpha, colour is weighted by it (transparent pixels add no colour).
  for (int y = 0; y < h; ++y) {
    const int y0 = static_cast<int>(static_cast<std::int64_t>(y) * src.height / h);
    const int y1 = std::max(y0 + 1, static_cast<int>(static_cast<std::int64_t>(y + 1) * src.height / h));
    for (int x = 0; x < w; ++x) {
      const int x0 = static_cast<int>(static_cast<std::int64_t>(x) * src.width / w);
      const int x1 = std::max(x0 + 1, static_cast<int>(static_cast<std::int64_t>(x + 1) * src.width / w));
      std::uint64_t sum[3] = {0, 0, 0}, weight = 0;
      for (int yy = y0; yy < y1; ++yy)
        for (int xx = x0; xx < x1; ++xx) {
          const std::size_t i = static_cast<std::size_t>(yy) * src.width + xx;
          const unsigned a = alpha ? src.alpha[i] : 1;
          for (int c = 0; c < 3; ++c) sum[c] += static_cast<std::uint64_t>(src.rgb[i * 3 + c]) * a;
          weight += a;
        }
      const std::uint64_t n = static_cast<std::uint64_t>(y1 - y0) * (x1 - x0);
      const std::size_t o = static_cast<std::size_t>(y) * w + x;
      if (alpha) dst.alpha[o] = static_cast<std::uint8_t>((weight + n / 2) / n);
      for (int c = 0; c < 3; ++c)
        dst.rgb[o * 3 + c] = weight ? static_cast<std::uint8_t>((sum[c] + weight / 2) / weight) : 0;
    }
  }
  return dst;
}

namespace {

// Interleaved RGBA for encoders that take one buffer.
std::vector<std::uint8_t> interleave_rgba(const Image& image) {
  const std::size_t n = image.alpha.size();
  std::vector<std::uint8_t> rgba(n * 4);
  for (std::size_t i = 0; i < n; ++i) {
    std::memcpy(&rgba[i * 4], &image.rgb[i * 3], 3);
    rgba[i * 4 + 3] = image.alpha[i];
  }
  return rgba;
}

}  // namespace

std::string encode_png(const Image& image) {
  std::string out;
  auto sink = [](void* context, void* data, int size) {
    static_cast<std::string*>(context)->append(static_cast<const char*>(data), size);
  };
  const bool alpha = image.has_alpha();
  const std::vector<std::uint8_t> rgba = alpha ? interleave_rgba(image) : std::vector<std::uint8_t>{};
  const int channels = alpha ? 4 : 3;
  if (!stbi_write_png_to_func(sink, &out, image.width, image.height, channels, alpha ? rgba.data() : image.rgb.data(),
                              image.width * channels))
    throw UserError("cannot encode PNG");
  return out;
}

std::string encode_jpeg(const Image& image, int quality) {
  std::string out;
  auto sink = [](void* context, void* data, int size) {
    static_cast<std::string*>(context)->append(static_cast<const char*>(data), size);
  };
  if (!stbi_write_jpg_to_func(sink, &out, image.width, image.height, 3, image.rgb.data(), quality))
    throw UserError("cannot encode JPEG");
  return out;
}

void write_png(const fs::path& path, const Image& image) {
  const std::string bytes = encode_png(image);
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) throw UserError(path.string() + ": cannot write: " + std::strerror(errno));
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!out) throw UserError(path.string() + ": write failed: " + std::strerror(errno));
}

}  // namespace gloss
