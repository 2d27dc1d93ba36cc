// The error guess for everyday English captions ("a cat sitting on a couch"
// -> "a dog sitting on a bed"): both captions are parsed into noun phrases
// and verbs (caption_parse.h), lined up with the word diff, and each change is
// put in a category by the role and kind of the words it touches. The rules
// are in docs/errors.md ("The everyday guess").
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace gloss {

// One guessed category and the changes that made it, each as "cat → dog",
// "+ beach" (added) or "− two" (removed).
struct GuessReason {
  std::string category;
  std::vector<std::string> triggers;
  bool operator==(const GuessReason&) const = default;
};

// Categories in kGuessCategories order; empty when the captions have the same
// words. Never "other". Throws std::runtime_error when WordNet cannot be opened.
std::vector<GuessReason> guess_everyday(std::string_view orig_caption, std::string_view final_caption);

}  // namespace gloss
