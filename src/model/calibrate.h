// Retrofitting a native model with out-of-distribution statistics
// (ood_stats.h) without retraining: its encoder features on images like its
// training images give the mean and covariance, a disjoint held-out set the
// threshold. The weights and the rest of the metadata are copied unchanged;
// only "ood" is added (or replaced), so the model's captions stay the same
// and its id changes. No torch here: the work is done in libgloss-torch.so.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/image.h"
#include "model/ood_stats.h"

namespace gloss {

struct CalibrateOptions {
  std::filesystem::path model;  // a native model
  std::filesystem::path out;    // written atomically; may be `model`
  std::size_t fit_count = 0;       // images to fit the mean and covariance on (>= 2)
  std::size_t held_out_count = 0;  // other images, for the threshold (>= kMinOodHeldOut)
  // Image i of the fit set (held_out false) or of the held-out set, any size
  // (the model resizes); nullopt: unreadable, skipped. Called in order from
  // the calling thread.
  std::function<std::optional<Image>(bool held_out, std::size_t i)> image;
  std::string source;  // what the images are, stored with the statistics
  double percentile = 99.5;
  int threads = 1;
  std::function<void(std::size_t done, std::size_t total)> progress;
};

struct CalibrateReport {
  OodStats stats;
  std::size_t skipped = 0;           // images `image` could not give
  std::size_t held_out_flagged = 0;  // held-out images above the threshold
  std::string model_id;              // of `out`, as Captioner::id()
  double seconds = 0;
};

// Throws UserError naming the file: not a native model, too few images.
CalibrateReport calibrate_model(const CalibrateOptions& options);

// Fresh synthetic scenes drawn as `gloss synth` draws them by default (the
// bundled model's training set), at the model's own input size: the fit
// set from `seed`, the held-out set from seed + 1, so neither repeats the
// training scenes (seed 1) nor the held-out test set (seed 2) when seed >= 3.
void use_synthetic_scenes(CalibrateOptions& options, std::size_t fit, std::size_t held_out, std::uint64_t seed);
// Image files (e.g. the model's training set): each goes to the held-out set
// with probability `held_out_fraction`, decided by a hash of its path and
// `seed`, the rest to the fit set.
void use_image_files(CalibrateOptions& options, const std::vector<std::filesystem::path>& files,
                     double held_out_fraction, std::uint64_t seed);

}  // namespace gloss
