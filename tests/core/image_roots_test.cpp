// --image-root: a task's stored path mapped to where the image is on this
// workstation, and every image read checked against the task's hash.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <map>
#include <set>

#include "ahead_fixture.h"
#include "core/error.h"
#include "core/hash.h"
#include "core/image_roots.h"
#include "test_util.h"

namespace gloss {
namespace {

using namespace std::chrono_literals;

ImageRoots roots(const std::vector<std::string>& pairs) {
  ImageRoots r;
  r.add(pairs, "--image-root");
  return r;
}

std::string error_of(const Task& task, const ImageRoots& r) {
  try {
    read_task_image(task, r);
  } catch (const UserError& e) {
    return e.what();
  }
  return "";
}

TEST(ImageRoots, MapsTheLongestMatchingFolder) {
  const ImageRoots r = roots({"/mnt/photos=/Volumes/photos", "/mnt/photos/raw/=/scratch/raw", "/data=/"});
  EXPECT_EQ(r.map("/mnt/photos/2024/cat.jpg"), "/Volumes/photos/2024/cat.jpg");
  EXPECT_EQ(r.map("/mnt/photos/raw/cat.jpg"), "/scratch/raw/cat.jpg");
  EXPECT_EQ(r.map("/mnt/photos"), "/Volumes/photos");
  EXPECT_EQ(r.map("/data/a.png"), "/a.png");
  // Whole folder names only: /mnt/photos does not cover /mnt/photos2.
  EXPECT_EQ(r.map("/mnt/photos2/cat.jpg"), "/mnt/photos2/cat.jpg");
  EXPECT_EQ(r.mapping_for("/mnt/photos/raw/x.png"), "/mnt/photos/raw=/scratch/raw");
  EXPECT_EQ(r.mapping_for("/elsewhere/x.png"), "");
  EXPECT_TRUE(ImageRoots{}.empty());
}

TEST(ImageRoots, BadPairsAreNamed) {
  ImageRoots r;
  try {
    r.add({"/mnt/photos"}, "--image-root");
    FAIL() << "a pair without '=' was taken";
  } catch (const UserError& e) {
    EXPECT_TRUE(test::contains(e.what(), "--image-root '/mnt/photos': expected OLD=NEW")) << e.what();
  }
  EXPECT_THROW(r.add({"photos=/Volumes/photos"}, "--image-root"), UserError) << "relative OLD";
  ::setenv("GLOSS_IMAGE_ROOT", "/a=/b;/c=/d;", 1);
  r.add_from_environment();
  EXPECT_EQ(r.map("/c/x.png"), "/d/x.png");
  ::setenv("GLOSS_IMAGE_ROOT", "/a=/b;nonsense", 1);
  try {
    r.add_from_environment();
    FAIL() << "a bad pair in the environment was taken";
  } catch (const UserError& e) {
    EXPECT_TRUE(test::contains(e.what(), "$GLOSS_IMAGE_ROOT 'nonsense'")) << e.what();
  }
  ::unsetenv("GLOSS_IMAGE_ROOT");
}

// Another workstation added /there/cat.png; here the folder is elsewhere.
struct Moved {
  test::TempDir dir;
  Task task;
  Moved() {
    test::write_test_png(dir / "here/cat.png", 7);
    task.hash = content_hash(test::read_text(dir / "here/cat.png"));
    task.path = "/there/cat.png";
  }
  std::string mapping() const { return "/there=" + (dir / "here").string(); }
};

TEST(ImageRoots, ReadsTheMappedFileWhenItIsTheTasksImage) {
  Moved m;
  EXPECT_EQ(content_hash(read_task_image(m.task, roots({m.mapping()}))), m.task.hash);
}

TEST(ImageRoots, AMissingFileNamesTheMappedPathAndTheMapping) {
  Moved m;
  m.task.path = "/there/dog.png";
  const std::string e = error_of(m.task, roots({m.mapping()}));
  EXPECT_TRUE(test::contains(e, (m.dir / "here/dog.png").string() + ": file not found")) << e;
  EXPECT_TRUE(test::contains(e, "the task's /there/dog.png, by --image-root " + m.mapping())) << e;
  const std::string unmapped = error_of(m.task, ImageRoots{});
  EXPECT_TRUE(test::contains(unmapped, "/there/dog.png: file not found")) << unmapped;
  EXPECT_TRUE(test::contains(unmapped, "--image-root OLD=NEW maps its folder")) << unmapped;
}

TEST(ImageRoots, AnotherImageAtThePathIsAClearError) {
  Moved m;
  test::write_test_png(m.dir / "here/cat.png", 8);  // the same name, other pixels
  const std::string e = error_of(m.task, roots({m.mapping()}));
  EXPECT_TRUE(test::contains(e, (m.dir / "here/cat.png").string() + " is not the image this task was made from")) << e;
  EXPECT_TRUE(test::contains(e, "--image-root " + m.mapping() + " points elsewhere")) << e;
  EXPECT_TRUE(test::contains(e, hash_hex(m.task.hash))) << e;
}

// The window's scheduler reads through the mapping, and shows a task whose
// file is another image as a failure instead of its pixels.
TEST(ImageRoots, TheSchedulerShowsMappedImagesAndRefusesOthers) {
  test::Fixture f(4);
  const std::filesystem::path old_dir = f.dir / "img", new_dir = f.dir / "moved";
  std::filesystem::rename(old_dir, new_dir);
  test::write_test_png(new_dir / "002.png", 99);  // changed since it was added
  AheadOptions o = test::small_window();
  o.image_roots.add({old_dir.string() + "=" + new_dir.string()}, "--image-root");
  AheadScheduler ahead(*f.store, f.dataset, nullptr, o);
  ahead.set_cursor(1);
  ASSERT_TRUE(ahead.wait_idle(10s));
  std::map<std::uint64_t, std::string> failures;
  std::set<std::uint64_t> shown;
  for (const auto& r : ahead.take_results()) {
    if (r.kind == AheadResult::image) shown.insert(r.position);
    if (r.kind == AheadResult::failure) failures[r.position] = r.error;
  }
  EXPECT_TRUE(shown.count(1) && shown.count(3)) << "the moved images are shown";
  EXPECT_FALSE(shown.count(2));
  ASSERT_TRUE(failures.count(2));
  EXPECT_TRUE(test::contains(failures[2], "002.png is not the image this task was made from")) << failures[2];
}

}  // namespace
}  // namespace gloss
