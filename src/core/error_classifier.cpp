#include "core/error_classifier.h"

#include <algorithm>
#include <optional>

#include "core/diff.h"
#include "core/scene_caption.h"

namespace gloss {
namespace {

// The words describing one thing: the modifiers since the previous head word,
// and the head (a shape noun, or "background").
struct Phrase {
  bool background = false;
  Shape shape = Shape::circle;
  bool plural = false;
  int count = 0;  // 0: no count word
  std::vector<std::string> colours, sizes, patterns;  // canonical words, sorted

  bool same_number(const Phrase& o) const { return count == o.count && plural == o.plural; }
  bool same_attributes(const Phrase& o) const { return colours == o.colours && sizes == o.sizes; }
};

std::vector<Phrase> phrases_of(std::string_view caption) {
  std::vector<Phrase> out;
  Phrase cur;
  for (const Token& t : tokenize(caption)) {
    const std::string& w = t.key;
    bool plural = false;
    if (const auto c = count_from_word(w)) {
      cur.count = *c;
    } else if (const auto c = colour_from_word(w)) {
      cur.colours.emplace_back(colour_word(*c));
    } else if (const auto s = size_from_word(w)) {
      cur.sizes.emplace_back(size_word(*s));
    } else if (const auto p = pattern_from_word(w)) {
      cur.patterns.emplace_back(pattern_word(*p));
    } else if (const auto s = shape_from_word(w, &plural); s || w == "background") {
      cur.background = !s;
      if (s) cur.shape = *s, cur.plural = plural;
      std::sort(cur.colours.begin(), cur.colours.end());
      std::sort(cur.sizes.begin(), cur.sizes.end());
      std::sort(cur.patterns.begin(), cur.patterns.end());
      out.push_back(std::move(cur));
      cur = Phrase{};
    }
  }
  return out;
}

int cost(const Phrase& a, const Phrase& b) {
  return (a.colours != b.colours) + (a.sizes != b.sizes) + !a.same_number(b);
}

}  // namespace

std::vector<std::string> classify_correction(std::string_view orig_caption, std::string_view final_caption) {
  const auto diff = word_diff(orig_caption, final_caption);
  if (std::all_of(diff.begin(), diff.end(), [](const DiffOp& op) { return op.kind == DiffOp::keep; })) return {};

  bool subject = false, attributes = false, background = false, number = false;
  const std::vector<Phrase> before = phrases_of(orig_caption), after = phrases_of(final_caption);

  // Background: the phrase ending in "background" (or its absence), and any
  // pattern word wherever it stands.
  auto bg = [](const std::vector<Phrase>& ps) -> std::optional<Phrase> {
    for (const Phrase& p : ps)
      if (p.background) return p;
    return std::nullopt;
  };
  const auto bg_before = bg(before), bg_after = bg(after);
  if (bg_before.has_value() != bg_after.has_value()) background = true;
  else if (bg_before) background = bg_before->colours != bg_after->colours || bg_before->patterns != bg_after->patterns;
  for (const auto* side : {&before, &after})
    for (const Phrase& p : *side)
      if (!p.background && !p.patterns.empty()) background = true;

  // Groups: per shape, pair each phrase with its closest counterpart (exact
  // matches first, so a group that moved pairs with itself). A phrase left
  // over is a group that appeared or vanished: a subject error, whatever its
  // modifiers say.
  for (int s = 0; s < kShapeCount; ++s) {
    std::vector<const Phrase*> b, a;
    for (const Phrase& p : before)
      if (!p.background && p.shape == static_cast<Shape>(s)) b.push_back(&p);
    for (const Phrase& p : after)
      if (!p.background && p.shape == static_cast<Shape>(s)) a.push_back(&p);
    if (b.size() != a.size()) subject = true;
    while (!b.empty() && !a.empty()) {
      std::size_t bi = 0, ai = 0;
      for (std::size_t i = 0; i < b.size(); ++i)
        for (std::size_t j = 0; j < a.size(); ++j)
          if (cost(*b[i], *a[j]) < cost(*b[bi], *a[ai])) bi = i, ai = j;
      attributes = attributes || !b[bi]->same_attributes(*a[ai]);
      number = number || !b[bi]->same_number(*a[ai]);
      b.erase(b.begin() + static_cast<std::ptrdiff_t>(bi));
      a.erase(a.begin() + static_cast<std::ptrdiff_t>(ai));
    }
  }

  std::vector<std::string> out;
  if (subject) out.emplace_back("subject");
  if (attributes) out.emplace_back("attributes");
  if (background) out.emplace_back("background");
  if (number) out.emplace_back("number");
  if (out.empty()) out.emplace_back("wording");  // the words changed, not what they say
  return out;
}

}  // namespace gloss
