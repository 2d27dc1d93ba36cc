#include "core/keymap.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <fstream>
#include <sstream>

#include "core/error.h"

namespace gloss {
namespace {

struct ActionInfo {
  Action action;
  std::string_view name;
  std::string_view help;
};

constexpr std::array kActions = {
    ActionInfo{Action::accept, "accept", "Save the caption in the box and go to the next task"},
    ActionInfo{Action::reject, "reject", "Reject: the image is unusable or the task is wrong"},
    ActionInfo{Action::skip, "skip", "Skip (ignore) this image and go on"},
    ActionInfo{Action::revert, "revert", "Put the model's suggestion back in the box"},
    ActionInfo{Action::take_suggestion, "take-suggestion",
               "Take a greyed suggestion (the image is unlike the model's training images) into the box"},
    ActionInfo{Action::undo, "undo", "Undo the last answer (while the box is untouched)"},
    ActionInfo{Action::next, "next", "Next image without answering"},
    ActionInfo{Action::previous, "previous", "Previous image without answering"},
    ActionInfo{Action::jump, "jump", "Go to image number..."},
    ActionInfo{Action::next_unanswered, "next-unanswered", "Go to the next image without an answer"},
    ActionInfo{Action::gallery, "gallery", "Show or hide the gallery of thumbnails"},
    ActionInfo{Action::help, "help", "Show or hide this list of keys"},
    ActionInfo{Action::zoom_in, "zoom-in", "Zoom in (also: mouse wheel over the image)"},
    ActionInfo{Action::zoom_out, "zoom-out", "Zoom out"},
    ActionInfo{Action::zoom_fit, "zoom-fit", "Fit the image to the pane"},
    ActionInfo{Action::zoom_actual, "zoom-actual", "Show the image at 1:1 pixels"},
    ActionInfo{Action::quit, "quit", "Show the summary and quit (answers are already saved)"},
    ActionInfo{Action::histogram, "histogram", "Show or hide the error-category histogram"},
    ActionInfo{Action::background, "background", "Transparent parts over a checkerboard, black or white"},
    ActionInfo{Action::toggle_1, "toggle-1", "Tick or untick category 1"},
    ActionInfo{Action::toggle_2, "toggle-2", "Tick or untick category 2"},
    ActionInfo{Action::toggle_3, "toggle-3", "Tick or untick category 3"},
    ActionInfo{Action::toggle_4, "toggle-4", "Tick or untick category 4"},
    ActionInfo{Action::toggle_5, "toggle-5", "Tick or untick category 5"},
    ActionInfo{Action::toggle_6, "toggle-6", "Tick or untick category 6"},
    ActionInfo{Action::toggle_7, "toggle-7", "Tick or untick category 7"},
    ActionInfo{Action::toggle_8, "toggle-8", "Tick or untick category 8"},
    ActionInfo{Action::toggle_9, "toggle-9", "Tick or untick category 9"},
    ActionInfo{Action::prefer_left, "prefer-left", "The left caption is better"},
    ActionInfo{Action::prefer_right, "prefer-right", "The right caption is better"},
    ActionInfo{Action::both_good, "both-good", "Both captions are good (a tie)"},
    ActionInfo{Action::both_bad, "both-bad", "Both captions are bad (a tie)"},
    ActionInfo{Action::edit_left, "edit-left", "The left one is better: edit it into the final caption"},
    ActionInfo{Action::edit_right, "edit-right", "The right one is better: edit it into the final caption"},
    ActionInfo{Action::select_previous, "select-previous", "Select the caption above"},
    ActionInfo{Action::select_next, "select-next", "Select the caption below"},
    ActionInfo{Action::edit_selected, "edit-selected", "Edit the selected caption into the final caption"},
    ActionInfo{Action::send_back, "send-back", "None will do: send the task back for another annotator"},
};

const ActionInfo& info(Action action) {
  return *std::find_if(kActions.begin(), kActions.end(),
                       [&](const ActionInfo& i) { return i.action == action; });
}

// Canonical key names; parse_chord also accepts aliases (see canonical_key).
constexpr std::array<std::string_view, 32> kNamedKeys = {
    "Enter", "KeypadEnter", "Escape", "Tab", "Space", "Backspace", "Delete", "Insert",
    "Home", "End", "PageUp", "PageDown", "Left", "Right", "Up", "Down",
    "Minus", "Equal", "KeypadAdd", "KeypadSubtract", "Comma", "Period", "Slash", "F1",
    "F2", "F3", "F4", "F5", "F6", "F7", "F8", "F9"};

std::string lower(std::string_view s) {
  std::string out;
  for (char c : s)
    if (c != '_' && c != ' ') out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::optional<std::string> canonical_key(std::string_view text) {
  const std::string k = lower(text);
  if (k.size() == 1 && std::isalnum(static_cast<unsigned char>(k[0])))
    return std::string(1, static_cast<char>(std::toupper(static_cast<unsigned char>(k[0]))));
  static const std::array<std::pair<std::string_view, std::string_view>, 12> aliases = {{
      {"return", "Enter"}, {"kpenter", "KeypadEnter"}, {"esc", "Escape"}, {"pgdn", "PageDown"},
      {"pgup", "PageUp"}, {"=", "Equal"}, {"-", "Minus"}, {"plus", "Equal"},
      {"kpadd", "KeypadAdd"}, {"kpsubtract", "KeypadSubtract"}, {"del", "Delete"}, {"space", "Space"}}};
  for (const auto& [alias, name] : aliases)
    if (k == alias) return std::string(name);
  for (std::string_view name : kNamedKeys)
    if (k == lower(name)) return std::string(name);
  for (std::string_view name : {"F10", "F11", "F12"})
    if (k == lower(name)) return std::string(name);
  return std::nullopt;
}

std::string trim(std::string_view s) {
  const auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string_view::npos) return {};
  const auto e = s.find_last_not_of(" \t\r\n");
  return std::string(s.substr(b, e - b + 1));
}

}  // namespace

std::string_view action_name(Action action) { return info(action).name; }
std::string_view action_help(Action action) { return info(action).help; }

std::optional<int> toggle_index(Action action) {
  const int i = static_cast<int>(action) - static_cast<int>(Action::toggle_1);
  if (i < 0 || i > 8) return std::nullopt;
  return i;
}

bool is_compare_action(Action action) {
  return static_cast<int>(action) >= static_cast<int>(Action::prefer_left) &&
         static_cast<int>(action) <= static_cast<int>(Action::edit_right);
}

bool is_review_action(Action action) {
  return static_cast<int>(action) >= static_cast<int>(Action::select_previous);
}

std::optional<Action> parse_action(std::string_view name) {
  const std::string n = trim(name);
  for (const auto& i : kActions)
    if (i.name == n) return i.action;
  return std::nullopt;
}

const std::vector<Action>& all_actions() {
  static const std::vector<Action> list = [] {
    std::vector<Action> v;
    for (const auto& i : kActions) v.push_back(i.action);
    return v;
  }();
  return list;
}

bool is_known_key(std::string_view key) {
  const auto k = canonical_key(key);
  return k && *k == key;
}

Chord parse_chord(std::string_view text) {
  Chord chord;
  std::string rest = trim(text);
  // Split on '+', but a trailing "+" after a modifier means the plus key ("Ctrl++").
  std::vector<std::string> parts;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= rest.size(); ++i) {
    if (i == rest.size() || (rest[i] == '+' && i > start)) {
      parts.push_back(trim(std::string_view(rest).substr(start, i - start)));
      start = i + 1;
    }
  }
  if (parts.empty() || parts.back().empty()) throw UserError("empty key chord '" + std::string(text) + "'");
  for (std::size_t i = 0; i + 1 < parts.size(); ++i) {
    const std::string m = lower(parts[i]);
    if (m == "ctrl" || m == "control") chord.ctrl = true;
    else if (m == "shift") chord.shift = true;
    else if (m == "alt") chord.alt = true;
    else throw UserError("unknown modifier '" + parts[i] + "' in '" + std::string(text) +
                         "' (use Ctrl, Shift, Alt)");
  }
  const auto key = canonical_key(parts.back());
  if (!key) throw UserError("unknown key '" + parts.back() + "' in '" + std::string(text) + "'");
  chord.key = *key;
  return chord;
}

std::string format_chord(const Chord& chord) {
  std::string s;
  if (chord.ctrl) s += "Ctrl+";
  if (chord.shift) s += "Shift+";
  if (chord.alt) s += "Alt+";
  return s + chord.key;
}

Keymap Keymap::defaults() {
  Keymap map;
  const std::pair<Action, const char*> table[] = {
      {Action::accept, "Enter"},          {Action::accept, "KeypadEnter"},
      {Action::reject, "Ctrl+R"},         {Action::skip, "Ctrl+I"},
      {Action::revert, "Escape"},         {Action::undo, "Ctrl+Z"},
      {Action::next, "PageDown"},         {Action::next, "Alt+Right"},
      {Action::previous, "PageUp"},       {Action::previous, "Alt+Left"},
      {Action::jump, "Ctrl+G"},           {Action::next_unanswered, "Ctrl+U"},
      {Action::gallery, "Ctrl+T"},        {Action::help, "F1"},
      {Action::zoom_in, "Ctrl+Equal"},    {Action::zoom_in, "Ctrl+KeypadAdd"},
      {Action::zoom_out, "Ctrl+Minus"},   {Action::zoom_out, "Ctrl+KeypadSubtract"},
      {Action::zoom_fit, "Ctrl+0"},       {Action::zoom_actual, "Ctrl+1"},
      {Action::quit, "Ctrl+Q"},           {Action::background, "Ctrl+B"},
      {Action::take_suggestion, "Ctrl+E"},
  };
  for (const auto& [action, chord] : table) map.bindings_.push_back({action, parse_chord(chord)});
  map.bindings_.push_back({Action::histogram, parse_chord("Ctrl+H")});
  for (Action a : all_actions())
    if (!toggle_index(a) && !is_compare_action(a) && !is_review_action(a)) map.actions_.push_back(a);
  return map;
}

namespace {
// The compare and errors windows have no suggestion to take.
void drop_caption_only_actions(std::vector<Binding>& bindings, std::vector<Action>& actions) {
  std::erase_if(bindings, [](const Binding& b) { return b.action == Action::take_suggestion; });
  std::erase(actions, Action::take_suggestion);
}
}  // namespace

Keymap Keymap::compare_defaults() {
  Keymap map = defaults();
  drop_caption_only_actions(map.bindings_, map.actions_);
  const std::pair<Action, const char*> table[] = {
      {Action::prefer_left, "Left"},   {Action::prefer_left, "1"},     {Action::prefer_right, "Right"},
      {Action::prefer_right, "2"},     {Action::both_good, "Up"},      {Action::both_good, "3"},
      {Action::both_bad, "Down"},      {Action::both_bad, "4"},        {Action::edit_left, "Shift+Left"},
      {Action::edit_right, "Shift+Right"},
  };
  for (const auto& [action, chord] : table) map.bindings_.push_back({action, parse_chord(chord)});
  std::vector<Action> actions = {Action::prefer_left, Action::prefer_right, Action::both_good,
                                 Action::both_bad,    Action::edit_left,    Action::edit_right};
  actions.insert(actions.end(), map.actions_.begin(), map.actions_.end());
  map.actions_ = actions;
  map.help_ = {
      {Action::accept, "Save the edited caption (while editing)"},
      {Action::reject, "Reject: the image is unusable, judge neither caption"},
      {Action::skip, "Skip this image without judging"},
      {Action::revert, "Stop editing, back to judging"},
      {Action::undo, "Undo the last judgement and reopen it"},
      {Action::next, "Next image without judging"},
      {Action::previous, "Previous image without judging"},
      {Action::next_unanswered, "Go to the next image not judged yet"},
      {Action::histogram, "Show or hide the win-rate panel"},
  };
  return map;
}

Keymap Keymap::review_defaults() {
  Keymap map = defaults();
  drop_caption_only_actions(map.bindings_, map.actions_);
  // Rejecting, the gallery, jumping by dataset number and the histogram have
  // no meaning over the review list.
  for (Action gone : {Action::reject, Action::jump, Action::gallery, Action::histogram}) {
    std::erase_if(map.bindings_, [gone](const Binding& b) { return b.action == gone; });
    std::erase(map.actions_, gone);
  }
  std::vector<Action> actions;
  for (int i = 0; i < 9; ++i) {
    const auto action = static_cast<Action>(static_cast<int>(Action::toggle_1) + i);
    map.bindings_.push_back({action, parse_chord(std::to_string(i + 1))});
    actions.push_back(action);
  }
  const std::pair<Action, const char*> table[] = {
      {Action::select_previous, "Up"}, {Action::select_next, "Down"}, {Action::edit_selected, "E"},
      {Action::send_back, "B"},        {Action::next, "Right"},       {Action::previous, "Left"},
  };
  for (const auto& [action, chord] : table) map.bindings_.push_back({action, parse_chord(chord)});
  actions.insert(actions.end(), {Action::select_previous, Action::select_next, Action::edit_selected, Action::send_back});
  actions.insert(actions.end(), map.actions_.begin(), map.actions_.end());
  map.actions_ = actions;
  map.help_ = {
      {Action::toggle_1, "Pick caption 1 as the final caption"}, {Action::toggle_2, "Pick caption 2"},
      {Action::toggle_3, "Pick caption 3"}, {Action::toggle_4, "Pick caption 4"},
      {Action::toggle_5, "Pick caption 5"}, {Action::toggle_6, "Pick caption 6"},
      {Action::toggle_7, "Pick caption 7"}, {Action::toggle_8, "Pick caption 8"},
      {Action::toggle_9, "Pick caption 9"},
      {Action::accept, "Save the edited caption (while editing); otherwise pick the selected caption"},
      {Action::skip, "Leave this task undecided and go on"},
      {Action::revert, "Stop editing, back to picking"},
      {Action::undo, "Undo the last decision (pick, edit or send-back) and reopen the task"},
      {Action::next, "Next task in the review order, without deciding"},
      {Action::previous, "Previous task in the review order, without deciding"},
      {Action::next_unanswered, "Go to the next task without a review"},
  };
  return map;
}

Keymap Keymap::errors_defaults() {
  Keymap map = defaults();
  drop_caption_only_actions(map.bindings_, map.actions_);
  for (int i = 0; i < 9; ++i) {
    const auto action = static_cast<Action>(static_cast<int>(Action::toggle_1) + i);
    map.bindings_.push_back({action, parse_chord(std::to_string(i + 1))});
    map.actions_.push_back(action);
  }
  map.help_ = {
      {Action::accept, "Save the ticked categories and go to the next correction"},
      {Action::reject, "Reject: the correction itself is wrong or unusable"},
      {Action::skip, "Skip (ignore) this correction and go on"},
      {Action::revert, "Tick the guess again"},
      {Action::undo, "Undo the last answer and reopen it with its ticks"},
      {Action::next, "Next correction without answering"},
      {Action::previous, "Previous correction without answering"},
      {Action::jump, "Go to correction number..."},
      {Action::next_unanswered, "Go to the next correction without an answer"},
  };
  return map;
}

std::string_view Keymap::help(Action action) const {
  for (const auto& [a, text] : help_)
    if (a == action) return text;
  return action_help(action);
}

void Keymap::load_file(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw UserError(file.string() + ": cannot read the keymap file");
  std::stringstream text;
  text << in.rdbuf();
  load_text(text.str(), file.string());
}

void Keymap::load_text(std::string_view text, const std::string& where) {
  std::istringstream lines{std::string(text)};
  std::string line;
  for (int n = 1; std::getline(lines, line); ++n) {
    const std::string at = where + ":" + std::to_string(n) + ": ";
    if (const auto hash = line.find('#'); hash != std::string::npos) line.erase(hash);
    if (trim(line).empty()) continue;
    const auto eq = line.find('=');
    if (eq == std::string::npos) throw UserError(at + "expected 'action = Chord', e.g. 'reject = Ctrl+Shift+R'");
    const auto action = parse_action(line.substr(0, eq));
    if (!action) throw UserError(at + "unknown action '" + trim(line.substr(0, eq)) + "'");
    std::vector<Chord> chords;
    std::stringstream list(line.substr(eq + 1));
    for (std::string part; std::getline(list, part, ',');) {
      try {
        chords.push_back(parse_chord(part));
      } catch (const UserError& e) {
        throw UserError(at + e.what());
      }
    }
    std::erase_if(bindings_, [&](const Binding& b) { return b.action == *action; });
    for (const auto& c : chords) {
      std::erase_if(bindings_, [&](const Binding& b) { return b.chord == c; });
      bindings_.push_back({*action, c});
    }
  }
}

std::optional<Action> Keymap::find(const Chord& chord) const {
  for (const auto& b : bindings_)
    if (b.chord == chord) return b.action;
  return std::nullopt;
}

std::vector<Chord> Keymap::chords_for(Action action) const {
  std::vector<Chord> out;
  for (const auto& b : bindings_)
    if (b.action == action) out.push_back(b.chord);
  return out;
}

bool types_into_text_box(const Chord& chord) {
  if (chord.ctrl || chord.alt) return false;
  static constexpr std::array<std::string_view, 14> editing_keys = {
      "Left", "Right", "Up", "Down", "Home", "End", "Backspace", "Delete", "Space",
      "Minus", "Equal", "Comma", "Period", "Slash"};
  if (chord.key.size() == 1) return true;
  for (std::string_view key : editing_keys)
    if (chord.key == key) return true;
  return false;
}

}  // namespace gloss
