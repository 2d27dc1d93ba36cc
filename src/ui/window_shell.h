// What every window mode shares (caption, errors, compare): the frame's
// plumbing, the worker's results, image and detail requests, the moves, the
// gallery, help, jump and zoom keys, notices, the replay, the summary on quit
// and screenshots. What differs between the modes is the Mode's (mode.h); the
// shell has no branch per mode. UI thread only.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/ahead_scheduler.h"
#include "core/background_scan.h"
#include "core/caption_session.h"
#include "core/keymap.h"
#include "core/outbox_store.h"
#include "ui/detail_texture.h"
#include "ui/image_renderer.h"
#include "ui/mode.h"
#include "ui/replay.h"
#include "ui/texture_cache.h"
#include "ui/views/views.h"
#include "ui/window.h"

namespace gloss::ui {

struct WindowShellOptions {
  Keymap keymap = Keymap::defaults();
  std::vector<ReplayStep> replay;
  bool replaying = false;
  std::filesystem::path final_screenshot;  // --screenshot: written when quitting
  std::string model_label;
  std::string startup_notice;
  std::uint64_t ahead = 32;
  double summary_seconds = 1.6;  // how long the summary stays up on quit (not under --replay)
  // gloss caption on a folder still being indexed: followed a few times a second.
  const BackgroundScan* scan = nullptr;
  // A team store seen through a local outbox: the status bar says when it is
  // offline and how many answers wait.
  const OutboxStore* outbox = nullptr;
};

class WindowShell {
 public:
  WindowShell(Store& store, CaptionSession& session, AheadScheduler& ahead, Window& window, TextureCache& images,
              TextureCache& thumbs, ImageRenderer& renderer, Mode& mode, WindowShellOptions options);

  void start();
  // One frame between Window::begin_frame and end_frame. Returns the path to
  // write this frame to, if a screenshot is due.
  std::filesystem::path frame();
  void request_quit();
  bool finished() const;
  // True when the next frame should come at once rather than waiting for input.
  bool busy() const;
  // The open image has been drawn at least once (start-up is over).
  bool image_shown() const { return view_.image_drawn; }

  // ---- for the modes
  // "Ctrl+R" or "PageDown / Alt+Right": the keys bound to an action.
  std::string keys(Action action) const;
  // A short message over the image for `seconds`.
  void notice(const std::string& text, double seconds = 3.5);
  // After an answer: says so when nothing is left for this annotator.
  void tell_if_nothing_left();
  // Reopens the session's last answer (Ctrl+Z once the box has no edits).
  void undo_answer();

 private:
  void drain_results();
  void follow_scan();
  void draw(Intents& out);
  void draw_notice(const ViewContext& c, ImVec2 body_min, float side_w, float gap);
  void apply(const Intents& in);
  void handle_chord(const Chord& chord);
  void dispatch(Action action);
  void dispatch_unguarded(Action action);
  void dispatch_gallery(Action action);
  void dispatch_common(Action action);
  void after_move(std::uint64_t before, std::uint64_t generation_before);
  void update_peek();
  void update_detail(const std::optional<ImageRegion>& wanted);
  void drop_detail();
  std::string nothing_left_text(bool at_start) const;
  void watch_for_freed_work();
  void step_replay();
  void report_glyphs(const ReplayStep& step);
  // shown_text.cpp: the characters about to be drawn, for the font atlas.
  void cover_shown_text();
  void cover_delivered_text(const AheadResult& r);
  bool image_settled();
  // No folder being indexed, or its first pass over (done or stopped).
  bool indexing_settled() const;
  double now_s() const;

  Store& store_;
  double next_work_check_s_ = 0;
  CaptionSession& session_;
  AheadScheduler& ahead_;
  Window& window_;
  TextureCache& images_;
  TextureCache& thumbs_;
  ImageRenderer& renderer_;
  Mode& mode_;
  WindowShellOptions options_;
  ViewState view_;
  std::unordered_map<std::uint64_t, std::string> failures_;  // task -> why it cannot be read
  // task -> why the model gave no caption (yet), until one arrives
  std::unordered_map<std::uint64_t, AheadResult> suggestion_errors_;
  std::uint64_t image_requested_for_ = UINT64_MAX;
  std::optional<std::uint64_t> peek_;  // told to the scheduler: where a jump is about to land
  DetailSlot detail_;
  std::optional<ImageRegion> detail_requested_;  // told to the scheduler, for the open task
  std::filesystem::path screenshot_;
  double quit_at_ = 0;
  int quit_frames_ = 0;
  bool finished_ = false;

  // The folder scan as last read (follow_scan), and whether its end was told.
  std::optional<BackgroundScanStatus> scan_;
  double scan_read_at_ = 0;
  bool scan_end_told_ = false;

  std::size_t replay_next_ = 0;
  double replay_wait_until_ = 0;
  double replay_step_started_ = 0;
  int replay_hold_frames_ = 0;  // lets an injected key reach the widgets before the next step
};

}  // namespace gloss::ui
