// Sidecar captions: reading photo.txt beside photo.png, keeping it as the
// "sidecar" suggestion, and the caption session pre-filling it.
#include "core/lmdb_store.h"
#include "core/sidecar.h"

#include <gtest/gtest.h>

#include "core/caption_session.h"
#include "core/error.h"
#include "core/sidecar_scan.h"
#include "test_util.h"

namespace gloss {
namespace {
namespace fs = std::filesystem;

SidecarCaption read(std::string_view bytes) { return caption_from_sidecar(bytes, "x.txt"); }

TEST(SidecarText, TrimsAndToleratesBomAndCrlf) {
  EXPECT_EQ(read("a cat on a mat\n").text, "a cat on a mat");
  EXPECT_EQ(read("  a cat \t\r\n\r\n").text, "a cat");
  EXPECT_EQ(read("\xEF\xBB\xBF" "1girl, solo\r\n").text, "1girl, solo");
  EXPECT_EQ(read("\xEF\xBB\xBF" "1girl, solo\r\n").lines, 1);
}

TEST(SidecarText, SeveralLinesAreJoinedWithOneSpace) {
  const SidecarCaption c = read("a dog\r\n\n  running on grass  \rat dusk\n");
  EXPECT_EQ(c.text, "a dog running on grass at dusk");
  EXPECT_EQ(c.lines, 3);
}

TEST(SidecarText, EmptyOrBlankIsNoCaption) {
  EXPECT_EQ(read("").text, "");
  EXPECT_EQ(read("\xEF\xBB\xBF").text, "");
  EXPECT_EQ(read(" \r\n\t\n").text, "");
  EXPECT_EQ(read(" \r\n\t\n").lines, 0);
}

TEST(SidecarText, KeepsUtf8AndRefusesOtherEncodingsNamingTheFile) {
  EXPECT_EQ(read("猫が座っている — кошка\n").text, "猫が座っている — кошка");
  try {
    read("caf\xE9 au lait");  // Latin-1
    FAIL() << "Latin-1 accepted";
  } catch (const UserError& e) {
    EXPECT_EQ(std::string(e.what()), "x.txt: not UTF-8 text (byte 0xE9 at offset 3); save it as UTF-8");
  }
  EXPECT_THROW(read("\xC0\xAF"), UserError);          // overlong '/'
  EXPECT_THROW(read("\xED\xA0\x80"), UserError);      // a UTF-16 surrogate
  EXPECT_THROW(read("ok \xE2\x82"), UserError);       // truncated at the end
  try {
    read(std::string("\xFF\xFE" "a\0", 4));
    FAIL() << "UTF-16 accepted";
  } catch (const UserError& e) {
    EXPECT_NE(std::string(e.what()).find("is UTF-16"), std::string::npos) << e.what();
  }
}

TEST(SidecarText, ExtensionWithOrWithoutTheDot) {
  EXPECT_EQ(sidecar_extension("txt"), ".txt");
  EXPECT_EQ(sidecar_extension(".caption"), ".caption");
  EXPECT_THROW(sidecar_extension(""), UserError);
  EXPECT_THROW(sidecar_extension("."), UserError);
  EXPECT_THROW(sidecar_extension("a/b"), UserError);
  EXPECT_EQ(sidecar_path("/d/photo.v2.png", ".txt"), fs::path("/d/photo.v2.txt"));
}

TEST(SidecarText, CaptionAsOneLine) {
  EXPECT_EQ(caption_as_line("  a cat\non a mat \r\n"), "a cat on a mat");
  EXPECT_EQ(caption_as_line(" \n "), "");
}

TEST(SidecarRecords, TaskRootRoundTripsAndOlderRecordsHaveNone) {
  Task t{7, "/data/set/sub/a.png", 4, 3, 99};
  const std::string old_layout = encode(t);
  EXPECT_EQ(decode_task(old_layout).root, "");
  t.root = "/data/set";
  const std::string with_root = encode(t);
  EXPECT_EQ(with_root.substr(0, old_layout.size()), old_layout);  // a trailing field, nothing else moves
  EXPECT_EQ(decode_task(with_root).root, "/data/set");
  EXPECT_EQ(decode_task(with_root).path, t.path);
  EXPECT_THROW(decode_task(with_root.substr(0, with_root.size() - 1)), StoreError);
}

struct Folder {
  test::TempDir dir;
  fs::path img() const { return dir / "img"; }
  SourceScan scan() const {
    SourceScan s = scan_source(img());
    set_source_root(s.tasks, source_root(img()));
    return s;
  }
};

TEST(SidecarScan, ReadsEachImagesSidecarAndReportsOnlyStrays) {
  Folder f;
  test::write_test_png(f.img() / "a.png", 1);
  test::write_text(f.img() / "a.txt", "a red square\n");
  test::write_test_png(f.img() / "sub/b.png", 2);  // no sidecar
  test::write_test_png(f.img() / "c.png", 3);
  test::write_text(f.img() / "c.txt", "");
  test::write_test_png(f.img() / "d.png", 4);
  test::write_text(f.img() / "d.txt", "caf\xE9");
  test::write_text(f.img() / "orphan.txt", "no image");
  SourceScan scan = f.scan();
  const SidecarScan s = read_sidecars(scan, ".txt");
  ASSERT_EQ(scan.tasks.size(), 4u);
  ASSERT_EQ(s.captions.size(), 1u);
  EXPECT_EQ(s.captions[0].first, scan.tasks[0].hash);
  EXPECT_EQ(s.captions[0].second, "a red square");
  EXPECT_EQ(s.empty.size(), 1u);
  EXPECT_EQ(s.missing, 1u);
  ASSERT_EQ(s.problems.size(), 1u);
  EXPECT_EQ(s.problems[0].where, (f.img() / "d.txt").string());
  EXPECT_NE(s.problems[0].reason.find("not UTF-8"), std::string::npos);
  ASSERT_EQ(scan.problems.size(), 1u) << scan.problems[0].message();
  EXPECT_EQ(fs::path(scan.problems[0].where).filename(), "orphan.txt");
  EXPECT_NE(scan.problems[0].reason.find("no image beside it"), std::string::npos);
  EXPECT_EQ(problem_kind(scan.problems[0]), "caption without an image");
  EXPECT_EQ(scan.tasks[1].root, f.img().string());
}

TEST(SidecarScan, ImagesSharingAStemBothReadIt) {
  Folder f;
  test::write_test_png(f.img() / "a.png", 1);
  test::write_test_png(f.img() / "a.jpg", 2);  // PNG bytes; the name is what matters here
  test::write_text(f.img() / "a.txt", "shared");
  test::write_test_png(f.img() / "copy/a.png", 1);  // same bytes as a.png: a duplicate,
  test::write_text(f.img() / "copy/a.txt", "dup");  // and its sidecar is not a stray
  SourceScan scan = f.scan();
  const SidecarScan s = read_sidecars(scan, ".txt");
  ASSERT_EQ(scan.tasks.size(), 2u);
  ASSERT_EQ(s.captions.size(), 2u);
  EXPECT_EQ(s.captions[0].second, "shared");
  EXPECT_EQ(s.captions[1].second, "shared");
  EXPECT_TRUE(scan.problems.empty()) << scan.problems[0].message();
}

TEST(SidecarScan, OtherExtension) {
  Folder f;
  test::write_test_png(f.img() / "a.png", 1);
  test::write_text(f.img() / "a.txt", "not this");
  test::write_text(f.img() / "a.caption", "this");
  SourceScan scan = f.scan();
  const SidecarScan s = read_sidecars(scan, ".caption");
  ASSERT_EQ(s.captions.size(), 1u);
  EXPECT_EQ(s.captions[0].second, "this");
  // a.txt is not a caption now: another text file, left alone and not reported.
  EXPECT_TRUE(scan.problems.empty());
  ASSERT_EQ(scan.other_files.size(), 2u);  // a.caption and a.txt, in name order
  EXPECT_EQ(fs::path(scan.other_files[1]).filename(), "a.txt");
}

TEST(SidecarScan, SavedAsSuggestionsNewerTextWinsEmptyClearsMissingKeeps) {
  Folder f;
  test::write_test_png(f.img() / "a.png", 1);
  test::write_test_png(f.img() / "b.png", 2);
  test::write_text(f.img() / "a.txt", "first");
  test::write_text(f.img() / "b.txt", "bee");
  LmdbStore store(StoreOptions{f.dir / "db"});
  SourceScan scan = f.scan();
  SidecarSaved saved = save_sidecar_suggestions(store, read_sidecars(scan, ".txt"));
  EXPECT_EQ(saved.added, 2u);
  const auto a = scan.tasks[0].hash, b = scan.tasks[1].hash;
  EXPECT_EQ(store.suggestion(kSidecarSource, a)->caption, "first");

  test::write_text(f.img() / "a.txt", "second\n");
  fs::remove(f.img() / "b.txt");
  scan = f.scan();
  saved = save_sidecar_suggestions(store, read_sidecars(scan, ".txt"));
  EXPECT_EQ(saved.replaced, 1u);
  EXPECT_EQ(store.suggestion(kSidecarSource, a)->caption, "second");
  EXPECT_EQ(store.suggestion(kSidecarSource, b)->caption, "bee");

  test::write_text(f.img() / "a.txt", "  \n");
  scan = f.scan();
  saved = save_sidecar_suggestions(store, read_sidecars(scan, ".txt"));
  EXPECT_EQ(saved.cleared, 1u);
  EXPECT_EQ(store.suggestion(kSidecarSource, a)->caption, "");
}

TEST(SidecarScan, TaskRootIsStoredAndLearntByOldTasks) {
  Folder f;
  test::write_test_png(f.img() / "sub/a.png", 1);
  LmdbStore store(StoreOptions{f.dir / "db"});
  SourceScan scan = scan_source(f.img());  // as an older gloss: no root
  store.add_tasks("d", scan.tasks);
  EXPECT_EQ(store.task(scan.tasks[0].hash)->root, "");
  scan = f.scan();
  store.add_tasks("d", scan.tasks);
  EXPECT_EQ(store.task(scan.tasks[0].hash)->root, f.img().string());
  SourceScan elsewhere = scan_source(f.img() / "sub");
  set_source_root(elsewhere.tasks, source_root(f.img() / "sub"));
  store.add_tasks("e", elsewhere.tasks);  // first root kept, with its path
  EXPECT_EQ(store.task(scan.tasks[0].hash)->root, f.img().string());
}

TEST(SidecarSession, PrefillsTheSidecarAsTheSuggestionAndKeepsItAsOrigCaption) {
  Folder f;
  test::write_test_png(f.img() / "a.png", 1);
  test::write_test_png(f.img() / "b.png", 2);
  test::write_text(f.img() / "a.txt", "a tagger's caption");
  LmdbStore store(StoreOptions{f.dir / "db"});
  SourceScan scan = f.scan();
  store.add_tasks("d", scan.tasks);
  save_sidecar_suggestions(store, read_sidecars(scan, ".txt"));
  store.put_suggestion("model-x", scan.tasks[0].hash, {"the model's caption", {}, 0.f, 0.5f, 0});
  store.put_suggestion("model-x", scan.tasks[1].hash, {"model for b", {}, 0.f, 0.5f, 0});

  CaptionSession s(store, "d", "sess", "model-x");
  s.use_sidecar_suggestions(true);
  s.open_first_unanswered(1);
  EXPECT_EQ(s.box(), "a tagger's caption");
  EXPECT_EQ(s.suggestion_source(), "sidecar");
  EXPECT_EQ(s.suggestion_state(), SuggestionState::ready);
  s.offer_suggestion(scan.tasks[0].hash, {"late model caption", {}, 0.f, 0.9f, 0});
  EXPECT_EQ(s.box(), "a tagger's caption");
  s.edit_box("a tagger's corrected caption");
  s.accept(2);
  const Answer a = *store.answer_at(store.require_dataset("d"), 0, default_annotator());
  EXPECT_EQ(a.orig_caption, "a tagger's caption");
  EXPECT_EQ(a.caption, "a tagger's corrected caption");
  EXPECT_EQ(a.model, "sidecar");
  EXPECT_EQ(s.box(), "model for b");  // no sidecar: the model suggests
  EXPECT_EQ(s.suggestion_source(), "model-x");

  CaptionSession off(store, "d", "sess2", "model-x");  // sidecars not asked for: the model's
  off.open(0, 3);
  off.next(4);
  EXPECT_EQ(off.box(), "model for b");
  off.previous(5);
  EXPECT_EQ(off.suggestion_source(), "sidecar");  // answered: what it was answered from
}

TEST(SidecarSession, ManualCaptioningStillShowsTheSidecar) {
  Folder f;
  test::write_test_png(f.img() / "a.png", 1);
  test::write_text(f.img() / "a.txt", "by hand? no, by tagger");
  LmdbStore store(StoreOptions{f.dir / "db"});
  SourceScan scan = f.scan();
  store.add_tasks("d", scan.tasks);
  save_sidecar_suggestions(store, read_sidecars(scan, ".txt"));
  CaptionSession s(store, "d", "sess", "");
  s.use_sidecar_suggestions(true);
  s.open_first_unanswered(1);
  EXPECT_EQ(s.box(), "by hand? no, by tagger");
  s.revert();
  EXPECT_EQ(s.box(), "by hand? no, by tagger");
}

}  // namespace
}  // namespace gloss
