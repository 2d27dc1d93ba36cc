#include "ui/caption_app.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <utility>

#include "core/number_text.h"
#include "core/error.h"
#include "core/error_classifier.h"
#include "core/jump_number.h"
#include "ui/bench_log.h"  // --bench-log hooks
#include "ui/theme.h"

namespace gloss::ui {

CaptionApp::CaptionApp(Store& store, CaptionSession& session, AheadScheduler& ahead, Window& window,
                       TextureCache& images, TextureCache& thumbs, ImageRenderer& renderer,
                       CaptionAppOptions options)
    : store_(store), session_(session), ahead_(ahead), window_(window), images_(images),
      thumbs_(thumbs), renderer_(renderer), options_(std::move(options)), detail_(images.uploader()), errors_(options_.errors),
      compare_(options_.compare) {
  view_.histogram = errors_ != nullptr || compare_ != nullptr;
}

double CaptionApp::now_s() const {
  using namespace std::chrono;
  return duration<double>(steady_clock::now().time_since_epoch()).count();
}

// Said once nothing is left to hand this annotator: all done, or the rest
// is with other annotators (a team dataset).
std::string CaptionApp::nothing_left_text(bool at_start) const {
  const std::string name = "'" + session_.dataset_name() + "'";
  if (session_.dataset_done()) {
    if (at_start) return "Every image in " + name + " already has an answer: you are reviewing.";
    return "That was the last one: every image in " + name + " has an answer. " +
           keys_for(options_.keymap, Action::quit) + " shows the summary.";
  }
  const DatasetInfo& d = session_.dataset();
  return "Nothing left for you in " + name + " right now: the " + with_thousands(d.size - d.answered) +
         " images still open are with other annotators or wait for a second opinion. "
         "gloss will say when one is free for you.";
}

// While nothing is left for this annotator, asks every few seconds whether a
// lease lapsed or images were added, and says so without moving the cursor.
void CaptionApp::watch_for_freed_work() {
  if (!session_.all_answered() || session_.dataset_done()) return;
  const double now = now_s();
  if (now < next_work_check_s_) return;
  next_work_check_s_ = now + 5.0;
  if (session_.work_freed_up())
    notice("An image is free for you again: " + keys_for(options_.keymap, Action::next_unanswered) + " opens it.");
}

void CaptionApp::apply_team_answers() {
  if (!team_) return;
  const auto changes = team_->take();
  if (!changes) return;
  if (errors_) errors_->apply(*changes);
  if (compare_) compare_->apply(*changes);
}

void CaptionApp::start() {
  session_.open_first_unanswered(now_ms());
  if (errors_) errors_->sync();
  if (compare_) {
    compare_->load_tally();
    compare_->sync(now_ms());
  }
  if (errors_ || compare_) team_ = std::make_unique<TeamAnswers>(store_, session_.dataset(), session_.annotator());
  ahead_.set_cursor(session_.position());
  if (session_.all_answered()) notice(nothing_left_text(true));
  if (!options_.startup_notice.empty()) {
    notice(options_.startup_notice);
    view_.notice_until = now_s() + 12.0;  // a reason worth reading, not a passing hint
  }
  cover_shown_text();
}

// Once per session, and in the terminal too: the window's notice fades.
void CaptionApp::tell_unlike_training() {
  if (options_.unlike_training_notice.empty()) return;
  std::fprintf(stderr, "gloss: %s\n", options_.unlike_training_notice.c_str());
  notice(options_.unlike_training_notice);
  view_.notice_until = now_s() + 20.0;
}

void CaptionApp::notice(const std::string& text) {
  view_.notice = text;
  view_.notice_until = now_s() + 3.5;
}

std::filesystem::path CaptionApp::frame() {
  const auto position_before = session_.position();
  const auto generation_before = session_.box_generation();
  follow_scan();
  watch_for_freed_work();
  apply_team_answers();
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
  const bool caption_box_expected = (compare_ ? compare_->editing() : !errors_) && !view_.gallery && !view_.help &&
                                    !view_.jump && !view_.quitting;
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

void CaptionApp::drain_results() {
  for (AheadResult& r : ahead_.take_results()) {
    cover_delivered_text(r);
    switch (r.kind) {
      case AheadResult::suggestion:
        suggestion_errors_.erase(r.task);
        if (compare_) {
          compare_->offer(r.model, r.task, r.caption, now_ms());
        } else {
          session_.offer_suggestion(r.task, r.caption);
          if (unlike_watch_.add(r.task, r.caption, session_.size())) tell_unlike_training();
        }
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
        if (compare_) compare_->sync(now_ms());
        break;
    }
  }
}

// The dataset grows while its folder is indexed: a few times a second its
// size is read again (one store look-up), the scheduler told, and the end of
// the first pass told once in a notice (the full report goes to the terminal
// when the window closes).
void CaptionApp::follow_scan() {
  if (!options_.scan || now_s() < scan_read_at_ + 0.25) return;
  scan_read_at_ = now_s();
  scan_ = options_.scan->status();
  session_.refresh_dataset();
  ahead_.set_size(session_.size());  // the session may have seen the growth first, on a move
  // After any notice on screen (why there is no model, say) has been read.
  if (scan_->first_pass_done && !scan_end_told_ && scan_read_at_ >= view_.notice_until) {
    scan_end_told_ = true;
    if (const auto report = options_.scan->first_report()) {
      notice("Indexing done: " + format_scan_summary(*report));
      view_.notice_until = now_s() + 8.0;
    }
  }
}

// The caption panel grows with the suggestion (its diff wraps), up to four lines.
static float caption_panel_height(const ViewContext& c, float text_width) {
  const float fixed = 140.f * c.scale;
  const bool has_diff_row = !c.session.suggestion().empty() ||
                            c.session.suggestion_state() == SuggestionState::waiting;
  if (!has_diff_row) return fixed;
  ImGui::PushFont(c.fonts.caption);
  const std::string& longest = c.session.suggestion().size() > c.view.box_text.size() ? c.session.suggestion()
                                                                                       : c.view.box_text;
  const float line = ImGui::GetTextLineHeightWithSpacing();
  const float text = ImGui::CalcTextSize(longest.c_str(), nullptr, false, text_width).y * 1.15f;
  ImGui::PopFont();
  return fixed + std::clamp(text, line, line * 4.f);
}

void CaptionApp::draw(Intents& out) {
  ViewContext c{session_, store_, view_, images_, thumbs_, detail_, renderer_, window_.fonts(), options_.keymap,
                ahead_.status(), options_.ahead, options_.model_label, window_.content_scale(), now_s()};
  c.errors = errors_;
  c.compare = compare_;
  if (scan_) c.scan = &*scan_;
  c.outbox = options_.outbox;
  if (view_.histogram && !compare_) {
    c.histograms = errors_ ? errors_->counts().histograms() : guesses_.histograms();
    c.histogram_guesses = !errors_;
  }
  const float s = c.scale;
  const ImVec2 display = ImGui::GetIO().DisplaySize;
  ImGui::SetNextWindowPos(ImVec2(0, 0));
  ImGui::SetNextWindowSize(display);
  ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(16.f * s, 0.f));
  ImGui::Begin("##main", nullptr, ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoSavedSettings |
                                      ImGuiWindowFlags_NoBringToFrontOnFocus | ImGuiWindowFlags_NoScrollWithMouse);
  const float header_h = 46.f * s, status_h = 30.f * s;
  const float panel_h = errors_    ? errors_panel_height(c)
                        : compare_ ? compare_panel_height(c)
                                   : caption_panel_height(c, display.x - 72.f * s);
  draw_header(c, header_h);
  ImGui::Dummy(ImVec2(0, 4.f * s));
  const float body_h = display.y - ImGui::GetCursorPosY() - status_h - 10.f * s;
  const ImVec2 body_min = ImGui::GetCursorScreenPos();
  const float gap = 12.f * s;
  const std::size_t side_columns = compare_ ? 1 : std::max<std::size_t>(1, c.histograms.size());
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
      if (compare_) draw_compare_stats_panel(c, ImVec2(side_w, pane_h));
      else draw_histogram_panel(c, ImVec2(side_w, pane_h));
    }
    ImGui::Dummy(ImVec2(0, 0));
    if (errors_) draw_errors_panel(c, out, panel_h);
    else if (compare_) draw_compare_panel(c, out, panel_h);
    else draw_caption_panel(c, out, panel_h);
  }
  if (!view_.notice.empty() && c.now_s < view_.notice_until) {
    ImGui::PushFont(c.fonts.body);
    // Centred over the image pane: the histogram panel beside it would cover it.
    // A long notice wraps to the pane.
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
  ImGui::SetCursorScreenPos(ImVec2(16.f * s, display.y - status_h));
  draw_status_bar(c, status_h);
  ImGui::End();
  ImGui::PopStyleVar();
  if (view_.help) draw_help(c);
  if (view_.jump) draw_jump(c, out);
  if (view_.quitting) draw_summary(c, session_.summary());
}

void CaptionApp::apply(const Intents& in) {
  if (in.edited) compare_ ? compare_->edit(*in.edited) : session_.edit_box(*in.edited);
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

void CaptionApp::handle_chord(const Chord& chord) {
  if (text_box_has_keys(chord)) return;
  if (const auto action = options_.keymap.find(chord)) dispatch(*action);
}

// A save the store refuses (the disk is full, say) leaves the task open with
// what was typed: the annotator can free space and press the key again.
void CaptionApp::dispatch(Action action) {
  try {
    dispatch_unguarded(action);
  } catch (const StoreError& e) {
    std::fprintf(stderr, "gloss: %s\n", e.what());
    notice(std::string("Not saved: ") + e.what());
    view_.notice_until = now_s() + 30.0;
  }
}

void CaptionApp::dispatch_unguarded(Action action) {
  if (view_.quitting) return;
  bench::dispatch(action_name(action));  // --bench-log hook
  if (action == Action::quit) return request_quit();
  const auto before = session_.position();
  const auto generation = session_.box_generation();
  const std::int64_t t = now_ms();
  if (view_.jump) {
    if (action == Action::accept) {
      const JumpTarget target = parse_jump_number(view_.jump_text, session_.size());
      if (!target.position) {
        // The dialog stays open and says why; Enter took the box's keyboard, give it back.
        view_.jump_problem = target.problem;
        view_.jump_focus = true;
        return;
      }
      session_.jump_to_number(*target.position + 1, t);
      view_.gallery = false;
    }
    if (action == Action::accept || action == Action::revert || action == Action::jump)
      view_.jump = false, view_.focus_box = true;
    return after_move(before, generation);
  }
  if (view_.help) {
    view_.help = false;
    if (action == Action::help || action == Action::revert) return;
  }
  if (view_.gallery) {
    dispatch_gallery(action);
    return after_move(before, generation);
  }
  if (compare_ && dispatch_compare(action)) return after_move(before, generation);
  const std::uint64_t task_before = session_.task().hash;
  switch (action) {
    case Action::accept:
      if (errors_) {
        errors_->answer(AnswerKind::accept, t);
        break;
      }
      if (session_.box().find_first_not_of(" \t") == std::string::npos) {
        const bool guess = session_.unlike_training() && !session_.suggestion_taken();
        notice("The caption is empty: type one, or " +
               (guess ? keys_for(options_.keymap, Action::take_suggestion) + " to take the greyed guess, " : "") +
               keys_for(options_.keymap, Action::reject) + " to reject, " + keys_for(options_.keymap, Action::skip) +
               " to skip");
        return;
      }
      session_.accept(t);
      break;
    case Action::reject: errors_ ? errors_->answer(AnswerKind::reject, t) : session_.reject(t); break;
    case Action::skip: errors_ ? errors_->answer(AnswerKind::ignore, t) : session_.skip(t); break;
    case Action::revert: errors_ ? errors_->tick_guess() : session_.revert(); break;
    case Action::take_suggestion:
      if (!errors_ && !compare_ && !session_.take_suggestion()) notice("There is no suggestion to take");
      break;
    case Action::undo:
      if (!session_.untouched()) break;  // Ctrl+Z undoes typing while the box has edits
      if (session_.undo(t)) notice("Undid the answer for #" + format_count(session_.position() + 1) + ": it is open again");
      else notice("Nothing to undo in this session");
      break;
    case Action::next: session_.next(t); break;
    case Action::previous: session_.previous(t); break;
    case Action::next_unanswered: session_.next_unanswered(t); break;
    case Action::jump: view_.jump = view_.jump_focus = true, view_.jump_text.clear(), view_.jump_problem.clear(); break;
    case Action::gallery:
      view_.gallery = true, view_.gallery_selected = session_.position(), view_.gallery_scroll = true;
      break;
    case Action::help: view_.help = true; break;
    case Action::zoom_in: view_.zoom = (view_.zoom > 0.f ? view_.zoom : view_.fit_scale) * 1.25f; break;
    case Action::zoom_out: view_.zoom = (view_.zoom > 0.f ? view_.zoom : view_.fit_scale) / 1.25f; break;
    case Action::zoom_fit: view_.zoom = 0.f, view_.pan_x = view_.pan_y = 0.f; break;
    case Action::zoom_actual: view_.zoom = 1.f, view_.pan_x = view_.pan_y = 0.f; break;
    case Action::histogram: toggle_histogram(); break;
    case Action::background: {
      view_.background = (view_.background + 1) % 3;
      static const char* const names[] = {"a checkerboard", "black", "white"};
      notice(std::string("Transparent parts are shown over ") + names[view_.background]);
      break;
    }
    case Action::quit: break;
    default:
      if (const auto i = toggle_index(action); i && errors_) errors_->toggle(static_cast<std::size_t>(*i));
      break;
  }
  const bool answered = action == Action::accept || action == Action::reject || action == Action::skip;
  if (guesses_loaded_ && (answered || action == Action::undo)) {
    count_guess(task_before);  // the answer just stored
    count_guess(session_.task().hash);  // the one an undo took back
  }
  if (answered && session_.all_answered())
    notice(nothing_left_text(false));
  else if (action == Action::next_unanswered && session_.all_answered())
    notice(session_.dataset_done() ? "Every image has an answer" : nothing_left_text(false));
  after_move(before, generation);
}

void CaptionApp::dispatch_gallery(Action action) {
  auto& sel = view_.gallery_selected;
  const std::uint64_t last = session_.size() ? session_.size() - 1 : 0;
  switch (action) {
    case Action::accept:
      session_.open(sel, now_ms());
      view_.gallery = false;
      break;
    case Action::revert:
    case Action::gallery: view_.gallery = false; break;
    case Action::next: sel = std::min(last, sel + 1), view_.gallery_scroll = true; break;
    case Action::previous: sel = sel ? sel - 1 : 0, view_.gallery_scroll = true; break;
    case Action::help: view_.help = true; break;
    case Action::jump: view_.jump = view_.jump_focus = true, view_.jump_text.clear(), view_.jump_problem.clear(); break;
    case Action::next_unanswered:
      session_.next_unanswered(now_ms());
      sel = session_.position(), view_.gallery_scroll = true;
      break;
    default: break;  // answering from the gallery would be answering blind
  }
}

void CaptionApp::toggle_histogram() {
  view_.histogram = !view_.histogram;
  if (errors_ || guesses_loaded_) return;
  store_.for_each_answer(session_.dataset(), [&](std::uint64_t, const Answer& a) {
    count_guess(a.task, &a);
    return true;
  });
  guesses_loaded_ = true;
}

void CaptionApp::count_guess(std::uint64_t task) {
  const auto a = store_.answer(session_.dataset(), task, session_.annotator());
  count_guess(task, a ? &*a : nullptr);
}

// What the classifier makes of the task's stored correction, if it has one.
void CaptionApp::count_guess(std::uint64_t task, const Answer* a) {
  const std::uint64_t key = answer_key(task, a ? a->annotator : session_.annotator());
  if (a && a->answer == AnswerKind::accept && !a->orig_caption.empty() && a->changed())
    guesses_.set(key, a->model, classify_correction(a->orig_caption, a->caption));
  else
    guesses_.erase(key);
}

void CaptionApp::after_move(std::uint64_t before, std::uint64_t generation) {
  if (errors_) errors_->sync();
  if (compare_) compare_->sync(now_ms());  // may move on past identical captions
  if (session_.position() != before || session_.box_generation() != generation) {
    if (options_.scan) ahead_.set_size(session_.size());  // a move re-reads the size: it may be past what the worker knows
    ahead_.set_cursor(session_.position());
    if (const auto it = failures_.find(session_.task().hash); it != failures_.end())
      session_.offer_failure(it->first, it->second);
    if (const auto it = suggestion_errors_.find(session_.task().hash); it != suggestion_errors_.end())
      session_.offer_suggestion_error(it->first, it->second.error, it->second.retrying);
    if (compare_) compare_->sync(now_ms());
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
void CaptionApp::update_detail(const std::optional<ImageRegion>& wanted) {
  if (!wanted) return drop_detail();
  if (wanted == detail_requested_) return;
  detail_requested_ = wanted;
  ahead_.want_detail(session_.position(), wanted->left, wanted->top, wanted->width, wanted->height);
}

void CaptionApp::drop_detail() {
  if (detail_requested_) ahead_.clear_detail();
  detail_requested_.reset();
  detail_.release();
}

// The number being typed in the jump dialog, or the gallery's selection, is
// where the annotator is about to go: the worker starts on it now.
void CaptionApp::update_peek() {
  std::optional<std::uint64_t> peek;
  if (view_.jump)
    peek = parse_jump_number(view_.jump_text, session_.size()).position;
  if (!peek && view_.gallery)
    peek = view_.gallery_selected;
  if (peek == peek_) return;
  peek_ = peek;
  ahead_.peek(peek);
}

void CaptionApp::request_quit() {
  if (view_.quitting) return;
  view_.quitting = true;
  view_.help = view_.jump = false;
  quit_at_ = now_s() + (options_.replaying ? 0.0 : options_.summary_seconds);
}

bool CaptionApp::finished() const { return finished_; }

bool CaptionApp::busy() const {
  // The worker's deliveries wake the window (AheadScheduler::set_notify), so
  // its queue is no reason to redraw at full rate.
  return options_.replaying || view_.quitting || images_.pending() || thumbs_.pending() ||
         window_.font_atlas().needs_build();
}

bool CaptionApp::indexing_settled() const {
  return !options_.scan || (scan_ && (scan_->first_pass_done || !scan_->failure.empty()));
}

bool CaptionApp::image_settled() {
  const std::uint64_t task = session_.task().hash;
  return view_.gallery || images_.find(task) || failures_.count(task) || !session_.failure().empty();
}

}  // namespace gloss::ui
