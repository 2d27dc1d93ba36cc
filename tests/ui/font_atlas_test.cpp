// The font atlas (issue 13): the characters of captions and file names in any
// script get glyphs, new ones are merged in by a rebuild, a cap bounds the
// texture, and missing font files leave a working Latin atlas. CPU only: an
// ImGui context without a window builds the atlas; no GL texture is made.
#include "ui/font_atlas.h"

#include <imgui.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>

namespace gloss::ui {
namespace {

// One of each script the annotators use, and the symbols the UI draws.
const char* const kTexts[] = {
    "赤い丸が二つ 写真_東京.png", "两个蓝色的正方形 图片.jpg", "빨간 원 두 개 사진.png",
    "два красных круга фото.png", "δύο κόκκινοι κύκλοι.png", "دائرتان حمراوان صورة.png",
    "Ærøskøbing — «ça» ‘quoted’ … € → ← ⌘ × ·", "ﾃｽﾄ　「全角」、。",
};

class ImGuiContextForTest {
 public:
  ImGuiContextForTest() { ImGui::CreateContext(); }
  ~ImGuiContextForTest() { ImGui::DestroyContext(); }
};

bool cjk_installed() { return std::filesystem::exists(FontPaths{}.cjk) && std::filesystem::exists(FontPaths{}.sans); }

std::string hex(const std::u32string& chars) {
  std::string out;
  for (char32_t c : chars) out += " U+" + std::to_string(static_cast<unsigned>(c));
  return out;
}

TEST(GlyphSet, BaseRangesNeedNothingAndNewCharactersAreCountedOnce) {
  GlyphSet set(100);
  EXPECT_EQ(set.add("plain ASCII, Ελληνικά, русский, عربي, — …"), 0u);
  EXPECT_FALSE(set.changed());
  EXPECT_EQ(set.add("東京東京"), 2u);
  EXPECT_TRUE(set.changed());
  EXPECT_EQ(set.add("東"), 0u);
  set.mark_built();
  EXPECT_FALSE(set.changed());
  const auto ranges = set.extra_ranges();
  ASSERT_EQ(ranges.size(), 5u);  // two single-character ranges and the terminator
  EXPECT_EQ(ranges[0], 0x4EAC);  // 京 sorts before 東
  EXPECT_EQ(ranges.back(), 0);
}

TEST(GlyphSet, AKanaBringsItsWholeBlockSoTypingJapaneseRebuildsRarely) {
  GlyphSet set(1000);
  EXPECT_EQ(set.add("の"), 256u);  // U+3000-30FF: CJK punctuation, hiragana, katakana
  EXPECT_EQ(set.add("カタカナ、。「」"), 0u);
  EXPECT_EQ(set.add("漢"), 1u);     // ideographs come one by one
  GlyphSet small(10);
  EXPECT_EQ(small.add("の"), 1u);   // a block past the cap: just the character
}

TEST(GlyphSet, CapAndCharactersBeyondTheBmpAreRefused) {
  GlyphSet set(2);
  EXPECT_EQ(set.add("一二三四"), 2u);
  EXPECT_EQ(set.extra_count(), 2u);
  EXPECT_EQ(set.add("😀"), 0u);  // U+1F600: ImWchar is 16-bit in Debian's ImGui
  EXPECT_EQ(set.refused(), 3u);
}

TEST(GlyphSet, MalformedUtf8IsTheReplacementCharacter) {
  EXPECT_EQ(decode_utf8("a\xE6\x9D"), U"a\uFFFD\uFFFD");  // truncated sequence
  EXPECT_EQ(decode_utf8("\xC0\xAF"), U"\uFFFD\uFFFD");     // overlong '/'
  EXPECT_EQ(decode_utf8("東"), U"東");
}

TEST(FontAtlas, EveryScriptOfTheDatasetHasItsGlyphs) {
  if (!cjk_installed()) GTEST_SKIP() << "fonts-noto-cjk or fonts-dejavu-core is not installed";
  ImGuiContextForTest context;
  FontAtlas atlas(1.f);
  ASSERT_TRUE(atlas.build_if_needed());
  const int base_w = atlas.stats().texture_width, base_h = atlas.stats().texture_height;
  EXPECT_TRUE(atlas.problem().empty()) << atlas.problem();
  EXPECT_FALSE(atlas.missing(kTexts[0]).empty()) << "CJK is built only once a text wants it";
  EXPECT_EQ(hex(atlas.missing(kTexts[3])), "") << "Cyrillic is in the base ranges";
  const double base_ms = atlas.stats().build_ms, base_cpu_ms = atlas.stats().build_cpu_ms;
  for (const char* text : kTexts) atlas.want(text);
  ASSERT_TRUE(atlas.needs_build());
  ASSERT_TRUE(atlas.build_if_needed());
  std::printf("[ figures  ] base ranges only: build %.1f ms (CPU %.1f ms), texture %dx%d\n", base_ms, base_cpu_ms,
              base_w, base_h);
  EXPECT_FALSE(atlas.build_if_needed()) << "nothing new: no rebuild";
  for (const char* text : kTexts) EXPECT_EQ(hex(atlas.missing(text)), "") << text;
  std::printf("[ figures  ] %zu extra characters: build %.1f ms (CPU %.1f ms), texture %dx%d, fonts mapped in %.2f ms\n",
              atlas.stats().characters, atlas.stats().build_ms, atlas.stats().build_cpu_ms, atlas.stats().texture_width,
              atlas.stats().texture_height, atlas.stats().load_ms);
}

// A long CJK session: 3,000 distinct ideographs still fit a texture every
// GL 3.3 driver takes (4096 wide, height within 8192), and past the cap a new
// character is not built (it draws as U+FFFD) while the atlas keeps working.
TEST(FontAtlas, ManyCharactersStayWithinTheCapAndTheTexture) {
  if (!cjk_installed()) GTEST_SKIP() << "fonts-noto-cjk or fonts-dejavu-core is not installed";
  ImGuiContextForTest context;
  FontAtlas atlas(1.f, FontPaths{}, 3000);
  std::string text;
  for (char32_t c = 0x4E00; c < 0x4E00 + 3001; ++c) {
    text += static_cast<char>(0xE0 | (c >> 12));
    text += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    text += static_cast<char>(0x80 | (c & 0x3F));
  }
  atlas.want(text);
  atlas.build_if_needed();
  EXPECT_EQ(atlas.stats().characters, 3000u);
  EXPECT_LE(atlas.stats().texture_width, 4096);
  EXPECT_LE(atlas.stats().texture_height, 8192);
  EXPECT_EQ(atlas.missing(text).size(), 1u);  // the 3,001st
  EXPECT_NE(ImGui::GetIO().Fonts->Fonts[0]->FallbackChar, 0);
  std::printf("[ figures  ] 3000 CJK characters: build %.1f ms (CPU %.1f ms), texture %dx%d\n", atlas.stats().build_ms,
              atlas.stats().build_cpu_ms, atlas.stats().texture_width, atlas.stats().texture_height);
}

TEST(FontAtlas, MissingFontFilesAreNamedAndLatinStillDraws) {
  ImGuiContextForTest context;
  FontPaths nowhere{"/nonexistent/DejaVuSans.ttf", "/nonexistent/b.ttf", "/nonexistent/cjk.ttc", "/nonexistent/cb.ttc"};
  FontAtlas atlas(1.f, nowhere);
  EXPECT_NE(atlas.problem().find("/nonexistent/DejaVuSans.ttf"), std::string::npos) << atlas.problem();
  atlas.want("東京");
  atlas.build_if_needed();
  EXPECT_EQ(hex(atlas.missing("A plain caption")), "");
  EXPECT_FALSE(atlas.missing("東京").empty());
}

TEST(FontAtlas, MissingCjkFontIsNamedAndTheRestDraws) {
  if (!std::filesystem::exists(FontPaths{}.sans)) GTEST_SKIP() << "fonts-dejavu-core is not installed";
  ImGuiContextForTest context;
  FontPaths no_cjk;
  no_cjk.cjk = no_cjk.cjk_bold = "/nonexistent/NotoSansCJK-Regular.ttc";
  FontAtlas atlas(1.f, no_cjk);
  EXPECT_NE(atlas.problem().find("fonts-noto-cjk"), std::string::npos) << atlas.problem();
  atlas.want(kTexts[0]);
  atlas.want(kTexts[3]);
  atlas.build_if_needed();
  EXPECT_EQ(hex(atlas.missing(kTexts[3])), "");
  EXPECT_FALSE(atlas.missing("東京").empty());
}

}  // namespace
}  // namespace gloss::ui
