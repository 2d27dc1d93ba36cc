// The native captioner: save/load identity, greedy vs beam, preprocessing.
#include <gtest/gtest.h>

#include <cmath>

#include "model/captioner.h"
#include "model/native_model.h"
#include "model_test_util.h"

namespace gloss {
namespace {

using test::pointers;
using test::ScratchDir;

std::vector<Image> sample_images() {
  return {test::noise_image(32, 32, 1), test::noise_image(40, 24, 2),
          test::solid_image(32, 32, 200, 10, 10), test::split_image(17, 50, {0, 0, 255}, {255, 255, 0})};
}

void expect_same(const std::vector<Caption>& a, const std::vector<Caption>& b) {
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].tokens, b[i].tokens) << "image " << i;
    EXPECT_EQ(a[i].text, b[i].text) << "image " << i;
    EXPECT_EQ(a[i].log_prob, b[i].log_prob) << "image " << i;
    EXPECT_EQ(a[i].mean_log_prob, b[i].mean_log_prob) << "image " << i;
  }
}

TEST(NativeModel, CaptionsAreWellFormed) {
  NativeModel model = test::tiny_model();
  auto images = sample_images();
  auto captions = model.greedy(pointers(images), 20);
  ASSERT_EQ(captions.size(), images.size());
  for (const auto& c : captions) {
    EXPECT_LE(c.tokens.size(), 20u);
    EXPECT_LT(c.log_prob, 0.f);
    EXPECT_GT(c.confidence(), 0.f);
    EXPECT_LE(c.confidence(), 1.f);
    EXPECT_FLOAT_EQ(c.confidence(), std::exp(c.mean_log_prob));
    for (auto id : c.tokens) {
      EXPECT_NE(id, Vocab::kEnd);
      EXPECT_NE(id, Vocab::kStart);
      EXPECT_LT(id, static_cast<std::int64_t>(model.vocab().size()));
    }
  }
  EXPECT_TRUE(model.greedy({}, 20).empty());
  // max_len bounds the length.
  for (const auto& c : model.greedy(pointers(images), 3)) EXPECT_LE(c.tokens.size(), 3u);
}

TEST(NativeModel, SaveLoadGivesIdenticalOutputs) {
  ScratchDir dir("saveload");
  NativeModel model = test::tiny_model(11);
  auto images = sample_images();
  const auto greedy = model.greedy(pointers(images), 20);
  const auto beam = model.caption(pointers(images), 3, 20);
  model.save(dir / "m.gloss");
  NativeModel loaded = NativeModel::load(dir / "m.gloss");
  EXPECT_EQ(loaded.vocab().words(), model.vocab().words());
  EXPECT_EQ(loaded.arch().channels, model.arch().channels);
  expect_same(greedy, loaded.greedy(pointers(images), 20));
  expect_same(beam, loaded.caption(pointers(images), 3, 20));
  // Through the Captioner interface too.
  auto captioner = load_captioner(dir / "m.gloss", {.beam = 1, .max_len = 20, .threads = 1});
  expect_same(greedy, captioner->caption(pointers(images)));
  auto beamer = load_captioner(dir / "m.gloss", {.beam = 3, .max_len = 20, .threads = 1});
  expect_same(beam, beamer->caption(pointers(images)));
  // Bytes are stable: saving the loaded model reproduces the file.
  EXPECT_EQ(loaded.to_bytes(), test::read_bytes(dir / "m.gloss"));
}

TEST(NativeModel, BeamOneEqualsGreedyExactly) {
  for (std::uint64_t seed : {1, 2, 3, 4}) {
    NativeModel model = test::tiny_model(seed);
    auto images = sample_images();
    expect_same(model.greedy(pointers(images), 20), model.beam_search(pointers(images), 1, 20));
    expect_same(model.greedy(pointers(images), 4), model.beam_search(pointers(images), 1, 4));
  }
}

TEST(NativeModel, BeamNeverScoresBelowGreedy) {
  for (std::uint64_t seed : {1, 2, 3}) {
    NativeModel model = test::tiny_model(seed);
    auto images = sample_images();
    const auto greedy = model.greedy(pointers(images), 20);
    for (int k : {2, 3, 5}) {
      const auto beam = model.caption(pointers(images), k, 20);
      const auto raw = model.beam_search(pointers(images), k, 20);
      for (std::size_t i = 0; i < images.size(); ++i) {
        EXPECT_GE(beam[i].log_prob, greedy[i].log_prob) << "seed " << seed << " k " << k;
        EXPECT_GE(beam[i].log_prob, raw[i].log_prob);
        EXPECT_LE(raw[i].tokens.size(), 20u);
      }
    }
  }
}

TEST(NativeModel, BadImagesAreUserErrors) {
  NativeModel model = test::tiny_model();
  Image empty;
  EXPECT_THROW(model.greedy({&empty}, 20), UserError);
  EXPECT_THROW(model.greedy({nullptr}, 20), UserError);
  Image broken{4, 4, std::vector<std::uint8_t>(5)};
  EXPECT_THROW(model.greedy({&broken}, 20), UserError);
}

TEST(NativeModel, DescribeAndParameterCount) {
  NativeModel model = test::tiny_model();
  EXPECT_EQ(model.describe(), "native cnn-lstm (resnet-6, 16/32, vocab " +
                                  std::to_string(model.vocab().size()) + ", 32px)");
  EXPECT_GT(model.parameter_count(), 5000);
  EXPECT_THROW(NativeModel::create({.channels = {}}, {}, Vocab(), 1), std::invalid_argument);
}

TEST(NativeModel, DefaultArchitectureSize) {
  NativeModel model = NativeModel::create({}, {}, Vocab::build({"a b c d e f g h"}), 1);
  // The default encoder+decoder for a tiny vocabulary: ~1.2 M encoder + ~1.6 M LSTM.
  EXPECT_GT(model.parameter_count(), 2'000'000);
  EXPECT_LT(model.parameter_count(), 4'000'000);
  EXPECT_EQ(model.describe().substr(0, 27), "native cnn-lstm (resnet-8, ");
}

}  // namespace
}  // namespace gloss
