// The captioner interface the rest of gloss uses. No torch include here:
// ui/ and app/ include this header; only src/model/*.cpp include torch.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "core/image.h"

namespace gloss {

struct Caption {
  std::string text;                  // detokenised, words joined by spaces
  std::vector<std::int64_t> tokens;  // ids without <start>, up to and excluding <end>
  float log_prob = 0.f;              // sum of token log-probabilities (incl. <end>)
  float mean_log_prob = 0.f;         // log_prob / number of scored tokens
  // exp(mean_log_prob): what the UI shows as the model's confidence.
  float confidence() const;
};

struct CaptionerOptions {
  int beam = 1;        // 1 = greedy
  int max_len = 20;    // tokens, as in the seed
  int threads = 1;     // at::set_num_threads for the calling worker
};

class Captioner {
 public:
  virtual ~Captioner() = default;
  // Stable id: hex of the 64-bit content hash of the model file.
  virtual const std::string& id() const = 0;
  // "native cnn-lstm (resnet-8, 256/512, vocab 64)" etc.
  virtual std::string describe() const = 0;
  // Captions a batch. Images are any size; the captioner resizes them.
  // Safe to call from one background thread per Captioner instance.
  virtual std::vector<Caption> caption(const std::vector<const Image*>& batch) = 0;
};

// Loads a native gloss model or a TorchScript module (detected from the file).
// Throws UserError naming the file and the problem (missing, truncated,
// another kind or version, contract not met).
std::unique_ptr<Captioner> load_captioner(const std::filesystem::path& file,
                                          const CaptionerOptions& options = {});

// Where the bundled default model lives (models/default.gloss in the source
// tree, or next to the installed binary).
std::filesystem::path default_model_path();

}  // namespace gloss
