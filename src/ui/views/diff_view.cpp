// The suggestion with a live word diff against the box: deleted words red
// and struck through, inserted words green, kept words plain; wraps by word.
#include "core/diff.h"
#include "ui/theme.h"
#include "ui/views/views.h"

namespace gloss::ui {
namespace {

std::vector<std::string> words_of(const std::string& text) {
  std::vector<std::string> out;
  std::size_t i = 0;
  while (i < text.size()) {
    const std::size_t end = text.find(' ', i);
    const std::size_t stop = end == std::string::npos ? text.size() : end;
    if (stop > i) out.push_back(text.substr(i, stop - i));
    i = stop + 1;
  }
  return out;
}

}  // namespace

float word_diff_height(const std::string& before, const std::string& after, float width) {
  const float line_h = ImGui::GetTextLineHeightWithSpacing();
  const float space = ImGui::CalcTextSize(" ").x;
  float x = 0.f, y = 0.f;
  for (const DiffOp& op : word_diff(before, after))
    for (const std::string& word : words_of(op.text)) {
      const float w = ImGui::CalcTextSize(word.c_str()).x;
      if (x > 0.f && x + w > width) x = 0.f, y += line_h;
      x += w + space;
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
  for (const DiffOp& op : word_diff(before, after)) {
    const ImVec4& colour = op.kind == DiffOp::del ? theme::deleted
                           : op.kind == DiffOp::ins ? theme::inserted : theme::text;
    for (const std::string& word : words_of(op.text)) {
      const ImVec2 size = ImGui::CalcTextSize(word.c_str());
      if (pen.x > origin.x && pen.x + size.x > right) pen = ImVec2(origin.x, pen.y + line_h);
      if (op.kind == DiffOp::ins)
        dl->AddRectFilled(ImVec2(pen.x - 2, pen.y), ImVec2(pen.x + size.x + 2, pen.y + size.y),
                          theme::u32(theme::inserted, 0.14f), 3.f * c.scale);
      dl->AddText(pen, theme::u32(colour), word.c_str());
      if (op.kind == DiffOp::del) {
        const float y = pen.y + size.y * 0.55f;
        dl->AddLine(ImVec2(pen.x, y), ImVec2(pen.x + size.x, y), theme::u32(theme::deleted), 1.5f * c.scale);
      }
      pen.x += size.x + space;
    }
  }
  ImGui::SetCursorScreenPos(origin);
  ImGui::Dummy(ImVec2(right - origin.x, pen.y - origin.y + ImGui::GetTextLineHeight()));
}

}  // namespace gloss::ui
