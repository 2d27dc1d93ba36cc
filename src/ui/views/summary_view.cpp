// Shown for a moment on quit: what this session did.
#include <cstdio>

#include "ui/theme.h"
#include "ui/views/views.h"

namespace gloss::ui {
namespace {

void figure(const char* label, const std::string& value, const ImVec4& colour) {
  ImGui::TableNextRow();
  ImGui::TableNextColumn();
  ImGui::TextColored(theme::text_dim, "%s", label);
  ImGui::TableNextColumn();
  ImGui::TextColored(colour, "%s", value.c_str());
}

// gloss review: the decisions of this session.
void review_figures(const ReviewPass& p) {
  const ReviewCounts r = p.counts();
  figure("decided", format_count(r.decided()), theme::text);
  figure("picked", format_count(r.picked), theme::inserted);
  figure("edited", format_count(r.edited), theme::accent);
  figure("sent back", format_count(r.sent_back), theme::waiting);
  figure("undone", format_count(p.undos()), theme::text_dim);
  figure("reviewed in the list", format_count(p.reviewed()) + " of " + format_count(p.size()), theme::text);
}

}  // namespace

void draw_summary(ViewContext& c, const SessionSummary& s) {
  begin_overlay(c, "##summary", "Session summary", ImVec2(500.f * c.scale, 0.f), 0.5f, ImVec2(24.f, 20.f));
  ImGui::TextColored(theme::text_dim, "Every %s is saved in '%s'.", c.review ? "review" : "answer",
                     c.session.dataset_name().c_str());
  ImGui::Spacing();
  const AnswerCounts& n = s.counts;
  char mean[64], pace[64];
  std::snprintf(mean, sizeof mean, "%.2f words", n.mean_edit_distance());
  std::snprintf(pace, sizeof pace, "%.1f s per task", n.mean_seconds_per_task());
  if (ImGui::BeginTable("##figures", 2)) {
    ImGui::TableSetupColumn("what", ImGuiTableColumnFlags_WidthStretch);
    ImGui::TableSetupColumn("value", ImGuiTableColumnFlags_WidthFixed, (c.compare ? 170.f : 110.f) * c.scale);
    if (!c.review) figure("answered", format_count(n.answered), theme::text);
    if (c.review) {
      review_figures(*c.review);
    } else if (c.errors) {  // the errors window: answers are categories, not captions
      figure("categories stored", format_count(n.accepted), theme::inserted);
      figure("rejected", format_count(n.rejected), theme::deleted);
      figure("skipped", format_count(n.ignored), theme::waiting);
      figure("pace", pace, theme::text);
      figure("still to analyse", format_count(s.remaining), theme::text);
    } else if (c.compare) {
      const CompareTally& t = c.compare->tally();
      const Interval ci = t.a_interval();
      char rate[96];
      std::snprintf(rate, sizeof rate, "%s (%s–%s)", format_percent(t.a_win_rate()).c_str(),
                    format_percent(ci.low).c_str(), format_percent(ci.high).c_str());
      figure("identical, answered unseen", format_count(c.compare->auto_ties()), theme::text_dim);
      figure("A better · all sessions", format_count(t.a_wins), theme::inserted);
      figure("B better · all sessions", format_count(t.b_wins), theme::inserted);
      figure("ties · all sessions", format_count(t.ties()), theme::text);
      figure("A's win rate (95% interval)", t.decided() ? rate : "nothing decided", theme::accent);
      figure("stalls (waited for a model)", format_count(c.compare->stalls()),
             c.compare->stalls() ? theme::waiting : theme::text);
      figure("still to judge in the dataset", format_count(s.remaining), theme::text);
    } else {
      figure("accepted as suggested (unchanged)", format_count(n.unchanged), theme::inserted);
      figure("corrected (changed)", format_count(n.changed), theme::accent);
      figure("rejected", format_count(n.rejected), theme::deleted);
      figure("skipped", format_count(n.ignored), theme::waiting);
      figure("mean edit distance of corrections", mean, theme::text);
      figure("pace", pace, theme::text);
      figure("stalls (waited for the model)", format_count(s.stalls), s.stalls ? theme::waiting : theme::text);
      figure("still to do in the dataset", format_count(s.remaining), theme::text);
    }
    ImGui::EndTable();
  }
  end_overlay();
}

}  // namespace gloss::ui
