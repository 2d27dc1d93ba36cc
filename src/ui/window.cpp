#include "ui/window.h"

#include <atomic>

#include <glad/gl.h>
#include <GLFW/glfw3.h>
#include <imgui.h>
#include <imgui_impl_glfw.h>
#include <imgui_impl_opengl3.h>

#include <algorithm>

#include "core/error.h"
#include "ui/bench_log.h"  // --bench-log hook
#include "ui/key_names.h"
#include "ui/theme.h"

namespace gloss::ui {
namespace {

std::string g_glfw_error;
void on_glfw_error(int, const char* message) { g_glfw_error = message; }

}  // namespace

namespace {
// wake() may come from the worker before the window exists or after it is gone.
std::atomic<bool> g_glfw_ready{false};
}  // namespace

int Window::largest_monitor_side() {
  glfwSetErrorCallback(on_glfw_error);
  if (!glfwInit()) return 0;  // the window's constructor says why
  int count = 0;
  GLFWmonitor** monitors = glfwGetMonitors(&count);
  int side = 0;
  for (int i = 0; i < count; ++i)
    if (const GLFWvidmode* mode = glfwGetVideoMode(monitors[i])) side = std::max({side, mode->width, mode->height});
  return side;
}

Window::Window(const std::string& title, int width, int height) {
  glfwSetErrorCallback(on_glfw_error);
  if (!glfwInit())
    throw UserError("cannot open a window: " + (g_glfw_error.empty() ? "no display" : g_glfw_error) +
                    " (is DISPLAY set? under ssh or CI use xvfb-run -a gloss caption ...)");
  glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
  glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 3);
  glfwWindowHint(GLFW_OPENGL_PROFILE, GLFW_OPENGL_CORE_PROFILE);
  glfwWindowHint(GLFW_OPENGL_FORWARD_COMPAT, GLFW_TRUE);
  window_ = glfwCreateWindow(width, height, title.c_str(), nullptr, nullptr);
  if (!window_) {
    glfwTerminate();
    throw UserError("cannot open an OpenGL 3.3 window: " + g_glfw_error);
  }
  glfwMakeContextCurrent(window_);
  glfwSwapInterval(1);
  if (!gladLoadGL(glfwGetProcAddress)) throw UserError("cannot load OpenGL 3.3 functions");
  glfwSetWindowUserPointer(window_, this);
  float xs = 1.f, ys = 1.f;
  glfwGetWindowContentScale(window_, &xs, &ys);
  scale_ = std::max(1.f, xs);

  IMGUI_CHECKVERSION();
  ImGui::CreateContext();
  ImGui::GetIO().IniFilename = nullptr;  // layout is fixed; nothing to remember
  theme::apply(scale_);
  atlas_ = std::make_unique<FontAtlas>(scale_);
  atlas_->build_if_needed();
  ImGui_ImplGlfw_InitForOpenGL(window_, true);
  // Replace the backend's key and char callbacks; feed_input forwards to them.
  glfwSetKeyCallback(window_, &Window::on_key);
  glfwSetCharCallback(window_, &Window::on_char);
  ImGui_ImplOpenGL3_Init("#version 330 core");
  g_glfw_ready = true;
}

Window::~Window() {
  g_glfw_ready = false;
  ImGui_ImplOpenGL3_Shutdown();
  ImGui_ImplGlfw_Shutdown();
  ImGui::DestroyContext();
  glfwDestroyWindow(window_);
  glfwTerminate();
}

void Window::on_key(GLFWwindow* window, int key, int scancode, int action, int mods) {
  if (action == GLFW_PRESS) bench::key_arrival();  // --bench-log hook
  static_cast<Window*>(glfwGetWindowUserPointer(window))->input_.push_back({key, scancode, action, mods, 0});
}

void Window::on_char(GLFWwindow* window, unsigned int codepoint) {
  static_cast<Window*>(glfwGetWindowUserPointer(window))->input_.push_back({-1, 0, 0, 0, codepoint});
}

// ImGui 1.86 samples key state once per frame, so a press and release inside
// one frame (xdotool, fast typists) would be lost and text typed after a key
// would be applied before it. Events go to ImGui in order, trickled: each
// frame takes typed characters, then keys, at most one press per key.
void Window::feed_input() {
  std::vector<int> touched;
  bool key_pressed = false;
  typed_this_frame_ = false;
  while (!input_.empty()) {
    const InputEvent e = input_.front();
    if (e.key < 0) {
      if (key_pressed || !text_ready_) break;
      ImGui_ImplGlfw_CharCallback(window_, e.codepoint);
      typed_this_frame_ = true;
    } else {
      if (std::find(touched.begin(), touched.end(), e.key) != touched.end()) break;
      touched.push_back(e.key);
      ImGui_ImplGlfw_KeyCallback(window_, e.key, e.scancode, e.action, e.mods);
      if (e.action != GLFW_RELEASE) {
        key_pressed = true;
        const std::string name = key_name(e.key);
        if (!name.empty())
          chords_.push_back({name, (e.mods & GLFW_MOD_CONTROL) != 0, (e.mods & GLFW_MOD_SHIFT) != 0,
                             (e.mods & GLFW_MOD_ALT) != 0});
      }
    }
    input_.pop_front();
  }
}

void Window::poll(double timeout_s) {
  if (!input_.empty()) timeout_s = 0;  // events still to hand over
  if (timeout_s > 0) glfwWaitEventsTimeout(timeout_s);
  else glfwPollEvents();
}

void Window::wake() {
  if (g_glfw_ready) glfwPostEmptyEvent();
}

bool Window::close_requested() const { return glfwWindowShouldClose(window_); }
void Window::cancel_close() { glfwSetWindowShouldClose(window_, GLFW_FALSE); }

// Between frames only: ImGui locks the atlas from NewFrame to Render. What is
// about to be typed or pasted (ImGui pastes while drawing the box) gets its
// glyphs before the frame that shows it.
void Window::rebuild_fonts_if_needed() {
  for (const InputEvent& e : input_) {
    if (e.key < 0) atlas_->want(static_cast<char32_t>(e.codepoint));
    const bool paste = (e.key == GLFW_KEY_V && (e.mods & GLFW_MOD_CONTROL)) ||
                       (e.key == GLFW_KEY_INSERT && (e.mods & GLFW_MOD_SHIFT));
    if (paste && e.action == GLFW_PRESS)
      if (const char* clipboard = glfwGetClipboardString(window_)) atlas_->want(clipboard);
  }
  const bool uploaded = ImGui::GetIO().Fonts->TexID != ImTextureID{};
  if (!atlas_->build_if_needed() || !uploaded) return;  // the backend's first NewFrame uploads it
  ImGui_ImplOpenGL3_DestroyFontsTexture();
  ImGui_ImplOpenGL3_CreateFontsTexture();
}

void Window::begin_frame() {
  rebuild_fonts_if_needed();
  feed_input();
  ImGui_ImplOpenGL3_NewFrame();
  ImGui::GetIO().Fonts->ClearTexData();  // on the GPU now; the CPU copy (5 bytes a texel) is not needed
  ImGui_ImplGlfw_NewFrame();
  ImGui::NewFrame();
}

void Window::end_frame(const std::filesystem::path& screenshot) {
  ImGui::Render();
  int w = 0, h = 0;
  glfwGetFramebufferSize(window_, &w, &h);
  glViewport(0, 0, w, h);
  glDisable(GL_SCISSOR_TEST);
  glClearColor(theme::background.x, theme::background.y, theme::background.z, 1.f);
  glClear(GL_COLOR_BUFFER_BIT);
  ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
  if (!screenshot.empty() && w > 0 && h > 0) {
    Image shot;
    shot.width = w;
    shot.height = h;
    shot.rgb.resize(static_cast<std::size_t>(w) * h * 3);
    glReadBuffer(GL_BACK);
    glPixelStorei(GL_PACK_ALIGNMENT, 1);
    glReadPixels(0, 0, w, h, GL_RGB, GL_UNSIGNED_BYTE, shot.rgb.data());
    const std::size_t row = static_cast<std::size_t>(w) * 3;
    for (int y = 0; y < h / 2; ++y)  // GL's first row is the bottom one
      std::swap_ranges(shot.rgb.begin() + y * row, shot.rgb.begin() + (y + 1) * row,
                       shot.rgb.begin() + (h - 1 - y) * row);
    if (screenshot.has_parent_path()) std::filesystem::create_directories(screenshot.parent_path());
    write_png(screenshot, shot);
  }
  bench::before_swap();  // --bench-log hook
  glfwSwapBuffers(window_);
}

std::vector<Chord> Window::take_chords() {
  std::vector<Chord> out;
  out.swap(chords_);
  return out;
}

bool Window::press_key(const Chord& chord) {
  const int key = glfw_key(chord.key);
  if (key < 0) return false;
  std::vector<int> mods_keys;
  int mods = 0;
  if (chord.ctrl) mods_keys.push_back(GLFW_KEY_LEFT_CONTROL), mods |= GLFW_MOD_CONTROL;
  if (chord.shift) mods_keys.push_back(GLFW_KEY_LEFT_SHIFT), mods |= GLFW_MOD_SHIFT;
  if (chord.alt) mods_keys.push_back(GLFW_KEY_LEFT_ALT), mods |= GLFW_MOD_ALT;
  for (int m : mods_keys) input_.push_back({m, 0, GLFW_PRESS, mods, 0});
  input_.push_back({key, 0, GLFW_PRESS, mods, 0});
  input_.push_back({key, 0, GLFW_RELEASE, mods, 0});
  for (int m : mods_keys) input_.push_back({m, 0, GLFW_RELEASE, 0, 0});
  return true;
}

}  // namespace gloss::ui
