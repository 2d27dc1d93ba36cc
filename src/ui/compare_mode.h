// The compare window (gloss compare): two models' captions side by side,
// blind; the arrows judge, Shift+arrow edits the better one into the final
// caption, and the side panel shows the live win rate.
#pragma once

#include <memory>
#include <string>

#include "core/compare_pass.h"
#include "core/team_answers.h"
#include "ui/mode.h"

namespace gloss::ui {

// The worker's models are A then B; `options` names them by id.
ModeChoice compare_mode(CompareOptions options);

class CompareMode : public Mode {
 public:
  CompareMode(Store& store, CaptionSession& session, CompareOptions options);

  void start() override;
  bool side_panel_at_start() const override { return true; }
  void follow_others() override;
  void offer_suggestion(WindowShell& shell, const AheadResult& r) override;
  void sync() override { pass_.sync(now_ms()); }
  bool dispatch(WindowShell& shell, Action action) override;
  void edit(const std::string& text) override { pass_.edit(text); }
  bool has_text_box() const override { return pass_.editing(); }
  bool text_box_has_keys(const ViewState& view, const Chord& chord) const override;
  bool waiting_for_suggestion() const override { return pass_.state() == ComparePass::State::waiting; }
  void fill_context(ViewContext& c) override;
  float panel_height(const ViewContext& c, float text_width) const override;
  void draw_panel(ViewContext& c, Intents& out, float height) override;
  void draw_side_panel(ViewContext& c, ImVec2 size) override;
  void cover_shown_text(FontAtlas& atlas) const override;
  std::string terminal_summary(const SessionSummary& summary) const override;

 private:
  bool judge(WindowShell& shell, Action action);
  bool dispatch_edit(WindowShell& shell, Action action);

  Store& store_;
  CaptionSession& session_;
  ComparePass pass_;
  std::unique_ptr<TeamAnswers> team_;  // everyone's judgements, live
};

}  // namespace gloss::ui
