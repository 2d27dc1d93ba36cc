// One left-to-right pass: closed-class words and prepositions end noun
// phrases, a phrase's last content word is its head, and -ing/-ed words (and
// -s words right after a noun) are verbs when a noun came before them.
#include "core/caption_parse.h"

#include <algorithm>
#include <utility>

#include "core/diff.h"

namespace gloss {
namespace {

bool ends_with(std::string_view w, std::string_view tail) {
  return w.size() > tail.size() + 1 && w.substr(w.size() - tail.size()) == tail;
}

PhraseRole role_for(Relation r) {
  switch (r) {
    case Relation::setting: return PhraseRole::setting;
    case Relation::proximity: return PhraseRole::proximity;
    case Relation::with: return PhraseRole::with;
  }
  return PhraseRole::with;
}

class Parser {
 public:
  explicit Parser(std::string_view caption) {
    for (const Token& t : tokenize(caption)) {
      out_.words.push_back(t.key);
      punctuation_.push_back(is_punctuation(t));
      const char last = t.text.empty() ? ' ' : t.text.back();
      ends_clause_.push_back(last == ',' || last == ';' || last == ':' || last == '.');
    }
    out_.phrase_of.assign(out_.words.size(), -1);
  }

  ParsedCaption run() {
    for (std::size_t i = 0; i < words().size();) {
      const std::size_t taken = step(i);
      i += taken;
      if (ends_clause_[i - 1]) close_phrase();  // "eggs, toast and bacon"
    }
    close_phrase();
    return std::move(out_);
  }

 private:
  const std::vector<std::string>& words() const { return out_.words; }
  bool is_content(std::size_t i) const {
    return i < words().size() && !punctuation_[i] && closed_class(words()[i]) == WordClass::content &&
           preposition_at(words(), i).length == 0;
  }

  // Handles the word at i; returns how many tokens it took.
  std::size_t step(std::size_t i) {
    const bool after_auxiliary = std::exchange(last_was_auxiliary_, false);
    const std::string& w = words()[i];
    if (punctuation_[i]) return close_phrase(), 1;
    if (const Preposition p = preposition_at(words(), i); p.length > 0 && !compound_at(i)) return preposition(i, p);
    switch (closed_class(w)) {
      case WordClass::article:
      case WordClass::number:
      case WordClass::quantifier:
        if (!content_.empty()) close_phrase();
        cur_.tokens.push_back(static_cast<int>(i));
        cur_.count_tokens.push_back(static_cast<int>(i));
        return 1;
      case WordClass::quantity_noun:
        if (i + 1 < words().size() && words()[i + 1] == "of") return quantity(i);
        break;
      case WordClass::conjunction: {
        close_phrase();
        out_.conjunctions.push_back(static_cast<int>(i));
        if ((w == "and" || w == "or") && last_was_phrase_) {
          next_role_ = out_.phrases.back().role;
          next_preposition_ = out_.phrases.back().preposition;
        }
        return 1;
      }
      case WordClass::auxiliary:
        close_phrase();
        out_.auxiliaries.push_back(static_cast<int>(i));
        next_role_ = PhraseRole::object;
        last_was_phrase_ = false;
        last_was_auxiliary_ = true;
        return 1;
      case WordClass::pronoun:
      case WordClass::adverb:
        close_phrase();
        return 1;
      default: break;
    }
    if (is_verb(i, after_auxiliary)) {
      close_phrase();
      out_.verbs.push_back({static_cast<int>(i), verb_lemma(w)});
      next_role_ = PhraseRole::object;
      next_preposition_.clear();
      last_was_phrase_ = false;
      last_was_verb_ = true;
      return 1;
    }
    const std::size_t taken = compound_at(i) ? 2 : 1;
    content_.push_back({static_cast<int>(i), taken == 2 ? compound_noun(w, words()[i + 1]) : w});
    for (std::size_t k = i; k < i + taken; ++k) cur_.tokens.push_back(static_cast<int>(k));
    last_was_verb_ = false;
    return taken;
  }

  bool compound_at(std::size_t i) const {
    if (i + 1 >= words().size() || punctuation_[i + 1] || closed_class(words()[i]) != WordClass::content) return false;
    const WordClass next = closed_class(words()[i + 1]);
    if (next != WordClass::content && next != WordClass::adverb) return false;
    // After a noun an -ing word is what it does: "an airplane landing", not airplane_landing.
    if (ends_with(words()[i + 1], "ing") && !verb_lemma(words()[i + 1]).empty()) return false;
    return !compound_noun(words()[i], words()[i + 1]).empty();
  }

  std::size_t preposition(std::size_t i, const Preposition& p) {
    close_phrase();
    next_preposition_tokens_.clear();
    for (int k = 0; k < p.length; ++k) next_preposition_tokens_.push_back(static_cast<int>(i) + k);
    if (p.meaning == "of" && last_was_phrase_) {
      // "a photo of a cat", "a slice of pizza", "the side of a road": the
      // phrase after "of" stands where the one before it stands.
      NounPhrase& before = out_.phrases.back();
      if (before.kind == NounKind::picture) before.framing = true;
      next_role_ = before.role;
      next_preposition_ = before.preposition;
    } else {
      next_role_ = role_for(p.relation);
      next_preposition_ = p.meaning;
    }
    last_was_verb_ = false;
    return static_cast<std::size_t>(p.length);
  }

  // "a group of", "a pair of": the words become the count of the next phrase.
  std::size_t quantity(std::size_t i) {
    carried_tokens_ = cur_.tokens;
    carried_tokens_.push_back(static_cast<int>(i));
    carried_tokens_.push_back(static_cast<int>(i) + 1);
    carried_count_ = *count_of(words()[i]);
    cur_ = NounPhrase{};
    content_.clear();
    return 2;
  }

  bool is_verb(std::size_t i, bool after_auxiliary) const {
    const std::string& w = words()[i];
    if (is_colour(w) || is_size(w)) return false;
    const bool participle = ends_with(w, "ing") || ends_with(w, "ed");
    if (participle && verb_lemma(w).empty()) return false;
    // After a noun or "is", "riding horses" is riding, not riding_horse.
    if (participle && (!content_.empty() || after_auxiliary)) return true;
    if (compound_at(i)) return false;
    if (participle) {
      if (is_content(i + 1)) return false;  // "a sleeping baby", "sliced apples"
      if (!cur_.tokens.empty() || last_was_verb_ || !next_preposition_tokens_.empty()) return false;  // "a building"
      return true;
    }
    // "a dog sits on", "the dogs run on": a finite verb right after a noun
    // (not after an adjective: "small dogs are"; not before "is", "are").
    if (content_.empty() || is_content(i + 1)) return false;
    if (i + 1 < words().size() && closed_class(words()[i + 1]) == WordClass::auxiliary) return false;
    const std::string& before = content_.back().word;
    if (is_adjective(before) || is_colour(before) || is_size(before)) return false;
    const std::string lemma = verb_lemma(w);
    if (lemma.empty()) return false;
    if (ends_with(w, "s") && lemma != w) return true;
    return noun_form(words()[content_.back().token]).plural && !noun_form(w).plural;
  }

  void close_phrase() {
    if (content_.empty()) {
      // Articles or counts with no noun after them, or a preposition left
      // without a phrase: they belong to nothing.
      cur_ = NounPhrase{};
      return;
    }
    NounPhrase p = std::move(cur_);
    const Content head = content_.back();
    for (std::size_t k = 0; k + 1 < content_.size(); ++k) {
      p.modifier_tokens.push_back(content_[k].token);
      p.modifiers.push_back(content_[k].word);
    }
    const NounForm form = noun_form(head.word);
    p.head = form.lemma;
    p.plural = form.plural;
    p.head_tokens.push_back(head.token);
    if (head.word.find('_') != std::string::npos) {
      p.head_tokens.push_back(head.token + 1);
      const std::size_t cut = p.head.rfind('_');
      p.compound_prefix = p.head.substr(0, cut);
      p.head_last = p.head.substr(cut + 1);
    } else {
      p.head_last = p.head;
    }
    for (int t : p.count_tokens)
      if (const auto c = count_of(words()[static_cast<std::size_t>(t)])) p.count = *c, p.explicit_count = true;
    if (!carried_count_.empty()) {
      p.count = carried_count_, p.explicit_count = true;
      p.count_tokens.insert(p.count_tokens.end(), carried_tokens_.begin(), carried_tokens_.end());
      p.tokens.insert(p.tokens.begin(), carried_tokens_.begin(), carried_tokens_.end());
    }
    if (!p.explicit_count) p.count = p.plural ? "plural" : "1";
    p.preposition_tokens = next_preposition_tokens_;
    p.tokens.insert(p.tokens.begin(), next_preposition_tokens_.begin(), next_preposition_tokens_.end());
    std::sort(p.tokens.begin(), p.tokens.end());
    p.preposition = next_preposition_;
    p.role = next_role_;
    p.kind = noun_kind(p.head);
    if (p.kind == NounKind::unknown) p.kind = noun_kind(p.head_last);
    for (int t : p.tokens) out_.phrase_of[static_cast<std::size_t>(t)] = static_cast<int>(out_.phrases.size());
    out_.phrases.push_back(std::move(p));

    cur_ = NounPhrase{};
    content_.clear();
    carried_tokens_.clear();
    carried_count_.clear();
    next_preposition_tokens_.clear();
    next_preposition_.clear();
    next_role_ = PhraseRole::main;
    last_was_phrase_ = true;
  }

  struct Content {
    int token;
    std::string word;  // the word, or a compound "living_room"
  };

  ParsedCaption out_;
  std::vector<bool> punctuation_, ends_clause_;
  NounPhrase cur_;
  std::vector<Content> content_;
  std::vector<int> carried_tokens_;
  std::string carried_count_;
  std::vector<int> next_preposition_tokens_;
  std::string next_preposition_;
  PhraseRole next_role_ = PhraseRole::main;
  bool last_was_phrase_ = false;
  bool last_was_verb_ = false;
  bool last_was_auxiliary_ = false;  // "is eating": the -ing word is a verb
};

}  // namespace

ParsedCaption parse_everyday_caption(std::string_view caption) { return Parser(caption).run(); }

}  // namespace gloss
