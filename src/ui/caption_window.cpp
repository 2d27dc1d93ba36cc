#include "ui/caption_window.h"

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <optional>

#include "core/caption_session.h"
#include "core/category_stats.h"
#include "core/compare_pass.h"
#include "core/error_pass.h"
#include "core/ahead_scheduler.h"
#include "ui/bench_log.h"  // --bench-log hooks
#include "ui/caption_app.h"
#include "ui/gl_textures.h"
#include "ui/image_renderer.h"
#include "ui/replay.h"
#include "ui/texture_cache.h"
#include "ui/window.h"

namespace gloss::ui {
namespace {

std::atomic<bool> g_stop_requested{false};
extern "C" void on_stop_signal(int) { g_stop_requested = true; }

// Restores the previous handlers when the window closes.
class StopSignals {
 public:
  StopSignals() {
    g_stop_requested = false;
    int_ = std::signal(SIGINT, on_stop_signal);
    term_ = std::signal(SIGTERM, on_stop_signal);
  }
  ~StopSignals() {
    std::signal(SIGINT, int_);
    std::signal(SIGTERM, term_);
  }

 private:
  void (*int_)(int) = SIG_DFL;
  void (*term_)(int) = SIG_DFL;
};

// Images: the open one and its neighbours, plus a few to go back to.
constexpr std::size_t kImageTextureBytes = 256u << 20;
constexpr std::size_t kImageTextures = 48;
constexpr std::size_t kImageUploadPerFrame = 24u << 20;
constexpr std::size_t kThumbTextureBytes = 96u << 20;
constexpr std::size_t kThumbTextures = 2048;  // a few gallery screens
constexpr std::size_t kThumbUploadPerFrame = 2u << 20;

}  // namespace

int run_caption_window(Store& store, const CaptionWindowOptions& o) {
  CaptionAppOptions app_options;
  if (!o.errors_from.empty()) app_options.keymap = Keymap::errors_defaults();
  if (o.compare_b) app_options.keymap = Keymap::compare_defaults();
  if (!o.keymap.empty()) app_options.keymap.load_file(o.keymap);
  if (!o.replay.empty()) app_options.replay = load_replay(o.replay);  // bad lines fail before the window opens
  app_options.replaying = !o.replay.empty();
  app_options.final_screenshot = o.screenshot;
  app_options.model_label = o.model_label;
  app_options.startup_notice = o.startup_notice;
  app_options.unlike_training_notice = o.unlike_training_notice;
  app_options.ahead = o.ahead;
  app_options.scan = o.scan;
  app_options.outbox = dynamic_cast<const OutboxStore*>(&store);

  const bool comparing = o.compare_b != nullptr;
  CaptionSession session(store, o.dataset, o.session_name, o.captioner && !comparing ? o.captioner->id() : "");
  if (!o.annotator.empty()) session.set_annotator(o.annotator);
  session.use_sidecar_suggestions(o.sidecar_suggestions && !comparing && o.errors_from.empty());
  std::optional<ComparePass> compare;
  if (comparing) {
    compare.emplace(store, session, CompareOptions{o.captioner->id(), o.compare_b->id(), o.compare_seed, o.show_identical});
    app_options.compare = &*compare;
  }
  std::optional<ErrorPass> errors;
  if (!o.errors_from.empty()) {
    errors.emplace(store, store.require_dataset(o.errors_from), session, o.labels);
    app_options.errors = &*errors;
  }
  {
    AheadOptions ahead_options;
    ahead_options.ahead = o.ahead;
    ahead_options.image_roots = o.image_roots;
    if (const int side = Window::largest_monitor_side(); side > 0) ahead_options.display_side = side;
    std::vector<Captioner*> models;
    for (Captioner* m : {o.captioner, o.compare_b})
      if (m) models.push_back(m);
    AheadScheduler ahead(store, session.dataset(), models, ahead_options);
    ahead.set_notify(&Window::wake);
    // The worker starts on the first image while the window, fonts and
    // shaders are set up, so its suggestion is there when it opens.
    ahead.set_cursor(store.first_unanswered(session.dataset(), 0, session.annotator()).value_or(0));
    bench::phase("scheduler");  // --bench-log hook: session and scheduler started
    Window window("gloss · " + o.dataset, o.width, o.height);
    bench::phase("window");  // GLFW window, GL context, ImGui, fonts
    GlUploader uploader;
    ImageRenderer renderer;
    TextureCache images(uploader, kImageTextureBytes, kImageUploadPerFrame, kImageTextures);
    TextureCache thumbs(uploader, kThumbTextureBytes, kThumbUploadPerFrame, kThumbTextures);
    CaptionApp app(store, session, ahead, window, images, thumbs, renderer, app_options);
    StopSignals signals;
    app.start();
    bool window_ready_called = false;
    const auto window_up = std::chrono::steady_clock::now();
    bench::phase("app");  // shaders, texture caches, the app's first state
    while (!app.finished()) {
      window.poll(app.busy() ? 0.0 : 0.25);
      session.heartbeat(now_ms());
      bench::frame_begin();  // --bench-log hook
      if (g_stop_requested || window.close_requested()) {
        window.cancel_close();
        app.request_quit();
      }
      window.begin_frame();
      renderer.begin_frame();
      const auto screenshot = app.frame();
      bench::frame_built();  // --bench-log hook
      window.end_frame(screenshot);
      bench::frame_end(session.position(), ahead.status());  // --bench-log hook
      // After the first frame with the open image on screen (or 3 s, if no
      // image can be shown): the model's load must not slow the way to it.
      if (o.on_window_ready && !window_ready_called &&
          (app.image_shown() || std::chrono::steady_clock::now() - window_up > std::chrono::seconds(3))) {
        window_ready_called = true;
        o.on_window_ready();
      }
    }
    ahead.stop();
    session.release_claims();
    bench::close(session.summary().stalls);  // --bench-log hook
  }
  if (errors) {
    std::printf("%s", format_errors_summary(session.summary(), o.errors_from, o.dataset).c_str());
    std::printf("%s", format_category_stats(category_stats(store, store.require_dataset(o.dataset))).c_str());
  } else if (compare) {
    SessionSummary summary = session.summary();
    summary.stalls = compare->stalls();  // opened before both captions were there
    std::printf("%s", format_summary(summary, o.dataset).c_str());
    std::printf("identical captions answered as ties without showing them: %llu in this session\n",
                static_cast<unsigned long long>(compare->auto_ties()));
    std::printf("%s", format_compare_stats(compare_stats(store, store.require_dataset(o.dataset))).c_str());
  } else {
    std::printf("%s", format_summary(session.summary(), o.dataset).c_str());
  }
  std::fflush(stdout);
  return 0;
}

}  // namespace gloss::ui
