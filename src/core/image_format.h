// Which image format a file holds, decided from its first bytes (magic
// numbers), never from its name. The one list of the formats gloss reads:
// the scan, the decoder and every error message take it from here.
#pragma once

#include <string>
#include <string_view>

namespace gloss {

enum class ImageFormat { unknown, jpeg, png, webp, gif, tiff, heif, avif, jxl, bmp, pnm };

// The format of an encoded image from its first bytes (32 are enough).
ImageFormat sniff_format(std::string_view head);

// "JPEG", "PNG", "WebP", "GIF", "TIFF", "HEIF", "AVIF", "JPEG XL", "BMP",
// "PNM"; "unknown".
const char* format_name(ImageFormat format);

// "JPEG, PNG, WebP, GIF, TIFF, HEIF/HEIC, AVIF, JPEG XL, BMP and PNM": for
// messages about files gloss cannot read.
const std::string& readable_formats_text();

// What a file that is not a readable image seems to be, from its first bytes:
// "a PDF document", "a ZIP archive", "text", ... or "" when it is not clear.
std::string describe_other_content(std::string_view head);

// True for names that usually hold an image (.jpg, .jfif, .png, .webp, .heic
// ...). Only used to decide whether a file that turns out not to be an image
// deserves a warning; the format itself always comes from the content.
bool has_image_extension(std::string_view filename);

}  // namespace gloss
