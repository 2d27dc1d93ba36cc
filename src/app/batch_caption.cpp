#include "app/batch_caption.h"

#include <cstdio>
#include <vector>

#include "core/error.h"

namespace gloss {
namespace {
// A server that is down fails every image the same way: name a few.
constexpr std::size_t kFailuresNamed = 5;
}  // namespace

void CaptionFailures::add(const std::string& image, const std::string& why) {
  if (++count_ <= kFailuresNamed) std::fprintf(stderr, "\ngloss: %s: %s\n", image.c_str(), why.c_str());
  if (first_.empty()) first_ = why;
}

void CaptionFailures::finish() const {
  if (count_ > kFailuresNamed) std::fprintf(stderr, "gloss: %zu more images not captioned\n", count_ - kFailuresNamed);
}

BatchOutcome caption_batch(Captioner& model, std::size_t n, const std::function<Image(std::size_t)>& load,
                           const std::function<std::string(std::size_t)>& name,
                           const std::function<void(std::size_t, const Caption&)>& on_caption,
                           CaptionFailures& failures) {
  BatchOutcome outcome;
  std::vector<Image> decoded;
  std::vector<std::size_t> index;
  for (std::size_t i = 0; i < n; ++i) {
    try {
      decoded.push_back(load(i));
      index.push_back(i);
    } catch (const UserError& e) {
      std::fprintf(stderr, "\ngloss: %s\n", e.what());
      ++outcome.failed;
    }
  }
  std::vector<const Image*> ptrs;
  for (const auto& d : decoded) ptrs.push_back(&d);
  const auto captions = ptrs.empty() ? std::vector<Caption>{} : model.caption(ptrs);
  for (std::size_t k = 0; k < captions.size(); ++k) {
    if (captions[k].failure.empty()) {
      on_caption(index[k], captions[k]);
      ++outcome.captioned;
    } else {
      failures.add(name(index[k]), captions[k].failure);
      ++outcome.failed;
    }
  }
  return outcome;
}

}  // namespace gloss
