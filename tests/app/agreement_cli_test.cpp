// gloss agreement on a dataset whose tasks several annotators answered
// (imported with db-in), the line gloss stats adds about it, and add's
// adaptive overlap options.
#include <nlohmann/json.hpp>

#include "test_util.h"

namespace gloss {
namespace {

using test::CommandResult;
using test::contains;

CommandResult gloss(const test::TempDir& dir, const std::string& args) { return test::run_gloss(dir.path(), args); }

// Two images; alice and bob caption both, differently on the second.
void write_answers(const test::TempDir& dir) {
  test::write_test_png(dir / "imgs/one.png", 1);
  test::write_test_png(dir / "imgs/two.png", 2);
  std::string jsonl;
  const auto line = [&](const char* image, const char* who, const char* caption) {
    jsonl += nlohmann::json{{"image", image}, {"caption", caption}, {"answer", "accept"}, {"_annotator_id", who}}.dump() +
             "\n";
  };
  line("imgs/one.png", "alice", "a red circle");
  line("imgs/one.png", "bob", "a red circle");
  line("imgs/two.png", "alice", "two blue squares");
  line("imgs/two.png", "bob", "two green squares");
  test::write_text(dir / "answers.jsonl", jsonl);
}

TEST(AgreementCli, PrintsFiguresTheTasksThatDisagreeAndJson) {
  test::TempDir dir;
  write_answers(dir);
  ASSERT_EQ(gloss(dir, "db-in shapes answers.jsonl").code, 0);

  const CommandResult text = gloss(dir, "agreement shapes");
  ASSERT_EQ(text.code, 0) << text.output;
  EXPECT_TRUE(contains(text.output, "agreement in 'shapes': 2 tasks with two or more answers (4 answers)")) << text.output;
  // Pairs: 0, 0, 1/3, 1/3 -> 1/6.
  EXPECT_TRUE(contains(text.output, "mean pairwise WER            0.167   (4 pairs")) << text.output;
  EXPECT_TRUE(contains(text.output, "undefined: every answer is accept: no variation")) << text.output;
  EXPECT_TRUE(contains(text.output, "imgs/two.png")) << text.output;
  EXPECT_TRUE(contains(text.output, "two green squares")) << text.output;
  EXPECT_FALSE(contains(text.output, "imgs/one.png")) << text.output;  // they agree on it

  const CommandResult json = gloss(dir, "agreement shapes --json");
  ASSERT_EQ(json.code, 0) << json.output;
  const auto j = nlohmann::json::parse(json.output);
  EXPECT_EQ(j["tasks"], 2);
  EXPECT_NEAR(j["captions"]["mean_pairwise_wer"].get<double>(), 1.0 / 6, 1e-12);
  EXPECT_NEAR(j["captions"]["matrix"]["alice"]["bob"]["wer"].get<double>(), 1.0 / 6, 1e-12);
  EXPECT_EQ(j["captions"]["per_annotator"]["bob"]["tasks"], 2);
  EXPECT_TRUE(j["answers"]["alpha"].is_null());
  EXPECT_EQ(j["answers"]["alpha_why"], "every answer is accept: no variation");
  EXPECT_EQ(j["most_disagreed"].size(), 1u);

  const CommandResult stats = gloss(dir, "stats shapes");
  EXPECT_TRUE(contains(stats.output, "overlap          2 tasks with 2+ answers; mean pairwise WER of their captions 0.17 "
                                     "(gloss agreement shapes for more)"))
      << stats.output;
}

TEST(AgreementCli, ADatasetWithoutOverlapOrNoDatasetSaysSo) {
  test::TempDir dir;
  test::write_test_png(dir / "imgs/one.png", 1);
  ASSERT_EQ(gloss(dir, "add solo imgs").code, 0);
  const CommandResult none = gloss(dir, "agreement solo");
  EXPECT_EQ(none.code, 0) << none.output;
  EXPECT_TRUE(contains(none.output, "0 tasks with two or more answers")) << none.output;
  EXPECT_TRUE(contains(none.output, "--overlap 2")) << none.output;
  EXPECT_FALSE(contains(gloss(dir, "stats solo").output, "gloss agreement"));
  const CommandResult missing = gloss(dir, "agreement nosuch");
  EXPECT_EQ(missing.code, 1);
  EXPECT_TRUE(contains(missing.output, "no dataset named 'nosuch'")) << missing.output;
}

TEST(AgreementCli, AddSetsAdaptiveOverlapAndRefusesWhatCannotWork) {
  test::TempDir dir;
  test::write_test_png(dir / "imgs/one.png", 1);
  const CommandResult on = gloss(dir, "add birds imgs --overlap 2 --more-if-wer-above 0.5");
  ASSERT_EQ(on.code, 0) << on.output;
  EXPECT_TRUE(contains(on.output, "a task whose captions disagree (mean pairwise WER above 0.5) goes to one more "
                                  "annotator, up to 3"))
      << on.output;
  const CommandResult capped = gloss(dir, "add birds imgs --max-overlap 5");
  EXPECT_TRUE(contains(capped.output, "up to 5")) << capped.output;
  const CommandResult low = gloss(dir, "add birds imgs --max-overlap 2");
  EXPECT_EQ(low.code, 1);
  EXPECT_TRUE(contains(low.output, "must be above the overlap (2): give --max-overlap 3 or more")) << low.output;
  const CommandResult bad = gloss(dir, "add birds imgs --more-if-wer-above lots");
  EXPECT_EQ(bad.code, 1);
  EXPECT_TRUE(contains(bad.output, "--more-if-wer-above lots: give a word error rate such as 0.5")) << bad.output;
  const CommandResult alone = gloss(dir, "add fresh imgs --max-overlap 3");
  EXPECT_EQ(alone.code, 1);
  EXPECT_TRUE(contains(alone.output, "give --more-if-wer-above WER with it")) << alone.output;
  EXPECT_FALSE(contains(gloss(dir, "datasets").output, "fresh")) << "a refused option leaves no dataset behind";
  const CommandResult off = gloss(dir, "add birds imgs --more-if-wer-above off");
  EXPECT_EQ(off.code, 0) << off.output;
  EXPECT_TRUE(contains(off.output, "adaptive overlap is off")) << off.output;
}

}  // namespace
}  // namespace gloss
