// What only the PostgreSQL store does (the rest is the store contract,
// pg_store_contract_test.cpp): the schema made on first open, clear errors
// for a server that is not there, reconnecting after a restart, two
// workstations on one database, NOTIFY on answers, counts that stay true
// under concurrent writers.
#include "core/pg_store.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <random>
#include <set>
#include <thread>

#include "core/error.h"
#include "core/pg_schema.h"
#include "core/team_answers.h"
#include "pg/pg_test_util.h"

namespace gloss {
namespace {

using namespace std::chrono_literals;

using test::answer_to;
using test::numbered;

std::int64_t count(pg::Connection& conn, const std::string& sql) { return conn.exec(sql).int64(0, 0); }

TEST(PgStore, CreatesTheSchemaOnFirstOpenAndKeepsItOnReopen) {
  test::PgDatabase db;
  pg::Connection conn(db.uri());
  EXPECT_EQ(pg::stored_schema_version(conn), 0);
  {
    PgStore store(db.uri());
    EXPECT_EQ(pg::stored_schema_version(conn), pg::schema_version);
    store.add_tasks("d", numbered(3));
    store.save_answer("d", answer_to(2, "ann"));
  }
  const std::string tables_before =
      conn.exec("SELECT string_agg(oid::text, ',' ORDER BY relname) FROM pg_class WHERE relkind = 'r' "
                "AND relnamespace = 'public'::regnamespace")
          .text(0, 0);
  PgStore again(db.uri());
  const std::string tables_after =
      conn.exec("SELECT string_agg(oid::text, ',' ORDER BY relname) FROM pg_class WHERE relkind = 'r' "
                "AND relnamespace = 'public'::regnamespace")
          .text(0, 0);
  EXPECT_EQ(tables_after, tables_before) << "no table made again";
  EXPECT_EQ(pg::stored_schema_version(conn), pg::schema_version);
  const DatasetInfo d = again.require_dataset("d");
  EXPECT_EQ(d.size, 3u);
  EXPECT_EQ(again.answer_at(d, 1, "ann")->caption, "x");
  EXPECT_EQ(again.location(), db.uri());
}

TEST(PgStore, AServerThatIsNotThereGivesAClearErrorWithoutThePassword) {
  const std::string uri = "postgresql://gloss:s3cret@/gloss?host=/nonexistent-gloss-socket-dir";
  for (int via_open_store = 0; via_open_store < 2; ++via_open_store) {
    try {
      if (via_open_store) open_store(uri);
      else PgStore store(uri);
      FAIL() << "opened a store with no server";
    } catch (const StoreUnavailable& e) {
      const std::string what = e.what();
      EXPECT_TRUE(test::contains(what, "postgresql://gloss:***@/gloss?host=/nonexistent-gloss-socket-dir")) << what;
      EXPECT_TRUE(test::contains(what, "cannot connect to its PostgreSQL server")) << what;
      EXPECT_TRUE(test::contains(what, "/nonexistent-gloss-socket-dir/.s.PGSQL")) << "libpq's reason: " << what;
      EXPECT_FALSE(test::contains(what, "s3cret")) << what;
    }
  }
  EXPECT_TRUE(is_database_uri("postgres://x/y"));
  EXPECT_THROW(open_store("postgres:///gloss?host=/nonexistent-gloss-socket-dir"), StoreUnavailable);
}

// The server restarts under an open store: the next call reconnects and
// works; while it is down, calls say so; when it is back, they work again.
TEST(PgStore, ReconnectsAfterTheServerRestarts) {
  auto server = test::PgServer::start_private();
  test::PgDatabase db(*server);
  PgStore store(db.uri());
  store.add_tasks("d", numbered(4));
  store.save_answer("d", answer_to(1, "ann"));
  // Several connections in the pool, so that more than one must come back.
  std::vector<std::thread> readers;
  for (int t = 0; t < 4; ++t)
    readers.emplace_back([&] {
      for (int i = 0; i < 50; ++i) store.require_dataset("d");
    });
  for (auto& t : readers) t.join();
  const int open = store.open_connections();
  EXPECT_GE(open, 1);

  server->restart();
  DatasetInfo d = store.require_dataset("d");
  EXPECT_EQ(d.answered, 1u);
  store.save_answer("d", answer_to(2, "ann"));
  for (int i = 0; i < 2 * open; ++i) EXPECT_EQ(store.require_dataset("d").answered, 2u);
  EXPECT_EQ(store.claim(d, "bob", 0, 1), (std::vector<std::uint64_t>{2}));

  server->halt();
  try {
    store.require_dataset("d");
    FAIL() << "a stopped server answered";
  } catch (const StoreUnavailable& e) {
    EXPECT_TRUE(test::contains(e.what(), "the PostgreSQL server at " + db.uri() + " is not answering: ")) << e.what();
  }
  EXPECT_THROW(store.save_answer("d", answer_to(3, "ann")), StoreUnavailable);
  server->resume();
  store.save_answer("d", answer_to(3, "ann"));
  EXPECT_EQ(store.require_dataset("d").answered, 3u);
}

// Connections killed by the server (an administrator, a pooler, an idle
// timeout) come back at the next call the same way. pg_terminate_backend
// returns before the backend has gone, so the call usually sends its first
// statement on the dying connection: this is the rerun after a connection
// lost midway (the restart above is mostly the check before a call).
TEST(PgStore, ReconnectsWhenTheServerEndsItsConnections) {
  test::PgDatabase db;
  PgStore store(db.uri());
  store.add_tasks("d", numbered(2));
  pg::Connection admin(test::PgServer::fixture().uri());
  const auto killed =
      admin.exec("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = $1", db.name());
  EXPECT_GE(killed.int64(0, 0), 1);
  store.save_answer("d", answer_to(1, "ann"));
  EXPECT_EQ(store.require_dataset("d").answers, 1u);
}

TEST(PgStore, TwoWorkstationsSeeEachOthersAnswersAndClaims) {
  test::PgDatabase db;
  PgStore ann_side(db.uri()), bob_side(db.uri());
  ann_side.add_tasks("team", numbered(6));
  const DatasetInfo on_ann = ann_side.set_routing("team", Routing{2, 60'000});
  const DatasetInfo on_bob = bob_side.require_dataset("team");
  EXPECT_EQ(on_bob.overlap, 2);

  EXPECT_EQ(ann_side.claim(on_ann, "ann", 0, 3), (std::vector<std::uint64_t>{0, 1, 2}));
  EXPECT_EQ(bob_side.claim(on_bob, "bob", 0, 3), (std::vector<std::uint64_t>{0, 1, 2})) << "overlap 2";
  EXPECT_EQ(bob_side.claim(on_bob, "cat", 0, 3), (std::vector<std::uint64_t>{3, 4, 5})) << "both slots leased";
  ann_side.save_answer("team", answer_to(1, "ann", "from ann"));
  const auto seen = bob_side.answer_at(on_bob, 0, "ann");
  ASSERT_TRUE(seen);
  EXPECT_EQ(seen->caption, "from ann");
  bob_side.save_answer("team", answer_to(1, "bob", "from bob"));
  EXPECT_EQ(ann_side.answers_at(on_ann, 0).size(), 2u);
  const DatasetInfo after = ann_side.require_dataset("team");
  EXPECT_EQ(after.answers, 2u);
  EXPECT_EQ(after.answered, 1u);
  EXPECT_EQ(bob_side.first_unanswered(on_bob, 0, "bob"), 1u);
}

TEST(PgStore, SavingAndRemovingAnswersNotifiesListeners) {
  test::PgDatabase db;
  PgStore store(db.uri());
  store.add_tasks("cats", numbered(2));
  pg::Connection listener(db.uri());
  listener.listen(PgStore::kAnswersChannel);

  store.save_answer("cats", answer_to(1, "ann"));
  auto n = listener.wait_for_notification(5s);
  ASSERT_TRUE(n) << "no NOTIFY after save_answer";
  EXPECT_EQ(n->channel, "gloss_answers");
  auto change = parse_answer_change(n->payload);
  ASSERT_TRUE(change) << n->payload;
  EXPECT_EQ(change->dataset, "cats");
  EXPECT_EQ(change->position, 0u);
  EXPECT_EQ(change->annotator, "ann");

  EXPECT_THROW(store.save_answer("cats", answer_to(99, "ann")), UserError);
  EXPECT_FALSE(store.remove_answer("cats", 2, "ann"));
  EXPECT_FALSE(listener.wait_for_notification(200ms)) << "nothing was saved or removed";

  EXPECT_TRUE(store.remove_answer("cats", 1, "ann"));
  n = listener.wait_for_notification(5s);
  ASSERT_TRUE(n) << "no NOTIFY after remove_answer";
  change = parse_answer_change(n->payload);
  ASSERT_TRUE(change && change->position) << n->payload;
  EXPECT_EQ(change->annotator, "ann");

  ImportRecord r{*store.task(2), answer_to(2, "bob")};
  store.import_records("cats", {r});
  n = listener.wait_for_notification(5s);
  ASSERT_TRUE(n) << "no NOTIFY after an import";
  change = parse_answer_change(n->payload);
  ASSERT_TRUE(change) << n->payload;
  EXPECT_EQ(change->dataset, "cats");
  EXPECT_FALSE(change->position) << "many at once: read the dataset again";
}

// The live counts of a window on one workstation hear another's answers
// through LISTEN/NOTIFY: one answer read per change, not the dataset, and
// the window's own answers are left to the window; after the server comes
// back from a restart everything is read again.
TEST(PgStore, TeamAnswersHearOtherWorkstations) {
  auto server = test::PgServer::start_private();
  test::PgDatabase db(*server);
  PgStore here(db.uri()), there(db.uri());
  here.add_tasks("cats", numbered(3));
  TeamAnswers team(here, here.require_dataset("cats"), "ann");
  const auto wait = [&]() -> std::optional<TeamAnswerChanges> {
    for (int i = 0; i < 500; ++i) {
      if (auto c = team.take()) return c;
      std::this_thread::sleep_for(10ms);
    }
    return std::nullopt;
  };
  auto changes = wait();
  ASSERT_TRUE(changes) << "no first reading";
  EXPECT_TRUE(changes->reload) << "every answer once, at the start";
  EXPECT_TRUE(changes->answers.empty());
  std::this_thread::sleep_for(300ms);  // the feed is listening

  there.save_answer("cats", answer_to(2, "bob", "a grey cat"));
  changes = wait();
  ASSERT_TRUE(changes) << "bob's answer never arrived";
  EXPECT_FALSE(changes->reload);
  ASSERT_EQ(changes->answers.size(), 1u);
  EXPECT_EQ(changes->answers[0].task, 2u);
  EXPECT_EQ(changes->answers[0].annotator, "bob");
  ASSERT_TRUE(changes->answers[0].answer);
  EXPECT_EQ(changes->answers[0].answer->caption, "a grey cat");

  here.save_answer("cats", answer_to(1, "ann"));  // the window's own: not handed back
  there.remove_answer("cats", 2, "bob");
  changes = wait();
  ASSERT_TRUE(changes);
  ASSERT_EQ(changes->answers.size(), 1u);
  EXPECT_EQ(changes->answers[0].annotator, "bob");
  EXPECT_FALSE(changes->answers[0].answer) << "removed";

  // After a restart the feed may have missed answers: everything is read
  // again and what differs from the last reading is handed over (bob's new
  // one, and ann's, which the window knew but the reader had not seen).
  server->restart();
  there.save_answer("cats", answer_to(3, "bob"));
  std::set<std::pair<std::uint64_t, std::string>> seen;
  for (changes = wait(); changes; changes = seen.size() < 2 ? wait() : std::nullopt) {
    EXPECT_FALSE(changes->reload);
    for (const TeamAnswer& t : changes->answers)
      if (t.answer) seen.emplace(t.task, t.annotator);
  }
  EXPECT_TRUE(seen.contains({3, "bob"})) << "bob's answer after the restart never arrived";
  EXPECT_TRUE(seen.contains({1, "ann"}));
}

// Right after a big add, before autovacuum has analyzed the tables, a claim
// still walks the open items in order and stops: the planner's guess at the
// time (a hundred open items) made it test every item and sort (330 ms at
// 100,000 items, growing with them); the ordered walk takes a few ms.
TEST(PgStore, AClaimRightAfterABigAddStaysQuick) {
  test::PgDatabase db;
  PgStore store(db.uri());
  store.add_tasks("big", numbered(200000));
  const DatasetInfo d = store.require_dataset("big");
  store.save_answer("big", answer_to(1, "ann"));
  EXPECT_EQ(store.claim(d, "bob", 0, 8).size(), 8u);
  double slowest_ms = 0;
  for (std::uint64_t from : {1, 9, 50}) {
    const auto t0 = std::chrono::steady_clock::now();
    const auto got = store.claim(d, "ann", from, 8);
    slowest_ms = std::max(
        slowest_ms, std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
    ASSERT_EQ(got.size(), 8u);
    EXPECT_GE(got.front(), from == 1 ? 9u : from);
  }
  EXPECT_LT(slowest_ms, 200) << "a claim walked more than the items it hands";
  const auto t0 = std::chrono::steady_clock::now();
  EXPECT_EQ(store.first_unanswered(d, 5, "cat"), 17u);  // 1-8 leased by bob, 9-16 by ann
  const double first_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  EXPECT_LT(first_ms, 200);
}

TEST(PgStore, DroppingADatasetLeavesNoRowsOfIt) {
  test::PgDatabase db;
  PgStore store(db.uri());
  store.add_tasks("d", numbered(3));
  const DatasetInfo d = store.require_dataset("d");
  store.save_answer("d", answer_to(1, "ann"));
  store.claim(d, "bob", 0, 2);
  ASSERT_TRUE(store.drop_dataset("d"));
  pg::Connection conn(db.uri());
  for (const char* table : {"items", "answers", "leases", "dataset_counts"})
    EXPECT_EQ(conn.exec(std::string("SELECT count(*) FROM ") + table).int64(0, 0), 0) << table;
  EXPECT_EQ(count(conn, "SELECT count(*) FROM tasks"), 3) << "tasks stay: other datasets may use them";
}

// Annotators on their own workstations save, undo and claim while another
// changes the overlap back and forth: every item's count and done flag, and
// the dataset's counts, match its answers at the end.
TEST(PgStore, CountsStayTrueUnderConcurrentAnswersAndRoutingChanges) {
  test::PgDatabase db;
  {
    PgStore setup(db.uri());
    setup.add_tasks("d", numbered(40));
  }
  std::atomic<bool> stop{false};
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&, t] {
      try {
        PgStore store(db.uri());
        const std::string who = "annotator" + std::to_string(t);
        std::mt19937 rng(t);
        for (int i = 0; i < 150; ++i) {
          const std::uint64_t task = 1 + rng() % 40;
          if (rng() % 4 == 0) store.remove_answer("d", task, who);
          else store.save_answer("d", answer_to(task, who));
          if (i % 10 == 0) store.claim(store.require_dataset("d"), who, rng() % 40, 2);
        }
      } catch (const std::exception& e) {
        ++failures;
        ADD_FAILURE() << e.what();
      }
    });
  threads.emplace_back([&] {
    PgStore store(db.uri());
    for (int overlap = 2; !stop; overlap = overlap == 1 ? 3 : overlap - 1) {
      store.set_routing("d", Routing{overlap, 60'000});
      std::this_thread::sleep_for(2ms);
    }
  });
  for (int t = 0; t < 4; ++t) threads[t].join();
  stop = true;
  threads.back().join();
  ASSERT_EQ(failures.load(), 0);

  pg::Connection conn(db.uri());
  EXPECT_EQ(count(conn, "SELECT count(*) FROM items i WHERE answers <> (SELECT count(*) FROM answers a "
                        "WHERE a.dataset = i.dataset AND a.position = i.position)"),
            0)
      << "items.answers";
  EXPECT_EQ(count(conn, "SELECT count(*) FROM items i JOIN datasets d ON d.id = i.dataset "
                        "WHERE i.done <> (i.answers >= d.overlap)"),
            0)
      << "done flags";
  PgStore store(db.uri());
  const DatasetInfo d = store.require_dataset("d");
  EXPECT_EQ(static_cast<std::int64_t>(d.answers), count(conn, "SELECT count(*) FROM answers"));
  EXPECT_EQ(static_cast<std::int64_t>(d.answered),
            count(conn, "SELECT count(*) FROM items i JOIN datasets d ON d.id = i.dataset "
                        "WHERE i.answers >= d.overlap"));
  EXPECT_GT(d.answers, 0u);
}

}  // namespace
}  // namespace gloss
