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
#include "test_util.h"

extern char** environ;

namespace gloss {
namespace {

pid_t start_annotator(const std::string& store, const std::string& name, int pause_ms) {
  const std::string pause = std::to_string(pause_ms);
  const char* argv[] = {GLOSS_TEST_ANNOTATOR, store.c_str(), "d", name.c_str(), pause.c_str(), nullptr};
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  pid_t pid = 0;
  const int rc = posix_spawn(&pid, GLOSS_TEST_ANNOTATOR, &actions, nullptr, const_cast<char* const*>(argv), environ);
  posix_spawn_file_actions_destroy(&actions);
  EXPECT_EQ(rc, 0) << "cannot start " << GLOSS_TEST_ANNOTATOR;
  return pid;
}

int wait_for(pid_t pid) {
  int status = 0;
  waitpid(pid, &status, 0);
  return status;
}

void add_numbered_tasks(Store& store, std::uint64_t n, int overlap, std::int64_t lease_ms) {
  std::vector<Task> tasks;
  for (std::uint64_t h = 1; h <= n; ++h) tasks.push_back(Task{h, "/img/" + std::to_string(h) + ".png", 8, 8});
  store.add_tasks("d", tasks);
  store.set_routing("d", Routing{overlap, lease_ms});
}

// Every task has exactly `overlap` answers that are not surplus, from
// different annotators.
void expect_every_task_answered(const Store& store, int overlap) {
  const DatasetInfo d = store.require_dataset("d");
  std::map<std::uint64_t, std::set<std::string>> counted;
  std::uint64_t surplus = 0;
  store.for_each_answer(d, [&](std::uint64_t p, const Answer& a) {
    if (a.surplus) ++surplus;
    else EXPECT_TRUE(counted[p].insert(a.annotator).second) << "position " << p;
    return true;
  });
  EXPECT_EQ(counted.size(), d.size);
  for (const auto& [p, who] : counted) EXPECT_EQ(who.size(), static_cast<std::size_t>(overlap)) << "position " << p;
  EXPECT_EQ(d.answered, d.size);
  EXPECT_EQ(surplus, 0u) << "no annotator was late, so no answer is surplus";
}

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
