#include <string>

#include "core/number_text.h"
#include "ui/theme.h"
#include "ui/views/views.h"

namespace gloss::ui {

std::string format_count(std::uint64_t n) { return with_thousands(n); }

std::string keys_for(const Keymap& keymap, Action action) {
  std::string out;
  for (const Chord& chord : keymap.chords_for(action)) {
    if (!out.empty()) out += " / ";
    out += format_chord(chord);
  }
  return out;
}

void dim_background() {
  const ImVec2 display = ImGui::GetIO().DisplaySize;
  ImGui::SetNextWindowPos(ImVec2(0, 0));
  ImGui::SetNextWindowSize(display);
  ImGui::Begin("##dim", nullptr, ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoInputs |
                                     ImGuiWindowFlags_NoBackground | ImGuiWindowFlags_NoSavedSettings |
                                     ImGuiWindowFlags_NoFocusOnAppearing);
  ImGui::GetWindowDrawList()->AddRectFilled(ImVec2(0, 0), display, ImGui::GetColorU32(ImVec4(0, 0, 0, 0.6f)));
  ImGui::End();
}

void begin_overlay(ViewContext& c, const char* id, const char* title, ImVec2 size, float y_fraction,
                   ImVec2 padding, ImGuiWindowFlags extra_flags) {
  dim_background();
  const ImVec2 display = ImGui::GetIO().DisplaySize;
  ImGui::SetNextWindowPos(ImVec2(display.x * 0.5f, display.y * y_fraction), ImGuiCond_Always, ImVec2(0.5f, 0.5f));
  ImGui::SetNextWindowSize(size);
  ImGui::PushStyleColor(ImGuiCol_WindowBg, theme::panel_raised);
  ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(padding.x * c.scale, padding.y * c.scale));
  ImGui::Begin(id, nullptr, ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoSavedSettings | extra_flags);
  ImGui::PushFont(c.fonts.heading);
  ImGui::TextUnformatted(title);
  ImGui::PopFont();
}

void end_overlay() {
  ImGui::End();
  ImGui::PopStyleVar();
  ImGui::PopStyleColor();
}

}  // namespace gloss::ui
