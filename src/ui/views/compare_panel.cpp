// Under the image in gloss compare: the two captions side by side in blind
// order, the words each has that the other lacks marked in the same neutral
// colour (neither side is "the suggestion"), and the keys.
#include <algorithm>

#include "core/diff.h"
#include "ui/theme.h"
#include "ui/views/views.h"

namespace gloss::ui {
namespace {

// The caption on one side, words the other side lacks on a tinted ground.
void draw_side_words(ViewContext& c, const std::vector<DiffOp>& ops, DiffOp::Kind own, float width) {
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImVec2 origin = ImGui::GetCursorScreenPos();
  const float line_h = ImGui::GetTextLineHeightWithSpacing();
  const float space = ImGui::CalcTextSize(" ").x;
  ImVec2 pen = origin;
  for (const DiffWord& word : diff_words(ops)) {
    if (word.kind != DiffOp::keep && word.kind != own) continue;
    const ImVec2 size = ImGui::CalcTextSize(word.text.c_str());
    const float gap = word.space_before ? space : 0.f;
    if (pen.x > origin.x && pen.x + gap + size.x > origin.x + width) pen = ImVec2(origin.x, pen.y + line_h);
    else if (pen.x > origin.x) pen.x += gap;
    if (word.kind == own)
      dl->AddRectFilled(ImVec2(pen.x - 3, pen.y - 1), ImVec2(pen.x + size.x + 3, pen.y + size.y + 1),
                        theme::u32(theme::accent, 0.26f), 3.f * c.scale);
    dl->AddText(pen, theme::u32(theme::text), word.text.c_str());
    pen.x += size.x;
  }
  ImGui::Dummy(ImVec2(width, pen.y - origin.y + ImGui::GetTextLineHeight()));
}

std::string first_key(const ViewContext& c, Action action) {
  const auto chords = c.keymap.chords_for(action);
  return chords.empty() ? std::string() : format_chord(chords.front());
}

// Which side the stored or pending judgement favours, for the card borders.
ImVec4 border_for(const ComparePass& p, Side side) {
  if (p.editing()) return p.edit_side() == side ? theme::accent : theme::border;
  if (p.state() != ComparePass::State::answered || !p.stored_pick()) return theme::border;
  switch (*p.stored_pick()) {
    case Pick::left: return side == Side::left ? theme::inserted : theme::border;
    case Pick::right: return side == Side::right ? theme::inserted : theme::border;
    case Pick::both_good: return theme::inserted;
    case Pick::both_bad: return theme::deleted;
  }
  return theme::border;
}

void draw_card(ViewContext& c, Side side, const std::vector<DiffOp>& ops, ImVec2 size) {
  const ComparePass& p = *c.compare;
  const float s = c.scale;
  ImGui::PushStyleColor(ImGuiCol_ChildBg, theme::panel_raised);
  ImGui::PushStyleColor(ImGuiCol_Border, border_for(p, side));
  ImGui::PushStyleVar(ImGuiStyleVar_ChildRounding, 6.f * s);
  ImGui::PushStyleVar(ImGuiStyleVar_ChildBorderSize, 2.f * s);
  ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(14.f * s, 10.f * s));
  ImGui::BeginChild(side == Side::left ? "##left" : "##right", size, true,
                    ImGuiWindowFlags_NoScrollbar | ImGuiWindowFlags_AlwaysUseWindowPadding);
  ImGui::PushFont(c.fonts.small);
  const bool left = side == Side::left;
  ImGui::TextColored(theme::text_dim, "%s", left ? "LEFT" : "RIGHT");
  ImGui::SameLine(0, 10.f * s);
  const std::string key = first_key(c, left ? Action::prefer_left : Action::prefer_right);
  if (!key.empty()) ImGui::TextColored(theme::text_dim, "%s: this one is better", key.c_str());
  ImGui::PopFont();
  ImGui::PushFont(c.fonts.caption);
  const std::string& text = p.caption(side);
  if (text.empty() && p.state() == ComparePass::State::waiting) ImGui::TextColored(theme::waiting, "captioning…");
  else if (text.empty()) ImGui::TextColored(theme::text_dim, "(no caption)");
  else draw_side_words(c, ops, left ? DiffOp::del : DiffOp::ins, ImGui::GetContentRegionAvail().x);
  ImGui::PopFont();
  ImGui::EndChild();
  ImGui::PopStyleVar(3);
  ImGui::PopStyleColor(2);
}

const char* pick_words(Pick pick) {
  switch (pick) {
    case Pick::left: return "left is better";
    case Pick::right: return "right is better";
    case Pick::both_good: return "both good";
    case Pick::both_bad: return "both bad";
  }
  return "";
}

void draw_state_line(ViewContext& c) {
  const ComparePass& p = *c.compare;
  ImGui::PushFont(c.fonts.small);
  switch (p.state()) {
    case ComparePass::State::waiting:
      if (!c.session.suggestion_error().empty())  // an endpoint model's server failed on this image
        ImGui::TextColored(theme::deleted, "a model gave no caption: %s", c.session.suggestion_error().c_str());
      else
        ImGui::TextColored(theme::waiting, "captioning… the other model has not finished this image yet");
      break;
    case ComparePass::State::ready:
      ImGui::TextColored(theme::text_dim, "WHICH CAPTION DESCRIBES THE IMAGE BETTER?  Blind: the sides are shuffled per image");
      break;
    case ComparePass::State::answered:
      if (const auto pick = p.stored_pick())
        ImGui::TextColored(theme::inserted, "JUDGED: %s%s", pick_words(*pick), p.stored_edited() ? " · caption edited" : "");
      else
        ImGui::TextColored(theme::text_dim, "ANSWERED WITHOUT A JUDGEMENT (skipped, rejected or identical)");
      break;
    case ComparePass::State::failed:
      ImGui::TextColored(theme::deleted, "this image cannot be read: skip it (%s) or reject it (%s)",
                         first_key(c, Action::skip).c_str(), first_key(c, Action::reject).c_str());
      break;
  }
  ImGui::PopFont();
}

void draw_edit_box(ViewContext& c, Intents& out) {
  const ComparePass& p = *c.compare;
  draw_caption_box(c, out, "##final", p.edit_generation(), p.edit_text(), "The final caption");
}

void draw_hints(ViewContext& c) {
  const bool editing = c.compare->editing();
  ImGui::PushFont(c.fonts.small);
  std::vector<std::pair<Action, const char*>> hints;
  if (editing) hints = {{Action::accept, "save the final caption"}, {Action::revert, "back to judging"}};
  else
    hints = {{Action::prefer_left, "left better"}, {Action::prefer_right, "right better"},
             {Action::both_good, "both good"},     {Action::both_bad, "both bad"},
             {Action::edit_left, "edit left"},     {Action::edit_right, "edit right"},
             {Action::skip, "skip"},               {Action::undo, "undo"},
             {Action::help, "all keys"}};
  bool first = true;
  for (const auto& [action, label] : hints) {
    const std::string keys = keys_for(c.keymap, action);
    if (keys.empty()) continue;
    if (!first) ImGui::SameLine(0, 16.f * c.scale);
    first = false;
    ImGui::TextUnformatted(keys.c_str());
    ImGui::SameLine(0, 5.f * c.scale);
    ImGui::TextColored(theme::text_dim, "%s", label);
  }
  ImGui::PopFont();
}

}  // namespace

float compare_panel_height(const ViewContext& c) {
  return (c.compare && c.compare->editing() ? 246.f : 180.f) * c.scale;
}

void draw_compare_panel(ViewContext& c, Intents& out, float height) {
  const ComparePass& p = *c.compare;
  const float s = c.scale;
  ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(20.f * s, 12.f * s));
  ImGui::BeginChild("##compare-panel", ImVec2(0, height), false,
                    ImGuiWindowFlags_NoScrollbar | ImGuiWindowFlags_AlwaysUseWindowPadding);
  draw_state_line(c);
  ImGui::Dummy(ImVec2(0, 2.f * s));
  const auto ops = word_diff(p.caption(Side::left), p.caption(Side::right));
  const float gap = 14.f * s;
  const float card_w = (ImGui::GetContentRegionAvail().x - gap) * 0.5f;
  const float card_h = 106.f * s;
  draw_card(c, Side::left, ops, ImVec2(card_w, card_h));
  ImGui::SameLine(0, gap);
  draw_card(c, Side::right, ops, ImVec2(card_w, card_h));
  ImGui::Dummy(ImVec2(0, 2.f * s));
  if (p.editing()) {
    draw_edit_box(c, out);
    ImGui::Dummy(ImVec2(0, 2.f * s));
  } else {
    c.view.box_active = false;
  }
  draw_hints(c);
  ImGui::EndChild();
  ImGui::PopStyleVar();
}

}  // namespace gloss::ui
