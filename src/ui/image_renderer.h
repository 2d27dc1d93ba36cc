// Draws an image texture with our own shader (shaders/image_*.glsl) inside
// ImGui's draw list, through a draw callback: the quad is placed in screen
// pixels, clipped to the ImGui clip rectangle, with nearest filtering when
// zoomed in past 1:1 so pixels stay crisp.
#pragma once

#include <deque>

#include <imgui.h>

#include "ui/texture_cache.h"

namespace gloss::ui {

class ImageRenderer {
 public:
  ImageRenderer();  // needs a current GL context
  ~ImageRenderer();
  ImageRenderer(const ImageRenderer&) = delete;
  ImageRenderer& operator=(const ImageRenderer&) = delete;

  void begin_frame() { requests_.clear(); }
  // What shows through transparent pixels.
  enum class Background { checkerboard, black, white };
  // Queues the texture drawn over [min, max] (screen pixels) in `list`.
  void draw(ImDrawList* list, const Texture& texture, ImVec2 min, ImVec2 max, bool nearest,
            Background background = Background::checkerboard);

  struct Request {
    ImageRenderer* self;
    Texture texture;
    ImVec2 min, max;
    bool nearest;
    Background background;
  };

 private:
  static void callback(const ImDrawList* list, const ImDrawCmd* cmd);
  void render(const Request& request, const ImDrawCmd* cmd) const;

  unsigned program_ = 0;
  unsigned vao_ = 0;
  int u_rect_ = -1, u_uv_ = -1, u_image_ = -1, u_background_ = -1, u_cell_ = -1;
  std::deque<Request> requests_;  // stable addresses until the next frame
};

}  // namespace gloss::ui
