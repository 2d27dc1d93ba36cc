// gloss's PostgreSQL schema: created, kept, migrated once by concurrent
// workstations, and refused when a newer gloss set it up.
#include <barrier>
#include <thread>

#include "core/pg_schema.h"
#include "pg/pg_test_util.h"

namespace gloss {
namespace {

std::vector<std::string> tables(pg::Connection& conn) {
  pg::Result r = conn.exec("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename");
  std::vector<std::string> out;
  for (int i = 0; i < r.rows(); ++i) out.push_back(r.text(i, 0));
  return out;
}

TEST(Schema, FreshDatabaseGetsTheCurrentVersion) {
  test::PgDatabase db;
  pg::Connection conn(db.uri());
  EXPECT_EQ(pg::stored_schema_version(conn), 0);
  EXPECT_EQ(pg::migrate(conn), 0) << "found nothing";
  EXPECT_EQ(pg::stored_schema_version(conn), pg::schema_version);
  EXPECT_EQ(tables(conn), (std::vector<std::string>{"answers", "caption_claims", "dataset_counts", "datasets", "files",
                                                    "gloss_schema", "item_wanted", "items", "leases", "reviews",
                                                    "suggestions", "tasks", "thumbnails"}));
  EXPECT_EQ(conn.exec("SELECT count(*) FROM gloss_schema").int64(0, 0), 1);
}

TEST(Schema, MigratingAgainChangesNothing) {
  test::PgDatabase db;
  pg::Connection conn(db.uri());
  pg::migrate(conn);
  conn.exec("INSERT INTO datasets (name, created_ms) VALUES ($1, $2)", "photos", std::int64_t{1234});
  EXPECT_EQ(pg::migrate(conn), pg::schema_version);
  EXPECT_EQ(pg::migrate(conn), pg::schema_version);
  EXPECT_EQ(conn.exec("SELECT count(*) FROM datasets").int64(0, 0), 1) << "the data is kept";
  EXPECT_EQ(conn.exec("SELECT count(*) FROM gloss_schema").int64(0, 0), 1);
}

// Workstations starting at once on a fresh database: without the advisory
// lock they race on CREATE TABLE and all but one fail.
TEST(Schema, ConcurrentMigratorsMigrateOnce) {
  for (int round = 0; round < 3; ++round) {
    test::PgDatabase db;
    constexpr int migrators = 4;
    std::barrier start(migrators);
    std::vector<int> found(migrators, -1);
    std::vector<std::string> errors(migrators);
    std::vector<std::thread> threads;
    for (int t = 0; t < migrators; ++t)
      threads.emplace_back([&, t] {
        try {
          pg::Connection conn(db.uri());
          start.arrive_and_wait();
          found[t] = pg::migrate(conn);
        } catch (const std::exception& e) {
          errors[t] = e.what();
        }
      });
    for (auto& t : threads) t.join();
    int fresh = 0;
    for (int t = 0; t < migrators; ++t) {
      EXPECT_EQ(errors[t], "") << "migrator " << t;
      if (found[t] == 0) ++fresh;
    }
    EXPECT_EQ(fresh, 1) << "one migrator created the schema, the others found it";
    pg::Connection conn(db.uri());
    EXPECT_EQ(pg::stored_schema_version(conn), pg::schema_version);
  }
}

TEST(Schema, NewerSchemaIsRefused) {
  test::PgDatabase db;
  pg::Connection conn(db.uri());
  pg::migrate(conn);
  conn.exec("UPDATE gloss_schema SET version = $1", pg::schema_version + 4);
  try {
    pg::migrate(conn);
    FAIL() << "an older gloss used a newer schema";
  } catch (const pg::SchemaTooNew& e) {
    EXPECT_EQ(e.found(), pg::schema_version + 4);
    const std::string expected = "database " + db.name() + " (" + db.uri() + ") has gloss schema version " +
                                 std::to_string(pg::schema_version + 4) + "; this gloss knows up to " +
                                 std::to_string(pg::schema_version) + ": it was set up by a newer gloss";
    EXPECT_TRUE(test::contains(e.what(), expected)) << e.what();
  }
  EXPECT_EQ(pg::stored_schema_version(conn), pg::schema_version + 4) << "left as it was";
}

// A database of schema version 3 gets adaptive overlap (version 4), off for
// its datasets, its data kept.
TEST(Schema, VersionThreeGetsAdaptiveOverlap) {
  test::PgDatabase db;
  pg::Connection conn(db.uri());
  ASSERT_EQ(pg::migrate(conn, 3), 0);
  conn.exec("INSERT INTO datasets (name, created_ms, overlap) VALUES ($1, $2, 2)", "photos", std::int64_t{1234});
  EXPECT_EQ(pg::migrate(conn), 3);
  EXPECT_EQ(pg::stored_schema_version(conn), pg::schema_version);
  EXPECT_TRUE(conn.exec("SELECT more_if_wer_above IS NULL FROM datasets").boolean(0, 0));
  EXPECT_EQ(conn.exec("SELECT max_overlap FROM datasets").int64(0, 0), 0);
  EXPECT_EQ(conn.exec("SELECT count(*) FROM item_wanted").int64(0, 0), 0);
  EXPECT_EQ(conn.exec("SELECT overlap FROM datasets WHERE name = 'photos'").int64(0, 0), 2) << "the data is kept";
}

// A database of the first gloss on PostgreSQL gets row-level security and
// caption_claims, and keeps its data.
TEST(Schema, VersionOneIsUpgraded) {
  test::PgDatabase db;
  pg::Connection conn(db.uri());
  ASSERT_EQ(pg::migrate(conn, 1), 0);
  conn.exec("INSERT INTO datasets (name, created_ms) VALUES ($1, $2)", "photos", std::int64_t{1234});
  EXPECT_EQ(pg::migrate(conn), 1);
  EXPECT_EQ(pg::stored_schema_version(conn), pg::schema_version);
  EXPECT_EQ(conn.exec("SELECT count(*) FROM caption_claims").int64(0, 0), 0);
  EXPECT_EQ(conn.exec("SELECT count(*) FROM reviews").int64(0, 0), 0);
  EXPECT_TRUE(conn.exec("SELECT relrowsecurity FROM pg_class WHERE oid = 'answers'::regclass").boolean(0, 0));
  EXPECT_TRUE(conn.exec("SELECT relrowsecurity FROM pg_class WHERE oid = 'reviews'::regclass").boolean(0, 0));
  EXPECT_EQ(conn.exec("SELECT count(*) FROM datasets").int64(0, 0), 1) << "the data is kept";
}

}  // namespace
}  // namespace gloss
