// Sidecar captions, the kohya-ss / taggui convention: the caption of
// photo.png is the text file photo.txt beside it (or photo.caption...).
// This file knows which file belongs to an image and what caption its bytes
// hold; sidecar_scan.h reads them for a whole scan, sidecar_export.h writes
// them.
//
// Reading: UTF-8 only (a BOM is dropped), CRLF and CR read as line ends.
// Each line is trimmed, blank lines dropped, and the rest joined with one
// space: kohya-ss trains on the first line only and taggui writes one line
// of tags, so a caption is one line; joining keeps every word of a
// multi-line file instead of silently dropping all but the first.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace gloss {

// The model id sidecar captions are cached under in the store's suggestion
// cache, and the "model" of an answer whose suggestion was a sidecar.
inline constexpr std::string_view kSidecarSource = "sidecar";

// Captions are short; a "sidecar" larger than this is not one.
inline constexpr std::size_t kMaxSidecarBytes = 1u << 20;

// ".txt" from "txt" or ".txt". Throws UserError for "", "." or a name with
// a path separator in it.
std::string sidecar_extension(std::string_view given);

// photo.png -> photo.txt; `ext` as sidecar_extension returns it.
std::filesystem::path sidecar_path(const std::filesystem::path& image, std::string_view ext);

struct SidecarCaption {
  std::string text;  // one line, trimmed; empty for an empty or blank file
  int lines = 0;     // non-blank lines joined into text
};

// The caption in a sidecar's bytes. Throws UserError starting with `where`
// if the bytes are not UTF-8 (saying at which byte).
SidecarCaption caption_from_sidecar(std::string_view bytes, const std::string& where);

// The sidecar of `image`, or nullopt when there is none. Throws UserError
// naming the sidecar if it cannot be read, is too large or is not UTF-8.
std::optional<SidecarCaption> read_sidecar(const std::filesystem::path& image, std::string_view ext);

// A caption as one line for a sidecar file: line ends become spaces and
// the ends are trimmed.
std::string caption_as_line(std::string_view caption);

}  // namespace gloss
