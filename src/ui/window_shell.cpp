#include "ui/window_shell.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <utility>

#include "core/jump_number.h"
#include "ui/bench_log.h"  // --bench-log hooks
#include "ui/theme.h"

namespace gloss::ui {

WindowShell::WindowShell(Store& store, CaptionSession& session, AheadScheduler& ahead, Window& window,
                         TextureCache& images, TextureCache& thumbs, ImageRenderer& renderer, Mode& mode,
                         WindowShellOptions options)
    : store_(store), session_(session), ahead_(ahead), window_(window), images_(images), thumbs_(thumbs),
      renderer_(renderer), mode_(mode), options_(std::move(options)), detail_(images.uploader()) {
  view_.histogram = mode_.side_panel_at_start();
}

double WindowShell::now_s() const {
  using namespace std::chrono;
  return duration<double>(steady_clock::now().time_since_epoch()).count();
}

void WindowShell::start() {
  if (!mode_.opens_own_first_task()) session_.open_first_unanswered(now_ms());
  mode_.start();
  ahead_.set_cursor(session_.position());
  if (session_.all_answered()) notice(nothing_left_text(true));
  if (!options_.startup_notice.empty())
    notice(options_.startup_notice, 12.0);  // a reason worth reading, not a passing hint
  cover_shown_text();
}

void WindowShell::notice(const std::string& text, double seconds) {
  view_.notice = text;
  view_.notice_until = now_s() + seconds;
}

std::filesystem::path WindowShell::frame() {
  const auto position_before = session_.position();
  const auto generation_before = session_.box_generation();
  follow_scan();
  watch_for_freed_work();
  mode_.follow_others();
  drain_results();
  // In the compare window an arriving caption can answer the open task (identical captions).
  if (session_.position() != position_before) after_move(position_before, generation_before);
  images_.pin(session_.task().hash);
  images_.upload_pending();
  thumbs_.upload_pending();
  const std::uint64_t task = session_.task().hash;
  if (!images_.has_or_pending(task) && !failures_.count(task) && image_requested_for_ != task) {
    ahead_.want_image(session_.position());  // dropped from the texture cache, or never sent
    image_requested_for_ = task;
  }
  // Keys act before the frame is drawn, so the next image is on screen in
  // this very frame; keys that follow typing in the same frame wait until the
  // widgets have taken the text, or the text would land in the next task.
  std::vector<Chord> chords = window_.take_chords();
  if (!window_.typed_this_frame()) {
    for (const Chord& chord : chords) handle_chord(chord);
    chords.clear();
  }
  if (options_.replaying) step_replay();
  Intents in;
  draw(in);
  apply(in);
  for (const Chord& chord : chords) handle_chord(chord);
  update_peek();
  cover_shown_text();  // new characters get their glyphs before the next frame
  const bool caption_box_expected =
      mode_.has_text_box() && !view_.gallery && !view_.help && !view_.jump && !view_.quitting;
  window_.set_text_ready(view_.jump ? view_.jump_active : !caption_box_expected || view_.box_active);
  if (view_.quitting) {
    // The summary window appears on its second frame (ImGui sizes it on the
    // first); the final screenshot is taken once it is on screen.
    ++quit_frames_;
    if (quit_frames_ == 3) screenshot_ = options_.final_screenshot;
    finished_ = quit_frames_ >= 3 && now_s() >= quit_at_;
  }
  return std::exchange(screenshot_, {});
}

void WindowShell::drain_results() {
  for (AheadResult& r : ahead_.take_results()) {
    cover_delivered_text(r);
    switch (r.kind) {
      case AheadResult::suggestion:
        suggestion_errors_.erase(r.task);
        mode_.offer_suggestion(*this, r);
        break;
      case AheadResult::image: images_.offer(r.task, std::move(r.pixels), r.task == session_.task().hash); break;
      case AheadResult::thumbnail:
        if (r.pixels) thumbs_.offer(r.task, std::move(r.pixels));
        else view_.thumbnail_errors[r.task] = r.error;  // issue 8: the gallery shows a "cannot read" badge
        break;
      case AheadResult::detail:
        // A failed detail leaves the display-size image showing; an old one is
        // still the right pixels for its rectangle until the next arrives.
        if (r.pixels && r.task == session_.task().hash && detail_requested_) detail_.offer(r.task, r.region, *r.pixels);
        else if (!r.pixels) std::fprintf(stderr, "gloss: no full-resolution detail: %s\n", r.error.c_str());
        break;
      case AheadResult::suggestion_error:
        session_.offer_suggestion_error(r.task, r.error, r.retrying);
        suggestion_errors_[r.task] = std::move(r);
        break;
      case AheadResult::failure:
        failures_[r.task] = r.error;
        session_.offer_failure(r.task, r.error);
        mode_.sync();
        break;
    }
  }
}

// The dataset grows while its folder is indexed: a few times a second its
// size is read again (one store look-up), the scheduler told, and the end of
// the first pass told once in a notice (the full report goes to the terminal
// when the window closes).
void WindowShell::follow_scan() {
  if (!options_.scan || now_s() < scan_read_at_ + 0.25) return;
  scan_read_at_ = now_s();
  scan_ = options_.scan->status();
  session_.refresh_dataset();
  ahead_.set_size(session_.size());  // the session may have seen the growth first, on a move
  // After any notice on screen (why there is no model, say) has been read.
  if (scan_->first_pass_done && !scan_end_told_ && scan_read_at_ >= view_.notice_until) {
    scan_end_told_ = true;
    if (const auto report = options_.scan->first_report())
      notice("Indexing done: " + format_scan_summary(*report), 8.0);
  }
}

void WindowShell::draw(Intents& out) {
  ViewContext c{session_, store_, view_, images_, thumbs_, detail_, renderer_, window_.fonts(), options_.keymap,
                ahead_.status(), options_.ahead, options_.model_label, window_.content_scale(), now_s()};
  if (scan_) c.scan = &*scan_;
  c.outbox = options_.outbox;
  mode_.fill_context(c);
  const float s = c.scale;
  const ImVec2 display = ImGui::GetIO().DisplaySize;
  ImGui::SetNextWindowPos(ImVec2(0, 0));
  ImGui::SetNextWindowSize(display);
  ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(16.f * s, 0.f));
  ImGui::Begin("##main", nullptr, ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoSavedSettings |
                                      ImGuiWindowFlags_NoBringToFrontOnFocus | ImGuiWindowFlags_NoScrollWithMouse);
  const float header_h = 46.f * s, status_h = 30.f * s;
  const float panel_h = mode_.panel_height(c, display.x - 72.f * s);
  draw_header(c, header_h);
  ImGui::Dummy(ImVec2(0, 4.f * s));
  const float body_h = display.y - ImGui::GetCursorPosY() - status_h - 10.f * s;
  const ImVec2 body_min = ImGui::GetCursorScreenPos();
  const float gap = 12.f * s;
  const std::size_t side_columns = std::max<std::size_t>(1, c.histograms.size());
  const float side_w = view_.histogram && !view_.gallery
                           ? std::min(360.f * s * static_cast<float>(side_columns), ImGui::GetContentRegionAvail().x * 0.5f)
                           : 0.f;
  if (view_.gallery) {
    draw_gallery(c, out, ImVec2(ImGui::GetContentRegionAvail().x, body_h));
  } else {
    const float pane_h = body_h - panel_h - 8.f * s;
    draw_image_pane(c, out, ImVec2(ImGui::GetContentRegionAvail().x - (side_w > 0 ? side_w + gap : 0.f), pane_h));
    if (side_w > 0) {
      ImGui::SameLine(0, gap);
      mode_.draw_side_panel(c, ImVec2(side_w, pane_h));
    }
    ImGui::Dummy(ImVec2(0, 0));
    mode_.draw_panel(c, out, panel_h);
  }
  if (!view_.notice.empty() && c.now_s < view_.notice_until) draw_notice(c, body_min, side_w, gap);
  ImGui::SetCursorScreenPos(ImVec2(16.f * s, display.y - status_h));
  draw_status_bar(c, status_h);
  ImGui::End();
  ImGui::PopStyleVar();
  if (view_.help) draw_help(c);
  if (view_.jump) draw_jump(c, out);
  if (view_.quitting) draw_summary(c, session_.summary());
}

// Centred over the image pane: the side panel beside it would cover it. A
// long notice wraps to the pane.
void WindowShell::draw_notice(const ViewContext& c, ImVec2 body_min, float side_w, float gap) {
  const float s = c.scale;
  ImGui::PushFont(c.fonts.body);
  const float pane_w = ImGui::GetWindowWidth() - 32.f * s - (side_w > 0 ? side_w + gap : 0.f);
  const float wrap = std::max(200.f * s, pane_w - 80.f * s);
  const ImVec2 ts = ImGui::CalcTextSize(view_.notice.c_str(), nullptr, false, wrap);
  const ImVec2 p(body_min.x + (pane_w - ts.x) * 0.5f, body_min.y + 12.f * s);
  ImDrawList* dl = ImGui::GetWindowDrawList();
  dl->AddRectFilled(ImVec2(p.x - 14 * s, p.y - 8 * s), ImVec2(p.x + ts.x + 14 * s, p.y + ts.y + 8 * s),
                    theme::u32(theme::panel_raised, 0.96f), 6.f * s);
  dl->AddText(ImGui::GetFont(), ImGui::GetFontSize(), p, ImGui::GetColorU32(ImGuiCol_Text), view_.notice.c_str(),
              nullptr, wrap);
  ImGui::PopFont();
}

void WindowShell::apply(const Intents& in) {
  if (in.edited) mode_.edit(*in.edited);
  if (view_.gallery && in.thumbnails) ahead_.want_thumbnails(in.thumbnails->first, in.thumbnails->second);
  if (!view_.gallery) ahead_.want_thumbnails(0, 0);
  update_detail(in.detail);
  if (in.zoom_by != 1.f) {
    const float old = view_.zoom > 0.f ? view_.zoom : view_.fit_scale;
    const float next = std::clamp(old * in.zoom_by, 0.02f, 64.f);
    if (view_.zoom <= 0.f) view_.pan_x = view_.pan_y = 0.f;
    // Keep the image point under the mouse where it is.
    view_.pan_x = in.zoom_anchor_x - (in.zoom_anchor_x - view_.pan_x) * (next / old);
    view_.pan_y = in.zoom_anchor_y - (in.zoom_anchor_y - view_.pan_y) * (next / old);
    view_.zoom = next;
  }
  if ((in.pan_dx != 0.f || in.pan_dy != 0.f)) {
    if (view_.zoom <= 0.f) view_.zoom = view_.fit_scale;
    view_.pan_x += in.pan_dx;
    view_.pan_y += in.pan_dy;
  }
  if (in.open_position) {
    const auto before = session_.position();
    const auto generation = session_.box_generation();
    session_.open(*in.open_position, now_ms());
    view_.gallery = false;
    after_move(before, generation);
  }
  for (Action a : in.actions) dispatch(a);
}

void WindowShell::after_move(std::uint64_t before, std::uint64_t generation) {
  mode_.sync();  // compare: may move on past identical captions
  if (session_.position() != before || session_.box_generation() != generation) {
    if (options_.scan) ahead_.set_size(session_.size());  // a move re-reads the size: it may be past what the worker knows
    ahead_.set_cursor(session_.position());
    if (const auto it = failures_.find(session_.task().hash); it != failures_.end())
      session_.offer_failure(it->first, it->second);
    if (const auto it = suggestion_errors_.find(session_.task().hash); it != suggestion_errors_.end())
      session_.offer_suggestion_error(it->first, it->second.error, it->second.retrying);
    mode_.sync();  // after what the session was told of the new task
  }
  if (session_.position() != before) {
    bench::moved(session_.position(), session_.task().hash, session_.suggestion_state() == SuggestionState::waiting);  // --bench-log hook
    view_.zoom = 0.f;
    view_.pan_x = view_.pan_y = 0.f;
    image_requested_for_ = UINT64_MAX;
    drop_detail();
  }
}

// The pane asks for the same snapped rectangle while the view stays near,
// so the scheduler hears only of changes.
void WindowShell::update_detail(const std::optional<ImageRegion>& wanted) {
  if (!wanted) return drop_detail();
  if (wanted == detail_requested_) return;
  detail_requested_ = wanted;
  ahead_.want_detail(session_.position(), wanted->left, wanted->top, wanted->width, wanted->height);
}

void WindowShell::drop_detail() {
  if (detail_requested_) ahead_.clear_detail();
  detail_requested_.reset();
  detail_.release();
}

// The number being typed in the jump dialog, the gallery's selection, or
// the next task of a mode's own order is where the annotator is about to
// go: the worker starts on it now.
void WindowShell::update_peek() {
  std::optional<std::uint64_t> peek;
  if (view_.jump)
    peek = parse_jump_number(view_.jump_text, session_.size()).position;
  if (!peek && view_.gallery)
    peek = view_.gallery_selected;
  if (!peek) peek = mode_.next_position();
  if (peek == peek_) return;
  peek_ = peek;
  ahead_.peek(peek);
}

void WindowShell::request_quit() {
  if (view_.quitting) return;
  view_.quitting = true;
  view_.help = view_.jump = false;
  quit_at_ = now_s() + (options_.replaying ? 0.0 : options_.summary_seconds);
}

bool WindowShell::finished() const { return finished_; }

bool WindowShell::busy() const {
  // The worker's deliveries wake the window (AheadScheduler::set_notify), so
  // its queue is no reason to redraw at full rate.
  return options_.replaying || view_.quitting || images_.pending() || thumbs_.pending() ||
         window_.font_atlas().needs_build();
}

bool WindowShell::indexing_settled() const {
  return !options_.scan || (scan_ && (scan_->first_pass_done || !scan_->failure.empty()));
}

bool WindowShell::image_settled() {
  const std::uint64_t task = session_.task().hash;
  return view_.gallery || images_.find(task) || failures_.count(task) || !session_.failure().empty();
}

}  // namespace gloss::ui
