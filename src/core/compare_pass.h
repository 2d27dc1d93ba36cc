// The state of a blind comparison session (gloss compare), free of GL and
// ImGui: a CaptionSession walks the dataset (navigation, undo, summary);
// this adds both models' captions for the open task in blind order, the
// annotator's choice, the optional edit of the better caption, automatic
// ties for identical captions and the live tally.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>

#include "core/caption_session.h"
#include "core/compare.h"
#include "core/store.h"
#include "core/team_answers.h"

namespace gloss {

enum class Side { left, right };
// What the annotator says, in screen terms; the pass maps it to A and B.
enum class Pick { left, right, both_good, both_bad };

struct CompareOptions {
  std::string model_a, model_b;  // ids
  std::uint64_t seed = 0;        // blind order: a_on_left(seed, task)
  bool show_identical = false;   // false: identical captions are answered as ties unseen
};

class ComparePass {
 public:
  enum class State {
    waiting,   // a model has not captioned the open image yet
    ready,     // both captions are there, no answer yet
    answered,  // the open task has a stored answer (shown as it was judged)
    failed,    // the image cannot be read
  };

  ComparePass(Store& store, CaptionSession& session, CompareOptions options);

  // ---- what the view shows, for the open task
  State state() const { return state_; }
  const std::string& caption(Side side) const { return side == Side::left ? left_ : right_; }
  // The stored choice in screen terms, when state() == answered.
  std::optional<Pick> stored_pick() const { return stored_pick_; }
  bool stored_edited() const { return stored_edited_; }
  bool editing() const { return editing_; }
  Side edit_side() const { return edit_side_; }
  const std::string& edit_text() const { return edit_text_; }
  std::uint64_t edit_generation() const { return edit_generation_; }
  const CompareTally& tally() const { return counter_.tally(); }
  const CompareOptions& options() const { return options_; }
  std::uint64_t auto_ties() const { return auto_ties_; }  // answered as identical in this session
  std::uint64_t stalls() const { return stalls_; }        // tasks opened before both captions were there

  // ---- inputs
  // model 0 = A, 1 = B. Identical captions of an unanswered task are stored
  // as a tie at once (unless show_identical); the open task then moves on.
  void offer(int model, std::uint64_t task, const Suggestion& suggestion, std::int64_t now);
  // Call after anything that may have moved the session.
  void sync(std::int64_t now);
  // Loads the tally from the dataset's stored answers.
  void load_tally();
  // Others' judgements as they came (TeamAnswers): into the live tally.
  void apply(const TeamAnswerChanges& changes);

  // ---- actions; the answering ones save durably, then open the next task
  void pick(Pick pick, std::int64_t now);
  // Put the caption on `side` in the edit box (it is the better one).
  void begin_edit(Side side);
  void edit(const std::string& text);
  void cancel_edit();
  // Saves the edited caption as the final one with the edited side as the
  // winner. False (nothing saved) when the box is empty.
  bool finish_edit(std::int64_t now);
  void skip(std::int64_t now);
  void reject(std::int64_t now);
  // False when there is nothing to undo.
  bool undo(std::int64_t now);

 private:
  const std::string* caption_of(int model, std::uint64_t task) const;
  CompareRecord record_for_open() const;
  void save(Answer answer, std::int64_t now);
  void answer_identical(std::uint64_t task, std::int64_t now);
  void load_open();
  void recount(std::uint64_t task);

  Store& store_;
  CaptionSession& session_;
  CompareOptions options_;
  CompareCounter counter_;
  // task -> caption, per model; filled from the store's cache on a miss.
  mutable std::unordered_map<std::uint64_t, std::string> captions_[2];

  std::uint64_t task_ = 0;
  std::uint64_t position_ = UINT64_MAX;
  State state_ = State::waiting;
  bool a_left_ = true;
  std::string left_, right_;
  std::optional<Pick> stored_pick_;
  bool stored_edited_ = false;
  bool editing_ = false;
  Side edit_side_ = Side::left;
  std::string edit_text_;
  std::uint64_t edit_generation_ = 0;
  std::uint64_t auto_ties_ = 0;
  std::uint64_t stalls_ = 0;
};

}  // namespace gloss
