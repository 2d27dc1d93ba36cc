// Captions and file names in any script under Xvfb (issue 13: they showed as
// '????'). A dataset named, captioned and corrected in Japanese, Chinese,
// Korean, Russian, Greek and Arabic goes through the caption window (header,
// box, typing, diff, gallery) and the errors window; every `expect-glyphs`
// step checks that each character of those texts is in the font atlas the
// frame draws with (ImFont::FindGlyphNoFallback), so a missing glyph fails
// the test, not just a screenshot.
#include <gtest/gtest.h>

#include <cstdlib>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "test_util.h"

namespace gloss {
namespace {

using test::TempDir;

struct Item {
  const char* file;  // its characters appear nowhere else: only the header shows them
  const char* suggestion;
  const char* caption;
};

// The last one has no answer: the window opens on it and the test types there.
const Item kItems[] = {
    {"東京タワー.png", "赤い丸が三つ", "赤い丸が二つ"},
    {"北京烤鸭.png", "两个蓝色的正方形", "三个蓝色的正方形"},
    {"서울역.png", "빨간 원 두 개", "파란 원 두 개"},
    {"Москва.png", "два красных круга", "три синих квадрата"},
    {"Αθήνα.png", "δύο κόκκινοι κύκλοι", "τρία μπλε τετράγωνα"},
    {"القاهرة.png", "", ""},
};
constexpr const char* kTyped = "猫が二匹 고양이 두 마리 两只猫 — «ça»";

int run(const TempDir& dir, const std::string& args, const std::string& replay) {
  test::write_text(dir / "replay.txt", replay);
  const std::string command = "cd '" + dir.path().string() +
                              "' && timeout 240 xvfb-run -a -s '-screen 0 1280x800x24' '" GLOSS_BINARY "' --db db " +
                              args + " --replay replay.txt > run.txt 2>&1";
  return WEXITSTATUS(std::system(command.c_str()));
}

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

void write_dataset(const TempDir& dir) {
  std::string jsonl;
  for (std::size_t i = 0; i < std::size(kItems); ++i) {
    const std::string image = std::string("images/") + kItems[i].file;
    test::write_test_png(dir / image, static_cast<std::uint32_t>(300 + i), 64, 48);
    if (*kItems[i].caption)
      jsonl += nlohmann::json{{"image", image}, {"orig_caption", kItems[i].suggestion}, {"caption", kItems[i].caption},
                              {"model", "m"}, {"answer", "accept"}}.dump() + "\n";
  }
  test::write_text(dir / "in.jsonl", jsonl);
}

TEST(AnyScriptWindow, CaptionsFileNamesAndTypingInEveryScriptHaveTheirGlyphs) {
  if (!test::on_path("xvfb-run")) GTEST_SKIP() << "xvfb-run is not installed";
  TempDir dir;
  write_dataset(dir);
  ASSERT_EQ(std::system(("cd '" + dir.path().string() + "' && '" GLOSS_BINARY
                         "' --db db db-in 世界 in.jsonl > in.txt 2>&1").c_str()), 0)
      << test::read_text(dir / "in.txt");
  std::string replay = "wait-idle\n"
                       "expect-glyphs 世界 " + std::string(kItems[5].file) + "\n"
                       "type " + kTyped + "\n"
                       "expect-glyphs " + kTyped + "\n"
                       "screenshot typed.png\n"
                       "key Enter\n";
  for (std::size_t i = 0; i + 1 < std::size(kItems); ++i) {
    replay += "key Ctrl+G\ntype " + std::to_string(i + 1) + "\nkey Enter\n";
    replay += std::string("expect-glyphs ") + kItems[i].file + " " + kItems[i].suggestion + " " + kItems[i].caption + "\n";
    replay += "screenshot answered-" + std::to_string(i) + ".png\n";
  }
  replay += "key Ctrl+T\nwait-idle\nscreenshot gallery.png\nquit\n";
  const int status = run(dir, "caption 世界 images --model none --session t", replay);
  const std::string out = test::read_text(dir / "run.txt");
  ASSERT_EQ(status, 0) << out;
  EXPECT_EQ(count(out, "no glyph for"), 0u) << out;
  EXPECT_EQ(count(out, "every glyph drawn"), 2u + std::size(kItems) - 1) << out;
  for (const char* shot : {"typed.png", "answered-0.png", "answered-4.png", "gallery.png"})
    EXPECT_TRUE(std::filesystem::exists(dir / shot)) << shot;
  std::printf("%s", out.substr(0, out.find("Session summary")).c_str());  // the atlas figures

  // The errors window over the same answers, with category labels in Japanese.
  const int errors = run(dir, "errors 誤り --from 世界 --label 主語,属性,背景 --session t",
                         "wait-idle\n"
                         "expect-glyphs 主語 属性 背景 " + std::string(kItems[0].file) + " " + kItems[0].suggestion + " " +
                             kItems[0].caption + "\n"
                         "screenshot errors.png\n"
                         "key Enter\n"
                         "expect-glyphs " + std::string(kItems[1].suggestion) + " " + kItems[1].caption + "\n"
                         "quit\n");
  const std::string errors_out = test::read_text(dir / "run.txt");
  ASSERT_EQ(errors, 0) << errors_out;
  EXPECT_EQ(count(errors_out, "no glyph for"), 0u) << errors_out;
  EXPECT_EQ(count(errors_out, "every glyph drawn"), 2u) << errors_out;
}

}  // namespace
}  // namespace gloss
