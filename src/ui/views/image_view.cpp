// The image pane: fit, zoom (keys, wheel) and pan (drag); an error card when
// the image could not be read; "loading" while its pixels are on the way.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <optional>

#include "ui/bench_log.h"  // --bench-log hook
#include "ui/theme.h"
#include "ui/views/views.h"

namespace gloss::ui {
namespace {

void centred_text(ImDrawList* dl, ImVec2 centre, const ImVec4& colour, const char* text) {
  const ImVec2 size = ImGui::CalcTextSize(text);
  dl->AddText(ImVec2(centre.x - size.x * 0.5f, centre.y - size.y * 0.5f), theme::u32(colour), text);
}

void draw_error_card(ViewContext& c, ImDrawList* dl, ImVec2 min, ImVec2 max) {
  const float s = c.scale;
  const ImVec2 centre((min.x + max.x) * 0.5f, (min.y + max.y) * 0.5f);
  const float w = std::min(560.f * s, max.x - min.x - 32.f * s), h = 124.f * s;
  const ImVec2 a(centre.x - w * 0.5f, centre.y - h * 0.5f), b(centre.x + w * 0.5f, centre.y + h * 0.5f);
  dl->AddRectFilled(a, b, theme::u32(theme::panel_raised), 6.f * s);
  dl->AddRect(a, b, theme::u32(theme::deleted), 6.f * s, 0, 1.5f * s);
  ImGui::SetCursorScreenPos(ImVec2(a.x + 20.f * s, a.y + 18.f * s));
  ImGui::BeginGroup();
  ImGui::PushFont(c.fonts.heading);
  ImGui::TextColored(theme::deleted, "This image could not be read");
  ImGui::PopFont();
  ImGui::PushTextWrapPos(b.x - 20.f * s);
  ImGui::TextUnformatted(c.session.failure().c_str());
  ImGui::TextColored(theme::text_dim, "%s rejects it, %s skips it; you can still type a caption.",
                     keys_for(c.keymap, Action::reject).c_str(), keys_for(c.keymap, Action::skip).c_str());
  ImGui::PopTextWrapPos();
  ImGui::EndGroup();
}

// Detail rectangles snap outward to this grid, plus one cell around, so
// small pans and zooms ask for the same rectangle again (and get it free).
constexpr int kDetailGrid = 256;
// At most 16 MP (64 MiB of texture, a second or two of decoding): a wider
// view is zoomed out far enough that the display decode is only a little
// stretched, and no detail is asked for.
constexpr int kMaxDetailSide = 4096;

int snap_down(float v) { return (static_cast<int>(std::floor(v)) / kDetailGrid - 1) * kDetailGrid; }
int snap_up(float v) { return (static_cast<int>(std::ceil(v)) / kDetailGrid + 2) * kDetailGrid; }

// The part of the whole image inside the pane, in upright image pixels,
// snapped to the grid and clamped to the image; nullopt when it is too big
// for one texture.
std::optional<ImageRegion> visible_region(ImVec2 pane_min, ImVec2 pane_max, ImVec2 image_min, float scale,
                                          int image_w, int image_h) {
  const float x0 = std::max(0.f, (pane_min.x - image_min.x) / scale);
  const float y0 = std::max(0.f, (pane_min.y - image_min.y) / scale);
  const float x1 = std::min(static_cast<float>(image_w), (pane_max.x - image_min.x) / scale);
  const float y1 = std::min(static_cast<float>(image_h), (pane_max.y - image_min.y) / scale);
  if (x1 <= x0 || y1 <= y0) return std::nullopt;
  const int left = std::max(0, snap_down(x0)), top = std::max(0, snap_down(y0));
  const int right = std::min(image_w, snap_up(x1)), bottom = std::min(image_h, snap_up(y1));
  if (right - left > kMaxDetailSide || bottom - top > kMaxDetailSide) return std::nullopt;
  return ImageRegion{left, top, right - left, bottom - top};
}

// Past the display-size decode, the full-resolution rectangle (once it has
// come) is drawn over the base texture; the base shows meanwhile.
void draw_detail(ViewContext& c, Intents& out, ImDrawList* dl, const Texture& base, ImVec2 pane_min, ImVec2 pane_max,
                 ImVec2 a, float scale) {
  if (scale * base.source_width <= base.width * 1.01f) return;  // the base texture has every pixel shown
  out.detail = visible_region(pane_min, pane_max, a, scale, base.source_width, base.source_height);
  const DetailTexture* detail = c.detail.find(c.session.task().hash);
  if (!detail) return;
  const ImageRegion& r = detail->region;
  const ImVec2 d0(a.x + r.left * scale, a.y + r.top * scale);
  const ImVec2 d1(a.x + (r.left + r.width) * scale, a.y + (r.top + r.height) * scale);
  c.renderer.draw(dl, detail->texture, d0, d1, scale >= 1.f, static_cast<ImageRenderer::Background>(c.view.background));
}

}  // namespace

void draw_image_pane(ViewContext& c, Intents& out, ImVec2 size) {
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImVec2 min = ImGui::GetCursorScreenPos();
  const ImVec2 max(min.x + size.x, min.y + size.y);
  dl->AddRectFilled(min, max, ImGui::GetColorU32(ImVec4(0.07f, 0.075f, 0.083f, 1.f)));
  ImGui::InvisibleButton("##image", size);
  const ImVec2 after = ImGui::GetCursorScreenPos();  // the error card moves the cursor; the panel goes here
  const bool hovered = ImGui::IsItemHovered();
  const ImVec2 centre((min.x + max.x) * 0.5f, (min.y + max.y) * 0.5f);
  if (hovered && ImGui::GetIO().MouseWheel != 0.f) {
    out.zoom_by = std::pow(1.2f, ImGui::GetIO().MouseWheel);
    out.zoom_anchor_x = ImGui::GetIO().MousePos.x - centre.x;
    out.zoom_anchor_y = ImGui::GetIO().MousePos.y - centre.y;
  }
  if (ImGui::IsItemActive() && ImGui::IsMouseDragging(ImGuiMouseButton_Left, 0.f)) {
    out.pan_dx = ImGui::GetIO().MouseDelta.x;
    out.pan_dy = ImGui::GetIO().MouseDelta.y;
  }

  const Texture* texture = c.images.find(c.session.task().hash);
  if (!texture) {
    dl->PushClipRect(min, max, true);
    if (!c.session.failure().empty()) draw_error_card(c, dl, min, max);
    else centred_text(dl, centre, theme::text_dim, "loading image…");
    dl->PopClipRect();
    ImGui::SetCursorScreenPos(after);
    return;
  }
  // Zoom is screen pixels per pixel of the whole image; the texture may hold
  // it reduced (decoded at display size).
  const float margin = 12.f * c.scale;
  const float iw = static_cast<float>(texture->source_width), ih = static_cast<float>(texture->source_height);
  const float fit = std::min((size.x - 2 * margin) / iw, (size.y - 2 * margin) / ih);
  c.view.fit_scale = std::max(fit, 1e-4f);
  const float scale = c.view.zoom > 0.f ? c.view.zoom : c.view.fit_scale;
  const float w = iw * scale, h = ih * scale;
  const float ox = c.view.zoom > 0.f ? c.view.pan_x : 0.f, oy = c.view.zoom > 0.f ? c.view.pan_y : 0.f;
  // Snap to whole pixels so 1:1 and integer zooms stay sharp.
  const ImVec2 a(std::floor(centre.x - w * 0.5f + ox), std::floor(centre.y - h * 0.5f + oy));
  dl->PushClipRect(min, max, true);
  const bool nearest = w > texture->width * 1.01f;  // past the texture's own pixels: keep them crisp
  c.renderer.draw(dl, *texture, a, ImVec2(a.x + w, a.y + h), nearest,
                  static_cast<ImageRenderer::Background>(c.view.background));
  draw_detail(c, out, dl, *texture, min, max, a, scale);
  c.view.image_drawn = true;
  bench::drawn(c.session.task().hash);  // --bench-log hook
  char label[96];
  const int n = c.view.zoom > 0.f ? std::snprintf(label, sizeof label, "%.0f%%", scale * 100.f)
                                  : std::snprintf(label, sizeof label, "fit · %.0f%%", scale * 100.f);
  if (texture->frames > 1 && n > 0)
    std::snprintf(label + n, sizeof label - n, " · first frame of %d", texture->frames);
  ImGui::PushFont(c.fonts.small);
  const ImVec2 ls = ImGui::CalcTextSize(label);
  const ImVec2 lp(max.x - ls.x - 14.f * c.scale, max.y - ls.y - 10.f * c.scale);
  dl->AddRectFilled(ImVec2(lp.x - 6 * c.scale, lp.y - 3 * c.scale), ImVec2(lp.x + ls.x + 6 * c.scale, lp.y + ls.y + 3 * c.scale),
                    ImGui::GetColorU32(ImVec4(0, 0, 0, 0.55f)), 4.f * c.scale);
  dl->AddText(lp, theme::u32(theme::text_dim), label);
  ImGui::PopFont();
  dl->PopClipRect();
}

}  // namespace gloss::ui
