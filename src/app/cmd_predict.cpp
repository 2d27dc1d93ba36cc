// gloss predict: pre-captions a source into the store's suggestion cache.
// Several predicts of one model on one store (machines sharing a PostgreSQL
// server, or processes sharing an LMDB folder) split the work: each claims
// a batch at a time (core/caption_work.h), captions only what it got, and
// waits for the others' batches at the end, so all of them finish when the
// whole source is cached.
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <unordered_map>

#include <nlohmann/json.hpp>

#include "app/batch_caption.h"
#include "app/commands.h"
#include "app/progress.h"
#include "core/caption_work.h"
#include "core/error.h"
#include "core/image_roots.h"
#include "model/captioner.h"

namespace gloss {
namespace fs = std::filesystem;

namespace {

std::atomic<bool> g_stop{false};
void on_interrupt(int) { g_stop = true; }

struct PredictArgs {
  std::string source, model, dataset, out;
  int beam = 1, batch = 8, threads = default_threads();
};

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


// Said once each time this predict runs out of work it may take while
// other predicts still hold some.
void say_waiting(std::size_t held, const CaptionWork& work) {
  std::fprintf(stderr,
               "\ngloss: waiting for %zu images another gloss predict of this model is captioning on this store "
               "(checking every 2 s; if it stopped, its claims lapse within %lld minutes)\n",
               held, static_cast<long long>((work.lease_ms() + 59999) / 60000));
}

// Captions the batches this predict is handed until none is left; returns
// the first failure of the model, empty when none.
std::string caption_claimed(Store& store, Captioner& model, CaptionWork& work,
                            const std::unordered_map<std::uint64_t, const Task*>& tasks) {
  const ImageRoots here;  // the scan found the files on this machine: read them where it did
  ProgressBar bar("predict", static_cast<long long>(work.left()));
  const std::size_t total = work.left();
  CaptionFailures failures;
  for (;;) {
    const std::vector<std::uint64_t> batch = work.next(g_stop, [&](std::size_t held) { say_waiting(held, work); });
    if (batch.empty()) break;
    const auto start = std::chrono::steady_clock::now();
    std::vector<std::pair<std::uint64_t, Suggestion>> results;
    const BatchOutcome outcome = caption_batch(
        model, batch.size(),
        [&](std::size_t i) {
          const Task& t = *tasks.at(batch[i]);
          return decode_image(read_task_image(t, here), t.path, kModelInputSide);
        },
        [&](std::size_t i) { return tasks.at(batch[i])->path; },
        [&](std::size_t i, const Caption& c) { results.push_back({batch[i], to_suggestion(c, now_ms())}); },
        failures);
    // One commit a batch: one fsync per image would dominate the run.
    store.put_suggestions(model.id(), results);
    work.done(outcome.captioned, outcome.failed,
              std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start));
    bar.update(static_cast<long long>(total - work.left()));
  }
  bar.finish();
  failures.finish();
  return failures.first();
}

void print_summary(const CaptionWork& work) {
  const CaptionWorkCounts& n = work.counts();
  const double seconds = std::chrono::duration<double>(n.captioning).count();
  std::printf("captioned %zu images here in %.1f s (%.1f images/s)", n.captioned_here, seconds,
              seconds > 0 ? n.captioned_here / seconds : 0.0);
  if (n.by_others) std::printf("; %zu were captioned meanwhile by another gloss predict on this store", n.by_others);
  if (n.waiting.count() >= 1000)
    std::printf("; waited %.1f s for its last batches", std::chrono::duration<double>(n.waiting).count());
  std::printf("%s\n", g_stop ? " — interrupted; run again to finish" : "");
}

int run_predict(const AppContext& ctx, const PredictArgs& a) {
  auto store = ctx.open_store();
  const SourceScan scan = scan_with_store(a.source, *store);
  print_problems(scan.problems);
  if (!a.dataset.empty()) store->add_tasks(a.dataset, scan.tasks);
  auto model = open_model(a.model, a.beam, a.threads);
  std::vector<std::uint64_t> hashes;
  std::unordered_map<std::uint64_t, const Task*> by_hash;
  for (const Task& t : scan.tasks) {
    hashes.push_back(t.hash);
    by_hash.emplace(t.hash, &t);
  }
  // An endpoint model's requests run concurrently within a batch; a claim is one batch.
  const std::size_t batch = static_cast<std::size_t>(std::max(a.batch, model->concurrency()));
  CaptionWork work(*store, hashes, CaptionWorkOptions{model->id(), default_worker_name(), batch});
  std::printf("model %s: %zu images, %zu already captioned, %zu to caption (shared with any other gloss predict of "
              "this model on this store)\n",
              model->id().c_str(), work.counts().total, work.counts().cached_at_start, work.left());
  std::signal(SIGINT, on_interrupt);
  std::signal(SIGTERM, on_interrupt);
  std::fflush(stdout);  // before the progress bar and any waiting notice on stderr
  const std::string failure = caption_claimed(*store, *model, work, by_hash);
  work.release();  // what is left (failed here, interrupted) is free for the others at once
  print_summary(work);
  if (!a.out.empty()) write_predictions(*store, model->id(), scan.tasks, a.out);
  const CaptionWorkCounts& n = work.counts();
  if (n.captioned_here == 0 && !failure.empty()) throw UserError("nothing could be captioned: " + failure);
  if (n.failed_here && !g_stop)
    std::fprintf(stderr, "gloss: %zu images not captioned (named above); run again to retry them\n", n.failed_here);
  return 0;
}

}  // namespace

void register_predict_command(CLI::App& app, AppContext& ctx) {
  auto p = std::make_shared<PredictArgs>();
  auto* predict = app.add_subcommand(
      "predict",
      "Pre-caption a source into the store's suggestion cache (cached ones are skipped); several predicts of one "
      "model on one store, on one machine or several, split the work");
  predict->add_option("SOURCE", p->source, "Folder of images or .jsonl")->required();
  predict->add_option("--model", p->model, "Model file: .gloss, TorchScript .pt, or endpoint .json (docs/models.md); default: the bundled model");
  predict->add_option("--dataset", p->dataset, "Also add the images to this dataset");
  predict->add_option("--out", p->out, "Write {image, caption, confidence, unlike_training, ood_score} per image here once the whole source is cached (JSONL; null where none)");
  predict->add_option("--beam", p->beam, "Beam width (1 = greedy)")->check(CLI::Range(1, 32));
  predict->add_option("--batch", p->batch, "Images per forward pass, and per claim when other predicts share the work")->check(CLI::Range(1, 1024));
  predict->add_option("--threads", p->threads, "Torch threads");
  predict->callback([&ctx, p] { ctx.action = [&ctx, p] { return run_predict(ctx, *p); }; });
}

}  // namespace gloss
