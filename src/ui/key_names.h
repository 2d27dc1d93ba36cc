// GLFW key codes <-> the key names of core/keymap.h.
#pragma once

#include <string>

namespace gloss::ui {

// "" for keys the keymap has no name for (modifiers themselves, ...).
std::string key_name(int glfw_key);
// -1 if unknown.
int glfw_key(const std::string& name);

}  // namespace gloss::ui
