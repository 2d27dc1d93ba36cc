// Where accepted captions are written as sidecar files, and how a file is
// replaced (atomically, keeping a .bak of a different caption).
#include "core/lmdb_store.h"
#include "core/sidecar_export.h"

#include <gtest/gtest.h>

#include "core/error.h"
#include "core/sidecar_scan.h"
#include "test_util.h"

namespace gloss {
namespace {
namespace fs = std::filesystem;

struct Dataset {
  test::TempDir dir;
  LmdbStore store{StoreOptions{dir / "db"}};
  std::vector<Task> tasks;

  // Images under dir/set, added from `root` (empty: as an older gloss, no root).
  Dataset(const std::vector<std::string>& names, const std::string& root) {
    std::uint32_t seed = 1;
    for (const auto& n : names) test::write_test_png(dir / "set" / n, seed++);
    tasks = scan_source(dir / "set").tasks;
    if (!root.empty()) set_source_root(tasks, source_root(dir / root));
    store.add_tasks("d", tasks);
  }
  void answer(std::size_t i, const std::string& caption, AnswerKind kind = AnswerKind::accept,
              const std::string& annotator = "") {
    Answer a;
    a.task = tasks[i].hash;
    a.caption = caption;
    a.answer = kind;
    a.annotator = annotator;
    store.save_answer("d", a);
  }
  SidecarExportPlan plan(bool next_to_images = false) {
    return plan_sidecar_export(store, store.require_dataset("d"), {dir / "out", next_to_images, ".txt"});
  }
};

TEST(SidecarExport, RelativeToTheRootWithTheExtensionReplaced) {
  Dataset d({"a.png", "sub/b.png", "z.png"}, "set");  // scanned in this order
  d.answer(0, "  alpha\nbeta ");
  d.answer(1, "bee");
  d.answer(2, "rejected", AnswerKind::reject);
  const SidecarExportPlan p = d.plan();
  ASSERT_EQ(p.files.size(), 2u);
  EXPECT_EQ(p.files[0].file, d.dir / "out/a.txt");
  EXPECT_EQ(p.files[0].caption, "alpha beta");
  EXPECT_EQ(p.files[1].file, d.dir / "out/sub/b.txt");
  EXPECT_EQ(p.not_accepted, 1u);
  EXPECT_TRUE(p.problems.empty());
}

TEST(SidecarExport, UnknownRootIsAClearProblemNamingTheImage) {
  Dataset d({"a.png"}, "");
  d.answer(0, "alpha");
  const SidecarExportPlan p = d.plan();
  EXPECT_TRUE(p.files.empty());
  ASSERT_EQ(p.problems.size(), 1u);
  EXPECT_EQ(p.problems[0].where, d.tasks[0].path);
  EXPECT_NE(p.problems[0].reason.find("does not know which folder"), std::string::npos) << p.problems[0].reason;
  EXPECT_EQ(d.plan(true).files.size(), 1u);  // beside the image needs no root
}

TEST(SidecarExport, SharedStemWritesOnceIfTheCaptionsAgreeElseNeither) {
  Dataset d({"x.png", "x.jpg", "y.png", "y.jpg"}, "set");
  // scan order is by name: x.jpg, x.png, y.jpg, y.png
  d.answer(0, "same");
  d.answer(1, "same");
  d.answer(2, "one");
  d.answer(3, "other");
  const SidecarExportPlan p = d.plan(true);
  ASSERT_EQ(p.files.size(), 1u);
  EXPECT_EQ(p.files[0].file.filename(), "x.txt");
  EXPECT_EQ(p.shared, 1u);
  ASSERT_EQ(p.problems.size(), 1u);
  EXPECT_EQ(fs::path(p.problems[0].where).filename(), "y.txt");
  EXPECT_NE(p.problems[0].reason.find("different captions"), std::string::npos);
}

// Several annotators, one file per image: the review's caption, or theirs
// when they agree; differing captions without a review are a problem that
// names the image and says what settles it.
TEST(SidecarExport, OverlappingAnswersWriteTheReviewedOrAgreedCaptionOnce) {
  Dataset d({"a.png", "b.png", "c.png", "e.png"}, "set");
  d.answer(0, "a cat", AnswerKind::accept, "ann");
  d.answer(0, "a black cat", AnswerKind::accept, "bob");
  d.answer(1, "a dog", AnswerKind::accept, "ann");
  d.answer(1, "A dog", AnswerKind::accept, "bob");  // a capital letter: a different caption file
  d.answer(2, "a bird", AnswerKind::accept, "ann");
  d.answer(2, "a crow", AnswerKind::accept, "bob");
  d.answer(3, "x", AnswerKind::reject, "ann");
  d.answer(3, "y", AnswerKind::ignore, "bob");
  Review r;
  r.task = d.tasks[0].hash;
  r.reviewer = "lead";
  r.verdict = ReviewVerdict::edited;
  r.from = "bob";
  r.caption = "a small black cat";
  d.store.save_review("d", r);
  const SidecarExportPlan p = d.plan();
  ASSERT_EQ(p.files.size(), 1u);
  EXPECT_EQ(p.files[0].file, d.dir / "out/a.txt");
  EXPECT_EQ(p.files[0].caption, "a small black cat");
  ASSERT_EQ(p.problems.size(), 2u);
  EXPECT_EQ(p.problems[0].where, d.tasks[1].path);
  EXPECT_EQ(p.problems[1].where, d.tasks[2].path);
  EXPECT_NE(p.problems[1].reason.find("2 annotators accepted 2 different captions and no review settles them"),
            std::string::npos)
      << p.problems[1].reason;
  EXPECT_NE(p.problems[1].reason.find("gloss review d"), std::string::npos);
  EXPECT_EQ(p.not_accepted, 1u);

  // The same words from two annotators: one file, no problem.
  d.answer(1, "a dog", AnswerKind::accept, "bob");
  EXPECT_EQ(d.plan().files.size(), 2u);
}

TEST(SidecarExport, EmptyCaptionWritesNothing) {
  Dataset d({"a.png"}, "set");
  d.answer(0, " \n");
  const SidecarExportPlan p = d.plan();
  EXPECT_TRUE(p.files.empty());
  EXPECT_EQ(p.empty_captions, 1u);
}

TEST(SidecarExport, ReplaceKeepsABackupOnlyOfADifferentCaption) {
  test::TempDir dir;
  const fs::path f = dir / "a.txt";
  bool backed_up = true;
  EXPECT_TRUE(replace_file_keeping_backup(f, "one", &backed_up));
  EXPECT_FALSE(backed_up);
  EXPECT_FALSE(fs::exists(dir / "a.txt.bak"));
  test::write_text(f, "\xEF\xBB\xBF" "one\r\n");  // the same caption, as another tool wrote it
  EXPECT_FALSE(replace_file_keeping_backup(f, "one", &backed_up));
  EXPECT_EQ(test::read_text(f), "\xEF\xBB\xBF" "one\r\n");
  EXPECT_TRUE(replace_file_keeping_backup(f, "two", &backed_up));
  EXPECT_TRUE(backed_up);
  EXPECT_EQ(test::read_text(f), "two");
  EXPECT_EQ(test::read_text(dir / "a.txt.bak"), "\xEF\xBB\xBF" "one\r\n");
  test::write_text(f, "caf\xE9");  // not a caption gloss can read: replaced, kept
  EXPECT_TRUE(replace_file_keeping_backup(f, "three", &backed_up));
  EXPECT_EQ(test::read_text(dir / "a.txt.bak"), "caf\xE9");
  fs::create_directories(dir / "d.txt");
  EXPECT_THROW(replace_file_keeping_backup(dir / "d.txt", "x", nullptr), UserError);
  std::size_t entries = 0;
  for (const auto& e : fs::directory_iterator(dir.path())) entries += !e.is_directory();
  EXPECT_EQ(entries, 2u);  // a.txt and a.txt.bak: no temporary files left
}

TEST(SidecarExport, AFileThatCannotBeWrittenIsAProblemAndTheOthersAreWritten) {
  test::TempDir dir;
  test::write_text(dir / "blocker", "a file where a folder should be");
  const SidecarWriteResult r =
      write_sidecar_files({{dir / "blocker/a.txt", "one", "a.png"}, {dir / "ok/b.txt", "two", "b.png"}});
  ASSERT_EQ(r.problems.size(), 1u);
  EXPECT_EQ(r.problems[0].where, (dir / "blocker/a.txt").string());
  EXPECT_EQ(r.written, 1u);
  EXPECT_EQ(test::read_text(dir / "ok/b.txt"), "two");
  EXPECT_EQ(test::read_text(dir / "blocker"), "a file where a folder should be");
}

}  // namespace
}  // namespace gloss
