// A window mode: what the caption, errors and compare windows do
// differently, behind one small interface that the shared WindowShell
// drives. A mode owns its pass over the session (ErrorPass, ComparePass),
// answers the keys that are its own and picks the views under and beside the
// image. Moving, zooming, the gallery, help, the jump dialog, notices, the
// replay and quitting are the shell's, the same in every mode. UI thread only.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "core/ahead_scheduler.h"
#include "core/caption_session.h"
#include "core/keymap.h"
#include "core/store.h"

// The commands include the modes' headers: no ImGui here (views.h has it).
struct ImVec2;

namespace gloss::ui {

class FontAtlas;
class WindowShell;
struct Intents;
struct ViewContext;
struct ViewState;

class Mode {
 public:
  virtual ~Mode() = default;

  // The mode opens the first task itself in start() (gloss review walks its
  // own list); otherwise the shell opens the first unanswered one, claiming
  // tasks for the annotator.
  virtual bool opens_own_first_task() const { return false; }
  // Once, after the session opened its first task.
  virtual void start() {}
  // Whether the side panel (histogram, win rate) is open when the window opens.
  virtual bool side_panel_at_start() const { return false; }
  // Every frame, before the worker's results: what other annotators answered.
  virtual void follow_others() {}
  // The worker's caption of a task (r.model: 0, or 1 for compare's B).
  virtual void offer_suggestion(WindowShell& shell, const AheadResult& r) = 0;
  // Where the mode goes next when it walks its own order (gloss review: the
  // next task without a review): its image is decoded right after the open
  // one's. nullopt: the next position, as the worker does anyway.
  virtual std::optional<std::uint64_t> next_position() const { return std::nullopt; }
  // After every action, move and unreadable image: the mode's pass catches up
  // with the session. Must be cheap when nothing changed.
  virtual void sync() {}
  // The mode's own keys (answering, mostly). False leaves the action to the
  // shell: moves, undo, zoom, help, the gallery.
  virtual bool dispatch(WindowShell& shell, Action action) = 0;
  // The caption box's text, as typed.
  virtual void edit(const std::string& text) = 0;
  // A caption box is on screen and expects typing.
  virtual bool has_text_box() const = 0;
  // The chord is typing in the mode's open text box rather than an action.
  virtual bool text_box_has_keys(const ViewState&, const Chord&) const { return false; }
  // What --replay's wait-suggestion waits for.
  virtual bool waiting_for_suggestion() const = 0;

  // ---- drawing (views.h): fill_context first, then the rest with that context
  // Points the views at the mode's state; fills the histogram panel's columns.
  virtual void fill_context(ViewContext& c) = 0;
  // The panel under the image grows with what it shows.
  virtual float panel_height(const ViewContext& c, float text_width) const = 0;
  virtual void draw_panel(ViewContext& c, Intents& out, float height) = 0;
  virtual void draw_side_panel(ViewContext& c, ImVec2 size) = 0;
  // The characters the mode's views are about to show, for the font atlas.
  virtual void cover_shown_text(FontAtlas&) const {}

  // Printed on the terminal once the window has closed.
  virtual std::string terminal_summary(const SessionSummary& summary) const = 0;
};

// What a command asks of the window: the mode's keys, whether the session
// fills its caption box with suggestions, and the mode itself, made once the
// session exists (caption_mode.h, errors_mode.h, compare_mode.h).
struct ModeChoice {
  Keymap keymap = Keymap::defaults();  // the defaults a --keymap file changes
  // The first model's suggestion, or a sidecar's, pre-fills the box (gloss
  // caption); otherwise the session has no model of its own.
  bool suggestions_in_box = false;
  std::function<std::unique_ptr<Mode>(Store&, CaptionSession&)> make;
};

}  // namespace gloss::ui
