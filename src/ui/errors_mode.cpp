#include "ui/errors_mode.h"

#include <utility>

#include "core/category_stats.h"
#include "ui/font_atlas.h"
#include "ui/views/views.h"
#include "ui/window_shell.h"

namespace gloss::ui {

ModeChoice errors_mode(std::string from, std::vector<std::string> labels) {
  ModeChoice choice;
  choice.keymap = Keymap::errors_defaults();
  choice.make = [from = std::move(from), labels = std::move(labels)](Store& store, CaptionSession& session) {
    return std::make_unique<ErrorsMode>(store, store.require_dataset(from), session, labels);
  };
  return choice;
}

ErrorsMode::ErrorsMode(Store& store, DatasetInfo from, CaptionSession& session, std::vector<std::string> labels)
    : store_(store), session_(session), pass_(store, std::move(from), session, std::move(labels)) {}

void ErrorsMode::start() {
  pass_.sync();
  team_ = std::make_unique<TeamAnswers>(store_, session_.dataset(), session_.annotator());
}

void ErrorsMode::follow_others() {
  if (const auto changes = team_->take()) pass_.apply(*changes);
}

// The errors window has no model of its own; a suggestion is the session's.
void ErrorsMode::offer_suggestion(WindowShell&, const AheadResult& r) { session_.offer_suggestion(r.task, r.caption); }

bool ErrorsMode::dispatch(WindowShell& shell, Action action) {
  const std::int64_t t = now_ms();
  switch (action) {
    case Action::accept: pass_.answer(AnswerKind::accept, t); break;
    case Action::reject: pass_.answer(AnswerKind::reject, t); break;
    case Action::skip: pass_.answer(AnswerKind::ignore, t); break;
    case Action::revert: pass_.tick_guess(); return true;
    default:
      if (const auto i = toggle_index(action)) {
        pass_.toggle(static_cast<std::size_t>(*i));
        return true;
      }
      return false;
  }
  shell.tell_if_nothing_left();
  return true;
}

bool ErrorsMode::waiting_for_suggestion() const {
  return session_.suggestion_state() == SuggestionState::waiting;
}

void ErrorsMode::fill_context(ViewContext& c) {
  c.errors = &pass_;
  if (c.view.histogram) c.histograms = pass_.counts().histograms();
}

float ErrorsMode::panel_height(const ViewContext& c, float) const { return errors_panel_height(c); }

void ErrorsMode::draw_panel(ViewContext& c, Intents& out, float height) { draw_errors_panel(c, out, height); }

void ErrorsMode::draw_side_panel(ViewContext& c, ImVec2 size) { draw_histogram_panel(c, size); }

void ErrorsMode::cover_shown_text(FontAtlas& atlas) const {
  for (const std::string& label : pass_.labels()) atlas.want(label);
  if (const auto& a = pass_.source_answer()) atlas.want(a->caption), atlas.want(a->orig_caption);
}

std::string ErrorsMode::terminal_summary(const SessionSummary& summary) const {
  const std::string& out = session_.dataset_name();
  return format_errors_summary(summary, pass_.source_name(), out) +
         format_category_stats(category_stats(store_, store_.require_dataset(out)));
}

}  // namespace gloss::ui
