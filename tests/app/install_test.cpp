// `cmake --install` lays gloss out as a program (bin/, lib/.../gloss/,
// share/gloss/); the installed binary, run from another folder without any
// GLOSS_* variable, finds its model and model code — also after the whole
// tree is moved elsewhere.
#include <gtest/gtest.h>

#include <cstdlib>

#include "test_util.h"

namespace gloss {
namespace {

namespace fs = std::filesystem;
using test::contains;

// Runs an installed gloss with the GLOSS_* variables cleared.
test::CommandResult run_installed(const fs::path& dir, const fs::path& gloss, const std::string& args) {
  return test::run_command(dir, "env -u GLOSS_MODEL -u GLOSS_TORCH_LIBRARY -u GLOSS_DB '" + gloss.string() +
                                    "' --db db " + args);
}

void expect_finds_everything(const fs::path& prefix, const fs::path& work) {
  const fs::path gloss = prefix / "bin" / "gloss";
  const auto version = run_installed(work, gloss, "version");
  ASSERT_EQ(version.code, 0) << version.output;
  EXPECT_TRUE(contains(version.output, "bundled model: " + (prefix / "share/gloss/models/default.gloss").string()))
      << version.output;
  EXPECT_TRUE(contains(version.output, "model code: " + prefix.string() + "/lib")) << version.output;
  EXPECT_FALSE(contains(version.output, "missing")) << version.output;
  // The bundled model captions from a folder that is neither the build nor
  // the prefix (into an empty store: a cached suggestion would not need it).
  fs::remove_all(work / "db");
  const auto predict = run_installed(work, gloss, "predict scenes");
  ASSERT_EQ(predict.code, 0) << predict.output;
  EXPECT_TRUE(contains(predict.output, "captioned 3 images")) << predict.output;
}

TEST(Install, InstalledAndRelocatedGlossFindItsModelAndModelCode) {
  test::TempDir dir;
  const fs::path prefix = dir.path() / "usr";
  const auto install = test::run_command(dir.path(), "cmake --install '" GLOSS_BUILD_DIR "' --prefix '" +
                                                         prefix.string() + "'");
  ASSERT_EQ(install.code, 0) << install.output;
  ASSERT_TRUE(fs::is_regular_file(prefix / "share/gloss/models/default.gloss"));
  ASSERT_TRUE(fs::is_regular_file(prefix / "share/doc/gloss/README.md"));
  const fs::path work = dir.path() / "elsewhere";
  fs::create_directories(work);
  ASSERT_EQ(test::run_gloss(work, "synth scenes --count 3").code, 0);
  expect_finds_everything(prefix, work);

  const fs::path moved = dir.path() / "opt" / "gloss";
  fs::create_directories(moved.parent_path());
  fs::rename(prefix, moved);
  expect_finds_everything(moved, work);
}

TEST(Install, MissingModelCodeIsNamedWithWhereGlossLooked) {
  test::TempDir dir;
  const fs::path prefix = dir.path() / "usr";
  ASSERT_EQ(test::run_command(dir.path(), "cmake --install '" GLOSS_BUILD_DIR "' --prefix '" + prefix.string() + "'").code, 0);
  for (const auto& entry : fs::recursive_directory_iterator(prefix))
    if (entry.path().filename() == "libgloss-torch.so") fs::remove(entry.path());
  ASSERT_EQ(test::run_gloss(dir.path(), "synth scenes --count 2").code, 0);
  const auto predict = run_installed(dir.path(), prefix / "bin" / "gloss", "predict scenes");
  EXPECT_EQ(predict.code, 1) << predict.output;
  EXPECT_TRUE(contains(predict.output, "libgloss-torch.so")) << predict.output;
  EXPECT_TRUE(contains(predict.output, "not installed")) << predict.output;
  // Data commands do not need it.
  const auto stats = run_installed(dir.path(), prefix / "bin" / "gloss", "datasets");
  EXPECT_EQ(stats.code, 0) << stats.output;
}

}  // namespace
}  // namespace gloss
