// The outbox against a real server that goes away: a session keeps answering
// the tasks it had claimed, and nothing it saved is lost — not when the
// server is stopped for ten seconds, not when the annotator is killed while
// the server is away.
#include <gtest/gtest.h>

#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "core/caption_session.h"
#include "core/outbox_store.h"
#include "core/pg_store.h"
#include "pg_test_util.h"
#include "test_util.h"

extern char** environ;

namespace gloss {
namespace {

using namespace std::chrono_literals;

void add_tasks(Store& store, std::uint64_t n) {
  std::vector<Task> tasks;
  for (std::uint64_t h = 1; h <= n; ++h) tasks.push_back(Task{h, "/img/" + std::to_string(h) + ".png", 8, 8});
  store.add_tasks("d", tasks);
}

std::uint64_t answers_of(Store& store, const std::string& annotator) {
  std::uint64_t n = 0;
  store.for_each_answer(store.require_dataset("d"), [&](std::uint64_t, const Answer& a) {
    n += a.annotator == annotator;
    return true;
  });
  return n;
}

bool wait_until(const std::function<bool()>& done, std::chrono::milliseconds limit) {
  const auto end = std::chrono::steady_clock::now() + limit;
  while (!done()) {
    if (std::chrono::steady_clock::now() > end) return false;
    std::this_thread::sleep_for(50ms);
  }
  return true;
}

TEST(Outbox, TheServerStoppedForTenSecondsLosesNoAnswer) {
  auto server = test::PgServer::start_private();
  test::PgDatabase db(*server);
  add_tasks(*open_store(db.uri()), 40);
  test::TempDir dir;
  OutboxStore store(open_store(db.uri()), dir / "outbox", 200ms);
  CaptionSession session(store, "d", "s", "");
  session.set_annotator("ann");
  session.open_first_unanswered(now_ms());
  std::uint64_t saved = 0;
  auto answer_one = [&] {
    session.edit_box("caption " + std::to_string(saved));
    session.accept(now_ms());
    ++saved;
  };
  for (int i = 0; i < 3; ++i) answer_one();
  EXPECT_TRUE(store.online());

  server->halt();
  const auto halted = std::chrono::steady_clock::now();
  // The session goes on with the tasks it had claimed (8 at a time).
  for (int i = 0; i < 4 && !session.all_answered(); ++i) answer_one();
  EXPECT_FALSE(store.online());
  EXPECT_EQ(store.waiting(), 4u);
  std::this_thread::sleep_until(halted + 10s);
  server->resume();

  ASSERT_TRUE(wait_until([&] { return store.waiting() == 0; }, 20s)) << store.waiting() << " answers still waiting";
  EXPECT_TRUE(store.online());
  session.next_unanswered(now_ms());
  while (!session.all_answered()) answer_one();
  EXPECT_EQ(saved, 40u);
  auto direct = open_store(db.uri());
  EXPECT_EQ(answers_of(*direct, "ann"), 40u);
  EXPECT_EQ(direct->require_dataset("d").answered, 40u);
}

// A move asks the server nothing: the tasks claimed ahead come with their
// suggestions, read in the background. With the server away the next
// tasks still open with the model's caption in the box.
TEST(Outbox, ClaimedTasksOpenWithTheirSuggestionsWhileTheServerIsAway) {
  auto server = test::PgServer::start_private();
  test::PgDatabase db(*server);
  {
    auto direct = open_store(db.uri());
    add_tasks(*direct, 40);
    std::vector<std::pair<std::uint64_t, Suggestion>> all;
    for (std::uint64_t h = 1; h <= 40; ++h) all.push_back({h, Suggestion{"caption " + std::to_string(h), {}, 0.f, 0.9f, 1}});
    direct->put_suggestions("m", all);
  }
  test::TempDir dir;
  OutboxStore store(open_store(db.uri()), dir / "outbox", 200ms);
  CaptionSession session(store, "d", "s", "m");
  session.set_annotator("ann");
  session.open_first_unanswered(now_ms());
  for (int i = 0; i < 5; ++i) {
    ASSERT_EQ(session.suggestion_state(), SuggestionState::ready) << "position " << session.position();
    session.accept(now_ms());
  }
  ASSERT_TRUE(wait_until([&] { return store.waiting() == 0; }, 10s));
  std::this_thread::sleep_for(1s);  // the claim ahead, fewer than half being left
  server->halt();
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(session.suggestion_state(), SuggestionState::ready) << "position " << session.position();
    EXPECT_EQ(session.box(), "caption " + std::to_string(session.task().hash));
    session.accept(now_ms());
  }
  server->resume();
  ASSERT_TRUE(wait_until([&] { return store.waiting() == 0; }, 20s));
}

std::uint64_t read_progress(const std::filesystem::path& file) {
  std::ifstream in(file);
  std::uint64_t n = 0;
  in >> n;
  return n;
}

// The annotator runs as its own process (tests/core/team/annotator.cpp, the
// caption session through an outbox) and is SIGKILLed while the server is
// away with answers in its outbox: the next outbox on that folder sends them.
TEST(Outbox, AnAnnotatorKilledWhileTheServerIsAwayLosesNothingSaved) {
  auto server = test::PgServer::start_private();
  test::PgDatabase db(*server);
  add_tasks(*open_store(db.uri()), 30);
  test::TempDir dir;
  const std::string outbox = (dir / "outbox").string(), progress = (dir / "progress").string();
  const std::string uri = db.uri();
  const char* argv[] = {GLOSS_TEST_ANNOTATOR, uri.c_str(), "d", "ann", "100", outbox.c_str(), progress.c_str(), nullptr};
  pid_t pid = 0;
  ASSERT_EQ(posix_spawn(&pid, GLOSS_TEST_ANNOTATOR, nullptr, nullptr, const_cast<char* const*>(argv), environ), 0);
  ASSERT_TRUE(wait_until([&] { return read_progress(progress) >= 3; }, 30s));
  server->halt();
  const std::uint64_t before_halt = read_progress(progress);
  ASSERT_TRUE(wait_until([&] { return read_progress(progress) >= before_halt + 3; }, 30s))
      << "the annotator stopped answering when the server went away";
  kill(pid, SIGKILL);
  int status = 0;
  waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFSIGNALED(status));
  const std::uint64_t reported = read_progress(progress);
  server->resume();
  {
    OutboxStore next_session(open_store(uri), outbox, 200ms);  // sends what the killed one left
    EXPECT_EQ(next_session.waiting(), 0u);
  }
  auto direct = open_store(uri);
  // Every answer it reported saved is on the server (one more if the kill
  // came between a save and its report).
  const std::uint64_t stored = answers_of(*direct, "ann");
  EXPECT_GE(stored, reported);
  EXPECT_LE(stored, reported + 1);
}

}  // namespace
}  // namespace gloss
