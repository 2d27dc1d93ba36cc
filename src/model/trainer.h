// Training (or fine-tuning) a native captioner on image/caption pairs. No
// torch here.
//
// All images are decoded and resized to image_size once, up front, and kept
// in memory as uint8. The split into train/validation is by image (every
// caption of a validation image is one of its references). Each epoch: Adam
// (cosine learning-rate decay) with teacher forcing and cross-entropy
// ignoring <pad>, then greedy
// validation BLEU-4; the best checkpoint by (val BLEU-4, then lower val loss)
// is written atomically to `out` (out.tmp, then rename). Without a
// validation split every epoch's checkpoint replaces the last. Setting *stop
// ends training at the next batch and leaves the last good checkpoint.
// At the end the best checkpoint gets out-of-distribution statistics
// (ood_stats.h): its encoder features on up to 10,000 training images, the
// threshold from the validation images (at least kMinOodHeldOut of them).
#pragma once

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "model/ood_stats.h"

namespace gloss {

struct TrainingPair {
  std::filesystem::path image;
  std::string caption;
};

struct TrainProgress {
  enum class Phase { loading, training, validated };
  Phase phase = Phase::loading;
  // loading: images decoded so far / to decode.
  std::size_t images_done = 0, images_total = 0;
  // training: 1-based epoch and batch.
  int epoch = 0, epochs = 0;
  int batch = 0, batches = 0;
  double loss = 0;          // mean training loss of the epoch so far
  double images_per_s = 0;  // training pairs per second in this epoch
  // validated: end of an epoch (-1 when there is no validation split).
  double val_loss = -1;
  double val_bleu4 = -1;
  bool saved = false;  // this epoch's checkpoint was written to `out`
};

struct TrainOptions {
  std::filesystem::path out;
  std::optional<std::filesystem::path> base;  // native model to fine-tune
  int epochs = 10;
  int batch = 32;
  double lr = 1e-3;
  double val_fraction = 0.1;
  std::uint64_t seed = 1;
  int threads = 2;
  int image_size = 64;  // ignored with `base` (the base's preprocessing is kept)
  int embed = 256;      // ignored with `base`
  int hidden = 512;     // ignored with `base`
  int pool = 1;         // encoder grid before the projection (NativeArch::pool); ignored with `base`
  int min_word_count = 1;
  std::function<void(const TrainProgress&)> progress;
  const std::atomic<bool>* stop = nullptr;
  // Encoder widths: stem, then one stride-2 residual block per further entry.
  std::vector<int> channels{32, 64, 128, 256};  // ignored with `base`
  int max_len = 20;        // longest caption trained on / generated in validation
  double grad_clip = 5.0;  // max global gradient norm; <= 0 disables
  // Cosine decay of the learning rate, per batch, from lr to lr * this at the
  // end of the last epoch; 1 keeps it constant.
  double lr_final_fraction = 0.1;
};

struct EpochStats {
  int epoch = 0;
  double train_loss = 0;
  double val_loss = -1;
  double val_bleu4 = -1;
  double seconds = 0;
  double images_per_s = 0;
  bool saved = false;
};

struct TrainReport {
  std::filesystem::path out;
  bool saved = false;    // `out` holds a checkpoint from this run
  bool stopped = false;  // *stop ended training early
  int epochs_completed = 0;
  int best_epoch = 0;           // the epoch whose weights `out` holds
  double best_val_bleu4 = -1;   // -1 without a validation split
  std::size_t pairs = 0;        // usable pairs (unreadable images dropped)
  std::size_t images = 0, train_images = 0, val_images = 0;
  std::vector<std::string> skipped_images;  // "path: reason", not decodable
  std::size_t vocab_size = 0;
  std::size_t new_words = 0;  // words added to the base vocabulary
  std::int64_t parameters = 0;
  int image_size = 0;
  double seconds = 0;
  std::string model_id;  // content hash of `out` (16 hex), as Captioner::id()
  std::vector<EpochStats> epochs;
  // The encoder-feature statistics stored in `out` (fitted on the training
  // images, threshold from the validation images), or why there are none
  // (fewer than kMinOodHeldOut validation images, training stopped).
  std::optional<OodStats> ood;
  std::string ood_missing;
};

// Throws UserError for unusable inputs (no pairs, no readable image, bad
// options, unreadable base model, `out` not writable). Images that cannot be
// decoded are skipped and listed in the report.
TrainReport train_captioner(const std::vector<TrainingPair>& pairs, const TrainOptions& options);

}  // namespace gloss
