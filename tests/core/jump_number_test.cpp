// The jump dialog's text: every input is a position or a message (issue 13:
// '.' and a 21-digit number used to throw out of std::stoull and abort).
#include "core/jump_number.h"

#include <gtest/gtest.h>

namespace gloss {
namespace {

TEST(JumpNumber, NumbersInRangeArePositions) {
  EXPECT_EQ(parse_jump_number("1", 300).position, 0u);
  EXPECT_EQ(parse_jump_number("300", 300).position, 299u);
  EXPECT_EQ(parse_jump_number(" 42 ", 300).position, 41u);
  EXPECT_EQ(parse_jump_number("007", 300).position, 6u);
  EXPECT_TRUE(parse_jump_number("7", 300).problem.empty());
}

TEST(JumpNumber, AnythingElseIsAMessageNotAThrow) {
  for (const char* typed : {".", "", "   ", "-3", "+3", "1.5", "1e3", "3-", "*", "/", "٣", "１２", "0x10"}) {
    JumpTarget t;
    EXPECT_NO_THROW(t = parse_jump_number(typed, 300)) << typed;
    EXPECT_FALSE(t.position) << typed;
    EXPECT_FALSE(t.problem.empty()) << typed;
  }
  EXPECT_EQ(parse_jump_number(".", 1200).problem, "'.' is not a whole number: type 1 to 1,200");
  EXPECT_EQ(parse_jump_number("", 1200).problem, "Type an image number, 1 to 1,200");
  EXPECT_EQ(parse_jump_number("0", 1200).problem, "Images are numbered from 1: type 1 to 1,200");
}

TEST(JumpNumber, TooLargeSaysWhichIsTheLast) {
  EXPECT_EQ(parse_jump_number("301", 300).problem, "There is no image 301: the last is 300");
  const JumpTarget huge = parse_jump_number("123456789012345678901", 300);  // 21 digits: past uint64
  EXPECT_FALSE(huge.position);
  EXPECT_EQ(huge.problem, "There is no image 123456789012345678901: the last is 300");
  EXPECT_FALSE(parse_jump_number("18446744073709551615", 300).position);  // UINT64_MAX
  EXPECT_FALSE(parse_jump_number("18446744073709551616", 300).position);  // one past it
}

TEST(JumpNumber, EmptyDatasetHasNowhereToGo) {
  EXPECT_FALSE(parse_jump_number("1", 0).position);
  EXPECT_FALSE(parse_jump_number("1", 0).problem.empty());
}

}  // namespace
}  // namespace gloss
