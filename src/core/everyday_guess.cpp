// Phrases are paired in four passes — the head word kept by the diff, the
// same head elsewhere (moved, re-inflected), a synonym head, a different head
// in the same changed run (a substitution) — and what is left was added or
// removed. Changed words no rule explains make the guess "wording".
#include "core/everyday_guess.h"

#include <algorithm>
#include <map>
#include <set>

#include "core/caption_parse.h"
#include "core/diff.h"
#include "core/error_classifier.h"

namespace gloss {
namespace {

// Kept tokens' partners and the changed run (hunk) of every changed token.
struct Alignment {
  std::vector<int> partner_a, partner_b;  // -1: changed
  std::vector<int> hunk_a, hunk_b;        // -1: kept
};

Alignment align(std::string_view a, std::string_view b) {
  Alignment al;
  int hunk = 0;
  for (const DiffOp& op : word_diff(a, b)) {
    const auto n = static_cast<int>(tokenize(op.text).size());
    for (int k = 0; k < n; ++k) {
      if (op.kind == DiffOp::keep) {
        al.partner_a.push_back(static_cast<int>(al.partner_b.size()));
        al.partner_b.push_back(static_cast<int>(al.partner_a.size()) - 1);
        al.hunk_a.push_back(-1);
        al.hunk_b.push_back(-1);
      } else if (op.kind == DiffOp::del) {
        al.partner_a.push_back(-1);
        al.hunk_a.push_back(hunk);
      } else {
        al.partner_b.push_back(-1);
        al.hunk_b.push_back(hunk);
      }
    }
    if (op.kind == DiffOp::keep) ++hunk;
  }
  return al;
}

std::string join(const std::vector<std::string>& words, const std::vector<int>& tokens) {
  std::string out;
  for (int t : tokens) out += (out.empty() ? "" : " ") + words[static_cast<std::size_t>(t)];
  return out;
}

std::string change(const std::string& before, const std::string& after) {
  if (before.empty()) return "+ " + after;
  if (after.empty()) return "\u2212 " + before;
  return before + " \u2192 " + after;
}

bool where(PhraseRole r) { return r == PhraseRole::setting || r == PhraseRole::proximity; }

// A noun replaced by another one.
std::string_view replaced_noun_category(const NounPhrase& a, const NounPhrase& b) {
  if (a.kind == NounKind::clothing || b.kind == NounKind::clothing) return "attributes";
  if (a.role == PhraseRole::setting || b.role == PhraseRole::setting)
    return is_mover(a.kind) && is_mover(b.kind) ? "subject" : "background";  // "on a horse" is riding
  if (a.kind == NounKind::place || b.kind == NounKind::place) return "background";
  return "subject";
}

// A phrase only one caption has; "" for a picture frame ("a photo of").
std::string_view lone_phrase_category(const NounPhrase& p) {
  if (p.framing || p.kind == NounKind::picture) return "";
  if (p.kind == NounKind::clothing) return "attributes";
  if (p.role == PhraseRole::setting) return is_mover(p.kind) ? "subject" : "background";
  return p.kind == NounKind::place ? "background" : "subject";
}

// Words describing a kept noun: what the thing is like, or what the place is like.
std::string_view modifier_category(const NounPhrase& p) {
  if (p.kind == NounKind::clothing) return "attributes";
  return p.role == PhraseRole::setting || p.kind == NounKind::place ? "background" : "attributes";
}

class EverydayGuess {
 public:
  EverydayGuess(std::string_view a, std::string_view b)
      : a_(parse_everyday_caption(a)), b_(parse_everyday_caption(b)), al_(align(a, b)) {
    explained_a_.assign(a_.words.size(), false);
    explained_b_.assign(b_.words.size(), false);
  }

  std::vector<GuessReason> run() {
    pair_phrases();
    compare_verbs();
    for (auto [pa, pb] : pairs_) compare_kept(a_.phrases[pa], b_.phrases[pb]);
    explain_unmoved();
    find_swaps();
    for (auto [pa, pb] : substitutions_) replaced(a_.phrases[pa], b_.phrases[pb]);
    for (std::size_t i = 0; i < a_.phrases.size(); ++i)
      if (!used_a_[i]) lone(a_.phrases[i], a_, explained_a_, false);
    for (std::size_t i = 0; i < b_.phrases.size(); ++i)
      if (!used_b_[i]) lone(b_.phrases[i], b_, explained_b_, true);
    explain_knock_ons();
    rewording();
    std::vector<GuessReason> out;
    for (std::string_view c : kGuessCategories)
      if (const auto it = reasons_.find(std::string(c)); it != reasons_.end()) out.push_back({it->first, it->second});
    return out;
  }

 private:
  int hunk_of(const NounPhrase& p, const std::vector<int>& hunks) const {
    for (int t : p.head_tokens)
      if (hunks[static_cast<std::size_t>(t)] >= 0) return hunks[static_cast<std::size_t>(t)];
    return -1;
  }

  void pair(std::size_t pa, std::size_t pb, bool substitution) {
    used_a_[pa] = used_b_[pb] = true;
    (substitution ? substitutions_ : pairs_).emplace_back(pa, pb);
  }

  template <typename Match>
  void pair_where(Match match, bool substitution = false) {
    for (std::size_t i = 0; i < a_.phrases.size(); ++i)
      for (std::size_t j = 0; j < b_.phrases.size() && !used_a_[i]; ++j)
        if (!used_b_[j] && match(a_.phrases[i], b_.phrases[j])) pair(i, j, substitution);
  }

  void pair_phrases() {
    used_a_.assign(a_.phrases.size(), false);
    used_b_.assign(b_.phrases.size(), false);
    pair_where([&](const NounPhrase& x, const NounPhrase& y) {
      const int t = al_.partner_a[static_cast<std::size_t>(x.head_tokens.back())];
      return t >= 0 && y.head_tokens.back() == t;
    });
    const std::size_t kept = pairs_.size();
    pair_where([](const NounPhrase& x, const NounPhrase& y) { return x.head_last == y.head_last; });
    moved_ = {pairs_.begin() + static_cast<std::ptrdiff_t>(kept), pairs_.end()};
    pair_where([](const NounPhrase& x, const NounPhrase& y) { return same_meaning(x.head, y.head); });
    pair_where([&](const NounPhrase& x, const NounPhrase& y) {
      const int h = hunk_of(x, al_.hunk_a);
      return h >= 0 && h == hunk_of(y, al_.hunk_b) && !x.framing && !y.framing;
    }, true);
  }

  void add(std::string_view category, std::string trigger) {
    auto& triggers = reasons_[std::string(category)];
    if (std::find(triggers.begin(), triggers.end(), trigger) == triggers.end()) triggers.push_back(std::move(trigger));
  }

  void explain(const NounPhrase& pa, const NounPhrase& pb) {
    for (int t : pa.tokens) explained_a_[static_cast<std::size_t>(t)] = true;
    for (int t : pb.tokens) explained_b_[static_cast<std::size_t>(t)] = true;
  }

  std::string count_text(const NounPhrase& p, const ParsedCaption& c) const {
    std::vector<int> tokens = p.count_tokens;
    tokens.insert(tokens.end(), p.head_tokens.begin(), p.head_tokens.end());
    return join(c.words, tokens);
  }

  bool count_changed(const NounPhrase& pa, const NounPhrase& pb) const {
    return pa.count != pb.count;
  }

  void compare_kept(const NounPhrase& pa, const NounPhrase& pb) {
    bool any = false;
    if (count_changed(pa, pb)) {
      add("number", change(count_text(pa, a_), count_text(pb, b_)));
      any = true;
    }
    std::vector<std::string> removed = pa.modifiers, added = pb.modifiers;
    if (pa.head != pb.head && pa.head_last == pb.head_last) {  // "cargo ship" -> "cruise ship"
      if (!pa.compound_prefix.empty()) removed.push_back(pa.compound_prefix);
      if (!pb.compound_prefix.empty()) added.push_back(pb.compound_prefix);
    }
    drop_matches(removed, added);
    if (!removed.empty() || !added.empty()) {
      add(modifier_category(pa.kind == NounKind::place ? pa : pb), change(join_words(removed), join_words(added)));
      any = true;
    }
    if (where(pa.role) || where(pb.role)) {
      if (pa.preposition != pb.preposition && !verb_changed_near(pa, pb)) {
        add("background", change(join(a_.words, pa.preposition_tokens), join(b_.words, pb.preposition_tokens)));
        any = true;
      } else {
        explain_tokens(pa.preposition_tokens, explained_a_);
        explain_tokens(pb.preposition_tokens, explained_b_);
      }
    }
    if (any) explain(pa, pb);
  }

  static std::string join_words(const std::vector<std::string>& words) {
    std::string out;
    for (const auto& w : words) out += (out.empty() ? "" : " ") + w;
    return out;
  }

  // Removes equal words, then synonyms ("big"/"large"), from both lists.
  static void drop_matches(std::vector<std::string>& x, std::vector<std::string>& y) {
    for (bool synonyms : {false, true})
      for (std::size_t i = 0; i < x.size();) {
        const auto it = std::find_if(y.begin(), y.end(), [&](const std::string& w) {
          return synonyms ? same_meaning(x[i], w) : x[i] == w;
        });
        if (it == y.end()) {
          ++i;
        } else {
          y.erase(it);
          x.erase(x.begin() + static_cast<std::ptrdiff_t>(i));
        }
      }
  }

  static void explain_tokens(const std::vector<int>& tokens, std::vector<bool>& explained) {
    for (int t : tokens) explained[static_cast<std::size_t>(t)] = true;
  }

  // A changed preposition before a kept place ("on" -> "under" a table) is a
  // background change, unless the verb changed with it ("driving down" ->
  // "parked on"): then it goes with the verb.
  bool verb_changed_near(const NounPhrase& pa, const NounPhrase& pb) const {
    for (int t : pa.preposition_tokens)
      if (const int h = al_.hunk_a[static_cast<std::size_t>(t)]; h >= 0 && verb_changed_in_hunk_.count(h)) return true;
    for (int t : pb.preposition_tokens)
      if (const int h = al_.hunk_b[static_cast<std::size_t>(t)]; h >= 0 && verb_changed_in_hunk_.count(h)) return true;
    return false;
  }

  // A phrase the diff took out and put back in the same order among the
  // others ("eggs and toast" -> "eggs, toast and bacon") was not reworded.
  void explain_unmoved() {
    for (auto [pa, pb] : moved_) {
      const bool same_order = std::all_of(pairs_.begin(), pairs_.end(), [&](const auto& other) {
        return (other.first < pa) == (other.second < pb) || (other.first == pa);
      });
      const NounPhrase &x = a_.phrases[pa], &y = b_.phrases[pb];
      if (same_order && join(a_.words, x.tokens) == join(b_.words, y.tokens)) explain(x, y);
    }
  }

  // "a dog chasing a cat" -> "a cat chasing a dog": two kept things traded roles.
  void find_swaps() {
    std::vector<std::pair<std::size_t, std::size_t>> moved;
    for (auto [pa, pb] : pairs_) {
      const PhraseRole x = a_.phrases[pa].role, y = b_.phrases[pb].role;
      if (x != y && !where(x) && !where(y)) moved.emplace_back(pa, pb);
    }
    if (moved.size() < 2) return;
    std::string trigger;
    for (auto [pa, pb] : moved) {
      trigger += (trigger.empty() ? "" : " \u21c4 ") + a_.phrases[pa].head;
      explain(a_.phrases[pa], b_.phrases[pb]);
    }
    add("subject", trigger);
  }

  // A count said in words other than an article: "two", "several", "a group of".
  static bool has_number_word(const NounPhrase& p, const ParsedCaption& c) {
    return std::any_of(p.count_tokens.begin(), p.count_tokens.end(), [&](int t) {
      return closed_class(c.words[static_cast<std::size_t>(t)]) != WordClass::article;
    });
  }

  void replaced(const NounPhrase& pa, const NounPhrase& pb) {
    add(replaced_noun_category(pa, pb), change(join(a_.words, pa.head_tokens), join(b_.words, pb.head_tokens)));
    if (count_changed(pa, pb) && (has_number_word(pa, a_) || has_number_word(pb, b_)))
      add("number", change(join(a_.words, pa.count_tokens), join(b_.words, pb.count_tokens)));
    explain(pa, pb);
  }

  void lone(const NounPhrase& p, const ParsedCaption& c, std::vector<bool>& explained, bool added) {
    const std::string_view category = lone_phrase_category(p);
    if (category.empty()) return;
    const std::string text = join(c.words, p.tokens);
    add(category, added ? change("", text) : change(text, ""));
    for (int t : p.tokens) explained[static_cast<std::size_t>(t)] = true;
    lone_phrases_ = true;
  }

  void compare_verbs() {
    std::vector<bool> used_b(b_.verbs.size(), false);
    std::vector<const VerbWord*> left_a;
    for (const VerbWord& v : a_.verbs) {
      const int t = al_.partner_a[static_cast<std::size_t>(v.token)];
      const auto it = std::find_if(b_.verbs.begin(), b_.verbs.end(), [&](const VerbWord& w) { return w.token == t; });
      if (t >= 0 && it != b_.verbs.end()) used_b[static_cast<std::size_t>(it - b_.verbs.begin())] = true;
      else left_a.push_back(&v);
    }
    for (const VerbWord* v : left_a) {
      const int h = al_.hunk_a[static_cast<std::size_t>(v->token)];
      for (std::size_t j = 0; j < b_.verbs.size(); ++j) {
        const VerbWord& w = b_.verbs[j];
        if (used_b[j] || al_.hunk_b[static_cast<std::size_t>(w.token)] != h) continue;
        used_b[j] = true;
        if (!same_meaning(v->lemma, w.lemma)) {  // else a verb form or a synonym: wording
          add("attributes", change(a_.words[static_cast<std::size_t>(v->token)], b_.words[static_cast<std::size_t>(w.token)]));
          explained_a_[static_cast<std::size_t>(v->token)] = explained_b_[static_cast<std::size_t>(w.token)] = true;
          verb_changed_in_hunk_.insert(h);
        }
        break;
      }
    }
  }

  // Auxiliaries and verb endings that only follow a count change ("a dog is" ->
  // "two dogs are"), list words around an added or removed thing, and
  // particles of a changed verb.
  void explain_knock_ons() {
    const bool number = reasons_.count("number") > 0;
    for (auto [c, explained] : {std::pair{&a_, &explained_a_}, std::pair{&b_, &explained_b_}}) {
      if (number) {
        for (int t : c->auxiliaries) (*explained)[static_cast<std::size_t>(t)] = true;
        for (const VerbWord& v : c->verbs) (*explained)[static_cast<std::size_t>(v.token)] = true;  // "runs" -> "run"
      }
      // A particle of a changed verb: "taking off" -> "landing".
      const std::vector<int>& hunks = c == &a_ ? al_.hunk_a : al_.hunk_b;
      for (std::size_t t = 0; t < c->words.size(); ++t)
        if (c->phrase_of[t] < 0 && hunks[t] >= 0 && verb_changed_in_hunk_.count(hunks[t]) &&
            preposition_at(c->words, t).length > 0)
          (*explained)[t] = true;
      if (lone_phrases_)
        for (int t : c->conjunctions) (*explained)[static_cast<std::size_t>(t)] = true;
    }
  }

  // Changed words no rule explained: per changed run, "before → after".
  void rewording() {
    std::map<int, std::pair<std::vector<int>, std::vector<int>>> runs;
    for (std::size_t i = 0; i < a_.words.size(); ++i)
      if (al_.partner_a[i] < 0 && !explained_a_[i]) runs[al_.hunk_a[i]].first.push_back(static_cast<int>(i));
    for (std::size_t i = 0; i < b_.words.size(); ++i)
      if (al_.partner_b[i] < 0 && !explained_b_[i]) runs[al_.hunk_b[i]].second.push_back(static_cast<int>(i));
    for (const auto& [hunk, run] : runs) add("wording", change(join(a_.words, run.first), join(b_.words, run.second)));
    if (reasons_.empty()) add("wording", "word order");
  }

  ParsedCaption a_, b_;
  Alignment al_;
  std::vector<bool> used_a_, used_b_, explained_a_, explained_b_;
  std::vector<std::pair<std::size_t, std::size_t>> pairs_, substitutions_, moved_;
  std::set<int> verb_changed_in_hunk_;
  bool lone_phrases_ = false;
  std::map<std::string, std::vector<std::string>> reasons_;
};

}  // namespace

std::vector<GuessReason> guess_everyday(std::string_view orig_caption, std::string_view final_caption) {
  const auto diff = word_diff(orig_caption, final_caption);
  if (std::all_of(diff.begin(), diff.end(), [](const DiffOp& op) { return op.kind == DiffOp::keep; })) return {};
  return EverydayGuess(orig_caption, final_caption).run();
}

}  // namespace gloss
