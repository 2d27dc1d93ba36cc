// Annotator processes on one store (tests/core/team/annotator.cpp), for the
// team tests on LMDB (tests/core/team_test.cpp) and PostgreSQL
// (tests/pg/pg_team_test.cpp). GLOSS_TEST_ANNOTATOR names the binary.
#pragma once

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

#include <map>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "core/store.h"

extern char** environ;

namespace gloss::test::team {

inline pid_t start_annotator(const std::string& store, const std::string& name, int pause_ms) {
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

inline int wait_for(pid_t pid) {
  int status = 0;
  waitpid(pid, &status, 0);
  return status;
}

inline void add_numbered_tasks(Store& store, std::uint64_t n, int overlap, std::int64_t lease_ms) {
  std::vector<Task> tasks;
  for (std::uint64_t h = 1; h <= n; ++h) tasks.push_back(Task{h, "/img/" + std::to_string(h) + ".png", 8, 8});
  store.add_tasks("d", tasks);
  store.set_routing("d", Routing{overlap, lease_ms});
}

// Every task has exactly `overlap` answers that are not surplus, from
// different annotators.
inline void expect_every_task_answered(const Store& store, int overlap) {
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

}  // namespace gloss::test::team
