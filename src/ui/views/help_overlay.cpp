// F1: every key from the keymap table, with what it does.
#include <algorithm>

#include "ui/theme.h"
#include "ui/views/views.h"

namespace gloss::ui {

void draw_help(ViewContext& c) {
  const ImVec2 display = ImGui::GetIO().DisplaySize;
  begin_overlay(c, "##help", "Keys", ImVec2(std::min(800.f * c.scale, display.x - 40.f), 0.f), 0.5f,
                ImVec2(24.f, 20.f), ImGuiWindowFlags_AlwaysAutoResize | ImGuiWindowFlags_NoFocusOnAppearing);
  const char* note = c.errors    ? "There is no text box here: digits tick categories."
                     : c.compare ? "Arrows and digits judge; while the edit box is open they type and move the cursor."
                     : c.review  ? "Digits pick a caption, letters act; while the edit box is open they type."
                                 : "Letters, digits, Backspace and arrows always edit the caption.";
  ImGui::TextColored(theme::text_dim, "%s", note);
  ImGui::Spacing();
  if (ImGui::BeginTable("##keys", 2, ImGuiTableFlags_RowBg | ImGuiTableFlags_PadOuterX)) {
    ImGui::TableSetupColumn("key", ImGuiTableColumnFlags_WidthFixed, 270.f * c.scale);
    ImGui::TableSetupColumn("does", ImGuiTableColumnFlags_WidthStretch);
    for (Action action : c.keymap.actions()) {
      std::string does(c.keymap.help(action));
      if (const auto i = toggle_index(action); i && c.errors) {
        if (static_cast<std::size_t>(*i) >= c.errors->labels().size()) continue;
        does = "Tick or untick '" + c.errors->labels()[static_cast<std::size_t>(*i)] + "'";
      }
      if (const auto i = toggle_index(action); i && c.review) {  // only the numbers this task has
        const auto& answers = c.review->answers();
        if (static_cast<std::size_t>(*i) >= std::max<std::size_t>(answers.size(), 2)) continue;
        does = "Pick caption " + std::to_string(*i + 1) +
               (static_cast<std::size_t>(*i) < answers.size() ? " (" + answers[*i].annotator + "'s)" : "") +
               " as the final caption";
      }
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      const std::string keys = keys_for(c.keymap, action);
      ImGui::TextColored(keys.empty() ? theme::text_dim : theme::accent, "%s", keys.empty() ? "(unbound)" : keys.c_str());
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(does.c_str());
    }
    ImGui::EndTable();
  }
  ImGui::Spacing();
  ImGui::PushTextWrapPos(0.f);
  if (c.review) ImGui::TextColored(theme::text_dim, "Mouse wheel zooms the image, dragging pans it.");
  else
    ImGui::TextColored(theme::text_dim, "In the gallery: arrows move, Enter opens, Escape goes back. "
                                        "Mouse wheel zooms the image, dragging pans it.");
  ImGui::TextColored(theme::text_dim, "Change keys with --keymap FILE (lines like \"reject = Ctrl+Shift+R\"). "
                                      "%s closes this.", keys_for(c.keymap, Action::help).c_str());
  ImGui::PopTextWrapPos();
  end_overlay();
}

}  // namespace gloss::ui
