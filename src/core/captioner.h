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
#include "core/records.h"

namespace gloss {

struct Caption {
  std::string text;                  // detokenised, words joined by spaces
  std::vector<std::int64_t> tokens;  // ids without <start>, up to and excluding <end>
  float log_prob = 0.f;              // sum of token log-probabilities (incl. <end>)
  float mean_log_prob = 0.f;         // log_prob / number of scored tokens
  // False when the model gave no token probabilities (an endpoint server
  // without logprobs): there is no confidence, and none is made up.
  bool scored = true;
  // Non-empty: this image got no caption, and why (an endpoint model names
  // the server and the problem). The other fields are then empty.
  std::string failure;
  // With a failure: worth asking again later (timeout, connection refused,
  // HTTP 5xx or 429), as opposed to a reply that will not change.
  bool retry_later = false;
  // How far the image's encoder features lie from the model's training
  // images (the Mahalanobis distance a native model with training statistics
  // computes in the same forward pass); NaN: unknown (TorchScript and
  // endpoint models, native files without statistics), never flagged.
  float ood_score = std::nanf("");
  // ood_score is above the model's threshold: the image looks unlike the
  // images the model was trained on, so the caption is a guess.
  bool unlike_training = false;
  // exp(mean_log_prob): what the UI shows as the model's confidence; NaN
  // when the caption is not scored.
  float confidence() const { return scored ? std::exp(mean_log_prob) : std::nanf(""); }
};

// What the suggestion cache keeps of a caption (without a failure).
inline Suggestion to_suggestion(const Caption& c, std::int64_t created_ms) {
  Suggestion s{c.text, c.tokens, c.log_prob, c.confidence(), created_ms};
  s.ood_score = c.ood_score;
  s.unlike_training = c.unlike_training;
  return s;
}

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
  // Safe to call from one background thread per Captioner instance (or
  // concurrency() threads, see below).
  // A caption per image, in order; a model that can fail per image (an
  // endpoint) says so in Caption::failure instead of throwing.
  virtual std::vector<Caption> caption(const std::vector<const Image*>& batch) = 0;
  // How many caption() calls may run at once (an endpoint model's
  // "concurrency"): the scheduler keeps that many requests in flight. Models
  // above 1 must be safe to call from that many threads.
  virtual int concurrency() const { return 1; }
  // Abandons the calls in progress and fails every later one at once: the
  // scheduler calls it before joining its threads, so closing the window
  // never waits for a slow server. Models that answer quickly ignore it.
  virtual void cancel() {}
};

}  // namespace gloss
