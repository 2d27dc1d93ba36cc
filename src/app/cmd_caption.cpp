// gloss caption DATASET SOURCE: add the images, then open the captioning window.
#include <cstdio>
#include <ctime>
#include <thread>

#include "app/commands.h"
#include "core/error.h"
#include "core/sidecar.h"
#include "ui/bench_log.h"
#include "model/background_captioner.h"
#include "model/captioner.h"
#include "ui/caption_window.h"

namespace gloss {
namespace fs = std::filesystem;

std::string default_session_name(const std::string& dataset) {
  const std::time_t t = std::time(nullptr);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y-%m-%d_%H-%M-%S", std::localtime(&t));
  return dataset + "-" + stamp;
}

namespace {

struct CaptionArgs {
  std::string dataset, source, model, session;
  std::string replay, screenshot, keymap;
  std::string bench_log;  // --bench-log
  std::string sidecar_ext = ".txt";
  std::uint64_t ahead = 32;
};

std::unique_ptr<Captioner> open_model(const std::string& model) {
  if (model == "none") return nullptr;
  const fs::path path = model.empty() ? default_model_path() : fs::path(model);
  if (model.empty() && !fs::exists(path))
    throw UserError("no model at " + path.string() +
                    "; pass --model FILE, or --model none to caption by hand");
  CaptionerOptions options;
  // Leave a core to the window: typing must never lag behind the model.
  options.threads = std::max(1, static_cast<int>(std::thread::hardware_concurrency()) - 1);
  // The window opens (and shows cached suggestions) while libtorch and the
  // weights load; a model that fails to load says so on the tasks it would
  // have captioned.
  return load_captioner_in_background(path, options);
}

std::string model_file_name(const std::string& model) {
  return (model.empty() ? default_model_path() : fs::path(model)).filename().string();
}

int run_caption(const AppContext& ctx, const CaptionArgs& a) {
  ui::bench::open(a.bench_log);  // --bench-log: first, so the log times the scan and the model load too
  auto store = ctx.open_store();
  const std::string sidecar_ext = sidecar_extension(a.sidecar_ext);
  SourceScan scan = scan_with_store(a.source, *store);
  const SidecarScan sidecars = read_sidecars(scan, sidecar_ext);
  print_problems(scan.problems);
  const AddResult added = store->add_tasks(a.dataset, scan.tasks);
  store_sidecars(*store, sidecars, sidecar_ext);
  const DatasetInfo info = store->require_dataset(a.dataset);
  std::printf("'%s': %llu images (%llu added now), %llu already answered\n", a.dataset.c_str(),
              static_cast<unsigned long long>(info.size), static_cast<unsigned long long>(added.added),
              static_cast<unsigned long long>(info.answered));
  // Scan report (issue 8): every skipped file by name, then the counts by reason.
  for (std::size_t i = 0; i < scan.duplicates.size() && i < 20; ++i)
    std::fprintf(stderr, "gloss: %s: same bytes as %s, skipped (duplicate)\n", scan.duplicates[i].c_str(),
                 scan.duplicate_of[i].c_str());
  if (!scan.problems.empty() || !scan.duplicates.empty())
    std::printf("%zu files skipped: %s\n", scan.problems.size() + scan.duplicates.size(),
                count_skipped(scan).c_str());
  if (info.size == 0)
    throw UserError("'" + a.dataset + "' has no images: " + a.source + " had none gloss could read");
  // A model that cannot be loaded does not keep the annotator out: the
  // window opens without suggestions and says why.
  std::unique_ptr<Captioner> model;
  std::string model_problem;
  try {
    model = open_model(a.model);
  } catch (const UserError& e) {
    model_problem = e.what();
    std::fprintf(stderr, "gloss: %s\ngloss: opening the window without suggestions: you caption by hand\n", e.what());
  }
  ui::CaptionWindowOptions o;
  o.startup_notice = model_problem.empty() ? "" : "No suggestions: the model could not be loaded (" + model_problem + ")";
  o.dataset = a.dataset;
  o.session_name = a.session.empty() ? default_session_name(a.dataset) : a.session;
  o.captioner = model.get();
  // A sidecar is the suggestion where there is one, unless a model was
  // asked for by name: then that model's suggestions are what to review.
  o.sidecar_suggestions = a.model.empty() || a.model == "none";
  o.model_label = model                   ? "model " + model->id().substr(0, 8) + " · " + model_file_name(a.model)
                  : model_problem.empty() ? "manual captioning (no model)"
                                          : "manual captioning: the model could not be loaded";
  o.ahead = a.ahead;
  o.replay = a.replay;
  o.screenshot = a.screenshot;
  o.keymap = a.keymap;
  return ui::run_caption_window(*store, o);
}

}  // namespace

void register_caption_command(CLI::App& app, AppContext& ctx) {
  auto a = std::make_shared<CaptionArgs>();
  auto* cmd = app.add_subcommand("caption", "Caption a folder of images in a window, with model suggestions ahead of you");
  cmd->add_option("DATASET", a->dataset, "Dataset name (created if new)")->required();
  cmd->add_option("SOURCE", a->source, "Folder of images or .jsonl file")->required();
  cmd->add_option("--model", a->model, "Model file (.gloss, TorchScript .pt, endpoint .json: docs/models.md), or 'none' to caption by hand (default: the bundled model)");
  cmd->add_option("--ahead", a->ahead, "Suggestions to keep ready ahead of the cursor")->check(CLI::Range(1, 4096));
  cmd->add_option("--sidecar-ext", a->sidecar_ext,
                  "Caption file beside each image, shown as its suggestion unless --model names a model (default .txt)");
  cmd->add_option("--session", a->session, "Session name stored with each answer (default: DATASET-date_time)");
  cmd->add_option("--replay", a->replay, "Run a script of keys and typing (see docs/caption.md)")->check(CLI::ExistingFile);
  cmd->add_option("--screenshot", a->screenshot, "Write the window as PNG to this file when quitting");
  cmd->add_option("--bench-log", a->bench_log, "Write one JSON line per frame and per event (timings, for tests/bench/paging.cpp)");
  cmd->add_option("--keymap", a->keymap, "Key bindings file: lines like 'reject = Ctrl+Shift+R'")->check(CLI::ExistingFile);
  cmd->callback([&ctx, a] { ctx.action = [&ctx, a] { return run_caption(ctx, *a); }; });
}

}  // namespace gloss
