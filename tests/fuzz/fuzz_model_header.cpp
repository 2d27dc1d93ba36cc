// libFuzzer target: the checks the model loader makes before torch sees a
// byte: the GLOSSCAP container (magic, version, section lengths, trailing
// bytes, XXH3 checksum, JSON metadata, "kind") and the vocabulary.
//
// Every input is tried three ways, so the corpus holds plain model files:
//   1. as a model file, as it is;
//   2. as a model file with its checksum recomputed (when the section lengths
//      fit), so mutations get past the checksum into the metadata;
//   3. as the metadata JSON of an otherwise valid container.
// A UserError naming the file is the correct answer to a bad file; anything
// else (another exception, a sanitizer report) is a finding.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/hash.h"
#include "fuzz_util.h"
#include "model/native_format.h"
#include "model/vocab.h"

namespace {

using gloss::fuzz::fail;
using nlohmann::json;

const std::string kWhat = "fuzz.gloss";

std::uint64_t get_u64(const std::string& b, std::size_t at) {
  std::uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v |= static_cast<std::uint64_t>(static_cast<unsigned char>(b[at + i])) << (8 * i);
  return v;
}
void set_u64(std::string& b, std::size_t at, std::uint64_t v) {
  for (int i = 0; i < 8; ++i) b[at + i] = static_cast<char>((v >> (8 * i)) & 0xff);
}

void decode(const std::string& bytes) {
  try {
    gloss::NativeModelFile file = gloss::decode_native_model(bytes, kWhat);
    if (!file.meta.is_object()) fail("accepted metadata that is not an object");
    // The vocabulary check NativeModel::from_bytes makes next.
    std::vector<std::string> words;
    try {
      words = file.meta.at("vocab").get<std::vector<std::string>>();
    } catch (const json::exception&) {
      return;  // from_bytes reports this as damaged metadata
    }
    gloss::Vocab::from_words(std::move(words), kWhat);
  } catch (const gloss::UserError& e) {
    if (std::strncmp(e.what(), kWhat.c_str(), kWhat.size()) != 0)
      fail(std::string("error does not name the file: ") + e.what());
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string bytes(reinterpret_cast<const char*>(data), size);
  decode(bytes);

  // magic(8) version(4) reserved(4) J(8) json(J) W(8) weights(W) checksum(8)
  if (size >= 24 && gloss::has_native_magic(bytes)) {
    const std::uint64_t json_len = get_u64(bytes, 16);
    if (json_len <= size - 24 && size - 24 - json_len >= 8) {
      const std::uint64_t weights_len = get_u64(bytes, 24 + json_len);
      const std::size_t rest = size - 32 - json_len;
      if (weights_len <= rest && rest - weights_len >= 8) {
        std::string fixed = bytes;
        set_u64(fixed, 32 + json_len + weights_len,
                gloss::content_hash(bytes.substr(24, json_len) + bytes.substr(32 + json_len, weights_len)));
        decode(fixed);
      }
    }
  } else {
    std::string wrapped(gloss::kNativeMagic, sizeof gloss::kNativeMagic);
    wrapped += std::string("\x01\0\0\0\0\0\0\0", 8);
    wrapped += std::string(8, '\0');
    set_u64(wrapped, 16, size);
    wrapped += bytes;
    wrapped += std::string(8, '\0');  // no weights
    wrapped += std::string(8, '\0');
    set_u64(wrapped, wrapped.size() - 8, gloss::content_hash(bytes));
    decode(wrapped);
  }
  return 0;
}
