// Caption grammar for synthetic scenes. See docs/synth.md.
#include "core/scene_caption.h"

#include <algorithm>
#include <limits>
#include <tuple>

namespace gloss {

// ---- Words -----------------------------------------------------------------

const std::vector<std::string_view>& caption_vocabulary() {
  static const std::vector<std::string_view> words = [] {
    std::vector<std::string_view> w;
    for (int c = 1; c <= 4; ++c) w.push_back(kCountWords[c]);
    for (auto s : kSizeWords) w.push_back(s);
    for (auto s : kColourWords) w.push_back(s);
    for (auto s : kPatternWords) w.push_back(s);
    for (auto s : kShapeNouns) w.push_back(s);
    for (auto s : kShapePlurals) w.push_back(s);
    for (auto s : kFunctionWords) w.push_back(s);
    return w;
  }();
  return words;
}

std::optional<Shape> shape_from_word(std::string_view word, bool* plural) {
  for (int i = 0; i < kShapeCount; ++i) {
    if (word == kShapeNouns[i] || word == kShapePlurals[i]) {
      if (plural) *plural = word == kShapePlurals[i];
      return static_cast<Shape>(i);
    }
  }
  return std::nullopt;
}

std::optional<Colour> colour_from_word(std::string_view word) {
  if (word == "gray") return Colour::grey;
  for (int i = 0; i < kColourCount; ++i)
    if (word == kColourWords[i]) return static_cast<Colour>(i);
  return std::nullopt;
}

std::optional<Size> size_from_word(std::string_view word) {
  if (word == "big") return Size::large;
  if (word == "little") return Size::small;
  for (int i = 0; i < kSizeCount; ++i)
    if (word == kSizeWords[i]) return static_cast<Size>(i);
  return std::nullopt;
}

std::optional<Pattern> pattern_from_word(std::string_view word) {
  if (word == "chequered" || word == "checked") return Pattern::checkered;
  if (word == "spotted") return Pattern::dotted;
  for (int i = 0; i < kPatternCount; ++i)
    if (word == kPatternWords[i]) return static_cast<Pattern>(i);
  return std::nullopt;
}

std::optional<int> count_from_word(std::string_view word) {
  if (word == kCountWordAn || word == "one") return 1;
  for (int i = 1; i < static_cast<int>(kCountWords.size()); ++i)
    if (word == kCountWords[i]) return i;
  return std::nullopt;
}

std::vector<std::string> tokenize_caption(std::string_view text) {
  std::vector<std::string> out;
  std::string cur;
  for (char ch : text) {
    const bool alnum = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9');
    if (alnum) {
      cur.push_back(ch >= 'A' && ch <= 'Z' ? static_cast<char>(ch - 'A' + 'a') : ch);
    } else if (!cur.empty()) {
      out.push_back(std::move(cur));
      cur.clear();
    }
  }
  if (!cur.empty()) out.push_back(std::move(cur));
  return out;
}

// ---- Descriptions ----------------------------------------------------------

namespace {

auto group_key(const GroupDescription& g) {
  return std::make_tuple(static_cast<int>(g.shape), g.colour ? static_cast<int>(*g.colour) : -1,
                         g.size ? static_cast<int>(*g.size) : -1, g.count);
}

// Merges identical shape+colour+size groups (both attributes known) and sorts.
void canonicalise(std::vector<GroupDescription>& groups) {
  std::vector<GroupDescription> merged;
  for (const GroupDescription& g : groups) {
    auto it = std::find_if(merged.begin(), merged.end(), [&](const GroupDescription& m) {
      return g.colour && g.size && m.shape == g.shape && m.colour == g.colour && m.size == g.size;
    });
    if (it == merged.end()) {
      merged.push_back(g);
    } else {
      it->count = (it->count > 0 && g.count > 0) ? it->count + g.count : 0;
    }
  }
  std::sort(merged.begin(), merged.end(), [](const GroupDescription& a, const GroupDescription& b) {
    return group_key(a) < group_key(b);
  });
  groups = std::move(merged);
}

struct PositionedGroup {
  GroupDescription group;
  float mean_x = 0.f;
};

std::vector<PositionedGroup> positioned_groups(const Scene& scene) {
  std::vector<PositionedGroup> out;
  for (const SceneObject& o : scene.objects) {
    auto it = std::find_if(out.begin(), out.end(), [&](const PositionedGroup& p) {
      return p.group.shape == o.shape && p.group.colour == o.colour && p.group.size == o.size;
    });
    if (it == out.end()) {
      PositionedGroup p;
      p.group.count = 1;
      p.group.shape = o.shape;
      p.group.colour = o.colour;
      p.group.size = o.size;
      p.mean_x = o.x;
      out.push_back(p);
    } else {
      it->mean_x += o.x;  // sum for now
      ++it->group.count;
    }
  }
  for (PositionedGroup& p : out) p.mean_x /= static_cast<float>(p.group.count);
  std::sort(out.begin(), out.end(), [](const PositionedGroup& a, const PositionedGroup& b) {
    return group_key(a.group) < group_key(b.group);
  });
  return out;
}

std::string_view count_word(int count, std::string_view next_word) {
  if (count == 1) {
    const char c = next_word.empty() ? 'x' : next_word.front();
    const bool vowel = c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u';
    return vowel ? kCountWordAn : kCountWords[1];
  }
  return kCountWords[std::clamp(count, 1, 4)];
}

void append_word(std::string& out, std::string_view w) {
  if (!out.empty()) out.push_back(' ');
  out.append(w);
}

}  // namespace

bool same_content(const SceneDescription& a, const SceneDescription& b) {
  return a.background_colour == b.background_colour &&
         a.background_pattern == b.background_pattern && a.groups == b.groups;
}

SceneDescription describe_scene(const Scene& scene) {
  SceneDescription d;
  d.background_colour = scene.background.colour;
  d.background_pattern = scene.background.pattern;
  for (const PositionedGroup& p : positioned_groups(scene)) d.groups.push_back(p.group);
  canonicalise(d.groups);
  return d;
}

std::string caption_for(const Scene& scene, Rng& rng) {
  std::vector<PositionedGroup> groups = positioned_groups(scene);
  const Pattern pattern = scene.background.pattern;
  const bool plainish = pattern == Pattern::plain || pattern == Pattern::dotted;
  const bool objects_first = rng.chance(plainish ? 0.8 : 0.2);
  if (rng.chance(0.8)) {
    std::stable_sort(groups.begin(), groups.end(),
                     [](const PositionedGroup& a, const PositionedGroup& b) {
                       return a.mean_x < b.mean_x;
                     });
  } else {
    for (int i = static_cast<int>(groups.size()) - 1; i > 0; --i)
      std::swap(groups[i], groups[rng.uniform_int(0, i)]);
  }

  std::string list;
  for (std::size_t i = 0; i < groups.size(); ++i) {
    const GroupDescription& g = groups[i].group;
    if (i > 0) append_word(list, "and");
    const std::string_view size = size_word(*g.size);
    append_word(list, count_word(g.count, size));
    append_word(list, size);
    append_word(list, colour_word(*g.colour));
    append_word(list, shape_word(g.shape, g.count != 1));
  }
  std::string background;
  const std::string_view pw = pattern_word(pattern);
  append_word(background, count_word(1, pw));
  append_word(background, pw);
  append_word(background, colour_word(scene.background.colour));
  append_word(background, "background");

  if (list.empty()) return background;
  std::string out;
  if (objects_first) {
    out = list;
    append_word(out, "on");
    append_word(out, background);
  } else {
    out = background;
    append_word(out, "with");
    append_word(out, list);
  }
  return out;
}

// ---- Parser ----------------------------------------------------------------

std::optional<SceneDescription> parse_caption(std::string_view caption) {
  SceneDescription d;
  d.tokens = tokenize_caption(caption);
  bool background_seen = false;
  bool recognised = false;

  struct Phrase {
    int count = -1;  // -1: no count word
    std::optional<Size> size;
    std::optional<Colour> colour;
    std::optional<Pattern> pattern;
    bool empty() const { return count < 0 && !size && !colour && !pattern; }
  } phrase;

  auto dangling = [&] {
    if (!phrase.empty()) d.complete = false;
    phrase = Phrase{};
  };

  for (const std::string& tok : d.tokens) {
    bool plural = false;
    if (auto c = count_from_word(tok)) {
      dangling();
      phrase.count = *c;
    } else if (auto s = size_from_word(tok)) {
      if (phrase.size) d.complete = false;
      phrase.size = *s;
    } else if (auto col = colour_from_word(tok)) {
      if (phrase.colour) d.complete = false;
      phrase.colour = *col;
    } else if (auto p = pattern_from_word(tok)) {
      if (phrase.pattern) d.complete = false;
      phrase.pattern = *p;
    } else if (auto shape = shape_from_word(tok, &plural)) {
      recognised = true;
      GroupDescription g;
      g.shape = *shape;
      g.size = phrase.size;
      g.colour = phrase.colour;
      if (phrase.count >= 0) {
        g.count = phrase.count;
        if ((g.count == 1) == plural) d.complete = false;  // "a circles", "two circle"
      } else {
        g.count = plural ? 0 : 1;
        d.complete = false;
      }
      if (!g.size || !g.colour || phrase.pattern) d.complete = false;
      d.groups.push_back(g);
      phrase = Phrase{};
    } else if (tok == "background") {
      recognised = true;
      if (background_seen) {
        d.complete = false;  // keep the first
      } else {
        background_seen = true;
        d.background_colour = phrase.colour;
        d.background_pattern = phrase.pattern;
      }
      if (!phrase.colour || !phrase.pattern || phrase.size || phrase.count != 1)
        d.complete = false;
      phrase = Phrase{};
    } else if (tok == "and" || tok == "on" || tok == "with") {
      dangling();
    } else {
      d.complete = false;  // unknown word
    }
  }
  dangling();
  if (!background_seen) d.complete = false;
  if (!recognised) return std::nullopt;
  canonicalise(d.groups);
  return d;
}

// ---- Comparison ------------------------------------------------------------

namespace {

int pair_cost(const GroupDescription& a, const GroupDescription& b) {
  return (a.colour != b.colour) + (a.size != b.size) + (a.count != b.count);
}

// Assigns each of `few` to a distinct element of `many` minimising total cost.
void best_assignment(const std::vector<const GroupDescription*>& few,
                     const std::vector<const GroupDescription*>& many, std::size_t i,
                     std::vector<int>& current, std::vector<bool>& used, int cost,
                     int& best_cost, std::vector<int>& best) {
  if (cost >= best_cost) return;
  if (i == few.size()) {
    best_cost = cost;
    best = current;
    return;
  }
  for (std::size_t j = 0; j < many.size(); ++j) {
    if (used[j]) continue;
    used[j] = true;
    current[i] = static_cast<int>(j);
    best_assignment(few, many, i + 1, current, used, cost + pair_cost(*few[i], *many[j]),
                    best_cost, best);
    used[j] = false;
  }
}

}  // namespace

CategoryErrors compare_descriptions(const SceneDescription& truth,
                                    const SceneDescription& predicted) {
  CategoryErrors e;
  for (int s = 0; s < kShapeCount; ++s) {
    std::vector<const GroupDescription*> t;
    std::vector<const GroupDescription*> p;
    for (const auto& g : truth.groups)
      if (static_cast<int>(g.shape) == s) t.push_back(&g);
    for (const auto& g : predicted.groups)
      if (static_cast<int>(g.shape) == s) p.push_back(&g);
    if (t.size() > p.size()) {
      e.missing_groups += static_cast<int>(t.size() - p.size());
    } else {
      e.extra_groups += static_cast<int>(p.size() - t.size());
    }
    if (t.empty() || p.empty()) continue;
    const bool t_fewer = t.size() <= p.size();
    const auto& few = t_fewer ? t : p;
    const auto& many = t_fewer ? p : t;
    std::vector<int> current(few.size(), -1);
    std::vector<int> best;
    std::vector<bool> used(many.size(), false);
    int best_cost = std::numeric_limits<int>::max();
    best_assignment(few, many, 0, current, used, 0, best_cost, best);
    for (std::size_t i = 0; i < few.size(); ++i) {
      const GroupDescription& a = *few[i];
      const GroupDescription& b = *many[best[i]];
      if (a.colour != b.colour) ++e.colour_errors;
      if (a.size != b.size) ++e.size_errors;
      if (a.count != b.count) ++e.count_errors;
    }
  }
  e.background_colour = truth.background_colour != predicted.background_colour;
  e.background_pattern = truth.background_pattern != predicted.background_pattern;

  e.subject = e.missing_groups > 0 || e.extra_groups > 0;
  e.attributes = e.colour_errors > 0 || e.size_errors > 0;
  e.number = e.count_errors > 0;
  e.background = e.background_colour || e.background_pattern;
  e.wording = !e.subject && !e.attributes && !e.number && !e.background &&
              !truth.tokens.empty() && !predicted.tokens.empty() &&
              truth.tokens != predicted.tokens;
  return e;
}

}  // namespace gloss
