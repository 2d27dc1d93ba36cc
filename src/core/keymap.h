// The one table of keyboard actions for the caption window: which chord
// triggers which action. Keys are named, not GLFW codes, so core stays free of
// GL and the same names work in --keymap files and --replay scripts.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gloss {

enum class Action {
  accept, reject, skip, revert, undo, next, previous, jump, next_unanswered,
  gallery, help, zoom_in, zoom_out, zoom_fit, zoom_actual, quit,
};

// "accept", "next-unanswered", ...
std::string_view action_name(Action action);
std::optional<Action> parse_action(std::string_view name);
// One line for the help overlay: "Save the caption and go on".
std::string_view action_help(Action action);
const std::vector<Action>& all_actions();

struct Chord {
  std::string key;  // canonical key name: "Enter", "R", "PageDown", "F1", "Space", "Equal"
  bool ctrl = false;
  bool shift = false;
  bool alt = false;
  bool operator==(const Chord&) const = default;
};

// "Ctrl+Shift+Z", "enter", "ctrl + pagedown". Throws UserError on a key name
// gloss does not know.
Chord parse_chord(std::string_view text);
// Canonical spelling: "Ctrl+Shift+Z".
std::string format_chord(const Chord& chord);
// True for key names parse_chord accepts (canonical spelling).
bool is_known_key(std::string_view key);

struct Binding {
  Action action;
  Chord chord;
};

class Keymap {
 public:
  static Keymap defaults();
  // Lines "action = Chord[, Chord]"; '#' starts a comment. Each action named
  // replaces that action's default chords. Throws UserError naming file:line.
  void load_file(const std::filesystem::path& file);
  void load_text(std::string_view text, const std::string& where);

  std::optional<Action> find(const Chord& chord) const;
  std::vector<Chord> chords_for(Action action) const;
  const std::vector<Binding>& bindings() const { return bindings_; }

 private:
  std::vector<Binding> bindings_;
};

}  // namespace gloss
