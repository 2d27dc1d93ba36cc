#include "core/records.h"

#include <chrono>
#include <cmath>
#include <cstring>
#include <limits>

#include "core/error.h"

namespace gloss {
using nlohmann::json;

std::string_view to_string(AnswerKind kind) {
  switch (kind) {
    case AnswerKind::accept: return "accept";
    case AnswerKind::reject: return "reject";
    case AnswerKind::ignore: return "ignore";
  }
  return "accept";
}

std::optional<AnswerKind> parse_answer_kind(std::string_view text) {
  if (text == "accept") return AnswerKind::accept;
  if (text == "reject") return AnswerKind::reject;
  if (text == "ignore") return AnswerKind::ignore;
  return std::nullopt;
}

std::string_view to_string(CompareChoice choice) {
  switch (choice) {
    case CompareChoice::a: return "a";
    case CompareChoice::b: return "b";
    case CompareChoice::both_good: return "both-good";
    case CompareChoice::both_bad: return "both-bad";
    case CompareChoice::none: return "none";
  }
  return "none";
}

std::optional<CompareChoice> parse_compare_choice(std::string_view text) {
  for (CompareChoice c : {CompareChoice::a, CompareChoice::b, CompareChoice::both_good, CompareChoice::both_bad,
                          CompareChoice::none})
    if (to_string(c) == text) return c;
  return std::nullopt;
}

std::string_view to_string(ReviewVerdict verdict) {
  switch (verdict) {
    case ReviewVerdict::picked: return "picked";
    case ReviewVerdict::edited: return "edited";
    case ReviewVerdict::sent_back: return "sent-back";
  }
  return "picked";
}

std::optional<ReviewVerdict> parse_review_verdict(std::string_view text) {
  for (ReviewVerdict v : {ReviewVerdict::picked, ReviewVerdict::edited, ReviewVerdict::sent_back})
    if (to_string(v) == text) return v;
  return std::nullopt;
}

std::int64_t now_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

// ---------------------------------------------------------------- encodings
//
// Records are written in gloss's binary layout, v1: a leading format byte
// 0x01, then the fields in a fixed order. A msgpack map (fixmap 0x80-0x8f,
// map16 0xde, map32 0xdf) never starts with 0x01, so records written before
// the binary layout (msgpack maps with named fields) are told apart by that
// byte and still decode through the old msgpack path; no migration needed.
//
//   u64      8 bytes, little-endian (hashes: they are random, a varint would be longer)
//   uint     LEB128 varint, at most 10 bytes
//   int      zigzag, then uint
//   f32      IEEE-754 single, 4 bytes little-endian
//   str      uint byte length, then the bytes (no terminator, not validated as UTF-8)
//   bool     1 byte, 0 or 1
//
//   Task       0x01 u64 hash, str path, int width, int height, int added_ms,
//              then str root if not empty (absent in records written before it)
//   Answer     0x01 u64 task, str session, str caption, str orig_caption, str model,
//              u8 answer kind (0 accept, 1 reject, 2 ignore), uint n, n x str category,
//              int started_ms, int saved_ms, int ms_spent, int edit_distance,
//              str extra (msgpack of Answer::extra; empty when extra is {}),
//              bool has compare, then if 1: str model_a, str model_b, str caption_a,
//              str caption_b, bool a_on_left, u8 choice (0 a, 1 b, 2 both-good,
//              3 both-bad, 4 none), bool identical, bool edited,
//              then str annotator, bool surplus unless the annotator is empty and
//              surplus false (absent in records written before annotators)
//   Suggestion 0x01 str caption, uint n, n x int token, f32 log_prob, f32 confidence (NaN: none),
//              int created_ms, then, when the model scored the image (ood_score not NaN):
//              f32 ood_score, bool unlike_training (absent in records written before them,
//              and for models without training statistics)
//
// A record must end exactly after its last field. Every read is bounds-checked:
// a truncated or corrupt record throws StoreError, never reads past the end.

namespace {

constexpr unsigned char kBinaryV1 = 0x01;

constexpr AnswerKind kKinds[] = {AnswerKind::accept, AnswerKind::reject, AnswerKind::ignore};
constexpr CompareChoice kChoices[] = {CompareChoice::a, CompareChoice::b, CompareChoice::both_good,
                                      CompareChoice::both_bad, CompareChoice::none};

template <class E, std::size_t N>
std::uint8_t code_of(const E (&table)[N], E value) {
  for (std::size_t i = 0; i < N; ++i)
    if (table[i] == value) return static_cast<std::uint8_t>(i);
  return 0;
}

class Writer {
 public:
  Writer() { out_.push_back(static_cast<char>(kBinaryV1)); }

  void u8(std::uint8_t v) { out_.push_back(static_cast<char>(v)); }
  void boolean(bool v) { u8(v ? 1 : 0); }
  void u64(std::uint64_t v) {
    for (int i = 0; i < 8; ++i) u8(static_cast<std::uint8_t>(v >> (8 * i)));
  }
  void uint(std::uint64_t v) {
    while (v >= 0x80) {
      u8(static_cast<std::uint8_t>(v | 0x80));
      v >>= 7;
    }
    u8(static_cast<std::uint8_t>(v));
  }
  void sint(std::int64_t v) {
    const auto u = static_cast<std::uint64_t>(v);
    uint((u << 1) ^ (v < 0 ? ~std::uint64_t{0} : 0));  // zigzag: small magnitudes, small varints
  }
  void f32(float v) {
    std::uint32_t bits;
    std::memcpy(&bits, &v, sizeof bits);
    for (int i = 0; i < 4; ++i) u8(static_cast<std::uint8_t>(bits >> (8 * i)));
  }
  void str(std::string_view s) {
    uint(s.size());
    out_.append(s);
  }

  std::string take() { return std::move(out_); }

 private:
  std::string out_;
};

class Reader {
 public:
  // bytes[0] is the format byte, checked by the caller.
  Reader(std::string_view bytes, const char* what)
      : p_(reinterpret_cast<const unsigned char*>(bytes.data()) + 1),
        end_(reinterpret_cast<const unsigned char*>(bytes.data()) + bytes.size()),
        what_(what) {}

  [[noreturn]] void fail(const std::string& why) const {
    throw StoreError(std::string("corrupt ") + what_ + " record in the store: " + why);
  }

  std::uint8_t u8() {
    need(1);
    return *p_++;
  }
  bool boolean() {
    const std::uint8_t v = u8();
    if (v > 1) fail("bad boolean");
    return v == 1;
  }
  std::uint64_t u64() {
    need(8);
    std::uint64_t v = 0;
    for (int i = 0; i < 8; ++i) v |= std::uint64_t{p_[i]} << (8 * i);
    p_ += 8;
    return v;
  }
  std::uint64_t uint() {
    std::uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      const std::uint8_t b = u8();
      if (shift == 63 && b > 1) fail("varint too long");
      v |= std::uint64_t{b & 0x7fu} << shift;
      if (!(b & 0x80)) return v;
    }
    fail("varint too long");
  }
  std::int64_t sint() {
    const std::uint64_t u = uint();
    return static_cast<std::int64_t>((u >> 1) ^ (~(u & 1) + 1));
  }
  int int32() {
    const std::int64_t v = sint();
    if (v < std::numeric_limits<int>::min() || v > std::numeric_limits<int>::max()) fail("integer out of range");
    return static_cast<int>(v);
  }
  float f32() {
    need(4);
    std::uint32_t bits = 0;
    for (int i = 0; i < 4; ++i) bits |= std::uint32_t{p_[i]} << (8 * i);
    p_ += 4;
    float v;
    std::memcpy(&v, &bits, sizeof v);
    return v;
  }
  std::string_view bytes() {
    const std::uint64_t n = uint();
    need(n);
    const std::string_view s(reinterpret_cast<const char*>(p_), static_cast<std::size_t>(n));
    p_ += n;
    return s;
  }
  std::string str() { return std::string(bytes()); }
  // An element count; each element takes at least one byte, so a count larger
  // than what is left is corrupt (and must not size an allocation).
  std::size_t count() {
    const std::uint64_t n = uint();
    if (n > left()) fail("count larger than the record");
    return static_cast<std::size_t>(n);
  }
  template <class E, std::size_t N>
  E code(const E (&table)[N], const char* name) {
    const std::uint8_t c = u8();
    if (c >= N) fail(std::string("unknown ") + name);
    return table[c];
  }
  void finish() const {
    if (p_ != end_) fail("trailing bytes");
  }
  bool at_end() const { return p_ == end_; }

 private:
  std::size_t left() const { return static_cast<std::size_t>(end_ - p_); }
  void need(std::uint64_t n) const {
    if (n > left()) fail("truncated");
  }

  const unsigned char* p_;
  const unsigned char* end_;
  const char* what_;
};

bool is_binary(std::string_view bytes) {
  return !bytes.empty() && static_cast<unsigned char>(bytes[0]) == kBinaryV1;
}

// ---- the msgpack layout of stores written before the binary one (read only)

json from_msgpack(std::string_view bytes, const char* what) {
  try {
    return json::from_msgpack(bytes.begin(), bytes.end());
  } catch (const json::exception& e) {
    throw StoreError(std::string("corrupt ") + what + " record in the store: " + e.what());
  }
}

template <class F>
auto decode_fields(std::string_view bytes, const char* what, F&& fill) {
  const json j = from_msgpack(bytes, what);
  try {
    return fill(j);
  } catch (const json::exception& e) {
    throw StoreError(std::string("corrupt ") + what + " record in the store: " + e.what());
  }
}

Task decode_task_msgpack(std::string_view bytes) {
  return decode_fields(bytes, "task", [](const json& j) {
    Task t;
    t.hash = j.at("hash").get<std::uint64_t>();
    t.path = j.at("path").get<std::string>();
    t.width = j.at("w").get<int>();
    t.height = j.at("h").get<int>();
    t.added_ms = j.value("added", std::int64_t{0});
    return t;
  });
}

CompareRecord compare_from_json(const json& j) {
  CompareRecord c;
  c.model_a = j.at("a").get<std::string>();
  c.model_b = j.at("b").get<std::string>();
  c.caption_a = j.at("ca").get<std::string>();
  c.caption_b = j.at("cb").get<std::string>();
  c.a_on_left = j.at("left").get<std::string>() == "a";
  const auto choice = parse_compare_choice(j.at("choice").get<std::string>());
  if (!choice) throw StoreError("corrupt answer record in the store: unknown comparison choice");
  c.choice = *choice;
  c.identical = j.at("identical").get<bool>();
  c.edited = j.at("edited").get<bool>();
  return c;
}

Answer decode_answer_msgpack(std::string_view bytes) {
  return decode_fields(bytes, "answer", [](const json& j) {
    Answer a;
    a.task = j.at("task").get<std::uint64_t>();
    a.session = j.at("session").get<std::string>();
    a.caption = j.at("caption").get<std::string>();
    a.orig_caption = j.at("orig").get<std::string>();
    a.model = j.at("model").get<std::string>();
    const auto kind = parse_answer_kind(j.at("answer").get<std::string>());
    if (!kind) throw StoreError("corrupt answer record in the store: unknown answer kind");
    a.answer = *kind;
    a.categories = j.at("cats").get<std::vector<std::string>>();
    a.started_ms = j.at("started").get<std::int64_t>();
    a.saved_ms = j.at("saved").get<std::int64_t>();
    a.ms_spent = j.at("spent").get<std::int64_t>();
    a.edit_distance = j.at("dist").get<int>();
    a.extra = j.value("extra", json::object());
    if (const auto it = j.find("cmp"); it != j.end()) a.compare = compare_from_json(*it);
    return a;
  });
}

Suggestion decode_suggestion_msgpack(std::string_view bytes) {
  return decode_fields(bytes, "suggestion", [](const json& j) {
    Suggestion s;
    s.caption = j.at("caption").get<std::string>();
    s.tokens = j.at("tokens").get<std::vector<std::int64_t>>();
    s.log_prob = j.at("logp").get<float>();
    s.confidence = j.at("conf").get<float>();
    s.created_ms = j.at("created").get<std::int64_t>();
    return s;
  });
}

}  // namespace

std::string encode(const Task& t) {
  Writer w;
  w.u64(t.hash);
  w.str(t.path);
  w.sint(t.width);
  w.sint(t.height);
  w.sint(t.added_ms);
  if (!t.root.empty()) w.str(t.root);
  return w.take();
}

Task decode_task(std::string_view bytes) {
  if (!is_binary(bytes)) return decode_task_msgpack(bytes);
  Reader r(bytes, "task");
  Task t;
  t.hash = r.u64();
  t.path = r.str();
  t.width = r.int32();
  t.height = r.int32();
  t.added_ms = r.sint();
  if (!r.at_end()) {
    t.root = r.str();
    if (t.root.empty()) r.fail("empty root");  // never written: an empty root is left out
  }
  r.finish();
  return t;
}

std::string encode(const Answer& a) {
  Writer w;
  w.u64(a.task);
  w.str(a.session);
  w.str(a.caption);
  w.str(a.orig_caption);
  w.str(a.model);
  w.u8(code_of(kKinds, a.answer));
  w.uint(a.categories.size());
  for (const std::string& c : a.categories) w.str(c);
  w.sint(a.started_ms);
  w.sint(a.saved_ms);
  w.sint(a.ms_spent);
  w.sint(a.edit_distance);
  if (a.extra.is_object() && a.extra.empty()) {
    w.uint(0);  // the common case: nothing kept
  } else {
    const std::vector<std::uint8_t> packed = json::to_msgpack(a.extra);
    w.str(std::string_view(reinterpret_cast<const char*>(packed.data()), packed.size()));
  }
  w.boolean(a.compare.has_value());
  if (const auto& c = a.compare) {
    w.str(c->model_a);
    w.str(c->model_b);
    w.str(c->caption_a);
    w.str(c->caption_b);
    w.boolean(c->a_on_left);
    w.u8(code_of(kChoices, c->choice));
    w.boolean(c->identical);
    w.boolean(c->edited);
  }
  if (!a.annotator.empty() || a.surplus) {
    w.str(a.annotator);
    w.boolean(a.surplus);
  }
  return w.take();
}

Answer decode_answer(std::string_view bytes) {
  if (!is_binary(bytes)) return decode_answer_msgpack(bytes);
  Reader r(bytes, "answer");
  Answer a;
  a.task = r.u64();
  a.session = r.str();
  a.caption = r.str();
  a.orig_caption = r.str();
  a.model = r.str();
  a.answer = r.code(kKinds, "answer kind");
  const std::size_t n = r.count();
  a.categories.reserve(n);
  for (std::size_t i = 0; i < n; ++i) a.categories.push_back(r.str());
  a.started_ms = r.sint();
  a.saved_ms = r.sint();
  a.ms_spent = r.sint();
  a.edit_distance = r.int32();
  if (const std::string_view packed = r.bytes(); !packed.empty()) {
    try {
      a.extra = json::from_msgpack(packed.begin(), packed.end());
    } catch (const json::exception& e) {
      r.fail(std::string("extra: ") + e.what());
    }
  }
  if (r.boolean()) {
    CompareRecord& c = a.compare.emplace();
    c.model_a = r.str();
    c.model_b = r.str();
    c.caption_a = r.str();
    c.caption_b = r.str();
    c.a_on_left = r.boolean();
    c.choice = r.code(kChoices, "comparison choice");
    c.identical = r.boolean();
    c.edited = r.boolean();
  }
  if (!r.at_end()) {
    a.annotator = r.str();
    a.surplus = r.boolean();
  }
  r.finish();
  return a;
}

std::string encode(const Suggestion& s) {
  Writer w;
  w.str(s.caption);
  w.uint(s.tokens.size());
  for (const std::int64_t t : s.tokens) w.sint(t);
  w.f32(s.log_prob);
  w.f32(s.confidence);
  w.sint(s.created_ms);
  if (!std::isnan(s.ood_score)) {
    w.f32(s.ood_score);
    w.boolean(s.unlike_training);
  }
  return w.take();
}

Suggestion decode_suggestion(std::string_view bytes) {
  if (!is_binary(bytes)) return decode_suggestion_msgpack(bytes);
  Reader r(bytes, "suggestion");
  Suggestion s;
  s.caption = r.str();
  const std::size_t n = r.count();
  s.tokens.reserve(n);
  for (std::size_t i = 0; i < n; ++i) s.tokens.push_back(r.sint());
  s.log_prob = r.f32();
  s.confidence = r.f32();
  s.created_ms = r.sint();
  if (!r.at_end()) {
    s.ood_score = r.f32();
    // Never written: an unknown score is left out.
    if (std::isnan(s.ood_score)) r.fail("unknown out-of-distribution score written");
    s.unlike_training = r.boolean();
  }
  r.finish();
  return s;
}

// Reviews are few (one per task a lead settles): msgpack, like the first
// records, rather than the packed binary of answers.
std::string encode(const Review& r) {
  const json j = {{"task", r.task},    {"reviewer", r.reviewer}, {"at", r.reviewed_ms},
                  {"verdict", to_string(r.verdict)}, {"from", r.from}, {"caption", r.caption}};
  const auto bytes = json::to_msgpack(j);
  return std::string(bytes.begin(), bytes.end());
}

Review decode_review(std::string_view bytes) {
  return decode_fields(bytes, "review", [](const json& j) {
    Review r;
    r.task = j.at("task").get<std::uint64_t>();
    r.reviewer = j.at("reviewer").get<std::string>();
    r.reviewed_ms = j.at("at").get<std::int64_t>();
    const auto verdict = parse_review_verdict(j.at("verdict").get<std::string>());
    if (!verdict) throw StoreError("corrupt review record in the store: unknown verdict");
    r.verdict = *verdict;
    r.from = j.at("from").get<std::string>();
    r.caption = j.at("caption").get<std::string>();
    return r;
  });
}

}  // namespace gloss
