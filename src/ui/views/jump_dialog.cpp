// Ctrl+G: "Go to image number". Enter goes, Escape cancels (handled by the app
// through the keymap, like every other key).
#include "ui/theme.h"
#include "ui/views/views.h"

namespace gloss::ui {

void draw_jump(ViewContext& c, Intents&) {
  dim_background();
  const ImVec2 display = ImGui::GetIO().DisplaySize;
  ImGui::SetNextWindowPos(ImVec2(display.x * 0.5f, display.y * 0.35f), ImGuiCond_Always, ImVec2(0.5f, 0.5f));
  ImGui::SetNextWindowSize(ImVec2(420.f * c.scale, 0.f));
  ImGui::PushStyleColor(ImGuiCol_WindowBg, theme::panel_raised);
  ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(22.f * c.scale, 18.f * c.scale));
  ImGui::Begin("##jump", nullptr, ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoSavedSettings);
  ImGui::PushFont(c.fonts.heading);
  ImGui::TextUnformatted("Go to image number");
  ImGui::PopFont();
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
    c.view.jump_text = buffer;
  c.view.jump_active = ImGui::IsItemActive();
  ImGui::PopFont();
  ImGui::End();
  ImGui::PopStyleVar();
  ImGui::PopStyleColor();
}

}  // namespace gloss::ui
