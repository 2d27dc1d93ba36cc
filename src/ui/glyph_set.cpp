#include "ui/glyph_set.h"

#include <algorithm>
#include <iterator>

namespace gloss::ui {
namespace {

constexpr char32_t kReplacement = 0xFFFD;

// Inclusive. The scripts the brief names and the symbols the UI draws, always
// built, so a Latin, Greek, Cyrillic or Arabic dataset never rebuilds; any
// other character is added when a text shows it.
constexpr std::uint16_t kBase[][2] = {
    {0x0020, 0x007E}, {0x00A0, 0x024F},  // Latin, Latin-1, Latin Extended A/B
    {0x0370, 0x03FF}, {0x0400, 0x04FF},  // Greek, Cyrillic
    {0x0600, 0x06FF}, {0x2000, 0x206F},  // Arabic (unshaped), General Punctuation
    {0x20A0, 0x20BF}, {0x2190, 0x21FF},  // currency, arrows
    {0x25A0, 0x25FF}, {0xFFFD, 0xFFFD},  // geometric shapes, the fallback glyph
};

// Small blocks a language keeps drawing from (kana, CJK punctuation, Hangul
// jamo, fullwidth forms, Hebrew, Thai...): the first character of one brings
// the whole block, so typing Japanese rebuilds for new kanji, not every kana.
constexpr std::uint16_t kWholeBlocks[][2] = {
    {0x0500, 0x052F}, {0x0530, 0x058F}, {0x0590, 0x05FF}, {0x0E00, 0x0E7F}, {0x10A0, 0x10FF},
    {0x1E00, 0x1EFF}, {0x3000, 0x30FF}, {0x3130, 0x318F}, {0xFF00, 0xFFEF},
};

// Length of the sequence a lead byte starts and its payload bits; 0: invalid lead.
int sequence_length(unsigned char lead) {
  if (lead < 0x80) return 1;
  if ((lead & 0xE0) == 0xC0) return 2;
  if ((lead & 0xF0) == 0xE0) return 3;
  if ((lead & 0xF8) == 0xF0) return 4;
  return 0;
}

}  // namespace

std::u32string decode_utf8(std::string_view s) {
  std::u32string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size();) {
    const auto lead = static_cast<unsigned char>(s[i]);
    const int n = sequence_length(lead);
    if (n == 0 || i + n > s.size()) {
      out.push_back(kReplacement), ++i;
      continue;
    }
    char32_t c = n == 1 ? lead : lead & (0x7F >> n);
    bool ok = true;
    for (int k = 1; k < n && ok; ++k) {
      const auto b = static_cast<unsigned char>(s[i + k]);
      ok = (b & 0xC0) == 0x80;
      c = (c << 6) | (b & 0x3F);
    }
    static constexpr char32_t kMinOfLength[] = {0, 0, 0x80, 0x800, 0x10000};
    if (!ok || c < kMinOfLength[n] || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)) {
      out.push_back(kReplacement), ++i;
      continue;
    }
    out.push_back(c);
    i += n;
  }
  return out;
}

GlyphSet::GlyphSet(std::size_t max_extra) : max_extra_(max_extra) {}

bool GlyphSet::in_base(char32_t c) {
  return std::any_of(std::begin(kBase), std::end(kBase), [c](const auto& r) { return c >= r[0] && c <= r[1]; });
}

bool GlyphSet::contains(char32_t c) const { return in_base(c) || extra_.count(c); }

std::size_t GlyphSet::add(char32_t c) {
  if (c < 0x20 || contains(c) || refused_.count(c)) return 0;
  if (c > 0xFFFF || extra_.size() >= max_extra_) {
    refused_.insert(c);
    return 0;
  }
  for (const auto& block : kWholeBlocks)
    if (c >= block[0] && c <= block[1] && extra_.size() + (block[1] - block[0] + 1) <= max_extra_) {
      const std::size_t before = extra_.size();
      for (char32_t b = block[0]; b <= block[1]; ++b) extra_.insert(b);
      changed_ = true;
      return extra_.size() - before;
    }
  extra_.insert(c);
  changed_ = true;
  return 1;
}

std::size_t GlyphSet::add(std::string_view utf8) {
  std::size_t added = 0;
  for (unsigned char b : utf8)
    if (b >= 0x80) {  // pure ASCII (most text) needs no decoding
      for (char32_t c : decode_utf8(utf8)) added += add(c);
      break;
    }
  return added;
}

std::vector<std::uint16_t> GlyphSet::base_ranges() {
  std::vector<std::uint16_t> out;
  for (const auto& r : kBase) out.insert(out.end(), {r[0], r[1]});
  out.push_back(0);
  return out;
}

std::vector<std::uint16_t> GlyphSet::extra_ranges() const {
  std::vector<std::uint16_t> out;
  for (char32_t c : extra_) {
    if (!out.empty() && out.back() + 1u == c) out.back() = static_cast<std::uint16_t>(c);
    else out.insert(out.end(), {static_cast<std::uint16_t>(c), static_cast<std::uint16_t>(c)});
  }
  out.push_back(0);
  return out;
}

}  // namespace gloss::ui
