// Numbers as people read them in messages and views.
#pragma once

#include <cstdint>
#include <string>

namespace gloss {

// 1234567 -> "1,234,567".
inline std::string with_thousands(std::uint64_t n) {
  const std::string digits = std::to_string(n);
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

}  // namespace gloss
