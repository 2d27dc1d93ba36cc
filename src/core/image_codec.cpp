// Probing and decoding every format gloss reads, through libvips: one
// library that sniffs content, shrinks on load (JPEG DCT scaling, WebP and
// HEIF scaled decoding, TIFF pyramids), applies EXIF orientation, converts
// embedded ICC profiles (and CMYK) to sRGB and reduces 16-bit properly.
// docs/formats.md says why libvips and what it costs. Which formats are
// accepted is decided by image_format.h from the bytes, before libvips
// sees them: libvips never gets a format gloss did not list.
#include <vips/vips8>

#include <algorithm>
#include <cstring>
#include <mutex>

#include "core/error.h"
#include "core/image.h"

namespace gloss {
namespace {

using vips::VImage;
using vips::VOption;

void ensure_vips() {
  static std::once_flag once;
  static bool ok = false;
  std::call_once(once, [] {
    ok = vips_init("gloss") == 0;
    if (!ok) return;
    vips_cache_set_max(0);  // gloss caches decoded pixels itself; libvips' cache would hold files
    vips_leak_set(FALSE);
    // Warnings ("Premature end of JPEG file") become errors through fail_on
    // or are harmless; printed, they would flood the terminal.
    g_log_set_handler("VIPS", G_LOG_LEVEL_WARNING, [](const gchar*, GLogLevelFlags, const gchar*, gpointer) {},
                      nullptr);
  });
  if (!ok) throw UserError(std::string("cannot start the image library (libvips): ") + vips_error_buffer());
}

std::string last_line(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  const auto nl = text.rfind('\n');
  return nl == std::string::npos ? text : text.substr(nl + 1);
}

bool contains(const std::string& text, const char* part) {
  std::string lower = text;
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  return lower.find(part) != std::string::npos;
}

// True when a file lacks the end marker its format always has (a PNG's
// IEND chunk, a JPEG's EOI): it was cut short.
bool lacks_end_marker(const std::string& bytes, ImageFormat format) {
  const std::string_view tail = std::string_view(bytes).substr(bytes.size() > 4096 ? bytes.size() - 4096 : 0);
  if (format == ImageFormat::png) return tail.find("IEND") == std::string_view::npos;
  if (format == ImageFormat::jpeg) return tail.find("\xFF\xD9") == std::string_view::npos;
  return false;
}

// libvips' message ("VipsJpeg: Premature end of input file\n...") as a
// reason a person can act on, naming the format.
std::string explain(const std::string& vips_message, const std::string& bytes, ImageFormat format) {
  const std::string name = format_name(format);
  const std::string& m = vips_message;
  if (lacks_end_marker(bytes, format) || contains(m, "premature end") || contains(m, "truncated") || contains(m, "unexpected end") ||
      contains(m, "end of file") || contains(m, "not enough data") || contains(m, "out of data") ||
      contains(m, "read error") || contains(m, "eof"))
    return "truncated " + name + " data (the file ends early: an interrupted copy or download?)";
  if (contains(m, "unsupported codec") || contains(m, "no decoder") || contains(m, "unsupported feature"))
    return name + ": no decoder for this codec in this build (" + last_line(m) + ")";
  if (contains(m, "out of memory")) return name + ": out of memory while decoding";
  std::string reason = last_line(m);
  // "VipsForeignLoadJpegBuffer: xxx" / "jpegload_buffer: xxx" -> "xxx"
  if (const auto colon = reason.find(": "); colon != std::string::npos && colon < 40) reason = reason.substr(colon + 2);
  if (reason.empty()) reason = "cannot decode";
  return "damaged " + name + " data (" + reason + ")";
}

[[noreturn]] void fail(const std::string& what, const std::string& reason) {
  vips_error_clear();
  throw UserError(what + ": " + reason);
}

VImage load_header(const std::string& bytes) {
  return VImage::new_from_buffer(bytes.data(), bytes.size(), "",
                                 VImage::option()->set("access", VIPS_ACCESS_SEQUENTIAL));
}

int bits_of(VipsBandFormat format) {
  switch (format) {
    case VIPS_FORMAT_USHORT:
    case VIPS_FORMAT_SHORT: return 16;
    case VIPS_FORMAT_UINT:
    case VIPS_FORMAT_INT:
    case VIPS_FORMAT_FLOAT: return 32;
    case VIPS_FORMAT_DOUBLE: return 64;
    default: return 8;
  }
}

ImageFormat sniff_or_refuse(const std::string& bytes, const std::string& what) {
  if (bytes.empty()) throw UserError(what + ": empty file (0 bytes)");
  const ImageFormat format = sniff_format(std::string_view(bytes).substr(0, 64));
  if (format != ImageFormat::unknown) return format;
  const std::string seems = describe_other_content(std::string_view(bytes).substr(0, 64));
  throw UserError(what + ": not an image gloss can read (" + (seems.empty() ? "unrecognised content" : "it is " + seems) +
                  "; gloss reads " + readable_formats_text() + ")");
}

void check_pixel_count(const ImageInfo& info, const std::string& what) {
  const std::int64_t pixels = static_cast<std::int64_t>(info.width) * info.height;
  if (pixels > kMaxImagePixels)
    throw UserError(what + ": image is " + std::to_string(info.width) + "x" + std::to_string(info.height) + " pixels (" +
                    std::to_string(pixels / 1'000'000) + " MP), over the limit of " +
                    std::to_string(kMaxImagePixels / 1'000'000) + " MP (" + std::to_string(kMaxDecodedBytes >> 20) +
                    " MiB decoded)");
}

// Interleaved 8-bit sRGB (3 bands, or 4 with alpha) -> Image.
Image to_image(VImage im, const ImageInfo& source) {
  if (im.interpretation() != VIPS_INTERPRETATION_sRGB || im.format() != VIPS_FORMAT_UCHAR)
    im = im.colourspace(VIPS_INTERPRETATION_sRGB);
  if (im.format() != VIPS_FORMAT_UCHAR) im = im.cast(VIPS_FORMAT_UCHAR);
  const bool alpha = im.has_alpha() && im.bands() >= 4;
  if (im.bands() > (alpha ? 4 : 3)) {
    VImage colour = im.extract_band(0, VImage::option()->set("n", 3));
    im = alpha ? colour.bandjoin(im.extract_band(im.bands() - 1)) : colour;
  }
  std::size_t size = 0;
  void* raw = im.write_to_memory(&size);
  std::unique_ptr<void, void (*)(void*)> memory(raw, g_free);
  Image image;
  image.width = im.width();
  image.height = im.height();
  image.source = source;
  const std::size_t n = static_cast<std::size_t>(image.width) * image.height;
  const int bands = im.bands();
  if (size != n * bands || (bands != 3 && bands != 4)) throw std::runtime_error("unexpected decoded layout");
  const auto* p = static_cast<const std::uint8_t*>(raw);
  if (bands == 3) {
    image.rgb.assign(p, p + n * 3);
    return image;
  }
  image.rgb.resize(n * 3);
  image.alpha.resize(n);
  bool opaque = true;
  for (std::size_t i = 0; i < n; ++i) {
    std::memcpy(&image.rgb[i * 3], p + i * 4, 3);
    image.alpha[i] = p[i * 4 + 3];
    opaque = opaque && p[i * 4 + 3] == 255;
  }
  if (opaque) image.alpha.clear();  // an alpha channel with nothing transparent costs a quarter more for nothing
  return image;
}

}  // namespace

// The size a PNG's IHDR or a JPEG's SOF marker claims, read by hand: a
// header claiming a huge size whose data is missing fails libvips' header
// read before gloss sees the size, and the message should say what is wrong.
static std::pair<std::int64_t, std::int64_t> claimed_size(const std::string& bytes, ImageFormat format) {
  auto byte = [&](std::size_t at) { return static_cast<std::int64_t>(static_cast<unsigned char>(bytes[at])); };
  if (format == ImageFormat::png && bytes.size() >= 24 && bytes.compare(12, 4, "IHDR") == 0)
    return {byte(16) << 24 | byte(17) << 16 | byte(18) << 8 | byte(19),
            byte(20) << 24 | byte(21) << 16 | byte(22) << 8 | byte(23)};
  if (format != ImageFormat::jpeg) return {0, 0};
  for (std::size_t at = 2; at + 9 < bytes.size();) {
    if (byte(at) != 0xFF) return {0, 0};
    const std::int64_t marker = byte(at + 1);
    const bool sof = marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
    if (sof) return {byte(at + 7) << 8 | byte(at + 8), byte(at + 5) << 8 | byte(at + 6)};
    at += 2 + static_cast<std::size_t>(byte(at + 2) << 8 | byte(at + 3));
  }
  return {0, 0};
}

static void refuse_claimed_size(const std::string& bytes, const std::string& what, ImageFormat format) {
  const auto [w, h] = claimed_size(bytes, format);
  if (w <= 0 || h <= 0 || w > INT32_MAX || h > INT32_MAX) return;
  ImageInfo claimed;
  claimed.width = static_cast<int>(w);
  claimed.height = static_cast<int>(h);
  claimed.format = format;
  check_pixel_count(claimed, what);
}

ImageInfo probe_image(const std::string& bytes, const std::string& what) {
  const ImageFormat format = sniff_or_refuse(bytes, what);
  ensure_vips();
  ImageInfo info;
  info.format = format;
  try {
    VImage header = load_header(bytes);
    info.orientation = std::clamp(vips_image_get_orientation(header.get_image()), 1, 8);
    const bool swap = vips_image_get_orientation_swap(header.get_image());
    info.width = swap ? header.height() : header.width();
    info.height = swap ? header.width() : header.height();
    info.frames = std::max(1, vips_image_get_n_pages(header.get_image()));
    info.alpha = header.has_alpha();
    info.icc = header.get_typeof(VIPS_META_ICC_NAME) != 0;
    info.bits = bits_of(header.format());
  } catch (const vips::VError& e) {
    vips_error_clear();
    refuse_claimed_size(bytes, what, format);
    fail(what, explain(e.what(), bytes, format));
  }
  if (info.width <= 0 || info.height <= 0) fail(what, "image has no pixels");
  check_pixel_count(info, what);
  return info;
}

Image decode_image(const std::string& bytes, const std::string& what, int max_side) {
  const ImageInfo info = probe_image(bytes, what);  // refuses huge headers before allocating
  // libvips does not always fail on a PNG cut short (under load its reader
  // sometimes yields the rows it got), so a PNG without its IEND chunk is
  // refused here. Not so for JPEG: phones append data after the image's end.
  if (info.format == ImageFormat::png && lacks_end_marker(bytes, info.format))
    fail(what, explain("", bytes, info.format));
  const int longest = std::max(info.width, info.height);
  const int target = max_side > 0 ? std::min(max_side, longest) : longest;
  try {
    // thumbnail: shrink-on-load where the format can, then a Lanczos reduce;
    // upright (EXIF orientation); embedded profiles (and CMYK) to sRGB.
    VipsBlob* blob = vips_blob_new(nullptr, bytes.data(), bytes.size());
    std::unique_ptr<VipsBlob, void (*)(VipsBlob*)> hold(blob, [](VipsBlob* b) { vips_area_unref(VIPS_AREA(b)); });
    VOption* options = VImage::option()
                           ->set("height", target)
                           ->set("size", VIPS_SIZE_DOWN)
                           ->set("fail_on", VIPS_FAIL_ON_TRUNCATED)
                           // libvips 8.14's thumbnail passes fail_on to the loader only this way
                           ->set("option_string", "[fail_on=truncated]");
    // Without an export profile libvips keeps an embedded profile's colours.
    if (info.icc) options->set("export_profile", "srgb");
    VImage im = VImage::thumbnail_buffer(blob, target, options);
    return to_image(im, info);
  } catch (const vips::VError& e) {
    fail(what, explain(e.what(), bytes, info.format));
  }
}

// The file's stored (pre-rotation) coordinates of an upright pixel, for
// each EXIF orientation on a stored image of stored_w x stored_h.
static std::pair<int, int> stored_pixel(int orientation, int x, int y, int stored_w, int stored_h) {
  switch (orientation) {
    case 2: return {stored_w - 1 - x, y};
    case 3: return {stored_w - 1 - x, stored_h - 1 - y};
    case 4: return {x, stored_h - 1 - y};
    case 5: return {y, x};
    case 6: return {y, stored_h - 1 - x};
    case 7: return {stored_w - 1 - y, stored_h - 1 - x};
    case 8: return {stored_w - 1 - y, x};
    default: return {x, y};
  }
}

Image decode_image_region(const std::string& bytes, const std::string& what, int left, int top, int width,
                          int height) {
  if (width <= 0 || height <= 0)
    throw UserError(what + ": region " + std::to_string(width) + "x" + std::to_string(height) + " has no pixels");
  if (static_cast<std::int64_t>(width) * height > kMaxImagePixels)
    throw UserError(what + ": region " + std::to_string(width) + "x" + std::to_string(height) + " is over the limit of " +
                    std::to_string(kMaxImagePixels / 1'000'000) + " MP");
  const ImageInfo info = probe_image(bytes, what);
  const int x0 = std::clamp(left, 0, info.width), y0 = std::clamp(top, 0, info.height);
  const int x1 = static_cast<int>(std::clamp<std::int64_t>(std::int64_t{left} + width, 0, info.width));
  const int y1 = static_cast<int>(std::clamp<std::int64_t>(std::int64_t{top} + height, 0, info.height));
  if (x1 <= x0 || y1 <= y0)
    throw UserError(what + ": region at " + std::to_string(left) + "," + std::to_string(top) + " is outside the " +
                    std::to_string(info.width) + "x" + std::to_string(info.height) + " image");
  try {
    // The rectangle is cut in the file's stored orientation and only the cut
    // is rotated, so every orientation streams (access=sequential): libvips
    // decodes rows down to the region's bottom edge and keeps only the
    // region, never the whole image. Rotating first (autorot on the full
    // image) would need random access, i.e. the whole image decoded in memory
    // (or a temporary file above 100 MB) for one rectangle.
    VImage im = VImage::new_from_buffer(bytes.data(), bytes.size(), "",
                                        VImage::option()
                                            ->set("access", VIPS_ACCESS_SEQUENTIAL)
                                            ->set("fail_on", VIPS_FAIL_ON_TRUNCATED));
    const auto [ax, ay] = stored_pixel(info.orientation, x0, y0, im.width(), im.height());
    const auto [bx, by] = stored_pixel(info.orientation, x1 - 1, y1 - 1, im.width(), im.height());
    im = im.extract_area(std::min(ax, bx), std::min(ay, by), std::abs(bx - ax) + 1, std::abs(by - ay) + 1);
    // Rotating reads the cut in columns, out of the file's row order: the cut
    // (only it) is held in memory first.
    if (info.orientation != 1) im = im.copy_memory().autorot();
    if (info.icc) im = im.icc_transform("srgb", VImage::option()->set("embedded", true));
    return to_image(im, info);
  } catch (const vips::VError& e) {
    fail(what, explain(e.what(), bytes, info.format));
  }
}

Image decode_image_file(const std::filesystem::path& path, int max_side) {
  return decode_image(read_file_bytes(path), path.string(), max_side);
}

}  // namespace gloss
