// TeamAnswers on an LMDB store (it polls the counts): everything once at the
// start, then only what changed — a window's work follows the changes, not
// the size of the dataset.
#include "core/team_answers.h"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "core/lmdb_store.h"
#include "store_helpers.h"
#include "test_util.h"

namespace gloss {
namespace {

std::optional<TeamAnswerChanges> wait_for_changes(TeamAnswers& team) {
  for (int i = 0; i < 500; ++i) {
    if (auto changes = team.take()) return changes;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return std::nullopt;
}

TEST(TeamAnswers, EverythingOnceThenOnlyWhatChanged) {
  test::TempDir dir;
  LmdbStore store(StoreOptions{dir / "db"});
  store.add_tasks("d", test::numbered_tasks(100, 4));
  store.set_routing("d", Routing{2, 60000});
  auto save = [&](std::uint64_t task, const std::string& who, const std::string& caption) {
    Answer a = test::make_answer(task, caption);
    a.annotator = who;
    store.save_answer("d", a);
  };
  save(100, "ann", "a cat");
  save(101, "ann", "a dog");
  save(102, "ann", "a bird");
  TeamAnswers team(store, store.require_dataset("d"), "lead", std::chrono::milliseconds(20));
  const auto first = wait_for_changes(team);
  ASSERT_TRUE(first);
  EXPECT_TRUE(first->reload);
  EXPECT_EQ(first->answers.size(), 3u);

  // Changed first, then a new one: a poll notices the counts, which only the
  // new answer changes, and then reads both.
  save(101, "ann", "a small dog");
  save(100, "bob", "a black cat");
  const auto second = wait_for_changes(team);
  ASSERT_TRUE(second);
  EXPECT_FALSE(second->reload);
  ASSERT_EQ(second->answers.size(), 2u) << "ann's unchanged answers are not handed over again";
  for (const TeamAnswer& t : second->answers) {
    ASSERT_TRUE(t.answer);
    if (t.annotator == "bob") {
      EXPECT_EQ(t.position, 0u);
      EXPECT_EQ(t.answer->caption, "a black cat");
    } else {
      EXPECT_EQ(t.annotator, "ann");
      EXPECT_EQ(t.position, 1u);
      EXPECT_EQ(t.answer->caption, "a small dog");
    }
  }

  ASSERT_TRUE(store.remove_answer("d", 102, "ann"));
  const auto third = wait_for_changes(team);
  ASSERT_TRUE(third);
  EXPECT_FALSE(third->reload);
  ASSERT_EQ(third->answers.size(), 1u);
  EXPECT_EQ(third->answers[0].task, 102u);
  EXPECT_EQ(third->answers[0].position, 2u);
  EXPECT_EQ(third->answers[0].annotator, "ann");
  EXPECT_FALSE(third->answers[0].answer) << "taken back";
}

}  // namespace
}  // namespace gloss
