// The outbox in front of a store, while the store answers (tests/pg has the
// server going away and coming back).
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

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

// Waits for the sender thread to take what waits to the server.
bool sent(const OutboxStore& outbox) {
  for (int i = 0; i < 500 && outbox.waiting() > 0; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  return outbox.waiting() == 0;
}

TEST(OutboxStore, AnswersAreSentByTheSenderWhileTheServerAnswers) {
  OutboxFixture f;
  const DatasetInfo d = f.outbox->require_dataset("d");
  Answer a;
  a.task = 2;
  a.annotator = "ann";
  a.caption = "two";
  f.outbox->save_answer("d", a);
  EXPECT_EQ(f.outbox->answer_at(d, 1, "ann")->caption, "two") << "at once, sent or not";
  ASSERT_TRUE(sent(*f.outbox));
  EXPECT_TRUE(f.outbox->online());
  EXPECT_EQ(f.remote->answer(d, 2, "ann")->caption, "two");
  a.caption = "two again";
  f.outbox->save_answer("d", a);
  ASSERT_TRUE(sent(*f.outbox));
  EXPECT_EQ(f.remote->answer(d, 2, "ann")->caption, "two again");
  EXPECT_TRUE(f.outbox->remove_answer("d", 2, "ann"));
  EXPECT_FALSE(f.outbox->answer(d, 2, "ann"));
  ASSERT_TRUE(sent(*f.outbox));
  EXPECT_FALSE(f.remote->answer(d, 2, "ann"));
}

// A move answers the claim from the tasks claimed ahead; the sender claims
// more when fewer than half are left, and the task just answered here is
// never handed back, sent or not.
TEST(OutboxStore, ClaimsRunAheadOfTheCursor) {
  test::TempDir dir;
  auto store = std::make_unique<LmdbStore>(StoreOptions{dir / "server"});
  LmdbStore* remote = store.get();
  std::vector<Task> tasks;
  for (std::uint64_t h = 1; h <= 40; ++h) tasks.push_back(Task{h, "/img/" + std::to_string(h) + ".png", 8, 8});
  store->add_tasks("d", tasks);
  OutboxStore outbox(std::move(store), dir / "outbox");
  const DatasetInfo d = outbox.require_dataset("d");
  ASSERT_EQ(outbox.claim(d, "ann", 0, 8), (std::vector<std::uint64_t>{0, 1, 2, 3, 4, 5, 6, 7}));
  std::vector<std::uint64_t> opened;
  std::uint64_t at = 0;
  for (int i = 0; i < 30; ++i) {
    Answer a;
    a.task = *outbox.task_at(d, at);
    a.annotator = "ann";
    a.caption = "seen";
    outbox.save_answer("d", a);
    const auto next = outbox.claim(d, "ann", at + 1, 8);
    ASSERT_FALSE(next.empty());
    ASSERT_NE(next.front(), at) << "the task just answered came back";
    for (std::uint64_t p : next) ASSERT_FALSE(outbox.answer(d, *outbox.task_at(d, p), "ann")) << p;
    at = next.front();
    opened.push_back(at);
  }
  ASSERT_TRUE(sent(outbox));
  std::vector<std::uint64_t> expected;
  for (std::uint64_t p = 1; p <= 30; ++p) expected.push_back(p);
  EXPECT_EQ(opened, expected);
  EXPECT_EQ(remote->require_dataset("d").answered, 30u);
  // Claimed ahead on the server: another annotator is handed the tasks after them.
  const auto bob = remote->claim(d, "bob", 0, 40);
  ASSERT_FALSE(bob.empty());
  EXPECT_GT(bob.front(), 31u);
  outbox.release_leases(d, "ann");
  EXPECT_EQ(remote->claim(d, "cat", 0, 1), (std::vector<std::uint64_t>{30}));
}

// The window reads a dataset's counts from the outbox at every move; the
// sender reads them again after each answer it sends.
TEST(OutboxStore, TheDatasetsCountsFollowTheAnswersSent) {
  OutboxFixture f;
  const DatasetInfo d = f.outbox->require_dataset("d");
  Answer a;
  a.task = 1;
  a.annotator = "ann";
  f.outbox->save_answer("d", a);
  ASSERT_TRUE(sent(*f.outbox));
  for (int i = 0; i < 500 && f.outbox->require_dataset("d").answered == 0; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  EXPECT_EQ(f.outbox->require_dataset("d").answered, 1u);
}

// A review waits in the outbox like an answer: read back at once, sent
// by the sender, and its withdrawal too.
TEST(OutboxStore, ReviewsGoThroughTheOutbox) {
  OutboxFixture f;
  const DatasetInfo d = f.outbox->require_dataset("d");
  const Review r{3, "lead", 1000, ReviewVerdict::edited, "ann", "three dots"};
  f.outbox->save_review("d", r);
  EXPECT_EQ(f.outbox->review(d, 3), r) << "at once, sent or not";
  ASSERT_TRUE(sent(*f.outbox));
  EXPECT_EQ(f.remote->review(d, 3), r);
  EXPECT_TRUE(f.outbox->remove_review("d", 3));
  EXPECT_FALSE(f.outbox->review(d, 3));
  ASSERT_TRUE(sent(*f.outbox));
  EXPECT_FALSE(f.remote->review(d, 3));
}

// A new database at the same address starts its dataset ids at 1 again:
// what the outbox kept for the old dataset 1 (answers, claims, positions)
// must not hide the new one's tasks.
TEST(OutboxStore, ADatasetMadeAgainSharesNothingWithTheOldOne) {
  test::TempDir dir;
  auto make_server = [&](const std::string& name) {
    auto store = std::make_unique<LmdbStore>(StoreOptions{dir / name});
    std::vector<Task> tasks;
    for (std::uint64_t h = 1; h <= 4; ++h) tasks.push_back(Task{h, "/" + name + "/" + std::to_string(h) + ".png", 8, 8});
    store->add_tasks("d", tasks);
    return store;
  };
  {
    OutboxStore outbox(make_server("old"), dir / "outbox");
    const DatasetInfo d = outbox.require_dataset("d");
    ASSERT_EQ(outbox.claim(d, "ann", 0, 8).front(), 0u);
    for (std::uint64_t h = 1; h <= 4; ++h) {
      Answer a;
      a.task = h;
      a.annotator = "ann";
      outbox.save_answer("d", a);
    }
    ASSERT_TRUE(sent(outbox));
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(5));  // another created_ms
  OutboxStore outbox(make_server("new"), dir / "outbox");
  const DatasetInfo d = outbox.require_dataset("d");
  EXPECT_FALSE(outbox.answer(d, 1, "ann")) << "an answer to the old dataset";
  EXPECT_EQ(outbox.claim(d, "ann", 0, 8), (std::vector<std::uint64_t>{0, 1, 2, 3}));
  EXPECT_EQ(outbox.task(1)->path, "/new/1.png") << "the same image, where the new database has it";
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
  f.outbox->save_answer("d", a);
  ASSERT_TRUE(sent(*f.outbox));  // a refusal does not block the answers after it
  EXPECT_EQ(f.outbox->refusals().count, 1u);
  EXPECT_NE(f.outbox->refusals().last.find("is not in dataset 'd'"), std::string::npos) << f.outbox->refusals().last;
  EXPECT_FALSE(f.outbox->answer(f.outbox->require_dataset("d"), 99, "ann"));
  a.task = 1;
  f.outbox->save_answer("d", a);
  ASSERT_TRUE(sent(*f.outbox));
  EXPECT_EQ(f.outbox->refusals().count, 1u);
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
  ASSERT_TRUE(sent(outbox));
  EXPECT_EQ(remote->answer(remote->require_dataset("d"), 1, "ann")->caption, "one");
}

}  // namespace
}  // namespace gloss
