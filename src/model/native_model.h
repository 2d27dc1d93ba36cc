// The native CNN-LSTM captioner: architecture, preprocessing, vocabulary and
// weights, loaded from / saved to one native model file (native_format.h).
// No torch here; the network lives behind NativeModel::Impl (torch_net.hpp).
//
// Network (the seed tutorial's, with a small CNN instead of ResNet-152):
//   encoder: conv3x3/2-bn-relu stem (3 -> channels[0]), then one residual
//            basic block with stride 2 per further channels entry, global
//            average pool, Linear(channels.back() -> embed), BatchNorm1d(embed)
//   decoder: Embedding(vocab, embed), LSTM(embed -> hidden), Linear(hidden -> vocab)
//   The image feature is the first LSTM input, then <start>, w1, ... wn; the
//   output after <start> predicts w1, the output after wn predicts <end>.
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/image.h"
#include "model/captioner.h"
#include "model/ood_stats.h"
#include "model/vocab.h"

namespace gloss {

struct NativeArch {
  std::vector<int> channels{32, 64, 128, 256};
  int embed = 256;
  int hidden = 512;
  // The encoder's last feature map is average-pooled to pool x pool cells and
  // flattened before the projection to `embed`. 1 is the seed's global pool;
  // a grid keeps where objects are, which captions that list them left to
  // right need.
  int pool = 1;
};

struct Preprocess {
  int image_size = 64;
  std::array<float, 3> mean{0.5f, 0.5f, 0.5f};
  std::array<float, 3> std{0.25f, 0.25f, 0.25f};
};

// The out-of-distribution score's feature vector (ood_stats.h, feature
// "stage-stats"): per channel, the mean, standard deviation and active
// fraction of the encoder's stem and of every residual block but the last
// (the early, generic stages: the last one and the projection are trained to
// name shapes and see photos as shapes too). ood_feature_stages: how many of
// the `stages` (stem + blocks) maps are used; ood_feature_dim: the length.
std::size_t ood_feature_stages(std::size_t stages);
int ood_feature_dim(const NativeArch& arch);

// at::set_num_threads(threads) for the calling thread (torch's intra-op
// threads; the Captioner does this itself from CaptionerOptions::threads).
// threads <= 0 leaves the setting alone.
void set_torch_threads(int threads);

class NativeModel {
 public:
  // Randomly initialised (torch::manual_seed(seed) first). Throws
  // std::invalid_argument for impossible hyper-parameters.
  static NativeModel create(const NativeArch& arch, const Preprocess& pre, Vocab vocab,
                            std::uint64_t seed);
  // Throws UserError naming the file: missing, not a gloss model, newer
  // format, truncated, damaged, weights not matching the metadata.
  static NativeModel load(const std::filesystem::path& file);
  static NativeModel from_bytes(const std::string& bytes, const std::string& what);

  // The whole model file; save() writes it atomically (path.tmp + rename).
  std::string to_bytes() const;
  void save(const std::filesystem::path& file) const;

  const NativeArch& arch() const;
  const Preprocess& preprocess() const;
  const Vocab& vocab() const;
  // Free-form training record stored in the file ("training" key).
  const nlohmann::json& training() const;
  void set_training(nlohmann::json record);
  // Statistics of the encoder features on training images (ood_stats.h),
  // stored under "ood"; nullopt for files written before gloss kept them,
  // whose captions then have an unknown (NaN) ood_score and are never
  // flagged. set_ood throws std::invalid_argument when the dimension is not
  // the encoder's (arch().embed).
  const std::optional<OodStats>& ood() const;
  void set_ood(std::optional<OodStats> stats);
  std::int64_t parameter_count() const;
  // "native cnn-lstm (resnet-8, 256/512, vocab 64, 64px)".
  std::string describe() const;

  // All three caption under c10::InferenceMode with the network in eval mode
  // and throw UserError for a null or empty image. With statistics (ood())
  // each caption also gets the image's Mahalanobis distance from the same
  // encoder pass, and unlike_training when it is above the threshold.
  // Greedy: the most likely next token until <end> or max_len tokens.
  std::vector<Caption> greedy(const std::vector<const Image*>& batch, int max_len) const;
  // Plain beam search (beam 1 gives exactly the greedy captions).
  std::vector<Caption> beam_search(const std::vector<const Image*>& batch, int beam,
                                   int max_len) const;
  // What the Captioner uses: greedy for beam <= 1, else beam search with the
  // greedy caption kept as a candidate, so it never scores below greedy.
  std::vector<Caption> caption(const std::vector<const Image*>& batch, int beam,
                               int max_len) const;

  // For src/model/*.cpp only (torch internals). Copies share the weights.
  struct Impl;
  Impl& impl() const { return *impl_; }

 private:
  static NativeModel build(const NativeArch& arch, const Preprocess& pre, Vocab vocab);
  std::shared_ptr<Impl> impl_;
};

}  // namespace gloss
