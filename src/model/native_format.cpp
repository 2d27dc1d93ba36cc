#include "model/native_format.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <system_error>

#include "core/error.h"
#include "core/hash.h"
#include "core/image.h"

namespace gloss {
namespace fs = std::filesystem;
namespace {

constexpr std::uint64_t kMaxJsonBytes = 64ULL << 20;
constexpr std::int64_t kMaxModelFileBytes = 4LL << 30;

void put_u32(std::string& out, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}
void put_u64(std::string& out, std::uint64_t v) {
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

// Bounds-checked little-endian reader over the file bytes.
class Reader {
 public:
  Reader(const std::string& bytes, const std::string& what) : bytes_(bytes), what_(what) {}
  std::uint64_t u(int n, const char* field) {
    need(static_cast<std::uint64_t>(n), field);
    std::uint64_t v = 0;
    for (int i = 0; i < n; ++i)
      v |= static_cast<std::uint64_t>(static_cast<unsigned char>(bytes_[pos_ + i])) << (8 * i);
    pos_ += n;
    return v;
  }
  std::string_view bytes(std::uint64_t n, const char* field) {
    need(n, field);
    const std::string_view out = std::string_view(bytes_).substr(pos_, n);
    pos_ += n;
    return out;
  }
  std::size_t left() const { return bytes_.size() - pos_; }

 private:
  void need(std::uint64_t n, const char* field) const {
    if (n > left())
      throw UserError(what_ + ": truncated gloss model (the " + field + " needs " +
                      std::to_string(n) + " bytes, only " + std::to_string(left()) +
                      " left); the file is incomplete or damaged");
  }
  const std::string& bytes_;
  const std::string& what_;
  std::size_t pos_ = 8;
};

bool starts_with(const std::string& bytes, const char* prefix, std::size_t n) {
  return bytes.size() >= n && std::memcmp(bytes.data(), prefix, n) == 0;
}

}  // namespace

bool has_native_magic(const std::string& bytes) {
  return starts_with(bytes, kNativeMagic, sizeof kNativeMagic);
}

std::string sniff_file_kind(const std::string& bytes) {
  if (bytes.empty()) return "an empty file";
  if (starts_with(bytes, "\x89PNG", 4)) return "a PNG image";
  if (starts_with(bytes, "\xff\xd8\xff", 3)) return "a JPEG image";
  if (starts_with(bytes, "GIF8", 4)) return "a GIF image";
  if (starts_with(bytes, "PK\x03\x04", 4)) return "a zip archive (TorchScript or torch.save)";
  if (starts_with(bytes, "\x80", 1)) return "a Python pickle (a torch checkpoint?)";
  if (starts_with(bytes, "{", 1) || starts_with(bytes, "[", 1)) return "JSON text";
  if (starts_with(bytes, "GLOSS", 5)) return "a different gloss file";
  return "unknown data";
}

std::string encode_native_model(const NativeModelFile& file) {
  const std::string json = file.meta.dump();
  std::string out(kNativeMagic, sizeof kNativeMagic);
  put_u32(out, kNativeFormatVersion);
  put_u32(out, 0);
  put_u64(out, json.size());
  out += json;
  put_u64(out, file.weights.size());
  out += file.weights;
  put_u64(out, content_hash(json, file.weights));
  return out;
}

namespace {

// The checks of decode_native_model, with the sections as views into `bytes`.
struct ParsedModel {
  nlohmann::json meta;
  std::string_view weights;
};

ParsedModel parse_native_model(const std::string& bytes, const std::string& what) {
  if (!has_native_magic(bytes)) {
    if (bytes.size() < sizeof kNativeMagic &&
        std::memcmp(bytes.data(), kNativeMagic, bytes.size()) == 0 && !bytes.empty())
      throw UserError(what + ": truncated gloss model (" + std::to_string(bytes.size()) +
                      " bytes, shorter than its header)");
    throw UserError(what + ": not a gloss model file (it is " + sniff_file_kind(bytes) + ")");
  }
  Reader in(bytes, what);
  const auto version = static_cast<std::uint32_t>(in.u(4, "format version"));
  if (version == 0 || version > kNativeFormatVersion)
    throw UserError(what + ": gloss model format version " + std::to_string(version) +
                    " is not supported (this gloss reads version " +
                    std::to_string(kNativeFormatVersion) +
                    (version > kNativeFormatVersion ? "; the model was written by a newer gloss)"
                                                    : ")"));
  in.u(4, "header");
  const std::uint64_t json_len = in.u(8, "metadata length");
  if (json_len > kMaxJsonBytes)
    throw UserError(what + ": damaged gloss model (metadata length " + std::to_string(json_len) +
                    " is implausible)");
  const std::string_view json = in.bytes(json_len, "metadata");
  const std::uint64_t weights_len = in.u(8, "weights length");
  ParsedModel file;
  file.weights = in.bytes(weights_len, "weights");
  const std::uint64_t checksum = in.u(8, "checksum");
  if (in.left() != 0)
    throw UserError(what + ": damaged gloss model (" + std::to_string(in.left()) +
                    " unexpected bytes after the end)");
  if (checksum != content_hash(json, file.weights))
    throw UserError(what + ": damaged gloss model (checksum mismatch)");
  try {
    file.meta = nlohmann::json::parse(json);
  } catch (const nlohmann::json::exception& e) {
    throw UserError(what + ": damaged gloss model (metadata is not valid JSON: " + e.what() + ")");
  }
  // value() with a json default: a "kind" of another type is a mismatch, not a type_error.
  if (!file.meta.is_object() || file.meta.value("kind", nlohmann::json()) != "gloss-captioner")
    throw UserError(what + ": gloss model metadata does not describe a captioner");
  return file;
}

}  // namespace

NativeModelFile decode_native_model(const std::string& bytes, const std::string& what) {
  ParsedModel parsed = parse_native_model(bytes, what);
  NativeModelFile file;
  file.meta = std::move(parsed.meta);
  file.weights = std::string(parsed.weights);
  return file;
}

void check_native_model(const std::string& bytes, const std::string& what) { parse_native_model(bytes, what); }

NativeModelFile read_native_model_file(const fs::path& path) {
  return decode_native_model(read_file_bytes(path, kMaxModelFileBytes), path.string());
}

void write_file_atomic(const fs::path& path, const std::string& bytes) {
  fs::path tmp = path;
  tmp += ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) throw UserError(tmp.string() + ": cannot write: " + std::strerror(errno));
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    out.flush();
    if (!out) throw UserError(tmp.string() + ": write failed: " + std::strerror(errno));
  }
  std::error_code ec;
  fs::rename(tmp, path, ec);
  if (ec) throw UserError(path.string() + ": cannot replace with " + tmp.string() + ": " + ec.message());
}

}  // namespace gloss
