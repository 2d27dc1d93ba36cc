// gloss review on a PostgreSQL store, through the window's outbox, under
// xvfb-run: a pick and a send-back reach the server as reviews, and the task
// sent back is handed to an annotator who has not answered it. Skipped where
// xvfb-run is not installed.
#include "core/pg_store.h"
#include "pg/pg_test_util.h"

namespace gloss {
namespace {

TEST(PgReview, APickAndASendBackReachTheServerAndTheTaskGoesToAnotherAnnotator) {
  if (!test::on_path("xvfb-run")) GTEST_SKIP() << "xvfb-run is not installed";
  test::PgDatabase db;
  test::TempDir dir;
  std::string jsonl;
  for (int i = 0; i < 3; ++i) {
    const std::string image = "img/" + std::to_string(i) + ".png";
    test::write_test_png(dir / image, static_cast<std::uint32_t>(i + 1), 64, 48);
    jsonl += "{\"image\": \"" + image + "\", \"caption\": \"a red circle\", \"_annotator_id\": \"ann\"}\n";
    jsonl += "{\"image\": \"" + image + "\", \"caption\": \"a blue square " + std::to_string(i) +
             "\", \"_annotator_id\": \"bob\"}\n";
  }
  test::write_text(dir / "answers.jsonl", jsonl);
  test::write_text(dir / "review.replay", "key 2\nkey B\nquit\n");
  const std::string gloss = "env XDG_STATE_HOME='" + (dir / "state").string() + "' '" GLOSS_BINARY "' --db '" + db.uri() + "' ";
  const auto in = test::run_command(dir.path(), gloss + "db-in d answers.jsonl");
  ASSERT_EQ(in.code, 0) << in.output;
  const auto run = test::run_command(dir.path(), "timeout 300 xvfb-run -a -s '-screen 0 1280x800x24' " + gloss +
                                                     "review d --order position --annotator lead --replay review.replay");
  ASSERT_EQ(run.code, 0) << run.output;
  EXPECT_NE(run.output.find("2 decided (1 picked, 0 edited, 1 sent back)"), std::string::npos) << run.output;

  PgStore store(db.uri());
  const DatasetInfo d = store.require_dataset("d");
  const auto picked = store.review(d, *store.task_at(d, 0));
  ASSERT_TRUE(picked) << "the outbox sent the review before the window closed";
  EXPECT_EQ(picked->from, "bob");
  EXPECT_EQ(picked->caption, "a blue square 0");
  EXPECT_EQ(picked->reviewer, "lead");
  const auto back = store.review(d, *store.task_at(d, 1));
  ASSERT_TRUE(back);
  EXPECT_EQ(back->verdict, ReviewVerdict::sent_back);
  EXPECT_FALSE(store.review(d, *store.task_at(d, 2)));
  EXPECT_EQ(store.first_unanswered(d, 0, "dan"), 1u) << "sent back: one more annotator";
  EXPECT_FALSE(store.first_unanswered(d, 0, "ann"));
  EXPECT_EQ(d.answered, 2u);
}

}  // namespace
}  // namespace gloss
