// INTERNAL, includes torch: only src/model/*.cpp may include this file (it is
// .hpp so that the rule "no torch in src/model/*.h" holds for every header
// app/ and ui/ can see). The native network modules, preprocessing and
// decoding shared by the captioners and the trainer.
#pragma once

#include <torch/nn.h>
#include <torch/types.h>

#include <array>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/image.h"
#include "model/captioner.h"
#include "model/native_model.h"
#include "model/ood_stats.h"
#include "model/vocab.h"

namespace gloss {

// conv3x3(stride)-bn-relu-conv3x3-bn + shortcut (1x1 conv-bn when the shape changes), relu.
struct ResBlockImpl : torch::nn::Module {
  ResBlockImpl(int in, int out, int stride);
  torch::Tensor forward(const torch::Tensor& x);
  torch::nn::Conv2d conv1{nullptr}, conv2{nullptr}, down{nullptr};
  torch::nn::BatchNorm2d bn1{nullptr}, bn2{nullptr}, down_bn{nullptr};
};
TORCH_MODULE(ResBlock);

struct EncoderImpl : torch::nn::Module {
  explicit EncoderImpl(const NativeArch& arch);
  // [B,3,S,S] -> [B,embed]. With `ood`, also fills it with the image
  // statistics the out-of-distribution score is computed on (ood_feature_dim).
  torch::Tensor forward(const torch::Tensor& images, torch::Tensor* ood = nullptr);
  torch::nn::Conv2d stem{nullptr};
  torch::nn::BatchNorm2d stem_bn{nullptr};
  torch::nn::ModuleList blocks;
  torch::nn::Linear fc{nullptr};
  torch::nn::BatchNorm1d bn{nullptr};
  int pool = 1;
};
TORCH_MODULE(Encoder);

struct DecoderImpl : torch::nn::Module {
  DecoderImpl(const NativeArch& arch, std::int64_t vocab_size);
  torch::nn::Embedding embed{nullptr};
  torch::nn::LSTM lstm{nullptr};
  torch::nn::Linear linear{nullptr};
};
TORCH_MODULE(Decoder);

struct CaptionNetImpl : torch::nn::Module {
  CaptionNetImpl(const NativeArch& arch, std::int64_t vocab_size);
  // Teacher forcing: tokens [B,L] = <start> w.. <end> <pad>..; returns logits
  // [B,L,V] where position i predicts tokens[i] (position 0 is not scored).
  torch::Tensor forward(const torch::Tensor& images, const torch::Tensor& tokens);
  Encoder encoder{nullptr};
  Decoder decoder{nullptr};
};
TORCH_MODULE(CaptionNet);

struct NativeModel::Impl {
  NativeArch arch;
  Preprocess pre;
  Vocab vocab;
  nlohmann::json training = nlohmann::json::object();
  CaptionNet net{nullptr};
  std::optional<OodStats> ood;
  torch::Tensor ood_mean, ood_inv_cov;  // ood's, as float tensors [D] and [D,D]
};

// ---- out-of-distribution statistics (ood_fit.cpp)

// The out-of-distribution features (ood_feature_dim) of uint8 images
// [N,3,S,S], normalised as the model does, in batches of 256, eval mode, no
// gradients: float [N, D].
torch::Tensor encode_u8_features(NativeModel::Impl& model, const torch::Tensor& u8);
// Mahalanobis distances [B] of features [B,D] from the statistics' mean.
torch::Tensor ood_distances(const torch::Tensor& mean, const torch::Tensor& inv_cov, const torch::Tensor& features);
// Mean and Ledoit-Wolf shrunk inverse covariance of `fit` [N,D] (N >= 2),
// threshold at `percentile` of the distances of `held_out` [M,D] (M >= 1).
OodStats fit_ood_stats(const torch::Tensor& fit, const torch::Tensor& held_out, double percentile,
                       std::string source);
// Scores captions from the features their images were encoded to.
void score_captions(const NativeModel::Impl& model, const torch::Tensor& features, std::vector<Caption>& captions);

// Serialises / restores the weights (a torch::serialize archive in memory).
// restore throws UserError naming `what` if a tensor is missing or has
// another shape than the architecture needs.
std::string save_weights(CaptionNet& net);
void restore_weights(CaptionNet& net, const std::string& blob, const std::string& what);

// Copies tensors whose names and shapes match from `from` into `to`; for the
// embedding / output rows of a vocabulary that grew, copies the first rows.
void copy_matching_weights(CaptionNet& from, CaptionNet& to);

// Images -> float [B,3,size,size]: bilinear resize (core resize_bilinear,
// skipped when already size x size), /255, (x - mean) / std per channel.
torch::Tensor images_to_tensor(const std::vector<const Image*>& batch, int size,
                               const std::array<float, 3>& mean, const std::array<float, 3>& std);
// uint8 [3,size,size] of one image (resized as above), for the trainer's cache.
torch::Tensor image_to_u8(const Image& image, int size);
// uint8 [B,3,S,S] -> normalised float, exactly as images_to_tensor.
torch::Tensor normalise_u8(const torch::Tensor& u8, const std::array<float, 3>& mean,
                           const std::array<float, 3>& std);

struct Decoded {
  std::vector<std::vector<std::int64_t>> tokens;  // without <start>, without <end>
  std::vector<float> log_prob;                    // incl. <end> when it was produced
  std::vector<int> scored;                        // tokens scored (incl. <end>)
};

// From encoder features [B,embed]; both need eval mode and a grad-free
// context (InferenceMode / NoGradGuard). Beam search keeps `beam` hypotheses
// per image ranked by summed log-probability; an <end> counts when it ranks
// among the best `beam` candidates; an image stops when its best finished
// caption scores at least its best unfinished one (scores only fall), or at
// max_len. beam 1 follows exactly the greedy path.
Decoded greedy_decode(CaptionNet& net, const torch::Tensor& features, int max_len);
Decoded beam_decode(CaptionNet& net, const torch::Tensor& features, int beam, int max_len);

std::vector<Caption> to_captions(const Vocab& vocab, const Decoded& decoded);

// at::set_num_threads(threads) for the calling thread when it differs.
void apply_threads(int threads);

// TorchScript adapter (torchscript_captioner.cpp); `bytes` is the whole
// file, `id` its content hash. Throws UserError naming `file`.
std::unique_ptr<Captioner> load_torchscript_captioner(const std::filesystem::path& file,
                                                      const std::string& bytes, std::string id,
                                                      const CaptionerOptions& options);

}  // namespace gloss
