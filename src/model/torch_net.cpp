// Native network modules, weight (de)serialisation and preprocessing.
#include "model/torch_net.hpp"

#include <torch/serialize.h>

#include <sstream>
#include <stdexcept>

#include "core/error.h"

namespace gloss {
namespace nn = torch::nn;

namespace {
nn::Conv2d conv(int in, int out, int k, int stride) {
  return nn::Conv2d(nn::Conv2dOptions(in, out, k).stride(stride).padding(k / 2).bias(false));
}
}  // namespace

ResBlockImpl::ResBlockImpl(int in, int out, int stride) {
  conv1 = register_module("conv1", conv(in, out, 3, stride));
  bn1 = register_module("bn1", nn::BatchNorm2d(out));
  conv2 = register_module("conv2", conv(out, out, 3, 1));
  bn2 = register_module("bn2", nn::BatchNorm2d(out));
  if (in != out || stride != 1) {
    down = register_module("down", conv(in, out, 1, stride));
    down_bn = register_module("down_bn", nn::BatchNorm2d(out));
  }
}

torch::Tensor ResBlockImpl::forward(const torch::Tensor& x) {
  auto y = torch::relu(bn1(conv1(x)));
  y = bn2(conv2(y));
  return torch::relu(y + (down ? down_bn(down(x)) : x));
}

EncoderImpl::EncoderImpl(const NativeArch& arch) {
  if (arch.channels.empty() || arch.embed < 1 || arch.hidden < 1)
    throw std::invalid_argument("native captioner: empty channels or non-positive sizes");
  stem = register_module("stem", conv(3, arch.channels[0], 3, 2));
  stem_bn = register_module("stem_bn", nn::BatchNorm2d(arch.channels[0]));
  blocks = register_module("blocks", nn::ModuleList());
  for (std::size_t i = 1; i < arch.channels.size(); ++i)
    blocks->push_back(ResBlock(arch.channels[i - 1], arch.channels[i], 2));
  pool = arch.pool;
  fc = register_module("fc", nn::Linear(arch.channels.back() * arch.pool * arch.pool, arch.embed));
  bn = register_module("bn", nn::BatchNorm1d(arch.embed));
}

namespace {
// Per channel: the mean, the standard deviation over the positions and the
// fraction of positions where the unit is active (> 0, after the ReLU).
void add_stage_stats(const torch::Tensor& x, std::vector<torch::Tensor>& out) {
  const auto flat = x.flatten(2);
  out.push_back(flat.mean(2));
  out.push_back(flat.std(2, /*unbiased=*/false));
  out.push_back((flat > 0).to(flat.scalar_type()).mean(2));
}
}  // namespace

torch::Tensor EncoderImpl::forward(const torch::Tensor& images, torch::Tensor* ood) {
  auto x = torch::relu(stem_bn(stem(images)));
  std::vector<torch::Tensor> stats;
  const std::size_t stages = ood_feature_stages(blocks->size() + 1);
  if (ood && stages >= 1) add_stage_stats(x, stats);
  std::size_t stage = 1;
  for (auto& block : *blocks) {
    x = block->as<ResBlock>()->forward(x);
    if (ood && stage++ < stages) add_stage_stats(x, stats);
  }
  if (ood) *ood = torch::cat(stats, 1);
  x = pool == 1 ? x.mean({2, 3}) : torch::adaptive_avg_pool2d(x, {pool, pool}).flatten(1);
  return bn(fc(x));
}

DecoderImpl::DecoderImpl(const NativeArch& arch, std::int64_t vocab_size) {
  embed = register_module("embed", nn::Embedding(vocab_size, arch.embed));
  lstm = register_module(
      "lstm", nn::LSTM(nn::LSTMOptions(arch.embed, arch.hidden).num_layers(1).batch_first(true)));
  linear = register_module("linear", nn::Linear(arch.hidden, vocab_size));
}

CaptionNetImpl::CaptionNetImpl(const NativeArch& arch, std::int64_t vocab_size) {
  encoder = register_module("encoder", Encoder(arch));
  decoder = register_module("decoder", Decoder(arch, vocab_size));
}

torch::Tensor CaptionNetImpl::forward(const torch::Tensor& images, const torch::Tensor& tokens) {
  auto features = encoder(images).unsqueeze(1);
  auto words = decoder->embed(tokens.slice(1, 0, tokens.size(1) - 1));
  auto inputs = torch::cat({features, words}, 1);
  auto hidden = std::get<0>(decoder->lstm(inputs));
  return decoder->linear(hidden);
}

std::string save_weights(CaptionNet& net) {
  torch::serialize::OutputArchive archive;
  net->save(archive);
  std::ostringstream out;
  archive.save_to(out);
  return out.str();
}

void restore_weights(CaptionNet& net, const std::string& blob, const std::string& what) {
  std::vector<std::pair<std::string, std::vector<std::int64_t>>> shapes;
  for (const auto& item : net->named_parameters()) shapes.emplace_back(item.key(), item.value().sizes().vec());
  for (const auto& item : net->named_buffers()) shapes.emplace_back(item.key(), item.value().sizes().vec());
  try {
    torch::serialize::InputArchive archive;
    std::istringstream in(blob);
    archive.load_from(in);
    torch::NoGradGuard no_grad;
    net->load(archive);
  } catch (const c10::Error& e) {
    throw UserError(what + ": damaged gloss model (weights cannot be read: " +
                    e.what_without_backtrace() + ")");
  }
  auto params = net->named_parameters();
  auto buffers = net->named_buffers();
  for (const auto& [name, shape] : shapes) {
    const auto* t = params.find(name);
    if (!t) t = buffers.find(name);
    if (!t || t->sizes().vec() != shape)
      throw UserError(what + ": damaged gloss model (weight \"" + name +
                      "\" does not have the shape its metadata implies)");
  }
}

void copy_matching_weights(CaptionNet& from, CaptionNet& to) {
  torch::NoGradGuard no_grad;
  auto src = from->named_parameters();
  auto src_buffers = from->named_buffers();
  auto copy = [](const torch::Tensor& s, torch::Tensor d) {
    if (s.sizes() == d.sizes()) {
      d.copy_(s);
    } else if (s.dim() == d.dim() && s.dim() >= 1 && s.size(0) <= d.size(0) &&
               s.sizes().slice(1) == d.sizes().slice(1)) {
      d.slice(0, 0, s.size(0)).copy_(s);  // vocabulary grew: keep the old rows
    }
  };
  for (auto& item : to->named_parameters())
    if (const auto* s = src.find(item.key())) copy(*s, item.value());
  for (auto& item : to->named_buffers())
    if (const auto* s = src_buffers.find(item.key())) copy(*s, item.value());
}

torch::Tensor image_to_u8(const Image& image, int size) {
  if (image.empty() || image.width <= 0 || image.height <= 0 ||
      image.rgb.size() != static_cast<std::size_t>(image.width) * image.height * 3)
    throw UserError("cannot caption an empty or malformed image");
  Image resized;
  const Image* src = &image;
  if (image.has_alpha()) {  // transparent pixels over kModelBackground, as README says
    resized = flatten_alpha(image);
    src = &resized;
  }
  if (src->width != size || src->height != size) {
    resized = resize_bilinear(*src, size, size);
    src = &resized;
  }
  auto hwc = torch::from_blob(const_cast<std::uint8_t*>(src->rgb.data()), {size, size, 3},
                              torch::kUInt8);
  return hwc.permute({2, 0, 1}).contiguous();  // copies out of the Image
}

torch::Tensor normalise_u8(const torch::Tensor& u8, const std::array<float, 3>& mean,
                           const std::array<float, 3>& std) {
  auto m = torch::tensor({mean[0], mean[1], mean[2]}, torch::kFloat).view({1, 3, 1, 1});
  auto s = torch::tensor({std[0], std[1], std[2]}, torch::kFloat).view({1, 3, 1, 1});
  return u8.to(torch::kFloat).div(255.0).sub(m).div(s);
}

torch::Tensor images_to_tensor(const std::vector<const Image*>& batch, int size,
                               const std::array<float, 3>& mean, const std::array<float, 3>& std) {
  std::vector<torch::Tensor> u8;
  u8.reserve(batch.size());
  for (const Image* image : batch) {
    if (!image) throw UserError("cannot caption a missing image");
    u8.push_back(image_to_u8(*image, size));
  }
  return normalise_u8(torch::stack(u8), mean, std);
}

std::vector<Caption> to_captions(const Vocab& vocab, const Decoded& decoded) {
  std::vector<Caption> out(decoded.tokens.size());
  for (std::size_t i = 0; i < out.size(); ++i) {
    out[i].tokens = decoded.tokens[i];
    out[i].text = vocab.decode(decoded.tokens[i]);
    out[i].log_prob = decoded.log_prob[i];
    out[i].mean_log_prob =
        decoded.scored[i] > 0 ? decoded.log_prob[i] / static_cast<float>(decoded.scored[i]) : 0.f;
  }
  return out;
}

}  // namespace gloss
