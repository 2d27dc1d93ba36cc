#include "core/unlike_training_watch.h"

#include <algorithm>
#include <cmath>

namespace gloss {

bool UnlikeTrainingWatch::add(std::uint64_t task, const Suggestion& s, std::uint64_t dataset_size) {
  if (decided_ || std::isnan(s.ood_score) || !seen_.insert(task).second) return false;
  flagged_ += s.unlike_training;
  const std::size_t sample = static_cast<std::size_t>(std::min<std::uint64_t>(sample_, std::max<std::uint64_t>(dataset_size, 1)));
  if (seen_.size() < sample) return false;
  decided_ = true;
  return static_cast<double>(flagged_) >= fraction_ * static_cast<double>(seen_.size());
}

}  // namespace gloss
