// BLEU-4, CIDEr-D, WER and exact match on small corpora worked out by hand.
#include "core/metrics.h"

#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>

namespace gloss {
namespace {

using Refs = std::vector<std::vector<std::string>>;
using Hyps = std::vector<std::string>;

constexpr double kEps = 1e-12;

TEST(MetricsTokens, LowerStripAndDropPunctuationOnlyTokens) {
  EXPECT_EQ(metric_tokens("A Dog, runs . (fast)!"),
            (std::vector<std::string>{"a", "dog", "runs", "fast"}));
  EXPECT_TRUE(metric_tokens(" ... - ").empty());
}

TEST(Bleu, PerfectMatchIsOne) {
  EXPECT_NEAR(corpus_bleu4({{"the cat sat on the mat"}}, {"the cat sat on the mat"}), 1.0, kEps);
  // Case and punctuation do not matter.
  EXPECT_NEAR(corpus_bleu4({{"The cat sat on the mat."}}, {"the cat sat on the mat"}), 1.0, kEps);
}

TEST(Bleu, TwoItemCorpusWithMultipleReferences) {
  // Item 1 is perfect, 6 words:        1-grams 6/6, 2: 5/5, 3: 4/4, 4: 3/3.
  // Item 2 hyp "a dog runs in park" against "a dog runs in the park" and "the dog runs":
  //   1-grams a dog runs in park        all in ref 1   5/5
  //   2-grams a.dog dog.runs runs.in    in ref 1; in.park nowhere      3/4
  //   3-grams a.dog.runs dog.runs.in    in ref 1; runs.in.park no      2/3
  //   4-grams a.dog.runs.in             in ref 1; dog.runs.in.park no  1/2
  // Corpus precisions 11/11, 8/9, 6/7, 4/5.
  // Closest reference lengths: 6 and (|6-5|=1 beats |3-5|=2) 6 -> r = 12, c = 11.
  // BLEU = exp(1 - 12/11) * (1 * 8/9 * 6/7 * 4/5)^(1/4) = exp(-1/11) * (64/105)^(1/4)
  const Refs refs = {{"the cat is on the mat"}, {"a dog runs in the park", "the dog runs"}};
  const Hyps hyps = {"the cat is on the mat", "a dog runs in park"};

  const BleuStats stats = corpus_bleu_stats(refs, hyps);
  EXPECT_EQ(stats.matches, (std::array<std::size_t, 4>{11, 8, 6, 4}));
  EXPECT_EQ(stats.totals, (std::array<std::size_t, 4>{11, 9, 7, 5}));
  EXPECT_EQ(stats.hyp_length, 11u);
  EXPECT_EQ(stats.ref_length, 12u);
  EXPECT_NEAR(corpus_bleu4(refs, hyps), std::exp(-1.0 / 11.0) * std::pow(64.0 / 105.0, 0.25),
              kEps);  // 0.806800859...
}

TEST(Bleu, BrevityPenalty) {
  // All precisions 1; c = 4, r = 6 -> BP = exp(1 - 6/4) = exp(-0.5).
  EXPECT_NEAR(corpus_bleu4({{"the quick brown fox jumps over"}}, {"the quick brown fox"}),
              std::exp(-0.5), kEps);
}

TEST(Bleu, ClosestReferenceLengthTieGoesToTheShorter) {
  // hyp length 4; references of length 3 and 5 are both 1 away. Taking 3 gives
  // c > r, so no penalty (taking 5 would give exp(1 - 5/4) = 0.7788).
  EXPECT_NEAR(corpus_bleu4({{"the cat sat", "the cat sat on mat"}}, {"the cat sat on"}), 1.0, kEps);
  EXPECT_EQ(corpus_bleu_stats({{"the cat sat", "the cat sat on mat"}}, {"the cat sat on"}).ref_length,
            3u);
}

TEST(Bleu, NoFourGramMatchIsZero) {
  // "the cat the mat" vs "the cat on the mat": the only 4-gram is unmatched.
  EXPECT_EQ(corpus_bleu4({{"the cat on the mat"}}, {"the cat the mat"}), 0.0);
}

TEST(Bleu, ClippingByTheBestReference) {
  // Papineni's example: "the" x7. Ref 1 has "the" twice, ref 2 once -> clip 2.
  const BleuStats stats = corpus_bleu_stats(
      {{"the cat is on the mat", "there is a cat on the mat"}}, {"the the the the the the the"});
  EXPECT_EQ(stats.matches[0], 2u);
  EXPECT_EQ(stats.totals[0], 7u);
  EXPECT_EQ(stats.matches[1], 0u);  // "the the" is in neither reference
  EXPECT_EQ(bleu4_from_stats(stats), 0.0);
}

TEST(Bleu, ClippingLowersANonZeroScore) {
  // hyp "a dog a dog and a cat" (7) vs ref "a dog and a cat and a dog" (8):
  //   1-grams: a x3 (ref 3), dog x2 (ref 2), and x1 (ref 2), cat x1   7/7
  //   2-grams: a.dog x2 (ref 2), dog.a x1 (ref 0), dog.and, and.a, a.cat  5/6
  //   3-grams: a.dog.a no, dog.a.dog no, a.dog.and yes, dog.and.a yes, and.a.cat yes  3/5
  //   4-grams: a.dog.a.dog, dog.a.dog.and no; a.dog.and.a, dog.and.a.cat yes  2/4
  // BP = exp(1 - 8/7) = exp(-1/7).  BLEU = exp(-1/7) * (5/6 * 3/5 * 1/2)^(1/4) = exp(-1/7) / 4^(1/4)
  const Refs refs = {{"a dog and a cat and a dog"}};
  const Hyps hyps = {"a dog a dog and a cat"};
  const BleuStats stats = corpus_bleu_stats(refs, hyps);
  EXPECT_EQ(stats.matches, (std::array<std::size_t, 4>{7, 5, 3, 2}));
  EXPECT_EQ(stats.totals, (std::array<std::size_t, 4>{7, 6, 5, 4}));
  EXPECT_NEAR(corpus_bleu4(refs, hyps), std::exp(-1.0 / 7.0) / std::pow(4.0, 0.25), kEps);
}

TEST(Bleu, ShortHypothesisCountsOneNGramLikeNltk) {
  // Item 2 has 3 words and so no 4-gram, but NLTK still adds 1 to the 4-gram
  // denominator: 4-grams 3/(3+1), the rest all match; r = c = 9.
  const Refs refs = {{"the cat is on the mat"}, {"a dog runs"}};
  const Hyps hyps = {"the cat is on the mat", "a dog runs"};
  const BleuStats stats = corpus_bleu_stats(refs, hyps);
  EXPECT_EQ(stats.matches, (std::array<std::size_t, 4>{9, 7, 5, 3}));
  EXPECT_EQ(stats.totals, (std::array<std::size_t, 4>{9, 7, 5, 4}));
  EXPECT_NEAR(corpus_bleu4(refs, hyps), std::pow(0.75, 0.25), kEps);
}

TEST(Bleu, EmptyCorpusAndEmptyHypothesis) {
  EXPECT_EQ(corpus_bleu4({}, {}), 0.0);
  EXPECT_EQ(corpus_bleu4({{"a cat"}}, {""}), 0.0);
}

TEST(Bleu, MismatchedInputsThrow) {
  EXPECT_THROW(corpus_bleu4({{"a"}, {"b"}}, {"a"}), std::invalid_argument);
  EXPECT_THROW(corpus_bleu4({{}}, {"a"}), std::invalid_argument);
}

TEST(Cider, IdenticalCaptionsWithDisjointReferencesScoreTen) {
  // Every reference n-gram has df 1 of N = 2, so idf = log 2 for all of them;
  // hypothesis vector == reference vector -> cosine 1 for each n (both have
  // 4-grams), length penalty 1 -> 10 * mean(1, 1, 1, 1) = 10 per item.
  const Refs refs = {{"a red ball on grass"}, {"the blue car is parked"}};
  const Hyps hyps = {"a red ball on grass", "The blue car is parked."};
  EXPECT_NEAR(corpus_cider_d(refs, hyps), 10.0, 1e-9);
}

TEST(Cider, HandWorkedTwoItemCorpus) {
  // refs "a red ball" / "a blue car", hyps "a red car" / "a blue car"; L = log 2.
  // df: a = 2 (idf 0); every other reference n-gram df 1 (idf L); hyp-only
  // n-grams ("red car", "a red car") df 0 -> idf log 2 - log 1 = L.
  // Item 1: 1-grams hyp {a:0, red:L, car:L}, ref {a:0, red:L, ball:L}
  //           dot = L^2 (red), norms sqrt2 L each -> 1/2
  //         2-grams hyp {a.red:L, red.car:L}, ref {a.red:L, red.ball:L} -> 1/2
  //         3-grams a.red.car vs a.red.ball -> 0; 4-grams none -> 0
  //         score = 10 * (1/2 + 1/2 + 0 + 0) / 4 = 2.5
  // Item 2: identical; 1-, 2-, 3-gram cosines 1 ("a" has weight 0), no 4-grams
  //         score = 10 * 3/4 = 7.5.      Corpus = (2.5 + 7.5) / 2 = 5.
  const Refs refs = {{"a red ball"}, {"a blue car"}};
  const Hyps hyps = {"a red car", "a blue car"};
  const std::vector<double> items = cider_d_per_item(refs, hyps);
  ASSERT_EQ(items.size(), 2u);
  EXPECT_NEAR(items[0], 2.5, 1e-9);
  EXPECT_NEAR(items[1], 7.5, 1e-9);
  EXPECT_NEAR(corpus_cider_d(refs, hyps), 5.0, 1e-9);
}

TEST(Cider, HypothesisSharingNothingScoresZero) {
  const std::vector<double> items =
      cider_d_per_item({{"a red ball"}, {"a blue car"}}, {"green tree", "a blue car"});
  EXPECT_EQ(items[0], 0.0);
  EXPECT_NEAR(items[1], 7.5, 1e-9);
}

TEST(Cider, LengthPenaltyAndClipping) {
  // refs "red ball" / "blue car"; item 1 hyp "red ball red ball" (4 words vs 2).
  // 1-grams hyp {red:2L, ball:2L}, ref {red:L, ball:L}:
  //   clipped dot = min(2L,L)*L * 2 = 2L^2; norms 2sqrt2 L, sqrt2 L -> 1/2
  // 2-grams hyp {red.ball:2L, ball.red:L (df 0)}, ref {red.ball:L}:
  //   dot = L^2; norms sqrt5 L, L -> 1/sqrt5
  // 3-, 4-grams: the reference has none -> 0
  // Gaussian penalty, delta 2: exp(-4 / 72) = exp(-1/18)
  // score = 10 * exp(-1/18) * (1/2 + 1/sqrt5) / 4 = 2.2400641...
  // (without the penalty it would be 2.368).
  const std::vector<double> items =
      cider_d_per_item({{"red ball"}, {"blue car"}}, {"red ball red ball", "blue car"});
  EXPECT_NEAR(items[0], 2.5 * std::exp(-1.0 / 18.0) * (0.5 + 1.0 / std::sqrt(5.0)), 1e-9);
  EXPECT_NEAR(items[1], 5.0, 1e-9);  // 2 words: 1- and 2-gram cosines 1 -> 10 * 2/4
}

TEST(Cider, AveragesOverReferences) {
  // Item 1 has two references: the hypothesis equals the first (cosines 1,1,1,0
  // -> 7.5) and shares nothing with "green tree" (0): (7.5 + 0) / 2 = 3.75.
  const std::vector<double> items = cider_d_per_item(
      {{"a red ball", "green tree"}, {"the blue car"}}, {"a red ball", "the blue car"});
  EXPECT_NEAR(items[0], 3.75, 1e-9);
  EXPECT_NEAR(items[1], 7.5, 1e-9);
}

TEST(Cider, SingleItemCorpusAndEmptyCorpusAreZero) {
  // With N = 1 every idf is log 1 - log 1 = 0.
  EXPECT_EQ(corpus_cider_d({{"a red ball"}}, {"a red ball"}), 0.0);
  EXPECT_EQ(corpus_cider_d({}, {}), 0.0);
}

TEST(MetricsEval, WerExactMatchAndConsistency) {
  // Item 1: hyp equals the second reference -> exact; WER vs "a red ball" = 1/3.
  // Item 2: equal after lower-casing and dropping punctuation -> exact; WER 0.
  // Item 3: dogs->cats, +here vs "two dogs play" -> WER 2/3; not exact.
  const Refs refs = {{"A red ball.", "a ball"}, {"the blue car"}, {"two dogs play"}};
  const Hyps hyps = {"a ball", "The blue car !", "two cats play here"};
  const EvalScores s = evaluate_captions(refs, hyps);
  EXPECT_EQ(s.items, 3u);
  EXPECT_NEAR(s.exact_match, 2.0 / 3.0, kEps);
  EXPECT_NEAR(s.mean_wer, (1.0 / 3.0 + 0.0 + 2.0 / 3.0) / 3.0, kEps);
  EXPECT_NEAR(s.bleu4, corpus_bleu4(refs, hyps), kEps);
  EXPECT_NEAR(s.cider_d, corpus_cider_d(refs, hyps), kEps);
}

TEST(MetricsEval, EmptyCorpusIsAllZero) {
  const EvalScores s = evaluate_captions({}, {});
  EXPECT_EQ(s.items, 0u);
  EXPECT_EQ(s.bleu4, 0.0);
  EXPECT_EQ(s.cider_d, 0.0);
  EXPECT_EQ(s.mean_wer, 0.0);
  EXPECT_EQ(s.exact_match, 0.0);
}

}  // namespace
}  // namespace gloss
