#include "ui/key_names.h"

#include <GLFW/glfw3.h>

#include <array>
#include <utility>

namespace gloss::ui {
namespace {

constexpr std::array<std::pair<int, const char*>, 27> kNamed = {{
    {GLFW_KEY_ENTER, "Enter"}, {GLFW_KEY_KP_ENTER, "KeypadEnter"}, {GLFW_KEY_ESCAPE, "Escape"},
    {GLFW_KEY_TAB, "Tab"}, {GLFW_KEY_SPACE, "Space"}, {GLFW_KEY_BACKSPACE, "Backspace"},
    {GLFW_KEY_DELETE, "Delete"}, {GLFW_KEY_INSERT, "Insert"}, {GLFW_KEY_HOME, "Home"},
    {GLFW_KEY_END, "End"}, {GLFW_KEY_PAGE_UP, "PageUp"}, {GLFW_KEY_PAGE_DOWN, "PageDown"},
    {GLFW_KEY_LEFT, "Left"}, {GLFW_KEY_RIGHT, "Right"}, {GLFW_KEY_UP, "Up"}, {GLFW_KEY_DOWN, "Down"},
    {GLFW_KEY_MINUS, "Minus"}, {GLFW_KEY_EQUAL, "Equal"}, {GLFW_KEY_KP_ADD, "KeypadAdd"},
    {GLFW_KEY_KP_SUBTRACT, "KeypadSubtract"}, {GLFW_KEY_COMMA, "Comma"}, {GLFW_KEY_PERIOD, "Period"},
    {GLFW_KEY_SLASH, "Slash"}, {GLFW_KEY_F10, "F10"}, {GLFW_KEY_F11, "F11"}, {GLFW_KEY_F12, "F12"},
    {GLFW_KEY_KP_0, "0"},
}};

}  // namespace

std::string key_name(int key) {
  if (key >= GLFW_KEY_A && key <= GLFW_KEY_Z) return std::string(1, static_cast<char>('A' + key - GLFW_KEY_A));
  if (key >= GLFW_KEY_0 && key <= GLFW_KEY_9) return std::string(1, static_cast<char>('0' + key - GLFW_KEY_0));
  if (key >= GLFW_KEY_F1 && key <= GLFW_KEY_F9) return "F" + std::to_string(key - GLFW_KEY_F1 + 1);
  for (const auto& [code, name] : kNamed)
    if (code == key) return name;
  return {};
}

int glfw_key(const std::string& name) {
  for (int key = GLFW_KEY_SPACE; key <= GLFW_KEY_LAST; ++key)
    if (key != GLFW_KEY_KP_0 && key_name(key) == name) return key;
  return -1;
}

}  // namespace gloss::ui
