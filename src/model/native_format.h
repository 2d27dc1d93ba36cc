// The native gloss model file container. No torch here: the weights are an
// opaque blob (a torch::serialize archive) that src/model/*.cpp fill and read.
//
// Layout (integers little-endian):
//   8 bytes  magic "GLOSSCAP"
//   u32      format version (kNativeFormatVersion)
//   u32      reserved, 0
//   u64      json length J        (<= 64 MiB)
//   J bytes  UTF-8 JSON: {"kind":"gloss-captioner", "arch":{..}, "preprocess":{..},
//            "vocab":[..], "training":{..}}
//   u64      weights length W
//   W bytes  weights (torch::serialize::OutputArchive, a zip)
//   u64      XXH3-64 of the JSON bytes followed by the weight bytes
// Nothing may follow.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

namespace gloss {

inline constexpr char kNativeMagic[8] = {'G', 'L', 'O', 'S', 'S', 'C', 'A', 'P'};
inline constexpr std::uint32_t kNativeFormatVersion = 1;

struct NativeModelFile {
  nlohmann::json meta;
  std::string weights;
};

// True if `bytes` starts with the native magic.
bool has_native_magic(const std::string& bytes);

// Names what a file that is not a native model looks like ("a PNG image",
// "a zip archive (TorchScript?)", "a JPEG image", "empty", "unknown data").
std::string sniff_file_kind(const std::string& bytes);

// Serialises / parses the container. Parsing throws UserError whose message
// starts with `what` (normally the file name): wrong magic, newer version,
// truncated or oversized sections, bad checksum, malformed JSON.
std::string encode_native_model(const NativeModelFile& file);
NativeModelFile decode_native_model(const std::string& bytes, const std::string& what);
// The same checks (same errors) without copying the weights out.
void check_native_model(const std::string& bytes, const std::string& what);

// Reads and parses a file (UserError if missing, unreadable or invalid).
NativeModelFile read_native_model_file(const std::filesystem::path& path);
// Writes `bytes` to path + ".tmp", then renames it over `path`.
void write_file_atomic(const std::filesystem::path& path, const std::string& bytes);

}  // namespace gloss
