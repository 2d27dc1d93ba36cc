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

// std::stod used to throw out_of_range (caught) or give values whose cast to
// int is undefined ("wait 1e12", "wait nan"): every duration is checked.
TEST(Replay, WaitAcceptsOnlyDurationsItCanHold) {
  EXPECT_EQ(parse_replay("wait 0\n", "r.txt")[0].ms, 0);
  EXPECT_EQ(parse_replay("wait 250ms\n", "r.txt")[0].ms, 250);
  EXPECT_EQ(parse_replay("wait 86400s\n", "r.txt")[0].ms, 86400000);
  for (const char* bad : {"wait 1e12\n", "wait 1e400\n", "wait nan\n", "wait inf\n", "wait -5\n", "wait .\n",
                          "wait 99999999999999999999999\n", "wait 5 minutes\n", "wait 3h\n", "wait \n"})
    EXPECT_THROW(parse_replay(bad, "r.txt"), UserError) << bad;
}

}  // namespace
}  // namespace gloss::ui
