// The out-of-distribution flag: the statistics' file format, scoring in the
// captioner's forward pass, calibration of an existing file (weights
// untouched), the statistics the trainer writes, and a loose sanity check of
// the bundled model on synthetic scenes and a real photo.
#include <gtest/gtest.h>

#include <cmath>

#include "core/base64.h"
#include "core/hash.h"
#include "core/synth.h"
#include "model/calibrate.h"
#include "model/captioner.h"
#include "model/native_format.h"
#include "model/torch_api.h"
#include "model/torch_net.hpp"
#include "model_test_util.h"

namespace gloss {
namespace {

using test::expect_user_error;
using test::ScratchDir;

// Synthetic scenes of the bundled generator at `size` px.
std::vector<Image> scenes(std::uint64_t seed, std::size_t count, int size) {
  std::vector<Image> out;
  for (std::size_t i = 0; i < count; ++i) {
    const SynthSample s = synth_sample(seed, i);
    out.push_back(render_scene(s.scene, size, s.noise_seed));
  }
  return out;
}

// A tiny model file with statistics from synthetic scenes (fit on seed 3,
// threshold from seed 4).
struct Calibrated {
  ScratchDir dir{"ood"};
  std::filesystem::path plain = dir / "plain.gloss", calibrated = dir / "calibrated.gloss";
  CalibrateReport report;
  Calibrated() {
    test::tiny_model().save(plain);
    CalibrateOptions o;
    o.model = plain;
    o.out = calibrated;
    use_synthetic_scenes(o, 300, 200, 3);
    report = calibrate_native_model(o);
  }
};

TEST(OodStats, JsonRoundTripAndReferenceDistance) {
  OodStats s;
  s.dim = 2;
  s.mean = {1.f, -2.f};
  s.inv_cov = {4.f, 0.f, 0.f, 0.25f};
  s.shrinkage = 0.1;
  s.threshold = 3;
  s.fit_images = 10;
  s.held_out = 100;
  s.source = "test";
  const auto back = ood_from_json(nlohmann::json::parse(ood_to_json(s).dump()), "f.gloss", 2);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->mean, s.mean);
  EXPECT_EQ(back->inv_cov, s.inv_cov);
  EXPECT_EQ(back->threshold, 3);
  EXPECT_EQ(back->held_out, 100u);
  const float x[2] = {2.f, 2.f};  // d = (1, 4): 4*1 + 0.25*16 = 8
  EXPECT_NEAR(mahalanobis(s, x), std::sqrt(8.0), 1e-9);
  EXPECT_DOUBLE_EQ(percentile({1, 2, 3, 4, 5}, 50), 3);
  EXPECT_DOUBLE_EQ(percentile({1, 2, 3, 4, 5}, 87.5), 4.5);
  EXPECT_TRUE(std::isnan(percentile({}, 50)));
}

TEST(OodStats, DamagedStatisticsNameTheFileAndTheProblem) {
  OodStats s;
  s.dim = 2;
  s.mean = {0.f, 0.f};
  s.inv_cov = {1.f, 0.f, 0.f, 1.f};
  s.threshold = 1;
  const nlohmann::json good = ood_to_json(s);
  auto bad = [&](nlohmann::json j, int dim, const std::string& needle) {
    SCOPED_TRACE(needle);
    expect_user_error([&] { ood_from_json(j, "m.gloss", dim); }, {"m.gloss", needle});
  };
  bad(good, 3, "dim 2");
  nlohmann::json j = good;
  j["inv_cov"]["data"] = "not base64!";
  bad(j, 2, "base64");
  j = good;
  j["inv_cov"]["data"] = base64_encode(std::string(12, '\0'));
  bad(j, 2, "inv_cov has 3 values");
  j = good;
  j["threshold"] = -1;
  bad(j, 2, "threshold");
  j = good;
  j.erase("mean");
  bad(j, 2, "mean");
  j = good;
  j["feature"] = "something-newer";
  EXPECT_FALSE(ood_from_json(j, "m.gloss", 2)) << "statistics of an unknown feature are ignored, not an error";
}

TEST(Ood, ModelWithoutStatisticsScoresNothing) {
  const NativeModel model = test::tiny_model();
  EXPECT_FALSE(model.ood());
  const auto images = scenes(5, 2, 32);
  for (const Caption& c : model.caption(test::pointers(images), 1, 10)) {
    EXPECT_TRUE(std::isnan(c.ood_score));
    EXPECT_FALSE(c.unlike_training);
  }
}

TEST(Ood, CalibrationAddsStatisticsAndKeepsTheWeights) {
  Calibrated c;
  const NativeModelFile before = read_native_model_file(c.plain);
  const NativeModelFile after = read_native_model_file(c.calibrated);
  EXPECT_EQ(after.weights, before.weights);
  nlohmann::json meta = after.meta;
  ASSERT_TRUE(meta.contains("ood"));
  meta.erase("ood");
  EXPECT_EQ(meta, before.meta);
  EXPECT_EQ(c.report.stats.dim, ood_feature_dim(test::tiny_model().arch()));
  EXPECT_EQ(c.report.stats.dim, 3 * (8 + 16));  // stem and the first block of {8, 16, 32}
  EXPECT_EQ(c.report.stats.fit_images, 300u);
  EXPECT_EQ(c.report.stats.held_out, 200u);
  EXPECT_GT(c.report.stats.threshold, 0);
  EXPECT_LE(c.report.held_out_flagged, 1u);  // the 99.5th percentile of 200
  EXPECT_EQ(c.report.model_id, hash_hex(content_hash(test::read_bytes(c.calibrated))));

  // The same captions; scores now, from the same forward pass.
  const NativeModel plain = NativeModel::load(c.plain), calibrated = NativeModel::load(c.calibrated);
  ASSERT_TRUE(calibrated.ood());
  const auto fresh = scenes(5, 100, 32);  // neither the fit nor the held-out seed
  const auto a = plain.caption(test::pointers(fresh), 1, 10), b = calibrated.caption(test::pointers(fresh), 1, 10);
  int flagged = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].text, b[i].text);
    EXPECT_EQ(a[i].log_prob, b[i].log_prob);
    ASSERT_TRUE(std::isfinite(b[i].ood_score));
    EXPECT_EQ(b[i].unlike_training, b[i].ood_score > calibrated.ood()->threshold);
    flagged += b[i].unlike_training;
  }
  EXPECT_LE(flagged, 5) << "fresh scenes like the fitted ones are mostly not flagged";
  // Beam search scores too, the same.
  const auto beamed = calibrated.caption(test::pointers(fresh), 3, 10);
  for (std::size_t i = 0; i < a.size(); ++i) EXPECT_FLOAT_EQ(beamed[i].ood_score, b[i].ood_score);

}

TEST(Ood, BatchedDistanceMatchesTheReference) {
  Calibrated c;
  NativeModel model = NativeModel::load(c.calibrated);
  const auto images = scenes(6, 4, 32);
  std::vector<torch::Tensor> u8;
  for (const Image& image : images) u8.push_back(image_to_u8(image, 32));
  const auto features = encode_u8_features(model.impl(), torch::stack(u8)).contiguous();
  const auto captions = model.caption(test::pointers(images), 1, 10);
  for (std::size_t i = 0; i < images.size(); ++i) {
    const double reference = mahalanobis(*model.ood(), features[static_cast<std::int64_t>(i)].data_ptr<float>());
    EXPECT_NEAR(captions[i].ood_score, reference, 1e-3 * reference);
  }
}

TEST(Ood, CalibrationRefusesWhatItCannotUse) {
  ScratchDir dir("ood-bad");
  test::write_bytes(dir / "model.pt", "PK\x03\x04 not really");
  CalibrateOptions o;
  o.model = dir / "model.pt";
  o.out = dir / "out.gloss";
  expect_user_error([&] { use_synthetic_scenes(o, 10, 200, 3); }, {"model.pt", "not a gloss model"});
  test::tiny_model().save(dir / "tiny.gloss");
  o.model = dir / "tiny.gloss";
  use_synthetic_scenes(o, 10, 20, 3);
  expect_user_error([&] { calibrate_model(o); }, {"20 held-out images", "at least 100"});
  // Unreadable files are skipped, and too few readable ones is an error.
  std::vector<std::filesystem::path> files;
  for (int i = 0; i < 150; ++i) files.push_back(dir / ("missing" + std::to_string(i) + ".png"));
  use_image_files(o, files, 0.5, 1);
  EXPECT_EQ(o.fit_count + o.held_out_count, 150u);
  expect_user_error([&] { calibrate_native_model(o); }, {"could be read", "150 unreadable"});
  EXPECT_FALSE(std::filesystem::exists(dir / "out.gloss"));
}

TEST(Ood, TrainingWritesStatisticsWhenEnoughImagesAreHeldOut) {
  ScratchDir dir("ood-train");
  std::vector<TrainingPair> pairs;
  for (std::size_t i = 0; i < 240; ++i) {
    const SynthSample s = synth_sample(8, i);
    const auto path = dir / ("scene" + std::to_string(i) + ".png");
    write_png(path, render_scene(s.scene, 32, s.noise_seed));
    pairs.push_back({path, s.caption});
  }
  TrainOptions o = test::tiny_train_options(dir / "m.gloss");
  o.epochs = 1;
  o.val_fraction = 0.5;
  const TrainReport r = train_native_captioner(pairs, o);
  ASSERT_TRUE(r.saved);
  ASSERT_TRUE(r.ood) << r.ood_missing;
  EXPECT_EQ(r.ood->held_out, r.val_images);
  EXPECT_EQ(r.ood->fit_images, r.train_images);
  EXPECT_EQ(r.ood->source, "training images");
  const NativeModel model = NativeModel::load(o.out);
  ASSERT_TRUE(model.ood());
  EXPECT_EQ(model.ood()->threshold, r.ood->threshold);
  EXPECT_EQ(r.model_id, hash_hex(content_hash(test::read_bytes(o.out))));

  // 24 held out: no threshold worth having, and the report says why.
  pairs.resize(48);
  const TrainReport few = train_native_captioner(pairs, o);
  ASSERT_TRUE(few.saved);
  EXPECT_FALSE(few.ood);
  EXPECT_NE(few.ood_missing.find("at least 100"), std::string::npos) << few.ood_missing;
  EXPECT_FALSE(NativeModel::load(o.out).ood());
}

// Loose: the bundled model's figures are measured by tests/bench/ood.cpp.
TEST(Ood, BundledModelPassesSyntheticScenesAndFlagsAPhoto) {
  const auto bundled = std::filesystem::path(GLOSS_SOURCE_DIR) / "models/default.gloss";
  const NativeModel model = NativeModel::load(bundled);
  ASSERT_TRUE(model.ood()) << "the bundled model has no out-of-distribution statistics (gloss calibrate)";
  const auto held = scenes(100, 200, model.preprocess().image_size);  // seeds 1-4 made and calibrated it
  int flagged = 0;
  for (const Caption& c : model.caption(test::pointers(held), 1, 20)) flagged += c.unlike_training;
  EXPECT_LE(flagged, 6) << "of 200 synthetic scenes";
  const std::filesystem::path cat = "/usr/lib/python3/dist-packages/skimage/data/chelsea.png";
  if (!std::filesystem::exists(cat)) GTEST_SKIP() << cat << " is missing: apt-get install python3-skimage";
  const std::vector<Image> unlike = {decode_image_file(cat, kModelInputSide), test::noise_image(64, 64, 1)};
  const auto captions = model.caption(test::pointers(unlike), 1, 20);
  EXPECT_TRUE(captions[0].unlike_training) << "a cat photo scored " << captions[0].ood_score << ", threshold "
                                           << model.ood()->threshold;
  EXPECT_TRUE(captions[1].unlike_training) << "random pixels scored " << captions[1].ood_score;
}

}  // namespace
}  // namespace gloss
