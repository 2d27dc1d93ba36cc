#include "core/lmdb_store.h"
#include "core/category_stats.h"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "core/caption_session.h"
#include "core/error_pass.h"
#include "core/team_answers.h"
#include "core/sources.h"
#include "test_util.h"

namespace gloss {
namespace {

using test::TempDir;

TEST(CategoryCounter, CountsPerModelSortedByCountAndReplacesPerTask) {
  CategoryCounter c;
  c.set(1, "m1", {"subject", "number"});
  c.set(2, "m1", {"number"});
  c.set(3, "m2", {"wording"});
  c.set(4, "m1", {});
  auto h = c.histograms();
  ASSERT_EQ(h.size(), 2u);
  EXPECT_EQ(h[0].model, "m1");
  EXPECT_EQ(h[0].answers, 3u);
  ASSERT_EQ(h[0].bars.size(), 2u);
  EXPECT_EQ(h[0].bars[0].category, "number");
  EXPECT_EQ(h[0].bars[0].count, 2u);
  EXPECT_NEAR(h[0].bars[0].percent, 66.67, 0.01);
  EXPECT_EQ(h[0].bars[1].category, "subject");
  c.set(2, "m1", {"subject"});  // answered again
  c.erase(3);                   // undone
  h = c.histograms();
  ASSERT_EQ(h.size(), 1u);
  EXPECT_EQ(h[0].bars[0].category, "subject");
  EXPECT_EQ(h[0].bars[0].count, 2u);
  EXPECT_EQ(h[0].bars[1].count, 1u);
  c.erase(99);  // never counted: nothing happens
  EXPECT_EQ(c.answers(), 3u);
}

struct Corrections {
  TempDir dir;
  std::unique_ptr<Store> store;

  Corrections() {
    store = std::make_unique<LmdbStore>(StoreOptions{dir / "db"});
    for (int i = 0; i < 6; ++i) test::write_test_png(dir / ("img/" + std::to_string(i) + ".png"), i + 1);
    const auto tasks = scan_source(dir / "img").tasks;
    store->add_tasks("src", tasks);
    const char* pairs[][2] = {
        {"a red circle on a grey background", "a blue circle on a grey background"},    // attributes
        {"a red circle on a grey background", "a red circle on a grey background"},     // unchanged
        {"a red circle on a grey background", "two red circles on a grey background"},  // number
        {"a red star on a grey background", "a red square on a white background"},      // subject, background
        {"a red star on a grey background", "a grey background with a red star"},       // wording
        {"a red star", "a red star"},                                                   // unchanged
    };
    for (std::size_t i = 0; i < tasks.size(); ++i) {
      Answer a;
      a.task = tasks[i].hash;
      a.orig_caption = pairs[i][0];
      a.caption = pairs[i][1];
      a.model = i < 3 ? "model-a" : "model-b";
      store->save_answer("src", a);
    }
  }
};

TEST(ErrorPass, CopiesChangedAnswersWithTicksAndGuess) {
  Corrections c;
  EXPECT_EQ(add_error_tasks(*c.store, c.store->require_dataset("src"), "out", false), 4u);
  CaptionSession session(*c.store, "out", "s", "");
  ErrorPass pass(*c.store, c.store->require_dataset("src"), session, default_error_labels());
  session.open_first_unanswered(0);
  pass.sync();
  EXPECT_EQ(pass.guess(), std::vector<std::string>{"attributes"});
  EXPECT_EQ(pass.guess_reasons(), (std::vector<GuessReason>{{"attributes", {"red \u2192 blue"}}}));
  ASSERT_NE(pass.reason(1), nullptr);  // labels: subject, attributes, ...
  EXPECT_EQ(pass.reason(1)->triggers, std::vector<std::string>{"red \u2192 blue"});
  EXPECT_EQ(pass.reason(0), nullptr);
  EXPECT_EQ(pass.reason(99), nullptr);
  EXPECT_EQ(pass.ticked_labels(), std::vector<std::string>{"attributes"});  // the guess is pre-ticked
  pass.toggle(5);                                                           // other
  pass.answer(AnswerKind::accept, 10);
  const auto a = c.store->answer_at(c.store->require_dataset("out"), 0, default_annotator());
  ASSERT_TRUE(a);
  EXPECT_EQ(a->categories, (std::vector<std::string>{"attributes", "other"}));
  EXPECT_EQ(a->caption, "a blue circle on a grey background");
  EXPECT_EQ(a->orig_caption, "a red circle on a grey background");
  EXPECT_EQ(a->model, "model-a");
  EXPECT_EQ(stored_guess(*a), std::vector<std::string>{"attributes"});
  EXPECT_EQ(a->extra["guess_kept"], false);
  EXPECT_EQ(pass.source_answer()->caption, "two red circles on a grey background");  // moved on
}

TEST(ErrorPass, LiveCountsEqualARecountAfterUndoAndReanswer) {
  Corrections c;
  add_error_tasks(*c.store, c.store->require_dataset("src"), "out", false);
  CaptionSession session(*c.store, "out", "s", "");
  ErrorPass pass(*c.store, c.store->require_dataset("src"), session, default_error_labels());
  const auto recount = [&] { return category_stats(*c.store, c.store->require_dataset("out")).counter.histograms(); };
  session.open_first_unanswered(0);
  pass.sync();
  pass.answer(AnswerKind::accept, 1);  // attributes
  pass.answer(AnswerKind::accept, 2);  // number
  EXPECT_EQ(pass.counts().histograms(), recount());
  ASSERT_TRUE(session.undo(3));
  pass.sync();
  EXPECT_EQ(pass.ticked_labels(), std::vector<std::string>{"number"});  // reopened with its ticks
  EXPECT_EQ(pass.counts().histograms(), recount());
  EXPECT_EQ(pass.counts().answers(), 1u);
  pass.toggle(0);  // subject too
  pass.answer(AnswerKind::accept, 4);
  pass.answer(AnswerKind::ignore, 5);  // skipped: not counted
  pass.answer(AnswerKind::accept, 6);  // wording
  EXPECT_EQ(pass.counts().histograms(), recount());
  session.jump_to_number(1, 7);  // answer the first one again, differently
  pass.sync();
  pass.toggle(1);
  pass.answer(AnswerKind::accept, 8);
  const auto live = pass.counts().histograms();
  EXPECT_EQ(live, recount());
  ASSERT_EQ(live.size(), 2u);
  EXPECT_EQ(live[0].model, "model-a");
  EXPECT_EQ(live[0].answers, 2u);
  EXPECT_EQ(live[1].answers, 1u);

  const CategoryStats stats = category_stats(*c.store, c.store->require_dataset("out"));
  EXPECT_EQ(stats.guessed, 3u);
  EXPECT_EQ(stats.guess_kept, 1u);  // only the wording one was stored as guessed
  const std::string text = format_category_stats(stats);
  EXPECT_NE(text.find("model model-a"), std::string::npos) << text;
  EXPECT_NE(text.find("precision"), std::string::npos) << text;
}

// A second annotator in the same errors dataset: their answers reach the
// live counts through TeamAnswers (polling an LMDB store), whatever order
// they come in, and equal a recount of everyone's answers.
TEST(ErrorPass, OthersAnswersReachTheLiveCounts) {
  Corrections c;
  add_error_tasks(*c.store, c.store->require_dataset("src"), "out", false);
  CaptionSession session(*c.store, "out", "s", "");
  session.set_annotator("ann");
  ErrorPass pass(*c.store, c.store->require_dataset("src"), session, default_error_labels());
  TeamAnswers team(*c.store, c.store->require_dataset("out"), "ann", std::chrono::milliseconds(20));
  const auto recount = [&] { return category_stats(*c.store, c.store->require_dataset("out")).counter.histograms(); };
  // Applies what arrives until the live counts hold `answers`: a poll may
  // first bring ann's own answer, seen before bob saved his.
  const auto wait_and_apply = [&](std::uint64_t answers) {
    for (int i = 0; i < 500; ++i) {
      if (auto changes = team.take()) pass.apply(*changes);
      if (pass.counts().answers() == answers) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return false;
  };
  session.open_first_unanswered(0);
  pass.sync();
  pass.answer(AnswerKind::accept, 1);  // ann: attributes

  const DatasetInfo out = c.store->require_dataset("out");
  Answer bob = *c.store->answer_at(out, 0, "ann");
  bob.annotator = "bob";
  bob.categories = {"subject", "number"};
  c.store->save_answer("out", bob);
  ASSERT_TRUE(wait_and_apply(2)) << "bob's answer never arrived";
  EXPECT_EQ(pass.counts().answers(), 2u);
  EXPECT_EQ(pass.counts().histograms(), recount());

  ASSERT_TRUE(c.store->remove_answer("out", bob.task, "bob"));
  ASSERT_TRUE(wait_and_apply(1)) << "bob's undo never arrived";
  EXPECT_EQ(pass.counts().answers(), 1u);
  EXPECT_EQ(pass.counts().histograms(), recount());
}

}  // namespace
}  // namespace gloss
