// Top bar: where the annotator is ("812 / 1,200"), the file, progress.
#include <cstdio>
#include <filesystem>

#include "ui/theme.h"
#include "ui/views/views.h"

namespace gloss::ui {
namespace {

// gloss review: where in the review list, its order and disagreement.
std::string review_where(const ReviewPass& p) {
  char text[160];
  const std::string n = p.index() ? format_count(*p.index() + 1) : std::string("–");
  std::snprintf(text, sizeof text, "review %s of %s", n.c_str(), format_count(p.size()).c_str());
  return text;
}

std::string review_detail(const ReviewPass& p) {
  char text[160];
  std::snprintf(text, sizeof text, "%s · the list's mean WER %.2f",
                p.order() == ReviewOrder::disagreement ? "most disagreeing first" : "in dataset order",
                p.mean_disagreement());
  return text;
}

void review_state(const ReviewPass& p, std::string& state, ImVec4& colour) {
  state = "not reviewed yet", colour = theme::pending;
  if (const auto& r = p.review()) {
    state = "reviewed: " + std::string(to_string(r->verdict));
    colour = r->settled() ? theme::inserted : theme::waiting;
  }
}

}  // namespace

void draw_header(ViewContext& c, float height) {
  const CaptionSession& s = c.session;
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImVec2 p0 = ImGui::GetCursorScreenPos();
  const float width = ImGui::GetContentRegionAvail().x;
  const float pad = 16.f * c.scale;
  dl->AddRectFilled(ImVec2(0, 0), ImVec2(p0.x + width + pad * 2, p0.y + height), theme::u32(theme::panel));

  const float text_y = p0.y + (height - ImGui::GetFontSize()) * 0.5f;
  ImGui::SetCursorScreenPos(ImVec2(p0.x, text_y));
  ImGui::PushFont(c.fonts.heading);
  ImGui::TextUnformatted("gloss");
  ImGui::PopFont();
  ImGui::SameLine();
  ImGui::TextColored(theme::text_dim, "·  %s", s.dataset_name().c_str());
  ImGui::SameLine(0, 24.f * c.scale);
  const std::string where =
      c.review ? review_where(*c.review) : format_count(s.position() + 1) + " / " + format_count(s.size());
  ImGui::PushFont(c.fonts.heading);
  ImGui::TextUnformatted(where.c_str());
  ImGui::PopFont();
  ImGui::SameLine(0, 16.f * c.scale);
  const std::string file = std::filesystem::path(s.task().path).filename().string();
  if (c.review) {
    ImGui::TextColored(theme::text_dim, "%s", review_detail(*c.review).c_str());
    ImGui::SameLine(0, 16.f * c.scale);
  }
  ImGui::TextColored(theme::text_dim, "%s  %d×%d", file.c_str(), s.task().width, s.task().height);

  // Right side: what the open task's answer is, if any.
  std::string state = "not answered yet";
  ImVec4 colour = theme::pending;
  if (const auto& a = s.answer()) {
    if (a->answer == AnswerKind::reject) state = "rejected", colour = theme::deleted;
    else if (a->answer == AnswerKind::ignore) state = "skipped", colour = theme::waiting;
    else if (a->orig_caption.empty()) state = "answered", colour = theme::inserted;
    else if (a->changed()) state = "answered: corrected", colour = theme::accent;
    else state = "answered: accepted as suggested", colour = theme::inserted;
  }
  if (c.review) review_state(*c.review, state, colour);
  const float state_w = ImGui::CalcTextSize(state.c_str()).x;
  ImGui::SameLine(p0.x + width - state_w - 2.f);
  ImGui::TextColored(colour, "%s", state.c_str());

  // Progress: answered share of the dataset, as a thin line under the bar.
  const DatasetInfo& d = s.dataset();
  float done = d.size ? static_cast<float>(d.answered) / static_cast<float>(d.size) : 0.f;
  if (c.review) done = c.review->size() ? static_cast<float>(c.review->reviewed()) / static_cast<float>(c.review->size()) : 0.f;
  const float y = p0.y + height - 3.f * c.scale;
  dl->AddRectFilled(ImVec2(0, y), ImVec2(p0.x + width + pad * 2, p0.y + height), theme::u32(theme::border));
  dl->AddRectFilled(ImVec2(0, y), ImVec2((p0.x + width + pad * 2) * done, p0.y + height), theme::u32(theme::inserted));
  ImGui::SetCursorScreenPos(ImVec2(p0.x, p0.y + height));
}

}  // namespace gloss::ui
