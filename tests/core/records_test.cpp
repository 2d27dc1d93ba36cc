// The store's record encodings (src/core/records.cpp): gloss's binary layout
// round trips every field, records written by older gloss (msgpack maps) still
// decode to the same structs, and corrupt or truncated records throw
// StoreError instead of reading out of bounds.
#include "core/records.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <memory>
#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/lmdb.h"
#include "core/lmdb_store.h"
#include "test_util.h"

namespace gloss {
namespace {

using nlohmann::json;

// ---- the msgpack encoders of gloss before the binary layout, verbatim, so
// that the tests hold records exactly as old stores hold them.
namespace legacy {

std::string to_msgpack(const json& j) {
  const auto bytes = json::to_msgpack(j);
  return std::string(bytes.begin(), bytes.end());
}

std::string encode(const Task& t) {
  return to_msgpack({{"hash", t.hash}, {"path", t.path}, {"w", t.width}, {"h", t.height},
                     {"added", t.added_ms}});
}

json compare_to_json(const CompareRecord& c) {
  return {{"a", c.model_a}, {"b", c.model_b}, {"ca", c.caption_a}, {"cb", c.caption_b},
          {"left", c.a_on_left ? "a" : "b"}, {"choice", std::string(to_string(c.choice))},
          {"identical", c.identical}, {"edited", c.edited}};
}

std::string encode(const Answer& a) {
  json j = {{"task", a.task}, {"session", a.session}, {"caption", a.caption},
            {"orig", a.orig_caption}, {"model", a.model},
            {"answer", std::string(to_string(a.answer))}, {"cats", a.categories},
            {"started", a.started_ms}, {"saved", a.saved_ms}, {"spent", a.ms_spent},
            {"dist", a.edit_distance}, {"extra", a.extra}};
  if (a.compare) j["cmp"] = compare_to_json(*a.compare);
  return to_msgpack(j);
}

std::string encode(const Suggestion& s) {
  return to_msgpack({{"caption", s.caption}, {"tokens", s.tokens}, {"logp", s.log_prob},
                     {"conf", s.confidence}, {"created", s.created_ms}});
}

}  // namespace legacy

void expect_same(const Task& a, const Task& b) {
  EXPECT_EQ(a.hash, b.hash);
  EXPECT_EQ(a.path, b.path);
  EXPECT_EQ(a.width, b.width);
  EXPECT_EQ(a.height, b.height);
  EXPECT_EQ(a.added_ms, b.added_ms);
}

void expect_same(const Answer& a, const Answer& b) {
  EXPECT_EQ(a.task, b.task);
  EXPECT_EQ(a.session, b.session);
  EXPECT_EQ(a.caption, b.caption);
  EXPECT_EQ(a.orig_caption, b.orig_caption);
  EXPECT_EQ(a.model, b.model);
  EXPECT_EQ(a.answer, b.answer);
  EXPECT_EQ(a.categories, b.categories);
  EXPECT_EQ(a.started_ms, b.started_ms);
  EXPECT_EQ(a.saved_ms, b.saved_ms);
  EXPECT_EQ(a.ms_spent, b.ms_spent);
  EXPECT_EQ(a.edit_distance, b.edit_distance);
  EXPECT_EQ(a.extra, b.extra) << a.extra.dump() << " vs " << b.extra.dump();
  // Same kind of value (null stays null, [] stays []); numbers may change
  // signedness through msgpack (42 comes back unsigned) but compare equal.
  if (!a.extra.is_number()) EXPECT_EQ(a.extra.type(), b.extra.type());
  EXPECT_EQ(a.compare, b.compare);
}

void expect_same(const Suggestion& a, const Suggestion& b) {
  EXPECT_EQ(a.caption, b.caption);
  EXPECT_EQ(a.tokens, b.tokens);
  // Bit for bit (covers -0.0 and infinities).
  EXPECT_EQ(std::signbit(a.log_prob), std::signbit(b.log_prob));
  EXPECT_EQ(a.log_prob, b.log_prob);
  EXPECT_EQ(a.confidence, b.confidence);
  EXPECT_EQ(a.created_ms, b.created_ms);
  EXPECT_EQ(std::isnan(a.ood_score), std::isnan(b.ood_score));
  if (!std::isnan(a.ood_score)) EXPECT_EQ(a.ood_score, b.ood_score);
  EXPECT_EQ(a.unlike_training, b.unlike_training);
}

Task sample_task() {
  Task t;
  t.hash = 0xfedcba9876543210ull;
  t.path = "/data/Bilder/Ünïcødé 猫 🐈/001.png";
  t.width = 640;
  t.height = 480;
  t.added_ms = 1764021000123;
  return t;
}

CompareRecord sample_compare() {
  CompareRecord c;
  c.model_a = "blip-base@3f2a9c1d";
  c.model_b = "git-large@77aa0b12";
  c.caption_a = "two red circles";
  c.caption_b = "zwei rote Kreise — ✓";
  c.a_on_left = false;
  c.choice = CompareChoice::both_good;
  c.identical = false;
  c.edited = true;
  return c;
}

Answer sample_answer() {
  Answer a;
  a.task = 0x0123456789abcdefull;
  a.session = "anna-2026-11-25";
  a.caption = "a small cat 猫 on a mat, café ☕";
  a.orig_caption = "a cat on a mat";
  a.model = "5f0c3a9e1b2d4c6f";
  a.answer = AnswerKind::reject;
  a.categories = {"object", "", "hallucination ✗"};
  a.started_ms = 1764020996600;
  a.saved_ms = 1764021000000;
  a.ms_spent = 3400;
  a.edit_distance = 3;
  a.extra = {{"_input_hash", -1260329520},
             {"_task_hash", 1867446571},
             {"meta", {{"file", "001.png"}, {"nested", {1, 2.5, "drei", nullptr, true, json::object()}}}},
             {"refs", {"one caption", "another"}},
             {"big", std::numeric_limits<std::uint64_t>::max()},
             {"small", std::numeric_limits<std::int64_t>::min()}};
  a.compare = sample_compare();
  return a;
}

Suggestion sample_suggestion() {
  Suggestion s;
  s.caption = "a dog running on grass 🐕";
  s.tokens = {0, 1, 127, 128, 16383, 16384, -1, -64, -65, 30522,
              std::numeric_limits<std::int64_t>::max(), std::numeric_limits<std::int64_t>::min()};
  s.log_prob = -12.3456f;
  s.confidence = 0.8125f;
  s.created_ms = 1764021000777;
  return s;
}

// ---------------------------------------------------------------- round trips

TEST(Records, BinaryRecordsStartWithTheFormatByte) {
  for (const std::string& bytes : {encode(sample_task()), encode(sample_answer()), encode(sample_suggestion())}) {
    ASSERT_FALSE(bytes.empty());
    EXPECT_EQ(static_cast<unsigned char>(bytes[0]), 0x01);
  }
}

TEST(Records, TaskRoundTrip) {
  expect_same(decode_task(encode(sample_task())), sample_task());
  expect_same(decode_task(encode(Task{})), Task{});
  Task extreme;
  extreme.hash = std::numeric_limits<std::uint64_t>::max();
  extreme.path = std::string(70000, 'p');
  extreme.width = std::numeric_limits<int>::max();
  extreme.height = std::numeric_limits<int>::min();
  extreme.added_ms = std::numeric_limits<std::int64_t>::min();
  expect_same(decode_task(encode(extreme)), extreme);
  extreme.added_ms = std::numeric_limits<std::int64_t>::max();
  extreme.width = -1;
  expect_same(decode_task(encode(extreme)), extreme);
}

TEST(Records, AnswerRoundTripEveryField) {
  const Answer a = sample_answer();
  expect_same(decode_answer(encode(a)), a);
}

TEST(Records, AnswerRoundTripEmptyAndDefault) {
  const Answer empty;  // empty strings, no categories, extra {}, no comparison
  const std::string bytes = encode(empty);
  // format byte, 8-byte task, 4 empty strings, kind, no categories, 4 zero
  // integers, empty extra, no comparison: an empty extra costs one byte.
  EXPECT_EQ(bytes.size(), 1u + 8 + 4 + 1 + 1 + 4 + 1 + 1);
  const Answer back = decode_answer(bytes);
  expect_same(back, empty);
  EXPECT_TRUE(back.extra.is_object());
  EXPECT_FALSE(back.compare);
}

TEST(Records, AnswerRoundTripLongCaption) {
  Answer a = sample_answer();
  a.caption.clear();
  for (int i = 0; a.caption.size() < 200000; ++i) a.caption += "wörd" + std::to_string(i % 10) + ' ';
  a.caption.resize(200000);
  a.orig_caption = std::string(200000, 'x');
  const Answer back = decode_answer(encode(a));
  EXPECT_EQ(back.caption.size(), 200000u);
  expect_same(back, a);
}

TEST(Records, AnswerRoundTripExtraThatIsNotAnEmptyObject) {
  // Whatever extra holds comes back as it was, type included.
  for (const json& extra : {json(nullptr), json::array(), json(json::array({1, 2})), json("text"), json(42),
                            json({{"k", json::object()}})}) {
    Answer a = sample_answer();
    a.extra = extra;
    expect_same(decode_answer(encode(a)), a);
  }
}

TEST(Records, AnswerRoundTripEveryKindAndChoice) {
  for (const AnswerKind kind : {AnswerKind::accept, AnswerKind::reject, AnswerKind::ignore}) {
    Answer a = sample_answer();
    a.answer = kind;
    a.compare.reset();
    expect_same(decode_answer(encode(a)), a);
    for (const CompareChoice choice : {CompareChoice::a, CompareChoice::b, CompareChoice::both_good,
                                       CompareChoice::both_bad, CompareChoice::none})
      for (const bool left : {false, true})
        for (const bool identical : {false, true})
          for (const bool edited : {false, true}) {
            a.compare = sample_compare();
            a.compare->choice = choice;
            a.compare->a_on_left = left;
            a.compare->identical = identical;
            a.compare->edited = edited;
            expect_same(decode_answer(encode(a)), a);
          }
  }
}

TEST(Records, AnswerRoundTripExtremeIntegers) {
  Answer a = sample_answer();
  a.task = std::numeric_limits<std::uint64_t>::max();
  a.started_ms = std::numeric_limits<std::int64_t>::min();
  a.saved_ms = std::numeric_limits<std::int64_t>::max();
  a.ms_spent = -1;
  a.edit_distance = std::numeric_limits<int>::min();
  expect_same(decode_answer(encode(a)), a);
  a.edit_distance = std::numeric_limits<int>::max();
  expect_same(decode_answer(encode(a)), a);
}

TEST(Records, SuggestionRoundTrip) {
  expect_same(decode_suggestion(encode(sample_suggestion())), sample_suggestion());
  expect_same(decode_suggestion(encode(Suggestion{})), Suggestion{});
  Suggestion s = sample_suggestion();
  s.log_prob = -0.0f;
  s.confidence = std::numeric_limits<float>::denorm_min();
  expect_same(decode_suggestion(encode(s)), s);
  s.log_prob = -std::numeric_limits<float>::infinity();
  s.confidence = std::numeric_limits<float>::max();
  s.tokens.assign(5000, 30521);
  expect_same(decode_suggestion(encode(s)), s);
  s.log_prob = std::numeric_limits<float>::quiet_NaN();
  EXPECT_TRUE(std::isnan(decode_suggestion(encode(s)).log_prob));
  // An endpoint model without logprobs: no confidence, stored as NaN.
  EXPECT_TRUE(has_confidence(decode_suggestion(encode(s))));
  s.confidence = std::nanf("");
  EXPECT_FALSE(has_confidence(decode_suggestion(encode(s))));
}

TEST(Records, SuggestionKeepsItsOutOfDistributionScore) {
  Suggestion s = sample_suggestion();
  EXPECT_TRUE(std::isnan(decode_suggestion(encode(s)).ood_score));  // unknown stays unknown
  EXPECT_FALSE(decode_suggestion(encode(s)).unlike_training);
  s.ood_score = 57.25f;
  s.unlike_training = true;
  expect_same(decode_suggestion(encode(s)), s);
  s.ood_score = 3.5f;
  s.unlike_training = false;
  expect_same(decode_suggestion(encode(s)), s);
  // The two fields cost 5 bytes, and only when there is a score.
  Suggestion unknown = sample_suggestion();
  EXPECT_EQ(encode(s).size(), encode(unknown).size() + 5);
}

// A suggestion as gloss 0.14 wrote it, before the score was kept: format
// byte, caption "a red circle", 2 tokens (4, 7), log_prob -1.5, confidence
// 0.5, created_ms 1000. It must decode with the score unknown.
TEST(Records, SuggestionWrittenBeforeTheScoreDecodes) {
  const std::string old_record = std::string("\x01\x0c" "a red circle" "\x02\x08\x0e", 17) +
                                 std::string("\x00\x00\xc0\xbf" "\x00\x00\x00\x3f" "\xd0\x0f", 10);
  const Suggestion s = decode_suggestion(old_record);
  EXPECT_EQ(s.caption, "a red circle");
  EXPECT_EQ(s.tokens, (std::vector<std::int64_t>{4, 7}));
  EXPECT_EQ(s.log_prob, -1.5f);
  EXPECT_EQ(s.confidence, 0.5f);
  EXPECT_EQ(s.created_ms, 1000);
  EXPECT_TRUE(std::isnan(s.ood_score));
  EXPECT_FALSE(s.unlike_training);
  // And written again unchanged: a suggestion without a score keeps the old layout.
  EXPECT_EQ(encode(s), old_record);
}

// ---------------------------------------------------------------- old stores

TEST(Records, LegacyMsgpackRecordsStillDecode) {
  const std::string old_task = legacy::encode(sample_task());
  ASSERT_EQ(static_cast<unsigned char>(old_task[0]) & 0xf0, 0x80);  // a fixmap
  expect_same(decode_task(old_task), sample_task());

  expect_same(decode_answer(legacy::encode(sample_answer())), sample_answer());
  Answer no_compare = sample_answer();
  no_compare.compare.reset();
  no_compare.extra = json::object();
  expect_same(decode_answer(legacy::encode(no_compare)), no_compare);
  expect_same(decode_answer(legacy::encode(Answer{})), Answer{});
  for (const AnswerKind kind : {AnswerKind::accept, AnswerKind::reject, AnswerKind::ignore})
    for (const CompareChoice choice : {CompareChoice::a, CompareChoice::b, CompareChoice::both_good,
                                       CompareChoice::both_bad, CompareChoice::none}) {
      Answer a = sample_answer();
      a.answer = kind;
      a.compare->choice = choice;
      a.compare->a_on_left = choice == CompareChoice::a;
      expect_same(decode_answer(legacy::encode(a)), a);
    }

  Suggestion s = sample_suggestion();
  expect_same(decode_suggestion(legacy::encode(s)), s);
}

TEST(Records, LegacyRecordsWithBigMapsAndMissingOptionalFields) {
  // Older still: tasks without "added", answers without "extra".
  const json task = {{"hash", 7}, {"path", "/x.png"}, {"w", 3}, {"h", 4}};
  const auto t = decode_task(legacy::to_msgpack(task));
  EXPECT_EQ(t.path, "/x.png");
  EXPECT_EQ(t.added_ms, 0);
  json answer = json::from_msgpack(legacy::encode(Answer{}));
  answer.erase("extra");
  const Answer a = decode_answer(legacy::to_msgpack(answer));
  EXPECT_TRUE(a.extra.is_object());
  EXPECT_TRUE(a.extra.empty());
  // A map with 16 or more entries is a map16 (0xde) in msgpack.
  answer["extra"] = json::object();
  for (int i = 0; i < 10; ++i) answer["x" + std::to_string(i)] = i;
  const std::string big = legacy::to_msgpack(answer);
  ASSERT_EQ(static_cast<unsigned char>(big[0]), 0xde);
  EXPECT_EQ(decode_answer(big).task, 0u);
}

TEST(Records, StoreWithLegacyRecordsKeepsWorking) {
  test::TempDir dir;
  Answer answer = sample_answer();
  Task task = sample_task();
  answer.task = task.hash;
  Task other = task;
  other.hash = 99;
  other.path = "/other.png";
  {
    LmdbStore store({dir.path()});
    store.add_tasks("ds", {task, other});
    store.save_answer("ds", answer);
    Suggestion s = sample_suggestion();
    store.put_suggestion("m", task.hash, s);
  }
  // Rewrite every task, answer and suggestion the way gloss wrote them before
  // the binary layout.
  {
    lmdb::Env env({dir.path()});
    for (const char* name : {"tasks", "answers", "suggestions"}) {
      const MDB_dbi dbi = env.open_db(name);
      const std::string which = name;
      env.write([&](lmdb::Txn& txn) {
        std::vector<std::pair<std::string, std::string>> rewritten;
        lmdb::Cursor c(txn, dbi);
        for (bool ok = c.first(); ok; ok = c.next()) {
          const std::string_view v = c.value();
          ASSERT_EQ(static_cast<unsigned char>(v[0]), 0x01);
          rewritten.emplace_back(std::string(c.key()),
                                 which == "tasks"     ? legacy::encode(decode_task(v))
                                 : which == "answers" ? legacy::encode(decode_answer(v))
                                                      : legacy::encode(decode_suggestion(v)));
        }
        ASSERT_FALSE(rewritten.empty());
        for (const auto& [k, v] : rewritten) txn.put(dbi, k, v);
      });
    }
  }
  LmdbStore store({dir.path()});
  const DatasetInfo ds = store.require_dataset("ds");
  expect_same(*store.task(task.hash), task);
  expect_same(*store.task(other.hash), other);
  expect_same(*store.answer_at(ds, 0, default_annotator()), answer);
  expect_same(*store.answer(ds, task.hash, default_annotator()), answer);
  int seen = 0;
  store.for_each_answer(ds, [&](std::uint64_t, const Answer& a) {
    expect_same(a, answer);
    ++seen;
    return true;
  });
  EXPECT_EQ(seen, 1);
  expect_same(*store.suggestion("m", task.hash), sample_suggestion());
  // New writes beside old records use the binary layout and read back.
  Answer second = answer;
  second.task = other.hash;
  second.compare.reset();
  store.save_answer("ds", second);
  expect_same(*store.answer_at(ds, 1, default_annotator()), second);
  expect_same(*store.answer_at(ds, 0, default_annotator()), answer);
}

// ---------------------------------------------------------------- corruption

// Decoding must either throw StoreError or give a record; anything else (another
// exception, an out-of-bounds read under ASan) is a failure.
// The bytes in a heap block of exactly their size (not a std::string, whose
// terminator and small-string buffer would hide a read past the end from ASan).
struct ExactBytes {
  explicit ExactBytes(std::string_view s) : data(new char[s.size()]), size(s.size()) {
    std::copy(s.begin(), s.end(), data.get());
  }
  std::string_view view() const { return {data.get(), size}; }
  std::unique_ptr<char[]> data;
  std::size_t size;
};

template <class Decode>
bool decodes_or_throws_store_error(Decode decode, const std::string& bytes) {
  const ExactBytes exact(bytes);
  try {
    decode(exact.view());
    return true;
  } catch (const StoreError& e) {
    EXPECT_NE(std::string(e.what()).find("record in the store"), std::string::npos) << e.what();
    return false;
  }
}

template <class Decode>
void check_corruptions(Decode decode, const std::string& valid, std::uint64_t seed) {
  // Every truncation, including the empty record, is corrupt. Each one is
  // copied into its own allocation so that ASan sees a read past its end.
  for (std::size_t n = 0; n < valid.size(); ++n) {
    const ExactBytes cut(std::string_view(valid).substr(0, n));
    EXPECT_THROW(decode(cut.view()), StoreError) << "prefix of " << n << " bytes";
  }
  // A byte too many is corrupt too (binary records only: they end exactly).
  if (static_cast<unsigned char>(valid[0]) == 0x01) {
    EXPECT_THROW(decode(std::string_view(valid + '\0')), StoreError);
  }
  // Random byte flips: a valid decode or StoreError, never a crash.
  std::mt19937_64 rng(seed);
  for (int trial = 0; trial < 3000; ++trial) {
    std::string bad = valid;
    const int flips = 1 + static_cast<int>(rng() % 4);
    for (int f = 0; f < flips; ++f) {
      const std::size_t at = rng() % bad.size();
      if (rng() % 2) bad[at] = static_cast<char>(rng());
      else bad[at] = static_cast<char>(static_cast<unsigned char>(bad[at]) ^ (1u << (rng() % 8)));
    }
    if (rng() % 4 == 0) bad.resize(rng() % bad.size());
    decodes_or_throws_store_error(decode, bad);
  }
}

TEST(Records, CorruptBinaryRecordsThrowStoreError) {
  check_corruptions([](std::string_view b) { return decode_task(b); }, encode(sample_task()), 1);
  check_corruptions([](std::string_view b) { return decode_answer(b); }, encode(sample_answer()), 2);
  Answer plain = sample_answer();
  plain.extra = json::object();
  plain.compare.reset();
  check_corruptions([](std::string_view b) { return decode_answer(b); }, encode(plain), 3);
  check_corruptions([](std::string_view b) { return decode_suggestion(b); }, encode(sample_suggestion()), 4);
  // A scored suggestion cut just before its score is a whole record of the
  // older layout; cut anywhere else it is corrupt.
  Suggestion scored = sample_suggestion();
  scored.ood_score = 12.5f;
  scored.unlike_training = true;
  const std::string whole = encode(scored);
  const std::size_t older = encode(sample_suggestion()).size();
  for (std::size_t n = 0; n < whole.size(); ++n)
    EXPECT_EQ(decodes_or_throws_store_error([](std::string_view b) { return decode_suggestion(b); }, whole.substr(0, n)),
              n == older)
        << "prefix of " << n << " bytes";
}

TEST(Records, CorruptLegacyRecordsThrowStoreError) {
  check_corruptions([](std::string_view b) { return decode_task(b); }, legacy::encode(sample_task()), 5);
  check_corruptions([](std::string_view b) { return decode_answer(b); }, legacy::encode(sample_answer()), 6);
  check_corruptions([](std::string_view b) { return decode_suggestion(b); }, legacy::encode(sample_suggestion()),
                    7);
}

TEST(Records, SpecificCorruptionsAreNamed) {
  auto message = [](auto decode, const std::string& bytes) -> std::string {
    try {
      decode(bytes);
    } catch (const StoreError& e) {
      return e.what();
    }
    return "(decoded)";
  };
  const auto answer = [](std::string_view b) { return decode_answer(b); };
  const auto task = [](std::string_view b) { return decode_task(b); };
  const auto suggestion = [](std::string_view b) { return decode_suggestion(b); };

  std::string empty_answer = encode(Answer{});
  // The kind byte sits after the format byte, the task hash and 4 empty strings.
  std::string bad_kind = empty_answer;
  bad_kind[1 + 8 + 4] = 7;
  EXPECT_EQ(message(answer, bad_kind), "corrupt answer record in the store: unknown answer kind");
  std::string bad_bool = empty_answer;
  bad_bool.back() = 2;  // the "has comparison" byte
  EXPECT_EQ(message(answer, bad_bool), "corrupt answer record in the store: bad boolean");
  std::string bad_choice = encode([] {
    Answer a;
    a.compare = CompareRecord{};
    return a;
  }());
  bad_choice[bad_choice.size() - 3] = 5;  // choice, then identical and edited
  EXPECT_EQ(message(answer, bad_choice), "corrupt answer record in the store: unknown comparison choice");
  std::string trailing = encode([] {
    Answer a;
    a.annotator = "ann";
    return a;
  }()) + "x";
  EXPECT_EQ(message(answer, trailing), "corrupt answer record in the store: trailing bytes");
  EXPECT_EQ(message(answer, std::string()).rfind("corrupt answer record in the store: ", 0), 0u);

  // A string length far past the end, a huge category count, an overlong varint.
  std::string long_string = std::string(1, '\x01') + std::string(8, '\0') + "\xff\xff\xff\xff\x0f";
  EXPECT_EQ(message(answer, long_string), "corrupt answer record in the store: truncated");
  std::string many_cats = empty_answer;
  many_cats.replace(1 + 8 + 4 + 1, 1, "\xff\xff\xff\xff\xff\xff\xff\xff\x7f");
  EXPECT_EQ(message(answer, many_cats), "corrupt answer record in the store: count larger than the record");
  std::string overlong = std::string(1, '\x01') + std::string(8, '\0') + std::string(10, '\xff') + "\x01";
  EXPECT_EQ(message(answer, overlong), "corrupt answer record in the store: varint too long");
  std::string max_varint = std::string(1, '\x01') + std::string(8, '\0') + std::string(9, '\xff') + "\x02";
  EXPECT_EQ(message(answer, max_varint), "corrupt answer record in the store: varint too long");

  // Extra that is not msgpack.
  std::string bad_extra = empty_answer;
  bad_extra.replace(bad_extra.size() - 2, 1, "\x01\xc1");  // 0xc1 is never used in msgpack
  EXPECT_EQ(message(answer, bad_extra).rfind("corrupt answer record in the store: extra: ", 0), 0u);

  // A width that does not fit an int.
  Task t;
  std::string wide = encode(t);
  wide.replace(1 + 8 + 1, 1, "\x80\x80\x80\x80\x20");  // zigzag 2^33: +2^32
  EXPECT_EQ(message(task, wide), "corrupt task record in the store: integer out of range");
  EXPECT_EQ(message(suggestion, encode(Suggestion{}).substr(0, 5)),
            "corrupt suggestion record in the store: truncated");
  Suggestion scored;
  scored.ood_score = 2.f;
  const std::string with_score = encode(scored);
  EXPECT_EQ(message(suggestion, with_score.substr(0, with_score.size() - 1)),  // the flag cut off
            "corrupt suggestion record in the store: truncated");
  std::string bad_flag = with_score;
  bad_flag.back() = 2;
  EXPECT_EQ(message(suggestion, bad_flag), "corrupt suggestion record in the store: bad boolean");
  // Neither binary nor a msgpack map.
  EXPECT_EQ(message(task, "\x02garbage").rfind("corrupt task record in the store: ", 0), 0u);
  EXPECT_EQ(message(task, legacy::to_msgpack(json::array({1, 2}))).rfind("corrupt task record in the store: ", 0),
            0u);
}

}  // namespace
}  // namespace gloss
