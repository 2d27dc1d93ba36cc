// The captions a dataset gives each image once its answers and its review
// are put together: what exports, training and evaluation read. A settled
// review's caption comes first; every annotator's accepted caption (and the
// extra references an imported COCO file had) follow as references.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/store.h"

namespace gloss {

struct FinalCaptions {
  std::uint64_t position = 0;
  std::uint64_t task = 0;
  std::optional<Review> review;        // settled (picked or edited) reviews only
  std::vector<std::string> accepted;   // accepted answers' captions, by annotator, then imported references
  std::size_t accepted_answers = 0;    // the annotators' accepted answers among them
  std::size_t other_answers = 0;       // rejected or skipped answers

  // The review's caption, else the first accepted caption.
  const std::string& best() const { return review ? review->caption : accepted.front(); }
  // best() first, then the other captions, each once.
  std::vector<std::string> references() const;
};

// Every task with an accepted answer or a settled review, in position
// order; with `unaccepted`, also the tasks whose answers were all rejected
// or skipped. Reviews are read first (a lead settles few tasks); answers are
// streamed.
void for_each_final_captions(const Store& store, const DatasetInfo& dataset,
                             const std::function<void(const FinalCaptions&)>& visit, bool unaccepted = false);

}  // namespace gloss
