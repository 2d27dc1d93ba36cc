// Caption grammar of the synthetic data set: generation (caption_for), a
// tolerant parser (parse_caption) and per-category comparison
// (compare_descriptions) used by evaluation and the error classifier.
// See docs/synth.md for the productions and the exact rules.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/synth.h"

namespace gloss {

// ---- Word lists (beyond the per-enum lists in synth.h) ---------------------

// Count words; index = count (0 unused). "a"/"an" both mean 1.
inline constexpr std::array<std::string_view, 5> kCountWords = {"", "a", "two", "three", "four"};
inline constexpr std::string_view kCountWordAn = "an";
// Structure words of the grammar.
inline constexpr std::array<std::string_view, 4> kFunctionWords = {"and", "on", "with",
                                                                   "background"};
inline constexpr int kMaxCaptionWords = 19;  // + <end> = the captioner's max_len of 20

// Every word caption_for() can emit (33 words), in a fixed order: counts,
// sizes, colours, patterns, shape nouns, plurals, function words.
const std::vector<std::string_view>& caption_vocabulary();

// Lookups (exact, lower-case words; the parser also accepts a few aliases).
std::optional<Shape> shape_from_word(std::string_view word, bool* plural = nullptr);
std::optional<Colour> colour_from_word(std::string_view word);
std::optional<Size> size_from_word(std::string_view word);
std::optional<Pattern> pattern_from_word(std::string_view word);
std::optional<int> count_from_word(std::string_view word);  // a/an/one=1, two..four

// Lower-cases ASCII and splits on anything that is not a letter or digit
// (punctuation is dropped). Captions from caption_for() are already exactly
// their words joined by single spaces.
std::vector<std::string> tokenize_caption(std::string_view text);

// ---- Descriptions ----------------------------------------------------------

struct GroupDescription {
  int count = 0;  // 1..4; 0 = unknown (no count word)
  std::optional<Size> size;
  std::optional<Colour> colour;
  Shape shape = Shape::circle;
  bool operator==(const GroupDescription&) const = default;
};

struct SceneDescription {
  std::optional<Colour> background_colour;
  std::optional<Pattern> background_pattern;
  // Canonical order (shape, colour, size, count); groups with identical
  // shape+colour+size are merged (counts added).
  std::vector<GroupDescription> groups;
  // False when the parser skipped unknown or misplaced words, filled a gap,
  // found no background, or saw singular/plural disagreeing with the count.
  bool complete = true;
  // Normalised words the description was parsed from (empty for describe_scene).
  std::vector<std::string> tokens;
};

// Background and groups equal (ignores `complete` and `tokens`).
bool same_content(const SceneDescription& a, const SceneDescription& b);

// Ground truth of a scene (groups from identical shape+colour+size objects).
SceneDescription describe_scene(const Scene& scene);

// A caption from the grammar (docs/synth.md). Wording choices:
//  * template: "<groups> on a <pattern> <colour> background" with p=0.8 when
//    the background is plain or dotted, otherwise "a <pattern> <colour>
//    background with <groups>" with p=0.8;
//  * group order: left to right by the group's mean x with p=0.8, otherwise
//    a uniformly random permutation;
//  * joins: "A", "A and B", "A and B and C".
std::string caption_for(const Scene& scene, Rng& rng);

// Parses any caption the grammar produces exactly (complete == true), and
// whatever it can of broken ones (complete == false). nullopt when nothing at
// all (no group, no background word) was recognised.
std::optional<SceneDescription> parse_caption(std::string_view caption);

// Per-category differences. Groups are matched per shape (optimal assignment
// minimising colour/size/count mismatches); rules:
//  subject    - some group is unmatched (the multisets of group shapes differ)
//  attributes - a matched pair differs in colour or size (unknown != known)
//  number     - a matched pair differs in count
//  background - background colour or pattern differs (missing counts)
//  wording    - none of the above, both token lists non-empty and different
struct CategoryErrors {
  bool subject = false;
  bool attributes = false;
  bool number = false;
  bool background = false;
  bool wording = false;

  int missing_groups = 0;  // truth groups without a predicted match
  int extra_groups = 0;    // predicted groups without a truth match
  int colour_errors = 0;   // matched pairs with a different colour
  int size_errors = 0;     // matched pairs with a different size
  int count_errors = 0;    // matched pairs with a different count
  bool background_colour = false;
  bool background_pattern = false;

  bool any() const { return subject || attributes || number || background || wording; }
};

CategoryErrors compare_descriptions(const SceneDescription& truth,
                                    const SceneDescription& predicted);

}  // namespace gloss
