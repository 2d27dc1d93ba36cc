#include "core/error_classifier.h"

#include <algorithm>
#include <map>
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

std::vector<std::string> scene_categories(std::string_view orig_caption, std::string_view final_caption) {

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

bool is_scene_word(const std::string& w) {
  return count_from_word(w) || colour_from_word(w) || size_from_word(w) || pattern_from_word(w) ||
         shape_from_word(w) || w == "and" || w == "on" || w == "with" || w == "the" || w == "background";
}

// What a changed word of a scene caption is about, given the words after it
// (a colour before "background" is the background's).
std::string_view scene_word_category(const std::vector<std::string>& words, std::size_t i) {
  const std::string& w = words[i];
  if (count_from_word(w)) return "number";
  if (size_from_word(w)) return "attributes";
  if (pattern_from_word(w) || w == "background") return "background";
  if (shape_from_word(w)) return "subject";
  if (colour_from_word(w)) {
    for (std::size_t k = i + 1; k < words.size(); ++k) {
      if (words[k] == "background") return "background";
      if (shape_from_word(words[k])) return "attributes";
    }
    return "attributes";
  }
  return "wording";
}

// Per changed run, the deleted and inserted words of each category.
std::vector<std::map<std::string, std::pair<std::string, std::string>>> scene_changes(std::string_view a,
                                                                                    std::string_view b) {
  std::vector<std::string> wa, wb;
  for (const Token& t : tokenize(a)) wa.push_back(t.key);
  for (const Token& t : tokenize(b)) wb.push_back(t.key);
  std::vector<std::map<std::string, std::pair<std::string, std::string>>> runs(1);
  std::size_t i = 0, j = 0;
  const auto append = [](std::string& s, const std::string& w) { s += (s.empty() ? "" : " ") + w; };
  for (const DiffOp& op : word_diff(a, b)) {
    const std::size_t n = tokenize(op.text).size();
    if (op.kind == DiffOp::keep) {
      i += n, j += n;
      if (!runs.back().empty()) runs.emplace_back();
      continue;
    }
    for (std::size_t k = 0; k < n; ++k) {
      if (op.kind == DiffOp::del) {
        append(runs.back()[std::string(scene_word_category(wa, i))].first, wa[i]);
        ++i;
      } else {
        append(runs.back()[std::string(scene_word_category(wb, j))].second, wb[j]);
        ++j;
      }
    }
  }
  return runs;
}

std::string change_text(const std::pair<std::string, std::string>& c) {
  if (c.first.empty()) return "+ " + c.second;
  if (c.second.empty()) return "\u2212 " + c.first;
  return c.first + " \u2192 " + c.second;
}

bool same_words(std::string_view a, std::string_view b) {
  const auto diff = word_diff(a, b);
  return std::all_of(diff.begin(), diff.end(), [](const DiffOp& op) { return op.kind == DiffOp::keep; });
}

}  // namespace

bool in_scene_grammar(std::string_view caption) {
  const std::vector<Token> tokens = tokenize(caption);
  bool head = false;
  for (const Token& t : tokens) {
    if (!is_scene_word(t.key)) return false;
    head = head || shape_from_word(t.key) || t.key == "background";
  }
  return head;
}

std::vector<GuessReason> guess_scene(std::string_view orig_caption, std::string_view final_caption) {
  if (same_words(orig_caption, final_caption)) return {};
  const auto runs = scene_changes(orig_caption, final_caption);
  std::vector<GuessReason> out;
  for (const std::string& category : scene_categories(orig_caption, final_caption)) {
    GuessReason r{category, {}};
    for (const auto& run : runs)
      if (const auto it = run.find(category); it != run.end()) r.triggers.push_back(change_text(it->second));
    // A plural that changed the count ("circle" -> "circles") is a shape word.
    if (r.triggers.empty() && category == "number")
      for (const auto& run : runs)
        if (const auto it = run.find("subject"); it != run.end()) r.triggers.push_back(change_text(it->second));
    out.push_back(std::move(r));
  }
  return out;
}

std::vector<GuessReason> explain_correction(std::string_view orig_caption, std::string_view final_caption) {
  if (in_scene_grammar(orig_caption) && in_scene_grammar(final_caption)) return guess_scene(orig_caption, final_caption);
  return guess_everyday(orig_caption, final_caption);
}

std::vector<std::string> categories_of(const std::vector<GuessReason>& reasons) {
  std::vector<std::string> out;
  for (const GuessReason& r : reasons) out.push_back(r.category);
  return out;
}

std::vector<std::string> classify_correction(std::string_view orig_caption, std::string_view final_caption) {
  return categories_of(explain_correction(orig_caption, final_caption));
}

std::string format_reason(const GuessReason& reason) {
  std::string out = reason.category;
  for (std::size_t i = 0; i < reason.triggers.size(); ++i) out += (i == 0 ? ": " : "; ") + reason.triggers[i];
  return out;
}

}  // namespace gloss
