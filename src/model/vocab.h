// The caption vocabulary of a native model: tokenisation, word <-> id maps,
// and extension with new words when fine-tuning a base model. No torch here.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace gloss {

class Vocab {
 public:
  static constexpr std::int64_t kPad = 0;
  static constexpr std::int64_t kStart = 1;
  static constexpr std::int64_t kEnd = 2;
  static constexpr std::int64_t kUnk = 3;

  // Only the four special tokens <pad> <start> <end> <unk>.
  Vocab();

  // Tokenisation: the metrics' (metric_tokens, core/metrics.h): ASCII
  // lower-case, split on whitespace, strip leading and trailing punctuation
  // of each word (inner "'" and "-" stay: "dog's", "well-lit"), drop words
  // that were only punctuation; Chinese and Japanese one character a word.
  static std::vector<std::string> tokenize(std::string_view caption);

  // Words that occur at least `min_count` times (counted after tokenisation),
  // most frequent first, ties alphabetical, after the four specials.
  static Vocab build(const std::vector<std::string>& captions, int min_count = 1);

  // From an index -> word list (a stored model). Throws UserError (message
  // starts with `what`) unless the four specials come first in order and
  // every word is unique and non-empty.
  static Vocab from_words(std::vector<std::string> words, const std::string& what = "vocab");

  // Fine-tuning: this vocabulary with the words of `captions` (count >=
  // min_count) that it lacks appended; old ids keep their meaning.
  Vocab extended(const std::vector<std::string>& captions, int min_count = 1) const;

  std::size_t size() const { return words_.size(); }
  const std::vector<std::string>& words() const { return words_; }
  bool contains(std::string_view word) const;
  // kUnk for unknown words.
  std::int64_t id(std::string_view word) const;
  // The word of an id; "<unk>" for ids out of range.
  const std::string& word(std::int64_t id) const;

  // <start> w1 .. wn <end>; unknown words become <unk>; "" -> <start><end>.
  std::vector<std::int64_t> encode(std::string_view caption) const;
  // Words joined by single spaces. Skips <pad> and <start>, stops at <end>;
  // <unk> is written as "<unk>".
  std::string decode(const std::vector<std::int64_t>& ids) const;

 private:
  void add(std::string word);
  std::vector<std::string> words_;
  std::unordered_map<std::string, std::int64_t> ids_;
};

}  // namespace gloss
