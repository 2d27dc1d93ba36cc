// Whether a session's images are mostly unlike what its model was trained on
// (the bundled model on photos, say), judged once from the first suggestions
// that arrive, so the window can say so once instead of greying image after
// image without a word. Torch- and GL-free; the caption window feeds it.
#pragma once

#include <cstdint>
#include <unordered_set>

#include "core/records.h"

namespace gloss {

class UnlikeTrainingWatch {
 public:
  // Judges on the first `sample` images with a known score (fewer when the
  // dataset is smaller): "mostly" is at least `fraction` of them flagged.
  explicit UnlikeTrainingWatch(std::size_t sample = 20, double fraction = 0.8)
      : sample_(sample), fraction_(fraction) {}

  // A suggestion for `task` in a dataset of `dataset_size` images. True
  // exactly once: on the suggestion that settles "mostly unlike". Suggestions
  // without a score (a model without training statistics) do not count.
  bool add(std::uint64_t task, const Suggestion& suggestion, std::uint64_t dataset_size);

  bool decided() const { return decided_; }
  std::size_t seen() const { return seen_.size(); }
  std::size_t flagged() const { return flagged_; }

 private:
  std::size_t sample_;
  double fraction_;
  std::unordered_set<std::uint64_t> seen_;
  std::size_t flagged_ = 0;
  bool decided_ = false;
};

}  // namespace gloss
