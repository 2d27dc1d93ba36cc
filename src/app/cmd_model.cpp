// Model subcommands: synth (the bundled data set), train, eval, predict.
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <thread>

#include <nlohmann/json.hpp>

#include "app/commands.h"
#include "app/progress.h"
#include "core/caption_data.h"
#include "core/error.h"
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

namespace {

std::atomic<bool> g_stop{false};
void on_interrupt(int) { g_stop = true; }

int default_threads() { return static_cast<int>(std::max(1u, std::thread::hardware_concurrency())); }

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
  for (const auto& d : a.data) {
    const CaptionData data = load_caption_data(ctx, d);
    std::printf("training data: %s\n", data.description.c_str());
    for (const auto& item : data.items)
      for (const auto& ref : item.references) pairs.push_back({item.image, ref});
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

std::unique_ptr<Captioner> open_model(const std::string& model, int beam, int threads) {
  const fs::path path = model.empty() ? default_model_path() : fs::path(model);
  return load_captioner(path, CaptionerOptions{beam, 20, threads});
}

// Captions images in batches with a progress bar; skips undecodable images
// and images the model could not caption (an endpoint server's error),
// naming them. Returns the first such failure, empty when none.
template <class OnCaption>
std::string caption_all(Captioner& model, const std::vector<fs::path>& images, int batch, const char* label,
                        OnCaption&& on_caption) {
  ProgressBar bar(label, static_cast<long long>(images.size()));
  // An endpoint model's requests run concurrently within a batch.
  batch = std::max(batch, model.concurrency());
  std::string first_failure;
  std::size_t failures = 0;
  constexpr std::size_t kFailuresNamed = 5;
  for (std::size_t start = 0; start < images.size() && !g_stop; start += static_cast<std::size_t>(batch)) {
    std::vector<Image> decoded;
    std::vector<std::size_t> index;
    for (std::size_t i = start; i < std::min(images.size(), start + batch); ++i) {
      try {
        decoded.push_back(decode_image_file(images[i], kModelInputSide));
        index.push_back(i);
      } catch (const UserError& e) {
        std::fprintf(stderr, "\ngloss: %s\n", e.what());
      }
    }
    std::vector<const Image*> ptrs;
    for (const auto& d : decoded) ptrs.push_back(&d);
    const auto captions = ptrs.empty() ? std::vector<Caption>{} : model.caption(ptrs);
    for (std::size_t k = 0; k < captions.size(); ++k) {
      if (captions[k].failure.empty()) {
        on_caption(index[k], captions[k]);
        continue;
      }
      // A server that is down fails every image the same way: name a few.
      if (++failures <= kFailuresNamed)
        std::fprintf(stderr, "\ngloss: %s: %s\n", images[index[k]].c_str(), captions[k].failure.c_str());
      if (first_failure.empty()) first_failure = captions[k].failure;
    }
    bar.update(static_cast<long long>(std::min(images.size(), start + batch)));
  }
  bar.finish();
  if (failures > kFailuresNamed)
    std::fprintf(stderr, "gloss: %zu more images not captioned\n", failures - kFailuresNamed);
  return first_failure;
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
  std::vector<fs::path> images;
  for (const auto& item : data.items) images.push_back(item.image);
  std::vector<std::string> predictions(images.size());
  std::vector<bool> done(images.size(), false);
  const std::string failure = caption_all(*model, images, batch, "eval", [&](std::size_t i, const Caption& c) {
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

// One line per image of the source: {"image", "caption", "confidence",
// "unlike_training", "ood_score"}, the caption, confidence and score null
// where there is none (a model without training statistics: never flagged). Written to a temporary
// file and renamed, so a failed run never leaves half a file.
void write_predictions(const Store& store, const std::string& model_id, const std::vector<Task>& tasks,
                       const fs::path& out) {
  const fs::path partial = out.string() + ".partial";
  std::size_t flagged = 0;
  {
    std::ofstream file(partial, std::ios::binary);
    if (!file) throw UserError(out.string() + ": cannot write here");
    for (const Task& t : tasks) {
      const auto s = store.suggestion(model_id, t.hash);
      nlohmann::json line = {{"image", t.path},
                             {"caption", nullptr},
                             {"confidence", nullptr},
                             {"unlike_training", s && s->unlike_training},
                             {"ood_score", nullptr}};
      if (s) line["caption"] = s->caption;
      if (s && has_confidence(*s)) line["confidence"] = s->confidence;
      if (s && !std::isnan(s->ood_score)) line["ood_score"] = s->ood_score;
      flagged += s && s->unlike_training;
      file << line.dump() << "\n";
    }
    if (!file.flush()) throw UserError(out.string() + ": write failed (disk full?)");
  }
  fs::rename(partial, out);
  std::printf("predictions written to %s\n", out.c_str());
  if (flagged)
    std::printf("%zu of %zu images are unlike the images the model was trained on (\"unlike_training\": true): "
                "their captions are guesses\n",
                flagged, tasks.size());
}

int run_predict(const AppContext& ctx, const fs::path& source, const std::string& model_path,
                const std::string& dataset, const fs::path& out, int beam, int batch, int threads) {
  auto store = ctx.open_store();
  const SourceScan scan = scan_with_store(source, *store);
  print_problems(scan.problems);
  if (!dataset.empty()) store->add_tasks(dataset, scan.tasks);
  auto model = open_model(model_path, beam, threads);
  std::vector<fs::path> todo;
  std::vector<std::uint64_t> hashes;
  for (const auto& t : scan.tasks)
    if (!store->suggestion(model->id(), t.hash)) {
      todo.push_back(t.path);
      hashes.push_back(t.hash);
    }
  std::printf("model %s: %zu images, %zu already captioned, %zu to caption\n", model->id().c_str(),
              scan.tasks.size(), scan.tasks.size() - todo.size(), todo.size());
  const auto start = std::chrono::steady_clock::now();
  // Suggestions are committed a batch at a time: one fsync per image would
  // dominate the run.
  std::size_t written = 0;
  std::vector<std::pair<std::uint64_t, Suggestion>> pending;
  const std::string failure = caption_all(*model, todo, batch, "predict", [&](std::size_t i, const Caption& c) {
    pending.push_back({hashes[i], to_suggestion(c, now_ms())});
    if (pending.size() >= 64) {
      store->put_suggestions(model->id(), pending);
      written += pending.size();
      pending.clear();
    }
  });
  store->put_suggestions(model->id(), pending);
  written += pending.size();
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("captioned %zu images in %.1f s (%.1f images/s)%s\n", written, seconds,
              seconds > 0 ? written / seconds : 0.0, g_stop ? " — interrupted; run again to finish" : "");
  if (!out.empty()) write_predictions(*store, model->id(), scan.tasks, out);
  if (written == 0 && !failure.empty()) throw UserError("nothing could be captioned: " + failure);
  if (written < todo.size() && !failure.empty() && !g_stop)
    std::fprintf(stderr, "gloss: %zu images not captioned (named above); run again to retry them\n",
                 todo.size() - written);
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
  eval->callback([&ctx, e] {
    ctx.action = [&ctx, e] { return run_eval(ctx, e->data, e->model, e->out, e->beam, e->batch, e->threads); };
  });

  struct PredictArgs { std::string source, model, dataset, out; int beam = 1, batch = 8, threads = default_threads(); };
  auto p = std::make_shared<PredictArgs>();
  auto* predict = app.add_subcommand("predict", "Pre-caption a source into the store's suggestion cache (cached ones are skipped)");
  predict->add_option("SOURCE", p->source, "Folder of images or .jsonl")->required();
  predict->add_option("--model", p->model, "Model file: .gloss, TorchScript .pt, or endpoint .json (docs/models.md); default: the bundled model");
  predict->add_option("--dataset", p->dataset, "Also add the images to this dataset");
  predict->add_option("--out", p->out, "Write {image, caption, confidence, unlike_training, ood_score} per image here (JSONL; null where none)");
  predict->add_option("--beam", p->beam, "Beam width (1 = greedy)")->check(CLI::Range(1, 32));
  predict->add_option("--batch", p->batch, "Images per forward pass")->check(CLI::Range(1, 1024));
  predict->add_option("--threads", p->threads, "Torch threads");
  predict->callback([&ctx, p] {
    ctx.action = [&ctx, p] {
      return run_predict(ctx, p->source, p->model, p->dataset, p->out, p->beam, p->batch, p->threads);
    };
  });
}

}  // namespace gloss
