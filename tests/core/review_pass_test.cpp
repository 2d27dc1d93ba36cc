#include "core/review_pass.h"

#include <gtest/gtest.h>

#include "core/keymap.h"
#include "core/lmdb_store.h"
#include "store_helpers.h"
#include "test_util.h"

namespace gloss {
namespace {

using test::TempDir;

// Five tasks: 0 and 4 answered by one annotator only; 1, 2, 3 by several,
// 2 disagreeing most, 3 agreeing fully.
struct Fixture {
  TempDir dir;
  LmdbStore store{StoreOptions{dir / "db"}};

  Fixture() {
    store.add_tasks("d", test::numbered_tasks(100, 5));
    answer(100, "ann", "a red circle");
    answer(101, "ann", "a red circle on grey");
    answer(101, "bob", "a red circle on white");
    answer(102, "ann", "a red circle");
    answer(102, "bob", "two blue squares");
    answer(102, "cat", "a red disc", AnswerKind::reject);
    answer(103, "ann", "a dog");
    answer(103, "bob", "a dog");
    answer(104, "bob", "a cat");
  }
  void answer(std::uint64_t task, const std::string& who, const std::string& caption,
              AnswerKind kind = AnswerKind::accept) {
    Answer a = test::make_answer(task, caption, kind);
    a.annotator = who;
    store.save_answer("d", a);
  }
  DatasetInfo info() const { return store.require_dataset("d"); }
  std::optional<Review> review(std::uint64_t task) const { return store.review(info(), task); }
};

TEST(CaptionDisagreement, MeanWordErrorRateOverOrderedPairs) {
  EXPECT_EQ(caption_disagreement({}), 0);
  EXPECT_EQ(caption_disagreement({"a dog"}), 0);
  EXPECT_EQ(caption_disagreement({"a dog", "A dog."}), 0);
  // "a red circle" vs "a red disc": 1 substitution over 3 words, both ways.
  EXPECT_DOUBLE_EQ(caption_disagreement({"a red circle", "a red disc"}), 1.0 / 3);
  // "a dog" (2 words) vs "a big dog" (3): 1/3 one way, 1/2 the other.
  EXPECT_DOUBLE_EQ(caption_disagreement({"a dog", "a big dog"}), (1.0 / 3 + 1.0 / 2) / 2);
  // Against an empty caption: 1 one way (empty reference), 1 the other.
  EXPECT_DOUBLE_EQ(caption_disagreement({"", "a dog"}), 1.0);
}

TEST(ReviewItems, OnlyTasksWithSeveralAnnotatorsMostDisagreeingFirst) {
  Fixture f;
  const ReviewList list = load_review_items(f.store, f.info(), ReviewOrder::disagreement);
  const auto& by_disagreement = list.items;
  ASSERT_EQ(by_disagreement.size(), 3u);
  EXPECT_EQ(by_disagreement[0].task, 102u);
  EXPECT_EQ(by_disagreement[1].task, 101u);
  EXPECT_EQ(by_disagreement[2].task, 103u);
  EXPECT_EQ(by_disagreement[2].disagreement, 0);
  ASSERT_EQ(by_disagreement[0].answers.size(), 3u);
  EXPECT_EQ(by_disagreement[0].answers[2].annotator, "cat");
  EXPECT_EQ(by_disagreement[0].answers[2].answer, AnswerKind::reject);  // rejected answers are shown too
  ASSERT_EQ(list.single.size(), 2u);  // 100 and 104: listed once a second annotator answers
  EXPECT_EQ(list.single[0].task, 100u);

  const auto by_position = load_review_items(f.store, f.info(), ReviewOrder::position).items;
  ASSERT_EQ(by_position.size(), 3u);
  EXPECT_EQ(by_position[0].position, 1u);
  EXPECT_EQ(by_position[1].position, 2u);
  EXPECT_EQ(by_position[2].position, 3u);
}

TEST(ReviewPass, PickEditSendBackAndUndoStoreReviewsNextToTheAnswers) {
  Fixture f;
  CaptionSession session(f.store, "d", "review-test", "");
  ReviewPass pass(f.store, session, load_review_items(f.store, f.info(), ReviewOrder::disagreement), ReviewOrder::disagreement,
                  "lead");
  std::int64_t t = 5000;
  ASSERT_TRUE(pass.open_first(t));
  EXPECT_EQ(session.position(), 2u);
  EXPECT_EQ(pass.upcoming(), 1u) << "the window decodes the next task in review order, not in position";
  EXPECT_EQ(session.position(), 2u);  // task 102, most disagreeing
  ASSERT_EQ(pass.index(), 0u);
  EXPECT_EQ(pass.answers().size(), 3u);

  // Pick bob's caption (answer 2 of 3): saved, on to the next task.
  ASSERT_TRUE(pass.pick(1, ++t));
  auto r = f.review(102);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->verdict, ReviewVerdict::picked);
  EXPECT_EQ(r->from, "bob");
  EXPECT_EQ(r->caption, "two blue squares");
  EXPECT_EQ(r->reviewer, "lead");
  EXPECT_EQ(r->reviewed_ms, t);
  EXPECT_EQ(session.position(), 1u);  // task 101
  EXPECT_FALSE(pass.pick(7, ++t));     // no answer 8

  // Edit bob's caption of 101.
  pass.select(1);
  EXPECT_EQ(pass.baseline(), "a red circle on white");
  pass.begin_edit();
  ASSERT_TRUE(pass.editing());
  EXPECT_EQ(pass.edit_text(), "a red circle on white");
  pass.edit("   ");
  EXPECT_FALSE(pass.finish_edit(++t));  // an empty box saves nothing
  pass.edit("a red circle on a white table");
  ASSERT_TRUE(pass.finish_edit(++t));
  r = f.review(101);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->verdict, ReviewVerdict::edited);
  EXPECT_EQ(r->from, "bob");
  EXPECT_EQ(r->caption, "a red circle on a white table");
  EXPECT_EQ(session.position(), 3u);  // task 103

  // Send 103 back.
  pass.send_back(++t);
  r = f.review(103);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->verdict, ReviewVerdict::sent_back);
  EXPECT_TRUE(r->caption.empty());
  EXPECT_EQ(pass.reviewed(), 3u);
  auto n = pass.counts();
  EXPECT_EQ(n.picked, 1u);
  EXPECT_EQ(n.edited, 1u);
  EXPECT_EQ(n.sent_back, 1u);

  // Undo the send-back: 103 has no review again and is open.
  ASSERT_TRUE(pass.undo(++t));
  EXPECT_FALSE(f.review(103));
  EXPECT_EQ(session.position(), 3u);
  EXPECT_EQ(pass.counts().sent_back, 0u);
  // Undo the edit: open at 101 with bob's answer selected.
  ASSERT_TRUE(pass.undo(++t));
  EXPECT_FALSE(f.review(101));
  EXPECT_EQ(session.position(), 1u);
  EXPECT_EQ(pass.selected(), 1u);
  // The answers are never touched.
  EXPECT_EQ(f.store.answers_at(f.info(), 1).size(), 2u);
  EXPECT_EQ(f.store.answer(f.info(), 101, "bob")->caption, "a red circle on white");
}

TEST(ReviewPass, UndoRestoresTheReviewItReplacedAndReopeningShowsIt) {
  Fixture f;
  f.store.save_review("d", Review{102, "earlier", 42, ReviewVerdict::picked, "ann", "a red circle"});
  CaptionSession session(f.store, "d", "review-test", "");
  ReviewPass pass(f.store, session, load_review_items(f.store, f.info(), ReviewOrder::position), ReviewOrder::position,
                  "lead");
  std::int64_t t = 5000;
  ASSERT_TRUE(pass.open_first(t));
  EXPECT_EQ(session.position(), 1u);  // 101: the first one without a review
  pass.next(++t);
  EXPECT_EQ(session.position(), 2u);  // 102, reviewed before: shown as it was
  ASSERT_TRUE(pass.review());
  EXPECT_EQ(pass.review()->reviewer, "earlier");
  EXPECT_EQ(pass.baseline(), "a red circle");  // diffs against the final caption
  EXPECT_EQ(pass.selected(), 0u);              // ann's, which it was picked from

  ASSERT_TRUE(pass.pick(2, ++t));  // cat's (rejected) caption this time
  EXPECT_EQ(f.review(102)->from, "cat");
  ASSERT_TRUE(pass.undo(++t));
  const auto back = f.review(102);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->reviewer, "earlier");
  EXPECT_EQ(back->caption, "a red circle");
  EXPECT_EQ(pass.review()->reviewer, "earlier");
  EXPECT_FALSE(pass.undo(++t));  // nothing more this session

  // Moves never decide: previous/next walk the list, skip nothing stored.
  pass.previous(++t);
  EXPECT_EQ(session.position(), 1u);
  pass.previous(++t);
  EXPECT_EQ(session.position(), 1u);  // clamped at the first
  EXPECT_FALSE(f.review(101));
  // An edit left as it was is a pick.
  pass.begin_edit();
  ASSERT_TRUE(pass.finish_edit(++t));
  EXPECT_EQ(f.review(101)->verdict, ReviewVerdict::picked);
  EXPECT_EQ(f.review(101)->from, "ann");
}

// Others keep answering while the lead reviews: the open task's rows change
// in place (numbers stay), a task a second annotator answers joins the end,
// and a reload (the feed lost its server) says the same.
TEST(ReviewPass, OthersAnswersArriveWhileTheWindowIsOpen) {
  Fixture f;
  CaptionSession session(f.store, "d", "review-test", "");
  ReviewPass pass(f.store, session, load_review_items(f.store, f.info(), ReviewOrder::position),
                  ReviewOrder::position, "lead");
  std::int64_t t = 5000;
  ASSERT_TRUE(pass.open_first(t));
  ASSERT_EQ(session.position(), 1u);
  ASSERT_EQ(pass.size(), 3u);
  pass.select(+1);  // bob's

  auto change = [&](std::uint64_t task, const std::string& who, std::optional<std::string> caption) {
    TeamAnswer c;
    c.task = task;
    c.position = task - 100;
    c.annotator = who;
    if (caption) {
      c.answer = test::make_answer(task, *caption);
      c.answer->annotator = who;
    }
    return c;
  };
  TeamAnswerChanges live;
  live.answers = {change(101, "dan", "a red circle on a white plate"),  // a third row on the open task
                  change(101, "ann", "a red circle on grey paper"),     // ann changed hers
                  change(104, "eve", "a cat on a mat")};                // 104's second annotator
  pass.apply(live);
  ASSERT_EQ(pass.answers().size(), 3u);
  EXPECT_EQ(pass.answers()[0].annotator, "ann");
  EXPECT_EQ(pass.answers()[0].caption, "a red circle on grey paper");
  EXPECT_EQ(pass.answers()[1].annotator, "bob");
  EXPECT_EQ(pass.answers()[2].annotator, "dan");
  EXPECT_EQ(pass.selected(), 1u) << "the selection stays on bob's";
  EXPECT_GT(pass.disagreement(), 0);
  ASSERT_EQ(pass.size(), 4u);
  EXPECT_EQ(session.position(), 1u) << "the reviewer's place stays";
  pass.next(++t);
  pass.next(++t);
  pass.next(++t);
  EXPECT_EQ(session.position(), 4u) << "104 joined the end of the list";
  EXPECT_EQ(pass.answers().size(), 2u);

  // bob takes his answer back on 104 while it is open; the selection stays in range.
  pass.select(+1);
  TeamAnswerChanges gone;
  gone.answers = {change(104, "bob", std::nullopt)};
  pass.apply(gone);
  ASSERT_EQ(pass.answers().size(), 1u);
  EXPECT_EQ(pass.selected(), 0u);

  // A reload: every answer as it is now.
  TeamAnswerChanges all;
  all.reload = true;
  all.answers = {change(100, "ann", "a red circle"), change(100, "fay", "a red ring"),
                 change(101, "bob", "a red circle on white"), change(101, "ann", "a red circle")};
  pass.apply(all);
  EXPECT_EQ(pass.size(), 5u) << "100 now has two annotators";
  pass.previous(++t);
  pass.previous(++t);
  pass.previous(++t);
  EXPECT_EQ(session.position(), 1u);
  ASSERT_EQ(pass.answers().size(), 2u);
  EXPECT_EQ(pass.answers()[0].annotator, "ann") << "rows keep their places across a reload";
  EXPECT_EQ(pass.answers()[0].caption, "a red circle");
  EXPECT_EQ(pass.answers()[1].annotator, "bob");
}

// The review window's keys: digits pick, letters act, no chord bound twice,
// and its own actions stay out of the other windows.
TEST(ReviewKeys, DigitsPickLettersActNoChordTwice) {
  const Keymap map = Keymap::review_defaults();
  EXPECT_EQ(map.find(parse_chord("3")), Action::toggle_3);
  EXPECT_EQ(map.find(parse_chord("B")), Action::send_back);
  EXPECT_EQ(map.find(parse_chord("E")), Action::edit_selected);
  EXPECT_EQ(map.find(parse_chord("Down")), Action::select_next);
  EXPECT_EQ(map.find(parse_chord("Right")), Action::next);
  EXPECT_EQ(map.find(parse_chord("Ctrl+Z")), Action::undo);
  EXPECT_FALSE(map.find(parse_chord("Ctrl+R"))) << "no reject in review";
  EXPECT_EQ(parse_action("send-back"), Action::send_back);
  for (std::size_t i = 0; i < map.bindings().size(); ++i)
    for (std::size_t j = i + 1; j < map.bindings().size(); ++j)
      EXPECT_FALSE(map.bindings()[i].chord == map.bindings()[j].chord)
          << format_chord(map.bindings()[i].chord) << " is bound twice";
  for (const Keymap& other : {Keymap::defaults(), Keymap::compare_defaults(), Keymap::errors_defaults()})
    for (Action a : other.actions()) EXPECT_FALSE(is_review_action(a)) << action_name(a);
  EXPECT_TRUE(is_compare_action(Action::edit_right));
  EXPECT_FALSE(is_compare_action(Action::send_back));
}

}  // namespace
}  // namespace gloss
