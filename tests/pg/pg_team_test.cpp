// The team tests of tests/core/team_test.cpp on PostgreSQL: six annotator
// processes (the caption session in a loop, tests/core/team/annotator.cpp)
// on one database, with overlap 2; and one of them SIGKILLed with a 2 s
// lease, its claimed tasks handed on.
#include <chrono>
#include <thread>

#include "core/pg_store.h"
#include "core/team/team_util.h"
#include "pg/pg_test_util.h"

namespace gloss {
namespace {

using namespace test::team;

TEST(PgTeam, SixAnnotatorProcessesWithOverlapTwoGiveEveryTaskTwoAnswers) {
  test::PgDatabase db;
  {
    PgStore store(db.uri());
    add_numbered_tasks(store, 300, 2, 30 * 60 * 1000);
  }
  std::vector<pid_t> team;
  for (int i = 0; i < 6; ++i) team.push_back(start_annotator(db.uri(), "ann" + std::to_string(i), 0));
  for (pid_t pid : team) {
    const int status = wait_for(pid);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "status " << status;
  }
  expect_every_task_answered(PgStore(db.uri()), 2);
}

TEST(PgTeam, AKilledAnnotatorsTasksAreHandedOnWhenTheirLeaseLapses) {
  test::PgDatabase db;
  PgStore store(db.uri());
  add_numbered_tasks(store, 120, 2, 2000);
  std::vector<pid_t> team;
  for (int i = 0; i < 6; ++i) team.push_back(start_annotator(db.uri(), "ann" + std::to_string(i), 10));
  const auto answers_of_ann0 = [&] {
    std::uint64_t n = 0;
    store.for_each_answer(store.require_dataset("d"), [&](std::uint64_t, const Answer& a) {
      n += a.annotator == "ann0";
      return true;
    });
    return n;
  };
  // Let ann0 claim and answer a few, then kill it without a chance to release.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (answers_of_ann0() == 0 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  kill(team[0], SIGKILL);
  EXPECT_TRUE(WIFSIGNALED(wait_for(team[0])));
  for (std::size_t i = 1; i < team.size(); ++i) {
    const int status = wait_for(team[i]);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "status " << status;
  }
  expect_every_task_answered(store, 2);
  EXPECT_GT(answers_of_ann0(), 0u);
  EXPECT_LT(answers_of_ann0(), 120u);
}

}  // namespace
}  // namespace gloss
