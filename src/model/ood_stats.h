// A native model's record of what its training images look like to it: the
// mean and inverse covariance of a feature vector of its encoder (the
// per-channel statistics of its early stages, ood_feature_dim in
// native_model.h) over training images, and the Mahalanobis distance above
// which an image counts as unlike them. Stored under "ood" in
// the model file's JSON metadata (models/README.md); no torch here.
//
// The covariance is shrunk towards a scaled identity (Ledoit-Wolf) so that it
// is invertible and stable with fewer images than a full estimate needs; the
// threshold is a percentile (99.5 by default) of the distances of held-out
// images drawn like the training images, never of the images fitted on.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace gloss {

struct OodStats {
  // Which vector the statistics describe: "stage-stats" is the per-channel
  // mean, standard deviation and active fraction of the encoder's stem and
  // residual blocks but the last (native_model.h, ood_feature_dim).
  std::string feature = "stage-stats";
  int dim = 0;
  std::vector<float> mean;     // dim
  std::vector<float> inv_cov;  // dim x dim, row-major, symmetric
  double shrinkage = 0;        // weight of the scaled identity in the covariance, 0-1
  double threshold = 0;        // distances above this are flagged
  double percentile = 99.5;    // of the held-out distances, giving the threshold
  std::size_t fit_images = 0;  // images the mean and covariance were fitted on
  std::size_t held_out = 0;    // images the threshold was taken from
  std::string source;          // what those images were ("training images", "synthetic scenes ...")
};

// Held-out images needed for a threshold worth having: with fewer, a 99.5th
// percentile is just the largest distance of a handful of images.
inline constexpr std::size_t kMinOodHeldOut = 100;

// The "ood" object of the model file. The inverse covariance is stored as
// base64 of little-endian float32 (672 x 672 floats are 2.4 MB that way, 3x
// that as JSON numbers, and parse in a fraction of the time).
nlohmann::json ood_to_json(const OodStats& stats);
// Throws UserError starting with `file` naming the problem: a missing or
// mistyped field, a dimension that is not `expected_dim` (the model's
// ood_feature_dim), a matrix of the wrong size, a non-finite number. nullopt for
// statistics of a feature this gloss does not know (a newer gloss wrote
// them): the model loads, its scores are unknown.
std::optional<OodStats> ood_from_json(const nlohmann::json& j, const std::string& file, int expected_dim);

// sqrt((x - mean)' inv_cov (x - mean)) for one feature vector of stats.dim
// floats (the torch side computes it batched; this is the reference).
double mahalanobis(const OodStats& stats, const float* x);

// The p-th percentile (0-100) of values, interpolating linearly between
// order statistics (numpy's default). NaN for no values.
double percentile(std::vector<double> values, double p);

}  // namespace gloss
