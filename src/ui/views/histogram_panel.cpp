// The error-category histogram: per model, a bar per category with its count
// and share of the answers, largest first. Redrawn from the live counts every
// frame, so it moves the moment an answer is stored.
#include <algorithm>
#include <cstdio>

#include "core/error_pass.h"
#include "ui/theme.h"
#include "ui/views/views.h"

namespace gloss::ui {

ImVec4 category_colour(const std::string& category) {
  static const std::pair<const char*, ImVec4> known[] = {
      {"subject", {0.380f, 0.620f, 1.000f, 1.f}},    {"attributes", {0.720f, 0.520f, 0.980f, 1.f}},
      {"background", {0.300f, 0.780f, 0.760f, 1.f}}, {"number", {0.950f, 0.720f, 0.300f, 1.f}},
      {"wording", {0.620f, 0.660f, 0.720f, 1.f}},    {"other", {0.950f, 0.500f, 0.650f, 1.f}},
  };
  for (const auto& [name, colour] : known)
    if (category == name) return colour;
  static const ImVec4 spare[] = {{0.560f, 0.820f, 0.380f, 1.f}, {0.960f, 0.560f, 0.360f, 1.f},
                                 {0.420f, 0.800f, 0.950f, 1.f}, {0.850f, 0.820f, 0.420f, 1.f}};
  return spare[std::hash<std::string>{}(category) % std::size(spare)];
}

namespace {

void draw_column(ViewContext& c, const CategoryHistogram& h, ImVec2 min, float width) {
  const float s = c.scale;
  ImDrawList* dl = ImGui::GetWindowDrawList();
  ImGui::SetCursorScreenPos(min);
  ImGui::PushFont(c.fonts.small);
  ImGui::TextColored(theme::text_dim, "%s · %s answer%s", h.model.empty() ? "no model" : ("model " + h.model.substr(0, 8)).c_str(),
                     format_count(h.answers).c_str(), h.answers == 1 ? "" : "s");
  ImGui::PopFont();
  const float row = 40.f * s, bar_h = 12.f * s;
  const std::uint64_t top = h.bars.empty() ? 1 : std::max<std::uint64_t>(1, h.bars.front().count);
  float y = ImGui::GetCursorScreenPos().y + 6.f * s;
  for (const CategoryBar& b : h.bars) {
    const ImVec4 colour = category_colour(b.category);
    char figures[64];
    std::snprintf(figures, sizeof figures, "%llu · %.0f%%", static_cast<unsigned long long>(b.count), b.percent);
    dl->AddText(ImVec2(min.x, y), theme::u32(theme::text), b.category.c_str());
    const float fw = ImGui::CalcTextSize(figures).x;
    dl->AddText(ImVec2(min.x + width - fw, y), theme::u32(theme::text_dim), figures);
    const float by = y + ImGui::GetFontSize() + 4.f * s;
    dl->AddRectFilled(ImVec2(min.x, by), ImVec2(min.x + width, by + bar_h), theme::u32(theme::border, 0.6f), 3.f * s);
    const float w = std::max(3.f * s, width * static_cast<float>(b.count) / static_cast<float>(top));
    dl->AddRectFilled(ImVec2(min.x, by), ImVec2(min.x + w, by + bar_h), theme::u32(colour), 3.f * s);
    y += row;
  }
  if (h.bars.empty()) dl->AddText(ImVec2(min.x, y), theme::u32(theme::text_dim), "no categories yet");
}

}  // namespace

void draw_histogram_panel(ViewContext& c, ImVec2 size) {
  const float s = c.scale;
  // A child window of its own: beside the image pane, the parent's line is as tall as the image.
  ImGui::PushStyleColor(ImGuiCol_ChildBg, theme::panel);
  ImGui::PushStyleVar(ImGuiStyleVar_ChildRounding, 6.f * s);
  ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(14.f * s, 12.f * s));
  ImGui::BeginChild("##histogram", size, false, ImGuiWindowFlags_NoScrollbar | ImGuiWindowFlags_AlwaysUseWindowPadding);
  ImGui::PushFont(c.fonts.heading);
  ImGui::TextUnformatted("Error categories");
  ImGui::PopFont();
  if (c.histogram_guesses) {
    ImGui::PushFont(c.fonts.small);
    ImGui::PushTextWrapPos(0.f);
    ImGui::TextColored(theme::waiting, "GUESSES · the rule-based classifier on this dataset's corrections");
    ImGui::PopTextWrapPos();
    ImGui::PopFont();
  }
  ImGui::Dummy(ImVec2(0, 6.f * s));
  if (c.histograms.empty())
    ImGui::TextColored(theme::text_dim, c.histogram_guesses ? "No corrections yet." : "No answers yet.");
  const ImVec2 top = ImGui::GetCursorScreenPos();
  const std::size_t n = std::max<std::size_t>(1, c.histograms.size());
  const float gap = 18.f * s;
  const float width = ImGui::GetContentRegionAvail().x;
  const float column = (width - gap * static_cast<float>(n - 1)) / static_cast<float>(n);
  for (std::size_t i = 0; i < c.histograms.size(); ++i)
    draw_column(c, c.histograms[i], ImVec2(top.x + static_cast<float>(i) * (column + gap), top.y), column);
  ImGui::EndChild();
  ImGui::PopStyleVar(2);
  ImGui::PopStyleColor();
}

}  // namespace gloss::ui
