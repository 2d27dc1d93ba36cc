// The captioner interface the rest of gloss uses: what a model is to the
// scheduler, the window and the commands. Implementations live in src/model/
// (native and TorchScript models in libgloss-torch.so, opened on demand);
// load_captioner() in model/captioner.h picks one for a file.
#pragma once

#include <cmath>
#include <cstdint>
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
  float confidence() const { return std::exp(mean_log_prob); }
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

}  // namespace gloss
