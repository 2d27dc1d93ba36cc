// Runs the real `gloss compare` window under xvfb-run with a --replay script
// and checks the choices that reached the store, de-blinded.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "core/compare.h"
#include "core/hash.h"
#include "core/image.h"
#include "core/lmdb_store.h"
#include "app/gloss_run.h"
#include "test_util.h"

namespace gloss {
namespace {

namespace fs = std::filesystem;
using test::TempDir;


using test::GlossRun;
using test::gloss;

std::string bundled_model() { return (fs::path(GLOSS_SOURCE_DIR) / "models/default.gloss").string(); }

// Six scenes and a second model: a tiny one trained for one pass on them.
void prepare(const TempDir& dir) {
  ASSERT_EQ(gloss(dir, "synth scenes --count 6 --seed 3 --size 64").status, 0);
  const GlossRun trained = gloss(dir, "train scenes/captions.jsonl --out tiny.gloss --epochs 1 --batch 2 --val 0 "
                                      "--image-size 32 --embed 16 --hidden 16 --threads 1");
  ASSERT_EQ(trained.status, 0) << trained.output;
}

std::uint64_t task_of(const TempDir& dir, int index) {
  char name[64];
  std::snprintf(name, sizeof name, "scenes/images/scene-%06d.png", index);
  return content_hash(test::read_text(dir / name));
}

TEST(CompareWindow, ReplayedJudgementsAreStoredDeblinded) {
  if (!test::on_path("xvfb-run")) GTEST_SKIP() << "xvfb-run is not installed";
  if (!fs::exists(bundled_model())) GTEST_SKIP() << "no bundled model";
  TempDir dir;
  prepare(dir);
  if (HasFatalFailure()) return;
  test::write_text(dir / "judge.replay",
                   "wait-suggestion\nkey Left\n"        // 0: left better
                   "wait-suggestion\nkey Right\n"       // 1: right better
                   "wait-suggestion\nkey Up\n"          // 2: both good
                   "wait-suggestion\nkey Shift+Right\n" // 3: right better, edited
                   "key Ctrl+A\ntype a small grey square\n"
                   "screenshot edit.png\n"
                   "key Enter\n"
                   "wait-suggestion\nkey Down\n"        // 4: both bad
                   "wait-suggestion\nkey 1\n"           // 5: left better ... undone
                   "key Ctrl+Z\n"
                   "wait-suggestion\nkey 2\n"           // 5: right better
                   "screenshot done.png\n"
                   "quit\n");
  const GlossRun run = gloss(dir,
                             "compare ab scenes/images --model-a '" + bundled_model() +
                                 "' --model-b tiny.gloss --seed 5 --show-identical --replay judge.replay",
                             true);
  ASSERT_EQ(run.status, 0) << run.output;
  EXPECT_NE(run.output.find("blind order seed 5"), std::string::npos) << run.output;

  LmdbStore store(StoreOptions{dir / "db"});
  const DatasetInfo info = store.require_dataset("ab");
  ASSERT_EQ(info.answered, 6u);
  auto choice_for_side = [&](int index, bool left) {
    return left == a_on_left(5, task_of(dir, index)) ? CompareChoice::a : CompareChoice::b;
  };
  const CompareChoice expected[] = {choice_for_side(0, true), choice_for_side(1, false), CompareChoice::both_good,
                                    choice_for_side(3, false), CompareChoice::both_bad, choice_for_side(5, false)};
  for (int i = 0; i < 6; ++i) {
    const auto a = store.answer_at(info, i, default_annotator());
    ASSERT_TRUE(a && a->compare) << i;
    EXPECT_EQ(a->compare->choice, expected[i]) << i;
    EXPECT_EQ(a->compare->a_on_left, a_on_left(5, task_of(dir, i))) << i;
    EXPECT_FALSE(a->compare->identical) << i;  // --show-identical: every one was shown
    EXPECT_EQ(a->compare->model_a, hash_hex(content_hash(test::read_text(bundled_model()))));
  }
  const auto edited = store.answer_at(info, 3, default_annotator());
  EXPECT_TRUE(edited->compare->edited);
  EXPECT_EQ(edited->caption, "a small grey square");
  EXPECT_EQ(edited->orig_caption,
            expected[3] == CompareChoice::a ? edited->compare->caption_a : edited->compare->caption_b);
  EXPECT_EQ(store.answer_at(info, 4, default_annotator())->answer, AnswerKind::reject);

  for (const char* shot : {"edit.png", "done.png"}) {
    ASSERT_TRUE(fs::exists(dir / shot)) << shot;
    EXPECT_GE(decode_image_file(dir / shot).width, 640);
  }
  const GlossRun stats = gloss(dir, "stats ab");
  EXPECT_NE(stats.output.find("comparison: model A"), std::string::npos) << stats.output;
  EXPECT_NE(stats.output.find("both bad           1"), std::string::npos) << stats.output;
  const GlossRun out = gloss(dir, "db-out ab");
  EXPECT_NE(out.output.find("\"winner_model\""), std::string::npos);
}

TEST(CompareWindow, RefusesOneModelTwiceAndAMixedDataset) {
  TempDir dir;
  test::write_test_png(dir / "images/a.png", 1);
  const GlossRun same = gloss(dir, "compare ab images --model-a '" + bundled_model() + "' --model-b '" +
                                       bundled_model() + "'");
  EXPECT_EQ(WEXITSTATUS(same.status), 1);
  EXPECT_NE(same.output.find("are the same model"), std::string::npos) << same.output;

  test::write_text(dir / "answers.jsonl", R"({"image": "images/a.png", "caption": "a caption"})" "\n");
  ASSERT_EQ(gloss(dir, "db-in captions answers.jsonl").status, 0);
  prepare(dir);
  if (HasFatalFailure()) return;
  const GlossRun mixed = gloss(dir, "compare captions images --model-a '" + bundled_model() +
                                        "' --model-b tiny.gloss");
  EXPECT_EQ(WEXITSTATUS(mixed.status), 1);
  EXPECT_NE(mixed.output.find("holds answers that are not comparisons"), std::string::npos) << mixed.output;
}

}  // namespace
}  // namespace gloss
