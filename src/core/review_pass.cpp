#include "core/review_pass.h"

#include <algorithm>
#include <map>
#include <set>
#include <unordered_set>
#include <utility>

#include "core/caption_disagreement.h"
#include "core/diff.h"

namespace gloss {

std::string_view to_string(ReviewOrder order) {
  return order == ReviewOrder::disagreement ? "disagreement" : "position";
}

std::optional<ReviewOrder> parse_review_order(std::string_view text) {
  if (text == "disagreement") return ReviewOrder::disagreement;
  if (text == "position") return ReviewOrder::position;
  return std::nullopt;
}

// The agreement report's measure (agreement.h), so the window's order and
// `gloss agreement`'s most-disagreeing list agree.
double caption_disagreement(const std::vector<std::string>& captions) {
  return mean_pairwise_wer(captions).value_or(0);
}

namespace {

double disagreement_of(const std::vector<Answer>& answers) {
  std::vector<std::string> captions;
  for (const Answer& a : answers) captions.push_back(a.caption);
  return caption_disagreement(captions);
}

// What a row shows: the same annotator, kind and caption need no new score.
bool same_row(const Answer& a, const Answer& b) {
  return a.annotator == b.annotator && a.answer == b.answer && a.caption == b.caption;
}

std::size_t annotator_count(const std::vector<Answer>& answers) {
  std::set<std::string> annotators;
  for (const Answer& a : answers) annotators.insert(a.annotator);
  return annotators.size();
}

}  // namespace

ReviewList load_review_items(const Store& store, const DatasetInfo& dataset, ReviewOrder order) {
  ReviewList list;
  std::vector<ReviewItem>& items = list.items;
  ReviewItem open;
  auto close = [&] {
    if (annotator_count(open.answers) >= 2) {
      open.disagreement = disagreement_of(open.answers);
      items.push_back(std::move(open));
    } else if (!open.answers.empty()) {
      list.single.push_back(std::move(open));
    }
    open = {};
  };
  store.for_each_answer(dataset, [&](std::uint64_t position, const Answer& a) {
    if (!open.answers.empty() && position != open.position) close();
    open.position = position;
    open.task = a.task;
    open.answers.push_back(a);
    return true;
  });
  close();
  std::map<std::uint64_t, std::size_t> by_position;
  for (std::size_t i = 0; i < items.size(); ++i) by_position[items[i].position] = i;
  store.for_each_review(dataset, [&](std::uint64_t position, const Review& r) {
    if (const auto it = by_position.find(position); it != by_position.end()) items[it->second].review = r;
    return true;
  });
  if (order == ReviewOrder::disagreement)
    std::stable_sort(items.begin(), items.end(),
                     [](const ReviewItem& a, const ReviewItem& b) { return a.disagreement > b.disagreement; });
  return list;
}

ReviewPass::ReviewPass(Store& store, CaptionSession& session, ReviewList list, ReviewOrder order,
                       std::string reviewer)
    : store_(store), session_(session), items_(std::move(list.items)), order_(order), reviewer_(std::move(reviewer)) {
  for (std::size_t i = 0; i < items_.size(); ++i) listed_[items_[i].position] = i;
  for (ReviewItem& item : list.single) single_.emplace(item.position, std::move(item));
}

// ---- others' answers

void ReviewPass::apply(const TeamAnswerChanges& changes) {
  if (!changes.reload) {
    for (const TeamAnswer& change : changes.answers) update_answer(change);
    return;
  }
  // Every answer, grouped by task; a task's answers are copied only where
  // they differ from what the list shows.
  std::vector<const TeamAnswer*> all;
  for (const TeamAnswer& change : changes.answers)
    if (change.answer) all.push_back(&change);
  std::stable_sort(all.begin(), all.end(),
                   [](const TeamAnswer* a, const TeamAnswer* b) { return a->position < b->position; });
  std::unordered_set<std::uint64_t> present;
  for (std::size_t i = 0; i < all.size();) {
    std::size_t end = i;
    while (end < all.size() && all[end]->position == all[i]->position) ++end;
    reload_task(std::span(all).subspan(i, end - i));
    present.insert(all[i]->position);
    i = end;
  }
  for (ReviewItem& item : items_)
    if (!present.contains(item.position) && !item.answers.empty()) set_answers(item, {});
  std::erase_if(single_, [&](const auto& entry) { return !present.contains(entry.first); });
}

// One task's answers as a reload has them (one position, at least one).
void ReviewPass::reload_task(std::span<const TeamAnswer* const> answers) {
  const std::uint64_t position = answers.front()->position;
  const auto listed = listed_.find(position);
  if (listed != listed_.end()) {
    ReviewItem& item = items_[listed->second];
    const bool same = answers.size() == item.answers.size() &&
                      std::all_of(answers.begin(), answers.end(), [&](const TeamAnswer* t) {
                        return std::any_of(item.answers.begin(), item.answers.end(),
                                           [&](const Answer& a) { return same_row(a, *t->answer); });
                      });
    if (same) return;
    std::vector<Answer> now;
    for (const TeamAnswer* t : answers) now.push_back(*t->answer);
    set_answers(item, std::move(now));
    return;
  }
  ReviewItem& single = single_[position];
  single.position = position;
  single.task = answers.front()->task;
  single.answers.clear();
  for (const TeamAnswer* t : answers) single.answers.push_back(*t->answer);
  list_if_overlapping(position);
}

void ReviewPass::update_answer(const TeamAnswer& change) {
  const auto listed = listed_.find(change.position);
  ReviewItem* item = listed != listed_.end() ? &items_[listed->second] : &single_[change.position];
  item->position = change.position;
  item->task = change.task;
  auto& answers = item->answers;
  const auto it = std::find_if(answers.begin(), answers.end(),
                               [&](const Answer& a) { return a.annotator == change.annotator; });
  if (!change.answer) {
    if (it == answers.end()) return;
    answers.erase(it);
  } else if (it != answers.end()) {
    if (same_row(*it, *change.answer)) return;
    *it = *change.answer;
  } else {
    answers.push_back(*change.answer);
  }
  if (listed != listed_.end()) answers_changed(*item);
  else list_if_overlapping(change.position);
}

// The item's answers become `now`: rows still there keep their places,
// new annotators' rows come last.
void ReviewPass::set_answers(ReviewItem& item, std::vector<Answer> now) {
  std::vector<Answer> kept;
  for (const Answer& old : item.answers)
    for (Answer& a : now)
      if (a.annotator == old.annotator && !a.annotator.empty()) {
        kept.push_back(std::move(a));
        a.annotator.clear();
      }
  for (Answer& a : now)
    if (!a.annotator.empty()) kept.push_back(std::move(a));
  const bool same = kept.size() == item.answers.size() &&
                    std::equal(kept.begin(), kept.end(), item.answers.begin(), same_row);
  item.answers = std::move(kept);
  if (!same) answers_changed(item);
}

void ReviewPass::answers_changed(ReviewItem& item) {
  item.disagreement = disagreement_of(item.answers);
  if (index_ && &items_[*index_] == &item && !item.answers.empty())
    selected_ = std::min(selected_, item.answers.size() - 1);
}

// A task a second annotator answered joins the end of the list (the order
// of the tasks already listed, and the reviewer's place, stay).
void ReviewPass::list_if_overlapping(std::uint64_t position) {
  const auto it = single_.find(position);
  if (it == single_.end() || annotator_count(it->second.answers) < 2) return;
  ReviewItem item = std::move(it->second);
  single_.erase(it);
  item.disagreement = disagreement_of(item.answers);
  listed_[position] = items_.size();
  items_.push_back(std::move(item));
  if (session_.position() == position) position_ = UINT64_MAX, sync();
}

std::size_t ReviewPass::reviewed() const {
  return static_cast<std::size_t>(
      std::count_if(items_.begin(), items_.end(), [](const ReviewItem& i) { return i.review.has_value(); }));
}

double ReviewPass::mean_disagreement() const {
  if (items_.empty()) return 0;
  double sum = 0;
  for (const ReviewItem& i : items_) sum += i.disagreement;
  return sum / static_cast<double>(items_.size());
}

const std::vector<Answer>& ReviewPass::answers() const {
  static const std::vector<Answer> none;
  return index_ ? items_[*index_].answers : none;
}

double ReviewPass::disagreement() const { return index_ ? items_[*index_].disagreement : 0; }

const std::optional<Review>& ReviewPass::review() const {
  static const std::optional<Review> none;
  return index_ ? items_[*index_].review : none;
}

std::string ReviewPass::baseline() const {
  if (review() && review()->settled()) return review()->caption;
  const auto& a = answers();
  return selected_ < a.size() ? a[selected_].caption : std::string();
}

ReviewCounts ReviewPass::counts() const {
  std::map<std::uint64_t, ReviewVerdict> latest;
  for (const Given& g : given_) latest[g.review.task] = g.review.verdict;
  ReviewCounts n;
  for (const auto& [task, verdict] : latest) {
    if (verdict == ReviewVerdict::picked) ++n.picked;
    else if (verdict == ReviewVerdict::edited) ++n.edited;
    else ++n.sent_back;
  }
  return n;
}

// ---- moving

void ReviewPass::reset_open() {
  editing_ = false;
  selected_ = 0;
  // A picked or edited review selects the answer it came from.
  if (const auto& r = review(); r && r->settled()) {
    const auto& a = answers();
    for (std::size_t i = 0; i < a.size(); ++i)
      if (a[i].annotator == r->from) selected_ = i;
  }
  ++edit_generation_;
}

void ReviewPass::open_index(std::size_t i, std::int64_t now) {
  if (i >= items_.size()) return;
  session_.open(items_[i].position, now);
  sync();
}

void ReviewPass::sync() {
  if (session_.position() == position_) return;
  position_ = session_.position();
  index_.reset();
  for (std::size_t i = 0; i < items_.size(); ++i)
    if (items_[i].position == position_) index_ = i;
  reset_open();
}

bool ReviewPass::open_first(std::int64_t now) {
  if (items_.empty()) return false;
  for (std::size_t i = 0; i < items_.size(); ++i)
    if (!items_[i].review) return open_index(i, now), true;
  open_index(0, now);
  return true;
}

void ReviewPass::next(std::int64_t now) {
  const std::size_t i = index_ ? *index_ + 1 : 0;
  if (i < items_.size()) open_index(i, now);
}

void ReviewPass::previous(std::int64_t now) {
  if (index_ && *index_ > 0) open_index(*index_ - 1, now);
  else if (!index_ && !items_.empty()) open_index(0, now);
}

std::optional<std::size_t> ReviewPass::next_unreviewed_index() const {
  const std::size_t from = index_ ? *index_ + 1 : 0;
  for (std::size_t k = 0; k < items_.size(); ++k) {
    const std::size_t i = (from + k) % items_.size();
    if (!items_[i].review) return i;
  }
  return std::nullopt;
}

bool ReviewPass::next_unreviewed(std::int64_t now) {
  const auto i = next_unreviewed_index();
  if (!i) return false;
  open_index(*i, now);
  return true;
}

std::optional<std::uint64_t> ReviewPass::upcoming() const {
  const auto i = next_unreviewed_index();
  if (!i) return std::nullopt;
  return items_[*i].position;
}

// ---- deciding

void ReviewPass::select(int delta) {
  if (editing_ || answers().empty()) return;
  const long last = static_cast<long>(answers().size()) - 1;
  selected_ = static_cast<std::size_t>(std::clamp(static_cast<long>(selected_) + delta, 0L, last));
}

Review ReviewPass::review_for(ReviewVerdict verdict, std::string from, std::string caption, std::int64_t now) const {
  Review r;
  r.task = items_[*index_].task;
  r.reviewer = reviewer_;
  r.reviewed_ms = now;
  r.verdict = verdict;
  r.from = std::move(from);
  r.caption = std::move(caption);
  return r;
}

void ReviewPass::save(Review review, std::int64_t now) {
  const std::size_t i = *index_;
  store_.save_review(session_.dataset_name(), review);
  given_.push_back({i, review, items_[i].review});
  items_[i].review = std::move(review);
  editing_ = false;
  if (!next_unreviewed(now)) reset_open();
}

bool ReviewPass::pick(std::size_t i, std::int64_t now) {
  if (!index_ || i >= answers().size()) return false;
  const Answer& a = answers()[i];
  save(review_for(ReviewVerdict::picked, a.annotator, a.caption, now), now);
  return true;
}

void ReviewPass::begin_edit() {
  if (answers().empty()) return;
  const Answer& a = answers()[std::min(selected_, answers().size() - 1)];
  editing_ = true;
  edit_text_ = a.caption;
  edit_from_ = a.annotator;
  ++edit_generation_;
}

void ReviewPass::edit(const std::string& text) {
  if (editing_) edit_text_ = text;
}

void ReviewPass::cancel_edit() {
  editing_ = false;
  ++edit_generation_;
}

bool ReviewPass::finish_edit(std::int64_t now) {
  if (!editing_ || !index_ || edit_text_.find_first_not_of(" \t") == std::string::npos) return false;
  std::string original;
  for (const Answer& a : answers())
    if (a.annotator == edit_from_) original = a.caption;
  const auto verdict = edit_text_ == original ? ReviewVerdict::picked : ReviewVerdict::edited;
  save(review_for(verdict, edit_from_, edit_text_, now), now);
  return true;
}

void ReviewPass::send_back(std::int64_t now) {
  if (!index_) return;
  save(review_for(ReviewVerdict::sent_back, "", "", now), now);
}

bool ReviewPass::undo(std::int64_t now) {
  if (given_.empty()) return false;
  const Given last = given_.back();
  given_.pop_back();
  ReviewItem& item = items_[last.index];
  if (last.replaced) store_.save_review(session_.dataset_name(), *last.replaced);
  else store_.remove_review(session_.dataset_name(), item.task);
  item.review = last.replaced;
  ++undos_;
  open_index(last.index, now);
  position_ = UINT64_MAX;  // reopened on purpose: select what the undone review came from
  sync();
  if (last.review.settled())
    for (std::size_t i = 0; i < item.answers.size(); ++i)
      if (item.answers[i].annotator == last.review.from) selected_ = i;
  return true;
}

}  // namespace gloss
