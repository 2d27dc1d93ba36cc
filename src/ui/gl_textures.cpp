#include "ui/gl_textures.h"

#include <glad/gl.h>

#include <vector>

namespace gloss::ui {
namespace {

// Premultiplied RGBA: mipmaps and linear filtering then never pull the
// colour of fully transparent pixels into the edges.
std::vector<std::uint8_t> premultiplied_rgba(const Image& image) {
  const std::size_t n = image.alpha.size();
  std::vector<std::uint8_t> rgba(n * 4);
  for (std::size_t i = 0; i < n; ++i) {
    const unsigned a = image.alpha[i];
    for (int c = 0; c < 3; ++c) rgba[i * 4 + c] = static_cast<std::uint8_t>((image.rgb[i * 3 + c] * a + 127) / 255);
    rgba[i * 4 + 3] = static_cast<std::uint8_t>(a);
  }
  return rgba;
}

}  // namespace

Texture GlUploader::upload(const Image& image) {
  GLuint id = 0;
  glGenTextures(1, &id);
  glBindTexture(GL_TEXTURE_2D, id);
  glPixelStorei(GL_UNPACK_ALIGNMENT, 1);  // rows of RGB8 are not 4-byte aligned
  glPixelStorei(GL_UNPACK_ROW_LENGTH, 0);
  if (image.has_alpha()) {
    const std::vector<std::uint8_t> rgba = premultiplied_rgba(image);
    glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA8, image.width, image.height, 0, GL_RGBA, GL_UNSIGNED_BYTE, rgba.data());
  } else {
    glTexImage2D(GL_TEXTURE_2D, 0, GL_RGB8, image.width, image.height, 0, GL_RGB, GL_UNSIGNED_BYTE,
                 image.rgb.data());
  }
  glGenerateMipmap(GL_TEXTURE_2D);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_LINEAR_MIPMAP_LINEAR);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_LINEAR);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
  glPixelStorei(GL_UNPACK_ALIGNMENT, 4);
  Texture texture{id, image.width, image.height};
  texture.source_width = image.source.width > 0 ? image.source.width : image.width;
  texture.source_height = image.source.height > 0 ? image.source.height : image.height;
  texture.alpha = image.has_alpha();
  texture.frames = image.source.frames;
  return texture;
}

void GlUploader::release(const Texture& texture) {
  const GLuint id = texture.id;
  glDeleteTextures(1, &id);
}

}  // namespace gloss::ui
