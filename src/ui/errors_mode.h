// The errors window (gloss errors): answers are category ticks, not a
// caption; the digits tick categories, Escape ticks the guess again, and the
// histogram panel shows the stored categories of everyone's answers, live.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/error_pass.h"
#include "core/team_answers.h"
#include "ui/mode.h"

namespace gloss::ui {

// Analyses the corrections of the dataset `from` with these categories.
ModeChoice errors_mode(std::string from, std::vector<std::string> labels);

class ErrorsMode : public Mode {
 public:
  ErrorsMode(Store& store, DatasetInfo from, CaptionSession& session, std::vector<std::string> labels);

  void start() override;
  bool side_panel_at_start() const override { return true; }
  void follow_others() override;
  void offer_suggestion(WindowShell& shell, const AheadResult& r) override;
  void sync() override { pass_.sync(); }
  bool dispatch(WindowShell& shell, Action action) override;
  void edit(const std::string& text) override { session_.edit_box(text); }
  bool has_text_box() const override { return false; }
  bool waiting_for_suggestion() const override;
  void fill_context(ViewContext& c) override;
  float panel_height(const ViewContext& c, float text_width) const override;
  void draw_panel(ViewContext& c, Intents& out, float height) override;
  void draw_side_panel(ViewContext& c, ImVec2 size) override;
  void cover_shown_text(FontAtlas& atlas) const override;
  std::string terminal_summary(const SessionSummary& summary) const override;

 private:
  Store& store_;
  CaptionSession& session_;
  ErrorPass pass_;
  std::unique_ptr<TeamAnswers> team_;  // everyone's answers, live
};

}  // namespace gloss::ui
