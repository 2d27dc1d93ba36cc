// The views of the caption window. Each reads the state through ViewContext
// and writes what the annotator asked for into Intents; the app applies them
// after drawing. Views never change the session or the store themselves.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include <imgui.h>

#include "core/outbox_store.h"
#include "core/background_scan.h"
#include "core/caption_session.h"
#include "core/category_stats.h"
#include "core/compare_pass.h"
#include "core/error_pass.h"
#include "core/review_pass.h"
#include "core/keymap.h"
#include "core/ahead_scheduler.h"
#include "ui/detail_texture.h"
#include "ui/image_renderer.h"
#include "ui/texture_cache.h"
#include "ui/window.h"

namespace gloss::ui {

// View state the app owns; the widgets' edit buffers live here too.
struct ViewState {
  bool image_drawn = false;          // an image has been on screen since the window opened
  bool gallery = false;
  bool help = false;
  bool jump = false;
  bool jump_focus = false;           // give the number box the keyboard once
  std::string jump_text;
  std::string jump_problem;          // why Enter did not go (not a number, out of range)
  std::uint64_t box_generation = 0;  // which session fill box_text holds
  std::string box_text;
  bool focus_box = true;
  bool cursor_to_end = false;        // after focusing the box from code
  bool box_active = false;
  bool jump_active = false;          // the number box has the keyboard
  std::uint64_t gallery_selected = 0;
  bool gallery_scroll = false;       // bring the selection into view once
  float zoom = 0.f;                  // 0 = fit to the pane, else screen px per image px
  float fit_scale = 1.f;             // last fit scale, for zooming from fit
  float pan_x = 0.f, pan_y = 0.f;    // image centre offset from the pane centre
  int background = 0;                // behind transparent pixels: 0 checkerboard, 1 black, 2 white
  std::string notice;                // a short message under the header
  double notice_until = 0;
  bool quitting = false;
  bool all_answered_notice = false;
  bool histogram = false;            // the error-category side panel
  std::unordered_map<std::uint64_t, std::string> thumbnail_errors;  // issue 8: task -> why its thumbnail failed
};

struct Intents {
  std::vector<Action> actions;
  std::optional<std::string> edited;
  std::optional<std::uint64_t> open_position;
  float zoom_by = 1.f;
  float zoom_anchor_x = 0.f, zoom_anchor_y = 0.f;  // relative to the pane centre
  float pan_dx = 0.f, pan_dy = 0.f;
  std::optional<std::pair<std::uint64_t, std::uint64_t>> thumbnails;  // first, count
  // The image pane is zoomed past its display-size decode: this rectangle of
  // the whole image is wanted at full resolution. Unset: no detail wanted.
  std::optional<ImageRegion> detail;
};

struct ViewContext {
  const CaptionSession& session;
  const Store& store;
  ViewState& view;
  TextureCache& images;
  TextureCache& thumbs;
  const DetailSlot& detail;
  ImageRenderer& renderer;
  const Fonts& fonts;
  const Keymap& keymap;
  AheadStatus ahead;
  std::uint64_t ahead_window = 0;
  std::string model_label;   // "model 3fa2c1d9 · native cnn-lstm ..." or "manual captioning"
  float scale = 1.f;
  double now_s = 0;
  const ErrorPass* errors = nullptr;  // set in the errors window (gloss errors)
  const ComparePass* compare = nullptr;  // set in the compare window (gloss compare)
  const ReviewPass* review = nullptr;    // set in the review window (gloss review)
  // What the histogram panel shows: the stored categories (errors window) or
  // the classifier's guesses for this dataset's corrections (caption window).
  std::vector<CategoryHistogram> histograms;
  bool histogram_guesses = false;
  // The folder still being indexed (gloss caption), if any.
  const BackgroundScanStatus* scan = nullptr;
  // A team store through an outbox (gloss caption --db postgresql://...).
  const OutboxStore* outbox = nullptr;
};

// "1,200"
std::string format_count(std::uint64_t n);
// "Ctrl+R" or "PageDown / Alt+Right"; "" if unbound.
std::string keys_for(const Keymap& keymap, Action action);

void draw_header(ViewContext& c, float height);
void draw_image_pane(ViewContext& c, Intents& out, ImVec2 size);
void draw_caption_panel(ViewContext& c, Intents& out, float height);
void draw_word_diff(ViewContext& c, const std::string& before, const std::string& after);
// The height draw_word_diff takes at `width` in the current font.
float word_diff_height(const std::string& before, const std::string& after, float width);
void draw_gallery(ViewContext& c, Intents& out, ImVec2 size);
void draw_status_bar(ViewContext& c, float height);
// Darkens everything drawn so far; call before an overlay window.
void dim_background();
// A centred overlay window (help, jump, summary) over a dimmed background,
// opened with its heading; y_fraction places its centre down the screen.
// Pair with end_overlay().
void begin_overlay(ViewContext& c, const char* id, const char* title, ImVec2 size, float y_fraction,
                   ImVec2 padding, ImGuiWindowFlags extra_flags = 0);
void end_overlay();
void draw_help(ViewContext& c);
void draw_jump(ViewContext& c, Intents& out);
void draw_summary(ViewContext& c, const SessionSummary& summary);
// Errors window: the suggestion, the final caption with the diff, the categories.
float errors_panel_height(const ViewContext& c);
void draw_errors_panel(ViewContext& c, Intents& out, float height);
// Horizontal bars per category, largest first; one column per model.
void draw_histogram_panel(ViewContext& c, ImVec2 size);
// One colour per category name, the same in every view.
ImVec4 category_colour(const std::string& category);
// Compare window: both captions side by side (blind), their differences
// marked, the keys; the edit box while the better one is being edited.
float compare_panel_height(const ViewContext& c);
void draw_compare_panel(ViewContext& c, Intents& out, float height);
// The live tally: A's and B's wins, ties, A's win rate with its 95% interval.
void draw_compare_stats_panel(ViewContext& c, ImVec2 size);

// Review window: every annotator's caption in a numbered row with a word
// diff against the selected (or final) caption, the edit box, the keys.
float review_panel_height(const ViewContext& c, float text_width);
void draw_review_panel(ViewContext& c, Intents& out, float height);

// The single-line caption box (the caption window's, the compare window's
// final caption): refilled with `fill` whenever `generation` changes, takes
// the keyboard unless an overlay is open, reports typing in out.edited.
void draw_caption_box(ViewContext& c, Intents& out, const char* id, std::uint64_t generation,
                      const std::string& fill, const char* hint);

}  // namespace gloss::ui
