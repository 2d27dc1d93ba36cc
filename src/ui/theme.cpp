#include "ui/theme.h"

namespace gloss::ui::theme {

ImU32 u32(const ImVec4& c, float alpha) { return ImGui::GetColorU32(ImVec4(c.x, c.y, c.z, c.w * alpha)); }

void apply(float scale) {
  ImGui::StyleColorsDark();
  ImGuiStyle& s = ImGui::GetStyle();
  s.WindowRounding = 0.f;
  s.FrameRounding = 4.f;
  s.PopupRounding = 6.f;
  s.ChildRounding = 4.f;
  s.GrabRounding = 4.f;
  s.WindowBorderSize = 0.f;
  s.FrameBorderSize = 1.f;
  s.PopupBorderSize = 1.f;
  s.WindowPadding = ImVec2(16, 12);
  s.FramePadding = ImVec2(10, 8);
  s.ItemSpacing = ImVec2(10, 8);
  s.ScrollbarSize = 14.f;
  ImVec4* c = s.Colors;
  c[ImGuiCol_WindowBg] = background;
  c[ImGuiCol_ChildBg] = panel;
  c[ImGuiCol_PopupBg] = panel_raised;
  c[ImGuiCol_ModalWindowDimBg] = ImVec4(0.f, 0.f, 0.f, 0.55f);
  c[ImGuiCol_Border] = border;
  c[ImGuiCol_Text] = text;
  c[ImGuiCol_TextDisabled] = text_dim;
  c[ImGuiCol_FrameBg] = ImVec4(0.085f, 0.090f, 0.100f, 1.f);
  c[ImGuiCol_FrameBgHovered] = ImVec4(0.100f, 0.106f, 0.118f, 1.f);
  c[ImGuiCol_FrameBgActive] = ImVec4(0.085f, 0.090f, 0.100f, 1.f);
  c[ImGuiCol_TextSelectedBg] = ImVec4(accent.x, accent.y, accent.z, 0.35f);
  c[ImGuiCol_PlotHistogram] = accent;
  c[ImGuiCol_Header] = ImVec4(accent.x, accent.y, accent.z, 0.25f);
  c[ImGuiCol_HeaderHovered] = ImVec4(accent.x, accent.y, accent.z, 0.35f);
  c[ImGuiCol_Separator] = border;
  s.ScaleAllSizes(scale);
}

}  // namespace gloss::ui::theme
