// The outbox in front of a store, while the store answers (tests/pg has the
// server going away and coming back).
#include <gtest/gtest.h>

#include "core/error.h"
#include "core/lmdb.h"
#include "core/lmdb_store.h"
#include "core/outbox_store.h"
#include "test_util.h"

namespace gloss {
namespace {

struct OutboxFixture {
  test::TempDir dir;
  LmdbStore* remote = nullptr;
  std::unique_ptr<OutboxStore> outbox;

  OutboxFixture() {
    auto store = std::make_unique<LmdbStore>(StoreOptions{dir / "server"});
    remote = store.get();
    std::vector<Task> tasks;
    for (std::uint64_t h = 1; h <= 6; ++h) tasks.push_back(Task{h, "/img/" + std::to_string(h) + ".png", 8, 8});
    store->add_tasks("d", tasks);
    outbox = std::make_unique<OutboxStore>(std::move(store), dir / "outbox");
  }
};

TEST(OutboxStore, AnswersGoStraightThroughWhileTheServerAnswers) {
  OutboxFixture f;
  const DatasetInfo d = f.outbox->require_dataset("d");
  Answer a;
  a.task = 2;
  a.annotator = "ann";
  a.caption = "two";
  f.outbox->save_answer("d", a);
  EXPECT_TRUE(f.outbox->online());
  EXPECT_EQ(f.outbox->waiting(), 0u);
  EXPECT_EQ(f.remote->answer(d, 2, "ann")->caption, "two");
  EXPECT_EQ(f.outbox->answer_at(d, 1, "ann")->caption, "two");
  a.caption = "two again";
  f.outbox->save_answer("d", a);
  EXPECT_EQ(f.remote->answer(d, 2, "ann")->caption, "two again");
  EXPECT_TRUE(f.outbox->remove_answer("d", 2, "ann"));
  EXPECT_FALSE(f.remote->answer(d, 2, "ann"));
  EXPECT_FALSE(f.outbox->answer(d, 2, "ann"));
  EXPECT_EQ(f.outbox->waiting(), 0u);
}

TEST(OutboxStore, ClaimsAndReadsAreTheServers) {
  OutboxFixture f;
  const DatasetInfo d = f.outbox->require_dataset("d");
  EXPECT_EQ(f.outbox->claim(d, "ann", 0, 3), (std::vector<std::uint64_t>{0, 1, 2}));
  EXPECT_EQ(f.remote->claim(d, "bob", 0, 3), (std::vector<std::uint64_t>{3, 4, 5}));
  EXPECT_EQ(f.outbox->first_unanswered(d, 0, "ann"), 0u);
  EXPECT_EQ(f.outbox->task(*f.outbox->task_at(d, 4))->path, "/img/5.png");
  EXPECT_EQ(f.outbox->tasks_at(d, 0, 10).size(), 6u);
  Suggestion s;
  s.caption = "a guess";
  f.outbox->put_suggestion("model", 3, s);
  EXPECT_EQ(f.remote->suggestion("model", 3)->caption, "a guess");
  f.outbox->release_leases(d, "ann");
  EXPECT_EQ(f.remote->claim(d, "cat", 0, 3), (std::vector<std::uint64_t>{0, 1, 2}));
}

TEST(OutboxStore, AnAnswerTheServerRefusesIsReportedAndNotKept) {
  OutboxFixture f;
  Answer a;
  a.task = 99;  // not in the dataset
  a.annotator = "ann";
  EXPECT_THROW(f.outbox->save_answer("d", a), StoreError);
  EXPECT_EQ(f.outbox->waiting(), 0u);  // a refusal does not block the answers after it
  EXPECT_FALSE(f.outbox->answer(f.outbox->require_dataset("d"), 99, "ann"));
  a.task = 1;
  f.outbox->save_answer("d", a);
  EXPECT_EQ(f.outbox->waiting(), 0u);
}

TEST(OutboxStore, EachServerAndDatabaseHasItsOwnOutbox) {
  EXPECT_NE(default_outbox_dir("postgresql:///a?host=/tmp/x"), default_outbox_dir("postgresql:///b?host=/tmp/x"));
  EXPECT_EQ(default_outbox_dir("postgresql:///a").parent_path().filename(), "outbox");
}

// An entry the outbox cannot read (a disk fault, a bug of an older gloss) is
// set aside with a message, never a crash, and the outbox goes on.
TEST(OutboxStore, AnUnreadableEntryIsSetAsideNotACrash) {
  test::TempDir dir;
  {
    auto server = std::make_unique<LmdbStore>(StoreOptions{dir / "server"});
    server->add_tasks("d", {Task{1, "/img/1.png", 8, 8}});
    OutboxStore outbox(std::move(server), dir / "outbox");
  }
  {
    lmdb::Env env({dir / "outbox", 16u << 20, true, 16});
    const MDB_dbi ops = env.open_db("ops");
    env.write([&](lmdb::Txn& txn) { txn.put(ops, std::string("\0\0\0\0\0\0\0\x01", 8), "\xEF\xEF not an op"); });
  }
  auto server = std::make_unique<LmdbStore>(StoreOptions{dir / "server"});
  LmdbStore* remote = server.get();
  OutboxStore outbox(std::move(server), dir / "outbox");  // its first flush meets the entry
  EXPECT_EQ(outbox.waiting(), 0u) << "set aside";
  Answer a;
  a.task = 1;
  a.annotator = "ann";
  a.caption = "one";
  outbox.save_answer("d", a);
  EXPECT_EQ(remote->answer(remote->require_dataset("d"), 1, "ann")->caption, "one");
}

}  // namespace
}  // namespace gloss
