// English lexicon for the error guess: WordNet 3.0 through libwordnet
// (Debian wordnet-dev; data in /usr/share/wordnet from wordnet-base).
// libwordnet keeps its state in globals, so every call here takes one lock;
// the database is opened once, on first use.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace gloss::wordnet {

enum class Pos { noun = 1, verb = 2, adjective = 3, adverb = 4 };

// Every function opens the database on first use and throws
// std::runtime_error naming the search directory and the package when the
// data cannot be read.

// True when `word` (any inflection, e.g. "dogs", "sitting") is in WordNet as `pos`.
bool has(std::string_view word, Pos pos);

// The base form of `word` as `pos` ("dogs" -> "dog", "sitting" -> "sit",
// "geese" -> "goose"); the word itself when it is a base form or unknown.
std::string base_form(std::string_view word, Pos pos);

// True when the two words (base forms) share a synset as `pos`, e.g. "big" and
// "large", "sofa" and "couch".
bool synonyms(std::string_view a, std::string_view b, Pos pos);

// The noun's most frequent sense and its hypernyms, nearest first, each
// synset as its words ("kitchen" -> {"kitchen"}, {"room"}, {"area"}, {"structure", "construction"}, ...).
// Instance hypernyms count ("Paris" -> {"national_capital"} ...). Empty when not a noun.
std::vector<std::vector<std::string>> noun_hypernyms(std::string_view noun);

}  // namespace gloss::wordnet
