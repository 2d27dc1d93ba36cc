#include "core/final_captions.h"

#include <algorithm>
#include <map>

namespace gloss {

std::vector<std::string> FinalCaptions::references() const {
  std::vector<std::string> out = {best()};
  for (const auto& c : accepted)
    if (std::find(out.begin(), out.end(), c) == out.end()) out.push_back(c);
  return out;
}

namespace {

void add_accepted(FinalCaptions& f, const Answer& a) {
  if (a.answer != AnswerKind::accept) {
    ++f.other_answers;
    return;
  }
  ++f.accepted_answers;
  f.accepted.push_back(a.caption);
  if (a.extra.contains("references") && a.extra["references"].is_array())
    for (std::size_t i = 1; i < a.extra["references"].size(); ++i)
      if (a.extra["references"][i].is_string()) f.accepted.push_back(a.extra["references"][i].get<std::string>());
}

}  // namespace

void for_each_final_captions(const Store& store, const DatasetInfo& dataset,
                             const std::function<void(const FinalCaptions&)>& visit, bool unaccepted) {
  std::map<std::uint64_t, Review> reviews;
  store.for_each_review(dataset, [&](std::uint64_t position, const Review& r) {
    if (r.settled()) reviews.emplace(position, r);
    return true;
  });
  auto next_review = reviews.begin();
  auto emit = [&](FinalCaptions& f) {
    if (const auto it = reviews.find(f.position); it != reviews.end()) f.review = it->second;
    if (f.review || !f.accepted.empty() || (unaccepted && f.other_answers > 0)) visit(f);
  };
  // Reviewed tasks that no answer reaches (every answer since removed) are
  // given in their place too.
  auto reviews_before = [&](std::uint64_t position) {
    for (; next_review != reviews.end() && next_review->first < position; ++next_review) {
      FinalCaptions f;
      f.position = next_review->first;
      f.task = next_review->second.task;
      emit(f);
    }
  };
  std::optional<FinalCaptions> open;
  store.for_each_answer(dataset, [&](std::uint64_t position, const Answer& a) {
    if (!open || open->position != position) {
      if (open) emit(*open);
      reviews_before(position);
      if (next_review != reviews.end() && next_review->first == position) ++next_review;
      open = FinalCaptions{position, a.task, std::nullopt, {}, 0, 0};
    }
    add_accepted(*open, a);
    return true;
  });
  if (open) emit(*open);
  reviews_before(UINT64_MAX);
}

}  // namespace gloss
