#include "ui/detail_texture.h"

namespace gloss::ui {

void DetailSlot::offer(std::uint64_t task, const ImageRegion& region, const Image& pixels) {
  if (pixels.empty()) return;
  release();
  held_ = DetailTexture{task, region, uploader_.upload(pixels)};
}

const DetailTexture* DetailSlot::find(std::uint64_t task) const {
  return held_ && held_->task == task ? &*held_ : nullptr;
}

void DetailSlot::release() {
  if (held_) uploader_.release(held_->texture);
  held_.reset();
}

}  // namespace gloss::ui
