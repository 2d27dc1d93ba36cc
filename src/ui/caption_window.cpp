#include "ui/caption_window.h"

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <optional>

#include "core/caption_session.h"
#include "core/ahead_scheduler.h"
#include "ui/bench_log.h"  // --bench-log hooks
#include "ui/gl_textures.h"
#include "ui/image_renderer.h"
#include "ui/replay.h"
#include "ui/texture_cache.h"
#include "ui/window.h"
#include "ui/window_shell.h"

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
  WindowShellOptions shell_options;
  shell_options.keymap = o.mode.keymap;
  if (!o.keymap.empty()) shell_options.keymap.load_file(o.keymap);
  if (!o.replay.empty()) shell_options.replay = load_replay(o.replay);  // bad lines fail before the window opens
  shell_options.replaying = !o.replay.empty();
  shell_options.final_screenshot = o.screenshot;
  shell_options.model_label = o.model_label;
  shell_options.startup_notice = o.startup_notice;
  shell_options.ahead = o.ahead;
  shell_options.scan = o.scan;
  shell_options.outbox = dynamic_cast<const OutboxStore*>(&store);

  const bool box_model = o.mode.suggestions_in_box && !o.models.empty();
  CaptionSession session(store, o.dataset, o.session_name, box_model ? o.models.front()->id() : "");
  if (!o.annotator.empty()) session.set_annotator(o.annotator);
  session.use_sidecar_suggestions(o.sidecar_suggestions && o.mode.suggestions_in_box);
  std::string summary;
  {
    const std::unique_ptr<Mode> mode = o.mode.make(store, session);
    AheadOptions ahead_options;
    ahead_options.ahead = o.ahead;
    ahead_options.image_roots = o.image_roots;
    if (const int side = Window::largest_monitor_side(); side > 0) ahead_options.display_side = side;
    AheadScheduler ahead(store, session.dataset(), o.models, ahead_options);
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
    WindowShell shell(store, session, ahead, window, images, thumbs, renderer, *mode, shell_options);
    StopSignals signals;
    shell.start();
    bool window_ready_called = false;
    const auto window_up = std::chrono::steady_clock::now();
    bench::phase("app");  // shaders, texture caches, the shell's first state
    while (!shell.finished()) {
      window.poll(shell.busy() ? 0.0 : 0.25);
      session.heartbeat(now_ms());
      bench::frame_begin();  // --bench-log hook
      if (g_stop_requested || window.close_requested()) {
        window.cancel_close();
        shell.request_quit();
      }
      window.begin_frame();
      renderer.begin_frame();
      const auto screenshot = shell.frame();
      bench::frame_built();  // --bench-log hook
      window.end_frame(screenshot);
      bench::frame_end(session.position(), ahead.status());  // --bench-log hook
      // After the first frame with the open image on screen (or 3 s, if no
      // image can be shown): the model's load must not slow the way to it.
      if (o.on_window_ready && !window_ready_called &&
          (shell.image_shown() || std::chrono::steady_clock::now() - window_up > std::chrono::seconds(3))) {
        window_ready_called = true;
        o.on_window_ready();
      }
    }
    ahead.stop();
    session.release_claims();
    bench::close(session.summary().stalls);  // --bench-log hook
    summary = mode->terminal_summary(session.summary());
  }
  std::printf("%s", summary.c_str());
  std::fflush(stdout);
  return 0;
}

}  // namespace gloss::ui
