// What the text typed in the jump dialog (Ctrl+G) means: an image position, or
// a message saying why it is not one. Any text is one or the other; nothing throws.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace gloss {

struct JumpTarget {
  std::optional<std::uint64_t> position;  // 0-based, when the text names an image
  std::string problem;                    // otherwise, a sentence for the dialog
};

// `typed` is the 1-based image number as typed; `size` the number of images.
JumpTarget parse_jump_number(std::string_view typed, std::uint64_t size);

}  // namespace gloss
