// Durations as people type them on the command line: "90s", "30m", "2h",
// "1h30m", "500ms".
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace gloss {

// Milliseconds; throws UserError naming `text` and what is wrong with it.
std::int64_t parse_duration_ms(std::string_view text);
// 1800000 -> "30m", 90000 -> "1m30s", 500 -> "500ms".
std::string format_duration_ms(std::int64_t ms);

}  // namespace gloss
