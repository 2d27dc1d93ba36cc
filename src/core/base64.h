// Base64 (RFC 4648) for the data URIs Prodigy embeds images as. Written here
// rather than pulled in: it is 40 lines, and Debian's candidates (OpenSSL's
// EVP, glib) would add a large dependency to the core for it.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace gloss {

std::string base64_encode(std::string_view bytes);
// nullopt if the text is not valid base64 (whitespace is skipped).
std::optional<std::string> base64_decode(std::string_view text);

// "data:image/png;base64,...." -> mime type and payload; nullopt if `uri` is
// not a base64 data URI.
struct DataUri {
  std::string mime;
  std::string_view payload;
};
std::optional<DataUri> parse_data_uri(std::string_view uri);

// image/png for ".png" etc.; application/octet-stream when unknown.
std::string mime_for_extension(std::string_view extension);
std::string extension_for_mime(std::string_view mime);

}  // namespace gloss
