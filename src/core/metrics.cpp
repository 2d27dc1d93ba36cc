// BLEU-4, CIDEr-D, WER and exact match over a corpus of captions.
#include "core/metrics.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <stdexcept>
#include <unordered_map>

#include "core/diff.h"

namespace gloss {
namespace {

constexpr int kMaxN = 4;
constexpr std::uint32_t kNoWord = UINT32_MAX;

using Words = std::vector<std::uint32_t>;  // a caption as word ids

// Up to four word ids; unused slots hold kNoWord, so the order is implied.
struct NGram {
  std::array<std::uint32_t, kMaxN> ids{kNoWord, kNoWord, kNoWord, kNoWord};

  int order() const {
    return static_cast<int>(std::count_if(ids.begin(), ids.end(),
                                          [](std::uint32_t id) { return id != kNoWord; }));
  }
  bool operator==(const NGram&) const = default;
};

struct NGramHash {
  std::size_t operator()(const NGram& g) const {
    std::uint64_t h = 1469598103934665603ull;
    for (std::uint32_t id : g.ids) h = (h ^ id) * 1099511628211ull;
    return static_cast<std::size_t>(h);
  }
};

using NGramCounts = std::unordered_map<NGram, int, NGramHash>;

// Interns metric tokens so n-grams compare as small integer arrays.
class Vocabulary {
 public:
  Words encode(std::string_view caption) {
    Words words;
    for (std::string& token : metric_tokens(caption))
      words.push_back(ids_.try_emplace(std::move(token), ids_.size()).first->second);
    return words;
  }

 private:
  std::unordered_map<std::string, std::uint32_t> ids_;
};

struct Item {
  std::vector<Words> refs;
  Words hyp;
};

std::vector<Item> encode_corpus(const std::vector<std::vector<std::string>>& refs,
                                const std::vector<std::string>& hyps) {
  if (refs.size() != hyps.size())
    throw std::invalid_argument("metrics: " + std::to_string(refs.size()) +
                                " reference sets for " + std::to_string(hyps.size()) +
                                " hypotheses");
  Vocabulary vocab;
  std::vector<Item> items(hyps.size());
  for (std::size_t i = 0; i < hyps.size(); ++i) {
    if (refs[i].empty())
      throw std::invalid_argument("metrics: item " + std::to_string(i) + " has no reference");
    for (const std::string& ref : refs[i]) items[i].refs.push_back(vocab.encode(ref));
    items[i].hyp = vocab.encode(hyps[i]);
  }
  return items;
}

// Counts of every n-gram of order 1..4.
NGramCounts count_ngrams(const Words& words) {
  NGramCounts counts;
  for (int n = 1; n <= kMaxN; ++n) {
    for (std::size_t start = 0; start + n <= words.size(); ++start) {
      NGram g;
      std::copy_n(words.begin() + start, n, g.ids.begin());
      ++counts[g];
    }
  }
  return counts;
}

std::size_t ngrams_of_order(std::size_t length, int n) {
  return length >= static_cast<std::size_t>(n) ? length - n + 1 : 0;
}

// The reference length closest to the hypothesis length; ties go to the shorter.
std::size_t closest_ref_length(const std::vector<Words>& refs, std::size_t hyp_length) {
  std::size_t best = refs.front().size();
  const auto gap = [&](std::size_t len) {
    return len > hyp_length ? len - hyp_length : hyp_length - len;
  };
  for (const Words& ref : refs) {
    if (gap(ref.size()) < gap(best) || (gap(ref.size()) == gap(best) && ref.size() < best))
      best = ref.size();
  }
  return best;
}

void add_bleu_item(const Item& item, BleuStats& stats) {
  const NGramCounts hyp_counts = count_ngrams(item.hyp);
  NGramCounts max_ref_counts;
  for (const Words& ref : item.refs) {
    for (const auto& [gram, count] : count_ngrams(ref)) {
      if (!hyp_counts.contains(gram)) continue;
      int& best = max_ref_counts[gram];
      best = std::max(best, count);
    }
  }
  for (const auto& [gram, count] : hyp_counts) {
    const auto ref = max_ref_counts.find(gram);
    if (ref != max_ref_counts.end())
      stats.matches[gram.order() - 1] += static_cast<std::size_t>(std::min(count, ref->second));
  }
  for (int n = 1; n <= kMaxN; ++n)
    stats.totals[n - 1] += std::max<std::size_t>(1, ngrams_of_order(item.hyp.size(), n));
  stats.hyp_length += item.hyp.size();
  stats.ref_length += closest_ref_length(item.refs, item.hyp.size());
}

// ---- CIDEr-D

constexpr double kCiderSigma = 6.0;

struct TfIdf {
  std::unordered_map<NGram, double, NGramHash> weight;
  std::array<double, kMaxN> norm{};  // per order
  std::size_t length = 0;            // words
};

// Number of items whose reference set contains each n-gram.
NGramCounts reference_document_frequency(const std::vector<Item>& items) {
  NGramCounts df;
  for (const Item& item : items) {
    NGramCounts seen;
    for (const Words& ref : item.refs)
      for (const auto& entry : count_ngrams(ref)) seen[entry.first] = 1;
    for (const auto& entry : seen) ++df[entry.first];
  }
  return df;
}

TfIdf tf_idf(const Words& words, const NGramCounts& df, double log_items) {
  TfIdf vec;
  vec.length = words.size();
  for (const auto& [gram, tf] : count_ngrams(words)) {
    const auto found = df.find(gram);
    const double doc_freq = found == df.end() ? 0.0 : found->second;
    const double w = tf * (log_items - std::log(std::max(1.0, doc_freq)));
    vec.weight.emplace(gram, w);
    vec.norm[gram.order() - 1] += w * w;
  }
  for (double& n : vec.norm) n = std::sqrt(n);
  return vec;
}

// Mean over n of the clipped cosine, times the Gaussian length penalty.
double cider_d_similarity(const TfIdf& hyp, const TfIdf& ref) {
  std::array<double, kMaxN> dot{};
  for (const auto& [gram, h] : hyp.weight) {
    const auto found = ref.weight.find(gram);
    if (found == ref.weight.end()) continue;
    const double r = found->second;
    dot[gram.order() - 1] += std::min(h, r) * r;
  }
  double sum = 0;
  for (int n = 0; n < kMaxN; ++n) {
    if (hyp.norm[n] != 0 && ref.norm[n] != 0) sum += dot[n] / (hyp.norm[n] * ref.norm[n]);
  }
  const double delta = static_cast<double>(hyp.length) - static_cast<double>(ref.length);
  return sum / kMaxN * std::exp(-(delta * delta) / (2 * kCiderSigma * kCiderSigma));
}

std::vector<double> cider_d_scores(const std::vector<Item>& items) {
  const NGramCounts df = reference_document_frequency(items);
  const double log_items = std::log(std::max<double>(1.0, static_cast<double>(items.size())));
  std::vector<double> scores;
  scores.reserve(items.size());
  for (const Item& item : items) {
    const TfIdf hyp = tf_idf(item.hyp, df, log_items);
    double total = 0;
    for (const Words& ref : item.refs) total += cider_d_similarity(hyp, tf_idf(ref, df, log_items));
    scores.push_back(10.0 * total / static_cast<double>(item.refs.size()));
  }
  return scores;
}

double mean(const std::vector<double>& values) {
  if (values.empty()) return 0;
  double sum = 0;
  for (double v : values) sum += v;
  return sum / static_cast<double>(values.size());
}

}  // namespace

std::vector<std::string> metric_tokens(std::string_view caption) {
  std::vector<std::string> keys;
  for (Token& token : tokenize(caption))
    if (!is_punctuation(token)) keys.push_back(std::move(token.key));
  return keys;
}

BleuStats corpus_bleu_stats(const std::vector<std::vector<std::string>>& references_per_item,
                            const std::vector<std::string>& hypotheses) {
  BleuStats stats;
  for (const Item& item : encode_corpus(references_per_item, hypotheses))
    add_bleu_item(item, stats);
  return stats;
}

double bleu4_from_stats(const BleuStats& stats) {
  double log_precision = 0;
  for (int n = 0; n < kMaxN; ++n) {
    if (stats.matches[n] == 0) return 0;
    log_precision += std::log(static_cast<double>(stats.matches[n]) /
                              static_cast<double>(stats.totals[n])) / kMaxN;
  }
  const double c = static_cast<double>(stats.hyp_length);
  const double r = static_cast<double>(stats.ref_length);
  const double brevity = c > r ? 1.0 : std::exp(1.0 - r / c);  // c > 0: matches[0] > 0
  return brevity * std::exp(log_precision);
}

double corpus_bleu4(const std::vector<std::vector<std::string>>& references_per_item,
                    const std::vector<std::string>& hypotheses) {
  return bleu4_from_stats(corpus_bleu_stats(references_per_item, hypotheses));
}

std::vector<double> cider_d_per_item(const std::vector<std::vector<std::string>>& refs,
                                     const std::vector<std::string>& hyps) {
  return cider_d_scores(encode_corpus(refs, hyps));
}

double corpus_cider_d(const std::vector<std::vector<std::string>>& refs,
                      const std::vector<std::string>& hyps) {
  return mean(cider_d_per_item(refs, hyps));
}

EvalScores evaluate_captions(const std::vector<std::vector<std::string>>& refs,
                             const std::vector<std::string>& hyps) {
  const std::vector<Item> items = encode_corpus(refs, hyps);
  EvalScores scores;
  scores.items = items.size();
  if (items.empty()) return scores;

  BleuStats bleu;
  std::vector<double> wers;
  std::size_t exact = 0;
  for (std::size_t i = 0; i < items.size(); ++i) {
    const Item& item = items[i];
    add_bleu_item(item, bleu);
    wers.push_back(error_rate(metric_tokens(refs[i].front()), metric_tokens(hyps[i])));
    // Equal word-id sequences are equal token sequences (one vocabulary).
    if (std::find(item.refs.begin(), item.refs.end(), item.hyp) != item.refs.end()) ++exact;
  }
  scores.bleu4 = bleu4_from_stats(bleu);
  scores.cider_d = mean(cider_d_scores(items));
  scores.mean_wer = mean(wers);
  scores.exact_match = static_cast<double>(exact) / static_cast<double>(items.size());
  return scores;
}

}  // namespace gloss
