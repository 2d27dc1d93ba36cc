// libwordnet behind one mutex. Its functions take `char*` and may write into
// it (morphstr lower-cases, getindex turns spaces into underscores), so every
// word is copied into a local buffer first.
#include "core/wordnet.h"

#include <cstdlib>
#include <mutex>
#include <stdexcept>
#include <unordered_map>

extern "C" {
#include <wn.h>
}

namespace gloss::wordnet {
namespace {

std::mutex& lock() {
  static std::mutex m;
  return m;
}

// Called with the lock held.
void open_locked() {
  static bool opened = false;
  if (opened) return;
  if (wninit() != 0) {
    const char* env = std::getenv("WNSEARCHDIR");
    throw std::runtime_error(std::string("cannot open the WordNet database in ") +
                             (env ? env : "/usr/share/wordnet") +
                             " (install the Debian package wordnet-base, or set WNSEARCHDIR to its dict folder)");
  }
  opened = true;
}

std::string buffer(std::string_view word) {
  std::string s(word);
  for (char& c : s)
    if (c == ' ') c = '_';
  return s;
}

// Answers by part of speech and word: libwordnet reads its files on every
// call, and captions use few words many times. Cleared when it grows large.
template <typename Value>
struct Memo {
  std::unordered_map<std::string, Value> map;
  template <typename Make>
  const Value& get(Pos pos, std::string_view word, Make make) {
    std::string key = std::to_string(static_cast<int>(pos)) + std::string(word);
    if (const auto it = map.find(key); it != map.end()) return it->second;
    if (map.size() > 200000) map.clear();
    return map.emplace(std::move(key), make()).first->second;
  }
};

std::string base_form_locked(std::string_view word, Pos pos) {
  static Memo<std::string> memo;
  return memo.get(pos, word, [&] {
    std::string w = buffer(word);
    if (w.empty() || w.size() > 200) return w;
    if (const char* base = morphstr(w.data(), static_cast<int>(pos))) return std::string(base);
    return std::string(word);
  });
}

// Synset offsets of `word` (a base form) as `pos`, most frequent sense first.
const std::vector<long>& senses_locked(std::string_view word, Pos pos) {
  static Memo<std::vector<long>> memo;
  return memo.get(pos, word, [&] {
    std::string w = buffer(word);
    std::vector<long> out;
    if (w.empty() || w.size() > 200) return out;
    if (IndexPtr idx = getindex(w.data(), static_cast<int>(pos))) {
      for (int i = 0; i < idx->off_cnt; ++i) out.push_back(static_cast<long>(idx->offset[i]));
      free_index(idx);
    }
    return out;
  });
}

// The chain of the most frequent sense, nearest first; called with the lock held.
std::vector<std::vector<std::string>> hypernyms_locked(std::string_view noun) {
  std::vector<std::vector<std::string>> chain;
  const std::vector<long> senses = senses_locked(base_form_locked(noun, Pos::noun), Pos::noun);
  if (senses.empty()) return chain;
  long offset = senses.front();
  for (int depth = 0; depth < 32; ++depth) {  // WordNet's noun tree is under 20 deep
    SynsetPtr ss = read_synset(NOUN, offset, nullptr);
    if (!ss) break;
    chain.emplace_back(ss->words, ss->words + ss->wcount);
    long next = -1;
    for (int p = 0; p < ss->ptrcount && next < 0; ++p)
      if (ss->ptrtyp[p] == HYPERPTR || ss->ptrtyp[p] == INSTANCE) next = ss->ptroff[p];
    free_synset(ss);
    if (next < 0) break;
    offset = next;
  }
  return chain;
}

}  // namespace

bool has(std::string_view word, Pos pos) {
  std::lock_guard guard(lock());
  open_locked();
  return !senses_locked(base_form_locked(word, pos), pos).empty();
}

std::string base_form(std::string_view word, Pos pos) {
  std::lock_guard guard(lock());
  open_locked();
  return base_form_locked(word, pos);
}

bool synonyms(std::string_view a, std::string_view b, Pos pos) {
  std::lock_guard guard(lock());
  open_locked();
  const std::vector<long> sa = senses_locked(a, pos);
  const std::vector<long>& sb = senses_locked(b, pos);
  for (long x : sa)
    for (long y : sb)
      if (x == y) return true;
  return false;
}

std::vector<std::vector<std::string>> noun_hypernyms(std::string_view noun) {
  std::lock_guard guard(lock());
  open_locked();
  static Memo<std::vector<std::vector<std::string>>> memo;
  return memo.get(Pos::noun, noun, [&] { return hypernyms_locked(noun); });
}

}  // namespace gloss::wordnet
