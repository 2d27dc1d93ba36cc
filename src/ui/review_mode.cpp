#include "ui/review_mode.h"

#include <array>
#include <cstdio>
#include <utility>

#include "ui/font_atlas.h"
#include "ui/views/views.h"
#include "ui/window_shell.h"

namespace gloss::ui {

ModeChoice review_mode(ReviewList list, ReviewOrder order, std::string reviewer) {
  ModeChoice choice;
  choice.keymap = Keymap::review_defaults();
  auto shared = std::make_shared<ReviewList>(std::move(list));
  choice.make = [shared, order, reviewer = std::move(reviewer)](Store& store, CaptionSession& session) {
    return std::make_unique<ReviewMode>(store, session,
                                        ReviewPass(store, session, std::move(*shared), order, reviewer));
  };
  return choice;
}

ReviewMode::ReviewMode(Store& store, CaptionSession& session, ReviewPass pass)
    : store_(store), session_(session), pass_(std::move(pass)) {}

void ReviewMode::start() {
  pass_.open_first(now_ms());
  team_ = std::make_unique<TeamAnswers>(store_, session_.dataset(), pass_.reviewer());
}

void ReviewMode::follow_others() {
  if (const auto changes = team_->take()) pass_.apply(*changes);
}

// While the final caption is being edited, plain letters, digits, arrows and
// the editing keys type or move the text cursor: they are not decisions.
bool ReviewMode::text_box_has_keys(const ViewState& view, const Chord& chord) const {
  return pass_.editing() && view.box_active && types_into_text_box(chord);
}

bool ReviewMode::dispatch(WindowShell& shell, Action action) {
  if (pass_.editing() && (action == Action::accept || action == Action::revert)) return dispatch_edit(shell, action);
  if (toggle_index(action) || action == Action::accept || action == Action::edit_selected ||
      action == Action::send_back)
    return decide(shell, action);
  switch (action) {
    case Action::select_previous: pass_.select(-1); return true;
    case Action::select_next: pass_.select(+1); return true;
    case Action::revert: return true;
    case Action::undo:
      if (pass_.editing()) return true;  // Ctrl+Z in the box undoes typing
      if (pass_.undo(now_ms()))
        shell.notice("Undid the last decision: review " + format_count(*pass_.index() + 1) + " is open again");
      else
        shell.notice("Nothing to undo in this session");
      return true;
    default: return move(shell, action);
  }
}

// Moves in the review order; the shell keeps zoom, help and quit.
bool ReviewMode::move(WindowShell& shell, Action action) {
  const std::int64_t t = now_ms();
  switch (action) {
    case Action::next:
    case Action::skip: pass_.next(t); return true;
    case Action::previous: pass_.previous(t); return true;
    case Action::next_unanswered:
      if (!pass_.next_unreviewed(t)) shell.notice("Every task in the list has a review");
      return true;
    default: return false;
  }
}

// Enter saves the edited caption, Escape goes back to picking.
bool ReviewMode::dispatch_edit(WindowShell& shell, Action action) {
  if (action == Action::revert) {
    pass_.cancel_edit();
    return true;
  }
  if (!pass_.finish_edit(now_ms()))
    shell.notice("The final caption is empty: type one, or " + shell.keys(Action::revert) + " to go back");
  else
    tell_after_decision(shell);
  return true;
}

bool ReviewMode::decide(WindowShell& shell, Action action) {
  if (!pass_.index()) {
    shell.notice("This task is not in the review list: " + shell.keys(Action::next) + " goes on");
    return true;
  }
  const std::int64_t t = now_ms();
  if (action == Action::edit_selected) return pass_.begin_edit(), true;
  if (action == Action::send_back) pass_.send_back(t);
  else {
    const std::size_t i = action == Action::accept ? pass_.selected() : static_cast<std::size_t>(*toggle_index(action));
    if (!pass_.pick(i, t)) {
      shell.notice("There is no caption " + std::to_string(i + 1) + " here: this task has " +
                   std::to_string(pass_.answers().size()) + (pass_.answers().size() == 1 ? " answer" : " answers"));
      return true;
    }
  }
  tell_after_decision(shell);
  return true;
}

void ReviewMode::tell_after_decision(WindowShell& shell) {
  if (pass_.reviewed() == pass_.size())
    shell.notice("Every task in the list has a review. " + shell.keys(Action::quit) + " shows the summary.");
}

void ReviewMode::fill_context(ViewContext& c) { c.review = &pass_; }

float ReviewMode::panel_height(const ViewContext& c, float text_width) const {
  return review_panel_height(c, text_width);
}

void ReviewMode::draw_panel(ViewContext& c, Intents& out, float height) { draw_review_panel(c, out, height); }

// No side panel: its key (histogram) is not bound in the review window.
void ReviewMode::draw_side_panel(ViewContext&, ImVec2) {}

void ReviewMode::cover_shown_text(FontAtlas& atlas) const {
  for (const Answer& a : pass_.answers()) {
    atlas.want(a.caption);
    atlas.want(a.annotator);
  }
  if (const auto& r = pass_.review()) {
    atlas.want(r->caption);
    atlas.want(r->reviewer);
  }
  atlas.want(pass_.edit_text());
}

std::string ReviewMode::terminal_summary(const SessionSummary& summary) const {
  const ReviewCounts n = pass_.counts();
  char text[512];
  std::snprintf(text, sizeof text,
                "Review summary for '%s': %llu decided (%llu picked, %llu edited, %llu sent back), %llu undone\n"
                "%zu of %zu tasks with several answers have a review\n",
                session_.dataset_name().c_str(), static_cast<unsigned long long>(n.decided()),
                static_cast<unsigned long long>(n.picked), static_cast<unsigned long long>(n.edited),
                static_cast<unsigned long long>(n.sent_back), static_cast<unsigned long long>(pass_.undos()),
                pass_.reviewed(), pass_.size());
  (void)summary;  // the session's answer counts: the reviewer answers nothing
  return text;
}

}  // namespace gloss::ui
