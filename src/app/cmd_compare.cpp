// gloss compare DATASET SOURCE --model-a A --model-b B: judge two captioners'
// captions side by side, blind, in the caption window.
#include <cstdio>
#include <ctime>
#include <optional>
#include <random>
#include <thread>

#include "app/commands.h"
#include "core/compare.h"
#include "core/error.h"
#include "model/captioner.h"
#include "ui/caption_window.h"
#include "ui/compare_mode.h"

namespace gloss {
namespace {

struct CompareArgs {
  std::string dataset, source, model_a, model_b, session;
  std::string replay, screenshot, keymap;
  std::uint64_t ahead = 32;
  std::optional<std::uint64_t> seed;
  bool show_identical = false;
};

std::unique_ptr<Captioner> open_model(const std::string& path, const char* flag) {
  CaptionerOptions options;
  // Leave a core to the window: typing must never lag behind the models.
  options.threads = std::max(1, static_cast<int>(std::thread::hardware_concurrency()) - 1);
  try {
    return load_captioner(path, options);
  } catch (const UserError& e) {
    throw UserError(std::string(flag) + ": " + e.what());
  }
}

// A dataset holds one comparison: answers of another kind, or of another
// pair of models, would make its tally meaningless.
void check_dataset_is_for(const Store& store, const DatasetInfo& info, const std::string& a, const std::string& b) {
  std::string problem;
  store.for_each_answer(info, [&](std::uint64_t, const Answer& answer) {
    if (!answer.compare)
      problem = "'" + info.name + "' holds answers that are not comparisons (captions?): compare into a new dataset";
    else if (answer.compare->model_a != a || answer.compare->model_b != b)
      problem = "'" + info.name + "' already compares model " + answer.compare->model_a.substr(0, 8) +
                " (A) with model " + answer.compare->model_b.substr(0, 8) +
                " (B): compare other models into a new dataset, or give the same models in the same order";
    return problem.empty();
  });
  if (!problem.empty()) throw UserError(problem);
}

int run_compare(const AppContext& ctx, const CompareArgs& a) {
  const auto model_a = open_model(a.model_a, "--model-a");
  const auto model_b = open_model(a.model_b, "--model-b");
  if (model_a->id() == model_b->id())
    throw UserError("--model-a and --model-b are the same model (id " + model_a->id() + "): nothing to compare");
  auto store = ctx.open_window_store();
  const SourceScan scan = scan_with_store(a.source, *store);
  print_problems(scan.problems);
  if (const auto existing = store->dataset(a.dataset))
    check_dataset_is_for(*store, *existing, model_a->id(), model_b->id());
  const AddResult added = store->add_tasks(a.dataset, scan.tasks);
  const DatasetInfo info = store->require_dataset(a.dataset);
  if (info.size == 0)
    throw UserError("'" + a.dataset + "' has no images: " + a.source + " had none gloss could read");
  const std::uint64_t seed = a.seed ? *a.seed : std::random_device{}();
  std::printf("'%s': %llu images (%llu added now), %llu already judged\n", a.dataset.c_str(),
              static_cast<unsigned long long>(info.size), static_cast<unsigned long long>(added.added),
              static_cast<unsigned long long>(info.answered));
  std::printf("A = model %s (%s)\nB = model %s (%s)\nblind order seed %llu (--seed %llu shows the same sides again)\n",
              model_a->id().c_str(), a.model_a.c_str(), model_b->id().c_str(), a.model_b.c_str(),
              static_cast<unsigned long long>(seed), static_cast<unsigned long long>(seed));
  std::fflush(stdout);
  ui::CaptionWindowOptions o;
  o.image_roots = ctx.image_roots();
  o.dataset = a.dataset;
  o.session_name = a.session.empty() ? default_session_name(a.dataset) : a.session;
  o.annotator = ctx.annotator_name(*store);
  o.mode = ui::compare_mode(CompareOptions{model_a->id(), model_b->id(), seed, a.show_identical});
  o.models = {model_a.get(), model_b.get()};
  o.model_label = "comparing A " + model_a->id().substr(0, 8) + " with B " + model_b->id().substr(0, 8) + " · blind";
  o.ahead = a.ahead;
  o.replay = a.replay;
  o.screenshot = a.screenshot;
  o.keymap = a.keymap;
  return ui::run_caption_window(*store, o);
}

}  // namespace

void register_compare_command(CLI::App& app, AppContext& ctx) {
  auto a = std::make_shared<CompareArgs>();
  auto* cmd = app.add_subcommand(
      "compare", "Judge two models' captions side by side, blind (Left/Right/Up/Down), with a live win rate");
  cmd->add_option("DATASET", a->dataset, "Dataset for the judgements (created if new; one pair of models per dataset)")
      ->required();
  cmd->add_option("SOURCE", a->source, "Folder of images or .jsonl file")->required();
  cmd->add_option("--model-a", a->model_a, "Model A (native .gloss or TorchScript .pt)")->required();
  cmd->add_option("--model-b", a->model_b, "Model B")->required();
  cmd->add_option("--seed", a->seed, "Seed of the blind left/right order (default: random, printed)");
  cmd->add_flag("--show-identical", a->show_identical,
                "Show images whose two captions are the same (default: answered as a tie without showing)");
  cmd->add_option("--ahead", a->ahead, "Images to keep captioned by both models ahead of the cursor")
      ->check(CLI::Range(1, 4096));
  cmd->add_option("--session", a->session, "Session name stored with each answer (default: DATASET-date_time)");
  add_annotator_option(cmd, ctx);
  add_image_root_option(cmd, ctx);
  cmd->add_option("--replay", a->replay, "Run a script of keys and typing (see docs/compare.md)")->check(CLI::ExistingFile);
  cmd->add_option("--screenshot", a->screenshot, "Write the window as PNG to this file when quitting");
  cmd->add_option("--keymap", a->keymap, "Key bindings file: lines like 'prefer-left = A'")->check(CLI::ExistingFile);
  cmd->callback([&ctx, a] { ctx.action = [&ctx, a] { return run_compare(ctx, *a); }; });
}

}  // namespace gloss
