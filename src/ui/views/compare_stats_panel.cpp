// Beside the image in gloss compare: A's and B's wins, the ties, and A's win
// rate with its 95% Wilson interval drawn against the 50% line. Redrawn from
// the live tally every frame, so it moves with each answer.
#include <cstdio>

#include "ui/theme.h"
#include "ui/views/views.h"

namespace gloss::ui {
namespace {

void row(const char* label, std::uint64_t n, const ImVec4& colour = theme::text) {
  ImGui::TextColored(theme::text_dim, "%s", label);
  ImGui::SameLine(ImGui::GetContentRegionAvail().x * 0.62f);
  ImGui::TextColored(colour, "%s", format_count(n).c_str());
}

// A bar from 0% to 100% with the 50% mark, the interval and the estimate.
void draw_interval(ViewContext& c, const CompareTally& t, float width) {
  const float s = c.scale;
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImVec2 o = ImGui::GetCursorScreenPos();
  const float h = 14.f * s;
  dl->AddRectFilled(o, ImVec2(o.x + width, o.y + h), theme::u32(theme::border, 0.6f), 3.f * s);
  if (t.decided() > 0) {
    const Interval ci = t.a_interval();
    const ImVec4& colour = ci.low > 0.5 || ci.high < 0.5 ? theme::inserted : theme::waiting;
    dl->AddRectFilled(ImVec2(o.x + width * static_cast<float>(ci.low), o.y),
                      ImVec2(o.x + width * static_cast<float>(ci.high), o.y + h), theme::u32(colour, 0.55f), 3.f * s);
    const float x = o.x + width * static_cast<float>(t.a_win_rate());
    dl->AddRectFilled(ImVec2(x - 1.5f * s, o.y - 3.f * s), ImVec2(x + 1.5f * s, o.y + h + 3.f * s), theme::u32(theme::text));
  }
  const float mid = o.x + width * 0.5f;
  dl->AddLine(ImVec2(mid, o.y - 5.f * s), ImVec2(mid, o.y + h + 5.f * s), theme::u32(theme::text_dim), 1.f * s);
  ImGui::Dummy(ImVec2(width, h + 6.f * s));
  ImGui::PushFont(c.fonts.small);
  ImGui::TextColored(theme::text_dim, "B wins");
  ImGui::SameLine(width * 0.5f - ImGui::CalcTextSize("50%").x * 0.5f + ImGui::GetStyle().WindowPadding.x);
  ImGui::TextColored(theme::text_dim, "50%%");
  ImGui::SameLine(width - ImGui::CalcTextSize("A wins").x + ImGui::GetStyle().WindowPadding.x);
  ImGui::TextColored(theme::text_dim, "A wins");
  ImGui::PopFont();
}

std::string verdict(const CompareTally& t) {
  if (t.decided() == 0) return "Nothing decided yet: ties do not count.";
  const Interval ci = t.a_interval();
  char buf[160];
  std::snprintf(buf, sizeof buf, "A wins %s of %s decided\n95%% interval %s–%s\n", format_percent(t.a_win_rate()).c_str(),
                format_count(t.decided()).c_str(), format_percent(ci.low).c_str(), format_percent(ci.high).c_str());
  std::string out = buf;
  if (ci.low > 0.5) out += "A is better.";
  else if (ci.high < 0.5) out += "B is better.";
  else out += "No clear winner yet.";
  return out;
}

}  // namespace

void draw_compare_stats_panel(ViewContext& c, ImVec2 size) {
  const float s = c.scale;
  const ComparePass& p = *c.compare;
  const CompareTally& t = p.tally();
  ImGui::PushStyleColor(ImGuiCol_ChildBg, theme::panel);
  ImGui::PushStyleVar(ImGuiStyleVar_ChildRounding, 6.f * s);
  ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(14.f * s, 12.f * s));
  ImGui::BeginChild("##compare-stats", size, false, ImGuiWindowFlags_NoScrollbar | ImGuiWindowFlags_AlwaysUseWindowPadding);
  ImGui::PushFont(c.fonts.heading);
  ImGui::TextUnformatted("A against B");
  ImGui::PopFont();
  ImGui::PushFont(c.fonts.small);
  ImGui::TextColored(theme::text_dim, "A = model %s", p.options().model_a.substr(0, 8).c_str());
  ImGui::TextColored(theme::text_dim, "B = model %s", p.options().model_b.substr(0, 8).c_str());
  ImGui::PopFont();
  ImGui::Dummy(ImVec2(0, 6.f * s));
  row("A better", t.a_wins, theme::inserted);
  row("B better", t.b_wins, theme::inserted);
  row("both good", t.both_good);
  row("both bad", t.both_bad);
  row("identical", t.identical, theme::text_dim);
  if (t.other) row("skipped", t.other, theme::waiting);
  ImGui::Dummy(ImVec2(0, 8.f * s));
  draw_interval(c, t, ImGui::GetContentRegionAvail().x);
  ImGui::Dummy(ImVec2(0, 4.f * s));
  ImGui::PushTextWrapPos(0.f);
  ImGui::TextUnformatted(verdict(t).c_str());
  ImGui::PushFont(c.fonts.small);
  ImGui::TextColored(theme::text_dim,
                     "Identical captions are answered as ties without being shown (%s this session).",
                     format_count(p.auto_ties()).c_str());
  ImGui::PopFont();
  ImGui::PopTextWrapPos();
  ImGui::EndChild();
  ImGui::PopStyleVar(2);
  ImGui::PopStyleColor();
}

}  // namespace gloss::ui
