// NativeModel: creation, (de)serialisation via the native container, captioning.
#include "model/native_model.h"

#include <torch/nn.h>
#include <torch/utils.h>

#include <stdexcept>

#include "core/error.h"
#include "core/image.h"
#include "model/native_format.h"
#include "model/torch_net.hpp"

namespace gloss {
namespace {

using nlohmann::json;

void check_arch(const NativeArch& arch, const Preprocess& pre, std::size_t vocab_size) {
  auto bad = [](const std::string& what) { throw std::invalid_argument("native captioner: " + what); };
  if (arch.channels.empty() || arch.channels.size() > 8) bad("channels needs 1-8 entries");
  for (int c : arch.channels)
    if (c < 1 || c > 4096) bad("channel counts must be 1-4096");
  if (arch.embed < 1 || arch.embed > 8192) bad("embed must be 1-8192");
  if (arch.hidden < 1 || arch.hidden > 8192) bad("hidden must be 1-8192");
  if (arch.pool < 1 || arch.pool > 16) bad("pool must be 1-16");
  if (pre.image_size < 8 || pre.image_size > 1024) bad("image_size must be 8-1024");
  for (float s : pre.std)
    if (!(s > 0)) bad("std must be positive");
  if (vocab_size < 4 || vocab_size > 1'000'000) bad("vocabulary size must be 4-1000000");
}

json to_json(const NativeModel::Impl& m) {
  json meta{{"kind", "gloss-captioner"},
              {"arch",
               {{"type", "cnn-lstm"},
                {"channels", m.arch.channels},
                {"embed", m.arch.embed},
                {"hidden", m.arch.hidden},
                {"pool", m.arch.pool}}},
              {"preprocess",
               {{"image_size", m.pre.image_size},
                {"resize", "bilinear"},
                {"mean", m.pre.mean},
                {"std", m.pre.std}}},
              {"vocab", m.vocab.words()},
              {"training", m.training}};
  if (m.ood) meta["ood"] = ood_to_json(*m.ood);
  return meta;
}

}  // namespace

std::size_t ood_feature_stages(std::size_t stages) { return stages <= 1 ? stages : stages - 1; }

int ood_feature_dim(const NativeArch& arch) {
  int dim = 0;
  for (std::size_t i = 0; i < ood_feature_stages(arch.channels.size()); ++i) dim += 3 * arch.channels[i];
  return dim;
}

NativeModel NativeModel::create(const NativeArch& arch, const Preprocess& pre, Vocab vocab,
                                std::uint64_t seed) {
  check_arch(arch, pre, vocab.size());
  torch::manual_seed(seed);
  return build(arch, pre, std::move(vocab));
}

// The network initialised from torch's global generator as it stands.
NativeModel NativeModel::build(const NativeArch& arch, const Preprocess& pre, Vocab vocab) {
  NativeModel model;
  model.impl_ = std::make_shared<Impl>();
  model.impl_->arch = arch;
  model.impl_->pre = pre;
  model.impl_->vocab = std::move(vocab);
  model.impl_->net = CaptionNet(arch, static_cast<std::int64_t>(model.impl_->vocab.size()));
  model.impl_->net->eval();
  return model;
}

NativeModel NativeModel::from_bytes(const std::string& bytes, const std::string& what) {
  NativeModelFile file = decode_native_model(bytes, what);
  NativeArch arch;
  Preprocess pre;
  std::vector<std::string> words;
  json training;
  std::optional<OodStats> ood;
  try {
    const json& a = file.meta.at("arch");
    if (a.at("type").get<std::string>() != "cnn-lstm")
      throw UserError(what + ": unknown native architecture \"" + a.at("type").get<std::string>() +
                      "\" (written by a newer gloss?)");
    arch.channels = a.at("channels").get<std::vector<int>>();
    arch.embed = a.at("embed").get<int>();
    arch.hidden = a.at("hidden").get<int>();
    arch.pool = a.value("pool", 1);
    const json& p = file.meta.at("preprocess");
    pre.image_size = p.at("image_size").get<int>();
    pre.mean = p.at("mean").get<std::array<float, 3>>();
    pre.std = p.at("std").get<std::array<float, 3>>();
    words = file.meta.at("vocab").get<std::vector<std::string>>();
    training = file.meta.value("training", json::object());
    if (file.meta.contains("ood") && !file.meta.at("ood").is_null()) ood = ood_from_json(file.meta.at("ood"), what, ood_feature_dim(arch));
  } catch (const json::exception& e) {
    throw UserError(what + ": damaged gloss model (metadata: " + e.what() + ")");
  }
  Vocab vocab = Vocab::from_words(std::move(words), what);
  try {
    check_arch(arch, pre, vocab.size());
  } catch (const std::invalid_argument& e) {
    throw UserError(what + ": damaged gloss model (" + e.what() + ")");
  }
  // No reseeding: loading must not disturb torch's global generator.
  NativeModel model = build(arch, pre, std::move(vocab));
  model.impl_->training = std::move(training);
  model.set_ood(std::move(ood));
  restore_weights(model.impl_->net, file.weights, what);
  model.impl_->net->eval();
  return model;
}

NativeModel NativeModel::load(const std::filesystem::path& file) {
  return from_bytes(read_file_bytes(file, 4LL << 30), file.string());
}

std::string NativeModel::to_bytes() const {
  NativeModelFile file;
  file.meta = to_json(*impl_);
  file.weights = save_weights(impl_->net);
  return encode_native_model(file);
}

void NativeModel::save(const std::filesystem::path& file) const { write_file_atomic(file, to_bytes()); }

const NativeArch& NativeModel::arch() const { return impl_->arch; }
const Preprocess& NativeModel::preprocess() const { return impl_->pre; }
const Vocab& NativeModel::vocab() const { return impl_->vocab; }
const nlohmann::json& NativeModel::training() const { return impl_->training; }
void NativeModel::set_training(nlohmann::json record) { impl_->training = std::move(record); }
const std::optional<OodStats>& NativeModel::ood() const { return impl_->ood; }

void NativeModel::set_ood(std::optional<OodStats> stats) {
  if (stats && stats->dim != ood_feature_dim(impl_->arch))
    throw std::invalid_argument("out-of-distribution statistics of dimension " + std::to_string(stats->dim) +
                                " for a feature of " + std::to_string(ood_feature_dim(impl_->arch)));
  impl_->ood = std::move(stats);
  impl_->ood_mean = impl_->ood_inv_cov = torch::Tensor();
  if (!impl_->ood) return;
  const auto d = static_cast<std::int64_t>(impl_->ood->dim);
  impl_->ood_mean = torch::tensor(impl_->ood->mean, torch::kFloat);
  impl_->ood_inv_cov = torch::tensor(impl_->ood->inv_cov, torch::kFloat).view({d, d});
}

std::int64_t NativeModel::parameter_count() const {
  std::int64_t count = 0;
  for (const auto& p : impl_->net->parameters()) count += p.numel();
  return count;
}

std::string NativeModel::describe() const {
  const auto& a = impl_->arch;
  return "native cnn-lstm (resnet-" + std::to_string(2 * a.channels.size()) + ", " +
         std::to_string(a.embed) + "/" + std::to_string(a.hidden) + ", vocab " +
         std::to_string(impl_->vocab.size()) + ", " + std::to_string(impl_->pre.image_size) +
         "px)";
}

std::vector<Caption> NativeModel::greedy(const std::vector<const Image*>& batch,
                                         int max_len) const {
  return caption(batch, 1, max_len);
}

namespace {

// The batch's image features in eval mode, and with statistics (m.ood)
// their out-of-distribution features; the caller holds InferenceMode.
torch::Tensor encode_batch(NativeModel::Impl& m, const std::vector<const Image*>& batch, torch::Tensor& ood) {
  if (m.net->is_training()) m.net->eval();
  return m.net->encoder(images_to_tensor(batch, m.pre.image_size, m.pre.mean, m.pre.std), m.ood ? &ood : nullptr);
}

}  // namespace

std::vector<Caption> NativeModel::beam_search(const std::vector<const Image*>& batch, int beam,
                                              int max_len) const {
  if (batch.empty()) return {};
  c10::InferenceMode guard;
  torch::Tensor ood;
  const auto features = encode_batch(*impl_, batch, ood);
  auto captions = to_captions(impl_->vocab, beam_decode(impl_->net, features, beam, max_len));
  score_captions(*impl_, ood, captions);
  return captions;
}

std::vector<Caption> NativeModel::caption(const std::vector<const Image*>& batch, int beam,
                                          int max_len) const {
  if (batch.empty()) return {};
  c10::InferenceMode guard;
  auto& net = impl_->net;
  torch::Tensor ood;
  const auto features = encode_batch(*impl_, batch, ood);
  Decoded greedy = greedy_decode(net, features, max_len);
  if (beam > 1) {
    Decoded beamed = beam_decode(net, features, beam, max_len);
    for (std::size_t i = 0; i < greedy.tokens.size(); ++i)
      if (beamed.log_prob[i] >= greedy.log_prob[i]) {
        greedy.tokens[i] = std::move(beamed.tokens[i]);
        greedy.log_prob[i] = beamed.log_prob[i];
        greedy.scored[i] = beamed.scored[i];
      }
  }
  auto captions = to_captions(impl_->vocab, greedy);
  score_captions(*impl_, ood, captions);
  return captions;
}

}  // namespace gloss
