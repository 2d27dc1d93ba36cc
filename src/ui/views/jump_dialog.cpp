// Ctrl+G: "Go to image number". Enter goes, Escape cancels (handled by the app
// through the keymap, like every other key).
#include "ui/theme.h"
#include "ui/views/views.h"

namespace gloss::ui {

void draw_jump(ViewContext& c, Intents&) {
  begin_overlay(c, "##jump", "Go to image number", ImVec2(420.f * c.scale, 0.f), 0.35f, ImVec2(22.f, 18.f));
  ImGui::TextColored(theme::text_dim, "1 to %s · Enter goes, Escape cancels", format_count(c.session.size()).c_str());
  char buffer[24];
  std::snprintf(buffer, sizeof buffer, "%s", c.view.jump_text.c_str());
  if (c.view.jump_focus) {
    ImGui::SetKeyboardFocusHere();
    c.view.jump_focus = false;
  }
  ImGui::SetNextItemWidth(-1);
  ImGui::PushFont(c.fonts.caption);
  if (ImGui::InputText("##number", buffer, sizeof buffer, ImGuiInputTextFlags_CharsDecimal))
    c.view.jump_text = buffer, c.view.jump_problem.clear();
  c.view.jump_active = ImGui::IsItemActive();
  ImGui::PopFont();
  if (!c.view.jump_problem.empty()) ImGui::TextColored(theme::deleted, "%s", c.view.jump_problem.c_str());
  end_overlay();
}

}  // namespace gloss::ui
