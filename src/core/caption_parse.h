// A shallow parse of an everyday English caption for the error guess: noun
// phrases (count words, modifiers, head noun, the preposition before them and
// the role that gives them) and verbs. Tokens are diff.h's tokens, so a
// word_diff of the same captions lines up with them index by index.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/caption_lexicon.h"

namespace gloss {

// Where a noun phrase stands in the caption.
enum class PhraseRole {
  main,       // what the caption is about: before the first verb or preposition
  object,     // after a verb: what the main thing does something with
  with,       // after with/of/and-with: part of or together with a thing
  setting,    // after on/in/at/under...: where
  proximity,  // after next to/near/behind...: beside what
};

struct NounPhrase {
  std::vector<int> tokens;          // every token: preposition, articles, counts, modifiers, head
  std::vector<int> count_tokens;    // a, two, several, "a group of" ...
  std::vector<int> modifier_tokens;
  std::vector<int> head_tokens;     // one, or two for a WordNet compound ("living room")
  std::vector<int> preposition_tokens;
  std::string count;                // count_of() of the count words, else "1" or "plural"
  std::string head;                 // noun lemma; a compound joined with '_'
  std::string head_last;            // its last part ("room" for living_room)
  std::vector<std::string> modifiers;  // modifier words
  std::string compound_prefix;      // "living" for living_room, else empty
  bool plural = false;
  bool explicit_count = false;      // count from words rather than the head's number
  std::string preposition;          // canonical meaning, "" when none
  PhraseRole role = PhraseRole::main;
  NounKind kind = NounKind::unknown;
  bool framing = false;             // "a photo of ...": says how, not what
  bool quantity = false;            // "a group of ...": a count for the phrase after it
};

struct VerbWord {
  int token = 0;
  std::string lemma;
};

struct ParsedCaption {
  std::vector<std::string> words;   // token keys
  std::vector<int> phrase_of;       // per token: index into phrases, or -1
  std::vector<NounPhrase> phrases;
  std::vector<VerbWord> verbs;
  std::vector<int> auxiliaries;     // is, are, has ...
  std::vector<int> conjunctions;
};

ParsedCaption parse_everyday_caption(std::string_view caption);

}  // namespace gloss
