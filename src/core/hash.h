// 64-bit content hashes (XXH3) that identify tasks and models.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace gloss {

std::uint64_t content_hash(std::string_view bytes);
// The hash of the parts one after the other, as content_hash of their
// concatenation, without making it.
std::uint64_t content_hash(std::string_view first, std::string_view second);
// 16 lower-case hex digits.
std::string hash_hex(std::uint64_t hash);
std::optional<std::uint64_t> parse_hash_hex(std::string_view hex);

// Prodigy-style signed 32-bit hashes, for _input_hash/_task_hash of records
// gloss creates itself (imported ones are kept as they came).
std::int32_t input_hash32(std::uint64_t task_hash);
std::int32_t task_hash32(std::uint64_t task_hash, std::string_view orig_caption);

}  // namespace gloss
