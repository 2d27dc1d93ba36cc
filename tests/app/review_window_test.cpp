// Runs the real `gloss review` window under xvfb-run with a --replay script:
// picks, an edit, a send-back and an undo, then checks the reviews that
// reached the store and that the COCO export uses the reviewed captions.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

#include "core/image.h"
#include "core/lmdb_store.h"
#include "app/gloss_run.h"
#include "test_util.h"

namespace gloss {
namespace {

namespace fs = std::filesystem;
using test::TempDir;

using test::GlossRun;
using test::gloss;

// Five images; 0-3 answered by two or three annotators, 4 by one only.
// Most disagreeing first: 2 (1.00), 1 (0.35), 3 (0.33), 0 (0).
void prepare(const TempDir& dir) {
  for (int i = 0; i < 5; ++i) test::write_test_png(dir / ("img/" + std::to_string(i) + ".png"), i + 1, 96, 64);
  const char* lines[][3] = {
      {"0", "ann", "a red circle"},         {"0", "bob", "a red circle"},
      {"1", "ann", "a red circle on grey"}, {"1", "bob", "a red circle on white"},
      {"1", "cat", "a red circle on a white table"},
      {"2", "ann", "a dog"},                {"2", "bob", "two blue squares"},
      {"2", "cat", "a cat"},                {"3", "ann", "a big tree"},
      {"3", "bob", "a large tree"},         {"4", "ann", "a lone caption"},
  };
  std::string jsonl;
  for (const auto& l : lines)
    jsonl += std::string("{\"image\": \"img/") + l[0] + ".png\", \"caption\": \"" + l[2] +
             "\", \"_annotator_id\": \"" + l[1] + "\"}\n";
  test::write_text(dir / "answers.jsonl", jsonl);
  const GlossRun in = gloss(dir, "db-in d answers.jsonl");
  ASSERT_EQ(in.status, 0) << in.output;
}

TEST(ReviewWindow, ReplayedPicksEditSendBackAndUndoAreStoredAsReviews) {
  if (!test::on_path("xvfb-run")) GTEST_SKIP() << "xvfb-run is not installed";
  TempDir dir;
  prepare(dir);
  if (HasFatalFailure()) return;
  test::write_text(dir / "review.replay",
                   "key 2\n"                            // image 2: bob's caption
                   "key Down\nkey Down\nkey E\n"        // image 1: cat's caption, edited
                   "key Ctrl+A\ntype a red circle on a white plate\n"
                   "screenshot edit.png\n"
                   "key Enter\n"
                   "key B\n"                            // image 3: sent back
                   "key 1\n"                            // image 0: ann's ... undone
                   "key Ctrl+Z\n"
                   "screenshot undone.png\n"
                   "key Left\n"                         // back to image 3, as it was decided
                   "quit\n");
  const GlossRun run = gloss(dir, "review d --annotator lead --replay review.replay --screenshot done.png", true);
  ASSERT_EQ(run.status, 0) << run.output;
  EXPECT_NE(run.output.find("4 tasks with answers from two or more annotators"), std::string::npos) << run.output;
  EXPECT_NE(run.output.find("3 decided (1 picked, 1 edited, 1 sent back), 1 undone"), std::string::npos)
      << run.output;

  LmdbStore store(StoreOptions{dir / "db"});
  const DatasetInfo info = store.require_dataset("d");
  auto review_at = [&](std::uint64_t position) { return store.review(info, *store.task_at(info, position)); };
  const auto picked = review_at(2);
  ASSERT_TRUE(picked);
  EXPECT_EQ(picked->verdict, ReviewVerdict::picked);
  EXPECT_EQ(picked->from, "bob");
  EXPECT_EQ(picked->caption, "two blue squares");
  EXPECT_EQ(picked->reviewer, "lead");
  const auto edited = review_at(1);
  ASSERT_TRUE(edited);
  EXPECT_EQ(edited->verdict, ReviewVerdict::edited);
  EXPECT_EQ(edited->from, "cat");
  EXPECT_EQ(edited->caption, "a red circle on a white plate");
  const auto back = review_at(3);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->verdict, ReviewVerdict::sent_back);
  // Sent back: the task goes to one more annotator, never to those who answered it.
  EXPECT_EQ(store.first_unanswered(info, 0, "dan"), 3u);
  EXPECT_FALSE(store.first_unanswered(info, 0, "bob"));
  EXPECT_FALSE(review_at(0)) << "the pick of image 0 was undone";
  EXPECT_FALSE(review_at(4));
  // The answers are never replaced.
  EXPECT_EQ(store.answers_at(info, 1).size(), 3u);
  EXPECT_EQ(store.answer_at(info, 1, "cat")->caption, "a red circle on a white table");

  for (const char* shot : {"edit.png", "undone.png", "done.png"}) {
    ASSERT_TRUE(fs::exists(dir / shot)) << shot;
    EXPECT_EQ(decode_image_file(dir / shot).width, 1280);
  }

  ASSERT_EQ(gloss(dir, "db-out d --format coco -o coco.json").status, 0);
  const auto coco = nlohmann::json::parse(test::read_text(dir / "coco.json"));
  ASSERT_EQ(coco["images"].size(), 5u);
  // The first caption of each image: the reviewed one where there is one.
  std::map<int, std::string> first;
  for (const auto& a : coco["annotations"]) first.emplace(a["image_id"].get<int>(), a["caption"].get<std::string>());
  EXPECT_EQ(first[2], "a red circle on a white plate");
  EXPECT_EQ(first[3], "two blue squares");
  EXPECT_EQ(first[4], "a big tree") << "sent back: no reviewed caption, the answers as they are";
}

// Another annotator answers while the review window is open: dan's caption
// of the open task becomes its third row (key 3 picks it), and image 4,
// answered by one annotator until bob answers it, joins the list.
TEST(ReviewWindow, AnswersSavedWhileItIsOpenShowUp) {
  if (!test::on_path("xvfb-run")) GTEST_SKIP() << "xvfb-run is not installed";
  TempDir dir;
  prepare(dir);
  if (HasFatalFailure()) return;
  // TeamAnswers polls an LMDB store's counts every 3 s: 8 s is time enough.
  test::write_text(dir / "review.replay", "screenshot first.png\nwait 8000\nkey 3\nquit\n");
  GlossRun run;
  std::thread window([&] { run = gloss(dir, "review d --order position --annotator lead --replay review.replay", true); });
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  while (!fs::exists(dir / "first.png") && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  test::write_text(dir / "more.jsonl",
                   "{\"image\": \"img/0.png\", \"caption\": \"a red circle on a white plate\", \"_annotator_id\": \"dan\"}\n"
                   "{\"image\": \"img/4.png\", \"caption\": \"a single caption\", \"_annotator_id\": \"bob\"}\n");
  const std::string in = "cd '" + dir.path().string() + "' && '" GLOSS_BINARY "' --db db db-in d more.jsonl > in.txt 2>&1";
  const int in_status = std::system(in.c_str());
  window.join();
  ASSERT_EQ(in_status, 0) << test::read_text(dir / "in.txt");
  ASSERT_EQ(run.status, 0) << run.output;
  EXPECT_NE(run.output.find("1 of 5 tasks with several answers have a review"), std::string::npos) << run.output;
  LmdbStore store(StoreOptions{dir / "db"});
  const DatasetInfo info = store.require_dataset("d");
  const auto picked = store.review(info, *store.task_at(info, 0));
  ASSERT_TRUE(picked) << run.output;
  EXPECT_EQ(picked->from, "dan");
  EXPECT_EQ(picked->caption, "a red circle on a white plate");
}

TEST(ReviewWindow, RefusesADatasetWithoutOverlappingAnswers) {
  TempDir dir;
  test::write_test_png(dir / "img/0.png", 1);
  test::write_text(dir / "one.jsonl", R"({"image": "img/0.png", "caption": "a caption", "_annotator_id": "ann"})" "\n");
  ASSERT_EQ(gloss(dir, "db-in d one.jsonl").status, 0);
  const GlossRun run = gloss(dir, "review d");
  EXPECT_EQ(WEXITSTATUS(run.status), 1);
  EXPECT_NE(run.output.find("no task in 'd' has answers from two or more annotators"), std::string::npos)
      << run.output;
}

}  // namespace
}  // namespace gloss
