#include "core/duration.h"

#include <cctype>
#include <limits>

#include "core/error.h"

namespace gloss {

namespace {
std::int64_t unit_ms(std::string_view unit) {
  if (unit == "ms") return 1;
  if (unit == "s") return 1000;
  if (unit == "m") return 60 * 1000;
  if (unit == "h") return 60 * 60 * 1000;
  if (unit == "d") return 24 * 60 * 60 * 1000;
  return 0;
}
}  // namespace

std::int64_t parse_duration_ms(std::string_view text) {
  auto bad = [&](const std::string& why) {
    return UserError("'" + std::string(text) + "' is not a duration: " + why +
                     " (write it like 90s, 30m, 2h or 1h30m)");
  };
  if (text.empty()) throw bad("it is empty");
  std::int64_t total = 0;
  std::size_t i = 0;
  while (i < text.size()) {
    std::int64_t number = 0;
    const std::size_t digits = i;
    for (; i < text.size() && std::isdigit(static_cast<unsigned char>(text[i])); ++i) {
      if (number > (std::numeric_limits<std::int64_t>::max() - 9) / 10) throw bad("it is too long");
      number = number * 10 + (text[i] - '0');
    }
    if (i == digits) throw bad("expected a number at '" + std::string(text.substr(i)) + "'");
    const std::size_t unit_start = i;
    for (; i < text.size() && std::isalpha(static_cast<unsigned char>(text[i])); ++i) {}
    const std::string_view unit = text.substr(unit_start, i - unit_start);
    if (unit.empty()) throw bad("the number " + std::to_string(number) + " has no unit");
    const std::int64_t ms = unit_ms(unit);
    if (ms == 0) throw bad("unknown unit '" + std::string(unit) + "'");
    if (number > (std::numeric_limits<std::int64_t>::max() - total) / ms) throw bad("it is too long");
    total += number * ms;
  }
  return total;
}

std::string format_duration_ms(std::int64_t ms) {
  if (ms % 1000 != 0) return std::to_string(ms) + "ms";
  std::int64_t s = ms / 1000;
  std::string out;
  for (const auto& [unit, size] : {std::pair{"d", 86400}, {"h", 3600}, {"m", 60}, {"s", 1}}) {
    if (s >= size) {
      out += std::to_string(s / size) + unit;
      s %= size;
    }
  }
  return out.empty() ? "0s" : out;
}

}  // namespace gloss
