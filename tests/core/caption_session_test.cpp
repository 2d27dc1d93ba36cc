#include "core/lmdb_store.h"
#include "core/caption_session.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "core/error.h"
#include "core/keymap.h"
#include "core/sources.h"
#include "core/unlike_training_watch.h"
#include "test_util.h"

namespace gloss {
namespace {

using test::TempDir;

struct Fixture {
  TempDir dir;
  std::unique_ptr<Store> store;
  std::vector<Task> tasks;

  explicit Fixture(int images, bool with_suggestions) {
    for (int i = 0; i < images; ++i) {
      char name[32];
      std::snprintf(name, sizeof name, "img/%02d.png", i);
      test::write_test_png(dir / name, static_cast<std::uint32_t>(i + 1));
    }
    store = std::make_unique<LmdbStore>(StoreOptions{dir / "db"});
    tasks = scan_source(dir / "img").tasks;
    store->add_tasks("cats", tasks);
    if (!with_suggestions) return;
    for (int i = 0; i < images; ++i)
      store->put_suggestion("fake", tasks[i].hash, {"a red circle " + std::to_string(i), {}, 0.f, 0.8f, 0});
  }
  std::optional<Answer> answer(int position) const {
    return store->answer_at(store->require_dataset("cats"), position, default_annotator());
  }
};

TEST(CaptionSession, ScriptedSessionStoresExactlyTheExpectedAnswers) {
  Fixture f(20, true);
  CaptionSession s(*f.store, "cats", "cats-test", "fake");
  std::int64_t t = 1000;
  s.open_first_unanswered(t);
  ASSERT_EQ(s.position(), 0u);
  EXPECT_EQ(s.box(), "a red circle 0");
  EXPECT_EQ(s.suggestion_state(), SuggestionState::ready);
  EXPECT_FLOAT_EQ(s.confidence(), 0.8f);

  s.accept(t += 2000);  // 0: accepted as suggested
  ASSERT_EQ(s.position(), 1u);
  s.edit_box("a blue circle");
  EXPECT_TRUE(s.typed());
  s.accept(t += 4000);  // 1: corrected
  s.reject(t += 1000);  // 2
  s.skip(t += 1000);    // 3
  s.edit_box("oops");
  s.accept(t += 1000);  // 4, then undone
  ASSERT_EQ(s.position(), 5u);
  ASSERT_TRUE(f.answer(4));
  ASSERT_TRUE(s.undo(t += 500));
  EXPECT_FALSE(f.answer(4));
  EXPECT_EQ(s.position(), 4u);
  EXPECT_EQ(s.box(), "oops");
  EXPECT_EQ(s.suggestion(), "a red circle 4");
  s.revert();
  EXPECT_EQ(s.box(), "a red circle 4");
  EXPECT_FALSE(s.typed());
  s.edit_box("a red circle four");
  s.accept(t += 1000);  // 4: corrected for real
  s.jump_to_number(15, t);
  ASSERT_EQ(s.position(), 14u);
  s.accept(t += 1000);  // 14
  EXPECT_EQ(s.position(), 15u);
  s.previous(t);
  EXPECT_EQ(s.position(), 14u);
  EXPECT_EQ(s.box(), "a red circle 14");  // reopened with its stored caption
  s.next_unanswered(t);
  EXPECT_EQ(s.position(), 15u);
  s.accept(t += 1000);  // 15

  const auto a0 = f.answer(0);
  ASSERT_TRUE(a0);
  EXPECT_EQ(a0->caption, "a red circle 0");
  EXPECT_EQ(a0->orig_caption, "a red circle 0");
  EXPECT_EQ(a0->model, "fake");
  EXPECT_EQ(a0->session, "cats-test");
  EXPECT_EQ(a0->ms_spent, 2000);
  const auto a1 = f.answer(1);
  ASSERT_TRUE(a1);
  EXPECT_EQ(a1->caption, "a blue circle");
  EXPECT_EQ(a1->orig_caption, "a red circle 1");
  EXPECT_EQ(a1->edit_distance, 2);
  EXPECT_EQ(f.answer(2)->answer, AnswerKind::reject);
  EXPECT_EQ(f.answer(3)->answer, AnswerKind::ignore);
  EXPECT_EQ(f.answer(4)->caption, "a red circle four");
  EXPECT_EQ(f.answer(4)->edit_distance, 1);
  EXPECT_EQ(f.answer(14)->caption, "a red circle 14");
  EXPECT_EQ(f.answer(15)->caption, "a red circle 15");
  for (int p : {5, 6, 13, 16, 19}) EXPECT_FALSE(f.answer(p)) << p;
  EXPECT_EQ(f.store->require_dataset("cats").answered, 7u);

  const SessionSummary sum = s.summary();
  EXPECT_EQ(sum.counts.answered, 7u);
  EXPECT_EQ(sum.counts.accepted, 5u);
  EXPECT_EQ(sum.counts.unchanged, 3u);
  EXPECT_EQ(sum.counts.changed, 2u);
  EXPECT_EQ(sum.counts.rejected, 1u);
  EXPECT_EQ(sum.counts.ignored, 1u);
  EXPECT_DOUBLE_EQ(sum.counts.mean_edit_distance(), 1.5);
  EXPECT_EQ(sum.undos, 1u);
  EXPECT_EQ(sum.stalls, 0u);
  EXPECT_EQ(sum.remaining, 13u);
  const std::string text = format_summary(sum, "cats");
  EXPECT_NE(text.find("unchanged 3, changed 2"), std::string::npos) << text;
}

TEST(CaptionSession, LateSuggestionFillsTheBoxOnlyIfNothingWasTyped) {
  Fixture f(3, false);
  CaptionSession s(*f.store, "cats", "late", "fake");
  s.open_first_unanswered(0);
  EXPECT_EQ(s.suggestion_state(), SuggestionState::waiting);
  EXPECT_EQ(s.summary().stalls, 1u);
  s.offer_suggestion(f.tasks[1].hash, {"not this one", {}, 0, 0.5f, 0});
  EXPECT_EQ(s.box(), "");
  s.offer_suggestion(f.tasks[0].hash, {"a square", {}, 0, 0.5f, 0});
  EXPECT_EQ(s.box(), "a square");

  s.accept(10);
  s.edit_box("my own words");
  s.offer_suggestion(f.tasks[1].hash, {"a triangle", {}, 0, 0.5f, 0});
  EXPECT_EQ(s.box(), "my own words");
  EXPECT_EQ(s.suggestion(), "a triangle");
  s.accept(20);
  EXPECT_EQ(f.answer(1)->orig_caption, "a triangle");
  EXPECT_EQ(f.answer(1)->caption, "my own words");

  s.offer_failure(f.tasks[2].hash, "cannot decode");
  EXPECT_EQ(s.suggestion_state(), SuggestionState::failed);
  EXPECT_EQ(s.failure(), "cannot decode");
}

TEST(CaptionSession, AServerErrorIsShownWhileRetryingAndClearedByTheCaption) {
  Fixture f(3, false);
  CaptionSession s(*f.store, "cats", "server", "fake");
  s.open_first_unanswered(0);
  s.offer_suggestion_error(f.tasks[1].hash, "not the open task", true);
  EXPECT_EQ(s.suggestion_error(), "");
  s.offer_suggestion_error(f.tasks[0].hash, "http://x/v1 (m): HTTP 503 · trying again in 1 s", true);
  EXPECT_EQ(s.suggestion_state(), SuggestionState::waiting);
  EXPECT_EQ(s.suggestion_error(), "http://x/v1 (m): HTTP 503 · trying again in 1 s");
  s.offer_suggestion(f.tasks[0].hash, {"a square", {}, 0, std::nanf(""), 0});
  EXPECT_EQ(s.suggestion_state(), SuggestionState::ready);
  EXPECT_EQ(s.suggestion_error(), "");
  EXPECT_EQ(s.box(), "a square");
  EXPECT_TRUE(std::isnan(s.confidence()));
  s.accept(10);
  s.offer_suggestion_error(f.tasks[1].hash, "http://x/v1 (m): HTTP 400: too large", false);
  EXPECT_EQ(s.suggestion_state(), SuggestionState::failed);
  EXPECT_EQ(s.suggestion_error(), "http://x/v1 (m): HTTP 400: too large");
  EXPECT_EQ(s.failure(), "") << "the image itself is fine";
}

TEST(CaptionSession, ManualSessionHasEmptyBoxAndNoSuggestion) {
  Fixture f(2, true);
  CaptionSession s(*f.store, "cats", "manual", "");
  s.open_first_unanswered(0);
  EXPECT_EQ(s.box(), "");
  EXPECT_EQ(s.suggestion_state(), SuggestionState::none);
  s.edit_box("two dots");
  s.accept(5);
  s.edit_box("one dot");
  s.accept(9);
  EXPECT_TRUE(s.all_answered());
  EXPECT_EQ(f.answer(0)->orig_caption, "");
  EXPECT_EQ(f.answer(0)->model, "");
  EXPECT_EQ(f.answer(1)->caption, "one dot");
  EXPECT_EQ(s.summary().stalls, 0u);
}

TEST(CaptionSession, UndoOfAReanswerRestoresTheEarlierAnswer) {
  Fixture f(2, true);
  CaptionSession s(*f.store, "cats", "redo", "fake");
  s.open_first_unanswered(0);
  s.edit_box("first");
  s.accept(1);
  s.previous(2);
  s.edit_box("second");
  s.accept(3);
  EXPECT_EQ(f.answer(0)->caption, "second");
  s.undo(4);
  EXPECT_EQ(f.answer(0)->caption, "first");
  EXPECT_EQ(s.box(), "second");
  EXPECT_TRUE(s.typed());      // a late suggestion would not overwrite it
  EXPECT_TRUE(s.untouched());  // ... but nothing was edited since: Ctrl+Z may undo again
  s.edit_box("second!");
  EXPECT_FALSE(s.untouched());
}

TEST(Keymap, DefaultsAndOverrides) {
  Keymap map = Keymap::defaults();
  EXPECT_EQ(map.find(parse_chord("Enter")), Action::accept);
  EXPECT_EQ(map.find(parse_chord("ctrl+r")), Action::reject);
  EXPECT_FALSE(map.find(parse_chord("R")));  // plain letters type into the box
  EXPECT_EQ(format_chord(parse_chord("control + shift + page_down")), "Ctrl+Shift+PageDown");
  map.load_text("# mine\nreject = Ctrl+Shift+X, F5\n\nskip=Ctrl+R\n", "keys.txt");
  EXPECT_EQ(map.find(parse_chord("Ctrl+Shift+X")), Action::reject);
  EXPECT_EQ(map.find(parse_chord("F5")), Action::reject);
  EXPECT_EQ(map.find(parse_chord("Ctrl+R")), Action::skip);
  EXPECT_FALSE(map.find(parse_chord("Ctrl+I")));
  EXPECT_THROW(map.load_text("frobnicate = F2\n", "k"), UserError);
  EXPECT_THROW(map.load_text("accept = Hyper+Q\n", "k"), UserError);
  try {
    map.load_text("\naccept Enter\n", "keys.txt");
    FAIL();
  } catch (const UserError& e) {
    EXPECT_NE(std::string(e.what()).find("keys.txt:2"), std::string::npos);
  }
}

// Ctrl+E takes a flagged suggestion, in the caption window only, and no
// default chord of any window is bound to two actions.
TEST(Keymap, TakeSuggestionHasAChordOfItsOwn) {
  const Keymap caption = Keymap::defaults();
  EXPECT_EQ(caption.find(parse_chord("Ctrl+E")), Action::take_suggestion);
  EXPECT_NE(std::find(caption.actions().begin(), caption.actions().end(), Action::take_suggestion),
            caption.actions().end());
  EXPECT_EQ(parse_action("take-suggestion"), Action::take_suggestion);
  for (const Keymap& other : {Keymap::compare_defaults(), Keymap::errors_defaults()}) {
    EXPECT_TRUE(other.chords_for(Action::take_suggestion).empty());
    EXPECT_EQ(std::find(other.actions().begin(), other.actions().end(), Action::take_suggestion),
              other.actions().end());
  }
  for (const Keymap& map : {caption, Keymap::compare_defaults(), Keymap::errors_defaults()})
    for (std::size_t i = 0; i < map.bindings().size(); ++i)
      for (std::size_t j = i + 1; j < map.bindings().size(); ++j)
        EXPECT_FALSE(map.bindings()[i].chord == map.bindings()[j].chord)
            << format_chord(map.bindings()[i].chord) << " is bound twice";
}

// A suggestion the model flags as unlike its training images is shown but
// not pre-filled; take_suggestion puts it in the box, revert goes back to
// what the box was filled with.
TEST(CaptionSession, FlaggedSuggestionIsNotPrefilledUntilTaken) {
  Fixture f(3, false);
  Suggestion flagged{"a striped green background with a small purple triangle", {}, 0.f, 0.78f, 0};
  flagged.ood_score = 80.f;
  flagged.unlike_training = true;
  Suggestion usual{"a red circle", {}, 0.f, 0.9f, 0};
  usual.ood_score = 10.f;
  f.store->put_suggestion("m", f.tasks[0].hash, flagged);
  f.store->put_suggestion("m", f.tasks[1].hash, usual);
  CaptionSession s(*f.store, "cats", "t", "m");
  std::int64_t t = 1000;
  s.open_first_unanswered(t);
  EXPECT_EQ(s.suggestion_state(), SuggestionState::ready);
  EXPECT_EQ(s.suggestion(), flagged.caption);
  EXPECT_TRUE(s.unlike_training());
  EXPECT_FLOAT_EQ(s.ood_score(), 80.f);
  EXPECT_EQ(s.box(), "");
  s.revert();
  EXPECT_EQ(s.box(), "") << "not taken: revert leaves it out";
  const auto generation = s.box_generation();
  ASSERT_TRUE(s.take_suggestion());
  EXPECT_TRUE(s.suggestion_taken());
  EXPECT_EQ(s.box(), flagged.caption);
  EXPECT_GT(s.box_generation(), generation);
  s.edit_box("a cat");
  s.revert();
  EXPECT_EQ(s.box(), flagged.caption) << "taken: revert puts it back";
  s.accept(t += 1000);
  const auto a0 = f.answer(0);
  ASSERT_TRUE(a0);
  EXPECT_EQ(a0->caption, flagged.caption);
  EXPECT_EQ(a0->orig_caption, flagged.caption);
  EXPECT_EQ(a0->model, "m");

  ASSERT_EQ(s.position(), 1u);  // an ordinary one: pre-filled as always
  EXPECT_FALSE(s.unlike_training());
  EXPECT_FALSE(s.suggestion_taken());
  EXPECT_EQ(s.box(), "a red circle");
  s.edit_box("two red circles");
  ASSERT_TRUE(s.take_suggestion());
  EXPECT_EQ(s.box(), "a red circle");
  s.next(t);
  // Arriving late (the worker's delivery), flagged: the box stays as it is.
  ASSERT_EQ(s.position(), 2u);
  EXPECT_EQ(s.suggestion_state(), SuggestionState::waiting);
  EXPECT_FALSE(s.take_suggestion());
  s.offer_suggestion(f.tasks[2].hash, flagged);
  EXPECT_TRUE(s.unlike_training());
  EXPECT_EQ(s.box(), "");
}

TEST(UnlikeTrainingWatch, SaysSoOnceWhenMostOfTheFirstImagesAreFlagged) {
  Suggestion flagged, usual, unknown;
  flagged.ood_score = 50.f;
  flagged.unlike_training = true;
  usual.ood_score = 5.f;
  UnlikeTrainingWatch w(5, 0.8);
  EXPECT_FALSE(w.add(1, flagged, 100));
  EXPECT_FALSE(w.add(1, flagged, 100)) << "the same task twice counts once";
  EXPECT_FALSE(w.add(2, unknown, 100)) << "no score, no vote";
  EXPECT_FALSE(w.add(3, usual, 100));
  EXPECT_FALSE(w.add(4, flagged, 100));
  EXPECT_FALSE(w.add(5, flagged, 100));
  EXPECT_EQ(w.seen(), 4u);
  EXPECT_TRUE(w.add(6, flagged, 100));  // 4 of 5
  EXPECT_TRUE(w.decided());
  EXPECT_FALSE(w.add(7, flagged, 100)) << "once";

  UnlikeTrainingWatch mostly_fine(5, 0.8);
  for (std::uint64_t t = 1; t <= 3; ++t) EXPECT_FALSE(mostly_fine.add(t, flagged, 100));
  for (std::uint64_t t = 4; t <= 5; ++t) EXPECT_FALSE(mostly_fine.add(t, usual, 100));  // 3 of 5
  EXPECT_TRUE(mostly_fine.decided());
  EXPECT_FALSE(mostly_fine.add(6, flagged, 100));

  UnlikeTrainingWatch small(20, 0.8);  // a dataset of 2 images is judged on both
  EXPECT_FALSE(small.add(1, flagged, 2));
  EXPECT_TRUE(small.add(2, flagged, 2));
}

}  // namespace
}  // namespace gloss
