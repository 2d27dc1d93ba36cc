#include "core/jump_number.h"

#include <algorithm>
#include <charconv>

#include "core/number_text.h"

namespace gloss {
namespace {

std::string_view trimmed(std::string_view s) {
  const auto first = s.find_first_not_of(" \t");
  if (first == std::string_view::npos) return {};
  return s.substr(first, s.find_last_not_of(" \t") - first + 1);
}

}  // namespace

JumpTarget parse_jump_number(std::string_view typed, std::uint64_t size) {
  const std::string range = "1 to " + with_thousands(size);
  if (size == 0) return {std::nullopt, "There are no images to go to"};
  const std::string_view text = trimmed(typed);
  if (text.empty()) return {std::nullopt, "Type an image number, " + range};
  const bool digits_only = std::all_of(text.begin(), text.end(), [](char ch) { return ch >= '0' && ch <= '9'; });
  const std::string shown(text.substr(0, 24));
  const std::string quoted = "'" + shown + (text.size() > shown.size() ? "…'" : "'");
  if (!digits_only) return {std::nullopt, quoted + " is not a whole number: type " + range};
  std::uint64_t number = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), number);
  if (ec == std::errc::result_out_of_range || (ec == std::errc() && number > size))
    return {std::nullopt, "There is no image " + quoted.substr(1, quoted.size() - 2) + ": the last is " + with_thousands(size)};
  if (ec != std::errc() || end != text.data() + text.size())
    return {std::nullopt, quoted + " is not a whole number: type " + range};
  if (number == 0) return {std::nullopt, "Images are numbered from 1: type " + range};
  return {number - 1, {}};
}

}  // namespace gloss
