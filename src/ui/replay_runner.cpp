// WindowShell's side of --replay: one step per frame, run before the views so
// typed characters reach the caption box in the same frame.
#include <imgui.h>

#include <chrono>
#include <cstdio>
#include <string>

#include "ui/window_shell.h"

namespace gloss::ui {
namespace {

bool gave_up(double waited, double limit, const ReplayStep& step, const char* what) {
  if (waited < limit) return false;
  std::fprintf(stderr, "gloss: replay line %d: %s after %.0f s; going on\n", step.line, what, waited);
  return true;
}

std::string code_points(const std::u32string& chars) {
  std::string out;
  char buf[16];
  for (char32_t c : chars) std::snprintf(buf, sizeof buf, " U+%04X", static_cast<unsigned>(c)), out += buf;
  return out;
}

}  // namespace

// expect-glyphs: one line on stderr the tests read, with the atlas's figures.
void WindowShell::report_glyphs(const ReplayStep& step) {
  const FontAtlas& atlas = window_.font_atlas();
  const std::u32string missing = atlas.missing(step.text);
  const AtlasStats& st = atlas.stats();
  if (!missing.empty())
    std::fprintf(stderr, "gloss: replay line %d: no glyph for%s\n", step.line, code_points(missing).c_str());
  else
    std::fprintf(stderr, "gloss: replay line %d: every glyph drawn (atlas: %zu extra characters, %dx%d texture, "
                 "last build %.1f ms, %zu builds)\n", step.line, st.characters, st.texture_width, st.texture_height,
                 st.build_ms, st.builds);
}

void WindowShell::step_replay() {
  if (window_.input_pending()) return;
  if (replay_hold_frames_ > 0) {
    --replay_hold_frames_;
    return;
  }
  if (replay_next_ >= options_.replay.size()) return;
  const ReplayStep& step = options_.replay[replay_next_];
  const double now = now_s();
  if (replay_step_started_ == 0) replay_step_started_ = now;
  const double waited = now - replay_step_started_;
  bool done = true;
  switch (step.kind) {
    case ReplayStep::type:
      // Into the box the annotator would be typing in: the number box while it is open.
      done = view_.jump ? view_.jump_active : (view_.box_active && !view_.gallery);
      // As Window::on_char does for real typing: new glyphs are built before the text arrives.
      window_.font_atlas().want(step.text);
      if (done && window_.font_atlas().needs_build()) done = false;
      else if (done) ImGui::GetIO().AddInputCharactersUTF8(step.text.c_str());
      else done = gave_up(waited, 10, step, "no text box had the keyboard; text not typed");
      break;
    case ReplayStep::key:
      if (const auto action = options_.keymap.find(step.chord)) dispatch(*action);
      else if (window_.press_key(step.chord)) replay_hold_frames_ = 1;
      break;
    case ReplayStep::action: dispatch(step.act); break;
    case ReplayStep::wait_ms: done = waited * 1000 >= step.ms; break;
    case ReplayStep::wait_suggestion:
      done = !mode_.waiting_for_suggestion() || gave_up(waited, 120, step, "still no suggestion");
      break;
    case ReplayStep::wait_idle:
      // Indexing is background work too: a script that pages through the
      // whole folder must not outrun it.
      done = (ahead_.wait_idle(std::chrono::milliseconds(0)) && !images_.pending() && !thumbs_.pending() &&
              indexing_settled()) ||
             gave_up(waited, 120, step, "the background worker is still busy");
      break;
    case ReplayStep::screenshot:
      done = image_settled() || gave_up(waited, 15, step, "the image is still not on screen");
      if (done) screenshot_ = step.text;
      break;
    case ReplayStep::expect_glyphs:
      done = !window_.font_atlas().needs_build();  // judged on the atlas the next frame draws with
      if (done) report_glyphs(step);
      break;
    case ReplayStep::quit: request_quit(); break;
  }
  if (done) {
    ++replay_next_;
    replay_step_started_ = 0;
  }
}

}  // namespace gloss::ui
