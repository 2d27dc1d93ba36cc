// Corpus caption metrics for `gloss eval` and training validation: BLEU-4
// (as NLTK's corpus_bleu, no smoothing), CIDEr-D (as the COCO caption
// evaluation code), mean WER and exact match.
//
// Every metric sees a caption as its metric tokens: the keys of tokenize()
// (ASCII lower-cased, leading/trailing punctuation stripped) with tokens made
// only of punctuation dropped, so "A dog ." and "a dog" are the same caption.
//
// Inputs are one reference list per item and one hypothesis per item; the two
// must have the same length and every item needs at least one reference
// (std::invalid_argument otherwise).
#pragma once

#include <array>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace gloss {

std::vector<std::string> metric_tokens(std::string_view caption);

// Corpus sums behind BLEU, kept so callers can accumulate or report them.
struct BleuStats {
  std::array<std::size_t, 4> matches{};  // clipped n-gram matches, n = 1..4
  std::array<std::size_t, 4> totals{};   // hypothesis n-grams, at least 1 per item (as NLTK)
  std::size_t hyp_length = 0;            // c: total hypothesis words
  std::size_t ref_length = 0;            // r: sum of each item's closest reference length
};

BleuStats corpus_bleu_stats(const std::vector<std::vector<std::string>>& references_per_item,
                            const std::vector<std::string>& hypotheses);

// Brevity penalty times the geometric mean of the four precisions; 0 when any
// precision has no match (NLTK without smoothing returns 0 or ~1e-77 there).
double bleu4_from_stats(const BleuStats& stats);

double corpus_bleu4(const std::vector<std::vector<std::string>>& references_per_item,
                    const std::vector<std::string>& hypotheses);

// CIDEr-D of each item (sigma 6, clipped tf-idf, x10). Document frequencies
// and idf = log(N) - log(max(1, df)) come from the reference sets of the whole
// corpus, so a corpus of one item always scores 0.
std::vector<double> cider_d_per_item(const std::vector<std::vector<std::string>>& refs,
                                     const std::vector<std::string>& hyps);

// Mean of cider_d_per_item; 0 for an empty corpus.
double corpus_cider_d(const std::vector<std::vector<std::string>>& refs,
                      const std::vector<std::string>& hyps);

struct EvalScores {
  double bleu4 = 0;
  double cider_d = 0;
  double mean_wer = 0;     // WER of each hypothesis against the item's first reference
  double exact_match = 0;  // fraction of items whose hypothesis equals some reference
  std::size_t items = 0;
};

// All scores over metric tokens; an empty corpus gives all zeros.
EvalScores evaluate_captions(const std::vector<std::vector<std::string>>& refs,
                             const std::vector<std::string>& hyps);

}  // namespace gloss
