// gloss calibrate MODEL [DATA...] --out OUT: give a native model the
// statistics that let it say when an image is unlike its training images,
// without retraining (model/calibrate.h).
#include <cstdio>
#include <set>
#include <thread>

#include "app/commands.h"
#include "app/progress.h"
#include "core/error.h"
#include "model/calibrate.h"

namespace gloss {
namespace fs = std::filesystem;

namespace {

struct CalibrateArgs {
  std::string model, out;
  std::vector<std::string> data;
  std::size_t fit = 6000, held_out = 2000;
  double val = 0.2;
  std::uint64_t seed = 3;
  int threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
};

int run_calibrate(const AppContext& ctx, const CalibrateArgs& a) {
  CalibrateOptions o;
  o.model = a.model;
  o.out = a.out;
  o.threads = a.threads;
  if (a.data.empty()) {
    use_synthetic_scenes(o, a.fit, a.held_out, a.seed);
  } else {
    std::set<fs::path> files;  // an image with several captions counts once
    for (const auto& d : a.data)
      for (const auto& item : load_caption_data(ctx, d).items) files.insert(item.image);
    use_image_files(o, {files.begin(), files.end()}, a.val, a.seed);
  }
  std::printf("calibrating %s on %s\n", a.model.c_str(), o.source.c_str());
  ProgressBar bar("encoding", static_cast<long long>(o.fit_count + o.held_out_count));
  o.progress = [&](std::size_t done, std::size_t) { bar.update(static_cast<long long>(done)); };
  const CalibrateReport r = calibrate_model(o);
  bar.finish();
  if (r.skipped) std::fprintf(stderr, "gloss: %zu images could not be read and were left out\n", r.skipped);
  const OodStats& s = r.stats;
  std::printf("%d-d feature of the early encoder stages: mean and covariance (shrinkage %.3f) of %zu images; threshold %.2f, the "
              "%.1fth percentile of %zu held-out images' distances (%zu above it)\n",
              s.dim, s.shrinkage, s.fit_images, s.threshold, s.percentile, s.held_out, r.held_out_flagged);
  std::printf("model %s written to %s in %.0f s (weights unchanged: the same captions, a new id)\n",
              r.model_id.c_str(), a.out.c_str(), r.seconds);
  return 0;
}

}  // namespace

void register_calibrate_command(CLI::App& app, AppContext& ctx) {
  auto a = std::make_shared<CalibrateArgs>();
  auto* cmd = app.add_subcommand(
      "calibrate",
      "Give a native model the statistics that flag images unlike its training images, without retraining "
      "(docs/models.md#out-of-distribution-flag)");
  cmd->add_option("MODEL", a->model, "Native .gloss model")->required()->check(CLI::ExistingFile);
  cmd->add_option("DATA", a->data,
                  "Images like the model's training images: captions JSONL files or dataset names (default: fresh "
                  "synthetic scenes, as the bundled model was trained on)");
  cmd->add_option("--out", a->out, "Model file to write (may be MODEL itself)")->required();
  cmd->add_option("--fit", a->fit, "Synthetic scenes to fit the mean and covariance on")->capture_default_str()
      ->check(CLI::Range(2, 1000000));
  cmd->add_option("--held-out", a->held_out, "Other synthetic scenes, for the threshold")->capture_default_str()
      ->check(CLI::Range(static_cast<int>(kMinOodHeldOut), 1000000));
  cmd->add_option("--val", a->val, "With DATA: fraction of its images held out for the threshold")
      ->capture_default_str()->check(CLI::Range(0.01, 0.9));
  cmd->add_option("--seed", a->seed, "Synthetic scenes: fit on this seed, threshold from seed + 1 (the bundled model "
                                     "was trained on seed 1 and tested on seed 2); DATA: the split")
      ->capture_default_str();
  cmd->add_option("--threads", a->threads, "Torch threads");
  cmd->callback([&ctx, a] { ctx.action = [&ctx, a] { return run_calibrate(ctx, *a); }; });
}

}  // namespace gloss
