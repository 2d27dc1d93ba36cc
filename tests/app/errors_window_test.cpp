// Runs the real `gloss errors` window under xvfb-run with a --replay script
// over a source dataset made with `gloss db-in`, then checks what `gloss
// db-out` and `gloss stats` report. Skipped where xvfb-run is not installed.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/image.h"
#include "test_util.h"

namespace gloss {
namespace {

namespace fs = std::filesystem;
using test::TempDir;
using nlohmann::json;


int gloss(const TempDir& dir, const std::string& args, const std::string& out_file) {
  const std::string command = "cd '" + dir.path().string() + "' && '" GLOSS_BINARY "' --db db " + args + " > " +
                              out_file + " 2>&1";
  return WEXITSTATUS(std::system(command.c_str()));
}

// Five answers: four corrections (two models) and one accepted as suggested.
void write_source(const TempDir& dir) {
  const char* pairs[][3] = {
      {"a red circle on a grey background", "a blue circle on a grey background", "model-a"},
      {"a red square on a grey background", "a red square on a grey background", "model-a"},
      {"a red circle", "two red circles", "model-a"},
      {"a red star on a grey background", "a red square on a white background", "model-b"},
      {"a dog on a sofa", "a cat on a sofa", "model-b"},
  };
  std::string jsonl;
  for (int i = 0; i < 5; ++i) {
    const std::string image = "images/" + std::to_string(i) + ".png";
    test::write_test_png(dir / image, static_cast<std::uint32_t>(200 + i), 64, 48);
    jsonl += json{{"image", image}, {"orig_caption", pairs[i][0]}, {"caption", pairs[i][1]},
                  {"model", pairs[i][2]}, {"answer", "accept"}}.dump() + "\n";
  }
  test::write_text(dir / "src.jsonl", jsonl);
}

TEST(ErrorsWindow, ReplayedPassStoresTheTickedCategoriesAndTheGuess) {
  if (!test::on_path("xvfb-run")) GTEST_SKIP() << "xvfb-run is not installed";
  TempDir dir;
  write_source(dir);
  ASSERT_EQ(gloss(dir, "db-in src src.jsonl", "in.txt"), 0) << test::read_text(dir / "in.txt");
  // Keys: 1 subject, 2 attributes, 3 background, 4 number, 5 wording, 6 other.
  test::write_text(dir / "replay.txt",
                   "wait-idle\n"
                   "key 6\n"        // attributes (guessed) + other
                   "key Enter\n"
                   "key 4\n"        // untick the guessed number ...
                   "key 1\n"        // ... it was the subject
                   "key Enter\n"
                   "key Ctrl+I\n"   // skip the star/square one
                   "key Enter\n"    // subject, as guessed (dog -> cat)
                   "key Ctrl+Z\n"   // reopens it, ticked as stored
                   "key 2\n"
                   "screenshot errors.png\n"
                   "key Enter\n"
                   "quit\n");
  const std::string command = "cd '" + dir.path().string() +
                              "' && timeout 180 xvfb-run -a -s '-screen 0 1280x800x24' '" GLOSS_BINARY
                              "' --db db errors out --from src --session t --replay replay.txt "
                              "--screenshot final.png > run.txt 2>&1";
  ASSERT_EQ(WEXITSTATUS(std::system(command.c_str())), 0) << test::read_text(dir / "run.txt");
  const std::string run = test::read_text(dir / "run.txt");
  EXPECT_NE(run.find("4 corrections from 'src'"), std::string::npos) << run;
  EXPECT_NE(run.find("categories stored 3"), std::string::npos) << run;
  EXPECT_NE(run.find("skipped           1"), std::string::npos) << run;

  ASSERT_EQ(gloss(dir, "db-out out", "out.jsonl"), 0) << test::read_text(dir / "out.jsonl");
  std::map<std::string, json> by_caption;
  std::istringstream lines(test::read_text(dir / "out.jsonl"));
  for (std::string line; std::getline(lines, line);)
    if (!line.empty()) {
      const json j = json::parse(line);
      by_caption[j["caption"]] = j;
    }
  ASSERT_EQ(by_caption.size(), 4u) << test::read_text(dir / "out.jsonl");
  const json& blue = by_caption["a blue circle on a grey background"];
  EXPECT_EQ(blue["answer"], "accept");
  EXPECT_EQ(blue["categories"], json({"attributes", "other"}));
  EXPECT_EQ(blue["guess"], json({"attributes"}));
  EXPECT_EQ(blue["guess_kept"], false);
  EXPECT_EQ(blue["orig_caption"], "a red circle on a grey background");
  EXPECT_EQ(blue["model"], "model-a");
  const json& two = by_caption["two red circles"];
  EXPECT_EQ(two["categories"], json({"subject"}));
  EXPECT_EQ(two["guess"], json({"number"}));
  EXPECT_EQ(by_caption["a red square on a white background"]["answer"], "ignore");
  const json& cat = by_caption["a cat on a sofa"];
  EXPECT_EQ(cat["categories"], json({"subject", "attributes"}));
  EXPECT_EQ(cat["guess"], json({"subject"}));  // the everyday guess: a thing replaced
  EXPECT_EQ(cat["guess_kept"], false);

  ASSERT_EQ(gloss(dir, "stats out", "stats.txt"), 0);
  const std::string stats = test::read_text(dir / "stats.txt");
  EXPECT_NE(stats.find("error categories, model model-a (2 answers"), std::string::npos) << stats;
  EXPECT_NE(stats.find("error categories, model model-b (1 answers"), std::string::npos) << stats;
  EXPECT_NE(stats.find("precision"), std::string::npos) << stats;

  for (const char* shot : {"errors.png", "final.png"}) {
    ASSERT_TRUE(fs::exists(dir / shot)) << shot;
    const Image image = decode_image_file(dir / shot);
    EXPECT_GE(image.width, 640) << shot;
  }
}

TEST(ErrorsWindow, LabelReplacesTheCategoriesAndAllTakesUnchangedAnswers) {
  if (!test::on_path("xvfb-run")) GTEST_SKIP() << "xvfb-run is not installed";
  TempDir dir;
  write_source(dir);
  ASSERT_EQ(gloss(dir, "db-in src src.jsonl", "in.txt"), 0) << test::read_text(dir / "in.txt");
  test::write_text(dir / "replay.txt", "key 2\nkey Enter\nkey 1\nkey Enter\nquit\n");
  const std::string command = "cd '" + dir.path().string() +
                              "' && timeout 180 xvfb-run -a -s '-screen 0 1280x800x24' '" GLOSS_BINARY
                              "' --db db errors out --from src --all --label 'colour, attributes' "
                              "--replay replay.txt > run.txt 2>&1";
  ASSERT_EQ(WEXITSTATUS(std::system(command.c_str())), 0) << test::read_text(dir / "run.txt");
  EXPECT_NE(test::read_text(dir / "run.txt").find("5 accepted answers from 'src'"), std::string::npos)
      << test::read_text(dir / "run.txt");
  ASSERT_EQ(gloss(dir, "db-out out", "out.jsonl"), 0);
  std::istringstream lines(test::read_text(dir / "out.jsonl"));
  std::vector<json> answers;
  for (std::string line; std::getline(lines, line);)
    if (!line.empty()) answers.push_back(json::parse(line));
  ASSERT_EQ(answers.size(), 2u);
  // The first one's guess (attributes) is pre-ticked; 2 unticks it.
  EXPECT_EQ(answers[0]["categories"], json::array());
  EXPECT_EQ(answers[0]["guess"], json({"attributes"}));
  // The second was accepted unchanged: no guess, and 1 ticks "colour".
  EXPECT_EQ(answers[1]["caption"], answers[1]["orig_caption"]);
  EXPECT_EQ(answers[1]["categories"], json({"colour"}));
  EXPECT_EQ(answers[1]["guess"], json::array());
}

TEST(ErrorsWindow, NoCorrectionsIsAnErrorNamingTheDataset) {
  TempDir dir;
  test::write_test_png(dir / "images/0.png", 7);
  test::write_text(dir / "src.jsonl",
                   R"({"image": "images/0.png", "orig_caption": "a cat", "caption": "a cat", "answer": "accept"})"
                   "\n");
  ASSERT_EQ(gloss(dir, "db-in src src.jsonl", "in.txt"), 0) << test::read_text(dir / "in.txt");
  EXPECT_EQ(gloss(dir, "errors out --from src", "run.txt"), 1);
  EXPECT_NE(test::read_text(dir / "run.txt").find("'src' has no corrected captions"), std::string::npos)
      << test::read_text(dir / "run.txt");
}

}  // namespace
}  // namespace gloss
