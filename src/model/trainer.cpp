// The training loop: Adam + teacher forcing, per-epoch validation (loss and
// greedy BLEU-4), atomic best checkpoints, fine-tuning from a base model.
#include "model/torch_api.h"

#include <torch/nn.h>
#include <torch/optim.h>

#include <chrono>
#include <cmath>
#include <ctime>
#include <system_error>

#include "core/error.h"
#include "core/hash.h"
#include "core/metrics.h"
#include "model/native_format.h"
#include "model/native_model.h"
#include "model/torch_net.hpp"
#include "model/train_data.hpp"

namespace gloss {
namespace fs = std::filesystem;
namespace {

using Clock = std::chrono::steady_clock;
using nlohmann::json;

double seconds_since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

std::string utc_now() {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

void check_options(const std::vector<TrainingPair>& pairs, const TrainOptions& o) {
  auto bad = [](const std::string& m) { throw UserError("training: " + m); };
  if (pairs.empty()) bad("no image/caption pairs to train on");
  if (o.out.empty()) bad("no output model file given");
  if (o.epochs < 1) bad("epochs must be at least 1");
  if (o.batch < 2) bad("batch must be at least 2 (batch norm needs 2 images)");
  if (!(o.lr > 0)) bad("learning rate must be positive");
  if (o.val_fraction < 0 || o.val_fraction >= 1) bad("val_fraction must be in [0, 1)");
  if (o.max_len < 1) bad("max_len must be at least 1");
  if (!(o.lr_final_fraction > 0) || o.lr_final_fraction > 1) bad("lr_final_fraction must be in (0, 1]");
  const fs::path dir = o.out.has_parent_path() ? o.out.parent_path() : fs::path(".");
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) bad(o.out.string() + ": directory " + dir.string() + " does not exist");
}

// Teacher-forced cross-entropy over a batch; position 0 (after the image
// feature) is not scored.
torch::Tensor batch_loss(CaptionNet& net, const torch::Tensor& images, const torch::Tensor& tokens) {
  auto logits = net->forward(images, tokens);
  auto targets = tokens.clone();
  targets.select(1, 0).fill_(Vocab::kPad);
  return torch::nn::functional::cross_entropy(
      logits.reshape({-1, logits.size(2)}), targets.reshape({-1}),
      torch::nn::functional::CrossEntropyFuncOptions().ignore_index(Vocab::kPad));
}

struct Validation {
  double loss = -1, bleu4 = -1;
};

Validation validate(NativeModel& model, const TrainData& data, const std::vector<Example>& examples,
                    int max_len) {
  Validation v;
  if (data.val_images.empty()) return v;
  auto& impl = model.impl();
  impl.net->eval();
  torch::NoGradGuard no_grad;
  const auto& pre = impl.pre;
  double loss_sum = 0;
  std::size_t batches = 0;
  for (std::size_t i = 0; i < examples.size(); i += 64) {
    std::vector<const Example*> batch;
    std::vector<std::int64_t> rows;
    for (std::size_t j = i; j < std::min(examples.size(), i + 64); ++j) {
      batch.push_back(&examples[j]);
      rows.push_back(examples[j].image);
    }
    auto images = normalise_u8(data.images.index_select(0, torch::tensor(rows)), pre.mean, pre.std);
    loss_sum += batch_loss(impl.net, images, pad_tokens(batch)).item<double>();
    ++batches;
  }
  v.loss = batches ? loss_sum / static_cast<double>(batches) : -1;
  std::vector<std::vector<std::string>> refs;
  std::vector<std::string> hyps;
  const auto& ids = data.val_images;
  for (std::size_t i = 0; i < ids.size(); i += 64) {
    std::vector<std::int64_t> rows(ids.begin() + i, ids.begin() + std::min(ids.size(), i + 64));
    auto images = normalise_u8(data.images.index_select(0, torch::tensor(rows)), pre.mean, pre.std);
    Decoded d = greedy_decode(impl.net, impl.net->encoder(images), max_len);
    for (std::size_t j = 0; j < rows.size(); ++j) {
      refs.push_back(data.refs[static_cast<std::size_t>(rows[j])]);
      hyps.push_back(impl.vocab.decode(d.tokens[j]));
    }
  }
  v.bleu4 = corpus_bleu4(refs, hyps);
  impl.net->train();
  return v;
}

// The best checkpoint's encoder statistics: fitted on (up to 10,000 of) the
// training images, the threshold from the validation images it never
// trained on.
void fit_ood(const std::string& best_bytes, const TrainData& data, const TrainOptions& o, TrainReport& report) {
  if (report.stopped) {
    report.ood_missing = "training was stopped";
    return;
  }
  if (data.val_images.size() < kMinOodHeldOut) {
    report.ood_missing = std::to_string(data.val_images.size()) + " validation images, at least " +
                         std::to_string(kMinOodHeldOut) + " needed (--val)";
    return;
  }
  NativeModel best = NativeModel::from_bytes(best_bytes, o.out.string());
  constexpr std::size_t kMaxFit = 10000;
  std::vector<std::int64_t> fit_rows;
  const std::size_t step = (data.train_images.size() + kMaxFit - 1) / kMaxFit;
  for (std::size_t i = 0; i < data.train_images.size(); i += std::max<std::size_t>(1, step))
    fit_rows.push_back(data.train_images[i]);
  if (fit_rows.size() < 2) {
    report.ood_missing = "fewer than 2 training images";
    return;
  }
  auto& impl = best.impl();
  const auto fit = encode_u8_features(impl, data.images.index_select(0, torch::tensor(fit_rows)));
  const auto held = encode_u8_features(impl, data.images.index_select(0, torch::tensor(data.val_images)));
  report.ood = fit_ood_stats(fit, held, 99.5, "training images");
}

}  // namespace

TrainReport train_native_captioner(const std::vector<TrainingPair>& pairs, const TrainOptions& o) {
  check_options(pairs, o);
  const auto t0 = Clock::now();
  const std::string started = utc_now();
  apply_threads(o.threads);

  std::optional<NativeModel> base;
  std::string base_id;
  if (o.base) {
    const std::string bytes = read_file_bytes(*o.base, 4LL << 30);
    base_id = hash_hex(content_hash(bytes));
    base = NativeModel::from_bytes(bytes, o.base->string());
  }
  const int image_size = base ? base->preprocess().image_size : o.image_size;
  if (image_size < 8 || image_size > 1024) throw UserError("training: image_size must be 8-1024");
  TrainData data = load_train_data(pairs, image_size, o.val_fraction, o.seed, o.threads, o.progress);

  std::vector<std::string> train_captions;
  for (std::int64_t i : data.train_images)
    for (const auto& c : data.refs[static_cast<std::size_t>(i)]) train_captions.push_back(c);
  TrainReport report;
  Vocab vocab = base ? base->vocab().extended(train_captions, o.min_word_count)
                     : Vocab::build(train_captions, o.min_word_count);
  report.new_words = base ? vocab.size() - base->vocab().size() : 0;
  Preprocess pre;
  NativeArch arch;
  if (base) {
    pre = base->preprocess();
    arch = base->arch();
  } else {
    pre.image_size = image_size;
    channel_stats(data, pre.mean, pre.std);
    arch.channels = o.channels;
    arch.embed = o.embed;
    arch.hidden = o.hidden;
    arch.pool = o.pool;
  }
  NativeModel model = [&] {
    try {
      return NativeModel::create(arch, pre, vocab, o.seed);
    } catch (const std::invalid_argument& e) {
      throw UserError(std::string("training: ") + e.what());
    }
  }();
  if (base) copy_matching_weights(base->impl().net, model.impl().net);
  auto& net = model.impl().net;

  const std::vector<Example> train = make_examples(data, data.train_images, vocab, o.max_len);
  const std::vector<Example> val = make_examples(data, data.val_images, vocab, o.max_len);
  report.out = o.out;
  report.pairs = data.usable_pairs;
  report.images = data.refs.size();
  report.train_images = data.train_images.size();
  report.val_images = data.val_images.size();
  report.skipped_images = data.skipped;
  report.vocab_size = vocab.size();
  report.parameters = model.parameter_count();
  report.image_size = pre.image_size;

  json record{{"started_utc", started},        {"pairs", report.pairs},
              {"images", report.images},       {"train_images", report.train_images},
              {"val_images", report.val_images}, {"skipped_images", data.skipped.size()},
              {"epochs_requested", o.epochs},  {"batch", o.batch},
              {"lr", o.lr},                    {"seed", o.seed},
              {"lr_final_fraction", o.lr_final_fraction}, {"grad_clip", o.grad_clip},
              {"threads", o.threads},          {"min_word_count", o.min_word_count},
              {"max_len", o.max_len},          {"parameters", report.parameters}};
  if (base) record["base"] = json{{"id", base_id}, {"training", base->training()}, {"new_words", report.new_words}};

  torch::optim::Adam adam(net->parameters(), torch::optim::AdamOptions(o.lr));
  SplitMix rng(o.seed);
  std::vector<std::size_t> order(train.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  const int batches = static_cast<int>((train.size() + o.batch - 1) / o.batch);
  std::string best_bytes;
  double best_bleu = -2, best_val_loss = 0;
  auto stopping = [&] { return o.stop && o.stop->load(); };

  for (int epoch = 1; epoch <= o.epochs && !stopping(); ++epoch) {
    const auto te = Clock::now();
    net->train();
    rng.shuffle(order);
    double loss_sum = 0;
    std::size_t seen = 0, steps = 0;
    TrainProgress p;
    p.phase = TrainProgress::Phase::training;
    p.epoch = epoch;
    p.epochs = o.epochs;
    p.batches = batches;
    for (int b = 0; b < batches; ++b) {
      if (stopping()) break;
      std::vector<const Example*> batch;
      std::vector<std::int64_t> rows;
      for (std::size_t j = static_cast<std::size_t>(b) * o.batch;
           j < std::min(train.size(), static_cast<std::size_t>(b + 1) * o.batch); ++j) {
        batch.push_back(&train[order[j]]);
        rows.push_back(train[order[j]].image);
      }
      if (batch.size() < 2) continue;  // batch norm needs two samples
      auto images = normalise_u8(data.images.index_select(0, torch::tensor(rows)), pre.mean, pre.std);
      const double progress = static_cast<double>((epoch - 1) * batches + b) /
                              std::max(1, o.epochs * batches - 1);
      const double f = o.lr_final_fraction;
      static_cast<torch::optim::AdamOptions&>(adam.param_groups()[0].options())
          .lr(o.lr * (f + (1 - f) * 0.5 * (1 + std::cos(M_PI * std::min(1.0, progress)))));
      adam.zero_grad();
      auto loss = batch_loss(net, images, pad_tokens(batch));
      loss.backward();
      if (o.grad_clip > 0) torch::nn::utils::clip_grad_norm_(net->parameters(), o.grad_clip);
      adam.step();
      loss_sum += loss.item<double>();
      seen += batch.size();
      ++steps;
      p.batch = b + 1;
      p.loss = loss_sum / static_cast<double>(steps);
      p.images_per_s = static_cast<double>(seen) / std::max(1e-9, seconds_since(te));
      if (o.progress) o.progress(p);
    }
    if (stopping()) {
      report.stopped = true;
      break;
    }
    EpochStats stats;
    stats.epoch = epoch;
    stats.train_loss = steps ? loss_sum / static_cast<double>(steps) : 0;
    stats.images_per_s = static_cast<double>(seen) / std::max(1e-9, seconds_since(te));
    const Validation v = validate(model, data, val, o.max_len);
    stats.val_loss = v.loss;
    stats.val_bleu4 = v.bleu4;
    const bool better = data.val_images.empty() || v.bleu4 > best_bleu ||
                        (v.bleu4 == best_bleu && v.loss < best_val_loss);
    if (better) {
      best_bleu = v.bleu4;
      best_val_loss = v.loss;
      report.best_epoch = epoch;
      report.best_val_bleu4 = v.bleu4;
      record["best_epoch"] = epoch;
      record["epochs_completed"] = epoch;
      record["train_loss"] = stats.train_loss;
      record["val_loss"] = v.loss;
      record["val_bleu4"] = v.bleu4;
      record["seconds"] = seconds_since(t0);
      model.set_training(record);
      best_bytes = model.to_bytes();
      write_file_atomic(o.out, best_bytes);
      report.saved = true;
      stats.saved = true;
    }
    stats.seconds = seconds_since(te);
    report.epochs.push_back(stats);
    report.epochs_completed = epoch;
    p.phase = TrainProgress::Phase::validated;
    p.val_loss = v.loss;
    p.val_bleu4 = v.bleu4;
    p.saved = stats.saved;
    if (o.progress) o.progress(p);
  }
  report.stopped = stopping() && report.epochs_completed < o.epochs;
  report.seconds = seconds_since(t0);
  if (report.saved) {
    // Final record (epochs run, stop flag, total time) and the encoder
    // statistics on the best weights.
    NativeModelFile file = decode_native_model(best_bytes, o.out.string());
    file.meta["training"]["epochs_completed"] = report.epochs_completed;
    file.meta["training"]["stopped"] = report.stopped;
    fit_ood(best_bytes, data, o, report);
    if (report.ood) file.meta["ood"] = ood_to_json(*report.ood);
    report.seconds = seconds_since(t0);
    file.meta["training"]["seconds"] = report.seconds;
    best_bytes = encode_native_model(file);
    write_file_atomic(o.out, best_bytes);
    report.model_id = hash_hex(content_hash(best_bytes));
  }
  return report;
}

}  // namespace gloss
