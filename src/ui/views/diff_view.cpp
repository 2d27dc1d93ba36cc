// The suggestion with a live word diff against the box: deleted words red
// and struck through, inserted words green, kept words plain; wraps by word
// (by character in Chinese and Japanese: diff.h's tokens).
#include "core/diff.h"
#include "ui/theme.h"
#include "ui/views/views.h"

namespace gloss::ui {

float word_diff_height(const std::string& before, const std::string& after, float width) {
  const float line_h = ImGui::GetTextLineHeightWithSpacing();
  const float space = ImGui::CalcTextSize(" ").x;
  float x = 0.f, y = 0.f;
  for (const DiffWord& word : diff_words(word_diff(before, after))) {
    const float w = ImGui::CalcTextSize(word.text.c_str()).x;
    const float gap = word.space_before ? space : 0.f;
    if (x > 0.f && x + gap + w > width) x = 0.f, y += line_h;
    else x += gap;
    x += w;
  }
  return y + ImGui::GetTextLineHeight();
}

void draw_word_diff(ViewContext& c, const std::string& before, const std::string& after) {
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImVec2 origin = ImGui::GetCursorScreenPos();
  const float right = origin.x + ImGui::GetContentRegionAvail().x;
  const float line_h = ImGui::GetTextLineHeightWithSpacing();
  const float space = ImGui::CalcTextSize(" ").x;
  ImVec2 pen = origin;
  for (const DiffWord& word : diff_words(word_diff(before, after))) {
    const ImVec4& colour = word.kind == DiffOp::del ? theme::deleted
                           : word.kind == DiffOp::ins ? theme::inserted : theme::text;
    const ImVec2 size = ImGui::CalcTextSize(word.text.c_str());
    const float gap = word.space_before ? space : 0.f;
    if (pen.x > origin.x && pen.x + gap + size.x > right) pen = ImVec2(origin.x, pen.y + line_h);
    else pen.x += gap;
    if (word.kind == DiffOp::ins)
      dl->AddRectFilled(ImVec2(pen.x - 2, pen.y), ImVec2(pen.x + size.x + 2, pen.y + size.y),
                        theme::u32(theme::inserted, 0.14f), 3.f * c.scale);
    dl->AddText(pen, theme::u32(colour), word.text.c_str());
    if (word.kind == DiffOp::del) {
      const float y = pen.y + size.y * 0.55f;
      dl->AddLine(ImVec2(pen.x, y), ImVec2(pen.x + size.x, y), theme::u32(theme::deleted), 1.5f * c.scale);
    }
    pen.x += size.x;
  }
  ImGui::SetCursorScreenPos(origin);
  ImGui::Dummy(ImVec2(right - origin.x, pen.y - origin.y + ImGui::GetTextLineHeight()));
}

}  // namespace gloss::ui
