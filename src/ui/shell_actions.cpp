// WindowShell's side of the keys: the chord -> action table, the overlays
// (jump, help, gallery) that take keys first, the mode's own keys, then the
// moves every mode shares.
#include <algorithm>
#include <cstdio>

#include "core/error.h"
#include "core/jump_number.h"
#include "core/number_text.h"
#include "ui/bench_log.h"  // --bench-log hooks
#include "ui/window_shell.h"

namespace gloss::ui {

std::string WindowShell::keys(Action action) const { return keys_for(options_.keymap, action); }

// Said once nothing is left to hand this annotator: all done, or the rest
// is with other annotators (a team dataset).
std::string WindowShell::nothing_left_text(bool at_start) const {
  const std::string name = "'" + session_.dataset_name() + "'";
  if (session_.dataset_done()) {
    if (at_start) return "Every image in " + name + " already has an answer: you are reviewing.";
    return "That was the last one: every image in " + name + " has an answer. " + keys(Action::quit) +
           " shows the summary.";
  }
  const DatasetInfo& d = session_.dataset();
  return "Nothing left for you in " + name + " right now: the " + with_thousands(d.size - d.answered) +
         " images still open are with other annotators or wait for a second opinion. "
         "gloss will say when one is free for you.";
}

void WindowShell::tell_if_nothing_left() {
  if (session_.all_answered()) notice(nothing_left_text(false));
}

// While nothing is left for this annotator, asks every few seconds whether a
// lease lapsed or images were added, and says so without moving the cursor.
void WindowShell::watch_for_freed_work() {
  if (!session_.all_answered() || session_.dataset_done()) return;
  const double now = now_s();
  if (now < next_work_check_s_) return;
  next_work_check_s_ = now + 5.0;
  if (session_.work_freed_up())
    notice("An image is free for you again: " + keys(Action::next_unanswered) + " opens it.");
}

void WindowShell::handle_chord(const Chord& chord) {
  if (mode_.text_box_has_keys(view_, chord)) return;
  if (const auto action = options_.keymap.find(chord)) dispatch(*action);
}

// A save the store refuses (the disk is full, say) leaves the task open with
// what was typed: the annotator can free space and press the key again.
void WindowShell::dispatch(Action action) {
  try {
    dispatch_unguarded(action);
  } catch (const StoreError& e) {
    std::fprintf(stderr, "gloss: %s\n", e.what());
    notice(std::string("Not saved: ") + e.what(), 30.0);
  }
}

void WindowShell::dispatch_unguarded(Action action) {
  if (view_.quitting) return;
  bench::dispatch(action_name(action));  // --bench-log hook
  if (action == Action::quit) return request_quit();
  const auto before = session_.position();
  const auto generation = session_.box_generation();
  if (view_.jump) {
    if (action == Action::accept) {
      const JumpTarget target = parse_jump_number(view_.jump_text, session_.size());
      if (!target.position) {
        // The dialog stays open and says why; Enter took the box's keyboard, give it back.
        view_.jump_problem = target.problem;
        view_.jump_focus = true;
        return;
      }
      session_.jump_to_number(*target.position + 1, now_ms());
      view_.gallery = false;
    }
    if (action == Action::accept || action == Action::revert || action == Action::jump)
      view_.jump = false, view_.focus_box = true;
    return after_move(before, generation);
  }
  if (view_.help) {
    view_.help = false;
    if (action == Action::help || action == Action::revert) return;
  }
  if (view_.gallery) dispatch_gallery(action);
  else if (!mode_.dispatch(*this, action)) dispatch_common(action);
  after_move(before, generation);
}

void WindowShell::dispatch_gallery(Action action) {
  auto& sel = view_.gallery_selected;
  const std::uint64_t last = session_.size() ? session_.size() - 1 : 0;
  switch (action) {
    case Action::accept:
      session_.open(sel, now_ms());
      view_.gallery = false;
      break;
    case Action::revert:
    case Action::gallery: view_.gallery = false; break;
    case Action::next: sel = std::min(last, sel + 1), view_.gallery_scroll = true; break;
    case Action::previous: sel = sel ? sel - 1 : 0, view_.gallery_scroll = true; break;
    case Action::help: view_.help = true; break;
    case Action::jump: view_.jump = view_.jump_focus = true, view_.jump_text.clear(), view_.jump_problem.clear(); break;
    case Action::next_unanswered:
      session_.next_unanswered(now_ms());
      sel = session_.position(), view_.gallery_scroll = true;
      break;
    default: break;  // answering from the gallery would be answering blind
  }
}

// What the mode left: moving, undo, the overlays, zoom, the side panel.
void WindowShell::dispatch_common(Action action) {
  const std::int64_t t = now_ms();
  switch (action) {
    case Action::undo: undo_answer(); break;
    case Action::next: session_.next(t); break;
    case Action::previous: session_.previous(t); break;
    case Action::next_unanswered:
      session_.next_unanswered(t);
      if (session_.all_answered())
        notice(session_.dataset_done() ? "Every image has an answer" : nothing_left_text(false));
      break;
    case Action::jump: view_.jump = view_.jump_focus = true, view_.jump_text.clear(), view_.jump_problem.clear(); break;
    case Action::gallery:
      view_.gallery = true, view_.gallery_selected = session_.position(), view_.gallery_scroll = true;
      break;
    case Action::help: view_.help = true; break;
    case Action::zoom_in: view_.zoom = (view_.zoom > 0.f ? view_.zoom : view_.fit_scale) * 1.25f; break;
    case Action::zoom_out: view_.zoom = (view_.zoom > 0.f ? view_.zoom : view_.fit_scale) / 1.25f; break;
    case Action::zoom_fit: view_.zoom = 0.f, view_.pan_x = view_.pan_y = 0.f; break;
    case Action::zoom_actual: view_.zoom = 1.f, view_.pan_x = view_.pan_y = 0.f; break;
    case Action::histogram: view_.histogram = !view_.histogram; break;
    case Action::background: {
      view_.background = (view_.background + 1) % 3;
      static const char* const names[] = {"a checkerboard", "black", "white"};
      notice(std::string("Transparent parts are shown over ") + names[view_.background]);
      break;
    }
    default: break;  // another mode's key (a judgement in the caption window, say)
  }
}

void WindowShell::undo_answer() {
  if (!session_.untouched()) return;  // Ctrl+Z undoes typing while the box has edits
  if (session_.undo(now_ms()))
    notice("Undid the answer for #" + format_count(session_.position() + 1) + ": it is open again");
  else
    notice("Nothing to undo in this session");
}

}  // namespace gloss::ui
