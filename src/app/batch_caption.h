// Captioning images a batch at a time for eval and predict: decodes each
// batch, captions it, names the first few images that failed.
#pragma once

#include <cstddef>
#include <functional>
#include <string>

#include "core/image.h"
#include "model/captioner.h"

namespace gloss {

// Images the model could not caption (an endpoint server's error): the first
// few named on stderr, the rest counted.
class CaptionFailures {
 public:
  void add(const std::string& image, const std::string& why);
  // "gloss: N more images not captioned" when more failed than were named.
  void finish() const;
  const std::string& first() const { return first_; }
  std::size_t count() const { return count_; }

 private:
  std::string first_;
  std::size_t count_ = 0;
};

struct BatchOutcome {
  std::size_t captioned = 0;
  std::size_t failed = 0;  // not decoded (named on stderr) or not captioned (in the failures)
};

// Decodes images 0..n-1 with `load` (which throws UserError naming the file
// and the problem) and captions them in one call; on_caption(i, caption)
// for each one captioned.
BatchOutcome caption_batch(Captioner& model, std::size_t n, const std::function<Image(std::size_t)>& load,
                           const std::function<std::string(std::size_t)>& name,
                           const std::function<void(std::size_t, const Caption&)>& on_caption,
                           CaptionFailures& failures);

}  // namespace gloss
