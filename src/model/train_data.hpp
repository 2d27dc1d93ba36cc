// INTERNAL, includes torch (see torch_net.hpp): the trainer's in-memory data
// set: decoded images, the train/validation split, token sequences.
#pragma once

#include <torch/types.h>

#include <array>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "model/trainer.h"
#include "model/vocab.h"

namespace gloss {

// splitmix64: deterministic everywhere (std:: distributions are not).
class SplitMix {
 public:
  explicit SplitMix(std::uint64_t seed) : state_(seed) {}
  std::uint64_t next();
  std::uint64_t below(std::uint64_t n);  // uniform in [0, n)
  template <class T>
  void shuffle(std::vector<T>& v) {
    for (std::size_t i = v.size(); i > 1; --i) std::swap(v[i - 1], v[below(i)]);
  }

 private:
  std::uint64_t state_;
};

struct TrainData {
  torch::Tensor images;                        // uint8 [N,3,S,S], one row per unique image
  std::vector<std::vector<std::string>> refs;  // captions of each image
  std::vector<std::int64_t> train_images, val_images;
  std::vector<std::string> skipped;            // "path: reason"
  std::size_t usable_pairs = 0;
};

// Decodes and resizes every distinct image on `threads` threads, reporting
// loading progress; splits by image with `seed`.
TrainData load_train_data(const std::vector<TrainingPair>& pairs, int image_size,
                          double val_fraction, std::uint64_t seed, int threads,
                          const std::function<void(const TrainProgress&)>& progress);

// Per-channel mean and std of the training images' [0,1] pixel values.
void channel_stats(const TrainData& data, std::array<float, 3>& mean, std::array<float, 3>& std);

// One training example: an image row and its token ids (<start> .. <end>).
struct Example {
  std::int64_t image;
  std::vector<std::int64_t> tokens;
};
std::vector<Example> make_examples(const TrainData& data, const std::vector<std::int64_t>& images,
                                   const Vocab& vocab, int max_words);
// Tokens padded with <pad> to the batch's longest: int64 [B, L].
torch::Tensor pad_tokens(const std::vector<const Example*>& batch);

}  // namespace gloss
