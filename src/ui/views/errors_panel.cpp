// Under the image in the errors window: what the model suggested, what the
// annotator made of it (with the word diff), and the category chips that
// 1-9 (or a click) tick; the classifier's guess is marked on its chips with
// the changes that made it ("subject · cat → dog").
#include <cstdio>
#include <string>

#include "core/error_pass.h"
#include "ui/theme.h"
#include "ui/views/views.h"

namespace gloss::ui {
namespace {

void label(ViewContext& c, const char* text) {
  ImGui::PushFont(c.fonts.small);
  ImGui::TextColored(theme::text_dim, "%s", text);
  ImGui::PopFont();
}

// The triggers of a guessed category, cut to fit on a chip: "cat → dog; + beach".
std::string reason_text(const GuessReason& why) {
  constexpr std::size_t kMaxBytes = 44;
  std::string out;
  for (const std::string& t : why.triggers) out += (out.empty() ? "" : "; ") + t;
  if (out.size() <= kMaxBytes) return out;
  std::size_t cut = kMaxBytes;
  while (cut > 0 && (static_cast<unsigned char>(out[cut]) & 0xC0) == 0x80) --cut;  // not inside a UTF-8 character
  return out.substr(0, cut) + "\u2026";
}

void draw_chips(ViewContext& c, Intents& out) {
  const ErrorPass& e = *c.errors;
  const float s = c.scale;
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const float right = ImGui::GetCursorScreenPos().x + ImGui::GetContentRegionAvail().x;
  for (std::size_t i = 0; i < e.labels().size(); ++i) {
    const std::string& name = e.labels()[i];
    char text[160];
    std::snprintf(text, sizeof text, "%s%s", name.c_str(), e.guessed(i) ? "  · guess" : "");
    if (const GuessReason* why = e.reason(i)) std::snprintf(text, sizeof text, "%s  · guess: %s", name.c_str(), reason_text(*why).c_str());
    const char* key = i < 9 ? "123456789" + i : "";
    const float key_w = i < 9 ? ImGui::CalcTextSize("0").x + 12.f * s : 0.f;
    const ImVec2 ts = ImGui::CalcTextSize(text);
    const ImVec2 size(ts.x + key_w + 30.f * s, ts.y + 14.f * s);
    if (i > 0) {
      ImGui::SameLine(0, 10.f * s);
      if (ImGui::GetCursorScreenPos().x + size.x > right) ImGui::NewLine();
    }
    const ImVec2 p = ImGui::GetCursorScreenPos();
    ImGui::PushID(static_cast<int>(i));
    if (ImGui::InvisibleButton("##chip", size) && i < 9)
      out.actions.push_back(static_cast<Action>(static_cast<int>(Action::toggle_1) + static_cast<int>(i)));
    ImGui::PopID();
    const ImVec4 colour = category_colour(name);
    const bool on = e.ticked(i);
    const ImVec2 q(p.x + size.x, p.y + size.y);
    dl->AddRectFilled(p, q, on ? theme::u32(colour, 0.28f) : theme::u32(theme::panel_raised), 6.f * s);
    dl->AddRect(p, q, on ? theme::u32(colour) : theme::u32(theme::border), 6.f * s, 0, (on ? 2.f : 1.f) * s);
    float x = p.x + 12.f * s;
    const float y = p.y + 7.f * s;
    if (i < 9) {
      dl->AddText(ImVec2(x, y), theme::u32(on ? colour : theme::text_dim), key, key + 1);
      x += key_w;
    }
    dl->AddCircleFilled(ImVec2(x + 3.f * s, p.y + size.y * 0.5f), 4.f * s, theme::u32(colour, on ? 1.f : 0.35f));
    dl->AddText(ImVec2(x + 12.f * s, y), theme::u32(on ? theme::text : theme::text_dim), text);
  }
}

void draw_hints(ViewContext& c) {
  ImGui::PushFont(c.fonts.small);
  const std::pair<Action, const char*> hints[] = {{Action::accept, "save"},  {Action::revert, "tick the guess"},
                                                  {Action::skip, "skip"},    {Action::undo, "undo"},
                                                  {Action::histogram, "histogram"}, {Action::help, "all keys"}};
  ImGui::TextUnformatted("1-9");
  ImGui::SameLine(0, 5.f * c.scale);
  ImGui::TextColored(theme::text_dim, "toggle");
  for (const auto& [action, text] : hints) {
    const auto chords = c.keymap.chords_for(action);
    if (chords.empty()) continue;
    ImGui::SameLine(0, 18.f * c.scale);
    ImGui::TextUnformatted(format_chord(chords.front()).c_str());
    ImGui::SameLine(0, 5.f * c.scale);
    ImGui::TextColored(theme::text_dim, "%s", text);
  }
  ImGui::PopFont();
}

}  // namespace

float errors_panel_height(const ViewContext& c) {
  ImGui::PushFont(c.fonts.caption);
  const float line = ImGui::GetTextLineHeightWithSpacing();
  ImGui::PopFont();
  return 150.f * c.scale + 2.f * line;
}

void draw_errors_panel(ViewContext& c, Intents& out, float height) {
  const ErrorPass& e = *c.errors;
  ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(20.f * c.scale, 14.f * c.scale));
  ImGui::BeginChild("##errors-panel", ImVec2(0, height), false,
                    ImGuiWindowFlags_NoScrollbar | ImGuiWindowFlags_AlwaysUseWindowPadding);
  if (const auto& a = e.source_answer()) {
    const std::string model = a->model.empty() ? "no model" : "model " + a->model.substr(0, 8);
    char heading[160];
    std::snprintf(heading, sizeof heading, "MODEL SUGGESTED  (%s · %d word edit%s)", model.c_str(), a->edit_distance,
                  a->edit_distance == 1 ? "" : "s");
    label(c, heading);
    ImGui::PushFont(c.fonts.caption);
    ImGui::TextColored(theme::text_dim, "%s", a->orig_caption.empty() ? "(no suggestion)" : a->orig_caption.c_str());
    ImGui::PopFont();
    label(c, "ANNOTATOR WROTE  (removed words struck through, added words green)");
    ImGui::PushFont(c.fonts.caption);
    draw_word_diff(c, a->orig_caption, a->caption);
    ImGui::PopFont();
  } else {
    label(c, "NO ANSWER IN THE SOURCE DATASET FOR THIS IMAGE");
  }
  ImGui::Spacing();
  draw_chips(c, out);
  ImGui::Spacing();
  draw_hints(c);
  ImGui::EndChild();
  ImGui::PopStyleVar();
}

}  // namespace gloss::ui
