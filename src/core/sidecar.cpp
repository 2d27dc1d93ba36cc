#include "core/sidecar.h"

#include <cstdio>
#include <fstream>
#include <vector>

#include "core/error.h"

namespace gloss {
namespace fs = std::filesystem;

namespace {

// Offset of the first byte that is not part of well-formed UTF-8 (no
// overlong forms, no surrogates, nothing above U+10FFFF); npos if none.
std::size_t first_invalid_utf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    std::size_t len = 0;
    unsigned char lo = 0x80, hi = 0xBF;  // allowed range of the second byte
    if (c < 0x80) { ++i; continue; }
    if (c >= 0xC2 && c <= 0xDF) len = 2;
    else if (c >= 0xE0 && c <= 0xEF) { len = 3; if (c == 0xE0) lo = 0xA0; if (c == 0xED) hi = 0x9F; }
    else if (c >= 0xF0 && c <= 0xF4) { len = 4; if (c == 0xF0) lo = 0x90; if (c == 0xF4) hi = 0x8F; }
    else return i;
    if (i + len > s.size()) return i;
    for (std::size_t k = 1; k < len; ++k) {
      const auto b = static_cast<unsigned char>(s[i + k]);
      if (b < (k == 1 ? lo : 0x80) || b > (k == 1 ? hi : 0xBF)) return i;
    }
    i += len;
  }
  return std::string_view::npos;
}

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\v' || c == '\f'; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

// Non-blank lines, trimmed; \r\n, \r and \n all end a line.
std::vector<std::string_view> trimmed_lines(std::string_view text) {
  std::vector<std::string_view> lines;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= text.size(); ++i) {
    if (i < text.size() && text[i] != '\n' && text[i] != '\r') continue;
    const std::string_view line = trim(text.substr(start, i - start));
    if (!line.empty()) lines.push_back(line);
    if (i + 1 < text.size() && text[i] == '\r' && text[i + 1] == '\n') ++i;
    start = i + 1;
  }
  return lines;
}

std::string not_utf8_reason(std::string_view bytes, std::size_t at) {
  if (bytes.size() >= 2 && ((bytes[0] == '\xFF' && bytes[1] == '\xFE') || (bytes[0] == '\xFE' && bytes[1] == '\xFF')))
    return "is UTF-16 text; gloss reads sidecar captions as UTF-8 (save it as UTF-8)";
  char byte[8];
  std::snprintf(byte, sizeof byte, "0x%02X", static_cast<unsigned char>(bytes[at]));
  return "not UTF-8 text (byte " + std::string(byte) + " at offset " + std::to_string(at) +
         "); save it as UTF-8";
}

}  // namespace

std::string sidecar_extension(std::string_view given) {
  std::string ext(given);
  if (!ext.empty() && ext.front() != '.') ext.insert(ext.begin(), '.');
  if (ext.size() < 2 || ext.find('/') != std::string::npos || ext.find('\0') != std::string::npos)
    throw UserError("--sidecar-ext '" + std::string(given) + "': give an extension such as .txt or caption");
  return ext;
}

fs::path sidecar_path(const fs::path& image, std::string_view ext) {
  fs::path p = image;
  p.replace_extension(std::string(ext));
  return p;
}

SidecarCaption caption_from_sidecar(std::string_view bytes, const std::string& where) {
  if (bytes.substr(0, 3) == "\xEF\xBB\xBF") bytes.remove_prefix(3);
  if (const std::size_t bad = first_invalid_utf8(bytes); bad != std::string_view::npos)
    throw UserError(where + ": " + not_utf8_reason(bytes, bad));
  SidecarCaption caption;
  for (const std::string_view line : trimmed_lines(bytes)) {
    if (caption.lines++) caption.text += ' ';
    caption.text += line;
  }
  return caption;
}

std::optional<SidecarCaption> read_sidecar(const fs::path& image, std::string_view ext) {
  const fs::path path = sidecar_path(image, ext);
  std::error_code ec;
  const auto status = fs::status(path, ec);
  if (!fs::exists(status)) return std::nullopt;
  if (!fs::is_regular_file(status)) throw UserError(path.string() + ": sidecar caption is not a regular file");
  const auto size = fs::file_size(path, ec);
  if (ec) throw UserError(path.string() + ": cannot read sidecar caption: " + ec.message());
  if (size > kMaxSidecarBytes)
    throw UserError(path.string() + ": " + std::to_string(size) + " bytes is too large for a sidecar caption");
  std::ifstream in(path, std::ios::binary);
  std::string bytes(size, '\0');
  if (!in || !in.read(bytes.data(), static_cast<std::streamsize>(size)))
    throw UserError(path.string() + ": cannot read sidecar caption");
  return caption_from_sidecar(bytes, path.string());
}

std::string caption_as_line(std::string_view caption) {
  std::string line;
  for (const std::string_view part : trimmed_lines(caption)) {
    if (!line.empty()) line += ' ';
    line += part;
  }
  return line;
}

}  // namespace gloss
