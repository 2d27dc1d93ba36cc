#include "core/hash.h"

#include <xxhash.h>

#include <cstdio>
#include <memory>
#include <new>

namespace gloss {

std::uint64_t content_hash(std::string_view bytes) {
  return XXH3_64bits(bytes.data(), bytes.size());
}

std::uint64_t content_hash(std::string_view first, std::string_view second) {
  std::unique_ptr<XXH3_state_t, XXH_errorcode (*)(XXH3_state_t*)> state(XXH3_createState(), XXH3_freeState);
  if (!state) throw std::bad_alloc();
  XXH3_64bits_reset(state.get());
  XXH3_64bits_update(state.get(), first.data(), first.size());
  XXH3_64bits_update(state.get(), second.data(), second.size());
  return XXH3_64bits_digest(state.get());
}

std::string hash_hex(std::uint64_t hash) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(hash));
  return buf;
}

std::optional<std::uint64_t> parse_hash_hex(std::string_view hex) {
  if (hex.size() != 16) return std::nullopt;
  std::uint64_t value = 0;
  for (char c : hex) {
    int digit;
    if (c >= '0' && c <= '9') digit = c - '0';
    else if (c >= 'a' && c <= 'f') digit = c - 'a' + 10;
    else if (c >= 'A' && c <= 'F') digit = c - 'A' + 10;
    else return std::nullopt;
    value = value << 4 | static_cast<std::uint64_t>(digit);
  }
  return value;
}

std::int32_t input_hash32(std::uint64_t task_hash) {
  return static_cast<std::int32_t>(static_cast<std::uint32_t>(task_hash ^ (task_hash >> 32)));
}

std::int32_t task_hash32(std::uint64_t task_hash, std::string_view orig_caption) {
  const std::uint64_t h = XXH3_64bits_withSeed(orig_caption.data(), orig_caption.size(), task_hash);
  return static_cast<std::int32_t>(static_cast<std::uint32_t>(h ^ (h >> 32)));
}

}  // namespace gloss
