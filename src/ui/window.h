// The GLFW window with an OpenGL 3.3 core context and Dear ImGui on top:
// fonts sized by the monitor's content scale, key presses queued as chords
// (so a press and release inside one frame is never lost), and read-back of
// the frame for screenshots.
#pragma once

#include <deque>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "core/image.h"
#include "core/keymap.h"

#include "ui/font_atlas.h"

struct GLFWwindow;

namespace gloss::ui {

class Window {
 public:
  // Throws UserError when no window can be opened (no display, no GL 3.3).
  Window(const std::string& title, int width, int height);
  ~Window();
  Window(const Window&) = delete;
  Window& operator=(const Window&) = delete;

  // Waits up to `timeout_s` for input (0: just poll).
  void poll(double timeout_s);
  bool close_requested() const;
  void cancel_close();
  void begin_frame();
  // Renders; with a path, also writes the finished frame there as PNG.
  void end_frame(const std::filesystem::path& screenshot = {});
  std::vector<Chord> take_chords();
  // False while the text box the annotator is about to type into has not got
  // the keyboard yet (the frame or two after a task opens): typed input waits
  // in the queue instead of being lost.
  void set_text_ready(bool ready) { text_ready_ = ready; }
  float content_scale() const { return scale_; }
  const Fonts& fonts() const { return atlas_->fonts(); }
  // Texts about to be shown go here (FontAtlas::want); begin_frame builds their glyphs.
  FontAtlas& font_atlas() { return *atlas_; }
  // Queues a press and release of the chord as if typed (replay of editing
  // keys such as Ctrl+Backspace); false if the key is unknown.
  bool press_key(const Chord& chord);
  bool input_pending() const { return !input_.empty(); }
  // True when typed characters went to ImGui at the start of this frame: the
  // widgets take them while drawing, so keys that follow must wait until then.
  bool typed_this_frame() const { return typed_this_frame_; }
  // Ends a wait for events from any thread (GLFW's glfwPostEmptyEvent): the
  // background worker calls it when it has delivered something to show.
  static void wake();
  // The longest side, in pixels, of the largest monitor: images are decoded
  // no larger than this. 0 when there is no display to ask.
  static int largest_monitor_side();

 private:
  static void on_key(GLFWwindow* window, int key, int scancode, int action, int mods);
  void rebuild_fonts_if_needed();

  static void on_char(GLFWwindow* window, unsigned int codepoint);
  void feed_input();

  struct InputEvent {
    int key = -1;  // -1: a typed character
    int scancode = 0, action = 0, mods = 0;
    unsigned int codepoint = 0;
  };

  GLFWwindow* window_ = nullptr;
  std::deque<InputEvent> input_;
  bool text_ready_ = true;
  bool typed_this_frame_ = false;  // GLFW events not yet handed to ImGui
  float scale_ = 1.f;
  std::unique_ptr<FontAtlas> atlas_;
  std::vector<Chord> chords_;
};

}  // namespace gloss::ui
