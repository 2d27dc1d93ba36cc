#include <string>

#include "ui/views/views.h"

namespace gloss::ui {

std::string format_count(std::uint64_t n) {
  std::string digits = std::to_string(n), out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

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

}  // namespace gloss::ui
