// Answers reported as saved survive SIGKILL at any moment: mid-commit, and
// while the map grows. A child process saves answers and writes each saved
// task's number to a pipe only after save_answer returned; the parent kills
// it at a random moment, reopens the store and checks every reported answer.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <random>
#include <thread>

#include "core/lmdb_store.h"
#include "test_util.h"

namespace gloss {
namespace {

constexpr int kTasks = 4000;

Answer answer_for(int i, int round) {
  Answer a;
  a.task = 1 + static_cast<std::uint64_t>(i);
  a.session = "round-" + std::to_string(round);
  a.caption = "caption " + std::to_string(i) + " of round " + std::to_string(round);
  a.orig_caption = "suggestion " + std::to_string(i);
  a.extra["pad"] = std::string(static_cast<std::size_t>(200 + (i * 37) % 3000), 'x');  // grows the map
  return a;
}

[[noreturn]] void writer(const std::filesystem::path& dir, int round, int start, int fd) {
  LmdbStore store({dir, 256u << 10});
  for (int i = start; i < kTasks; ++i) {
    store.save_answer("ds", answer_for(i, round));
    if (write(fd, &i, sizeof i) != sizeof i) _exit(3);
  }
  _exit(0);
}

TEST(CrashSafety, ReportedAnswersSurviveSigkill) {
  test::TempDir dir;
  {
    LmdbStore store({dir.path(), 256u << 10});
    std::vector<Task> tasks;
    for (int i = 0; i < kTasks; ++i) tasks.push_back({1 + static_cast<std::uint64_t>(i), "/x.png", 1, 1, 0});
    store.add_tasks("ds", tasks);
  }
  const int rounds = std::getenv("GLOSS_CRASH_ROUNDS") ? std::atoi(std::getenv("GLOSS_CRASH_ROUNDS")) : 12;
  std::mt19937 rng(20261124);
  std::vector<int> saved_round(kTasks, -1);  // round whose answer the store must hold
  int next = 0, checked = 0;
  for (int round = 0; round < rounds && next < kTasks; ++round) {
    int fds[2];
    ASSERT_EQ(pipe(fds), 0);
    const pid_t child = fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
      close(fds[0]);
      writer(dir.path(), round, next, fds[1]);
    }
    close(fds[1]);
    std::this_thread::sleep_for(std::chrono::milliseconds(std::uniform_int_distribution<int>(5, 120)(rng)));
    kill(child, SIGKILL);
    int i;
    while (read(fds[0], &i, sizeof i) == sizeof i) saved_round[static_cast<std::size_t>(i)] = round;
    close(fds[0]);
    int status;
    waitpid(child, &status, 0);

    LmdbStore store({dir.path(), 256u << 10});
    const auto info = store.require_dataset("ds");
    for (int t = 0; t < kTasks; ++t) {
      if (saved_round[static_cast<std::size_t>(t)] < 0) continue;
      const auto a = store.answer_at(info, static_cast<std::uint64_t>(t), default_annotator());
      ASSERT_TRUE(a) << "round " << round << ": task " << t << " was reported saved";
      const Answer expected = answer_for(t, saved_round[static_cast<std::size_t>(t)]);
      ASSERT_EQ(a->caption, expected.caption);
      ASSERT_EQ(a->extra, expected.extra);
      ++checked;
    }
    // Resume after the last reported answer; an unreported one may or may not be there.
    while (next < kTasks && saved_round[static_cast<std::size_t>(next)] >= 0) ++next;
    ++next;
  }
  EXPECT_GT(checked, 0);
  std::printf("crash safety: %d rounds, %d answer checks, %d answers written\n", rounds, checked, next);
  // LMDB's own tool must read the environment after all those kills.
  if (std::system("command -v mdb_stat >/dev/null 2>&1") == 0) {
    const std::string cmd = "mdb_stat -a '" + dir.path().string() + "' >/dev/null";
    EXPECT_EQ(std::system(cmd.c_str()), 0);
  }
}

}  // namespace
}  // namespace gloss
