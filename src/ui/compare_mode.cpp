#include "ui/compare_mode.h"

#include <array>
#include <cstdio>
#include <utility>

#include "core/compare.h"
#include "ui/font_atlas.h"
#include "ui/views/views.h"
#include "ui/window_shell.h"

namespace gloss::ui {

ModeChoice compare_mode(CompareOptions options) {
  ModeChoice choice;
  choice.keymap = Keymap::compare_defaults();
  choice.make = [options = std::move(options)](Store& store, CaptionSession& session) {
    return std::make_unique<CompareMode>(store, session, options);
  };
  return choice;
}

CompareMode::CompareMode(Store& store, CaptionSession& session, CompareOptions options)
    : store_(store), session_(session), pass_(store, session, std::move(options)) {}

void CompareMode::start() {
  pass_.load_tally();
  pass_.sync(now_ms());
  team_ = std::make_unique<TeamAnswers>(store_, session_.dataset(), session_.annotator());
}

void CompareMode::follow_others() {
  if (const auto changes = team_->take()) pass_.apply(*changes);
}

void CompareMode::offer_suggestion(WindowShell&, const AheadResult& r) {
  pass_.offer(r.model, r.task, r.caption, now_ms());
}

// While the final caption is being edited, plain letters, digits, arrows and
// the editing keys move the text cursor or type: they are not judgements.
bool CompareMode::text_box_has_keys(const ViewState& view, const Chord& chord) const {
  return pass_.editing() && view.box_active && types_into_text_box(chord);
}

bool CompareMode::dispatch(WindowShell& shell, Action action) {
  if (pass_.editing() && (action == Action::accept || action == Action::revert)) return dispatch_edit(shell, action);
  const std::int64_t t = now_ms();
  switch (action) {
    case Action::prefer_left:
    case Action::prefer_right:
    case Action::both_good:
    case Action::both_bad:
    case Action::edit_left:
    case Action::edit_right:
      if (!judge(shell, action)) return true;
      break;
    case Action::accept:
      shell.notice("Judge with " + shell.keys(Action::prefer_left) + " / " + shell.keys(Action::prefer_right) +
                   ", or edit the better one with " + shell.keys(Action::edit_left) + " / " +
                   shell.keys(Action::edit_right));
      return true;
    case Action::reject: pass_.reject(t); break;
    case Action::skip: pass_.skip(t); break;
    case Action::revert: return true;
    case Action::undo:
      if (pass_.undo(t)) shell.notice("Undid the judgement for #" + format_count(session_.position() + 1) + ": it is open again");
      else shell.notice("Nothing to undo in this session");
      return true;
    default: return false;  // moving, zooming, help: the shell's
  }
  if (session_.all_answered() && !pass_.editing())
    shell.notice("That was the last one: every image in '" + session_.dataset_name() + "' is judged. " +
                 shell.keys(Action::quit) + " shows the summary.");
  return true;
}

// Enter saves the edited caption, Escape goes back to judging.
bool CompareMode::dispatch_edit(WindowShell& shell, Action action) {
  if (action == Action::revert) {
    pass_.cancel_edit();
    return true;
  }
  if (!pass_.finish_edit(now_ms()))
    shell.notice("The final caption is empty: type one, or " + shell.keys(Action::revert) + " to go back to judging");
  return true;
}

// A pick or the start of an edit; false when both captions are not there to judge.
bool CompareMode::judge(WindowShell& shell, Action action) {
  const auto state = pass_.state();
  if (state != ComparePass::State::ready && state != ComparePass::State::answered) {
    shell.notice(state == ComparePass::State::failed
                     ? "This image cannot be read: " + shell.keys(Action::skip) + " skips it"
                     : "Still captioning this image: a moment, or " + shell.keys(Action::skip) + " to skip it");
    return false;
  }
  const std::int64_t t = now_ms();
  if (action == Action::edit_left) pass_.begin_edit(Side::left);
  else if (action == Action::edit_right) pass_.begin_edit(Side::right);
  else if (action == Action::prefer_left) pass_.pick(Pick::left, t);
  else if (action == Action::prefer_right) pass_.pick(Pick::right, t);
  else if (action == Action::both_good) pass_.pick(Pick::both_good, t);
  else pass_.pick(Pick::both_bad, t);
  return true;
}

void CompareMode::fill_context(ViewContext& c) { c.compare = &pass_; }

float CompareMode::panel_height(const ViewContext& c, float) const { return compare_panel_height(c); }

void CompareMode::draw_panel(ViewContext& c, Intents& out, float height) { draw_compare_panel(c, out, height); }

void CompareMode::draw_side_panel(ViewContext& c, ImVec2 size) { draw_compare_stats_panel(c, size); }

void CompareMode::cover_shown_text(FontAtlas& atlas) const {
  atlas.want(pass_.caption(Side::left));
  atlas.want(pass_.caption(Side::right));
  atlas.want(pass_.edit_text());
}

// Stalls are the pass's: a task opened before both captions were there.
std::string CompareMode::terminal_summary(const SessionSummary& summary) const {
  SessionSummary counted = summary;
  counted.stalls = pass_.stalls();
  char identical[128];
  std::snprintf(identical, sizeof identical,
                "identical captions answered as ties without showing them: %llu in this session\n",
                static_cast<unsigned long long>(pass_.auto_ties()));
  return format_summary(counted, session_.dataset_name()) + identical +
         format_compare_stats(compare_stats(store_, store_.require_dataset(session_.dataset_name())));
}

}  // namespace gloss::ui
