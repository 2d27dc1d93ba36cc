// The review window (gloss review): every annotator's caption of a task with
// word diffs between them; a number key picks one, E edits the selected one
// into the final caption, B sends the task back; the decision is stored as a
// review next to the answers. Walks the tasks with answers from two or more
// annotators (ReviewPass), not the dataset's positions.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/review_pass.h"
#include "core/team_answers.h"
#include "ui/mode.h"

namespace gloss::ui {

// `list`: load_review_items(), read before the window opens.
ModeChoice review_mode(ReviewList list, ReviewOrder order, std::string reviewer);

class ReviewMode : public Mode {
 public:
  ReviewMode(Store& store, CaptionSession& session, ReviewPass pass);

  bool opens_own_first_task() const override { return true; }
  void start() override;
  void follow_others() override;
  bool side_panel_at_start() const override { return false; }
  void offer_suggestion(WindowShell&, const AheadResult&) override {}
  void sync() override { pass_.sync(); }
  std::optional<std::uint64_t> next_position() const override { return pass_.upcoming(); }
  bool dispatch(WindowShell& shell, Action action) override;
  void edit(const std::string& text) override { pass_.edit(text); }
  bool has_text_box() const override { return pass_.editing(); }
  bool text_box_has_keys(const ViewState& view, const Chord& chord) const override;
  bool waiting_for_suggestion() const override { return false; }
  void fill_context(ViewContext& c) override;
  float panel_height(const ViewContext& c, float text_width) const override;
  void draw_panel(ViewContext& c, Intents& out, float height) override;
  void draw_side_panel(ViewContext& c, ImVec2 size) override;
  void cover_shown_text(FontAtlas& atlas) const override;
  std::string terminal_summary(const SessionSummary& summary) const override;

 private:
  bool dispatch_edit(WindowShell& shell, Action action);
  bool decide(WindowShell& shell, Action action);
  bool move(WindowShell& shell, Action action);
  void tell_after_decision(WindowShell& shell);

  Store& store_;
  CaptionSession& session_;
  ReviewPass pass_;
  std::unique_ptr<TeamAnswers> team_;  // others' answers, live
};

}  // namespace gloss::ui
