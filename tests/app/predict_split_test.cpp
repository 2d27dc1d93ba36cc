// Two gloss predicts at once on one LMDB folder split the work: every image
// is captioned once across the two, both end with the whole source cached.
#include <gtest/gtest.h>

#include "app/two_predicts.h"

namespace gloss {
namespace {

TEST(PredictSplit, TwoPredictsOnOneFolderCaptionEachImageOnce) {
  test::TempDir dir;
  // Enough work that the second process, whose start may lag the first's
  // by a second or two on a busy machine, still finds some to claim.
  constexpr int kImages = 480;
  test::write_predict_scenes(dir / "images", kImages);
  const auto [a, b] = test::two_predicts(dir.path(), "'" GLOSS_BINARY "' --db db", "--batch 4 --threads 1");
  test::expect_split_once(dir.path(), a, b, kImages);
  const auto again = test::run_gloss(dir.path(), "predict images --threads 1");
  EXPECT_TRUE(test::contains(again.output, "480 images, 480 already captioned, 0 to caption")) << again.output;
}

}  // namespace
}  // namespace gloss
