// The state of a review session (gloss review), free of GL and ImGui: the
// tasks that answers from two or more annotators, in the reviewer's order
// (most disagreeing first, or by position), every annotator's answer of the
// open task, the stored review, the selection and the edit box, and the
// reviewer's decisions (pick, edit, send back) with undo. A CaptionSession
// holds the open task (its image, its position); the pass moves it.
//
// The answers and reviews are read once, when the list is loaded (before the
// window opens): moving from task to task never reads answers from the store.
// Answers others save or take back while the window is open come in through
// apply() (TeamAnswers reads them on its own thread): the open task's rows
// change in place, and a task that a second annotator answers joins the end
// of the list. Reviews saved by other reviewers meanwhile are not seen until
// the next session.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/caption_session.h"
#include "core/store.h"
#include "core/team_answers.h"

namespace gloss {

enum class ReviewOrder { disagreement, position };
std::string_view to_string(ReviewOrder order);  // "disagreement", "position"
std::optional<ReviewOrder> parse_review_order(std::string_view text);

// How much the captions of one task disagree: the mean word error rate over
// every ordered pair (i, j), i != j, of the captions -- word_edit_distance
// over the word count of the second, word_error_rate's rule for an empty one.
// 0 with fewer than two captions. The one place the review order is scored
// (core/agreement.* can take its place).
double caption_disagreement(const std::vector<std::string>& captions);

struct ReviewItem {
  std::uint64_t position = 0;
  std::uint64_t task = 0;
  // One per annotator: by annotator name as loaded, later ones appended (so
  // the number keys of the rows on screen do not move).
  std::vector<Answer> answers;
  double disagreement = 0;      // caption_disagreement of the answers' captions
  std::optional<Review> review; // as stored when the list was loaded
};

struct ReviewList {
  // Every task of the dataset with answers from two or more annotators, in
  // the list's order (ties in disagreement: by position).
  std::vector<ReviewItem> items;
  // Tasks with one annotator's answers so far: listed once a second answers.
  std::vector<ReviewItem> single;
};

// One pass over the answers and one over the reviews.
ReviewList load_review_items(const Store& store, const DatasetInfo& dataset, ReviewOrder order);

struct ReviewCounts {
  std::uint64_t picked = 0, edited = 0, sent_back = 0;
  std::uint64_t decided() const { return picked + edited + sent_back; }
};

class ReviewPass {
 public:
  ReviewPass(Store& store, CaptionSession& session, ReviewList list, ReviewOrder order, std::string reviewer);

  // Others' answers as they came (TeamAnswers, `position` filled in).
  void apply(const TeamAnswerChanges& changes);

  // ---- the list
  std::size_t size() const { return items_.size(); }
  ReviewOrder order() const { return order_; }
  const std::string& reviewer() const { return reviewer_; }
  // Index of the open task in the list; nullopt when the session stands on a
  // task that is not in it.
  std::optional<std::size_t> index() const { return index_; }
  std::size_t reviewed() const;          // tasks in the list with a stored review
  double mean_disagreement() const;      // over the list
  // ---- the open task
  const std::vector<Answer>& answers() const;  // empty off the list
  double disagreement() const;
  const std::optional<Review>& review() const;  // stored for the open task (this session's included)
  std::size_t selected() const { return selected_; }
  // What the other captions are diffed against: the final caption of a
  // settled review, else the selected answer's caption.
  std::string baseline() const;
  bool editing() const { return editing_; }
  const std::string& edit_text() const { return edit_text_; }
  std::uint64_t edit_generation() const { return edit_generation_; }
  // Decisions of this session, the latest per task (after undos).
  ReviewCounts counts() const;
  std::uint64_t undos() const { return undos_; }

  // ---- moving (never deciding)
  // The first task without a review in the list's order (the first one if
  // every task has one). False when the list is empty.
  bool open_first(std::int64_t now);
  void next(std::int64_t now);
  void previous(std::int64_t now);
  // The next task without a review after the open one, wrapping; false if none.
  bool next_unreviewed(std::int64_t now);
  // Where a decision leads: the position next_unreviewed() would open.
  std::optional<std::uint64_t> upcoming() const;
  // Call after anything that may have moved the session.
  void sync();

  // ---- deciding: each saves durably, then opens the next task without a review
  void select(int delta);  // moves the selection, clamped
  // Answer i's caption as the final one. False when there is no answer i.
  bool pick(std::size_t i, std::int64_t now);
  // Puts the selected answer's caption into the edit box.
  void begin_edit();
  void edit(const std::string& text);
  void cancel_edit();
  // Saves the box as the final caption: `edited` from the answer it was
  // taken from (`picked` if left as it was). False when the box is empty.
  bool finish_edit(std::int64_t now);
  // None will do: stored as sent_back, which the store turns into one more
  // annotator for the task (Store::save_review); undo takes that back.
  void send_back(std::int64_t now);
  // Restores the review the last decision replaced (or none). False when
  // there is nothing to undo.
  bool undo(std::int64_t now);

 private:
  struct Given {
    std::size_t index;
    Review review;
    std::optional<Review> replaced;
  };

  Review review_for(ReviewVerdict verdict, std::string from, std::string caption, std::int64_t now) const;
  void save(Review review, std::int64_t now);
  void open_index(std::size_t i, std::int64_t now);
  std::optional<std::size_t> next_unreviewed_index() const;
  void reset_open();
  void update_answer(const TeamAnswer& change);
  void reload_task(std::span<const TeamAnswer* const> answers);
  void set_answers(ReviewItem& item, std::vector<Answer> now);
  void list_if_overlapping(std::uint64_t position);
  void answers_changed(ReviewItem& item);

  Store& store_;
  CaptionSession& session_;
  std::vector<ReviewItem> items_;
  std::unordered_map<std::uint64_t, std::size_t> listed_;      // position -> index in items_
  std::unordered_map<std::uint64_t, ReviewItem> single_;       // position -> its one annotator's answers
  ReviewOrder order_;
  std::string reviewer_;
  std::optional<std::size_t> index_;
  std::uint64_t position_ = UINT64_MAX;  // the session's, as last synced
  std::size_t selected_ = 0;
  bool editing_ = false;
  std::string edit_text_;
  std::string edit_from_;
  std::uint64_t edit_generation_ = 0;
  std::vector<Given> given_;
  std::uint64_t undos_ = 0;
};

}  // namespace gloss
