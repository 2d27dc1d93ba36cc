// Training: a tiny model overfits synthetic images exactly; determinism;
// stop flag; fine-tuning with new words; unreadable images.
#include "model/trainer.h"

#include <gtest/gtest.h>

#include <atomic>

#include "model/captioner.h"
#include "model/native_format.h"
#include "model_test_util.h"

namespace gloss {
namespace {

using test::ScratchDir;

struct Scene {
  Image image;
  std::string caption;
};

std::vector<Scene> scenes() {
  return {{test::solid_image(32, 32, 220, 20, 20), "a red square"},
          {test::solid_image(32, 32, 20, 200, 20), "a green field"},
          {test::solid_image(32, 32, 20, 20, 220), "the blue sky"},
          {test::split_image(32, 32, {220, 20, 20}, {20, 20, 220}), "red on the left, blue on the right"},
          {test::split_image(32, 32, {20, 20, 220}, {220, 20, 20}), "blue on the left, red on the right"},
          {test::solid_image(32, 32, 240, 240, 240), "white"}};
}

// The caption as the model writes it: vocabulary tokens joined by spaces.
std::string normalised(const std::string& caption) {
  std::string text;
  for (const auto& word : Vocab::tokenize(caption)) text += (text.empty() ? "" : " ") + word;
  return text;
}

std::vector<TrainingPair> write_scenes(const ScratchDir& dir, const std::vector<Scene>& list,
                                       const std::string& prefix = "img") {
  std::vector<TrainingPair> pairs;
  for (std::size_t i = 0; i < list.size(); ++i) {
    const auto path = dir / (prefix + std::to_string(i) + ".png");
    write_png(path, list[i].image);
    pairs.push_back({path, list[i].caption});
  }
  return pairs;
}

TEST(Trainer, OverfitsTinyDataSetExactly) {
  ScratchDir dir("overfit");
  const auto list = scenes();
  const auto pairs = write_scenes(dir, list);
  TrainOptions o = test::tiny_train_options(dir / "tiny.gloss");
  o.epochs = 60;
  int calls = 0;
  o.progress = [&](const TrainProgress&) { ++calls; };
  TrainReport r = train_captioner(pairs, o);
  ASSERT_TRUE(r.saved);
  EXPECT_EQ(r.epochs_completed, 60);
  EXPECT_EQ(r.best_epoch, 60);  // no validation split: the last epoch
  EXPECT_EQ(r.images, list.size());
  EXPECT_EQ(r.val_images, 0u);
  EXPECT_GT(calls, 60);
  EXPECT_LT(r.epochs.back().train_loss, r.epochs.front().train_loss / 10)
      << "first " << r.epochs.front().train_loss << " last " << r.epochs.back().train_loss;
  EXPECT_FALSE(std::filesystem::exists(dir / "tiny.gloss.tmp"));

  auto captioner = load_captioner(o.out);
  EXPECT_EQ(captioner->id(), r.model_id);
  std::vector<const Image*> batch;
  for (const auto& s : list) batch.push_back(&s.image);
  const auto captions = captioner->caption(batch);
  for (std::size_t i = 0; i < list.size(); ++i) {
    EXPECT_EQ(captions[i].text, normalised(list[i].caption));
    EXPECT_GT(captions[i].confidence(), 0.5f) << captions[i].text;
  }
  // Training record.
  auto meta = read_native_model_file(o.out).meta;
  EXPECT_EQ(meta["training"]["pairs"], list.size());
  EXPECT_EQ(meta["training"]["epochs_completed"], 60);
  EXPECT_EQ(meta["training"]["seed"], 1);
  EXPECT_TRUE(meta["training"].contains("started_utc"));
  EXPECT_TRUE(meta["training"].contains("seconds"));
}

TEST(Trainer, SameSeedSameLosses) {
  ScratchDir dir("seed");
  const auto pairs = write_scenes(dir, scenes());
  TrainOptions o = test::tiny_train_options(dir / "a.gloss");
  o.epochs = 3;
  o.batch = 4;
  o.threads = 1;
  o.val_fraction = 0.34;
  TrainReport a = train_captioner(pairs, o);
  o.out = dir / "b.gloss";
  TrainReport b = train_captioner(pairs, o);
  ASSERT_EQ(a.epochs.size(), 3u);
  EXPECT_EQ(a.val_images, 2u);
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(a.epochs[i].train_loss, b.epochs[i].train_loss);
    EXPECT_EQ(a.epochs[i].val_loss, b.epochs[i].val_loss);
    EXPECT_GE(a.epochs[i].val_bleu4, 0.0);
  }
  o.seed = 2;
  o.out = dir / "c.gloss";
  TrainReport c = train_captioner(pairs, o);
  EXPECT_NE(a.epochs[0].train_loss, c.epochs[0].train_loss);
}

TEST(Trainer, StopFlagKeepsLastGoodCheckpoint) {
  ScratchDir dir("stop");
  const auto pairs = write_scenes(dir, scenes());
  TrainOptions o = test::tiny_train_options(dir / "s.gloss");
  o.epochs = 50;
  o.batch = 2;
  std::atomic<bool> stop{false};
  o.stop = &stop;
  o.progress = [&](const TrainProgress& p) {
    if (p.phase == TrainProgress::Phase::training && p.epoch == 3 && p.batch == 2) stop = true;
  };
  TrainReport r = train_captioner(pairs, o);
  EXPECT_TRUE(r.stopped);
  EXPECT_EQ(r.epochs_completed, 2);
  ASSERT_TRUE(r.saved);
  auto meta = read_native_model_file(o.out).meta;
  EXPECT_EQ(meta["training"]["stopped"], true);
  EXPECT_EQ(meta["training"]["best_epoch"], 2);
  EXPECT_NO_THROW(load_captioner(o.out));

  // Stopped before any epoch finished: nothing written.
  stop = true;
  o.out = dir / "never.gloss";
  TrainReport none = train_captioner(pairs, o);
  EXPECT_FALSE(none.saved);
  EXPECT_FALSE(std::filesystem::exists(o.out));
}

TEST(Trainer, FineTuneExtendsVocabulary) {
  ScratchDir dir("finetune");
  auto base_scenes = scenes();
  TrainOptions o = test::tiny_train_options(dir / "base.gloss");
  o.epochs = 30;
  train_captioner(write_scenes(dir, base_scenes), o);
  NativeModel base = NativeModel::load(o.out);

  std::vector<Scene> more = {{test::solid_image(32, 32, 160, 40, 200), "a purple square"},
                             {test::solid_image(32, 32, 250, 150, 0), "an orange square"},
                             {test::solid_image(32, 32, 220, 20, 20), "a red square"}};
  TrainOptions f = test::tiny_train_options(dir / "tuned.gloss");
  f.base = o.out;
  f.epochs = 40;
  f.image_size = 48;  // ignored: the base's preprocessing is kept
  TrainReport r = train_captioner(write_scenes(dir, more, "new"), f);
  EXPECT_EQ(r.new_words, 3u);  // purple, an, orange
  EXPECT_EQ(r.image_size, 32);
  NativeModel tuned = NativeModel::load(f.out);
  ASSERT_EQ(tuned.vocab().size(), base.vocab().size() + 3);
  for (std::size_t i = 0; i < base.vocab().size(); ++i)
    EXPECT_EQ(tuned.vocab().word(static_cast<std::int64_t>(i)), base.vocab().word(static_cast<std::int64_t>(i)));
  EXPECT_EQ(tuned.arch().hidden, base.arch().hidden);
  EXPECT_EQ(tuned.preprocess().mean, base.preprocess().mean);
  auto meta = read_native_model_file(f.out).meta;
  EXPECT_EQ(meta["training"]["base"]["new_words"], 3);
  EXPECT_EQ(meta["training"]["base"]["id"].get<std::string>().size(), 16u);
  std::vector<const Image*> batch;
  for (const auto& s : more) batch.push_back(&s.image);
  const auto captions = tuned.greedy(batch, 20);
  for (std::size_t i = 0; i < more.size(); ++i) EXPECT_EQ(captions[i].text, normalised(more[i].caption));
}

TEST(Trainer, SkipsUnreadableImagesAndRejectsBadInput) {
  ScratchDir dir("bad");
  auto pairs = write_scenes(dir, scenes());
  test::write_bytes(dir / "junk.png", "not a png");
  pairs.push_back({dir / "junk.png", "junk"});
  pairs.push_back({dir / "missing.png", "missing"});
  TrainOptions o = test::tiny_train_options(dir / "m.gloss");
  o.epochs = 1;
  TrainReport r = train_captioner(pairs, o);
  EXPECT_EQ(r.skipped_images.size(), 2u);
  EXPECT_EQ(r.pairs, 6u);
  EXPECT_TRUE(r.saved);

  test::expect_user_error([&] { train_captioner({}, o); }, {"no image"});
  test::expect_user_error([&] { train_captioner({{dir / "junk.png", "x"}}, o); }, {"junk.png"});
  TrainOptions bad = o;
  bad.out = dir / "no" / "such" / "dir" / "m.gloss";
  test::expect_user_error([&] { train_captioner(pairs, bad); }, {"does not exist"});
  bad = o;
  bad.base = dir / "junk.png";
  test::expect_user_error([&] { train_captioner(pairs, bad); }, {"junk.png", "not a gloss model"});
}

}  // namespace
}  // namespace gloss
