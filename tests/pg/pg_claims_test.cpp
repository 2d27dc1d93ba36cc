// Handing items to annotators: overlap, leases that expire, answered items
// skipped, and concurrent claimers that never over-hand.
#include <atomic>
#include <chrono>
#include <iostream>
#include <thread>

#include "core/pg_claims.h"
#include "core/pg_schema.h"
#include "pg/pg_test_util.h"

namespace gloss {
namespace {

using Positions = std::vector<std::int64_t>;
constexpr std::int64_t long_lease = 3'600'000;

// A migrated database with one dataset of `size` items (positions 0..size-1).
struct ClaimsDb {
  test::PgDatabase db;
  pg::Connection conn{db.uri()};
  int dataset = 0;

  explicit ClaimsDb(int size, int overlap) {
    pg::migrate(conn);
    dataset = static_cast<int>(
        conn.exec("INSERT INTO datasets (name, created_ms, overlap, size) VALUES ($1, 0, $2, $3) RETURNING id",
                  "team", overlap, size)
            .int64(0, 0));
    conn.exec("INSERT INTO tasks (hash, path, width, height, added_ms) "
              "SELECT g, 'image' || g, 8, 6, 0 FROM generate_series(1, $1::integer) g",
              size);
    conn.exec("INSERT INTO items (dataset, position, task) SELECT $1, g - 1, g FROM generate_series(1, $2::integer) g",
              dataset, size);
  }
};

// What the store will do on an answer: the answer, the item's count (and
// done), the annotator's lease gone; one transaction.
void answer(pg::Connection& conn, int dataset, std::int64_t position, const std::string& annotator) {
  conn.transaction(
      [&](pg::Connection& c) {
        c.exec("INSERT INTO answers (dataset, position, annotator, record, saved_ms) VALUES ($1, $2, $3, $4, 0)",
               dataset, position, annotator, pg::Bytes{"answer"});
        c.exec("UPDATE items SET answers = answers + 1, "
               "done = answers + 1 >= (SELECT overlap FROM datasets WHERE id = $1) "
               "WHERE dataset = $1 AND position = $2",
               dataset, position);
        c.exec("DELETE FROM leases WHERE dataset = $1 AND position = $2 AND annotator = $3", dataset, position,
               annotator);
      },
      pg::Isolation::repeatable_read, 100);
}

Positions range(std::int64_t from, std::int64_t to) {
  Positions out;
  for (std::int64_t p = from; p < to; ++p) out.push_back(p);
  return out;
}

TEST(Claims, OverlapTwoHandsEachItemToTwoOfThreeAnnotators) {
  ClaimsDb db(10, 2);
  auto& c = db.conn;
  EXPECT_EQ(pg::claim(c, db.dataset, "ann", 0, 10, 1000, long_lease), range(0, 10));
  EXPECT_EQ(pg::claim(c, db.dataset, "bob", 0, 10, 1000, long_lease), range(0, 10));
  EXPECT_EQ(pg::claim(c, db.dataset, "cat", 0, 10, 1000, long_lease), Positions{}) << "each item has its two";
  EXPECT_EQ(pg::claim(c, db.dataset, "ann", 0, 10, 1000, long_lease), range(0, 10))
      << "claiming again refreshes one's own leases";

  for (std::int64_t p = 0; p < 10; ++p) answer(c, db.dataset, p, "ann");
  EXPECT_EQ(pg::claim(c, db.dataset, "ann", 0, 10, 1000, long_lease), Positions{}) << "ann answered them all";
  EXPECT_EQ(pg::claim(c, db.dataset, "cat", 0, 10, 1000, long_lease), Positions{}) << "ann's answer + bob's lease";

  EXPECT_EQ(pg::release(c, db.dataset, "bob"), 10);
  EXPECT_EQ(pg::claim(c, db.dataset, "cat", 0, 10, 1000, long_lease), range(0, 10)) << "bob's released items";
  EXPECT_EQ(pg::claim(c, db.dataset, "bob", 0, 10, 1000, long_lease), Positions{});
  for (std::int64_t p = 0; p < 10; ++p) answer(c, db.dataset, p, "cat");
  EXPECT_EQ(c.exec("SELECT count(*) FROM items WHERE dataset = $1 AND done AND answers = 2", db.dataset).int64(0, 0),
            10);
}

TEST(Claims, StartAtTheCursorAndWrapToZero) {
  ClaimsDb db(8, 1);
  EXPECT_EQ(pg::claim(db.conn, db.dataset, "ann", 5, 5, 1000, long_lease), (Positions{5, 6, 7, 0, 1}));
  EXPECT_EQ(pg::claim(db.conn, db.dataset, "bob", 5, 5, 1000, long_lease), (Positions{2, 3, 4}));
  EXPECT_EQ(pg::claim(db.conn, db.dataset, "cat", 0, 0, 1000, long_lease), Positions{});
}

TEST(Claims, AnExpiredLeaseIsFreeAtTheNextClaim) {
  ClaimsDb db(6, 1);
  auto& c = db.conn;
  EXPECT_EQ(pg::claim(c, db.dataset, "ann", 0, 3, 1000, 100), range(0, 3));
  EXPECT_EQ(pg::claim(c, db.dataset, "bob", 0, 6, 1099, 100), range(3, 6)) << "ann's leases hold until 1100";
  EXPECT_EQ(pg::claim(c, db.dataset, "cat", 0, 6, 1100, 100), range(0, 3)) << "and are free from 1100 on";
  EXPECT_EQ(c.exec("SELECT count(*) FROM leases WHERE annotator = 'ann'").int64(0, 0), 3) << "nothing swept them";

  EXPECT_EQ(pg::renew(c, db.dataset, "ann", 1150, 100), Positions{}) << "an expired lease is not revived";
  EXPECT_EQ(pg::renew(c, db.dataset, "bob", 1150, 100), range(3, 6)) << "bob's hold until 1199";
}

TEST(Claims, RenewExtendsOnlyUnexpiredLeases) {
  ClaimsDb db(4, 1);
  auto& c = db.conn;
  EXPECT_EQ(pg::claim(c, db.dataset, "ann", 0, 2, 1000, 100), range(0, 2));
  EXPECT_EQ(pg::renew(c, db.dataset, "ann", 1090, 100), range(0, 2));
  EXPECT_EQ(pg::claim(c, db.dataset, "bob", 0, 4, 1150, 100), range(2, 4)) << "renewed until 1190";
  EXPECT_EQ(pg::renew(c, db.dataset, "ann", 1190, 100), Positions{}) << "expired at 1190";
  EXPECT_EQ(pg::claim(c, db.dataset, "cat", 0, 4, 1190, 100), range(0, 2));
  EXPECT_EQ(pg::release(c, db.dataset, "ann"), 2) << "release drops expired leases too";
}

TEST(Claims, SkipsItemsTheAnnotatorAnswered) {
  ClaimsDb db(6, 2);
  auto& c = db.conn;
  answer(c, db.dataset, 0, "ann");
  answer(c, db.dataset, 2, "ann");
  EXPECT_EQ(pg::claim(c, db.dataset, "ann", 0, 4, 1000, long_lease), (Positions{1, 3, 4, 5}));
  EXPECT_EQ(pg::claim(c, db.dataset, "bob", 0, 3, 1000, long_lease), (Positions{0, 1, 2}));
}

// first_free answers what claim would hand first, and claims nothing.
TEST(Claims, FirstFreeIsWhatClaimWouldHandFirst) {
  ClaimsDb db(6, 1);
  auto& c = db.conn;
  EXPECT_EQ(pg::first_free(c, db.dataset, "ann", 0, 1000), 0);
  EXPECT_EQ(pg::first_free(c, db.dataset, "ann", 0, 1000), 0) << "it took no lease";
  EXPECT_EQ(pg::claim(c, db.dataset, "ann", 0, 3, 1000, 100), range(0, 3));
  EXPECT_EQ(pg::first_free(c, db.dataset, "ann", 0, 1000), 0) << "one's own leases do not count";
  EXPECT_EQ(pg::first_free(c, db.dataset, "bob", 0, 1000), 3);
  EXPECT_EQ(pg::first_free(c, db.dataset, "bob", 5, 1000), 5);
  answer(c, db.dataset, 5, "cat");
  EXPECT_EQ(pg::first_free(c, db.dataset, "bob", 5, 1000), 3) << "from the cursor, then from 0";
  EXPECT_EQ(pg::first_free(c, db.dataset, "bob", 0, 1100), 0) << "ann's leases ran out at 1100";
  answer(c, db.dataset, 3, "cat");
  answer(c, db.dataset, 4, "cat");
  EXPECT_EQ(pg::first_free(c, db.dataset, "bob", 0, 1000), std::nullopt);
}

// Six annotators claim and answer concurrently, all from the same cursor:
// every item ends with exactly two answers (overlap 2), none with three.
TEST(Claims, ConcurrentClaimersNeverOverHand) {
  constexpr int items = 300, annotators = 6, batch = 10;
  ClaimsDb db(items, 2);
  std::vector<std::string> errors(annotators);
  std::atomic<int> claims{0};
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  std::vector<std::thread> threads;
  for (int a = 0; a < annotators; ++a)
    threads.emplace_back([&, a] {
      const std::string name = "annotator" + std::to_string(a);
      try {
        pg::Connection conn(db.db.uri());
        std::int64_t cursor = 0;
        while (std::chrono::steady_clock::now() < deadline) {
          Positions got = pg::claim(conn, db.dataset, name, cursor, batch, pg::server_now_ms(conn), long_lease);
          ++claims;
          for (std::int64_t p : got) answer(conn, db.dataset, p, name);
          if (!got.empty()) {
            cursor = got.back() + 1;
            continue;
          }
          // Nothing for us now: done, unless items we have not answered are
          // still open (held by others, or skipped while being claimed).
          const std::int64_t open =
              conn.exec("SELECT count(*) FROM items i WHERE dataset = $1 AND NOT done AND NOT EXISTS "
                        "(SELECT 1 FROM answers a WHERE a.dataset = i.dataset AND a.position = i.position "
                        "AND a.annotator = $2)",
                        db.dataset, name)
                  .int64(0, 0);
          if (open == 0) return;
          std::this_thread::sleep_for(std::chrono::milliseconds(5));
        }
        errors[a] = "not done before the deadline";
      } catch (const std::exception& e) {
        errors[a] = e.what();
      }
    });
  for (auto& t : threads) t.join();
  for (int a = 0; a < annotators; ++a) EXPECT_EQ(errors[a], "") << "annotator " << a;

  auto& c = db.conn;
  EXPECT_EQ(c.exec("SELECT count(*) FROM answers").int64(0, 0), 2 * items);
  EXPECT_EQ(c.exec("SELECT count(*) FROM items WHERE answers = 2 AND done").int64(0, 0), items);
  EXPECT_EQ(c.exec("SELECT count(*) FROM (SELECT position FROM answers GROUP BY position HAVING count(*) <> 2) x")
                .int64(0, 0),
            0);
  EXPECT_EQ(c.exec("SELECT count(*) FROM leases").int64(0, 0), 0) << "every lease ended in an answer";
  std::cout << "concurrent claims: " << claims.load() << " claims by " << annotators << " annotators for " << items
            << " items\n";
}

}  // namespace
}  // namespace gloss
