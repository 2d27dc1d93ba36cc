#include "core/lmdb_store.h"
#include "core/compare.h"

#include <gtest/gtest.h>

#include <sstream>

#include "core/compare_pass.h"
#include "core/interchange.h"
#include "core/sources.h"
#include "test_util.h"

namespace gloss {
namespace {

// ---- Wilson interval, worked by hand with z = 1.96:
//   centre = (p + z²/2n) / (1 + z²/n),  half = z/(1 + z²/n) · sqrt(p(1-p)/n + z²/4n²)
TEST(Wilson, HandWorkedCases) {
  const Interval none = wilson_interval(0, 0);
  EXPECT_EQ(none.low, 0.0);
  EXPECT_EQ(none.high, 1.0);
  // 5/10: centre 0.5, half 1.41603 · 0.186021 = 0.263411
  const Interval half = wilson_interval(5, 10);
  EXPECT_NEAR(half.low, 0.2366, 1e-4);
  EXPECT_NEAR(half.high, 0.7634, 1e-4);
  // 0/10: centre = half = 0.192073 / 1.38415 = 0.138766
  const Interval zero = wilson_interval(0, 10);
  EXPECT_NEAR(zero.low, 0.0, 1e-12);
  EXPECT_NEAR(zero.high, 0.2775, 1e-4);
  const Interval all = wilson_interval(10, 10);
  EXPECT_NEAR(all.low, 0.7225, 1e-4);
  EXPECT_NEAR(all.high, 1.0, 1e-12);
  // 60/100: centre 0.596307, half 1.887492 · 0.049960 = 0.094300
  const Interval sixty = wilson_interval(60, 100);
  EXPECT_NEAR(sixty.low, 0.5020, 1e-4);
  EXPECT_NEAR(sixty.high, 0.6906, 1e-4);
  // 99% (z = 2.5758) is wider than 95% on the same counts.
  const Interval wide = wilson_interval(60, 100, 2.5758293035489);
  EXPECT_LT(wide.low, sixty.low);
  EXPECT_GT(wide.high, sixty.high);
}

TEST(BlindOrder, RandomButReproducibleWithASeed) {
  int left = 0, same_as_other_seed = 0;
  for (std::uint64_t task = 1; task <= 2000; ++task) {
    const bool a = a_on_left(42, task * 0x9E3779B97F4A7C15ULL);
    EXPECT_EQ(a, a_on_left(42, task * 0x9E3779B97F4A7C15ULL));
    left += a;
    same_as_other_seed += a == a_on_left(43, task * 0x9E3779B97F4A7C15ULL);
  }
  // Fair coin: 2000 flips land within 1000 ± 150 (5 sigma is ±112).
  EXPECT_GT(left, 850);
  EXPECT_LT(left, 1150);
  // Another seed is another order, not the same or the mirror image.
  EXPECT_GT(same_as_other_seed, 850);
  EXPECT_LT(same_as_other_seed, 1150);
  // Consecutive task ids (small hashes) are shuffled too.
  int small_left = 0;
  for (std::uint64_t task = 0; task < 64; ++task) small_left += a_on_left(7, task);
  EXPECT_GT(small_left, 16);
  EXPECT_LT(small_left, 48);
}

TEST(SameCaption, IgnoresCaseAndPunctuationNotOrder) {
  EXPECT_TRUE(same_caption("A red circle.", "a red  circle"));
  EXPECT_FALSE(same_caption("a red circle", "a circle red"));
  EXPECT_FALSE(same_caption("a red circle", "a red circle and a square"));
  EXPECT_TRUE(same_caption("", "  "));
}

CompareRecord record(CompareChoice choice, bool identical = false, bool edited = false) {
  return {"ma", "mb", "x", "y", true, choice, identical, edited};
}

TEST(CompareTally, CountsWinsTiesAndUpdatesPerTask) {
  CompareCounter counter;
  Answer a;
  a.compare = record(CompareChoice::a);
  counter.set("ann", 1, &a);
  a.compare = record(CompareChoice::b, false, true);
  counter.set("ann", 2, &a);
  counter.set("ann", 3, &a);
  a.compare = record(CompareChoice::both_good);
  counter.set("ann", 4, &a);
  a.compare = record(CompareChoice::none, true);
  counter.set("ann", 5, &a);
  a.compare = record(CompareChoice::none);
  counter.set("ann", 6, &a);
  const CompareTally& t = counter.tally();
  EXPECT_EQ(t.model_a, "ma");
  EXPECT_EQ(t.a_wins, 1u);
  EXPECT_EQ(t.b_wins, 2u);
  EXPECT_EQ(t.both_good, 1u);
  EXPECT_EQ(t.identical, 1u);
  EXPECT_EQ(t.other, 1u);
  EXPECT_EQ(t.edited, 2u);
  EXPECT_EQ(t.decided(), 3u);
  EXPECT_EQ(t.ties(), 2u);
  EXPECT_EQ(t.answered(), 6u);
  EXPECT_NEAR(t.a_win_rate(), 1.0 / 3.0, 1e-12);
  // Re-answering task 2 as A better, then undoing task 3 entirely.
  a.compare = record(CompareChoice::a);
  counter.set("ann", 2, &a);
  counter.set("ann", 3, nullptr);
  EXPECT_EQ(counter.tally().a_wins, 2u);
  EXPECT_EQ(counter.tally().b_wins, 0u);
  EXPECT_EQ(counter.tally().edited, 0u);
  Answer plain;  // a caption answer is not a comparison
  counter.set("ann", 7, &plain);
  EXPECT_EQ(counter.tally().answered(), 5u);
}

TEST(CompareStats, FormatsTheVerdict) {
  CompareTally t;
  t.model_a = "aaaa";
  t.model_b = "bbbb";
  t.b_wins = 60;
  t.a_wins = 20;
  t.both_bad = 5;
  const std::string text = format_compare_stats({t});
  EXPECT_NE(text.find("A wins 25.0% of 80 decided"), std::string::npos) << text;
  EXPECT_NE(text.find("B is better"), std::string::npos) << text;
  t.a_wins = 55;
  EXPECT_NE(format_compare_stats({t}).find("no clear winner yet"), std::string::npos);
}

// ---- ComparePass: a scripted session against the store.
struct Fixture {
  test::TempDir dir;
  std::unique_ptr<Store> store;
  std::vector<Task> tasks;

  // Model A says "a red circle N", B says "a blue circle N", except the
  // images listed as identical, where both say "a red circle N".
  Fixture(int images, std::vector<int> identical) {
    for (int i = 0; i < images; ++i) {
      char name[32];
      std::snprintf(name, sizeof name, "img/%02d.png", i);
      test::write_test_png(dir / name, static_cast<std::uint32_t>(i + 1));
    }
    store = std::make_unique<LmdbStore>(StoreOptions{dir / "db"});
    tasks = scan_source(dir / "img").tasks;
    store->add_tasks("ab", tasks);
    for (int i = 0; i < images; ++i) {
      const bool same = std::find(identical.begin(), identical.end(), i) != identical.end();
      store->put_suggestion("A", tasks[i].hash, {"a red circle " + std::to_string(i), {}, 0.f, 0.9f, 0});
      store->put_suggestion("B", tasks[i].hash,
                            {(same ? "a red circle " : "a blue circle ") + std::to_string(i), {}, 0.f, 0.9f, 0});
    }
  }
  std::optional<Answer> answer(int position) const { return store->answer_at(store->require_dataset("ab"), position, default_annotator()); }
};

Pick pick_for(const ComparePass& p, bool a_better) {
  const bool a_left = p.caption(Side::left).find("red") != std::string::npos;
  return a_better == a_left ? Pick::left : Pick::right;
}

TEST(ComparePass, ScriptedSessionStoresDeblindedChoices) {
  Fixture f(8, {2, 5});
  CaptionSession s(*f.store, "ab", "judge", "");
  ComparePass p(*f.store, s, {"A", "B", 1234, false});
  std::int64_t t = 1000;
  s.open_first_unanswered(t);
  p.load_tally();
  p.sync(t);
  ASSERT_EQ(s.position(), 0u);
  ASSERT_EQ(p.state(), ComparePass::State::ready);
  EXPECT_EQ(p.caption(Side::left) == "a red circle 0", a_on_left(1234, f.tasks[0].hash));

  p.pick(pick_for(p, true), t += 1000);  // 0: A better
  ASSERT_EQ(s.position(), 1u);
  p.pick(pick_for(p, false), t += 1000);  // 1: B better; 2 is identical: answered unseen
  EXPECT_EQ(s.position(), 3u);
  EXPECT_EQ(p.auto_ties(), 1u);
  p.begin_edit(pick_for(p, false) == Pick::left ? Side::left : Side::right);  // 3: B, edited
  ASSERT_TRUE(p.editing());
  EXPECT_EQ(p.edit_text(), "a blue circle 3");
  p.edit("a pale blue circle 3");
  ASSERT_TRUE(p.finish_edit(t += 1000));
  p.pick(Pick::both_good, t += 1000);  // 4; 5 identical
  EXPECT_EQ(s.position(), 6u);
  p.pick(Pick::both_bad, t += 1000);  // 6
  p.skip(t += 1000);                  // 7

  const auto a0 = f.answer(0), a1 = f.answer(1), a2 = f.answer(2), a3 = f.answer(3), a4 = f.answer(4), a6 = f.answer(6),
             a7 = f.answer(7);
  ASSERT_TRUE(a0 && a1 && a2 && a3 && a4 && a6 && a7);
  EXPECT_EQ(a0->compare->choice, CompareChoice::a);
  EXPECT_EQ(a0->caption, "a red circle 0");
  EXPECT_EQ(a0->model, "A");
  EXPECT_EQ(a0->answer, AnswerKind::accept);
  EXPECT_EQ(a0->compare->a_on_left, a_on_left(1234, f.tasks[0].hash));
  EXPECT_EQ(a0->compare->caption_b, "a blue circle 0");
  EXPECT_EQ(a1->compare->choice, CompareChoice::b);
  EXPECT_EQ(a1->model, "B");
  EXPECT_TRUE(a2->compare->identical);
  EXPECT_EQ(a2->answer, AnswerKind::ignore);  // nobody judged it: not training data
  EXPECT_EQ(a3->compare->choice, CompareChoice::b);
  EXPECT_TRUE(a3->compare->edited);
  EXPECT_EQ(a3->caption, "a pale blue circle 3");
  EXPECT_EQ(a3->orig_caption, "a blue circle 3");
  EXPECT_EQ(a3->edit_distance, 1);
  EXPECT_EQ(a4->compare->choice, CompareChoice::both_good);
  EXPECT_EQ(a4->extra["references"], nlohmann::json({"a red circle 4", "a blue circle 4"}));
  EXPECT_EQ(a6->compare->choice, CompareChoice::both_bad);
  EXPECT_EQ(a6->answer, AnswerKind::reject);
  EXPECT_EQ(a7->compare->choice, CompareChoice::none);
  EXPECT_EQ(a7->answer, AnswerKind::ignore);

  const CompareTally& tally = p.tally();
  EXPECT_EQ(tally.a_wins, 1u);
  EXPECT_EQ(tally.b_wins, 2u);
  EXPECT_EQ(tally.both_good, 1u);
  EXPECT_EQ(tally.both_bad, 1u);
  EXPECT_EQ(tally.identical, 2u);
  EXPECT_EQ(tally.other, 1u);
  EXPECT_EQ(tally.edited, 1u);
  // The same figures from the store, as gloss stats prints them.
  const auto stored = compare_stats(*f.store, f.store->require_dataset("ab"));
  ASSERT_EQ(stored.size(), 1u);
  EXPECT_EQ(stored[0].b_wins, 2u);
  EXPECT_EQ(stored[0].identical, 2u);

  // Undo takes back the skip, then the both-bad; the tally follows.
  ASSERT_TRUE(p.undo(t += 100));
  ASSERT_TRUE(p.undo(t += 100));
  EXPECT_EQ(s.position(), 6u);
  EXPECT_FALSE(f.answer(6));
  EXPECT_EQ(p.tally().both_bad, 0u);
  EXPECT_EQ(p.tally().other, 0u);
  EXPECT_EQ(p.state(), ComparePass::State::ready);
}

TEST(ComparePass, ReviewShowsTheStoredSidesAndReJudgingReplaces) {
  Fixture f(3, {});
  CaptionSession s(*f.store, "ab", "judge", "");
  ComparePass p(*f.store, s, {"A", "B", 9, false});
  s.open_first_unanswered(0);
  p.sync(0);
  const std::string left = p.caption(Side::left);
  p.pick(Pick::left, 10);
  // A later session with another seed still shows the judged task as it was judged.
  CaptionSession s2(*f.store, "ab", "again", "");
  ComparePass p2(*f.store, s2, {"A", "B", 10, false});
  s2.open(0, 20);
  p2.load_tally();
  p2.sync(20);
  ASSERT_EQ(p2.state(), ComparePass::State::answered);
  EXPECT_EQ(p2.caption(Side::left), left);
  ASSERT_TRUE(p2.stored_pick());
  EXPECT_EQ(*p2.stored_pick(), Pick::left);
  p2.pick(Pick::both_bad, 30);
  EXPECT_EQ(p2.tally().decided(), 0u);
  EXPECT_EQ(p2.tally().both_bad, 1u);
}

TEST(ComparePass, LateCaptionsAndIdenticalOnArrival) {
  Fixture f(4, {});
  CaptionSession s(*f.store, "ab", "judge", "");
  // Models C and D have nothing cached: their captions arrive through offer().
  ComparePass p(*f.store, s, {"C", "D", 5, false});
  s.open_first_unanswered(0);
  p.sync(0);
  EXPECT_EQ(p.state(), ComparePass::State::waiting);
  EXPECT_EQ(p.stalls(), 1u);
  p.pick(Pick::left, 1);  // nothing to judge yet: ignored
  EXPECT_FALSE(f.answer(0));
  p.offer(0, f.tasks[0].hash, {"two squares", {}, 0.f, 0.f, 0}, 2);
  EXPECT_EQ(p.state(), ComparePass::State::waiting);
  // Task 1's identical pair arrives ahead of the cursor: answered unseen.
  p.offer(0, f.tasks[1].hash, {"a star", {}, 0.f, 0.f, 0}, 3);
  p.offer(1, f.tasks[1].hash, {"A star.", {}, 0.f, 0.f, 0}, 4);
  ASSERT_TRUE(f.answer(1));
  EXPECT_TRUE(f.answer(1)->compare->identical);
  EXPECT_EQ(s.position(), 0u);
  p.offer(1, f.tasks[0].hash, {"three squares", {}, 0.f, 0.f, 0}, 5);
  ASSERT_EQ(p.state(), ComparePass::State::ready);
  p.pick(Pick::right, 6);
  EXPECT_EQ(s.position(), 2u);  // 1 was answered as identical
  // The open task's captions arrive identical: it moves on by itself.
  p.offer(0, f.tasks[2].hash, {"a cross", {}, 0.f, 0.f, 0}, 7);
  p.offer(1, f.tasks[2].hash, {"a cross", {}, 0.f, 0.f, 0}, 8);
  EXPECT_EQ(s.position(), 3u);
  EXPECT_EQ(p.auto_ties(), 2u);
}

TEST(ComparePass, ShowIdenticalLetsTheAnnotatorJudgeThem) {
  Fixture f(2, {0, 1});
  CaptionSession s(*f.store, "ab", "judge", "");
  ComparePass p(*f.store, s, {"A", "B", 5, true});
  s.open_first_unanswered(0);
  p.sync(0);
  EXPECT_EQ(p.state(), ComparePass::State::ready);
  EXPECT_EQ(p.caption(Side::left), p.caption(Side::right));
  p.pick(Pick::both_good, 1);
  EXPECT_EQ(p.auto_ties(), 0u);
  EXPECT_EQ(f.answer(0)->compare->choice, CompareChoice::both_good);
  EXPECT_FALSE(f.answer(0)->extra.contains("references"));  // one caption, not two
}

TEST(ComparePass, EmptyEditIsRefusedAndCancelKeepsJudging) {
  Fixture f(2, {});
  CaptionSession s(*f.store, "ab", "judge", "");
  ComparePass p(*f.store, s, {"A", "B", 5, false});
  s.open_first_unanswered(0);
  p.sync(0);
  p.begin_edit(Side::right);
  p.edit("   ");
  EXPECT_FALSE(p.finish_edit(1));
  EXPECT_FALSE(f.answer(0));
  p.cancel_edit();
  EXPECT_FALSE(p.editing());
  EXPECT_EQ(p.state(), ComparePass::State::ready);
}

TEST(CompareExport, JsonlCarriesTheDeblindedChoiceAndRoundTrips) {
  Fixture f(2, {});
  CaptionSession s(*f.store, "ab", "judge", "");
  ComparePass p(*f.store, s, {"A", "B", 77, false});
  s.open_first_unanswered(0);
  p.sync(0);
  const bool a_left = p.caption(Side::left).find("red") != std::string::npos;
  p.pick(Pick::right, 1);  // the right one, whichever model that was
  p.pick(Pick::both_bad, 2);
  std::ostringstream out;
  export_dataset(*f.store, f.store->require_dataset("ab"), ExportFormat::jsonl, out);
  std::istringstream lines(out.str());
  std::string first;
  std::getline(lines, first);
  const auto j = nlohmann::json::parse(first);
  ASSERT_TRUE(j.contains("compare"));
  EXPECT_EQ(j["compare"]["model_a"], "A");
  EXPECT_EQ(j["compare"]["shown_left"], a_left ? "a" : "b");
  EXPECT_EQ(j["compare"]["choice"], a_left ? "b" : "a");
  EXPECT_EQ(j["compare"]["winner_model"], a_left ? "B" : "A");
  EXPECT_EQ(j["caption"], a_left ? "a blue circle 0" : "a red circle 0");

  test::write_text(f.dir / "out.jsonl", out.str());
  ImportOptions options;
  const ImportPlan plan = read_import_file(f.dir / "out.jsonl", options);
  ASSERT_TRUE(plan.problems.empty());
  f.store->import_records("copy", plan.records);
  std::ostringstream again;
  export_dataset(*f.store, f.store->require_dataset("copy"), ExportFormat::jsonl, again);
  EXPECT_EQ(again.str(), out.str());

  test::write_text(f.dir / "bad.jsonl", R"({"image": "img/00.png", "caption": "x", "compare": {"model_a": "A", "model_b": "B", "choice": "maybe"}})" "\n");
  const ImportPlan bad = read_import_file(f.dir / "bad.jsonl", options);
  ASSERT_EQ(bad.problems.size(), 1u);
  EXPECT_NE(bad.problems[0].message().find("\"choice\" must be a, b, both-good, both-bad or none"), std::string::npos)
      << bad.problems[0].message();
}

}  // namespace
}  // namespace gloss
