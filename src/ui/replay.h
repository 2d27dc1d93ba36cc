// --replay FILE: a script of what an annotator does, one step per line, run
// through the same keymap and widgets as real keys. See docs/caption.md.
//
//   type a red circle      characters typed into the focused caption box
//   key Ctrl+R             a key chord (bound keys run their action)
//   action skip            an action by name
//   wait 250               milliseconds (also "wait 1.5s")
//   wait-suggestion        until the open task's suggestion is ready (or failed)
//   wait-idle              until the background worker has nothing left to do
//                          and the folder's first indexing pass is over
//   screenshot out.png     the window as PNG, once the image is on screen
//   expect-glyphs TEXT     report any character of TEXT the font atlas cannot draw
//   quit
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "core/keymap.h"

namespace gloss::ui {

struct ReplayStep {
  enum Kind { type, key, action, wait_ms, wait_suggestion, wait_idle, screenshot, expect_glyphs, quit };
  Kind kind = quit;
  std::string text;  // type, expect-glyphs: the text; screenshot: the path
  Chord chord;
  Action act = Action::accept;
  int ms = 0;
  int line = 0;
};

// Throws UserError naming where:line on a bad line.
std::vector<ReplayStep> parse_replay(std::string_view text, const std::string& where);
std::vector<ReplayStep> load_replay(const std::filesystem::path& file);

}  // namespace gloss::ui
