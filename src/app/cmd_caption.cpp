// gloss caption DATASET SOURCE: open the captioning window on the first images
// found while the rest of SOURCE is indexed behind it.
#include <cstdio>
#include <ctime>
#include <thread>

#include "app/commands.h"
#include "core/background_scan.h"
#include "core/error.h"
#include "core/folder_listing.h"
#include "core/number_text.h"
#include "core/sidecar.h"
#include "ui/bench_log.h"
#include "model/background_captioner.h"
#include "model/captioner.h"
#include "ui/caption_mode.h"
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
  // The window opens (and shows cached suggestions) before libtorch and the
  // weights load; a model that fails to load says so on the tasks it would
  // have captioned.
  return load_captioner_in_background(path, options);
}

// The bundled model, by default or named by its path.
bool is_bundled_model(const std::string& model) {
  if (model.empty()) return true;
  std::error_code ec;
  return fs::equivalent(fs::path(model), default_model_path(), ec);
}

std::string model_file_name(const std::string& model) {
  return (model.empty() ? default_model_path() : fs::path(model)).filename().string();
}

ScanOptions caption_scan_options(const std::string& sidecar_ext) {
  ScanOptions options;
  options.sidecar_ext = sidecar_ext;
  // Leave a core to the window and the model while the folder streams in.
  options.threads = std::max(2u, std::thread::hardware_concurrency()) - 1;
  return options;
}

// After the window: the first pass's report as add prints it, or where it
// stopped when the window closed first.
void report_scan_end(const BackgroundScan& scan, const std::string& dataset, const std::string& source,
                     const std::string& sidecar_ext) {
  const BackgroundScanStatus status = scan.status();
  if (!status.failure.empty()) std::fprintf(stderr, "gloss: indexing %s stopped: %s\n", source.c_str(), status.failure.c_str());
  if (const auto report = scan.first_report()) print_scan_report(*report, dataset, sidecar_ext);
  if (!status.first_pass_done && status.failure.empty())
    std::printf("indexing stopped at %s of %s files%s when the window closed: "
                "gloss caption (or gloss add) on %s again goes on from there\n",
                with_thousands(status.pass.done).c_str(), with_thousands(status.pass.listed).c_str(),
                status.pass.listing_done ? "" : " found so far", source.c_str());
  if (status.added_later)
    std::printf("%llu image%s that arrived in %s while the window was open %s added\n",
                static_cast<unsigned long long>(status.added_later), status.added_later == 1 ? "" : "s",
                source.c_str(), status.added_later == 1 ? "was" : "were");
}

// The window opens on the first images found; the rest of the folder
// streams in behind it (docs/scanning.md).
int run_caption(const AppContext& ctx, const CaptionArgs& a) {
  ui::bench::open(a.bench_log);  // --bench-log: first, so the log times the scan and the model load too
  auto store = ctx.open_window_store();
  const std::string annotator = ctx.annotator_name(*store);
  ui::bench::phase("store");
  const std::string sidecar_ext = sidecar_extension(a.sidecar_ext);
  check_source(a.source);
  BackgroundScan scan(*store, a.dataset, a.source, caption_scan_options(sidecar_ext));
  scan.start();
  ui::bench::phase("scan started");
  std::unique_ptr<Captioner> model;  // a file's model loads once the window is up
  std::string model_problem;
  try {
    model = open_model(a.model);
  } catch (const UserError& e) {
    model_problem = e.what();
  }
  ui::bench::phase("model file");  // read and checked; libtorch and the weights load behind
  scan.wait_for_first_task();
  ui::bench::phase("first task");
  const auto info = store->dataset(a.dataset);
  if (!info || info->size == 0) {
    scan.stop();
    report_scan_end(scan, a.dataset, a.source, sidecar_ext);
    throw UserError("'" + a.dataset + "' has no images: " + a.source + " had none gloss could read");
  }
  std::printf("'%s': %llu images%s, %llu already answered\n", a.dataset.c_str(),
              static_cast<unsigned long long>(info->size),
              scan.status().first_pass_done ? "" : " so far (the folder is still being indexed)",
              static_cast<unsigned long long>(info->answered));
  // A model that cannot be loaded does not keep the annotator out: the
  // window opens without suggestions and says why.
  if (!model_problem.empty())
    std::fprintf(stderr, "gloss: %s\ngloss: opening the window without suggestions: you caption by hand\n",
                 model_problem.c_str());
  ui::CaptionWindowOptions o;
  o.image_roots = ctx.image_roots();
  o.startup_notice = model_problem.empty() ? "" : "No suggestions: the model could not be loaded (" + model_problem + ")";
  o.mode = ui::caption_mode(
      is_bundled_model(a.model)
          ? "The bundled model was trained on synthetic scenes of coloured shapes; most of these images look nothing "
            "like them, so its suggestions are guesses (greyed, not pre-filled). For photos, use --model with a "
            "captioner that knows them: docs/models.md"
          : "Most of these images look nothing like the images this model was trained on, so its suggestions are "
            "guesses (greyed, not pre-filled)");
  o.dataset = a.dataset;
  o.session_name = a.session.empty() ? default_session_name(a.dataset) : a.session;
  o.annotator = annotator;
  if (model) o.models = {model.get()};
  if (auto* loading = dynamic_cast<BackgroundCaptioner*>(model.get()))
    o.on_window_ready = [loading] { loading->start_loading(); };
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
  o.scan = &scan;
  const int status = ui::run_caption_window(*store, o);
  scan.stop();  // what the pass in flight committed stays; the next open goes on from there
  report_scan_end(scan, a.dataset, a.source, sidecar_ext);
  return status;
}

}  // namespace

void register_caption_command(CLI::App& app, AppContext& ctx) {
  auto a = std::make_shared<CaptionArgs>();
  auto* cmd = app.add_subcommand("caption", "Caption a folder of images in a window, with model suggestions ahead of you; the window opens on the first images found while the rest of the folder is indexed");
  cmd->add_option("DATASET", a->dataset, "Dataset name (created if new)")->required();
  cmd->add_option("SOURCE", a->source, "Folder of images or .jsonl file")->required();
  cmd->add_option("--model", a->model, "Model file (.gloss, TorchScript .pt, endpoint .json: docs/models.md), or 'none' to caption by hand (default: the bundled model)");
  cmd->add_option("--ahead", a->ahead, "Suggestions to keep ready ahead of the cursor")->check(CLI::Range(1, 4096));
  cmd->add_option("--sidecar-ext", a->sidecar_ext,
                  "Caption file beside each image, shown as its suggestion unless --model names a model (default .txt)");
  cmd->add_option("--session", a->session, "Session name stored with each answer (default: DATASET-date_time)");
  add_annotator_option(cmd, ctx);
  add_image_root_option(cmd, ctx);
  cmd->add_option("--replay", a->replay, "Run a script of keys and typing (see docs/caption.md)")->check(CLI::ExistingFile);
  cmd->add_option("--screenshot", a->screenshot, "Write the window as PNG to this file when quitting");
  cmd->add_option("--bench-log", a->bench_log, "Write one JSON line per frame and per event (timings, for tests/bench/paging.cpp)");
  cmd->add_option("--keymap", a->keymap, "Key bindings file: lines like 'reject = Ctrl+Shift+R'")->check(CLI::ExistingFile);
  cmd->callback([&ctx, a] { ctx.action = [&ctx, a] { return run_caption(ctx, *a); }; });
}

}  // namespace gloss
