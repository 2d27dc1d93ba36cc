// Image probing, decoding, resizing and PNG encoding, on Debian's libstb.
#include "core/image.h"

#include <stb_image.h>
#include <stb_image_write.h>
#ifdef GLOSS_HAVE_TURBOJPEG
#include <turbojpeg.h>
#endif

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

namespace {

void check_pixel_count(std::int64_t w, std::int64_t h, const std::string& what) {
  if (w * h > kMaxImagePixels)
    throw UserError(what + ": image is " + std::to_string(w) + "x" + std::to_string(h) +
                    " pixels, over the limit of " + std::to_string(kMaxImagePixels >> 20) +
                    " megapixels");
}

// stb_image refuses oversized PNGs with a generic "unknown image type"; the
// IHDR chunk lets us say what the file claims instead.
void explain_png_refusal(const std::string& bytes, const std::string& what) {
  static const std::string signature("\x89PNG\r\n\x1a\n", 8);
  if (bytes.size() < 24 || bytes.compare(0, 8, signature) != 0 || bytes.compare(12, 4, "IHDR") != 0) return;
  auto be32 = [&](std::size_t at) {
    std::int64_t v = 0;
    for (int i = 0; i < 4; ++i) v = v << 8 | static_cast<unsigned char>(bytes[at + i]);
    return v;
  };
  check_pixel_count(be32(16), be32(20), what);
}

}  // namespace

ImageInfo probe_image(const std::string& bytes, const std::string& what) {
  if (bytes.empty()) throw UserError(what + ": empty file (0 bytes)");
  int w = 0, h = 0, channels = 0;
  const auto* data = reinterpret_cast<const stbi_uc*>(bytes.data());
  if (!stbi_info_from_memory(data, static_cast<int>(bytes.size()), &w, &h, &channels)) {
    const std::string reason = stbi_failure_reason();
    explain_png_refusal(bytes, what);
    throw UserError(what + ": not an image gloss can read (" + reason + ")");
  }
  if (w <= 0 || h <= 0) throw UserError(what + ": image has no pixels");
  check_pixel_count(w, h, what);
  return {w, h};
}

Image decode_image(const std::string& bytes, const std::string& what) {
  probe_image(bytes, what);  // refuses huge headers before allocating
  int w = 0, h = 0, channels = 0;
  stbi_uc* pixels = stbi_load_from_memory(reinterpret_cast<const stbi_uc*>(bytes.data()),
                                          static_cast<int>(bytes.size()), &w, &h, &channels, 3);
  if (!pixels) throw UserError(what + ": cannot decode image (" + stbi_failure_reason() + ")");
  Image image;
  image.width = w;
  image.height = h;
  image.rgb.assign(pixels, pixels + static_cast<std::size_t>(w) * h * 3);
  stbi_image_free(pixels);
  return image;
}

Image decode_image_file(const fs::path& path) {
  return decode_image(read_file_bytes(path), path.string());
}

namespace {

#ifdef GLOSS_HAVE_TURBOJPEG
bool is_jpeg(const std::string& bytes) {
  return bytes.size() >= 3 && static_cast<unsigned char>(bytes[0]) == 0xFF &&
         static_cast<unsigned char>(bytes[1]) == 0xD8 && static_cast<unsigned char>(bytes[2]) == 0xFF;
}

// libjpeg-turbo's scaled decode. Returns false, having thrown nothing, when
// libjpeg-turbo cannot decode the file cleanly (any error or warning, e.g. a
// truncated file): the caller then decodes in full with stb_image, whose
// checks and messages apply. Throws only for a header over the pixel cap.
bool decode_jpeg_scaled(const std::string& bytes, const std::string& what, int max_side, Image& out) {
  struct Handle {
    tjhandle h = tjInitDecompress();
    ~Handle() {
      if (h) tjDestroy(h);
    }
  } handle;
  if (!handle.h) return false;
  const auto* data = reinterpret_cast<const unsigned char*>(bytes.data());
  const auto size = static_cast<unsigned long>(bytes.size());
  int w = 0, h = 0, subsamp = 0, colorspace = 0;
  if (tjDecompressHeader3(handle.h, data, size, &w, &h, &subsamp, &colorspace) != 0) return false;
  if (w <= 0 || h <= 0) return false;
  check_pixel_count(w, h, what);  // the size the file claims, as decode_image checks it
  if (colorspace == TJCS_CMYK || colorspace == TJCS_YCCK) return false;
  int n = 0;
  const tjscalingfactor* factors = tjGetScalingFactors(&n);
  if (!factors) return false;
  // The smallest scale whose longest side is still >= max_side (never up).
  const int longest = std::max(w, h);
  tjscalingfactor best{1, 1};
  int best_side = longest;
  for (int i = 0; i < n; ++i) {
    const int side = TJSCALED(longest, factors[i]);
    if (side >= max_side && side < best_side) {
      best = factors[i];
      best_side = side;
    }
  }
  Image image;
  image.width = TJSCALED(w, best);
  image.height = TJSCALED(h, best);
  image.rgb.resize(static_cast<std::size_t>(image.width) * image.height * 3);
  if (tjDecompress2(handle.h, data, size, image.rgb.data(), image.width, image.width * 3, image.height,
                    TJPF_RGB, TJFLAG_STOPONWARNING | TJFLAG_LIMITSCANS) != 0)
    return false;
  out = std::move(image);
  return true;
}
#endif

}  // namespace

bool scaled_jpeg_decode_available() {
#ifdef GLOSS_HAVE_TURBOJPEG
  return true;
#else
  return false;
#endif
}

Image decode_image_for_side(const std::string& bytes, const std::string& what, int max_side) {
#ifdef GLOSS_HAVE_TURBOJPEG
  if (max_side > 0 && is_jpeg(bytes)) {
    Image image;
    if (decode_jpeg_scaled(bytes, what, max_side, image)) return image;
  }
#else
  (void)max_side;
#endif
  return decode_image(bytes, what);
}

Image decode_image_file_for_side(const fs::path& path, int max_side) {
  return decode_image_for_side(read_file_bytes(path), path.string(), max_side);
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
  dst.rgb.resize(static_cast<std::size_t>(w) * h * 3);
  // Box filter: each destination pixel averages the source pixels it covers.
  for (int y = 0; y < h; ++y) {
    const int y0 = static_cast<int>(static_cast<std::int64_t>(y) * src.height / h);
    const int y1 = std::max(y0 + 1, static_cast<int>(static_cast<std::int64_t>(y + 1) * src.height / h));
    for (int x = 0; x < w; ++x) {
      const int x0 = static_cast<int>(static_cast<std::int64_t>(x) * src.width / w);
      const int x1 = std::max(x0 + 1, static_cast<int>(static_cast<std::int64_t>(x + 1) * src.width / w));
      std::uint32_t sum[3] = {0, 0, 0};
      for (int yy = y0; yy < y1; ++yy)
        for (int xx = x0; xx < x1; ++xx)
          for (int c = 0; c < 3; ++c)
            sum[c] += src.rgb[(static_cast<std::size_t>(yy) * src.width + xx) * 3 + c];
      const std::uint32_t n = static_cast<std::uint32_t>((y1 - y0) * (x1 - x0));
      for (int c = 0; c < 3; ++c)
        dst.rgb[(static_cast<std::size_t>(y) * w + x) * 3 + c] = static_cast<std::uint8_t>((sum[c] + n / 2) / n);
    }
  }
  return dst;
}

std::string encode_png(const Image& image) {
  std::string out;
  auto sink = [](void* context, void* data, int size) {
    static_cast<std::string*>(context)->append(static_cast<const char*>(data), size);
  };
  if (!stbi_write_png_to_func(sink, &out, image.width, image.height, 3, image.rgb.data(),
                              image.width * 3))
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
