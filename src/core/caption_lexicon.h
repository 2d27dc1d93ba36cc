// What the everyday error guess knows about English words: the closed classes
// by hand (articles, numbers, quantifiers, prepositions, colours, sizes...)
// and the open ones from WordNet (wordnet.h): base forms, synonyms and what
// kind of thing a noun names. docs/errors.md lists the rules.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gloss {

// How a word behaves in a caption. Content words are everything the closed
// lists do not name: nouns, adjectives and verbs, told apart by position.
enum class WordClass { content, article, number, quantifier, quantity_noun, preposition, conjunction, auxiliary, pronoun, adverb };

WordClass closed_class(std::string_view word);

// The count a number word, digit string, article or quantifier gives: "1" for
// a/an/one, "2" for two/2/pair/couple, "several", "group" ... nullopt for
// other words.
std::optional<std::string> count_of(std::string_view word);

// What a preposition says about the noun after it.
enum class Relation {
  setting,    // on, in, at, under, over, through...: where the thing is
  proximity,  // next to, near, beside, behind, in front of: another thing nearby
  with,       // with, of, holding-like links: part of or together with the thing
};

struct Preposition {
  int length = 0;            // words taken ("in front of": 3); 0: not a preposition
  std::string meaning;       // canonical member of its synonym group ("on" for atop, onto, upon)
  Relation relation = Relation::setting;
};

// The preposition starting at words[i], longest match first.
Preposition preposition_at(const std::vector<std::string>& words, std::size_t i);

bool is_colour(std::string_view word);
bool is_size(std::string_view word);

// What kind of thing a noun names, from the nearest matching hypernym of its
// most frequent WordNet sense.
enum class NounKind { person, animal, vehicle, food, clothing, place, picture, thing, unknown };

NounKind noun_kind(std::string_view noun_lemma);
std::string_view noun_kind_name(NounKind kind);

// Things that move by themselves or carry people: "on a horse" is riding, not
// a place.
inline bool is_mover(NounKind k) { return k == NounKind::person || k == NounKind::animal || k == NounKind::vehicle; }

// Base form of a noun and whether the word was a plural of it ("dogs" -> dog,
// true; "people" -> person, true; "sheep" -> sheep, false).
struct NounForm {
  std::string lemma;
  bool plural = false;
};
NounForm noun_form(std::string_view word);

// Base form of a verb ("sitting" -> sit, "runs" -> run), empty when the word
// is not a verb in WordNet.
std::string verb_lemma(std::string_view word);

bool is_noun(std::string_view word);
bool is_adjective(std::string_view word);

// Same meaning for a caption: equal, or sharing a WordNet synset as a noun,
// adjective or verb ("big"/"large", "bike"/"bicycle", "grey"/"gray").
bool same_meaning(std::string_view a, std::string_view b);

// "cell phone" -> "cell_phone" when WordNet has it as one noun, else "".
std::string compound_noun(std::string_view first, std::string_view second);

}  // namespace gloss
