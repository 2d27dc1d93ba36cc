// Vocabulary: tokenisation, building, encode/decode edge cases, extension.
#include "model/vocab.h"

#include <gtest/gtest.h>

#include "core/error.h"

namespace gloss {
namespace {

using Words = std::vector<std::string>;
using Ids = std::vector<std::int64_t>;

TEST(Vocab, TokenizeLowercasesSplitsAndStripsPunctuation) {
  EXPECT_EQ(Vocab::tokenize("A Red, SQUARE!"), (Words{"a", "red", "square"}));
  EXPECT_EQ(Vocab::tokenize("  the dog's\tball\n(well-lit) ... -- \"quoted\""),
            (Words{"the", "dog's", "ball", "well-lit", "quoted"}));
  EXPECT_TRUE(Vocab::tokenize("").empty());
  EXPECT_TRUE(Vocab::tokenize(" .,;!? ").empty());
  EXPECT_EQ(Vocab::tokenize("<unk>"), (Words{"unk"}));
}

// Chinese and Japanese captions train and decode one character a word, as
// the metrics score them; no spaces are put between those characters.
TEST(Vocab, ChineseIsOneCharacterAWordAndDecodesWithoutSpaces) {
  EXPECT_EQ(Vocab::tokenize("一只黑猫。"), (Words{"一", "只", "黑", "猫"}));
  EXPECT_EQ(Vocab::tokenize("3个 Red苹果"), (Words{"3", "个", "red", "苹", "果"}));
  const Vocab v = Vocab::build({"一只黑猫", "a red 苹果"});
  EXPECT_EQ(v.decode(v.encode("一只黑猫")), "一只黑猫");
  EXPECT_EQ(v.decode(v.encode("a red 苹果")), "a red苹果");
}

TEST(Vocab, SpecialsComeFirst) {
  Vocab v;
  ASSERT_EQ(v.size(), 4u);
  EXPECT_EQ(v.word(Vocab::kPad), "<pad>");
  EXPECT_EQ(v.word(Vocab::kStart), "<start>");
  EXPECT_EQ(v.word(Vocab::kEnd), "<end>");
  EXPECT_EQ(v.word(Vocab::kUnk), "<unk>");
}

TEST(Vocab, BuildCountsAfterTokenisationAndAppliesMinCount) {
  const Words captions = {"A red square.", "a RED circle", "a blue circle!", "zebra"};
  Vocab v = Vocab::build(captions, 2);
  // a:3, circle:2, red:2 (ties alphabetical); blue, square, zebra dropped.
  EXPECT_EQ(v.words(), (Words{"<pad>", "<start>", "<end>", "<unk>", "a", "circle", "red"}));
  EXPECT_EQ(Vocab::build(captions, 1).size(), 4u + 6u);
  EXPECT_EQ(Vocab::build(captions, 0).size(), 4u + 6u);  // min count below 1 acts as 1
}

TEST(Vocab, UnknownWordsBecomeUnk) {
  Vocab v = Vocab::build({"a red square"});
  EXPECT_EQ(v.id("purple"), Vocab::kUnk);
  EXPECT_EQ(v.encode("A purple square"),
            (Ids{Vocab::kStart, v.id("a"), Vocab::kUnk, v.id("square"), Vocab::kEnd}));
  EXPECT_EQ(v.decode(v.encode("A purple square")), "a <unk> square");
  EXPECT_EQ(v.word(999), "<unk>");
  EXPECT_EQ(v.word(-1), "<unk>");
}

TEST(Vocab, EmptyCaptionIsStartEnd) {
  Vocab v = Vocab::build({"a red square"});
  EXPECT_EQ(v.encode(""), (Ids{Vocab::kStart, Vocab::kEnd}));
  EXPECT_EQ(v.encode(" ... "), (Ids{Vocab::kStart, Vocab::kEnd}));
  EXPECT_EQ(v.decode(v.encode("")), "");
}

TEST(Vocab, DecodeSkipsPadAndStartAndStopsAtEnd) {
  Vocab v = Vocab::build({"a red square"});
  const Ids ids = {Vocab::kStart, v.id("a"), Vocab::kPad, v.id("red"), Vocab::kEnd, v.id("square")};
  EXPECT_EQ(v.decode(ids), "a red");
  EXPECT_EQ(v.decode({}), "");
}

TEST(Vocab, ExtendedKeepsOldIdsAndAppendsNewWords) {
  Vocab base = Vocab::build({"a red square", "a blue circle"});
  Vocab grown = base.extended({"a purple square", "purple star", "a star", "once"}, 2);
  ASSERT_EQ(grown.size(), base.size() + 2);  // purple, star (count 2); once dropped
  for (std::size_t i = 0; i < base.size(); ++i) EXPECT_EQ(grown.word(i), base.word(i));
  EXPECT_EQ(grown.word(base.size()), "purple");
  EXPECT_EQ(grown.word(base.size() + 1), "star");
  EXPECT_FALSE(grown.contains("once"));
  // Nothing new: same vocabulary.
  EXPECT_EQ(base.extended({"a red circle"}).words(), base.words());
}

TEST(Vocab, FromWordsValidates) {
  Vocab v = Vocab::build({"a red square"});
  EXPECT_EQ(Vocab::from_words(v.words()).words(), v.words());
  EXPECT_THROW(Vocab::from_words({"<pad>", "<start>", "<end>"}), UserError);
  EXPECT_THROW(Vocab::from_words({"<start>", "<pad>", "<end>", "<unk>"}), UserError);
  EXPECT_THROW(Vocab::from_words({"<pad>", "<start>", "<end>", "<unk>", "a", "a"}), UserError);
  EXPECT_THROW(Vocab::from_words({"<pad>", "<start>", "<end>", "<unk>", ""}), UserError);
}

}  // namespace
}  // namespace gloss
