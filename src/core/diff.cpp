// Word tokenisation, word diff (Levenshtein with a forward walk) and WER.
#include "core/diff.h"

#include <algorithm>
#include <cstddef>

namespace gloss {
namespace {

bool is_ascii_punct(unsigned char c) {
  return (c >= '!' && c <= '/') || (c >= ':' && c <= '@') || (c >= '[' && c <= '`') ||
         (c >= '{' && c <= '~');
}

// Byte length of the whitespace character starting at s[i], or 0.
std::size_t whitespace_length(std::string_view s, std::size_t i) {
  const auto at = [&](std::size_t k) -> unsigned {
    return i + k < s.size() ? static_cast<unsigned char>(s[i + k]) : 0u;
  };
  const unsigned c = at(0);
  if (c == ' ' || (c >= '\t' && c <= '\r')) return 1;
  if (c == 0xC2 && (at(1) == 0x85 || at(1) == 0xA0)) return 2;  // NEL, NBSP
  if (c == 0xE1 && at(1) == 0x9A && at(2) == 0x80) return 3;     // U+1680
  if (c == 0xE2) {
    const unsigned d = at(1), e = at(2);
    if (d == 0x80 && ((e >= 0x80 && e <= 0x8A) || e == 0xA8 || e == 0xA9 || e == 0xAF))
      return 3;                                    // U+2000..200A, 2028, 2029, 202F
    if (d == 0x81 && e == 0x9F) return 3;          // U+205F
  }
  if (c == 0xE3 && at(1) == 0x80 && at(2) == 0x80) return 3;  // U+3000
  return 0;
}

std::string make_key(std::string_view word) {
  std::size_t first = 0, last = word.size();
  while (first < last && is_ascii_punct(static_cast<unsigned char>(word[first]))) ++first;
  while (last > first && is_ascii_punct(static_cast<unsigned char>(word[last - 1]))) --last;
  if (first == last) {  // only punctuation: the word is its own key
    first = 0;
    last = word.size();
  }
  std::string key(word.substr(first, last - first));
  for (char& ch : key)
    if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch - 'A' + 'a');
  return key;
}

std::vector<std::string> keys_of(const std::vector<Token>& tokens) {
  std::vector<std::string> keys;
  keys.reserve(tokens.size());
  for (const Token& t : tokens) keys.push_back(t.key);
  return keys;
}

// Appends `word` to the op list, extending the last op if it has the same kind.
void append_word(std::vector<DiffOp>& ops, DiffOp::Kind kind, const std::string& word) {
  if (!ops.empty() && ops.back().kind == kind) {
    ops.back().text += ' ';
    ops.back().text += word;
  } else {
    ops.push_back({kind, word});
  }
}

// Collects the edits between two kept words so that they come out as one del
// run followed by one ins run, whatever order the walk found them in.
struct PendingEdits {
  std::vector<const std::string*> deleted, inserted;

  void flush_into(std::vector<DiffOp>& ops) {
    for (const std::string* w : deleted) append_word(ops, DiffOp::del, *w);
    for (const std::string* w : inserted) append_word(ops, DiffOp::ins, *w);
    deleted.clear();
    inserted.clear();
  }
};

// Cost of turning a[i..] into b[j..]: fewest edits first, then most kept
// words, so the UI shows "dog | runs -> is running | on" rather than swallowing
// the shared "on" into a bigger replaced block of the same edit count.
struct Cost {
  int edits = 0;
  int keeps = 0;
  bool operator==(const Cost&) const = default;
};

bool better(Cost x, Cost y) {
  return x.edits < y.edits || (x.edits == y.edits && x.keeps > y.keeps);
}

Cost keep_step(Cost c) { return {c.edits, c.keeps + 1}; }
Cost edit_step(Cost c) { return {c.edits + 1, c.keeps}; }

// costs[i * (m + 1) + j] for every suffix pair. Suffixes (not prefixes) let the
// walk go forward from (0, 0), so ties resolve towards matching earlier words.
std::vector<Cost> suffix_costs(const std::vector<Token>& a, const std::vector<Token>& b) {
  const std::size_t n = a.size(), m = b.size(), w = m + 1;
  std::vector<Cost> costs((n + 1) * w);
  for (std::size_t j = 0; j <= m; ++j) costs[n * w + j] = {static_cast<int>(m - j), 0};
  for (std::size_t i = n; i-- > 0;) {
    costs[i * w + m] = {static_cast<int>(n - i), 0};
    for (std::size_t j = m; j-- > 0;) {
      const Cost diag = costs[(i + 1) * w + j + 1];
      Cost best = a[i].key == b[j].key ? keep_step(diag) : edit_step(diag);
      for (Cost c : {edit_step(costs[(i + 1) * w + j]), edit_step(costs[i * w + j + 1])})
        if (better(c, best)) best = c;
      costs[i * w + j] = best;
    }
  }
  return costs;
}

}  // namespace

std::vector<Token> tokenize(std::string_view text) {
  std::vector<Token> tokens;
  std::size_t i = 0, start = 0;
  const auto close_word = [&](std::size_t end) {
    if (end > start) {
      std::string_view word = text.substr(start, end - start);
      tokens.push_back({std::string(word), make_key(word)});
    }
  };
  while (i < text.size()) {
    if (const std::size_t ws = whitespace_length(text, i)) {
      close_word(i);
      i += ws;
      start = i;
    } else {
      ++i;
    }
  }
  close_word(text.size());
  return tokens;
}

bool is_punctuation(const Token& token) {
  return !token.key.empty() &&
         std::all_of(token.key.begin(), token.key.end(),
                     [](char c) { return is_ascii_punct(static_cast<unsigned char>(c)); });
}

std::vector<DiffOp> word_diff(std::string_view before, std::string_view after) {
  const std::vector<Token> a = tokenize(before), b = tokenize(after);
  const std::vector<Cost> costs = suffix_costs(a, b);
  const std::size_t n = a.size(), m = b.size(), w = m + 1;

  std::vector<DiffOp> ops;
  PendingEdits pending;
  std::size_t i = 0, j = 0;
  while (i < n || j < m) {
    const Cost here = costs[i * w + j];
    const bool both = i < n && j < m;
    if (both && a[i].key == b[j].key && keep_step(costs[(i + 1) * w + j + 1]) == here) {
      pending.flush_into(ops);
      append_word(ops, DiffOp::keep, b[j].text);
      ++i, ++j;
    } else if (i < n && edit_step(costs[(i + 1) * w + j]) == here) {
      pending.deleted.push_back(&a[i++].text);
    } else if (j < m && edit_step(costs[i * w + j + 1]) == here) {
      pending.inserted.push_back(&b[j++].text);
    } else {  // substitution is the only optimal step left
      pending.deleted.push_back(&a[i++].text);
      pending.inserted.push_back(&b[j++].text);
    }
  }
  pending.flush_into(ops);
  return ops;
}

int edit_distance(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  // One row of the prefix table: row[j] = distance(a[..i], b[..j]).
  std::vector<int> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = static_cast<int>(j);
  for (std::size_t i = 1; i <= a.size(); ++i) {
    int diag = row[0];
    row[0] = static_cast<int>(i);
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const int up = row[j];
      row[j] = a[i - 1] == b[j - 1] ? diag : 1 + std::min({diag, up, row[j - 1]});
      diag = up;
    }
  }
  return row[b.size()];
}

double error_rate(const std::vector<std::string>& reference,
                  const std::vector<std::string>& hypothesis) {
  if (reference.empty()) return hypothesis.empty() ? 0.0 : 1.0;
  return static_cast<double>(edit_distance(reference, hypothesis)) /
         static_cast<double>(reference.size());
}

int word_edit_distance(std::string_view a, std::string_view b) {
  return edit_distance(keys_of(tokenize(a)), keys_of(tokenize(b)));
}

double word_error_rate(std::string_view reference, std::string_view hypothesis) {
  return error_rate(keys_of(tokenize(reference)), keys_of(tokenize(hypothesis)));
}

}  // namespace gloss
