#include "core/image_format.h"

#include <algorithm>
#include <array>
#include <cctype>

namespace gloss {
namespace {

bool starts_with(std::string_view s, std::string_view prefix, std::size_t at = 0) {
  return s.size() >= at + prefix.size() && s.compare(at, prefix.size(), prefix) == 0;
}

// ISO base media files (HEIF, AVIF) start with an 'ftyp' box whose major and
// compatible brands say what they hold.
ImageFormat sniff_iso_media(std::string_view head) {
  if (!starts_with(head, "ftyp", 4) || head.size() < 12) return ImageFormat::unknown;
  const auto box = static_cast<std::size_t>(static_cast<unsigned char>(head[0])) << 24 |
                   static_cast<std::size_t>(static_cast<unsigned char>(head[1])) << 16 |
                   static_cast<std::size_t>(static_cast<unsigned char>(head[2])) << 8 |
                   static_cast<unsigned char>(head[3]);
  const std::size_t end = std::min(head.size(), std::max<std::size_t>(box, 16));
  bool heif = false;
  for (std::size_t at = 8; at + 4 <= end; at += 4) {
    if (at == 12) continue;  // the minor version, not a brand
    const std::string_view brand = head.substr(at, 4);
    if (brand == "avif" || brand == "avis") return ImageFormat::avif;
    if (brand == "heic" || brand == "heix" || brand == "hevc" || brand == "hevx" || brand == "heim" ||
        brand == "heis" || brand == "mif1" || brand == "msf1")
      heif = true;
  }
  return heif ? ImageFormat::heif : ImageFormat::unknown;
}

bool is_pnm(std::string_view head) {
  return head.size() >= 3 && head[0] == 'P' && head[1] >= '1' && head[1] <= '6' &&
         std::isspace(static_cast<unsigned char>(head[2]));
}

}  // namespace

ImageFormat sniff_format(std::string_view head) {
  if (starts_with(head, "\xFF\xD8\xFF")) return ImageFormat::jpeg;
  if (starts_with(head, "\x89PNG\r\n\x1A\n")) return ImageFormat::png;
  if (starts_with(head, "RIFF") && starts_with(head, "WEBP", 8)) return ImageFormat::webp;
  if (starts_with(head, "GIF87a") || starts_with(head, "GIF89a")) return ImageFormat::gif;
  if (starts_with(head, std::string_view("II*\0", 4)) || starts_with(head, std::string_view("MM\0*", 4)) ||
      starts_with(head, std::string_view("II+\0", 4)) || starts_with(head, std::string_view("MM\0+", 4)))
    return ImageFormat::tiff;
  if (starts_with(head, "\xFF\x0A") ||
      starts_with(head, std::string_view("\0\0\0\x0CJXL \x0D\x0A\x87\x0A", 12)))
    return ImageFormat::jxl;
  if (const auto iso = sniff_iso_media(head); iso != ImageFormat::unknown) return iso;
  if (starts_with(head, "BM") && head.size() >= 18) return ImageFormat::bmp;
  if (is_pnm(head)) return ImageFormat::pnm;
  return ImageFormat::unknown;
}

const char* format_name(ImageFormat format) {
  switch (format) {
    case ImageFormat::jpeg: return "JPEG";
    case ImageFormat::png: return "PNG";
    case ImageFormat::webp: return "WebP";
    case ImageFormat::gif: return "GIF";
    case ImageFormat::tiff: return "TIFF";
    case ImageFormat::heif: return "HEIF";
    case ImageFormat::avif: return "AVIF";
    case ImageFormat::jxl: return "JPEG XL";
    case ImageFormat::bmp: return "BMP";
    case ImageFormat::pnm: return "PNM";
    case ImageFormat::unknown: break;
  }
  return "unknown";
}

const std::string& readable_formats_text() {
  static const std::string text = "JPEG, PNG, WebP, GIF, TIFF, HEIF/HEIC, AVIF, JPEG XL, BMP and PNM";
  return text;
}

std::string describe_other_content(std::string_view head) {
  if (starts_with(head, "%PDF")) return "a PDF document";
  if (starts_with(head, "PK\x03\x04")) return "a ZIP archive";
  if (starts_with(head, "\x1F\x8B")) return "a gzip archive";
  if (starts_with(head, "<svg") || starts_with(head, "<?xml")) return "XML or SVG text";
  if (starts_with(head, "8BPS")) return "a Photoshop document";
  if (starts_with(head, std::string_view("\0\0\1\0", 4))) return "a Windows icon";
  if (starts_with(head, "ftyp", 4)) return "an ISO media file (video?)";
  const bool text = !head.empty() && std::all_of(head.begin(), head.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return u >= 0x20 || c == '\n' || c == '\r' || c == '\t';
  });
  return text ? "text" : "";
}

bool has_image_extension(std::string_view filename) {
  const auto dot = filename.rfind('.');
  if (dot == std::string_view::npos) return false;
  std::string ext(filename.substr(dot + 1));
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
  static constexpr std::array<std::string_view, 22> known = {
      "jpg", "jpeg", "jpe", "jfif", "png",  "webp", "gif", "tif", "tiff", "heic", "heif",
      "hif", "avif", "jxl", "bmp",  "dib",  "pnm",  "ppm", "pgm", "pbm",  "apng", "jfi"};
  return std::find(known.begin(), known.end(), ext) != known.end();
}

}  // namespace gloss
