#include "core/base64.h"

#include <array>
#include <cctype>

namespace gloss {

namespace {
constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

constexpr std::array<int, 256> make_reverse() {
  std::array<int, 256> r{};
  for (auto& v : r) v = -1;
  for (int i = 0; i < 64; ++i) r[static_cast<unsigned char>(kAlphabet[i])] = i;
  return r;
}
constexpr auto kReverse = make_reverse();
}  // namespace

std::string base64_encode(std::string_view bytes) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    const unsigned v = static_cast<unsigned char>(bytes[i]) << 16 | static_cast<unsigned char>(bytes[i + 1]) << 8 |
                       static_cast<unsigned char>(bytes[i + 2]);
    for (int s = 18; s >= 0; s -= 6) out.push_back(kAlphabet[(v >> s) & 63]);
  }
  if (const std::size_t rest = bytes.size() - i) {
    unsigned v = static_cast<unsigned char>(bytes[i]) << 16;
    if (rest == 2) v |= static_cast<unsigned char>(bytes[i + 1]) << 8;
    out.push_back(kAlphabet[(v >> 18) & 63]);
    out.push_back(kAlphabet[(v >> 12) & 63]);
    out.push_back(rest == 2 ? kAlphabet[(v >> 6) & 63] : '=');
    out.push_back('=');
  }
  return out;
}

std::optional<std::string> base64_decode(std::string_view text) {
  std::string out;
  out.reserve(text.size() / 4 * 3);
  unsigned buffer = 0;
  int bits = 0, padding = 0;
  for (const char c : text) {
    if (std::isspace(static_cast<unsigned char>(c))) continue;
    if (c == '=') { ++padding; continue; }
    const int v = kReverse[static_cast<unsigned char>(c)];
    if (v < 0 || padding) return std::nullopt;  // bad character, or data after padding
    buffer = buffer << 6 | static_cast<unsigned>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((buffer >> bits) & 0xff));
    }
  }
  if (padding > 2 || bits >= 6) return std::nullopt;
  return out;
}

std::optional<DataUri> parse_data_uri(std::string_view uri) {
  if (uri.substr(0, 5) != "data:") return std::nullopt;
  const auto comma = uri.find(',');
  if (comma == std::string_view::npos) return std::nullopt;
  const std::string_view header = uri.substr(5, comma - 5);
  const auto marker = header.rfind(";base64");
  if (marker == std::string_view::npos || marker + 7 != header.size()) return std::nullopt;
  std::string_view mime = header.substr(0, marker);
  if (const auto semi = mime.find(';'); semi != std::string_view::npos) mime = mime.substr(0, semi);
  return DataUri{std::string(mime), uri.substr(comma + 1)};
}

std::string mime_for_extension(std::string_view ext) {
  std::string e;
  for (char c : ext) e.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  if (e == ".png") return "image/png";
  if (e == ".jpg" || e == ".jpeg") return "image/jpeg";
  if (e == ".gif") return "image/gif";
  if (e == ".bmp") return "image/bmp";
  if (e == ".tga") return "image/x-tga";
  return "application/octet-stream";
}

std::string extension_for_mime(std::string_view mime) {
  if (mime == "image/png") return ".png";
  if (mime == "image/jpeg" || mime == "image/jpg") return ".jpg";
  if (mime == "image/gif") return ".gif";
  if (mime == "image/bmp") return ".bmp";
  return ".img";
}

}  // namespace gloss
