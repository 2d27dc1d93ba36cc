// Runs the real `gloss caption` window under xvfb-run with a --replay script
// and checks what reached the store. Skipped where xvfb-run is not installed.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "core/image.h"
#include "core/lmdb_store.h"
#include "core/synth.h"
#include "test_util.h"

namespace gloss {
namespace {

namespace fs = std::filesystem;
using test::TempDir;


struct WindowRun {
  int status = -1;
  std::string output;
};

WindowRun run_caption(const TempDir& dir, const std::string& model, const std::string& replay) {
  test::write_text(dir / "replay.txt", replay);
  const std::string command =
      "cd '" + dir.path().string() + "' && timeout 180 xvfb-run -a -s '-screen 0 1280x800x24' '" GLOSS_BINARY
      "' --db db caption shapes images --model '" + model +
      "' --session test --replay replay.txt --screenshot final.png > out.txt 2>&1";
  WindowRun run;
  run.status = std::system(command.c_str());
  run.output = test::read_text(dir / "out.txt");
  return run;
}

void write_images(const TempDir& dir, int count) {
  for (int i = 0; i < count; ++i) {
    char name[32];
    std::snprintf(name, sizeof name, "images/%02d.png", i);
    test::write_test_png(dir / name, static_cast<std::uint32_t>(100 + i), 48, 36);
  }
}

// Not blank: the picture has many distinct colours, not one flat fill.
void expect_not_blank(const fs::path& png) {
  ASSERT_TRUE(fs::exists(png)) << png;
  const Image shot = decode_image_file(png);
  EXPECT_GE(shot.width, 640);
  std::size_t differing = 0;
  for (std::size_t i = 3; i < shot.rgb.size(); i += 3)
    differing += shot.rgb[i] != shot.rgb[0] || shot.rgb[i + 1] != shot.rgb[1];
  EXPECT_GT(differing, shot.rgb.size() / 30) << png << " looks blank";
}

TEST(CaptionWindow, ReplayedManualSessionStoresExactlyTheseAnswers) {
  if (!test::on_path("xvfb-run")) GTEST_SKIP() << "xvfb-run is not installed";
  TempDir dir;
  write_images(dir, 14);
  const WindowRun run = run_caption(dir, "none",
                              "# accept, reject, skip, undo, revert, jump, non-ASCII\n"
                              "type a red circle\n"
                              "key Enter\n"
                              "key Ctrl+R\n"
                              "key Ctrl+I\n"
                              "type oops\n"
                              "key Enter\n"
                              "key Ctrl+Z\n"
                              "key Escape\n"
                              "type two blue squares\n"
                              "key Enter\n"
                              "key Ctrl+G\n"
                              "type 10\n"
                              "key Enter\n"
                              "type ein grünes Dreieck\n"
                              "screenshot typed.png\n"
                              "key Enter\n"
                              "key Ctrl+T\n"
                              "wait-idle\n"
                              "screenshot gallery.png\n"
                              "quit\n");
  ASSERT_EQ(run.status, 0) << run.output;
  EXPECT_NE(run.output.find("answered     5"), std::string::npos) << run.output;

  LmdbStore store(StoreOptions{dir / "db"});
  const DatasetInfo info = store.require_dataset("shapes");
  EXPECT_EQ(info.size, 14u);
  EXPECT_EQ(info.answered, 5u);
  const auto a0 = store.answer_at(info, 0, default_annotator());
  ASSERT_TRUE(a0);
  EXPECT_EQ(a0->caption, "a red circle");
  EXPECT_EQ(a0->orig_caption, "");
  EXPECT_EQ(a0->answer, AnswerKind::accept);
  EXPECT_EQ(a0->session, "test");
  EXPECT_EQ(store.answer_at(info, 1, default_annotator())->answer, AnswerKind::reject);
  EXPECT_EQ(store.answer_at(info, 2, default_annotator())->answer, AnswerKind::ignore);
  ASSERT_TRUE(store.answer_at(info, 3, default_annotator()));
  EXPECT_EQ(store.answer_at(info, 3, default_annotator())->caption, "two blue squares");
  ASSERT_TRUE(store.answer_at(info, 9, default_annotator()));
  EXPECT_EQ(store.answer_at(info, 9, default_annotator())->caption, "ein grünes Dreieck");
  for (int p : {4, 5, 8, 10, 13}) EXPECT_FALSE(store.answer_at(info, p, default_annotator())) << p;

  expect_not_blank(dir / "typed.png");
  expect_not_blank(dir / "gallery.png");
  expect_not_blank(dir / "final.png");
}

TEST(CaptionWindow, ModelThatCannotBeLoadedStillOpensTheWindowWithoutSuggestions) {
  if (!test::on_path("xvfb-run")) GTEST_SKIP() << "xvfb-run is not installed";
  TempDir dir;
  write_images(dir, 3);
  // A truncated copy of the bundled model's first bytes: the header claims more than there is.
  const std::string bundled = test::read_text(fs::path(GLOSS_SOURCE_DIR) / "models/default.gloss");
  test::write_text(dir / "broken.gloss", bundled.substr(0, std::min<std::size_t>(bundled.size(), 300)));
  const WindowRun run = run_caption(dir, (dir / "broken.gloss").string(),
                                    "type a red circle\n"
                                    "key Enter\n"
                                    "screenshot notice.png\n"
                                    "quit\n");
  ASSERT_EQ(run.status, 0) << run.output;
  EXPECT_NE(run.output.find("broken.gloss"), std::string::npos) << run.output;
  EXPECT_NE(run.output.find("opening the window without suggestions"), std::string::npos) << run.output;
  LmdbStore store(StoreOptions{dir / "db"});
  const auto a0 = store.answer_at(store.require_dataset("shapes"), 0, default_annotator());
  ASSERT_TRUE(a0);
  EXPECT_EQ(a0->caption, "a red circle");
  EXPECT_TRUE(a0->orig_caption.empty());
  expect_not_blank(dir / "notice.png");
}

// The store refuses a save (here: the file may not grow, as on a full disk):
// the window says so, keeps the task open, and goes on until the annotator quits.
TEST(CaptionWindow, RefusedSaveIsReportedAndTheSessionGoesOn) {
  if (!test::on_path("xvfb-run")) GTEST_SKIP() << "xvfb-run is not installed";
  TempDir dir;
  write_images(dir, 3);
  ASSERT_EQ(std::system(("cd '" + dir.path().string() + "' && '" GLOSS_BINARY "' --db db add shapes images > add.txt 2>&1").c_str()), 0);
  const auto size = fs::file_size(dir / "db/data.mdb");
  // Room for opening the store (64 KiB; bash counts ulimit -f in KiB, dash
  // in 512-byte blocks), not for 100,000 characters: 25
  // contiguous overflow pages at the end of the file.
  test::write_text(dir / "replay.txt", "type " + std::string(100000, 'x') + "\nkey Enter\nkey PageDown\nquit\n");
  const std::string command =
      "cd '" + dir.path().string() + "' && timeout 180 xvfb-run -a -s '-screen 0 1280x800x24' bash -c \"trap '' XFSZ; ulimit -f " +
      std::to_string(size / 1024 + 64) + "; exec '" GLOSS_BINARY "' --db db caption shapes images --model none --replay replay.txt\" > out.txt 2>&1";
  const int status = std::system(command.c_str());
  const std::string output = test::read_text(dir / "out.txt");
  ASSERT_EQ(WEXITSTATUS(status), 0) << output;
  EXPECT_NE(output.find("nothing saved so far is lost"), std::string::npos) << output;
  EXPECT_NE(output.find("Session summary"), std::string::npos) << output;
  LmdbStore store(StoreOptions{dir / "db"});
  EXPECT_FALSE(store.answer_at(store.require_dataset("shapes"), 0, default_annotator()));
}

TEST(CaptionWindow, BadReplayLineFailsBeforeTheWindowOpens) {
  TempDir dir;
  write_images(dir, 2);
  test::write_text(dir / "bad.txt", "type hello\nfrobnicate\n");
  const std::string command = "cd '" + dir.path().string() + "' && '" GLOSS_BINARY
                              "' --db db caption shapes images --model none --replay bad.txt > out.txt 2>&1";
  const int status = std::system(command.c_str());
  EXPECT_EQ(WEXITSTATUS(status), 1);
  EXPECT_NE(test::read_text(dir / "out.txt").find("bad.txt:2"), std::string::npos);
}

TEST(CaptionWindow, SessionWithTheDefaultModelStoresItsSuggestion) {
  if (!test::on_path("xvfb-run")) GTEST_SKIP() << "xvfb-run is not installed";
  // GLOSS_TEST_MODEL points at another model file (e.g. a tiny one trained for a manual check).
  const char* override_model = std::getenv("GLOSS_TEST_MODEL");
  const fs::path model = override_model && *override_model ? fs::path(override_model)
                                                           : fs::path(GLOSS_SOURCE_DIR) / "models/default.gloss";
  if (!fs::exists(model)) GTEST_SKIP() << "no model at " << model;
  TempDir dir;
  // Scenes like the bundled model's training images: their suggestions are
  // pre-filled (random pixels would be flagged as unlike them, and not be).
  for (int i = 0; i < 6; ++i) {
    const SynthSample scene = synth_sample(7, static_cast<std::uint64_t>(i));
    char name[32];
    std::snprintf(name, sizeof name, "images/%02d.png", i);
    fs::create_directories(dir / "images");
    write_png(dir / name, render_scene(scene.scene, 64, scene.noise_seed));
  }
  const WindowRun run = run_caption(dir, model.string(),
                              "wait-suggestion\n"
                              "key Enter\n"
                              "wait-suggestion\n"
                              "type  and more\n"
                              "key Enter\n"
                              "quit\n");
  ASSERT_EQ(run.status, 0) << run.output;
  LmdbStore store(StoreOptions{dir / "db"});
  const DatasetInfo info = store.require_dataset("shapes");
  const auto a0 = store.answer_at(info, 0, default_annotator()), a1 = store.answer_at(info, 1, default_annotator());
  ASSERT_TRUE(a0 && a1);
  EXPECT_FALSE(a0->orig_caption.empty());
  EXPECT_EQ(a0->caption, a0->orig_caption);
  EXPECT_FALSE(a0->model.empty());
  EXPECT_EQ(a1->caption, a1->orig_caption + " and more");
  EXPECT_EQ(a1->edit_distance, 2);
  expect_not_blank(dir / "final.png");
}

}  // namespace
}  // namespace gloss
