// Closed word classes by hand, open ones through WordNet.
#include "core/caption_lexicon.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <utility>

#include "core/wordnet.h"

namespace gloss {
namespace {

using Words = std::initializer_list<std::string_view>;

bool among(std::string_view w, Words list) { return std::find(list.begin(), list.end(), w) != list.end(); }
template <std::size_t N>
bool among(std::string_view w, const std::array<std::string_view, N>& list) {
  return std::find(list.begin(), list.end(), w) != list.end();
}

constexpr std::array<std::string_view, 21> kNumberWords = {
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
    "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen", "twenty"};

// Collective nouns that only say how many of the noun after "of" there are.
// Pairs, couples and dozens have a number; the rest read as "a group".
std::optional<std::string> quantity_noun_count(std::string_view w) {
  if (w == "pair" || w == "couple") return "2";
  if (w == "dozen") return "12";
  if (among(w, {"group", "groups", "flock", "herd", "bunch", "crowd", "pile", "lot", "lots", "number", "team", "pack",
                "stack", "row", "line", "set", "handful", "swarm", "collection", "cluster", "bundle", "assortment",
                "variety", "plenty"}))
    return "group";
  return std::nullopt;
}

bool all_digits(std::string_view w) {
  return !w.empty() && std::all_of(w.begin(), w.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
}

struct PrepositionEntry {
  std::string_view words;  // space separated
  std::string_view meaning;
  Relation relation;
};

constexpr PrepositionEntry kPrepositions[] = {
    {"in front of", "in front of", Relation::proximity}, {"on top of", "on", Relation::setting},
    {"next to", "near", Relation::proximity},            {"close to", "near", Relation::proximity},
    {"inside of", "in", Relation::setting},              {"out of", "out", Relation::setting},
    {"on", "on", Relation::setting},                     {"upon", "on", Relation::setting},
    {"onto", "on", Relation::setting},                   {"atop", "on", Relation::setting},
    {"against", "on", Relation::setting},                {"in", "in", Relation::setting},
    {"inside", "in", Relation::setting},                 {"within", "in", Relation::setting},
    {"into", "in", Relation::setting},                   {"at", "at", Relation::setting},
    {"under", "under", Relation::setting},               {"beneath", "under", Relation::setting},
    {"underneath", "under", Relation::setting},          {"below", "under", Relation::setting},
    {"over", "over", Relation::setting},                 {"above", "over", Relation::setting},
    {"across", "across", Relation::setting},             {"through", "through", Relation::setting},
    {"along", "along", Relation::setting},               {"down", "along", Relation::setting},
    {"up", "up", Relation::setting},                     {"around", "around", Relation::setting},
    {"outside", "outside", Relation::setting},           {"among", "among", Relation::setting},
    {"past", "past", Relation::setting},                 {"toward", "toward", Relation::setting},
    {"towards", "toward", Relation::setting},            {"during", "during", Relation::setting},
    {"off", "off", Relation::setting},                   {"out", "out", Relation::setting},
    {"near", "near", Relation::proximity},               {"beside", "near", Relation::proximity},
    {"by", "near", Relation::proximity},                 {"alongside", "near", Relation::proximity},
    {"behind", "behind", Relation::proximity},           {"between", "between", Relation::proximity},
    {"with", "with", Relation::with},                    {"of", "of", Relation::with},
    {"without", "without", Relation::with},              {"for", "for", Relation::with},
    {"from", "from", Relation::with},                    {"like", "like", Relation::with},
};

// Hypernym words that decide a noun's kind; the nearest one in the chain wins,
// so "kitchen" (room, area, structure, artifact) is a place and "sofa"
// (seat, furniture, artifact) a thing.
struct KindEntry {
  std::string_view hypernym;
  NounKind kind;
};

constexpr KindEntry kKinds[] = {
    {"clothing", NounKind::clothing},  {"garment", NounKind::clothing},  {"headdress", NounKind::clothing},
    {"footwear", NounKind::clothing},  {"jewelry", NounKind::clothing},  {"neckwear", NounKind::clothing},
    {"person", NounKind::person},      {"people", NounKind::person},     {"animal", NounKind::animal},
    {"conveyance", NounKind::vehicle}, {"vehicle", NounKind::vehicle},   {"craft", NounKind::vehicle},
    {"food", NounKind::food},          {"nutriment", NounKind::food},    {"foodstuff", NounKind::food},
    {"beverage", NounKind::food},      {"location", NounKind::place},    {"region", NounKind::place},
    {"area", NounKind::place},         {"structure", NounKind::place},   {"geological_formation", NounKind::place},
    {"body_of_water", NounKind::place}, {"land", NounKind::place},       {"room", NounKind::place},
    {"way", NounKind::place},          {"surface", NounKind::place},     {"atmosphere", NounKind::place},
    {"weather", NounKind::place},      {"time_period", NounKind::place}, {"time_of_day", NounKind::place},
    {"representation", NounKind::picture}, {"artifact", NounKind::thing}, {"organism", NounKind::thing},
    {"object", NounKind::thing},       {"substance", NounKind::thing},   {"matter", NounKind::thing},
};

}  // namespace

WordClass closed_class(std::string_view w) {
  if (among(w, {"a", "an", "the", "this", "these", "those", "its", "his", "her", "their", "my", "your", "our"}))
    return WordClass::article;
  if (all_digits(w) || among(w, kNumberWords) || among(w, {"thirty", "forty", "fifty", "hundred"}))
    return WordClass::number;
  if (among(w, {"several", "many", "few", "some", "numerous", "multiple", "various", "both"}))
    return WordClass::quantifier;
  if (quantity_noun_count(w)) return WordClass::quantity_noun;
  if (among(w, {"and", "or", "but", "while", "as", "that", "which", "who", "whose", "where", "then"}))
    return WordClass::conjunction;
  if (among(w, {"is", "are", "was", "were", "be", "been", "being", "am", "has", "have", "had", "does", "do"}))
    return WordClass::auxiliary;
  if (among(w, {"it", "he", "she", "they", "them", "him", "there", "someone", "something", "here"}))
    return WordClass::pronoun;
  if (among(w, {"together", "very", "also", "just", "really", "away", "back", "nearby", "alone", "outdoors", "indoors"}))
    return WordClass::adverb;
  return WordClass::content;
}

std::optional<std::string> count_of(std::string_view w) {
  if (w == "a" || w == "an" || w == "one") return "1";
  if (all_digits(w)) return std::to_string(std::stoll(std::string(w.substr(0, 9))));
  for (std::size_t i = 0; i < kNumberWords.size(); ++i)
    if (w == kNumberWords[i]) return std::to_string(i);
  if (w == "both") return "2";
  if (closed_class(w) == WordClass::quantifier || among(w, {"thirty", "forty", "fifty", "hundred"})) return std::string(w);
  return quantity_noun_count(w);
}

Preposition preposition_at(const std::vector<std::string>& words, std::size_t i) {
  for (const PrepositionEntry& e : kPrepositions) {
    std::size_t k = i, start = 0;
    bool match = true;
    while (match && start < e.words.size()) {
      const std::size_t end = std::min(e.words.find(' ', start), e.words.size());
      match = k < words.size() && words[k] == e.words.substr(start, end - start);
      ++k;
      start = end + 1;
    }
    if (match) return {static_cast<int>(k - i), std::string(e.meaning), e.relation};
  }
  return {};
}

bool is_colour(std::string_view w) {
  return among(w, {"red", "orange", "yellow", "green", "blue", "purple", "pink", "brown", "black", "white", "grey",
                   "gray", "silver", "gold", "golden", "beige", "tan", "maroon", "navy", "teal", "violet", "dark",
                   "light", "colorful", "colourful", "blond", "blonde"});
}

bool is_size(std::string_view w) {
  return among(w, {"big", "large", "small", "little", "tiny", "huge", "giant", "tall", "short", "long", "wide",
                   "narrow", "massive", "enormous", "miniature", "medium"});
}

NounKind noun_kind(std::string_view noun) {
  for (const auto& synset : wordnet::noun_hypernyms(noun))
    for (const std::string& word : synset)
      for (const KindEntry& e : kKinds)
        if (word == e.hypernym) return e.kind;
  return NounKind::unknown;
}

std::string_view noun_kind_name(NounKind k) {
  constexpr std::string_view names[] = {"person", "animal", "vehicle", "food", "clothing", "place", "picture", "thing", "unknown"};
  return names[static_cast<int>(k)];
}

NounForm noun_form(std::string_view word) {
  if (word == "people") return {"person", true};
  std::string lemma = wordnet::base_form(word, wordnet::Pos::noun);
  const bool plural = lemma != word && wordnet::has(lemma, wordnet::Pos::noun);
  return {plural ? lemma : std::string(word), plural};
}

std::string verb_lemma(std::string_view word) {
  if (!wordnet::has(word, wordnet::Pos::verb)) return {};
  return wordnet::base_form(word, wordnet::Pos::verb);
}

bool is_noun(std::string_view word) { return wordnet::has(word, wordnet::Pos::noun); }
bool is_adjective(std::string_view word) { return wordnet::has(word, wordnet::Pos::adjective); }

bool same_meaning(std::string_view a, std::string_view b) {
  if (a == b) return true;
  for (auto pos : {wordnet::Pos::noun, wordnet::Pos::adjective, wordnet::Pos::verb})
    if (wordnet::synonyms(a, b, pos)) return true;
  return false;
}

std::string compound_noun(std::string_view first, std::string_view second) {
  std::string joined = std::string(first) + "_" + std::string(second);
  return wordnet::has(joined, wordnet::Pos::noun) ? joined : std::string{};
}

}  // namespace gloss
