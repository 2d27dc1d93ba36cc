// Model subcommands: synth (the bundled data set), train, eval; predict is
// in cmd_predict.cpp.
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <thread>

#include <nlohmann/json.hpp>

#include "app/batch_caption.h"
#include "app/commands.h"
#include "app/progress.h"
#include "core/caption_data.h"
#include "core/error.h"
#include "core/image_roots.h"
#include "core/metrics.h"
#include "core/scene_caption.h"
#include "core/synth.h"
#include "model/captioner.h"
#include "model/trainer.h"

namespace gloss {
namespace fs = std::filesystem;

CaptionData load_caption_data(const AppContext& ctx, const std::string& data) {
  CaptionData d = is_caption_file(data) ? load_caption_file(data) : load_caption_dataset(*ctx.open_store(), data);
  print_problems(d.problems);
  if (d.items.empty()) throw UserError(d.description + ": no captioned images to use");
  return d;
}

int default_threads() { return static_cast<int>(std::max(1u, std::thread::hardware_concurrency())); }

std::unique_ptr<Captioner> open_model(const std::string& model, int beam, int threads) {
  const fs::path path = model.empty() ? default_model_path() : fs::path(model);
  return load_captioner(path, CaptionerOptions{beam, 20, threads});
}

namespace {

std::atomic<bool> g_stop{false};
void on_interrupt(int) { g_stop = true; }

struct SynthArgs {
  std::string out;
  int count = 100;
  std::uint64_t seed = 1;
  int size = 96;
  SynthKnobs defaults;
  float zoom = 1.f, noise = defaults.noise_max, jitter = defaults.colour_jitter_max, gradient = defaults.gradient_max;
};

int run_synth(const SynthArgs& a) {
  ProgressBar bar("synth", a.count);
  SynthOptions o{a.out, a.count, a.seed, a.size, default_threads(), [&](int done, int) { bar.update(done); },
                 camera_knobs(a.zoom, a.noise, a.jitter, a.gradient)};
  const SynthReport r = write_synth_dataset(o);
  bar.finish();
  std::printf("wrote %d scenes (%d px) to %s and their captions to %s\n", r.images, a.size,
              r.images_dir.c_str(), r.captions_path.c_str());
  return 0;
}

struct TrainArgs {
  std::vector<std::string> data;
  std::string out, base;
  TrainOptions options;
};

int run_train(const AppContext& ctx, TrainArgs& a) {
  std::vector<TrainingPair> pairs;
  const ImageRoots roots = ctx.image_roots();
  for (const auto& d : a.data) {
    const CaptionData data = load_caption_data(ctx, d);
    std::printf("training data: %s\n", data.description.c_str());
    for (const auto& item : data.items)
      for (const auto& ref : item.references) {
        pairs.push_back({roots.map(item.image.string()), ref});
        if (item.reviewed) break;  // the lead's caption only
      }
  }
  TrainOptions o = a.options;
  o.out = a.out;
  if (!a.base.empty()) o.base = fs::path(a.base);
  o.stop = &g_stop;
  std::signal(SIGINT, on_interrupt);
  std::signal(SIGTERM, on_interrupt);
  std::unique_ptr<ProgressBar> bar;
  o.progress = [&](const TrainProgress& p) {
    using P = TrainProgress::Phase;
    char detail[160];
    if (p.phase == P::loading) {
      if (!bar) bar = std::make_unique<ProgressBar>("loading images", static_cast<long long>(p.images_total));
      bar->update(static_cast<long long>(p.images_done));
      if (p.images_done == p.images_total) { bar->finish(); bar.reset(); }
    } else if (p.phase == P::training) {
      if (!bar) bar = std::make_unique<ProgressBar>("epoch " + std::to_string(p.epoch) + "/" + std::to_string(p.epochs), p.batches);
      std::snprintf(detail, sizeof detail, "loss %.3f  %.0f img/s", p.loss, p.images_per_s);
      bar->update(p.batch, detail);
    } else {
      if (p.val_bleu4 < 0)  // --val 0: nothing held out, every epoch is kept
        std::snprintf(detail, sizeof detail, "loss %.3f  no validation%s", p.loss, p.saved ? "  (saved)" : "");
      else
        std::snprintf(detail, sizeof detail, "loss %.3f  val loss %.3f  val BLEU-4 %.3f%s", p.loss, p.val_loss,
                      p.val_bleu4, p.saved ? "  (saved)" : "");
      if (bar) bar->finish(detail);
      bar.reset();
    }
  };
  const TrainReport r = train_captioner(pairs, o);
  for (const auto& s : r.skipped_images) std::fprintf(stderr, "gloss: skipped %s\n", s.c_str());
  std::printf("%s after %d epochs in %.0f s: %zu pairs, %zu images (%zu train, %zu val), vocab %zu (%zu new), %lld parameters\n",
              r.stopped ? "stopped" : "trained", r.epochs_completed, r.seconds, r.pairs, r.images, r.train_images,
              r.val_images, r.vocab_size, r.new_words, static_cast<long long>(r.parameters));
  if (r.saved && r.best_val_bleu4 < 0)
    std::printf("model %s saved to %s (epoch %d, no validation)\n", r.model_id.c_str(), r.out.c_str(), r.best_epoch);
  else if (r.saved)
    std::printf("model %s saved to %s (epoch %d, val BLEU-4 %.3f)\n", r.model_id.c_str(), r.out.c_str(),
                r.best_epoch, r.best_val_bleu4);
  else
    std::printf("no checkpoint was saved\n");
  if (r.saved && r.ood)
    std::printf("out-of-distribution flag: threshold %.2f, the %.1fth percentile of %zu validation images' distances "
                "(statistics of %zu training images)\n",
                r.ood->threshold, r.ood->percentile, r.ood->held_out, r.ood->fit_images);
  else if (r.saved)
    std::printf("no out-of-distribution flag: %s; gloss calibrate can add it later\n", r.ood_missing.c_str());
  return r.saved ? 0 : 1;
}

// Captions images in batches with a progress bar; skips undecodable images
// and images the model could not caption (an endpoint server's error),
// naming them. Returns the first such failure, empty when none.
template <class OnCaption>
std::string caption_all(Captioner& model, const std::vector<CaptionedImage>& images, const ImageRoots& roots,
                        int batch, const char* label, OnCaption&& on_caption) {
  ProgressBar bar(label, static_cast<long long>(images.size()));
  // An endpoint model's requests run concurrently within a batch.
  const std::size_t step = static_cast<std::size_t>(std::max(batch, model.concurrency()));
  CaptionFailures failures;
  // A dataset's image is read where it is on this workstation and checked
  // against its task; a captions file's as it names it.
  auto load = [&](const CaptionedImage& item) {
    if (!item.task) return decode_image_file(item.image, kModelInputSide);
    Task t;
    t.hash = item.task;
    t.path = item.image.string();
    return decode_image(read_task_image(t, roots), roots.map(t.path), kModelInputSide);
  };
  for (std::size_t start = 0; start < images.size() && !g_stop; start += step) {
    const std::size_t n = std::min(images.size() - start, step);
    caption_batch(
        model, n, [&](std::size_t i) { return load(images[start + i]); },
        [&](std::size_t i) { return roots.map(images[start + i].image.string()); },
        [&](std::size_t i, const Caption& c) { on_caption(start + i, c); }, failures);
    bar.update(static_cast<long long>(start + n));
  }
  bar.finish();
  failures.finish();
  return failures.first();
}

void print_category_errors(const std::vector<std::string>& refs, const std::vector<std::string>& hyps) {
  int parsed = 0, subject = 0, attributes = 0, number = 0, background = 0, wording = 0;
  for (std::size_t i = 0; i < refs.size(); ++i) {
    const auto truth = parse_caption(refs[i]);
    if (!truth || !truth->complete) continue;
    ++parsed;
    const auto predicted = parse_caption(hyps[i]);
    if (!predicted) { ++subject; continue; }
    const CategoryErrors e = compare_descriptions(*truth, *predicted);
    subject += e.subject;
    attributes += e.attributes;
    number += e.number;
    background += e.background;
    wording += e.wording;
  }
  if (!parsed) return;
  auto pct = [&](int n) { return 100.0 * n / parsed; };
  std::printf("error categories (%d captions in the scene grammar):\n"
              "  subject     %5.1f%%\n  attributes  %5.1f%%\n  number      %5.1f%%\n"
              "  background  %5.1f%%\n  wording     %5.1f%%\n",
              parsed, pct(subject), pct(attributes), pct(number), pct(background), pct(wording));
}

int run_eval(const AppContext& ctx, const std::string& data_name, const std::string& model_path,
             const std::string& out, int beam, int batch, int threads) {
  const CaptionData data = load_caption_data(ctx, data_name);
  auto model = open_model(model_path, beam, threads);
  std::printf("model %s: %s\n", model->id().c_str(), model->describe().c_str());
  const ImageRoots roots = ctx.image_roots();
  std::vector<fs::path> images;
  for (const auto& item : data.items) images.push_back(roots.map(item.image.string()));
  std::vector<std::string> predictions(images.size());
  std::vector<bool> done(images.size(), false);
  const std::string failure = caption_all(*model, data.items, roots, batch, "eval", [&](std::size_t i, const Caption& c) {
    predictions[i] = c.text;
    done[i] = true;
  });
  std::vector<std::vector<std::string>> refs;
  std::vector<std::string> hyps, first_refs;
  std::unique_ptr<std::ofstream> file;
  if (!out.empty()) file = std::make_unique<std::ofstream>(out);
  for (std::size_t i = 0; i < images.size(); ++i) {
    if (!done[i]) continue;
    refs.push_back(data.items[i].references);
    first_refs.push_back(data.items[i].references.front());
    hyps.push_back(predictions[i]);
    if (file)
      *file << nlohmann::json{{"image", images[i].string()}, {"references", data.items[i].references},
                              {"prediction", predictions[i]}}.dump() << "\n";
  }
  if (hyps.empty())
    throw UserError("no image of " + data.description + " could be captioned" + (failure.empty() ? "" : ": " + failure));
  const EvalScores s = evaluate_captions(refs, hyps);
  std::printf("%s, model %s\n  BLEU-4      %.4f\n  CIDEr-D     %.4f\n  mean WER    %.4f\n  exact match %.4f\n",
              data.description.c_str(), model->id().c_str(), s.bleu4, s.cider_d, s.mean_wer, s.exact_match);
  print_category_errors(first_refs, hyps);
  if (file) std::printf("predictions written to %s\n", out.c_str());
  return 0;
}

}  // namespace

void register_model_commands(CLI::App& app, AppContext& ctx) {
  auto* synth = app.add_subcommand("synth", "Write N synthetic scenes (PNG) and their ground-truth captions.jsonl");
  auto s = std::make_shared<SynthArgs>();
  synth->add_option("OUT_DIR", s->out, "Folder to write images/ and captions.jsonl into")->required();
  synth->add_option("--count", s->count, "Number of scenes")->check(CLI::Range(1, 10000000));
  synth->add_option("--seed", s->seed, "Seed; the same seed gives the same files");
  synth->add_option("--size", s->size, "Image side in pixels")->check(CLI::Range(16, 1024));
  synth->add_option("--zoom", s->zoom, "A camera this many times closer: objects drawn larger (0.5-2; 1 = the bundled set)")
      ->capture_default_str();
  synth->add_option("--noise", s->noise, "Largest per-pixel noise sigma, 0-255 units (0-100)")->capture_default_str();
  synth->add_option("--colour-jitter", s->jitter, "Largest per-channel shift of object colours (0-100)")
      ->capture_default_str();
  synth->add_option("--gradient", s->gradient, "Largest lighting gradient across the image (0-0.9)")
      ->capture_default_str();
  synth->callback([&ctx, s] { ctx.action = [s] { return run_synth(*s); }; });

  auto t = std::make_shared<TrainArgs>();
  t->options.threads = default_threads();
  auto* train = app.add_subcommand("train", "Train (or fine-tune with --base) a native CNN-LSTM captioner");
  train->add_option("DATA", t->data, "Captions JSONL files or dataset names (accepted answers)")->required();
  train->add_option("--out", t->out, "Model file to write")->required();
  train->add_option("--base", t->base, "Native model to fine-tune (vocabulary extended with new words)");
  train->add_option("--epochs", t->options.epochs, "Passes over the data")->check(CLI::Range(1, 10000));
  train->add_option("--batch", t->options.batch, "Batch size (at least 2: batch norm)")->check(CLI::Range(2, 4096));
  train->add_option("--lr", t->options.lr, "Adam learning rate");
  train->add_option("--val", t->options.val_fraction, "Fraction of images held out for validation")->check(CLI::Range(0.0, 0.9));
  train->add_option("--seed", t->options.seed, "Seed for initialisation, split and shuffling");
  train->add_option("--threads", t->options.threads, "Torch threads");
  add_image_root_option(train, ctx);
  train->add_option("--image-size", t->options.image_size, "Input side in pixels (new models)");
  train->add_option("--embed", t->options.embed, "Embedding size (new models)");
  train->add_option("--hidden", t->options.hidden, "LSTM hidden size (new models)");
  train->add_option("--pool", t->options.pool, "Encoder grid kept before the projection: 1 = global pool as in the seed, 4 = 4x4 cells (new models)")
      ->check(CLI::Range(1, 16));
  train->callback([&ctx, t] { ctx.action = [&ctx, t] { return run_train(ctx, *t); }; });

  register_calibrate_command(app, ctx);

  struct EvalArgs { std::string data, model, out; int beam = 1, batch = 8, threads = default_threads(); };
  auto e = std::make_shared<EvalArgs>();
  auto* eval = app.add_subcommand("eval", "Caption DATA with a model and print BLEU-4, CIDEr-D, WER, exact match, error categories");
  eval->add_option("DATA", e->data, "Captions JSONL or dataset name")->required();
  eval->add_option("--model", e->model, "Model file: .gloss, TorchScript .pt, or endpoint .json (docs/models.md); default: the bundled model");
  eval->add_option("--out", e->out, "Write {image, references, prediction} per line here");
  eval->add_option("--beam", e->beam, "Beam width (1 = greedy)")->check(CLI::Range(1, 32));
  eval->add_option("--batch", e->batch, "Images per forward pass")->check(CLI::Range(1, 1024));
  eval->add_option("--threads", e->threads, "Torch threads");
  add_image_root_option(eval, ctx);
  eval->callback([&ctx, e] {
    ctx.action = [&ctx, e] { return run_eval(ctx, e->data, e->model, e->out, e->beam, e->batch, e->threads); };
  });

  register_predict_command(app, ctx);
}

}  // namespace gloss
