#include "core/compare_pass.h"

#include <utility>

#include "core/diff.h"

namespace gloss {

ComparePass::ComparePass(Store& store, CaptionSession& session, CompareOptions options)
    : store_(store), session_(session), options_(std::move(options)) {}

void ComparePass::load_tally() {
  counter_ = {};
  store_.for_each_answer(session_.dataset(), [&](std::uint64_t, const Answer& a) {
    counter_.set(a.annotator, a.task, &a);
    return true;
  });
}

void ComparePass::apply(const TeamAnswerChanges& changes) {
  if (changes.reload) counter_ = {};
  for (const TeamAnswer& t : changes.answers) counter_.set(t.annotator, t.task, t.answer ? &*t.answer : nullptr);
}

void ComparePass::recount(std::uint64_t task) {
  const auto a = store_.answer(session_.dataset(), task, session_.annotator());
  counter_.set(session_.annotator(), task, a ? &*a : nullptr);
}

const std::string* ComparePass::caption_of(int model, std::uint64_t task) const {
  auto& known = captions_[model];
  if (const auto it = known.find(task); it != known.end()) return &it->second;
  // Cached by an earlier session or by gloss predict.
  const auto cached = store_.suggestion(model == 0 ? options_.model_a : options_.model_b, task);
  if (!cached) return nullptr;
  return &known.emplace(task, cached->caption).first->second;
}

void ComparePass::offer(int model, std::uint64_t task, const Suggestion& suggestion, std::int64_t now) {
  captions_[model][task] = suggestion.caption;
  // Ahead of the cursor an identical pair is answered now, so it is never
  // opened; the open task is sync's (it also moves on).
  if (task != session_.task().hash && !options_.show_identical) {
    const std::string* a = caption_of(0, task);
    const std::string* b = caption_of(1, task);
    if (a && b && same_caption(*a, *b) && !store_.answer(session_.dataset(), task, session_.annotator()))
      answer_identical(task, now);
  }
  sync(now);
}

void ComparePass::answer_identical(std::uint64_t task, std::int64_t now) {
  Answer a;
  a.task = task;
  a.annotator = session_.annotator();
  a.session = session_.session_name();
  a.caption = a.orig_caption = *caption_of(0, task);
  a.model = options_.model_a;
  // Nobody looked at it: not an accepted caption, so training leaves it out.
  a.answer = AnswerKind::ignore;
  a.started_ms = a.saved_ms = now;
  a.compare = CompareRecord{options_.model_a, options_.model_b, a.caption, *caption_of(1, task),
                            a_on_left(options_.seed, task), CompareChoice::none, true, false};
  store_.save_answer(session_.dataset_name(), a);
  recount(task);
  ++auto_ties_;
}

void ComparePass::sync(std::int64_t now) {
  for (;;) {
    const bool moved = session_.task().hash != task_ || session_.position() != position_;
    if (moved) {
      task_ = session_.task().hash;
      position_ = session_.position();
      editing_ = false;
    }
    load_open();
    if (moved && state_ == State::waiting) ++stalls_;
    if (state_ != State::ready || options_.show_identical || !same_caption(left_, right_)) return;
    // Both captions arrived with the task already open (or were cached).
    const std::uint64_t task = task_;
    answer_identical(task, now);
    session_.next_unanswered(now);
    if (session_.task().hash == task) {
      session_.open(session_.position(), now);
      load_open();
      return;
    }
  }
}

void ComparePass::load_open() {
  stored_pick_.reset();
  stored_edited_ = false;
  const auto& answer = session_.answer();
  if (answer && answer->compare) {
    const CompareRecord& r = *answer->compare;
    a_left_ = r.a_on_left;
    left_ = a_left_ ? r.caption_a : r.caption_b;
    right_ = a_left_ ? r.caption_b : r.caption_a;
    stored_edited_ = r.edited;
    switch (r.choice) {
      case CompareChoice::a: stored_pick_ = a_left_ ? Pick::left : Pick::right; break;
      case CompareChoice::b: stored_pick_ = a_left_ ? Pick::right : Pick::left; break;
      case CompareChoice::both_good: stored_pick_ = Pick::both_good; break;
      case CompareChoice::both_bad: stored_pick_ = Pick::both_bad; break;
      case CompareChoice::none: break;
    }
    state_ = State::answered;
    return;
  }
  a_left_ = a_on_left(options_.seed, task_);
  const std::string* a = caption_of(0, task_);
  const std::string* b = caption_of(1, task_);
  left_ = (a_left_ ? a : b) ? *(a_left_ ? a : b) : std::string();
  right_ = (a_left_ ? b : a) ? *(a_left_ ? b : a) : std::string();
  if (!session_.failure().empty()) state_ = State::failed;
  else if (answer) state_ = State::answered;  // answered some other way (imported, say)
  else state_ = a && b ? State::ready : State::waiting;
}

CompareRecord ComparePass::record_for_open() const {
  CompareRecord r;
  r.model_a = options_.model_a;
  r.model_b = options_.model_b;
  r.caption_a = a_left_ ? left_ : right_;
  r.caption_b = a_left_ ? right_ : left_;
  r.a_on_left = a_left_;
  return r;
}

void ComparePass::save(Answer answer, std::int64_t now) {
  const std::uint64_t task = task_;
  editing_ = false;
  session_.save_and_next(std::move(answer), now);
  recount(task);
  sync(now);
}

void ComparePass::pick(Pick pick, std::int64_t now) {
  if (state_ != State::ready && state_ != State::answered) return;
  if (left_.empty() && right_.empty()) return;
  Answer a;
  a.compare = record_for_open();
  const CompareRecord& r = *a.compare;
  const bool a_wins = pick == (a_left_ ? Pick::left : Pick::right);
  switch (pick) {
    case Pick::left:
    case Pick::right:
      a.compare->choice = a_wins ? CompareChoice::a : CompareChoice::b;
      a.caption = a.orig_caption = a_wins ? r.caption_a : r.caption_b;
      a.model = a_wins ? r.model_a : r.model_b;
      break;
    case Pick::both_good:
      a.compare->choice = CompareChoice::both_good;
      a.caption = a.orig_caption = r.caption_a;
      a.model = r.model_a;
      // Both are good captions: training gets the second as another reference.
      if (!same_caption(r.caption_a, r.caption_b)) a.extra["references"] = {r.caption_a, r.caption_b};
      break;
    case Pick::both_bad:
      a.compare->choice = CompareChoice::both_bad;
      a.answer = AnswerKind::reject;
      break;
  }
  save(std::move(a), now);
}

void ComparePass::begin_edit(Side side) {
  if (state_ != State::ready && state_ != State::answered) return;
  editing_ = true;
  edit_side_ = side;
  edit_text_ = caption(side);
  ++edit_generation_;
}

void ComparePass::edit(const std::string& text) {
  if (editing_) edit_text_ = text;
}

void ComparePass::cancel_edit() {
  editing_ = false;
  ++edit_generation_;
}

bool ComparePass::finish_edit(std::int64_t now) {
  if (!editing_ || edit_text_.find_first_not_of(" \t") == std::string::npos) return false;
  Answer a;
  a.compare = record_for_open();
  const bool a_wins = edit_side_ == (a_left_ ? Side::left : Side::right);
  a.compare->choice = a_wins ? CompareChoice::a : CompareChoice::b;
  a.orig_caption = caption(edit_side_);
  a.caption = edit_text_;
  a.compare->edited = a.caption != a.orig_caption;
  a.model = a_wins ? options_.model_a : options_.model_b;
  a.edit_distance = word_edit_distance(a.orig_caption, a.caption);
  save(std::move(a), now);
  return true;
}

void ComparePass::skip(std::int64_t now) {
  Answer a;
  a.answer = AnswerKind::ignore;
  a.compare = record_for_open();
  save(std::move(a), now);
}

void ComparePass::reject(std::int64_t now) {
  Answer a;
  a.answer = AnswerKind::reject;
  a.compare = record_for_open();
  save(std::move(a), now);
}

bool ComparePass::undo(std::int64_t now) {
  if (!session_.undo(now)) return false;
  recount(session_.task().hash);
  sync(now);
  return true;
}

}  // namespace gloss
