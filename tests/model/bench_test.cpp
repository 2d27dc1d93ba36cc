// Throughput benchmark, disabled by default (not part of the suite's time).
// On a busy 2-core machine set OMP_WAIT_POLICY=PASSIVE: libgomp's default
// spin-waiting makes 2 torch threads up to 10x slower under contention.
//   ./gloss_model_tests --gtest_also_run_disabled_tests --gtest_filter='ModelBench.*'
// Environment: GLOSS_BENCH_COUNT (synthetic scenes, default 1000),
// GLOSS_BENCH_SIZE (px, 64), GLOSS_BENCH_EPOCHS (1), GLOSS_BENCH_BATCH (32),
// GLOSS_BENCH_HIDDEN (512), GLOSS_BENCH_EMBED (256), GLOSS_BENCH_LR (1e-3),
// GLOSS_BENCH_LRF (final lr fraction, 0.1),
// GLOSS_BENCH_THREADS (2), GLOSS_BENCH_CHANNELS ("32,64,128,256"),
// GLOSS_BENCH_KEEP (a path: keep the trained model there).
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <iostream>
#include <sstream>

#include "core/synth.h"
#include "model/captioner.h"
#include "model/trainer.h"
#include "model_test_util.h"

namespace gloss {
namespace {

double env_num(const char* name, double fallback) {
  const char* v = std::getenv(name);
  return v && *v ? std::atof(v) : fallback;
}

std::vector<int> env_channels() {
  const char* v = std::getenv("GLOSS_BENCH_CHANNELS");
  std::vector<int> out;
  std::stringstream in(v && *v ? v : "32,64,128,256");
  for (std::string part; std::getline(in, part, ',');) out.push_back(std::stoi(part));
  return out;
}

TEST(ModelBench, DISABLED_TrainAndInferThroughput) {
  const int count = static_cast<int>(env_num("GLOSS_BENCH_COUNT", 1000));
  const int size = static_cast<int>(env_num("GLOSS_BENCH_SIZE", 64));
  test::ScratchDir dir("bench");
  std::vector<TrainingPair> pairs;
  std::vector<Image> probe;
  for (int i = 0; i < count; ++i) {
    SynthSample s = synth_sample(42, static_cast<std::uint64_t>(i));
    Image img = render_scene(s.scene, size, s.noise_seed);
    const auto path = dir / ("s" + std::to_string(i) + ".png");
    write_png(path, img);
    pairs.push_back({path, s.caption});
    if (probe.size() < 64) probe.push_back(std::move(img));
  }
  TrainOptions o;
  o.out = dir / "bench.gloss";
  o.image_size = size;
  o.epochs = static_cast<int>(env_num("GLOSS_BENCH_EPOCHS", 1));
  o.batch = static_cast<int>(env_num("GLOSS_BENCH_BATCH", 32));
  o.hidden = static_cast<int>(env_num("GLOSS_BENCH_HIDDEN", 512));
  o.embed = static_cast<int>(env_num("GLOSS_BENCH_EMBED", 256));
  o.lr = env_num("GLOSS_BENCH_LR", 1e-3);
  o.lr_final_fraction = env_num("GLOSS_BENCH_LRF", 0.1);
  o.threads = static_cast<int>(env_num("GLOSS_BENCH_THREADS", 2));
  o.channels = env_channels();
  o.val_fraction = 0.1;
  const auto t0 = std::chrono::steady_clock::now();
  o.progress = [&](const TrainProgress& p) {
    if (p.phase == TrainProgress::Phase::validated)
      std::cout << "epoch " << p.epoch << " val_loss " << p.val_loss << " val_bleu4 " << p.val_bleu4
                << " t " << std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count()
                << "s" << std::endl;
  };
  TrainReport r = train_captioner(pairs, o);
  std::cout << "params " << r.parameters << " vocab " << r.vocab_size << "\n";
  for (const auto& e : r.epochs)
    std::cout << "epoch " << e.epoch << " train_loss " << e.train_loss << " val_bleu4 " << e.val_bleu4
              << " train img/s " << e.images_per_s << " epoch s " << e.seconds << "\n";
  ASSERT_TRUE(r.saved);
  for (int beam : {1, 3}) {
    auto captioner = load_captioner(o.out, {.beam = beam, .max_len = 20, .threads = o.threads});
    for (std::size_t batch : {std::size_t{1}, std::size_t{8}}) {
      std::size_t done = 0;
      const auto t1 = std::chrono::steady_clock::now();
      for (std::size_t i = 0; i + batch <= probe.size(); i += batch) {
        std::vector<const Image*> b;
        for (std::size_t j = i; j < i + batch; ++j) b.push_back(&probe[j]);
        captioner->caption(b);
        done += batch;
      }
      const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t1).count();
      std::cout << "inference beam " << beam << " batch " << batch << ": " << done / s << " img/s\n";
    }
  }
  auto captioner = load_captioner(o.out);
  for (std::size_t i = 0; i < 3; ++i)
    std::cout << "  " << pairs[i].caption << "  ->  " << captioner->caption({&probe[i]})[0].text << "\n";
  if (const char* keep = std::getenv("GLOSS_BENCH_KEEP"); keep && *keep)
    std::filesystem::copy_file(o.out, keep, std::filesystem::copy_options::overwrite_existing);
}

}  // namespace
}  // namespace gloss
