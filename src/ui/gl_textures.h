// The real TextureUploader: RGB8 pixels -> GL texture with mipmaps.
#pragma once

#include "ui/texture_cache.h"

namespace gloss::ui {

class GlUploader : public TextureUploader {
 public:
  Texture upload(const Image& image) override;
  void release(const Texture& texture) override;
};

}  // namespace gloss::ui
