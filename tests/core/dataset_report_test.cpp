// gloss stats' one-pass report prints exactly what the three separate passes
// (counts, error categories with the guess's scores, blind comparisons) do.
#include "core/lmdb_store.h"
#include "core/dataset_report.h"

#include <gtest/gtest.h>

#include "test_util.h"

namespace gloss {
namespace {

Task task(std::uint64_t hash) {
  Task t;
  t.hash = hash;
  t.path = "/images/" + std::to_string(hash) + ".png";
  t.width = t.height = 64;
  return t;
}

TEST(DatasetReport, OnePassEqualsTheSeparatePasses) {
  test::TempDir dir;
  LmdbStore store(StoreOptions{dir / "db"});
  std::vector<Task> tasks;
  for (std::uint64_t i = 1; i <= 40; ++i) tasks.push_back(task(i));
  store.add_tasks("d", tasks);
  const char* categories[] = {"subject", "number", "background", "wording"};
  for (std::uint64_t i = 1; i <= 36; ++i) {
    Answer a;
    a.task = i;
    a.orig_caption = "a red circle";
    a.caption = i % 3 ? "a red circle" : "two blue circles";
    a.model = i % 2 ? "model-a" : "model-b";
    a.answer = i % 11 == 0 ? AnswerKind::reject : AnswerKind::accept;
    a.ms_spent = static_cast<std::int64_t>(i) * 100;
    a.edit_distance = i % 3 ? 0 : 2;
    if (i % 3 == 0) a.categories = {categories[i % 4], categories[(i + 1) % 4], categories[i % 4]};
    if (i % 6 == 0) a.extra["guess"] = {categories[i % 4]};
    if (i % 5 == 0) {
      CompareRecord c;
      c.model_a = "model-a";
      c.model_b = i % 10 ? "model-b" : "model-c";
      c.choice = i % 4 ? CompareChoice::a : CompareChoice::b;
      a.compare = c;
    }
    store.save_answer("d", a);
  }
  const DatasetInfo d = store.require_dataset("d");
  const DatasetReport report = dataset_report(store, d);
  const std::string separate = format_stats(dataset_stats(store, d)) +
                               format_category_stats(category_stats(store, d)) +
                               format_compare_stats(compare_stats(store, d));
  EXPECT_EQ(format_dataset_report(report), separate);
  EXPECT_EQ(report.stats.counts.answered, 36u);
  EXPECT_EQ(report.categories.counter.answers(), 11u);  // accepted answers with categories: i = 3, 6, ... 36 but 33
  EXPECT_EQ(report.comparisons.size(), 2u);
  EXPECT_NE(separate.find("error categories"), std::string::npos) << separate;
}

TEST(DatasetReport, ATeamDatasetSaysWhoAnsweredHowMuch) {
  test::TempDir dir;
  LmdbStore store(StoreOptions{dir / "db"});
  store.add_tasks("d", {Task{1, "/1.png", 8, 8}, Task{2, "/2.png", 8, 8}, Task{3, "/3.png", 8, 8}});
  store.set_routing("d", Routing{2, 60000});
  auto answer = [&](std::uint64_t task, const std::string& who, const std::string& caption) {
    Answer a;
    a.task = task;
    a.annotator = who;
    a.caption = caption;
    a.orig_caption = "a cat";
    store.save_answer("d", a);
  };
  answer(1, "ann", "a cat");
  answer(1, "bob", "a black cat");
  answer(2, "ann", "a dog");
  answer(1, "cat", "a cat");  // late: task 1 had its two answers
  const std::string text = format_dataset_report(dataset_report(store, store.require_dataset("d")));
  EXPECT_NE(text.find("annotators       3 (each task goes to 2; 1 of 3 tasks have all their answers)"), std::string::npos) << text;
  EXPECT_NE(text.find("    ann            2 answers, 2 accepted (50.0% changed)"), std::string::npos) << text;
  EXPECT_NE(text.find("    bob            1 answer, 1 accepted (100.0% changed)"), std::string::npos) << text;
  EXPECT_NE(text.find("surplus answers  1"), std::string::npos) << text;
  EXPECT_NE(text.find("answered         4 (2 pending)"), std::string::npos) << text;
  // Task 1's three captions: pairwise WER (1/3 + 1/2 + 0 + 0 + 1/2 + 1/3) / 6.
  EXPECT_NE(text.find("overlap          1 task with 2+ answers; mean pairwise WER of their captions 0.28 "
                      "(gloss agreement d for more)"),
            std::string::npos)
      << text;
  EXPECT_EQ(text.find("reviews  "), std::string::npos) << "no review yet: no line";

  Review picked;
  picked.task = 1;
  picked.reviewer = "lead";
  picked.verdict = ReviewVerdict::picked;
  picked.from = "bob";
  picked.caption = "a black cat";
  store.save_review("d", picked);
  Review back = picked;
  back.task = 2;
  back.verdict = ReviewVerdict::sent_back;
  store.save_review("d", back);
  const std::string reviewed = format_dataset_report(dataset_report(store, store.require_dataset("d")));
  EXPECT_NE(reviewed.find("  reviews          2 (1 picked, 0 edited, 1 sent back to one more annotator; gloss review d)"),
            std::string::npos)
      << reviewed;
}

}  // namespace
}  // namespace gloss
