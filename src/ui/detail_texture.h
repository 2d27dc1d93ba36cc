// The one full-resolution rectangle of the open image the window holds when
// zoomed past its display-size decode (issue 13): a single texture beside
// the TextureCache, replaced by each delivery, released when the task
// changes or the view zooms out. UI thread only.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>

#include "core/image.h"
#include "core/ahead_scheduler.h"
#include "ui/texture_cache.h"

namespace gloss::ui {

struct DetailTexture {
  std::uint64_t task = 0;
  ImageRegion region;  // where the texture lies in the whole image's upright pixels
  Texture texture;
};

class DetailSlot {
 public:
  explicit DetailSlot(TextureUploader& uploader) : uploader_(uploader) {}
  ~DetailSlot() { release(); }
  DetailSlot(const DetailSlot&) = delete;
  DetailSlot& operator=(const DetailSlot&) = delete;

  // Uploads at once (one rectangle about the pane's size), replacing the last.
  void offer(std::uint64_t task, const ImageRegion& region, const Image& pixels);
  // The detail of this task, if one is held.
  const DetailTexture* find(std::uint64_t task) const;
  void release();

 private:
  TextureUploader& uploader_;
  std::optional<DetailTexture> held_;
};

}  // namespace gloss::ui
