// CaptionApp's side of the compare window: the judging keys, the edit of
// the better caption, and which keys belong to the edit box while it is open.
#include <array>

#include "ui/caption_app.h"

namespace gloss::ui {

// While the final caption is being edited, plain letters, digits, arrows and
// the editing keys move the text cursor or type: they are not judgements.
bool CaptionApp::text_box_has_keys(const Chord& chord) const {
  if (!compare_ || !compare_->editing() || !view_.box_active || chord.ctrl || chord.alt) return false;
  static constexpr std::array<std::string_view, 14> editing_keys = {
      "Left", "Right", "Up", "Down", "Home", "End", "Backspace", "Delete", "Space",
      "Minus", "Equal", "Comma", "Period", "Slash"};
  if (chord.key.size() == 1) return true;
  for (std::string_view key : editing_keys)
    if (chord.key == key) return true;
  return false;
}

bool CaptionApp::dispatch_compare(Action action) {
  ComparePass& p = *compare_;
  const std::int64_t t = now_ms();
  if (p.editing()) {
    if (action == Action::accept) {
      if (!p.finish_edit(t))
        notice("The final caption is empty: type one, or " + keys_for(options_.keymap, Action::revert) +
               " to go back to judging");
      return true;
    }
    if (action == Action::revert) {
      p.cancel_edit();
      return true;
    }
  }
  const bool judgeable = p.state() == ComparePass::State::ready || p.state() == ComparePass::State::answered;
  switch (action) {
    case Action::prefer_left:
    case Action::prefer_right:
    case Action::both_good:
    case Action::both_bad:
    case Action::edit_left:
    case Action::edit_right:
      if (!judgeable) {
        notice(p.state() == ComparePass::State::failed
                   ? "This image cannot be read: " + keys_for(options_.keymap, Action::skip) + " skips it"
                   : "Still captioning this image: a moment, or " + keys_for(options_.keymap, Action::skip) +
                         " to skip it");
        return true;
      }
      if (action == Action::edit_left) p.begin_edit(Side::left);
      else if (action == Action::edit_right) p.begin_edit(Side::right);
      else if (action == Action::prefer_left) p.pick(Pick::left, t);
      else if (action == Action::prefer_right) p.pick(Pick::right, t);
      else if (action == Action::both_good) p.pick(Pick::both_good, t);
      else p.pick(Pick::both_bad, t);
      break;
    case Action::accept:
      notice("Judge with " + keys_for(options_.keymap, Action::prefer_left) + " / " +
             keys_for(options_.keymap, Action::prefer_right) + ", or edit the better one with " +
             keys_for(options_.keymap, Action::edit_left) + " / " + keys_for(options_.keymap, Action::edit_right));
      return true;
    case Action::reject: p.reject(t); break;
    case Action::skip: p.skip(t); break;
    case Action::revert: return true;
    case Action::undo:
      if (p.undo(t)) notice("Undid the judgement for #" + format_count(session_.position() + 1) + ": it is open again");
      else notice("Nothing to undo in this session");
      return true;
    default: return false;  // moving, zooming, help: as in the caption window
  }
  if (session_.all_answered() && !p.editing())
    notice("That was the last one: every image in '" + session_.dataset_name() + "' is judged. " +
           keys_for(options_.keymap, Action::quit) + " shows the summary.");
  return true;
}

}  // namespace gloss::ui
