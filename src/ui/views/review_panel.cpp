// Under the image in gloss review: what the task's answers are and what was
// decided, then every annotator's caption in a numbered row (the number key
// picks it) with its word diff against the selected caption, or against the
// final caption once the task has one; the edit box while editing; the keys.
#include <algorithm>
#include <cstdio>
#include <ctime>

#include "ui/theme.h"
#include "ui/views/views.h"

namespace gloss::ui {
namespace {

constexpr float kLabelWidth = 200.f;  // the "3  bob · accepted" column, unscaled
constexpr float kRowGap = 6.f;

std::string when(std::int64_t ms) {
  const std::time_t t = static_cast<std::time_t>(ms / 1000);
  std::tm local{};
  localtime_r(&t, &local);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%d %H:%M", &local);
  return text;
}

const char* kind_words(AnswerKind kind) {
  switch (kind) {
    case AnswerKind::accept: return "accepted";
    case AnswerKind::reject: return "rejected";
    case AnswerKind::ignore: return "skipped";
  }
  return "";
}

ImVec4 kind_colour(AnswerKind kind) {
  return kind == AnswerKind::accept ? theme::text_dim : kind == AnswerKind::reject ? theme::deleted : theme::waiting;
}

// "picked bob's caption" / "edited from ann's caption" / "sent back for another annotator"
std::string decision_words(const Review& r) {
  switch (r.verdict) {
    case ReviewVerdict::picked: return "picked " + r.from + "'s caption";
    case ReviewVerdict::edited: return r.from.empty() ? "wrote a new caption" : "edited " + r.from + "'s caption";
    case ReviewVerdict::sent_back: return "sent back for another annotator";
  }
  return "";
}

void draw_state_line(ViewContext& c) {
  const ReviewPass& p = *c.review;
  ImGui::PushFont(c.fonts.small);
  if (!p.index()) {
    ImGui::TextColored(theme::waiting, "THIS TASK IS NOT IN THE REVIEW LIST (fewer than two annotators answered it)");
    ImGui::PopFont();
    return;
  }
  ImGui::TextColored(theme::text_dim, "%zu ANSWERS · WORD ERROR RATE BETWEEN THEM %.2f", p.answers().size(),
                     p.disagreement());
  ImGui::SameLine(0, 24.f * c.scale);
  if (const auto& r = p.review()) {
    const std::string text = "REVIEWED by " + r->reviewer + " on " + when(r->reviewed_ms) + ": " + decision_words(*r);
    ImGui::TextColored(r->settled() ? theme::inserted : theme::waiting, "%s", text.c_str());
  } else {
    ImGui::TextColored(theme::pending, "NOT REVIEWED YET: pick one (1-%zu), edit one (%s) or send it back (%s)",
                       std::min<std::size_t>(9, p.answers().size()), keys_for(c.keymap, Action::edit_selected).c_str(),
                       keys_for(c.keymap, Action::send_back).c_str());
  }
  ImGui::PopFont();
}

// What the rows' marks are measured against, in words.
void draw_legend(ViewContext& c) {
  const ReviewPass& p = *c.review;
  if (!p.index() || p.answers().empty()) return;
  std::string against = "the final caption";
  if (!(p.review() && p.review()->settled()))
    against = p.answers()[std::min(p.selected(), p.answers().size() - 1)].annotator + "'s caption (selected)";
  ImGui::PushFont(c.fonts.small);
  ImGui::TextColored(theme::text_dim, "each caption marked against %s:", against.c_str());
  ImGui::SameLine(0, 8.f * c.scale);
  ImGui::TextColored(theme::deleted, "struck = missing here");
  ImGui::SameLine(0, 8.f * c.scale);
  ImGui::TextColored(theme::inserted, "green = only here");
  ImGui::PopFont();
}

float caption_width(const ViewContext& c, float text_width) { return text_width - (kLabelWidth + 24.f) * c.scale; }

// The label cell of row i: its number key, the annotator, the answer's kind.
void draw_label(ViewContext& c, std::size_t i, const Answer& a, bool selected, bool chosen) {
  const ImVec4 number = chosen ? theme::inserted : selected ? theme::accent : theme::text;
  if (i < 9) ImGui::TextColored(number, "%zu", i + 1);
  else ImGui::TextColored(theme::text_dim, "·");
  ImGui::SameLine(0, 10.f * c.scale);
  ImGui::TextUnformatted(a.annotator.c_str());
  ImGui::PushFont(c.fonts.small);
  ImGui::SetCursorPosX(ImGui::GetCursorPosX() + 20.f * c.scale);
  ImGui::TextColored(kind_colour(a.answer), "%s%s", kind_words(a.answer), chosen ? " · final" : "");
  ImGui::PopFont();
}

void draw_rows(ViewContext& c) {
  const ReviewPass& p = *c.review;
  const std::string base = p.baseline();
  const auto& review = p.review();
  if (!ImGui::BeginTable("##answers", 2, ImGuiTableFlags_PadOuterX | ImGuiTableFlags_BordersInnerH)) return;
  ImGui::TableSetupColumn("who", ImGuiTableColumnFlags_WidthFixed, kLabelWidth * c.scale);
  ImGui::TableSetupColumn("caption", ImGuiTableColumnFlags_WidthStretch);
  for (std::size_t i = 0; i < p.answers().size(); ++i) {
    const Answer& a = p.answers()[i];
    const bool selected = i == p.selected() && !(review && review->settled());
    const bool chosen = review && review->settled() && review->from == a.annotator;
    ImGui::TableNextRow(0, 0.f);
    if (selected) ImGui::TableSetBgColor(ImGuiTableBgTarget_RowBg0, theme::u32(theme::accent, 0.12f));
    else if (chosen) ImGui::TableSetBgColor(ImGuiTableBgTarget_RowBg0, theme::u32(theme::inserted, 0.10f));
    ImGui::TableNextColumn();
    draw_label(c, i, a, selected, chosen);
    ImGui::Dummy(ImVec2(0, kRowGap * c.scale));
    ImGui::TableNextColumn();
    ImGui::PushFont(c.fonts.caption);
    if (a.caption.empty()) ImGui::TextColored(theme::text_dim, "(no caption)");
    else draw_word_diff(c, base, a.caption);
    ImGui::PopFont();
    ImGui::Dummy(ImVec2(0, kRowGap * c.scale));
  }
  ImGui::EndTable();
}

// The caption an edited review's final caption was made from.
std::string edited_from(const ReviewPass& p) {
  for (const Answer& a : p.answers())
    if (p.review() && a.annotator == p.review()->from) return a.caption;
  return {};
}

// The final caption of an edited review, against the caption it came from.
void draw_final(ViewContext& c) {
  const ReviewPass& p = *c.review;
  const auto& r = p.review();
  if (!r || r->verdict != ReviewVerdict::edited) return;
  const std::string from = edited_from(p);
  ImGui::PushFont(c.fonts.small);
  ImGui::TextColored(theme::inserted, "FINAL CAPTION (edited from %s's, changes marked):", r->from.c_str());
  ImGui::PopFont();
  ImGui::PushFont(c.fonts.caption);
  draw_word_diff(c, from, r->caption);
  ImGui::PopFont();
}

void draw_hints(ViewContext& c) {
  const bool editing = c.review->editing();
  ImGui::PushFont(c.fonts.small);
  std::vector<std::pair<std::string, std::string>> hints;
  if (editing) {
    hints = {{keys_for(c.keymap, Action::accept), "save the final caption"},
             {keys_for(c.keymap, Action::revert), "back to picking"}};
  } else {
    hints = {{"1-9", "pick that caption"},
             {keys_for(c.keymap, Action::select_previous) + " " + keys_for(c.keymap, Action::select_next), "select"},
             {keys_for(c.keymap, Action::edit_selected), "edit selected"},
             {keys_for(c.keymap, Action::send_back), "send back"},
             {keys_for(c.keymap, Action::next), "next without deciding"},
             {keys_for(c.keymap, Action::undo), "undo"},
             {keys_for(c.keymap, Action::help), "all keys"}};
  }
  bool first = true;
  for (const auto& [keys, label] : hints) {
    if (keys.empty() || keys == " ") continue;
    if (!first) ImGui::SameLine(0, 16.f * c.scale);
    first = false;
    ImGui::TextUnformatted(keys.c_str());
    ImGui::SameLine(0, 5.f * c.scale);
    ImGui::TextColored(theme::text_dim, "%s", label.c_str());
  }
  ImGui::PopFont();
}

}  // namespace

float review_panel_height(const ViewContext& c, float text_width) {
  const ReviewPass& p = *c.review;
  const float s = c.scale;
  const ImGuiStyle& style = ImGui::GetStyle();
  const float small = c.fonts.small->FontSize + style.ItemSpacing.y;
  const float label = c.fonts.body->FontSize + style.ItemSpacing.y + small;
  const float width = caption_width(c, text_width);
  const std::string base = p.baseline();
  ImGui::PushFont(c.fonts.caption);
  float rows = 0.f;
  for (const Answer& a : p.answers())
    rows += std::max(word_diff_height(base, a.caption, width), label) + kRowGap * s + style.ItemSpacing.y +
            2.f * style.CellPadding.y + 1.f;
  if (p.review() && p.review()->verdict == ReviewVerdict::edited)
    rows += small + word_diff_height(edited_from(p), p.review()->caption, text_width) + style.ItemSpacing.y;
  if (p.editing()) rows += small + ImGui::GetTextLineHeight() + 20.f * s + 2.f * style.ItemSpacing.y;
  ImGui::PopFont();
  // Padding, the state line, the legend, the hints and the spacers between them.
  const float fixed = 24.f * s + 3.f * small + 4.f * s + 4.f * style.ItemSpacing.y + 8.f * s;
  const float most = ImGui::GetIO().DisplaySize.y * 0.62f;
  return std::min(most, fixed + rows);
}

void draw_review_panel(ViewContext& c, Intents& out, float height) {
  const ReviewPass& p = *c.review;
  const float s = c.scale;
  ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(20.f * s, 12.f * s));
  ImGui::BeginChild("##review-panel", ImVec2(0, height), false, ImGuiWindowFlags_AlwaysUseWindowPadding);
  draw_state_line(c);
  draw_legend(c);
  ImGui::Dummy(ImVec2(0, 2.f * s));
  draw_rows(c);
  draw_final(c);
  if (p.editing()) {
    ImGui::PushFont(c.fonts.small);
    ImGui::TextColored(theme::accent, "FINAL CAPTION: edit it, %s saves", keys_for(c.keymap, Action::accept).c_str());
    ImGui::PopFont();
    draw_caption_box(c, out, "##final", p.edit_generation(), p.edit_text(), "The final caption");
  } else {
    c.view.box_active = false;
  }
  ImGui::Dummy(ImVec2(0, 2.f * s));
  draw_hints(c);
  ImGui::EndChild();
  ImGui::PopStyleVar();
}

}  // namespace gloss::ui
