// The caption window with the bundled model on real photos (scikit-image's
// samples) under xvfb-run: a suggestion flagged as unlike the training
// images is shown greyed and not pre-filled, Ctrl+E takes it into the box,
// a synthetic scene's suggestion is pre-filled as always, and a folder of
// mostly photos gets its one warning. GLOSS_KEEP_SCREENSHOTS=DIR keeps the
// screenshots for a look.
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

const fs::path kPhotos = "/usr/lib/python3/dist-packages/skimage/data";

struct WindowRun {
  int status = -1;
  std::string output;
};

WindowRun run_caption(const TempDir& dir, const std::string& replay) {
  test::write_text(dir / "replay.txt", replay);
  const std::string command =
      "cd '" + dir.path().string() + "' && OMP_WAIT_POLICY=PASSIVE timeout 180 xvfb-run -a -s '-screen 0 1280x800x24' '" GLOSS_BINARY
      "' --db db caption photos images --model '" GLOSS_SOURCE_DIR "/models/default.gloss' --session test "
      "--replay replay.txt > out.txt 2>&1";
  WindowRun run;
  run.status = std::system(command.c_str());
  run.output = test::read_text(dir / "out.txt");
  return run;
}

void keep_screenshots(const TempDir& dir) {
  const char* keep = std::getenv("GLOSS_KEEP_SCREENSHOTS");
  if (!keep) return;
  fs::create_directories(keep);
  for (const auto& e : fs::directory_iterator(dir.path()))
    if (e.path().extension() == ".png")
      fs::copy_file(e.path(), fs::path(keep) / ("guess-" + e.path().filename().string()),
                    fs::copy_options::overwrite_existing);
}

// Five photos, then one synthetic scene (file names give the order).
void write_images(const TempDir& dir) {
  fs::create_directories(dir / "images");
  const char* photos[] = {"chelsea.png", "astronaut.png", "coffee.png", "motorcycle_left.png", "rocket.jpg"};
  char name[64];
  for (int i = 0; i < 5; ++i) {
    std::snprintf(name, sizeof name, "images/%d-%s", i, photos[i]);
    fs::copy_file(kPhotos / photos[i], dir / name);
  }
  const SynthSample scene = synth_sample(7, 0);
  write_png(dir / "images/9-scene.png", render_scene(scene.scene, 64, scene.noise_seed));
}

TEST(GuessWindow, FlaggedSuggestionIsNotPrefilledAndCtrlETakesIt) {
  if (!test::on_path("xvfb-run")) GTEST_SKIP() << "xvfb-run is not installed";
  if (!fs::exists(kPhotos / "chelsea.png")) GTEST_SKIP() << "no scikit-image photos: apt-get install python3-skimage";
  TempDir dir;
  write_images(dir);
  // Enter on the empty box saves nothing: had the guess been pre-filled it
  // would have saved the cat and the rest would land one image later.
  const WindowRun run = run_caption(dir,
                                    "wait-suggestion\n"
                                    "wait-idle\n"
                                    "screenshot guess.png\n"
                                    "key Enter\n"
                                    "key Ctrl+E\n"
                                    "screenshot taken.png\n"
                                    "key Enter\n"                   // the cat, with the model's guess
                                    "wait-suggestion\n"
                                    "type an astronaut in front of a flag\n"
                                    "key Enter\n"                   // the astronaut, typed
                                    "key Ctrl+G\n"
                                    "type 6\n"
                                    "key Enter\n"
                                    "wait-suggestion\n"
                                    "screenshot scene.png\n"
                                    "key Enter\n"                   // the scene, pre-filled
                                    "quit\n");
  ASSERT_EQ(run.status, 0) << run.output;
  keep_screenshots(dir);

  LmdbStore store(StoreOptions{dir / "db"});
  const DatasetInfo info = store.require_dataset("photos");
  ASSERT_EQ(info.size, 6u);
  EXPECT_EQ(info.answered, 3u) << run.output;
  const auto cat = store.answer_at(info, 0, default_annotator()), astronaut = store.answer_at(info, 1, default_annotator()), scene = store.answer_at(info, 5, default_annotator());
  ASSERT_TRUE(cat && astronaut && scene) << run.output;
  EXPECT_FALSE(cat->orig_caption.empty());
  EXPECT_EQ(cat->caption, cat->orig_caption) << "Ctrl+E took the guess as it was";
  EXPECT_EQ(astronaut->caption, "an astronaut in front of a flag") << "typed into an empty box";
  EXPECT_FALSE(astronaut->orig_caption.empty());
  EXPECT_EQ(scene->caption, scene->orig_caption) << "a scene's suggestion is pre-filled";
  // What the cache holds says why.
  const auto cat_suggestion = store.suggestion(cat->model, cat->task);
  const auto scene_suggestion = store.suggestion(scene->model, scene->task);
  ASSERT_TRUE(cat_suggestion && scene_suggestion);
  EXPECT_TRUE(cat_suggestion->unlike_training);
  EXPECT_FALSE(scene_suggestion->unlike_training);
  EXPECT_LT(scene_suggestion->ood_score, cat_suggestion->ood_score);

  // Five of the first six flagged: said once, in the window and the terminal.
  const std::string warning = "The bundled model was trained on synthetic scenes";
  const auto first = run.output.find(warning);
  EXPECT_NE(first, std::string::npos) << run.output;
  EXPECT_EQ(run.output.find(warning, first + 1), std::string::npos) << "said more than once";
  for (const char* shot : {"guess.png", "taken.png", "scene.png"}) EXPECT_TRUE(fs::exists(dir / shot)) << shot;
}

TEST(GuessWindow, ScenesAloneBringNoWarning) {
  if (!test::on_path("xvfb-run")) GTEST_SKIP() << "xvfb-run is not installed";
  TempDir dir;
  fs::create_directories(dir / "images");
  char name[64];
  for (int i = 0; i < 6; ++i) {
    const SynthSample scene = synth_sample(7, static_cast<std::uint64_t>(i));
    std::snprintf(name, sizeof name, "images/%02d.png", i);
    write_png(dir / name, render_scene(scene.scene, 64, scene.noise_seed));
  }
  const WindowRun run = run_caption(dir, "wait-suggestion\nwait-idle\nkey Enter\nquit\n");
  ASSERT_EQ(run.status, 0) << run.output;
  EXPECT_EQ(run.output.find("look nothing like"), std::string::npos) << run.output;
  LmdbStore store(StoreOptions{dir / "db"});
  const auto a0 = store.answer_at(store.require_dataset("photos"), 0, default_annotator());
  ASSERT_TRUE(a0);
  EXPECT_EQ(a0->caption, a0->orig_caption);
}

}  // namespace
}  // namespace gloss
