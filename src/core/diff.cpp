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

struct CodePoint {
  char32_t value = 0;
  std::size_t length = 1;
};

// The UTF-8 character at s[i]; a byte that does not start a valid sequence
// is taken alone (value 0xFFFD).
CodePoint code_point_at(std::string_view s, std::size_t i) {
  const auto byte = [&](std::size_t k) -> unsigned {
    return i + k < s.size() ? static_cast<unsigned char>(s[i + k]) : 0u;
  };
  const unsigned c = byte(0);
  if (c < 0x80) return {c, 1};
  const std::size_t n = c >= 0xF0 && c < 0xF8 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 0;
  if (n == 0 || c >= 0xF8) return {0xFFFD, 1};
  char32_t value = c & (0x7F >> n);
  for (std::size_t k = 1; k < n; ++k) {
    if ((byte(k) & 0xC0) != 0x80) return {0xFFFD, 1};
    value = (value << 6) | (byte(k) & 0x3F);
  }
  return {value, n};
}

bool is_cjk_punctuation(char32_t c) {
  return (c >= 0x3001 && c <= 0x3003) || (c >= 0x3008 && c <= 0x3011) || (c >= 0x3014 && c <= 0x301F) ||
         c == 0x30FB || (c >= 0xFE30 && c <= 0xFE4F) || (c >= 0xFF01 && c <= 0xFF0F) ||
         (c >= 0xFF1A && c <= 0xFF20) || (c >= 0xFF3B && c <= 0xFF40) || (c >= 0xFF5B && c <= 0xFF65);
}

// Characters of scripts written without spaces between words: each is a token.
bool is_own_token(char32_t c) {
  return (c >= 0x2E80 && c <= 0x2FDF) ||   // CJK radicals
         (c >= 0x3001 && c <= 0x303F) ||   // CJK symbols and punctuation (U+3000 is a space)
         (c >= 0x3040 && c <= 0x30FF) ||   // hiragana, katakana
         (c >= 0x3100 && c <= 0x312F) ||   // bopomofo
         (c >= 0x31A0 && c <= 0x31FF) ||   // bopomofo extended, strokes, katakana extensions
         (c >= 0x3200 && c <= 0x4DBF) ||   // enclosed and compatibility, Han extension A
         (c >= 0x4E00 && c <= 0x9FFF) ||   // Han
         (c >= 0xF900 && c <= 0xFAFF) ||   // Han compatibility
         (c >= 0xFF66 && c <= 0xFF9F) ||   // half-width katakana
         (c >= 0x20000 && c <= 0x3FFFF) ||  // Han extensions B and later
         is_cjk_punctuation(c);
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

// Appends `word` to the op list, extending the last op if it has the same
// kind (the words of one op follow each other in their caption).
void append_word(std::vector<DiffOp>& ops, DiffOp::Kind kind, const Token& word) {
  if (!ops.empty() && ops.back().kind == kind) {
    if (!word.glued) ops.back().text += ' ';
    ops.back().text += word.text;
  } else {
    ops.push_back({kind, word.text, word.glued});
  }
}

// Collects the edits between two kept words so that they come out as one del
// run followed by one ins run, whatever order the walk found them in.
struct PendingEdits {
  std::vector<const Token*> deleted, inserted;

  void flush_into(std::vector<DiffOp>& ops) {
    for (const Token* w : deleted) append_word(ops, DiffOp::del, *w);
    for (const Token* w : inserted) append_word(ops, DiffOp::ins, *w);
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
  bool glued = false;  // the word from `start` follows the last token with no space between
  const auto close_word = [&](std::size_t end) {
    if (end > start) {
      std::string_view word = text.substr(start, end - start);
      tokens.push_back({std::string(word), make_key(word), glued});
      glued = true;
    }
    start = end;
  };
  while (i < text.size()) {
    if (const std::size_t ws = whitespace_length(text, i)) {
      close_word(i);
      i += ws;
      start = i;
      glued = false;
      continue;
    }
    const CodePoint c = code_point_at(text, i);
    if (is_own_token(c.value)) {
      close_word(i);
      close_word(i + c.length);
    }
    i += c.length;
  }
  close_word(text.size());
  return tokens;
}

bool is_punctuation(const Token& token) {
  if (token.key.empty()) return false;
  for (std::size_t i = 0; i < token.key.size();) {
    const CodePoint c = code_point_at(token.key, i);
    if (c.value < 0x80 ? !is_ascii_punct(static_cast<unsigned char>(c.value)) : !is_cjk_punctuation(c.value))
      return false;
    i += c.length;
  }
  return true;
}

bool is_unspaced_character(std::string_view word) {
  if (word.empty()) return false;
  const CodePoint c = code_point_at(word, 0);
  return c.length == word.size() && is_own_token(c.value);
}

std::vector<DiffWord> diff_words(const std::vector<DiffOp>& ops) {
  std::vector<DiffWord> out;
  for (const DiffOp& op : ops) {
    bool first = true;
    for (const Token& t : tokenize(op.text)) {
      const bool glued = first ? op.glued : t.glued;
      out.push_back({t.text, op.kind, !out.empty() && !glued});
      first = false;
    }
  }
  return out;
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
      append_word(ops, DiffOp::keep, b[j]);
      ++i, ++j;
    } else if (i < n && edit_step(costs[(i + 1) * w + j]) == here) {
      pending.deleted.push_back(&a[i++]);
    } else if (j < m && edit_step(costs[i * w + j + 1]) == here) {
      pending.inserted.push_back(&b[j++]);
    } else {  // substitution is the only optimal step left
      pending.deleted.push_back(&a[i++]);
      pending.inserted.push_back(&b[j++]);
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
