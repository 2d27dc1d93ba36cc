// The README's learning loop at small scale, through the real binary and the
// real windows under xvfb-run: synthetic scenes from a camera the bundled
// model was not trained on -> gloss predict -> an annotator (a replay typed
// from the ground truth) corrects the suggestions in `gloss caption` ->
// gloss train --base -> gloss eval of both models -> gloss compare, judged
// blind by a replay that knows the ground truth. The fine-tuned model must
// win with the lower end of the 95% interval above 50%, and make fewer of
// the errors it was corrected on.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

#include "core/compare.h"
#include "core/diff.h"
#include "core/error_classifier.h"
#include "core/hash.h"
#include "core/scene_caption.h"
#include "core/lmdb_store.h"
#include "app/gloss_run.h"
#include "test_util.h"

namespace gloss {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr int kCorrections = 500;
constexpr int kHeldOut = 300;
constexpr std::uint64_t kCompareSeed = 99;


using test::GlossRun;

// Every command's output goes to the test's log too: this test is the
// whole loop, and its log is how a failure is read.
GlossRun logged_gloss(const test::TempDir& dir, const std::string& args, bool window = false) {
  GlossRun run = test::gloss(dir.path(), args, window, 600);
  std::printf("$ gloss %s\n%s", args.c_str(), run.output.c_str());
  return run;
}

std::string file_bytes(const fs::path& path) { return test::read_text(path); }

// image file name -> ground-truth caption
std::map<std::string, std::string> truths(const fs::path& captions_jsonl) {
  std::map<std::string, std::string> out;
  std::ifstream in(captions_jsonl);
  for (std::string line; std::getline(in, line);) {
    const json j = json::parse(line);
    out[fs::path(j["image"].get<std::string>()).filename().string()] = j["caption"].get<std::string>();
  }
  return out;
}

double figure(const std::string& output, const std::string& label) {
  const std::regex re(label + R"(\s+([0-9.]+)%?)");
  std::smatch m;
  if (!std::regex_search(output, m, re)) return -1;
  return std::stod(m[1]);
}

// Content errors against the ground truth: missing or extra groups, wrong
// colours, sizes, counts, background.
int content_errors(const std::string& truth, const std::string& caption) {
  const auto t = parse_caption(truth);
  const auto p = parse_caption(caption);
  if (!t) return 1000;
  if (!p) return 100;
  const CategoryErrors e = compare_descriptions(*t, *p);
  return e.missing_groups + e.extra_groups + e.colour_errors + e.size_errors + e.count_errors +
         e.background_colour + e.background_pattern;
}

TEST(LearningLoop, FineTunedOnCorrectionsWinsTheBlindComparison) {
  if (!test::on_path("xvfb-run")) GTEST_SKIP() << "xvfb-run is not installed";
  const fs::path base_model = fs::path(GLOSS_SOURCE_DIR) / "models/default.gloss";
  if (!fs::exists(base_model)) GTEST_SKIP() << "no bundled model at " << base_model;
  test::TempDir dir;
  const std::string base = "'" + base_model.string() + "'";

  // A camera 1.35x closer than the bundled model's training scenes.
  ASSERT_EQ(logged_gloss(dir, "synth fresh --count " + std::to_string(kCorrections) + " --seed 11 --size 64 --zoom 1.35").status, 0);
  ASSERT_EQ(logged_gloss(dir, "synth held-out --count " + std::to_string(kHeldOut) + " --seed 2 --size 64 --zoom 1.35").status, 0);
  ASSERT_EQ(logged_gloss(dir, "predict fresh/images --dataset fresh --model " + base).status, 0);

  // The annotator replaces each suggestion with the right caption.
  const auto fresh_truth = truths(dir / "fresh/captions.jsonl");
  std::map<std::string, int> corrected_on;  // error category -> corrections the classifier puts in it
  std::string replay;
  for (const auto& [image, caption] : fresh_truth)  // file name order = dataset order
    replay += "wait-suggestion\nkey Ctrl+A\ntype " + caption + "\nkey Enter\n";
  replay += "quit\n";
  test::write_text(dir / "correct.replay", replay);
  const GlossRun corrected = logged_gloss(dir, "caption fresh fresh/images --model " + base + " --session annotator --replay correct.replay", true);
  ASSERT_EQ(corrected.status, 0) << corrected.output;
  {
    LmdbStore store(StoreOptions{dir / "db"});
    const DatasetInfo info = store.require_dataset("fresh");
    ASSERT_EQ(info.answered, static_cast<std::uint64_t>(kCorrections));
    int changed = 0;
    store.for_each_answer(info, [&](std::uint64_t, const Answer& a) {
      const auto task = store.task(a.task);
      EXPECT_EQ(a.caption, fresh_truth.at(fs::path(task->path).filename().string()));
      changed += a.changed();
      for (const std::string& category : classify_correction(a.orig_caption, a.caption)) ++corrected_on[category];
      return true;
    });
    EXPECT_GT(changed, kCorrections / 2) << "most suggestions needed a correction";
  }

  ASSERT_EQ(logged_gloss(dir, "train fresh --base " + base + " --out tuned.gloss --epochs 10 --lr 0.0003 --val 0 --seed 1 --threads 1").status, 0);
  const GlossRun eval_base = logged_gloss(dir, "eval held-out/captions.jsonl --model " + base);
  const GlossRun eval_tuned = logged_gloss(dir, "eval held-out/captions.jsonl --model tuned.gloss");
  ASSERT_EQ(eval_base.status, 0);
  ASSERT_EQ(eval_tuned.status, 0);
  EXPECT_GT(figure(eval_tuned.output, "BLEU-4"), figure(eval_base.output, "BLEU-4"));
  EXPECT_LT(figure(eval_tuned.output, "mean WER"), figure(eval_base.output, "mean WER"));
  // Fewer errors of the kinds the annotator corrected most (content
  // categories in at least a tenth of the corrections).
  int checked = 0;
  for (const char* category : {"subject", "attributes", "number", "background"}) {
    if (corrected_on[category] * 10 < kCorrections) continue;
    ++checked;
    EXPECT_LT(figure(eval_tuned.output, category), figure(eval_base.output, category))
        << category << " was corrected " << corrected_on[category] << " times";
  }
  EXPECT_GE(checked, 2);

  // Both models' suggestions for the held-out images, then the blind judging.
  ASSERT_EQ(logged_gloss(dir, "predict held-out/images --dataset ab --model " + base).status, 0);
  ASSERT_EQ(logged_gloss(dir, "predict held-out/images --dataset ab --model tuned.gloss").status, 0);
  const std::string id_a = hash_hex(content_hash(file_bytes(base_model)));
  const std::string id_b = hash_hex(content_hash(file_bytes(dir / "tuned.gloss")));
  const auto held_truth = truths(dir / "held-out/captions.jsonl");
  std::map<std::uint64_t, CompareChoice> expected;
  std::string judge;
  {
    LmdbStore store(StoreOptions{dir / "db"});
    for (const auto& [image, truth] : held_truth) {
      const std::uint64_t task = content_hash(file_bytes(dir / "held-out/images" / image));
      const auto a = store.suggestion(id_a, task), b = store.suggestion(id_b, task);
      ASSERT_TRUE(a && b) << image << ": no cached suggestion from gloss predict";
      if (same_caption(a->caption, b->caption)) continue;  // answered as a tie, never shown
      // The judge knows the truth: fewer content errors wins; as wrong as
      // each other, the closer wording wins; else a tie.
      const int ea = content_errors(truth, a->caption), eb = content_errors(truth, b->caption);
      const double wa = word_error_rate(truth, a->caption), wb = word_error_rate(truth, b->caption);
      const CompareChoice choice = ea < eb || (ea == eb && wa < wb)   ? CompareChoice::a
                                   : eb < ea || (ea == eb && wb < wa) ? CompareChoice::b
                                   : ea == 0                          ? CompareChoice::both_good
                                                                      : CompareChoice::both_bad;
      expected[task] = choice;
      const bool a_left = a_on_left(kCompareSeed, task);
      const char* key = choice == CompareChoice::both_good  ? "Up"
                        : choice == CompareChoice::both_bad ? "Down"
                        : (choice == CompareChoice::a) == a_left ? "Left"
                                                                 : "Right";
      judge += std::string("wait-suggestion\nkey ") + key + "\n";
    }
  }
  judge += "quit\n";
  test::write_text(dir / "judge.replay", judge);
  const GlossRun compared = logged_gloss(dir, "compare ab held-out/images --model-a " + base + " --model-b tuned.gloss --seed " +
                                      std::to_string(kCompareSeed) + " --replay judge.replay", true);
  ASSERT_EQ(compared.status, 0) << compared.output;

  LmdbStore store(StoreOptions{dir / "db"});
  const DatasetInfo info = store.require_dataset("ab");
  EXPECT_EQ(info.answered, static_cast<std::uint64_t>(kHeldOut));
  std::size_t matched = 0;
  store.for_each_answer(info, [&](std::uint64_t, const Answer& a) {
    EXPECT_TRUE(a.compare);
    if (!a.compare) return true;
    EXPECT_EQ(a.compare->model_a, id_a);
    EXPECT_EQ(a.compare->model_b, id_b);
    if (const auto it = expected.find(a.task); it != expected.end()) {
      EXPECT_EQ(a.compare->choice, it->second) << "task " << hash_hex(a.task);
      matched += a.compare->choice == it->second;
    } else {
      EXPECT_TRUE(a.compare->identical);
    }
    return true;
  });
  EXPECT_EQ(matched, expected.size());
  const auto tallies = compare_stats(store, info);
  ASSERT_EQ(tallies.size(), 1u);
  const CompareTally& t = tallies[0];
  std::printf("%s", format_compare_stats(tallies).c_str());
  EXPECT_GT(t.b_wins, t.a_wins);
  EXPECT_LT(t.a_interval().high, 0.5) << "the fine-tuned model (B) must win: its lower bound above 50%";
  const GlossRun stats = logged_gloss(dir, "stats ab");
  EXPECT_NE(stats.output.find("B is better"), std::string::npos) << stats.output;
}

}  // namespace
}  // namespace gloss
