#include <gtest/gtest.h>

#include <algorithm>

#include "core/keymap.h"

namespace gloss {
namespace {

TEST(Keymap, DigitsToggleCategoriesOnlyInTheErrorsWindow) {
  const Keymap caption = Keymap::defaults(), errors = Keymap::errors_defaults();
  EXPECT_FALSE(caption.find(parse_chord("1")));  // digits type into the caption box
  EXPECT_EQ(errors.find(parse_chord("1")), Action::toggle_1);
  EXPECT_EQ(errors.find(parse_chord("9")), Action::toggle_9);
  EXPECT_EQ(errors.find(parse_chord("Ctrl+1")), Action::zoom_actual);
  EXPECT_EQ(toggle_index(Action::toggle_6), 5);
  EXPECT_FALSE(toggle_index(Action::quit));
  EXPECT_EQ(parse_action("toggle-3"), Action::toggle_3);
  for (const Keymap* map : {&caption, &errors}) {
    EXPECT_EQ(map->find(parse_chord("Ctrl+H")), Action::histogram);
    EXPECT_EQ(map->find(parse_chord("Enter")), Action::accept);
    EXPECT_EQ(map->find(parse_chord("Ctrl+Z")), Action::undo);
  }
  const auto& listed = caption.actions();
  EXPECT_EQ(std::count(listed.begin(), listed.end(), Action::toggle_1), 0);  // not in the caption help
  EXPECT_NE(errors.help(Action::accept), caption.help(Action::accept));
  Keymap mine = Keymap::errors_defaults();
  mine.load_text("toggle-1 = F2\n", "keys.txt");
  EXPECT_EQ(mine.find(parse_chord("F2")), Action::toggle_1);
  EXPECT_FALSE(mine.find(parse_chord("1")));
}

}  // namespace
}  // namespace gloss
