// The one table of keyboard actions for the caption, errors and compare
// windows: which chord triggers which action. Each window has its own
// defaults (the errors and compare windows have no text box open by default,
// so plain digits and arrows are free). Keys are named, not GLFW codes, so core stays free of
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
  gallery, help, zoom_in, zoom_out, zoom_fit, zoom_actual, quit, histogram, background,
  take_suggestion,  // the caption window: a suggestion flagged unlike the training images
  toggle_1, toggle_2, toggle_3, toggle_4, toggle_5, toggle_6, toggle_7, toggle_8, toggle_9,
  // gloss compare
  prefer_left, prefer_right, both_good, both_bad, edit_left, edit_right,
  // gloss review (toggle_1..toggle_9 pick caption 1..9 there)
  select_previous, select_next, edit_selected, send_back,
};

// True for the compare window's own actions (prefer-left ... edit-right).
bool is_compare_action(Action action);
// True for the review window's own actions (select-previous ... send-back).
bool is_review_action(Action action);

// toggle_1..toggle_9 -> 0..8; nullopt for other actions.
std::optional<int> toggle_index(Action action);

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

// A chord that types or moves the cursor in a text box being edited (plain
// letters, digits, arrows, the editing keys), rather than being a window's
// key: the compare and review windows' final-caption boxes.
bool types_into_text_box(const Chord& chord);

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
  // The caption window's keys.
  static Keymap defaults();
  // The errors window's keys: the caption window's navigation, undo and quit,
  // plus 1-9 to toggle categories.
  static Keymap errors_defaults();
  // The compare window's keys: navigation, undo and quit as in the caption
  // window, plus Left/Right/Up/Down (or 1-4) to judge and Shift+Left/Right to
  // edit the better caption.
  static Keymap compare_defaults();
  // The review window's keys: 1-9 pick that caption, Up/Down select one, E
  // edits the selected one into the final caption (Enter saves it), B sends
  // the task back; Left/Right (and the caption window's keys) move without
  // deciding; Ctrl+Z undoes the last decision.
  static Keymap review_defaults();
  // Lines "action = Chord[, Chord]"; '#' starts a comment. Each action named
  // replaces that action's default chords. Throws UserError naming file:line.
  void load_file(const std::filesystem::path& file);
  void load_text(std::string_view text, const std::string& where);

  std::optional<Action> find(const Chord& chord) const;
  std::vector<Chord> chords_for(Action action) const;
  const std::vector<Binding>& bindings() const { return bindings_; }
  // The actions this window has, in the help overlay's order, and what each does here.
  const std::vector<Action>& actions() const { return actions_; }
  std::string_view help(Action action) const;

 private:
  std::vector<Binding> bindings_;
  std::vector<Action> actions_;
  std::vector<std::pair<Action, std::string_view>> help_;  // where this window differs from action_help
};

}  // namespace gloss
