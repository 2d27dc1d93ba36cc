// Bottom bar: the model, how far ahead suggestions are ready, the worker's
// queue, pace and stalls, and this session's counts.
#include <algorithm>
#include <cstdio>

#include "ui/theme.h"
#include "ui/views/views.h"

namespace gloss::ui {
namespace {

// "indexing 41,200 / 250,000 · 1.9 GB/s" during the first pass (the total
// grows while the folder is still being listed), what stopped it, or the
// images that arrived since the window opened.
void draw_scan_status(const BackgroundScanStatus& scan, float gap) {
  const ScanProgress& p = scan.pass;
  if (!scan.failure.empty()) {
    ImGui::SameLine(0, gap);
    ImGui::TextColored(theme::deleted, "indexing stopped: %s", scan.failure.c_str());
  } else if (!scan.first_pass_done) {
    ImGui::SameLine(0, gap);
    ImGui::TextColored(theme::waiting, "%s", format_scan_progress(p).c_str());
  } else if (scan.added_later > 0) {
    ImGui::SameLine(0, gap);
    ImGui::TextColored(theme::text_dim, "+%s new in the folder since it opened", format_count(scan.added_later).c_str());
  }
}

// Offline: answers are safe on this machine and go to the server when it is
// back. Online with answers still waiting: they are on their way.
void draw_outbox_status(const OutboxStore& outbox, float gap) {
  if (const auto refused = outbox.refusals(); refused.count > 0) {
    ImGui::SameLine(0, gap);
    ImGui::TextColored(theme::deleted, "the server refused %s answer%s", format_count(refused.count).c_str(),
                       refused.count == 1 ? "" : "s");
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", refused.last.c_str());
  }
  const std::uint64_t waiting = outbox.waiting();
  if (outbox.online() && waiting == 0) return;
  ImGui::SameLine(0, gap);
  if (!outbox.online())
    ImGui::TextColored(theme::deleted, "offline · %s answer%s kept on this machine", format_count(waiting).c_str(),
                       waiting == 1 ? "" : "s");
  else
    ImGui::TextColored(theme::waiting, "sending %s answer%s", format_count(waiting).c_str(), waiting == 1 ? "" : "s");
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip("%s", ("The server at " + outbox.location() +
                             (outbox.online() ? " is back: the outbox is being sent."
                                              : " is not answering. Keep working on the images you have: every "
                                                "answer is saved here and sent when the server is back."))
                                .c_str());
}

}  // namespace

void draw_status_bar(ViewContext& c, float height) {
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImVec2 p0 = ImGui::GetCursorScreenPos();
  const ImVec2 display = ImGui::GetIO().DisplaySize;
  dl->AddRectFilled(ImVec2(0, p0.y), ImVec2(display.x, display.y), theme::u32(theme::panel));
  dl->AddLine(ImVec2(0, p0.y), ImVec2(display.x, p0.y), theme::u32(theme::border));
  ImGui::PushFont(c.fonts.small);
  ImGui::SetCursorScreenPos(ImVec2(p0.x, p0.y + (height - ImGui::GetFontSize()) * 0.5f));
  const float gap = 22.f * c.scale;
  ImGui::TextColored(theme::text_dim, "%s", c.model_label.c_str());
  if (c.scan) draw_scan_status(*c.scan, gap);
  if (c.outbox) draw_outbox_status(*c.outbox, gap);
  const SessionSummary sum = c.session.summary();
  if (!c.session.model_id().empty()) {
    ImGui::SameLine(0, gap);
    const std::uint64_t left = c.session.size() - c.session.position();
    const bool healthy = c.ahead.ready_ahead >= std::min<std::uint64_t>({8, c.ahead_window, left});
    ImGui::TextColored(healthy ? theme::inserted : theme::waiting, "ready ahead %llu/%llu",
                       static_cast<unsigned long long>(c.ahead.ready_ahead),
                       static_cast<unsigned long long>(c.ahead_window));
    ImGui::SameLine(0, gap);
    ImGui::TextColored(theme::text_dim, "queue %llu", static_cast<unsigned long long>(c.ahead.queue_depth));
    ImGui::SameLine(0, gap);
    ImGui::TextColored(sum.stalls ? theme::waiting : theme::text_dim, "stalls %llu",
                       static_cast<unsigned long long>(sum.stalls));
    if (!c.ahead.model_problem.empty()) {  // a server down or timing out: say so until it answers again
      ImGui::SameLine(0, gap);
      ImGui::TextColored(theme::deleted, "model unavailable · retrying");  // the whole message: on the image, and here on hover
      if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", c.ahead.model_problem.c_str());
    }
  }
  ImGui::SameLine(0, gap);
  if (sum.counts.answered) ImGui::TextColored(theme::text_dim, "pace %.1f s/task", sum.counts.mean_seconds_per_task());
  else ImGui::TextColored(theme::text_dim, "pace –");

  char counts[160];
  const unsigned long long answered = sum.counts.answered, rejected = sum.counts.rejected,
                           skipped = sum.counts.ignored;
  if (c.errors)
    std::snprintf(counts, sizeof counts, "session: %llu analysed · %llu rejected · %llu skipped",
                  static_cast<unsigned long long>(sum.counts.accepted), rejected, skipped);
  else if (c.review) {
    const ReviewCounts n = c.review->counts();
    std::snprintf(counts, sizeof counts, "session: %llu picked · %llu edited · %llu sent back · %zu of %zu reviewed",
                  static_cast<unsigned long long>(n.picked), static_cast<unsigned long long>(n.edited),
                  static_cast<unsigned long long>(n.sent_back), c.review->reviewed(), c.review->size());
  } else if (c.compare)  // accepted = a winner or both good; rejected = both bad or an unusable image
    std::snprintf(counts, sizeof counts, "session: %llu judged · %llu edited · %llu identical, unseen · %llu skipped",
                  answered, static_cast<unsigned long long>(sum.counts.changed),
                  static_cast<unsigned long long>(c.compare->auto_ties()), skipped);
  else if (c.session.model_id().empty())  // without suggestions every accepted caption is "changed"
    std::snprintf(counts, sizeof counts, "session: %llu answered · %llu captioned · %llu rejected · %llu skipped",
                  answered, static_cast<unsigned long long>(sum.counts.accepted), rejected, skipped);
  else
    std::snprintf(counts, sizeof counts,
                  "session: %llu answered · %llu as suggested · %llu changed · %llu rejected · %llu skipped",
                  answered, static_cast<unsigned long long>(sum.counts.unchanged),
                  static_cast<unsigned long long>(sum.counts.changed), rejected, skipped);
  const float w = ImGui::CalcTextSize(counts).x;
  ImGui::SameLine(display.x - w - 16.f * c.scale);
  ImGui::TextColored(theme::text_dim, "%s", counts);
  ImGui::PopFont();
}

}  // namespace gloss::ui
