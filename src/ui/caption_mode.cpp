#include "ui/caption_mode.h"

#include <algorithm>
#include <cstdio>
#include <utility>

#include "core/error_classifier.h"
#include "ui/font_atlas.h"
#include "ui/views/views.h"
#include "ui/window_shell.h"

namespace gloss::ui {

ModeChoice caption_mode(std::string unlike_training_notice) {
  ModeChoice choice;
  choice.keymap = Keymap::defaults();
  choice.suggestions_in_box = true;
  choice.make = [notice = std::move(unlike_training_notice)](Store& store, CaptionSession& session) {
    return std::make_unique<CaptionMode>(store, session, notice);
  };
  return choice;
}

CaptionMode::CaptionMode(Store& store, CaptionSession& session, std::string unlike_training_notice)
    : store_(store), session_(session), unlike_training_notice_(std::move(unlike_training_notice)) {}

void CaptionMode::offer_suggestion(WindowShell& shell, const AheadResult& r) {
  session_.offer_suggestion(r.task, r.caption);
  if (unlike_watch_.add(r.task, r.caption, session_.size())) tell_unlike_training(shell);
}

// Once per session, and in the terminal too: the window's notice fades.
void CaptionMode::tell_unlike_training(WindowShell& shell) {
  if (unlike_training_notice_.empty()) return;
  std::fprintf(stderr, "gloss: %s\n", unlike_training_notice_.c_str());
  shell.notice(unlike_training_notice_, 20.0);
}

bool CaptionMode::dispatch(WindowShell& shell, Action action) {
  const std::uint64_t task_before = session_.task().hash;
  const std::int64_t t = now_ms();
  switch (action) {
    case Action::accept:
      if (!accept(shell)) return true;
      break;
    case Action::reject: session_.reject(t); break;
    case Action::skip: session_.skip(t); break;
    case Action::undo: shell.undo_answer(); break;
    case Action::revert: session_.revert(); return true;
    case Action::take_suggestion:
      if (!session_.take_suggestion()) shell.notice("There is no suggestion to take");
      return true;
    default: return false;
  }
  if (guesses_loaded_) {
    count_guess(task_before);           // the answer just stored
    count_guess(session_.task().hash);  // the one an undo took back
  }
  if (action != Action::undo) shell.tell_if_nothing_left();
  return true;
}

// False when the box is empty: the task stays open and a notice says why.
bool CaptionMode::accept(WindowShell& shell) {
  if (session_.box().find_first_not_of(" \t") != std::string::npos) {
    session_.accept(now_ms());
    return true;
  }
  const bool guess = session_.unlike_training() && !session_.suggestion_taken();
  shell.notice("The caption is empty: type one, or " +
               (guess ? shell.keys(Action::take_suggestion) + " to take the greyed guess, " : "") +
               shell.keys(Action::reject) + " to reject, " + shell.keys(Action::skip) + " to skip");
  return false;
}

bool CaptionMode::waiting_for_suggestion() const {
  return session_.suggestion_state() == SuggestionState::waiting;
}

void CaptionMode::fill_context(ViewContext& c) {
  if (!c.view.histogram) return;
  if (!guesses_loaded_) load_guesses();
  c.histograms = guesses_.histograms();
  c.histogram_guesses = true;
}

// The caption panel grows with the suggestion (its diff wraps), up to four lines.
float CaptionMode::panel_height(const ViewContext& c, float text_width) const {
  const float fixed = 140.f * c.scale;
  const bool has_diff_row = !c.session.suggestion().empty() ||
                            c.session.suggestion_state() == SuggestionState::waiting;
  if (!has_diff_row) return fixed;
  ImGui::PushFont(c.fonts.caption);
  const std::string& longest = c.session.suggestion().size() > c.view.box_text.size() ? c.session.suggestion()
                                                                                       : c.view.box_text;
  const float line = ImGui::GetTextLineHeightWithSpacing();
  const float text = ImGui::CalcTextSize(longest.c_str(), nullptr, false, text_width).y * 1.15f;
  ImGui::PopFont();
  return fixed + std::clamp(text, line, line * 4.f);
}

void CaptionMode::draw_panel(ViewContext& c, Intents& out, float height) { draw_caption_panel(c, out, height); }

void CaptionMode::draw_side_panel(ViewContext& c, ImVec2 size) { draw_histogram_panel(c, size); }

std::string CaptionMode::terminal_summary(const SessionSummary& summary) const {
  return format_summary(summary, session_.dataset_name());
}

void CaptionMode::load_guesses() {
  store_.for_each_answer(session_.dataset(), [&](std::uint64_t, const Answer& a) {
    count_guess(a.task, &a);
    return true;
  });
  guesses_loaded_ = true;
}

void CaptionMode::count_guess(std::uint64_t task) {
  const auto a = store_.answer(session_.dataset(), task, session_.annotator());
  count_guess(task, a ? &*a : nullptr);
}

// What the classifier makes of the task's stored correction, if it has one.
void CaptionMode::count_guess(std::uint64_t task, const Answer* a) {
  const std::uint64_t key = answer_key(task, a ? a->annotator : session_.annotator());
  if (a && a->answer == AnswerKind::accept && !a->orig_caption.empty() && a->changed())
    guesses_.set(key, a->model, classify_correction(a->orig_caption, a->caption));
  else
    guesses_.erase(key);
}

}  // namespace gloss::ui
