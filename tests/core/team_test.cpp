// Several annotators as real processes on one store (tests/core/team/
// annotator.cpp runs the caption session in a loop): overlap, leases that
// lapse when an annotator is killed, no task over- or under-answered.
#include <gtest/gtest.h>

#include <signal.h>
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>

#include <chrono>
#include <map>
#include <set>
#include <thread>

#include "core/lmdb_store.h"
#include "core/team/team_util.h"
#include "test_util.h"

namespace gloss {
namespace {

using namespace test::team;

TEST(Team, SixAnnotatorProcessesWithOverlapTwoGiveEveryTaskTwoAnswers) {
  test::TempDir dir;
  const std::string db = (dir.path() / "db").string();
  {
    LmdbStore store({db});
    add_numbered_tasks(store, 300, 2, 30 * 60 * 1000);
  }
  std::vector<pid_t> team;
  for (int i = 0; i < 6; ++i) team.push_back(start_annotator(db, "ann" + std::to_string(i), 0));
  for (pid_t pid : team) {
    const int status = wait_for(pid);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "status " << status;
  }
  LmdbStore store({db});
  expect_every_task_answered(store, 2);
}

TEST(Team, AKilledAnnotatorsTasksAreHandedOnWhenTheirLeaseLapses) {
  test::TempDir dir;
  const std::string db = (dir.path() / "db").string();
  {
    LmdbStore store({db});
    add_numbered_tasks(store, 120, 2, 2000);
  }
  std::vector<pid_t> team;
  for (int i = 0; i < 6; ++i) team.push_back(start_annotator(db, "ann" + std::to_string(i), 10));
  // Let ann0 claim and answer a few, then kill it without a chance to release.
  {
    LmdbStore store({db});
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    for (;;) {
      bool answered = false;
      store.for_each_answer(store.require_dataset("d"), [&](std::uint64_t, const Answer& a) {
        answered = answered || a.annotator == "ann0";
        return !answered;
      });
      if (answered || std::chrono::steady_clock::now() > deadline) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }
  kill(team[0], SIGKILL);
  EXPECT_TRUE(WIFSIGNALED(wait_for(team[0])));
  for (std::size_t i = 1; i < team.size(); ++i) {
    const int status = wait_for(team[i]);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "status " << status;
  }
  LmdbStore store({db});
  expect_every_task_answered(store, 2);
  // ann0 held claims when it died: someone else answered those.
  std::uint64_t by_ann0 = 0;
  store.for_each_answer(store.require_dataset("d"), [&](std::uint64_t, const Answer& a) {
    by_ann0 += a.annotator == "ann0";
    return true;
  });
  EXPECT_GT(by_ann0, 0u);
  EXPECT_LT(by_ann0, 120u);
}

}  // namespace
}  // namespace gloss
