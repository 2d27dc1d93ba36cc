// The TorchScript adapter: a scripted module that follows the contract in
// models/README.md (vocab, image_size, mean, std, generate(images, max_len)).
#include <torch/script.h>

#include <sstream>

#include "core/error.h"
#include "model/torch_net.hpp"

namespace gloss {
namespace {

constexpr const char* kContract = " (see \"TorchScript contract\" in models/README.md)";

class TorchScriptCaptioner : public Captioner {
 public:
  TorchScriptCaptioner(std::string what, torch::jit::Module module, std::string id,
                       const CaptionerOptions& options)
      : what_(std::move(what)), module_(std::move(module)), id_(std::move(id)), options_(options) {
    module_.eval();
    read_attributes();
    if (!module_.find_method("generate"))
      fail("has no method generate(images: Tensor, max_len: int) -> Tuple[Tensor, Tensor]");
    optimize();
    // Smoke run: shape/dtype problems surface at load, not on the first caption.
    Image grey{image_size_, image_size_,
               std::vector<std::uint8_t>(static_cast<std::size_t>(image_size_) * image_size_ * 3, 128)};
    run({&grey}, 2);
  }

  const std::string& id() const override { return id_; }
  std::string describe() const override {
    // The contract's generate() has no beam width: options.beam is ignored.
    return "torchscript (vocab " + std::to_string(words_.size()) + ", " +
           std::to_string(image_size_) + "px, greedy" + (optimized_ ? ", frozen" : "") +
           (options_.beam > 1 ? "; beam not supported" : "") + ")";
  }
  std::vector<Caption> caption(const std::vector<const Image*>& batch) override {
    if (batch.empty()) return {};
    apply_threads(options_.threads);
    return run(batch, options_.max_len);
  }

 private:
  // Freezing inlines the weights and folds batch norms into the convolutions,
  // which then run on oneDNN: 1.2-2x faster than the module as loaded, same
  // tokens (docs/bench-captioner.md). A module freezing cannot handle is used
  // as loaded.
  void optimize() {
    try {
      torch::jit::Module frozen =
          torch::jit::freeze(module_, std::vector<std::string>{"generate", "vocab", "image_size", "mean", "std"});
      module_ = torch::jit::optimize_for_inference(frozen, {"generate"});
      optimized_ = true;
    } catch (const std::exception&) {
      optimized_ = false;
    }
  }

  [[noreturn]] void fail(const std::string& problem) const {
    throw UserError(what_ + ": TorchScript module " + problem + kContract);
  }

  torch::IValue attribute(const std::string& name, const char* type) const {
    if (!module_.hasattr(name)) fail("has no attribute `" + name + ": " + type + "`");
    return module_.attr(name);
  }

  std::vector<double> float_list(const std::string& name) const {
    auto value = attribute(name, "List[float]");
    if (!value.isDoubleList()) fail("attribute `" + name + "` is not a List[float]");
    auto list = value.toDoubleVector();
    if (list.size() != 3) fail("attribute `" + name + "` must hold 3 values (R, G, B)");
    return list;
  }

  void read_attributes() {
    auto vocab = attribute("vocab", "List[str]");
    if (!vocab.isList()) fail("attribute `vocab` is not a List[str]");
    for (const auto& item : vocab.toListRef()) {
      if (!item.isString()) fail("attribute `vocab` is not a List[str]");
      words_.push_back(item.toStringRef());
    }
    auto find = [&](const char* token) {
      for (std::size_t i = 0; i < words_.size(); ++i)
        if (words_[i] == token) return static_cast<std::int64_t>(i);
      fail(std::string("vocab lacks the token \"") + token + "\"");
    };
    pad_ = find("<pad>");
    start_ = find("<start>");
    end_ = find("<end>");
    find("<unk>");
    auto size = attribute("image_size", "int");
    if (!size.isInt() || size.toInt() < 8 || size.toInt() > 4096)
      fail("attribute `image_size` must be an int between 8 and 4096");
    image_size_ = static_cast<int>(size.toInt());
    auto mean = float_list("mean"), std = float_list("std");
    for (int c = 0; c < 3; ++c) {
      mean_[c] = static_cast<float>(mean[c]);
      std_[c] = static_cast<float>(std[c]);
      if (!(std_[c] > 0)) fail("attribute `std` must be positive");
    }
  }

  std::vector<Caption> run(const std::vector<const Image*>& batch, int max_len) {
    const auto n = static_cast<std::int64_t>(batch.size());
    c10::InferenceMode guard;
    auto images = images_to_tensor(batch, image_size_, mean_, std_);
    torch::IValue out;
    try {
      out = module_.get_method("generate")({images, static_cast<std::int64_t>(max_len)});
    } catch (const std::exception& e) {
      throw UserError(what_ + ": TorchScript generate() failed: " + e.what());
    }
    if (!out.isTuple() || out.toTupleRef().elements().size() != 2)
      fail("generate() must return a tuple (token ids, log-probabilities)");
    const auto& items = out.toTupleRef().elements();
    if (!items[0].isTensor() || !items[1].isTensor())
      fail("generate() must return two tensors");
    auto tokens = items[0].toTensor();
    auto logp = items[1].toTensor();
    if (tokens.scalar_type() != torch::kLong || tokens.dim() != 2 || tokens.size(0) != n)
      fail("generate() token ids must be int64 [B, T] (got " + std::string(tokens.dtype().name()) +
           " " + c10::str(tokens.sizes()) + " for B=" + std::to_string(n) + ")");
    if (logp.scalar_type() != torch::kFloat || logp.dim() != 1 || logp.size(0) != n)
      fail("generate() log-probabilities must be float32 [B] (got " +
           std::string(logp.dtype().name()) + " " + c10::str(logp.sizes()) + ")");
    tokens = tokens.contiguous();
    logp = logp.contiguous();
    const std::int64_t t_len = tokens.size(1);
    Decoded d;
    for (std::int64_t b = 0; b < n; ++b) {
      std::vector<std::int64_t> ids;
      int scored = 0;
      for (std::int64_t t = 0; t < t_len; ++t) {
        const std::int64_t id = tokens.data_ptr<std::int64_t>()[b * t_len + t];
        if (id < 0 || id >= static_cast<std::int64_t>(words_.size()))
          fail("generate() returned token id " + std::to_string(id) + ", outside the vocabulary");
        if (t == 0 && id == start_) continue;
        ++scored;
        if (id == end_) break;
        if (id == pad_) {  // padding without <end>: the caption stopped here
          --scored;
          break;
        }
        ids.push_back(id);
      }
      d.tokens.push_back(std::move(ids));
      d.log_prob.push_back(logp.data_ptr<float>()[b]);
      d.scored.push_back(scored);
    }
    std::vector<Caption> captions(static_cast<std::size_t>(n));
    for (std::size_t i = 0; i < captions.size(); ++i) {
      auto& c = captions[i];
      c.tokens = d.tokens[i];
      for (std::int64_t id : c.tokens) {
        if (id == pad_ || id == start_) continue;
        if (!c.text.empty()) c.text += ' ';
        c.text += words_[static_cast<std::size_t>(id)];
      }
      c.log_prob = d.log_prob[i];
      c.mean_log_prob = d.scored[i] > 0 ? c.log_prob / static_cast<float>(d.scored[i]) : 0.f;
    }
    return captions;
  }

  std::string what_;
  torch::jit::Module module_;
  bool optimized_ = false;
  std::string id_;
  CaptionerOptions options_;
  std::vector<std::string> words_;
  std::int64_t pad_ = 0, start_ = 1, end_ = 2;
  int image_size_ = 224;
  std::array<float, 3> mean_{}, std_{};
};

}  // namespace

std::unique_ptr<Captioner> load_torchscript_captioner(const std::filesystem::path& file,
                                                      const std::string& bytes, std::string id,
                                                      const CaptionerOptions& options) {
  const std::string what = file.string();
  apply_threads(options.threads);
  torch::jit::Module module;
  try {
    std::istringstream in(bytes);
    module = torch::jit::load(in, torch::kCPU);
  } catch (const c10::Error& e) {
    throw UserError(what + ": not a TorchScript module gloss can load (" +
                    e.what_without_backtrace() + ")");
  } catch (const std::exception& e) {
    throw UserError(what + ": not a TorchScript module gloss can load (" + e.what() + ")");
  }
  try {
    return std::make_unique<TorchScriptCaptioner>(what, std::move(module), std::move(id), options);
  } catch (const c10::Error& e) {
    throw UserError(what + ": TorchScript module failed: " + e.what_without_backtrace());
  }
}

}  // namespace gloss
