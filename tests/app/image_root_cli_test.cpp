// --image-root from the command line: a dataset added where its folder was
// elsewhere is read through the mapping, and a mapping onto other images is
// an error naming the file, never a caption of the wrong picture.
#include <gtest/gtest.h>

#include <filesystem>

#include "test_util.h"

namespace gloss {
namespace {

namespace fs = std::filesystem;
using test::CommandResult;
using test::contains;

CommandResult gloss(const test::TempDir& dir, const std::string& args) { return test::run_gloss(dir.path(), args); }

// Scenes with their captions in dataset d, added from there/; then there/
// is moved to here/ (another workstation's mount point).
struct Moved {
  test::TempDir dir;
  std::string there, here;
  Moved() {
    EXPECT_EQ(gloss(dir, "synth there --count 4 --seed 5 --size 64").code, 0);
    const CommandResult in = gloss(dir, "db-in d there/captions.jsonl");
    EXPECT_EQ(in.code, 0) << in.output;
    there = (dir / "there").string();
    here = (dir / "here").string();
    fs::rename(there, here);
  }
};

TEST(ImageRootCli, EvalReadsADatasetThroughTheMapping) {
  Moved m;
  const CommandResult lost = gloss(m.dir, "eval d --threads 1");
  EXPECT_EQ(lost.code, 1) << lost.output;
  EXPECT_TRUE(contains(lost.output, m.there + "/images/")) << lost.output;
  EXPECT_TRUE(contains(lost.output, "file not found")) << lost.output;
  EXPECT_TRUE(contains(lost.output, "--image-root OLD=NEW maps its folder")) << lost.output;

  const CommandResult mapped = gloss(m.dir, "eval d --threads 1 --image-root '" + m.there + "=" + m.here + "'");
  EXPECT_EQ(mapped.code, 0) << mapped.output;
  EXPECT_TRUE(contains(mapped.output, "BLEU-4")) << mapped.output;
  const CommandResult from_env = test::run_command(
      m.dir.path(), "GLOSS_IMAGE_ROOT='/nowhere=/x;" + m.there + "=" + m.here + "' '" GLOSS_BINARY "' --db db eval d --threads 1");
  EXPECT_EQ(from_env.code, 0) << from_env.output;
}

TEST(ImageRootCli, AMappingOntoOtherImagesIsAnErrorPerImage) {
  Moved m;
  ASSERT_EQ(gloss(m.dir, "synth other --count 4 --seed 6 --size 64").code, 0);  // same names, other scenes
  const std::string other = (m.dir / "other").string();
  const CommandResult wrong = gloss(m.dir, "eval d --threads 1 --image-root '" + m.there + "=" + other + "'");
  EXPECT_EQ(wrong.code, 1) << wrong.output;
  EXPECT_TRUE(contains(wrong.output, other + "/images/")) << wrong.output;
  EXPECT_TRUE(contains(wrong.output, "is not the image this task was made from (its content changed, or --image-root " +
                                         m.there + "=" + other + " points elsewhere)"))
      << wrong.output;
  const CommandResult bad = gloss(m.dir, "eval d --image-root photos");
  EXPECT_EQ(bad.code, 1) << bad.output;
  EXPECT_TRUE(contains(bad.output, "--image-root 'photos': expected OLD=NEW")) << bad.output;
}

}  // namespace
}  // namespace gloss
