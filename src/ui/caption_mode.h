// The caption window (gloss caption): the model's suggestion in an editable
// box; accept, reject, skip, revert, take a greyed guess; the histogram
// panel shows the classifier's guesses for this dataset's corrections.
#pragma once

#include <string>

#include "core/category_stats.h"
#include "core/unlike_training_watch.h"
#include "ui/mode.h"

namespace gloss::ui {

// `unlike_training_notice` is said once, when most of the first suggestions
// are flagged unlike the model's training images; empty: never.
ModeChoice caption_mode(std::string unlike_training_notice);

class CaptionMode : public Mode {
 public:
  CaptionMode(Store& store, CaptionSession& session, std::string unlike_training_notice);

  void offer_suggestion(WindowShell& shell, const AheadResult& r) override;
  bool dispatch(WindowShell& shell, Action action) override;
  void edit(const std::string& text) override { session_.edit_box(text); }
  bool has_text_box() const override { return true; }
  bool waiting_for_suggestion() const override;
  void fill_context(ViewContext& c) override;
  float panel_height(const ViewContext& c, float text_width) const override;
  void draw_panel(ViewContext& c, Intents& out, float height) override;
  void draw_side_panel(ViewContext& c, ImVec2 size) override;
  std::string terminal_summary(const SessionSummary& summary) const override;

 private:
  bool accept(WindowShell& shell);
  void tell_unlike_training(WindowShell& shell);
  void load_guesses();
  void count_guess(std::uint64_t task);
  void count_guess(std::uint64_t task, const Answer* answer);

  Store& store_;
  CaptionSession& session_;
  std::string unlike_training_notice_;
  UnlikeTrainingWatch unlike_watch_;
  // The classifier's guesses for this dataset's corrections, counted when
  // the histogram is first shown and kept up to date after that.
  CategoryCounter guesses_;
  bool guesses_loaded_ = false;
};

}  // namespace gloss::ui
