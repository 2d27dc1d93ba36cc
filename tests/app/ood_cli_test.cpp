// The out-of-distribution flag from the command line: predict --out writes
// it, train says whether it could fit the statistics, calibrate adds them
// to a model that has none and names what it cannot use.
#include <gtest/gtest.h>

#include <fstream>
#include <map>

#include <nlohmann/json.hpp>

#include "core/image.h"
#include "core/synth.h"
#include "test_util.h"

namespace gloss {
namespace {

namespace fs = std::filesystem;
using test::CommandResult;
using test::contains;

CommandResult gloss(const test::TempDir& dir, const std::string& args) { return test::run_gloss(dir.path(), args); }

// image file name -> its line of predict --out
std::map<std::string, nlohmann::json> predictions(const fs::path& file) {
  std::map<std::string, nlohmann::json> out;
  std::ifstream in(file);
  for (std::string line; std::getline(in, line);) {
    const auto j = nlohmann::json::parse(line);
    out[fs::path(j.at("image").get<std::string>()).filename().string()] = j;
  }
  return out;
}

void write_scenes(const fs::path& dir, int count) {
  fs::create_directories(dir);
  for (int i = 0; i < count; ++i) {
    const SynthSample s = synth_sample(7, static_cast<std::uint64_t>(i));
    write_png(dir / ("scene" + std::to_string(i) + ".png"), render_scene(s.scene, 64, s.noise_seed));
  }
}

TEST(OodCli, PredictWritesTheFlagAndTheScore) {
  test::TempDir dir;
  write_scenes(dir / "images", 2);
  write_png(dir / "images/noise.png", test::pattern_image(64, 64, 3));  // random pixels
  const CommandResult r = gloss(dir, "predict images --model '" GLOSS_SOURCE_DIR "/models/default.gloss' --out pred.jsonl");
  ASSERT_EQ(r.code, 0) << r.output;
  EXPECT_TRUE(contains(r.output, "1 of 3 images are unlike the images the model was trained on")) << r.output;
  const auto p = predictions(dir / "pred.jsonl");
  ASSERT_EQ(p.size(), 3u);
  for (const char* scene : {"scene0.png", "scene1.png"}) {
    EXPECT_EQ(p.at(scene).at("unlike_training"), false) << scene;
    EXPECT_TRUE(p.at(scene).at("ood_score").is_number()) << scene;
  }
  EXPECT_EQ(p.at("noise.png").at("unlike_training"), true);
  EXPECT_GT(p.at("noise.png").at("ood_score").get<double>(), p.at("scene0.png").at("ood_score").get<double>());
  // From the cache the second time: the same lines.
  const CommandResult again = gloss(dir, "predict images --model '" GLOSS_SOURCE_DIR "/models/default.gloss' --out again.jsonl");
  ASSERT_EQ(again.code, 0) << again.output;
  EXPECT_TRUE(contains(again.output, "3 already captioned")) << again.output;
  EXPECT_EQ(predictions(dir / "again.jsonl"), p);
}

TEST(OodCli, TrainWithoutHeldOutImagesHasNoFlagUntilCalibrated) {
  test::TempDir dir;
  ASSERT_EQ(gloss(dir, "synth scenes --count 8 --seed 3 --size 32").code, 0);
  const CommandResult trained = gloss(dir, "train scenes/captions.jsonl --out tiny.gloss --epochs 1 --batch 4 --val 0 "
                                           "--image-size 32 --embed 16 --hidden 16 --threads 1");
  ASSERT_EQ(trained.code, 0) << trained.output;
  EXPECT_TRUE(contains(trained.output, "no out-of-distribution flag: 0 validation images, at least 100 needed"))
      << trained.output;
  write_scenes(dir / "images", 2);
  ASSERT_EQ(gloss(dir, "predict images --model tiny.gloss --out plain.jsonl").code, 0);
  for (const auto& [name, line] : predictions(dir / "plain.jsonl")) {
    EXPECT_EQ(line.at("unlike_training"), false) << name;
    EXPECT_TRUE(line.at("ood_score").is_null()) << name;
  }

  const CommandResult calibrated = gloss(dir, "calibrate tiny.gloss --out tiny-ood.gloss --fit 60 --held-out 100 --threads 1");
  ASSERT_EQ(calibrated.code, 0) << calibrated.output;
  EXPECT_TRUE(contains(calibrated.output, "the 99.5th percentile of 100 held-out images")) << calibrated.output;
  EXPECT_TRUE(contains(calibrated.output, "weights unchanged")) << calibrated.output;
  ASSERT_EQ(gloss(dir, "predict images --model tiny-ood.gloss --out scored.jsonl").code, 0);
  const auto plain = predictions(dir / "plain.jsonl"), scored = predictions(dir / "scored.jsonl");
  for (const auto& [name, line] : scored) {
    EXPECT_TRUE(line.at("ood_score").is_number()) << name;
    EXPECT_EQ(line.at("caption"), plain.at(name).at("caption")) << name << ": calibration changed a caption";
  }

  // The training images themselves, split by the command: 8 are too few to hold 100 out.
  const CommandResult few = gloss(dir, "calibrate tiny.gloss scenes/captions.jsonl --out x.gloss");
  EXPECT_EQ(few.code, 1) << few.output;
  EXPECT_TRUE(contains(few.output, "at least 100 are needed")) << few.output;
}

TEST(OodCli, CalibrateNamesWhatItCannotUse) {
  test::TempDir dir;
  write_png(dir / "picture.png", test::pattern_image(8, 8, 1));
  const CommandResult png = gloss(dir, "calibrate picture.png --out x.gloss");
  EXPECT_EQ(png.code, 1) << png.output;
  EXPECT_TRUE(contains(png.output, "picture.png: not a gloss model file (it is a PNG image)")) << png.output;
  EXPECT_EQ(gloss(dir, "calibrate missing.gloss --out x.gloss").code, 2);
  EXPECT_EQ(gloss(dir, "calibrate picture.png --out x.gloss --held-out 10").code, 2);
  EXPECT_FALSE(fs::exists(dir / "x.gloss"));
  const CommandResult help = gloss(dir, "calibrate --help");
  EXPECT_EQ(help.code, 0);
  EXPECT_TRUE(contains(help.output, "--held-out")) << help.output;
}

}  // namespace
}  // namespace gloss
