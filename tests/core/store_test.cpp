// What only the LMDB store does: growing its map, several processes on one
// folder, upgrading older folders. What every store does is in
// store_contract.h (run for LMDB by lmdb_store_contract_test.cpp).
#include "core/lmdb_store.h"

#include <sys/wait.h>
#include <unistd.h>

#include <random>
#include <set>
#include <thread>

#include "core/error.h"
#include "core/hash.h"
#include "core/lmdb.h"
#include "store_helpers.h"
#include "test_util.h"

namespace gloss {
namespace {

using test::expect_first_unanswered_right;
using test::make_answer;
using test::make_task;
using test::numbered_tasks;


TEST(Store, MapGrowsInsteadOfFailing) {
  test::TempDir dir;
  {
    LmdbStore store({dir.path(), 1u << 20, false});  // 1 MiB to start
    const std::size_t before = store.map_size();
    std::vector<Task> tasks;
    for (std::uint64_t i = 1; i <= 3000; ++i) tasks.push_back(make_task(i, std::string(200, 'p') + std::to_string(i)));
    store.add_tasks("ds", tasks);  // one big transaction
    for (std::uint64_t i = 1; i <= 3000; ++i) store.put_thumbnail(i, 64, std::string(1000, 't'));
    EXPECT_GT(store.map_growths(), 0);
    EXPECT_GT(store.map_size(), before);
  }
  LmdbStore store({dir.path(), 1u << 20, false});
  const auto info = store.require_dataset("ds");
  EXPECT_EQ(info.size, 3000u);
  EXPECT_EQ(store.thumbnail(2999, 64)->size(), 1000u);
}

TEST(Store, ReadersKeepWorkingWhileTheMapGrows) {
  test::TempDir dir;
  LmdbStore store({dir.path(), 1u << 20, false});
  store.add_tasks("ds", {make_task(1)});
  std::atomic<bool> done{false};
  std::atomic<int> reads{0};
  std::thread reader([&] {
    const auto info = store.require_dataset("ds");
    while (!done) {
      ASSERT_EQ(*store.task_at(info, 0), 1u);
      ++reads;
    }
  });
  for (std::uint64_t i = 2; i < 2000; ++i) store.put_thumbnail(i, 64, std::string(2000, 'x'));
  done = true;
  reader.join();
  EXPECT_GT(store.map_growths(), 0);
  EXPECT_GT(reads.load(), 0);
}

TEST(Store, TwoProcessesWritingKeepEveryAnswer) {
  test::TempDir dir;
  constexpr int kPerProcess = 150;
  {
    LmdbStore store({dir.path(), 256u << 10});
    std::vector<Task> tasks;
    for (int i = 0; i < 2 * kPerProcess; ++i) tasks.push_back(make_task(1000 + i));
    store.add_tasks("ds", tasks);
  }  // closed before fork: an LMDB environment must not cross a fork
  auto write_half = [&](int half) {
    LmdbStore store({dir.path(), 256u << 10});
    for (int i = 0; i < kPerProcess; ++i) {
      Answer a = make_answer(1000 + half * kPerProcess + i, "caption " + std::to_string(i));
      a.extra["pad"] = std::string(2000, 'x');  // forces map growth in both processes
      store.save_answer("ds", a);
    }
  };
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    try { write_half(1); } catch (...) { _exit(1); }
    _exit(0);
  }
  write_half(0);
  int status = 0;
  waitpid(child, &status, 0);
  ASSERT_TRUE(WIFEXITED(status));
  ASSERT_EQ(WEXITSTATUS(status), 0);
  LmdbStore store({dir.path()});
  const auto info = store.require_dataset("ds");
  EXPECT_EQ(info.answered, static_cast<std::uint64_t>(2 * kPerProcess));
  int seen = 0;
  store.for_each_answer(info, [&](std::uint64_t pos, const Answer& a) {
    EXPECT_EQ(a.task, 1000 + pos);
    ++seen;
    return true;
  });
  EXPECT_EQ(seen, 2 * kPerProcess);
}

TEST(Store, RefusesAnotherSchemaVersion) {
  test::TempDir dir;
  { LmdbStore store({dir.path()}); }
  {
    // Rewrite the schema marker the way a future gloss would.
    lmdb::Env env({dir.path()});
    const MDB_dbi meta = env.open_db("meta");
    env.write([&](lmdb::Txn& txn) { txn.put(meta, "schema", "99"); });
  }
  EXPECT_THROW(LmdbStore({dir.path()}), UserError);
}

TEST(Store, OlderStoresAreMarkedFourOnOpen) {
  test::TempDir dir;
  { LmdbStore store({dir.path()}); }
  auto schema = [&] {
    lmdb::Env env({dir.path()});
    const MDB_dbi meta = env.open_db("meta");
    std::string value;
    env.read([&](lmdb::Txn& txn) { value = std::string(txn.get(meta, "schema").value_or("")); });
    return value;
  };
  EXPECT_EQ(schema(), "4");
  for (const char* older : {"1", "2", "3"}) {
    {
      lmdb::Env env({dir.path()});
      const MDB_dbi meta = env.open_db("meta");
      env.write([&](lmdb::Txn& txn) { txn.put(meta, "schema", older); });
    }
    { LmdbStore store({dir.path()}); }  // a store from an older gloss opens ...
    EXPECT_EQ(schema(), "4");       // ... and an older gloss will now refuse it clearly
  }
}

TEST(Store, UpgradeBuildsTheUnansweredIndexOfAnOlderStore) {
  test::TempDir dir;
  {
    LmdbStore store({dir.path()});
    store.add_tasks("a", numbered_tasks(1, 50));
    for (std::uint64_t h = 1; h <= 50; ++h)
      if (h % 7 && h < 45) {
        Answer a;
        a.task = h;
        store.save_answer("a", a);
      }
  }
  {
    // What a gloss before the index left: schema 2, no index.
    lmdb::Env env({dir.path()});
    const MDB_dbi meta = env.open_db("meta"), index = env.open_db("unanswered");
    env.write([&](lmdb::Txn& txn) {
      txn.put(meta, "schema", "2");
      lmdb::Cursor c(txn, index);
      while (c.first()) c.del();
    });
  }
  LmdbStore store({dir.path()});
  expect_first_unanswered_right(store, "a");
  EXPECT_EQ(store.first_unanswered(store.require_dataset("a"), 0, default_annotator()), 6u);
}

}  // namespace
// A schema 3 store keyed answers by position alone: opening it gives them to
// the annotator who opens it, and the counts and the index stay right.
TEST(Store, AnswersFromBeforeAnnotatorsBecomeTheOpenersOwn) {
  test::TempDir dir;
  {
    LmdbStore store({dir.path()});
    store.add_tasks("d", numbered_tasks(1, 5));
    for (std::uint64_t t : {1, 3}) {
      Answer a;
      a.task = t;
      a.caption = "old " + std::to_string(t);
      store.save_answer("d", a);
    }
  }
  {
    // Rewrite the answers the way gloss 0.14 stored them.
    lmdb::Env env({dir.path()});
    const MDB_dbi answers = env.open_db("answers");
    const MDB_dbi meta = env.open_db("meta");
    env.write([&](lmdb::Txn& txn) {
      std::vector<std::pair<std::string, std::string>> old;
      lmdb::Cursor c(txn, answers);
      for (bool ok = c.first(); ok; ok = c.next()) {
        Answer a = decode_answer(c.value());
        a.annotator.clear();
        old.emplace_back(std::string(c.key().substr(0, 12)), encode(a));
      }
      for (bool ok = c.first(); ok; ok = c.first()) c.del();
      for (const auto& [k, v] : old) txn.put(answers, k, v);
      txn.put(meta, "schema", "3");
    });
  }
  ::setenv("GLOSS_ANNOTATOR", "ann-from-before", 1);
  LmdbStore store({dir.path()});
  ::unsetenv("GLOSS_ANNOTATOR");
  const DatasetInfo d = store.require_dataset("d");
  EXPECT_EQ(d.answered, 2u);
  EXPECT_EQ(d.answers, 2u);
  ASSERT_TRUE(store.answer_at(d, 0, "ann-from-before"));
  EXPECT_EQ(store.answer_at(d, 0, "ann-from-before")->caption, "old 1");
  EXPECT_EQ(store.answer_at(d, 0, "ann-from-before")->annotator, "ann-from-before");
  EXPECT_EQ(store.answer_at(d, 2, "ann-from-before")->caption, "old 3");
  EXPECT_FALSE(store.answer_at(d, 1, "ann-from-before"));
  EXPECT_EQ(store.first_unanswered(d, 0, "ann-from-before"), 1u);
  EXPECT_EQ(store.first_unanswered(d, 0, "someone-else"), 1u);  // overlap 1: done is done
}

}  // namespace gloss
