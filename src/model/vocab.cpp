#include "model/vocab.h"

#include <algorithm>
#include <map>
#include <utility>

#include "core/diff.h"
#include "core/error.h"
#include "core/metrics.h"

namespace gloss {
namespace {

const char* const kSpecials[] = {"<pad>", "<start>", "<end>", "<unk>"};

// Counts tokens of `captions`, returns words with count >= min_count sorted
// by count (descending) then alphabetically.
std::vector<std::string> frequent_words(const std::vector<std::string>& captions, int min_count) {
  std::map<std::string, long> counts;
  for (const auto& caption : captions)
    for (auto& token : Vocab::tokenize(caption)) ++counts[std::move(token)];
  std::vector<std::pair<std::string, long>> sorted(counts.begin(), counts.end());
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  std::vector<std::string> words;
  for (auto& [word, count] : sorted)
    if (count >= std::max(1, min_count)) words.push_back(word);
  return words;
}

}  // namespace

Vocab::Vocab() {
  for (const char* special : kSpecials) add(special);
}

void Vocab::add(std::string word) {
  ids_.emplace(word, static_cast<std::int64_t>(words_.size()));
  words_.push_back(std::move(word));
}

std::vector<std::string> Vocab::tokenize(std::string_view caption) { return metric_tokens(caption); }

Vocab Vocab::build(const std::vector<std::string>& captions, int min_count) {
  Vocab vocab;
  for (auto& word : frequent_words(captions, min_count)) vocab.add(std::move(word));
  return vocab;
}

Vocab Vocab::from_words(std::vector<std::string> words, const std::string& what) {
  if (words.size() < 4)
    throw UserError(what + ": vocabulary has " + std::to_string(words.size()) +
                    " entries; it needs at least <pad> <start> <end> <unk>");
  for (int i = 0; i < 4; ++i)
    if (words[i] != kSpecials[i])
      throw UserError(what + ": vocabulary entry " + std::to_string(i) + " is \"" + words[i] +
                      "\", expected \"" + kSpecials[i] + "\"");
  Vocab vocab;
  for (std::size_t i = 4; i < words.size(); ++i) {
    if (words[i].empty())
      throw UserError(what + ": vocabulary entry " + std::to_string(i) + " is empty");
    if (vocab.contains(words[i]))
      throw UserError(what + ": vocabulary word \"" + words[i] + "\" appears twice");
    vocab.add(std::move(words[i]));
  }
  return vocab;
}

Vocab Vocab::extended(const std::vector<std::string>& captions, int min_count) const {
  Vocab vocab = *this;
  for (auto& word : frequent_words(captions, min_count))
    if (!vocab.contains(word)) vocab.add(std::move(word));
  return vocab;
}

bool Vocab::contains(std::string_view word) const { return ids_.count(std::string(word)) > 0; }

std::int64_t Vocab::id(std::string_view word) const {
  auto it = ids_.find(std::string(word));
  return it == ids_.end() ? kUnk : it->second;
}

const std::string& Vocab::word(std::int64_t id) const {
  if (id < 0 || id >= static_cast<std::int64_t>(words_.size())) return words_[kUnk];
  return words_[static_cast<std::size_t>(id)];
}

std::vector<std::int64_t> Vocab::encode(std::string_view caption) const {
  std::vector<std::int64_t> ids{kStart};
  for (const auto& token : tokenize(caption)) ids.push_back(id(token));
  ids.push_back(kEnd);
  return ids;
}

std::string Vocab::decode(const std::vector<std::int64_t>& ids) const {
  std::string text, last;
  for (std::int64_t id : ids) {
    if (id == kEnd) break;
    if (id == kPad || id == kStart) continue;
    const std::string& w = word(id);
    if (!text.empty() && !is_unspaced_character(w) && !is_unspaced_character(last)) text += ' ';
    text += w;
    last = w;
  }
  return text;
}

}  // namespace gloss
