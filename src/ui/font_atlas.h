// The window's fonts: DejaVu Sans for Latin, Greek, Cyrillic, Arabic and
// symbols, with Noto Sans CJK (a face of the .ttc) merged in for the other
// characters the texts on screen use. ImGui 1.86 cannot add glyphs to a built
// atlas, so new characters are batched in a GlyphSet and the atlas is rebuilt
// between frames. UI thread only; owns ImGui::GetIO().Fonts's font data.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "ui/glyph_set.h"

struct ImFont;

namespace gloss::ui {

struct Fonts {
  ImFont* body = nullptr;
  ImFont* caption = nullptr;   // the box and the suggestion: what they read most
  ImFont* small = nullptr;
  ImFont* heading = nullptr;   // bold
};

struct AtlasStats {
  double build_ms = 0;       // the last build, by the clock
  double build_cpu_ms = 0;   // and in CPU time (the clock includes waiting for a busy CPU)
  double load_ms = 0;        // mapping the font files (first build)
  int texture_width = 0, texture_height = 0;
  std::size_t builds = 0;
  std::size_t characters = 0;  // beyond the base ranges
};

// Debian's paths (fonts-dejavu-core, fonts-noto-cjk); tests point them elsewhere.
struct FontPaths {
  std::string sans = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";
  std::string bold = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf";
  std::string cjk = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc";
  std::string cjk_bold = "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc";
};

class MappedFile;

class FontAtlas {
 public:
  // Finds the fonts at their Debian paths; a missing one is reported on stderr
  // (and by problem()) and the window works with what there is.
  FontAtlas(float scale, FontPaths paths = FontPaths{}, std::size_t max_extra = kDefaultMaxExtra);
  ~FontAtlas();
  FontAtlas(const FontAtlas&) = delete;
  FontAtlas& operator=(const FontAtlas&) = delete;

  // Enough for a long session of CJK captions: ~4,000 characters at the four
  // sizes fit a 4096 x 4096 texture. Past it, new characters draw as U+FFFD.
  static constexpr std::size_t kDefaultMaxExtra = 4000;

  // Notes the characters of text (or one typed character); cheap when known.
  void want(std::string_view utf8) { glyphs_.add(utf8); }
  void want(char32_t c) { glyphs_.add(c); }
  // Builds ImGui's atlas if characters were added since the last build. Only
  // between frames. True when it did: the GL font texture must be re-created.
  bool build_if_needed();
  bool needs_build() const { return glyphs_.changed(); }

  const Fonts& fonts() const { return fonts_; }
  const AtlasStats& stats() const { return stats_; }
  const std::string& problem() const { return problem_; }
  // The characters of utf8 some font has no glyph for after the last build
  // (ImFont::FindGlyphNoFallback): what the tests check; empty when all draw.
  std::u32string missing(std::string_view utf8) const;

 private:
  void build();
  void add_font(ImFont*& slot, const MappedFile* latin, const MappedFile* cjk, float px);

  float scale_;
  GlyphSet glyphs_;
  bool warned_full_ = false;
  std::unique_ptr<MappedFile> sans_, bold_, cjk_, cjk_bold_;
  std::vector<std::uint16_t> all_ranges_, extra_ranges_;  // ImGui reads them until the next build
  Fonts fonts_;
  AtlasStats stats_;
  std::string problem_;
};

}  // namespace gloss::ui
