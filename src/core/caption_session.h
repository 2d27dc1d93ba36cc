// The state of one captioning session, free of GL and ImGui: which task is
// open, what is in the caption box, the model's suggestion for it, the timer,
// and the answers given so far (with undo). The window reads it and calls the
// actions; tests drive it directly.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/stats.h"
#include "core/store.h"

namespace gloss {

enum class SuggestionState {
  none,     // manual captioning (no model) or the task was already answered
  waiting,  // the model has not captioned this image yet
  ready,
  failed,   // the image could not be decoded
};

struct SessionSummary {
  AnswerCounts counts;        // answers given in this session (after undos)
  std::uint64_t stalls = 0;   // tasks opened before their suggestion was ready
  std::uint64_t undos = 0;
  std::uint64_t remaining = 0;  // tasks in the dataset without an answer
};

// "Session summary: 12 answered (9 accepted: 6 unchanged, 3 changed), ..." lines.
std::string format_summary(const SessionSummary& summary, const std::string& dataset);

class CaptionSession {
 public:
  // model_id empty = manual captioning: the box opens empty.
  CaptionSession(Store& store, std::string dataset, std::string session_name, std::string model_id);

  // ---- what the window shows
  std::uint64_t position() const { return position_; }
  std::uint64_t size() const { return dataset_.size; }
  const Task& task() const { return task_; }
  const std::string& box() const { return box_; }
  // Bumped whenever the box is filled from outside (open, suggestion, revert,
  // undo), so the view knows to reload its edit widget.
  std::uint64_t box_generation() const { return box_generation_; }
  // The box differs from the suggestion because of the annotator: a late
  // suggestion must not overwrite it.
  bool typed() const { return typed_; }
  // Nothing edited since the box was last filled (Ctrl+Z then undoes answers).
  bool untouched() const { return box_ == last_fill_; }
  SuggestionState suggestion_state() const { return suggestion_state_; }
  const std::string& suggestion() const { return suggestion_; }
  // Who made the suggestion: a model id, or "sidecar" (kSidecarSource) for
  // the caption file beside the image.
  const std::string& suggestion_source() const { return suggestion_source_; }
  float confidence() const { return confidence_; }
  // The model says the open image is unlike the images it was trained on
  // (Suggestion::unlike_training): its suggestion is a guess, so the box is
  // not pre-filled with it; take_suggestion() puts it there.
  bool unlike_training() const { return unlike_training_; }
  float ood_score() const { return ood_score_; }
  // The annotator took a flagged suggestion into the box.
  bool suggestion_taken() const { return taken_; }
  const std::string& failure() const { return failure_; }
  // Why the model gave no caption for the open task, where it said (a
  // server's timeout or error); with state waiting it is being asked again.
  const std::string& suggestion_error() const { return suggestion_error_; }
  // The stored answer for the open task, if it has one.
  const std::optional<Answer>& answer() const { return answer_; }
  std::optional<Answer> answer_at(std::uint64_t position) const;
  // Nothing left to hand this annotator: see dataset_done() for why.
  bool all_answered() const { return all_answered_; }
  // Every task has the dataset's overlap of answers. False with all_answered()
  // means the tasks still open are leased to others or already have this
  // annotator's answer and wait for someone else's.
  bool dataset_done() const { return dataset_.answered >= dataset_.size; }
  // With all_answered(): asks the store again (a lease may have lapsed, a
  // task may have been added); true if there is work for this annotator now.
  // The cursor does not move.
  bool work_freed_up();
  const std::string& dataset_name() const { return dataset_.name; }
  const DatasetInfo& dataset() const { return dataset_; }
  const std::string& model_id() const { return model_id_; }
  const std::string& session_name() const { return session_name_; }
  std::int64_t started_ms() const { return started_ms_; }
  SessionSummary summary() const;

  // Who answers: their answers are the ones this session shows, saves and
  // undoes, and tasks are claimed for them. default_annotator() unless set.
  void set_annotator(std::string name) { annotator_ = std::move(name); }
  const std::string& annotator() const { return annotator_; }
  // Keeps the claimed tasks reserved while the window is open: renews the
  // leases when a third of the lease time has passed since the last renewal.
  void heartbeat(std::int64_t now);
  // Gives the claimed tasks back (the window closes).
  void release_claims();

  // ---- inputs
  // Re-reads the dataset's size and counts from the store (one look-up): it
  // grows while its folder is still being indexed. Positions never change.
  void refresh_dataset();
  // Pre-fill a task's sidecar caption, where it has one, before asking the
  // model (see docs/caption.md, "Sidecar captions"). Off by default.
  void use_sidecar_suggestions(bool on) { sidecar_suggestions_ = on; }
  void open(std::uint64_t position, std::int64_t now);
  void open_first_unanswered(std::int64_t now);
  void edit_box(const std::string& text);  // the annotator typed
  // A suggestion for `task` arrived from the background worker. Fills the box
  // only if the task is open and the annotator has not typed yet.
  void offer_suggestion(std::uint64_t task, const Suggestion& suggestion);
  void offer_failure(std::uint64_t task, const std::string& reason);
  // The model could not caption `task`; `retrying`: it will be asked again,
  // so the task keeps waiting, otherwise it has no suggestion. Ignored once
  // the task has a suggestion or an answer.
  void offer_suggestion_error(std::uint64_t task, const std::string& reason, bool retrying);

  // ---- actions; answering ones save durably, then open the next unanswered task
  void accept(std::int64_t now);
  void reject(std::int64_t now);
  void skip(std::int64_t now);
  // Saves `answer` for the open task as it is, except the task, session and
  // timing fields, which are filled in here; undo and the summary treat it
  // like any other answer. For views whose answer is not the caption box.
  void save_and_next(Answer answer, std::int64_t now);
  // The answer the last undo took back, until another task is opened.
  const std::optional<Answer>& undone() const { return undone_; }
  // Puts the suggestion into the box (for a flagged one, which is not
  // pre-filled). False when there is no suggestion to take.
  bool take_suggestion();
  // The box as it was filled: the suggestion, or empty for a flagged one
  // not taken yet.
  void revert();
  // False when there is nothing to undo.
  bool undo(std::int64_t now);
  void next(std::int64_t now);
  void previous(std::int64_t now);
  // 1-based number as the window shows it; clamped to the dataset.
  void jump_to_number(std::uint64_t number, std::int64_t now);
  void next_unanswered(std::int64_t now);

 private:
  struct Given {
    Answer answer;
    std::uint64_t position;
    std::optional<Answer> replaced;  // what was stored before, restored by undo
  };

  void answer_with(AnswerKind kind, std::int64_t now);
  // Claims the next tasks for the annotator from `from` on and returns the
  // first, nullopt when nothing is left for them.
  std::optional<std::uint64_t> claim_next(std::uint64_t from);
  void fill_box(const std::string& text);
  bool offer_sidecar();

  Store& store_;
  DatasetInfo dataset_;
  std::string session_name_;
  std::string model_id_;
  std::string annotator_;
  std::int64_t renewed_ms_ = 0;

  std::uint64_t position_ = 0;
  Task task_;
  std::optional<Answer> answer_;
  std::string box_;
  std::uint64_t box_generation_ = 0;
  std::string filled_;     // typed_ = box_ differs from this (the suggestion, or the answer)
  std::string last_fill_;  // what was last put in the box from outside
  bool typed_ = false;
  SuggestionState suggestion_state_ = SuggestionState::none;
  std::string suggestion_;
  std::string suggestion_source_;
  bool sidecar_suggestions_ = false;
  float confidence_ = 0.f;
  bool unlike_training_ = false;
  float ood_score_ = 0.f;
  bool taken_ = false;
  std::string failure_;
  std::string suggestion_error_;
  std::int64_t started_ms_ = 0;
  bool all_answered_ = false;

  std::vector<Given> given_;  // in the order given; undo pops
  std::optional<Answer> undone_;
  std::uint64_t stalls_ = 0;
  std::uint64_t undos_ = 0;
};

}  // namespace gloss
