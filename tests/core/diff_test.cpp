// Tokenisation, word diff, edit distance and WER on hand-worked captions.
#include "core/diff.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <ostream>

namespace gloss {

// Readable failure messages for vectors of ops.
void PrintTo(const DiffOp& op, std::ostream* os) {
  static constexpr const char* kNames[] = {"keep", "del", "ins"};
  *os << kNames[op.kind] << "(\"" << op.text << "\")";
}

namespace {

using K = DiffOp::Kind;

std::vector<std::string> keys(std::string_view text) {
  std::vector<std::string> out;
  for (const Token& t : tokenize(text)) out.push_back(t.key);
  return out;
}

// An edit script replayed onto the before and after sides, with the script's
// cost (a block of d deletions and i insertions between keeps costs max(d, i)).
struct Replay {
  std::string before, after;
  int cost = 0;
};

Replay replay(const std::vector<DiffOp>& ops) {
  Replay r;
  int dels = 0, inss = 0;
  const auto join = [](std::string& side, const std::string& text) {
    side += (side.empty() ? "" : " ") + text;
  };
  for (const DiffOp& op : ops) {
    const int words = static_cast<int>(tokenize(op.text).size());
    if (op.kind != K::ins) join(r.before, op.text);
    if (op.kind != K::del) join(r.after, op.text);
    if (op.kind == K::keep) {
      r.cost += std::max(dels, inss);
      dels = inss = 0;
    } else if (op.kind == K::del) {
      dels += words;
    } else {
      inss += words;
    }
  }
  r.cost += std::max(dels, inss);
  return r;
}

TEST(DiffTokenize, SplitsOnAsciiWhitespaceRuns) {
  const std::vector<Token> tokens = tokenize("  A red\tball\n\n on\r\ngrass ");
  ASSERT_EQ(tokens.size(), 5u);
  EXPECT_EQ(tokens[0].text, "A");
  EXPECT_EQ(tokens[0].key, "a");
  EXPECT_EQ(tokens[4].text, "grass");
}

TEST(DiffTokenize, SplitsOnUnicodeWhitespace) {
  // U+00A0 no-break space, U+3000 ideographic space, U+2009 thin space.
  EXPECT_EQ(keys("a\u00A0b\u3000c\u2009d"), (std::vector<std::string>{"a", "b", "c", "d"}));
}

TEST(DiffTokenize, KeyLowersAsciiAndStripsOuterPunctuation) {
  const std::vector<Token> tokens = tokenize("\"Circle,\" (RED) dog's U.S.A.");
  ASSERT_EQ(tokens.size(), 4u);
  EXPECT_EQ(tokens[0].text, "\"Circle,\"");
  EXPECT_EQ(tokens[0].key, "circle");
  EXPECT_EQ(tokens[1].key, "red");
  EXPECT_EQ(tokens[2].key, "dog's");  // inner punctuation stays
  EXPECT_EQ(tokens[3].key, "u.s.a");
}

TEST(DiffTokenize, NonAsciiBytesAreKeptAsIs) {
  // Only ASCII letters are lowered: "É" (C3 89) stays upper-case.
  EXPECT_EQ(keys("CAFÉ, café"), (std::vector<std::string>{"cafÉ", "café"}));
}

TEST(DiffTokenize, PunctuationOnlyTokenKeepsItself) {
  const std::vector<Token> tokens = tokenize("red - blue ...");
  ASSERT_EQ(tokens.size(), 4u);
  EXPECT_EQ(tokens[1].key, "-");
  EXPECT_EQ(tokens[3].key, "...");
  EXPECT_TRUE(is_punctuation(tokens[1]));
  EXPECT_FALSE(is_punctuation(tokens[0]));
}

TEST(DiffTokenize, EmptyAndBlankGiveNoTokens) {
  EXPECT_TRUE(tokenize("").empty());
  EXPECT_TRUE(tokenize(" \t\u00A0 ").empty());
}

TEST(WordDiff, IdenticalIsOneKeep) {
  EXPECT_EQ(word_diff("A cat sits.", "A cat sits."),
            (std::vector<DiffOp>{{K::keep, "A cat sits."}}));
}

TEST(WordDiff, EmptySides) {
  EXPECT_TRUE(word_diff("", "").empty());
  EXPECT_EQ(word_diff("", "a red ball"), (std::vector<DiffOp>{{K::ins, "a red ball"}}));
  EXPECT_EQ(word_diff("a red ball", " "), (std::vector<DiffOp>{{K::del, "a red ball"}}));
}

TEST(WordDiff, SubstitutionInTheMiddleIsDelThenIns) {
  EXPECT_EQ(word_diff("a red ball", "a blue ball"),
            (std::vector<DiffOp>{{K::keep, "a"}, {K::del, "red"}, {K::ins, "blue"},
                                 {K::keep, "ball"}}));
}

TEST(WordDiff, InsertionAtStartAndEnd) {
  EXPECT_EQ(word_diff("cat sits", "the cat sits"),
            (std::vector<DiffOp>{{K::ins, "the"}, {K::keep, "cat sits"}}));
  EXPECT_EQ(word_diff("cat sits", "cat sits down"),
            (std::vector<DiffOp>{{K::keep, "cat sits"}, {K::ins, "down"}}));
}

TEST(WordDiff, Deletion) {
  EXPECT_EQ(word_diff("a big red ball", "a red ball"),
            (std::vector<DiffOp>{{K::keep, "a"}, {K::del, "big"}, {K::keep, "red ball"}}));
}

TEST(WordDiff, CaseAndPunctuationInsensitiveKeepCarriesAfterText) {
  EXPECT_EQ(word_diff("The Circle, red.", "the circle red"),
            (std::vector<DiffOp>{{K::keep, "the circle red"}}));
  EXPECT_EQ(word_diff("the circle red", "The Circle, red."),
            (std::vector<DiffOp>{{K::keep, "The Circle, red."}}));
}

TEST(WordDiff, DelAndInsCarryTheirOwnSideText) {
  EXPECT_EQ(word_diff("A Red, ball", "a Blue! ball"),
            (std::vector<DiffOp>{{K::keep, "a"}, {K::del, "Red,"}, {K::ins, "Blue!"},
                                 {K::keep, "ball"}}));
}

TEST(WordDiff, UnicodeWords) {
  EXPECT_EQ(word_diff("un café rouge", "un café bleu"),
            (std::vector<DiffOp>{{K::keep, "un café"}, {K::del, "rouge"}, {K::ins, "bleu"}}));
}

TEST(WordDiff, RunsAreMergedDeletionsBeforeInsertions) {
  // Two substitutions in a row come out as one del run and one ins run.
  EXPECT_EQ(word_diff("one two three four", "one five six four"),
            (std::vector<DiffOp>{{K::keep, "one"}, {K::del, "two three"},
                                 {K::ins, "five six"}, {K::keep, "four"}}));
  // Unequal lengths: 3 words replaced by 1 (1 substitution + 2 deletions).
  EXPECT_EQ(word_diff("a b c d e", "a x e"),
            (std::vector<DiffOp>{{K::keep, "a"}, {K::del, "b c d"}, {K::ins, "x"},
                                 {K::keep, "e"}}));
}

TEST(WordDiff, TiesMatchTheEarliestWord) {
  // "a b a" -> "a": keeping either "a" costs 2; the first one is kept.
  EXPECT_EQ(word_diff("a b a", "a"), (std::vector<DiffOp>{{K::keep, "a"}, {K::del, "b a"}}));
  // A swapped pair keeps one word rather than substituting both.
  EXPECT_EQ(word_diff("red blue", "blue red"),
            (std::vector<DiffOp>{{K::del, "red"}, {K::keep, "blue"}, {K::ins, "red"}}));
}

TEST(WordDiff, PrefersTheMinimalScriptKeepingMostWords) {
  const std::string before = "A small dog runs on the wet grass";
  const std::string after = "a big dog is running on grass";
  // Hand alignment: a | small->big | dog | runs->is, +running | on | -the -wet | grass
  // costs 1 + 2 + 2 = 5. Replacing "runs on the wet" by "is running on" also
  // costs 5 (4 + 1 for small->big) but keeps one word fewer.
  EXPECT_EQ(word_edit_distance(before, after), 5);
  EXPECT_EQ(word_diff(before, after),
            (std::vector<DiffOp>{{K::keep, "a"}, {K::del, "small"}, {K::ins, "big"},
                                 {K::keep, "dog"}, {K::del, "runs"}, {K::ins, "is running"},
                                 {K::keep, "on"}, {K::del, "the wet"}, {K::keep, "grass"}}));

  const Replay r = replay(word_diff(before, after));
  EXPECT_EQ(keys(r.before), keys(before));
  EXPECT_EQ(keys(r.after), keys(after));
  EXPECT_EQ(r.cost, 5);
}

TEST(WordDiff, RandomCaptionsReplayAtMinimalCost) {
  std::uint32_t state = 12345;
  const auto next = [&state](std::uint32_t bound) {
    state = state * 1664525u + 1013904223u;  // fixed LCG: the same cases every run
    return (state >> 16) % bound;
  };
  const auto caption = [&] {
    static const char* kWords[] = {"a", "red", "ball", "on", "grass", "the"};
    std::string text;
    for (std::uint32_t k = next(9); k > 0; --k) text += std::string(kWords[next(6)]) + " ";
    return text;
  };
  for (int round = 0; round < 500; ++round) {
    const std::string before = caption(), after = caption();
    const std::vector<DiffOp> ops = word_diff(before, after);
    const Replay r = replay(ops);
    EXPECT_EQ(keys(r.before), keys(before)) << before << "| " << after;
    EXPECT_EQ(keys(r.after), keys(after)) << before << "| " << after;
    EXPECT_EQ(r.cost, word_edit_distance(before, after)) << before << "| " << after;
    for (std::size_t k = 1; k < ops.size(); ++k) EXPECT_NE(ops[k].kind, ops[k - 1].kind);
  }
}

TEST(DiffDistance, KnownLevenshteinExample) {
  // kitten -> sitting as words: k->s, e->i, +g.
  EXPECT_EQ(word_edit_distance("k i t t e n", "s i t t i n g"), 3);
  EXPECT_EQ(word_edit_distance("s i t t i n g", "k i t t e n"), 3);
  // flaw -> lawn: -f, +n.
  EXPECT_EQ(word_edit_distance("f l a w", "l a w n"), 2);
}

TEST(DiffDistance, EmptyAndIdentical) {
  EXPECT_EQ(word_edit_distance("", ""), 0);
  EXPECT_EQ(word_edit_distance("", "a b c"), 3);
  EXPECT_EQ(word_edit_distance("a b", ""), 2);
  EXPECT_EQ(word_edit_distance("The cat.", "the CAT"), 0);
}

TEST(DiffDistance, PunctuationOnlyTokensCount) {
  EXPECT_EQ(word_edit_distance("red - blue", "red blue"), 1);
}

TEST(DiffWer, Values) {
  EXPECT_DOUBLE_EQ(word_error_rate("the cat sat", "the cat sat"), 0.0);
  EXPECT_DOUBLE_EQ(word_error_rate("the cat sat", "the cat sat down"), 1.0 / 3.0);
  EXPECT_DOUBLE_EQ(word_error_rate("a red ball on grass", "a blue ball"), 3.0 / 5.0);
  // WER can exceed 1 when the hypothesis is much longer.
  EXPECT_DOUBLE_EQ(word_error_rate("dog", "a big brown dog"), 3.0);
}

TEST(DiffWer, EmptyReference) {
  EXPECT_DOUBLE_EQ(word_error_rate("", ""), 0.0);
  EXPECT_DOUBLE_EQ(word_error_rate("", "a cat"), 1.0);
  EXPECT_DOUBLE_EQ(word_error_rate("a cat", ""), 1.0);
}

// ---- scripts written without spaces: one token per character

std::vector<bool> glued(std::string_view text) {
  std::vector<bool> out;
  for (const Token& t : tokenize(text)) out.push_back(t.glued);
  return out;
}

TEST(DiffTokenize, ChineseAndJapaneseAreOneTokenPerCharacter) {
  EXPECT_EQ(keys("一只黑猫在沙发上。"),
            (std::vector<std::string>{"一", "只", "黑", "猫", "在", "沙", "发", "上", "。"}));
  EXPECT_EQ(glued("一只黑猫"), (std::vector<bool>{false, true, true, true}));
  EXPECT_EQ(keys("ねこがいる"), (std::vector<std::string>{"ね", "こ", "が", "い", "る"}));
  EXPECT_EQ(keys("カメラ"), (std::vector<std::string>{"カ", "メ", "ラ"}));
  // Hangul is written with spaces: words stay whole.
  EXPECT_EQ(keys("검은 고양이"), (std::vector<std::string>{"검은", "고양이"}));
}

TEST(DiffTokenize, MixedScriptsSplitAtEachCharacterAndKeepLatinWords) {
  const std::vector<Token> tokens = tokenize("3个 Red苹果，ok");
  std::vector<std::string> k;
  for (const Token& t : tokens) k.push_back(t.key);
  EXPECT_EQ(k, (std::vector<std::string>{"3", "个", "red", "苹", "果", "，", "ok"}));
  EXPECT_EQ(glued("3个 Red苹果，ok"), (std::vector<bool>{false, true, false, true, true, true, true}));
  EXPECT_EQ(tokens[2].text, "Red");
}

TEST(DiffTokenize, CjkPunctuationIsPunctuation) {
  for (const Token& t : tokenize("、。，「」！？・")) EXPECT_TRUE(is_punctuation(t)) << t.text;
  EXPECT_FALSE(is_punctuation(tokenize("猫").front()));
}

TEST(DiffTokenize, BrokenUtf8NeverCrashesAndKeepsEveryByte) {
  const std::string text = "\xff\xfe\xe7\x8c\xab\xe4 \xe7\x8c";  // bad, bad, 猫, cut-off 3-byte start; cut-off
  std::string joined;
  for (const Token& t : tokenize(text)) joined += t.text;
  EXPECT_EQ(joined, "\xff\xfe\xe7\x8c\xab\xe4\xe7\x8c");
  EXPECT_EQ(keys("\xe7\x8c\xab"), (std::vector<std::string>{"猫"}));
}

TEST(WordDiff, ChineseDiffsMarkTheCharactersThatChanged) {
  const auto ops = word_diff("一只黑猫", "一只白猫");
  EXPECT_EQ(ops, (std::vector<DiffOp>{{K::keep, "一只"}, {K::del, "黑", true}, {K::ins, "白", true},
                                     {K::keep, "猫", true}}));
  for (const DiffWord& w : diff_words(ops)) EXPECT_FALSE(w.space_before) << w.text;
  EXPECT_DOUBLE_EQ(word_error_rate("一只黑猫", "一只白猫"), 0.25);
  EXPECT_EQ(word_edit_distance("一只黑猫在沙发上", "两只黑猫在床上"), 3);
}

TEST(WordDiff, DiffWordsPutSpacesWhereTheCaptionsHaveThem) {
  const auto words = diff_words(word_diff("a red 猫 sits", "a blue 猫 sits"));
  std::string shown;
  for (const DiffWord& w : words) shown += (w.space_before ? " " : "") + w.text;
  EXPECT_EQ(shown, "a red blue 猫 sits");
  const auto cjk = diff_words(word_diff("黑猫 sits", "白猫 sits"));
  shown.clear();
  for (const DiffWord& w : cjk) shown += (w.space_before ? " " : "") + w.text;
  EXPECT_EQ(shown, "黑 白猫 sits") << "a caption's first word has no word before it to glue to";
}

}  // namespace
}  // namespace gloss
