#include "ui/replay.h"

#include <gtest/gtest.h>

#include "core/error.h"

namespace gloss::ui {
namespace {

TEST(Replay, ParsesEveryStepKind) {
  const auto steps = parse_replay(
      "# a comment\n"
      "type  a red circle \n"
      "key ctrl+shift+z\n"
      "action next-unanswered\n"
      "wait 250\n"
      "wait 1.5s\n"
      "\n"
      "wait-suggestion\n"
      "wait-idle\n"
      "screenshot out/one.png\n"
      "quit\r\n",
      "r.txt");
  ASSERT_EQ(steps.size(), 9u);
  EXPECT_EQ(steps[0].kind, ReplayStep::type);
  EXPECT_EQ(steps[0].text, " a red circle ");  // typed verbatim
  EXPECT_EQ(steps[1].kind, ReplayStep::key);
  EXPECT_EQ(format_chord(steps[1].chord), "Ctrl+Shift+Z");
  EXPECT_EQ(steps[2].act, Action::next_unanswered);
  EXPECT_EQ(steps[3].ms, 250);
  EXPECT_EQ(steps[4].ms, 1500);
  EXPECT_EQ(steps[5].kind, ReplayStep::wait_suggestion);
  EXPECT_EQ(steps[6].kind, ReplayStep::wait_idle);
  EXPECT_EQ(steps[7].text, "out/one.png");
  EXPECT_EQ(steps[8].kind, ReplayStep::quit);
  EXPECT_EQ(steps[8].line, 11);
}

TEST(Replay, BadLinesNameFileAndLine) {
  for (const char* bad : {"\nfrobnicate\n", "\nkey Hyper+Q\n", "\nwait soon\n", "\naction dance\n", "\nscreenshot\n"}) {
    try {
      parse_replay(bad, "r.txt");
      FAIL() << bad;
    } catch (const UserError& e) {
      EXPECT_EQ(std::string(e.what()).rfind("r.txt:2: ", 0), 0u) << e.what();
    }
  }
}

}  // namespace
}  // namespace gloss::ui
