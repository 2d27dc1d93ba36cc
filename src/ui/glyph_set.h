// The characters the font atlas must hold: fixed base ranges (Latin, Greek,
// Cyrillic, Arabic, punctuation, the UI's symbols) plus every other character
// of the texts the window shows or is typed. Plain state, no ImGui: the app
// feeds it from the session, FontAtlas builds glyphs from it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace gloss::ui {

// UTF-8 to code points the way ImGui draws them: a malformed sequence is one
// U+FFFD (ImGui draws the fallback glyph for it too).
std::u32string decode_utf8(std::string_view utf8);

class GlyphSet {
 public:
  // Above `max_extra` characters beyond the base ranges new ones are refused
  // and drawn with the fallback glyph: the atlas texture stays a bounded size.
  explicit GlyphSet(std::size_t max_extra);

  static bool in_base(char32_t c);
  // Adds what is new; returns how many characters were added.
  std::size_t add(std::string_view utf8);
  std::size_t add(char32_t c);
  bool contains(char32_t c) const;

  // Ranges in ImGui's format (first, last pairs, zero-terminated).
  static std::vector<std::uint16_t> base_ranges();
  std::vector<std::uint16_t> extra_ranges() const;
  std::size_t extra_count() const { return extra_.size(); }
  // Characters not added: past the cap, or outside the Basic Multilingual
  // Plane (ImGui 1.86 as Debian builds it has 16-bit ImWchar).
  std::size_t refused() const { return refused_.size(); }
  // Characters were added since the last mark_built().
  bool changed() const { return changed_; }
  void mark_built() { changed_ = false; }

 private:
  std::size_t max_extra_;
  std::set<char32_t> extra_;
  std::set<char32_t> refused_;
  bool changed_ = false;
};

}  // namespace gloss::ui
