// The image corpus CMake writes once per build (target gloss_image_corpus,
// tests/data/make_image_corpus.sh) and what its reference image looks like.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <string>

namespace gloss::test {

struct Rgb {
  int r, g, b;
};
// The 96x64 reference's quadrants.
constexpr Rgb kTopLeft{220, 40, 40}, kTopRight{40, 180, 60}, kBottomLeft{40, 70, 220}, kBottomRight{240, 220, 40};

// A fixture whose tests fail clearly when the corpus was not written.
class ImageCorpusTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(std::filesystem::exists(std::filesystem::path(GLOSS_CORPUS_DIR) / "ref.png"))
        << GLOSS_CORPUS_DIR << " is missing: build the gloss_image_corpus target (.ci/setup installs its tools)";
  }
  static std::filesystem::path file(const std::string& name) { return std::filesystem::path(GLOSS_CORPUS_DIR) / name; }
};

}  // namespace gloss::test
