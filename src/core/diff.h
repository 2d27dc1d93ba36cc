// Word-level tokenisation, diff and edit distance between two captions: what
// the UI colours (deleted / inserted words) and what the error classifier and
// WER metric look at.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace gloss {

// One word of a caption.
//
// Tokenisation rules:
//  - Words are split on ASCII whitespace (space, \t \n \v \f \r) and on the
//    UTF-8 encoded Unicode White_Space characters (U+0085, U+00A0, U+1680,
//    U+2000..U+200A, U+2028, U+2029, U+202F, U+205F, U+3000).
//  - `key` is what comparisons use: the word with ASCII letters lower-cased
//    (other bytes, e.g. UTF-8 "É", are compared as-is) and leading/trailing
//    ASCII punctuation stripped, so "Circle," and "circle" are the same word.
//  - A word made only of ASCII punctuation ("-", "...") keeps itself as key.
//  - Scripts written without spaces between words (Chinese, Japanese kana)
//    are split into one token per character: every Han ideograph, kana, CJK
//    symbol or punctuation mark and full-width punctuation mark is its own
//    token, so "一只黑猫" is four tokens, WER on such captions is a character
//    error rate (as is usual for Chinese and Japanese), and a diff marks the
//    characters that changed. Hangul is written with spaces: split on them.
//    Thai, Lao, Khmer and Burmese would need a dictionary: one token per run.
//  - `glued` is true when no whitespace stands before the token (the second
//    character of "黑猫", or "个" in "3个"); join tokens with a space only
//    where it is false.
struct Token {
  std::string text;  // as written
  std::string key;
  bool glued = false;
};

std::vector<Token> tokenize(std::string_view text);

// True when the token's key is made only of punctuation: ASCII, or CJK and
// full-width punctuation marks ("、" "。" "，" "「").
bool is_punctuation(const Token& token);

// True when `word` is one character of a script written without spaces (a
// token tokenize() splits off on its own): no space goes next to it when
// words are joined back into text ("一只" + "猫" -> "一只猫").
bool is_unspaced_character(std::string_view word);

struct DiffOp {
  enum Kind { keep, del, ins };
  Kind kind;
  std::string text;    // words of the run as written: joined by single spaces, glued ones by none
  bool glued = false;  // the run's first word is glued to the word before it in its caption
  bool operator==(const DiffOp&) const = default;
};

// One word of a diff, for drawing: its op's kind, and whether a space goes
// before it (false for the first word and for glued ones).
struct DiffWord {
  std::string text;
  DiffOp::Kind kind;
  bool space_before = false;
};
std::vector<DiffWord> diff_words(const std::vector<DiffOp>& ops);

// Minimal word edit script turning `before` into `after`, compared by key.
// keep runs carry the words as written in `after`, del runs as in `before`.
// Consecutive words of one kind form one op; between two kept words all
// deletions come first (one del op) and then all insertions (one ins op), so a
// substitution reads as del then ins. Among minimal scripts the one keeping the
// most words wins, and remaining ties match earlier words first.
std::vector<DiffOp> word_diff(std::string_view before, std::string_view after);

// Levenshtein distance over two key sequences (each edit costs 1).
int edit_distance(const std::vector<std::string>& a, const std::vector<std::string>& b);

// edit_distance / reference length, with word_error_rate's empty-reference rule.
double error_rate(const std::vector<std::string>& reference,
                  const std::vector<std::string>& hypothesis);

// Levenshtein distance over the token keys of two captions.
int word_edit_distance(std::string_view a, std::string_view b);

// word_edit_distance(reference, hypothesis) / number of reference tokens.
// With an empty reference: 0 if the hypothesis is empty too, otherwise 1.
double word_error_rate(std::string_view reference, std::string_view hypothesis);

}  // namespace gloss
