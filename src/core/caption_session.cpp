#include "core/caption_session.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>

#include "core/diff.h"
#include "core/sidecar.h"

namespace gloss {

CaptionSession::CaptionSession(Store& store, std::string dataset, std::string session_name,
                               std::string model_id)
    : store_(store),
      dataset_(store.require_dataset(dataset)),
      session_name_(std::move(session_name)),
      model_id_(std::move(model_id)),
      annotator_(default_annotator()) {}

namespace {
// Tasks claimed ahead of the cursor: enough that a second annotator is
// handed different ones, few enough that a crash strands little.
constexpr std::size_t kClaimBatch = 8;
}  // namespace

std::optional<std::uint64_t> CaptionSession::claim_next(std::uint64_t from) {
  const auto claimed = store_.claim(dataset_, annotator_, from, kClaimBatch);
  renewed_ms_ = now_ms();
  if (claimed.empty()) return std::nullopt;
  return claimed.front();
}

void CaptionSession::heartbeat(std::int64_t now) {
  if (renewed_ms_ == 0 || now - renewed_ms_ < dataset_.lease_ms / 3) return;
  renewed_ms_ = now;
  store_.renew_leases(dataset_, annotator_);
}

void CaptionSession::release_claims() {
  if (renewed_ms_ == 0) return;
  store_.release_leases(dataset_, annotator_);
  renewed_ms_ = 0;
}

void CaptionSession::refresh_dataset() { dataset_ = store_.require_dataset(dataset_.name); }

std::optional<Answer> CaptionSession::answer_at(std::uint64_t position) const {
  return store_.answer_at(dataset_, position, annotator_);
}

void CaptionSession::fill_box(const std::string& text) {
  box_ = text;
  filled_ = text;
  last_fill_ = text;
  typed_ = false;
  ++box_generation_;
}

void CaptionSession::open(std::uint64_t position, std::int64_t now) {
  refresh_dataset();
  if (dataset_.size == 0) return;
  position_ = std::min(position, dataset_.size - 1);
  const auto hash = store_.task_at(dataset_, position_);
  task_ = hash ? store_.task(*hash).value_or(Task{}) : Task{};
  answer_ = store_.answer(dataset_, task_.hash, annotator_);
  undone_.reset();
  started_ms_ = now;
  failure_.clear();
  suggestion_error_.clear();
  confidence_ = 0.f;
  unlike_training_ = taken_ = false;
  ood_score_ = std::nanf("");
  suggestion_.clear();
  suggestion_source_.clear();
  suggestion_state_ = SuggestionState::none;
  if (answer_) {
    suggestion_ = answer_->orig_caption;
    suggestion_source_ = answer_->model;
    if (!suggestion_.empty()) suggestion_state_ = SuggestionState::ready;
    fill_box(answer_->caption);
    return;
  }
  fill_box("");
  if (sidecar_suggestions_ && offer_sidecar()) return;
  if (model_id_.empty()) return;
  if (const auto cached = store_.suggestion(model_id_, task_.hash)) {
    offer_suggestion(task_.hash, *cached);
  } else {
    suggestion_state_ = SuggestionState::waiting;
    ++stalls_;
  }
}

// The sidecar is read from the store (gloss add put it there), never the
// file: what is shown is what `add` reported.
bool CaptionSession::offer_sidecar() {
  const auto stored = store_.suggestion(kSidecarSource, task_.hash);
  if (!stored || stored->caption.empty()) return false;
  suggestion_ = stored->caption;
  suggestion_source_ = std::string(kSidecarSource);
  suggestion_state_ = SuggestionState::ready;
  fill_box(suggestion_);
  return true;
}

void CaptionSession::open_first_unanswered(std::int64_t now) {
  refresh_dataset();
  const auto first = claim_next(0);
  all_answered_ = !first;
  open(first.value_or(0), now);
}

bool CaptionSession::work_freed_up() {
  refresh_dataset();
  if (!store_.first_unanswered(dataset_, 0, annotator_)) return false;
  all_answered_ = false;
  return true;
}

void CaptionSession::edit_box(const std::string& text) {
  box_ = text;
  typed_ = box_ != filled_;
}

void CaptionSession::offer_suggestion(std::uint64_t task, const Suggestion& suggestion) {
  if (task != task_.hash || answer_ || model_id_.empty()) return;
  if (suggestion_state_ == SuggestionState::ready) return;
  suggestion_ = suggestion.caption;
  suggestion_source_ = model_id_;
  confidence_ = suggestion.confidence;
  unlike_training_ = suggestion.unlike_training;
  ood_score_ = suggestion.ood_score;
  suggestion_error_.clear();
  suggestion_state_ = SuggestionState::ready;
  if (!typed_ && !unlike_training_) fill_box(suggestion_);
}

void CaptionSession::offer_failure(std::uint64_t task, const std::string& reason) {
  if (task != task_.hash) return;
  failure_ = reason;
  if (suggestion_state_ == SuggestionState::waiting) suggestion_state_ = SuggestionState::failed;
}

// Kept without a model of the session's own too: gloss compare shows it.
void CaptionSession::offer_suggestion_error(std::uint64_t task, const std::string& reason, bool retrying) {
  if (task != task_.hash || answer_ || suggestion_state_ == SuggestionState::ready) return;
  suggestion_error_ = reason;
  if (!retrying && suggestion_state_ == SuggestionState::waiting) suggestion_state_ = SuggestionState::failed;
}

void CaptionSession::answer_with(AnswerKind kind, std::int64_t now) {
  Answer a;
  a.caption = box_;  // kept for rejects and skips too, so nothing typed is lost
  a.orig_caption = suggestion_;
  a.model = suggestion_.empty() ? std::string() : suggestion_source_;
  a.answer = kind;
  a.edit_distance = word_edit_distance(a.orig_caption, a.caption);
  save_and_next(std::move(a), now);
}

void CaptionSession::save_and_next(Answer a, std::int64_t now) {
  if (dataset_.size == 0 || task_.hash == 0) return;
  a.task = task_.hash;
  a.annotator = annotator_;
  a.session = session_name_;
  a.started_ms = started_ms_;
  a.saved_ms = now;
  a.ms_spent = std::max<std::int64_t>(0, now - started_ms_);
  store_.save_answer(dataset_.name, a);
  given_.push_back({a, position_, answer_});
  refresh_dataset();
  const auto next = claim_next(position_ + 1 < dataset_.size ? position_ + 1 : 0);
  refresh_dataset();  // a claim that found nothing ahead may have read the counts again
  all_answered_ = !next;
  // Nothing left: review onwards when all is done, but stay on the answer
  // just given while the open tasks are someone else's.
  const std::uint64_t stay = dataset_done() ? std::min(position_ + 1, dataset_.size - 1) : position_;
  open(next.value_or(stay), now);
}

void CaptionSession::accept(std::int64_t now) { answer_with(AnswerKind::accept, now); }
void CaptionSession::reject(std::int64_t now) { answer_with(AnswerKind::reject, now); }
void CaptionSession::skip(std::int64_t now) { answer_with(AnswerKind::ignore, now); }

bool CaptionSession::take_suggestion() {
  if (suggestion_state_ != SuggestionState::ready || suggestion_.empty()) return false;
  taken_ = true;
  fill_box(suggestion_);
  return true;
}

void CaptionSession::revert() {
  if (suggestion_state_ == SuggestionState::ready && (!unlike_training_ || taken_)) fill_box(suggestion_);
  else fill_box("");
}

bool CaptionSession::undo(std::int64_t now) {
  if (given_.empty()) return false;
  const Given last = given_.back();
  given_.pop_back();
  if (last.replaced) store_.save_answer(dataset_.name, *last.replaced);
  else store_.remove_answer(dataset_.name, last.answer.task, annotator_);
  ++undos_;
  all_answered_ = false;
  const auto stalls = stalls_;
  open(last.position, now);
  stalls_ = stalls;  // reopening for an undo is not waiting for the model
  // Reopen with what they had written, not the suggestion: undo is for "I
  // pressed Enter too soon".
  if (!last.answer.orig_caption.empty()) {
    suggestion_ = last.answer.orig_caption;
    suggestion_source_ = last.answer.model;
    suggestion_state_ = SuggestionState::ready;
  }
  fill_box(last.answer.caption);
  filled_ = suggestion_;  // so a late suggestion does not overwrite what they wrote
  typed_ = last.answer.caption != suggestion_;
  undone_ = last.answer;
  return true;
}

void CaptionSession::next(std::int64_t now) {
  if (position_ + 1 < dataset_.size) open(position_ + 1, now);
}

void CaptionSession::previous(std::int64_t now) {
  if (position_ > 0) open(position_ - 1, now);
}

void CaptionSession::jump_to_number(std::uint64_t number, std::int64_t now) {
  open(number == 0 ? 0 : number - 1, now);
}

void CaptionSession::next_unanswered(std::int64_t now) {
  refresh_dataset();
  const auto next = claim_next(position_ + 1 < dataset_.size ? position_ + 1 : 0);
  all_answered_ = !next;
  if (next) open(*next, now);
}

SessionSummary CaptionSession::summary() const {
  SessionSummary s;
  std::map<std::uint64_t, const Answer*> latest;
  for (const auto& g : given_) latest[g.answer.task] = &g.answer;
  for (const auto& [task, answer] : latest) s.counts.add(*answer);
  s.stalls = stalls_;
  s.undos = undos_;
  // The dataset as of the last move: the status bar asks every frame, and a
  // shared store is a network round trip away.
  s.remaining = dataset_.size - std::min(dataset_.answered, dataset_.size);
  return s;
}

std::string format_summary(const SessionSummary& s, const std::string& dataset) {
  const AnswerCounts& c = s.counts;
  char buf[1024];
  std::snprintf(buf, sizeof buf,
                "Session summary for '%s'\n"
                "  answered     %llu\n"
                "  accepted     %llu  (unchanged %llu, changed %llu)\n"
                "  rejected     %llu\n"
                "  skipped      %llu\n"
                "  mean edit distance of changed captions  %.2f words\n"
                "  mean time per task                      %.1f s\n"
                "  stalls (opened before the suggestion was ready)  %llu\n"
                "  still to do  %llu\n",
                dataset.c_str(), static_cast<unsigned long long>(c.answered),
                static_cast<unsigned long long>(c.accepted), static_cast<unsigned long long>(c.unchanged),
                static_cast<unsigned long long>(c.changed), static_cast<unsigned long long>(c.rejected),
                static_cast<unsigned long long>(c.ignored), c.mean_edit_distance(),
                c.mean_seconds_per_task(), static_cast<unsigned long long>(s.stalls),
                static_cast<unsigned long long>(s.remaining));
  return buf;
}

}  // namespace gloss
