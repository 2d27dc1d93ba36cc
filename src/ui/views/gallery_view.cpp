// The gallery: a virtualised grid of thumbnails (only visible rows are drawn
// and asked for), a badge per task, Enter or a click opens it.
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "ui/theme.h"
#include "ui/views/views.h"

namespace gloss::ui {
namespace {

struct Badge {
  const char* label;
  ImVec4 colour;
};

Badge badge_for(const std::optional<Answer>& a) {
  if (!a) return {"pending", theme::pending};
  switch (a->answer) {
    case AnswerKind::reject: return {"rejected", theme::deleted};
    case AnswerKind::ignore: return {"skipped", theme::waiting};
    case AnswerKind::accept: break;
  }
  if (a->orig_caption.empty()) return {"captioned", theme::inserted};
  return a->changed() ? Badge{"corrected", theme::accent} : Badge{"accepted", theme::inserted};
}

void move_selection(ViewContext& c, int columns) {
  const auto last = c.session.size() ? c.session.size() - 1 : 0;
  auto& sel = c.view.gallery_selected;
  const auto before = sel;
  auto pressed = [](ImGuiKey key) { return ImGui::IsKeyPressed(ImGui::GetKeyIndex(key)); };
  if (pressed(ImGuiKey_RightArrow) && sel < last) ++sel;
  if (pressed(ImGuiKey_LeftArrow) && sel > 0) --sel;
  if (pressed(ImGuiKey_DownArrow)) sel = std::min<std::uint64_t>(last, sel + columns);
  if (pressed(ImGuiKey_UpArrow) && sel >= static_cast<std::uint64_t>(columns)) sel -= columns;
  if (pressed(ImGuiKey_Home)) sel = 0;
  if (pressed(ImGuiKey_End)) sel = last;
  if (sel != before) c.view.gallery_scroll = true;
}

void draw_cell(ViewContext& c, Intents& out, std::uint64_t position, std::uint64_t task, float cell) {
  const float s = c.scale, pad = 8.f * s;
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImVec2 a = ImGui::GetCursorScreenPos(), b(a.x + cell - pad, a.y + cell - pad);
  ImGui::PushID(static_cast<int>(position));
  if (ImGui::InvisibleButton("##cell", ImVec2(cell - pad, cell - pad))) {
    out.open_position = position;
  }
  const bool selected = position == c.view.gallery_selected;
  const bool current = position == c.session.position();
  dl->AddRectFilled(a, b, theme::u32(ImGui::IsItemHovered() ? theme::panel_raised : theme::panel), 6.f * s);
  const float label_h = ImGui::GetTextLineHeight() + 10.f * s;
  const ImVec2 box_min(a.x + 8 * s, a.y + 8 * s), box_max(b.x - 8 * s, b.y - label_h);
  if (const Texture* t = c.thumbs.find(task)) {
    const float fit = std::min((box_max.x - box_min.x) / t->width, (box_max.y - box_min.y) / t->height);
    const float w = t->width * fit, h = t->height * fit;
    const ImVec2 p(std::floor((box_min.x + box_max.x - w) * 0.5f), std::floor((box_min.y + box_max.y - h) * 0.5f));
    dl->AddImage(reinterpret_cast<ImTextureID>(static_cast<std::intptr_t>(t->id)), p, ImVec2(p.x + w, p.y + h));
  } else {
    dl->AddRectFilled(box_min, box_max, theme::u32(theme::background), 4.f * s);
    const auto failed = c.view.thumbnail_errors.find(task);
    if (failed != c.view.thumbnail_errors.end()) {
      // The image could not be decoded: say so instead of a blank placeholder;
      // the reason is in the tooltip (and on the error card when opened).
      ImGui::PushFont(c.fonts.small);
      const char* label = "cannot read";
      const ImVec2 ls = ImGui::CalcTextSize(label);
      const ImVec2 centre((box_min.x + box_max.x) * 0.5f, (box_min.y + box_max.y) * 0.5f);
      const ImVec2 lp(std::floor(centre.x - ls.x * 0.5f), std::floor(centre.y - ls.y * 0.5f));
      dl->AddRect(box_min, box_max, theme::u32(theme::deleted, 0.6f), 4.f * s, 0, 1.5f * s);
      dl->AddRectFilled(ImVec2(lp.x - 8 * s, lp.y - 4 * s), ImVec2(lp.x + ls.x + 8 * s, lp.y + ls.y + 4 * s),
                        theme::u32(theme::deleted, 0.22f), 8.f * s);
      dl->AddText(lp, theme::u32(theme::deleted), label);
      ImGui::PopFont();
      if (ImGui::IsItemHovered() && !failed->second.empty()) ImGui::SetTooltip("%s", failed->second.c_str());
    }
  }
  const auto answer = c.store.answer(c.session.dataset(), task, c.session.annotator());
  const Badge badge = badge_for(answer);
  ImGui::PushFont(c.fonts.small);
  const std::string number = "#" + format_count(position + 1);
  const float ty = b.y - label_h + 5.f * s;
  dl->AddText(ImVec2(a.x + 10 * s, ty), theme::u32(current ? theme::accent : theme::text_dim), number.c_str());
  const ImVec2 bs = ImGui::CalcTextSize(badge.label);
  const ImVec2 bp(b.x - bs.x - 16 * s, ty);
  dl->AddRectFilled(ImVec2(bp.x - 6 * s, bp.y - 2 * s), ImVec2(bp.x + bs.x + 6 * s, bp.y + bs.y + 2 * s),
                    theme::u32(badge.colour, 0.22f), 8.f * s);
  dl->AddText(bp, theme::u32(badge.colour), badge.label);
  ImGui::PopFont();
  if (selected) dl->AddRect(a, b, theme::u32(theme::accent), 6.f * s, 0, 2.5f * s);
  else if (current) dl->AddRect(a, b, theme::u32(theme::accent, 0.4f), 6.f * s, 0, 1.f * s);
  ImGui::PopID();
}

// Above the grid while the folder is still being indexed: how far, and
// where the images still to come will be.
float draw_indexing_line(ViewContext& c) {
  if (!c.scan || c.scan->first_pass_done || !c.scan->failure.empty()) return 0.f;
  const ScanProgress& p = c.scan->pass;
  const std::string line = "Indexing the folder: " + format_count(p.done) + " of " + format_count(p.listed) +
                           " files read" + (p.listing_done ? "" : " (more may still be found)") +
                           (p.seconds >= 0.5 && p.bytes_read ? " · " + format_rate(p.bytes_per_second()) : "") +
                           ". The images still to come appear at the end.";
  ImGui::PushFont(c.fonts.small);
  ImGui::TextColored(theme::waiting, "%s", line.c_str());
  ImGui::PopFont();
  return ImGui::GetItemRectSize().y + ImGui::GetStyle().ItemSpacing.y;
}

}  // namespace

void draw_gallery(ViewContext& c, Intents& out, ImVec2 size) {
  const float cell = 200.f * c.scale;
  size.y -= draw_indexing_line(c);
  ImGui::BeginChild("##gallery", size, false);
  const int columns = std::max(1, static_cast<int>(ImGui::GetContentRegionAvail().x / cell));
  const std::uint64_t total = c.session.size();
  const int rows = static_cast<int>((total + columns - 1) / columns);
  const float margin = std::max(0.f, (ImGui::GetContentRegionAvail().x - columns * cell) * 0.5f);
  move_selection(c, columns);
  if (c.view.gallery_scroll) {
    const float y = static_cast<float>(c.view.gallery_selected / columns) * cell;
    if (y < ImGui::GetScrollY() || y + cell > ImGui::GetScrollY() + size.y)
      ImGui::SetScrollY(std::max(0.f, y - (size.y - cell) * 0.5f));
    c.view.gallery_scroll = false;
  }
  ImGuiListClipper clipper;
  clipper.Begin(rows, cell);
  std::uint64_t first = UINT64_MAX, last = 0;
  while (clipper.Step()) {
    const std::uint64_t row_first = static_cast<std::uint64_t>(clipper.DisplayStart) * columns;
    const std::uint64_t count = static_cast<std::uint64_t>(clipper.DisplayEnd - clipper.DisplayStart) * columns;
    const auto hashes = c.store.tasks_at(c.session.dataset(), row_first, count);
    for (int row = clipper.DisplayStart; row < clipper.DisplayEnd; ++row) {
      for (int col = 0; col < columns; ++col) {
        const std::uint64_t p = static_cast<std::uint64_t>(row) * columns + col;
        if (p >= total || p - row_first >= hashes.size()) break;
        if (col > 0) ImGui::SameLine(0, 0);
        else ImGui::SetCursorPosX(ImGui::GetCursorPosX() + margin);
        draw_cell(c, out, p, hashes[p - row_first], cell);
        first = std::min(first, p);
        last = std::max(last, p);
      }
    }
  }
  clipper.End();
  if (first != UINT64_MAX) out.thumbnails = std::make_pair(first, last - first + 1);
  ImGui::EndChild();
}

}  // namespace gloss::ui
