// pg::Connection against the test server: parameters, errors, transactions,
// LISTEN/NOTIFY, a lost connection.
#include <libpq-fe.h>

#include <barrier>
#include <limits>
#include <thread>

#include "pg/pg_test_util.h"

namespace gloss {
namespace {

using namespace std::chrono_literals;

TEST(RedactUri, HidesPasswordsInEveryForm) {
  EXPECT_EQ(pg::redact_uri("postgresql://ann:s3cret@db.example/gloss"), "postgresql://ann:***@db.example/gloss");
  EXPECT_EQ(pg::redact_uri("postgres://ann:p%40ss@db:5433/gloss?sslmode=require"),
            "postgres://ann:***@db:5433/gloss?sslmode=require");
  EXPECT_EQ(pg::redact_uri("postgresql:///gloss?host=/run/pg&password=s3cret&user=ann"),
            "postgresql:///gloss?host=/run/pg&password=***&user=ann");
  EXPECT_EQ(pg::redact_uri("host=db user=ann password=s3cret dbname=gloss"),
            "host=db user=ann password=*** dbname=gloss");
  EXPECT_EQ(pg::redact_uri("host=db password = 'it\\'s a \\\\ secret' dbname=gloss"),
            "host=db password = *** dbname=gloss");
  // Nothing to hide: unchanged.
  EXPECT_EQ(pg::redact_uri("postgresql://ann@db/gloss"), "postgresql://ann@db/gloss");
  EXPECT_EQ(pg::redact_uri("postgresql:///gloss?host=/tmp/x"), "postgresql:///gloss?host=/tmp/x");
  EXPECT_EQ(pg::redact_uri("dbname=gloss"), "dbname=gloss");
}

TEST(Connection, ParametersRoundTripVerbatim) {
  test::PgDatabase db;
  pg::Connection conn(db.uri());
  conn.exec("CREATE TABLE t (id bigint PRIMARY KEY, name text, data bytea, flag boolean)");

  // A would-be injection is only a value.
  const std::string evil = "it's \"quoted\"'); DROP TABLE t; --";
  std::string bytes;
  for (int i = 0; i < 256; ++i) bytes += static_cast<char>(i);
  bytes += std::string("\0\0end\0", 6);
  conn.exec("INSERT INTO t VALUES ($1, $2, $3, $4)", std::int64_t{1}, evil, pg::Bytes{bytes}, true);
  conn.exec("INSERT INTO t VALUES ($1, $2, $3, $4)", std::numeric_limits<std::int64_t>::min(), std::nullopt,
            std::optional<pg::Bytes>{}, false);
  const std::uint64_t hash = 0xfedcba9876543210ull;  // above INT64_MAX
  conn.exec("INSERT INTO t (id, name) VALUES ($1, $2)", pg::as_bigint(hash), std::string_view("hash"));

  pg::Result r = conn.exec("SELECT id, name, data, flag FROM t WHERE id = $1", std::int64_t{1});
  ASSERT_EQ(r.rows(), 1);
  EXPECT_EQ(r.text(0, 1), evil);
  EXPECT_EQ(r.bytes(0, 2), bytes);
  EXPECT_TRUE(r.boolean(0, 3));
  EXPECT_EQ(conn.exec("SELECT count(*) FROM t").int64(0, 0), 3) << "the table is still there";

  r = conn.exec("SELECT name, data, flag FROM t WHERE id = $1", std::numeric_limits<std::int64_t>::min());
  ASSERT_EQ(r.rows(), 1);
  EXPECT_TRUE(r.is_null(0, 0));
  EXPECT_TRUE(r.is_null(0, 1));
  EXPECT_FALSE(r.boolean(0, 2));
  EXPECT_THROW(r.text(0, 0), pg::Error) << "a NULL is not an empty text";

  r = conn.exec("SELECT id FROM t WHERE name = $1", "hash");
  ASSERT_EQ(r.rows(), 1);
  EXPECT_EQ(pg::from_bigint(r.int64(0, 0)), hash);

  EXPECT_EQ(conn.exec("UPDATE t SET flag = $1", false).affected(), 3);
}

// Arrays as one text parameter: whatever the elements hold comes back as it
// was, in order (unnest ... WITH ORDINALITY).
TEST(Connection, ArrayParametersRoundTripVerbatim) {
  test::PgDatabase db;
  pg::Connection conn(db.uri());
  const std::vector<std::string> texts = {"plain", "", "NULL", "with \"quotes\" and \\ backslash", "{braces},commas",
                                          " spaced ", "caf\xC3\xA9 \xE2\x9C\x93", "new\nline\ttab", "it's"};
  pg::Result r =
      conn.exec("SELECT t FROM unnest($1::text[]) WITH ORDINALITY u(t, n) ORDER BY n", pg::text_array(texts));
  ASSERT_EQ(r.rows(), static_cast<int>(texts.size()));
  for (int i = 0; i < r.rows(); ++i) {
    EXPECT_FALSE(r.is_null(i, 0)) << "element " << i;
    EXPECT_EQ(r.text(i, 0), texts[i]) << "element " << i;
  }

  std::string all_bytes;
  for (int i = 0; i < 256; ++i) all_bytes += static_cast<char>(i);
  const std::vector<std::string> blobs = {all_bytes, "", std::string("\0\\\"", 3)};
  r = conn.exec("SELECT b FROM unnest($1::bytea[]) WITH ORDINALITY u(b, n) ORDER BY n", pg::bytea_array(blobs));
  ASSERT_EQ(r.rows(), 3);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(r.bytes(i, 0), blobs[i]) << "blob " << i;

  const std::vector<std::int64_t> numbers = {0, -1, std::numeric_limits<std::int64_t>::min(),
                                             std::numeric_limits<std::int64_t>::max()};
  r = conn.exec("SELECT x FROM unnest($1::bigint[]) WITH ORDINALITY u(x, n) ORDER BY n", pg::bigint_array(numbers));
  ASSERT_EQ(r.rows(), 4);
  for (int i = 0; i < 4; ++i) EXPECT_EQ(r.int64(i, 0), numbers[i]);
  r = conn.exec("SELECT x FROM unnest($1::boolean[]) WITH ORDINALITY u(x, n) ORDER BY n",
                pg::bool_array({true, false, true}));
  ASSERT_EQ(r.rows(), 3);
  EXPECT_TRUE(r.boolean(0, 0));
  EXPECT_FALSE(r.boolean(1, 0));
  EXPECT_EQ(conn.exec("SELECT cardinality($1::bigint[])", pg::bigint_array({})).int64(0, 0), 0);
  EXPECT_THROW(pg::text_array(std::vector<std::string>{std::string("a\0b", 3)}), pg::Error);
}

TEST(Connection, TextWithANulByteIsRefusedNotCut) {
  test::PgDatabase db;
  pg::Connection conn(db.uri());
  try {
    conn.exec("SELECT $1::text", std::string("abc\0def", 7));
    FAIL() << "a text parameter with a NUL byte was sent";
  } catch (const pg::Error& e) {
    EXPECT_TRUE(test::contains(e.what(), "NUL")) << e.what();
  }
}

TEST(Connection, WaitsTenSecondsForAServerUnlessTheUriSays) {
  test::PgDatabase db;
  const auto timeout_of = [](const pg::Connection& conn) {
    std::string found;
    PQconninfoOption* options = PQconninfo(conn.raw());
    for (PQconninfoOption* o = options; o && o->keyword; ++o)
      if (std::string(o->keyword) == "connect_timeout" && o->val) found = o->val;
    PQconninfoFree(options);
    return found;
  };
  pg::Connection plain(db.uri());
  EXPECT_EQ(timeout_of(plain), "10");
  pg::Connection told(db.uri() + "&connect_timeout=3");
  EXPECT_EQ(timeout_of(told), "3");
  EXPECT_EQ(told.database(), db.name()) << "the URI's other values still apply";
}

TEST(Connection, ConnectErrorNamesTheServerWithoutPassword) {
  test::TempDir nowhere;
  const std::string uri = "postgresql://ann:s3cret@/gloss?host=" + nowhere.path().string();
  try {
    pg::Connection conn(uri);
    FAIL() << "connected to a folder without a server";
  } catch (const pg::Error& e) {
    const std::string what = e.what();
    EXPECT_TRUE(test::contains(what, "cannot connect to PostgreSQL at postgresql://ann:***@/gloss?host=" +
                                         nowhere.path().string() + ": "))
        << what;
    EXPECT_TRUE(test::contains(what, "No such file or directory")) << "libpq's reason: " << what;
    EXPECT_FALSE(test::contains(what, "s3cret")) << what;
    EXPECT_EQ(what.find('\n'), std::string::npos) << "one line: " << what;
  }
}

TEST(Connection, StatementErrorNamesServerStateAndStatement) {
  test::PgDatabase db;
  pg::Connection conn(db.uri());
  conn.exec("CREATE TABLE t (id int PRIMARY KEY)");
  conn.exec("INSERT INTO t VALUES ($1)", 7);
  try {
    conn.exec("INSERT INTO t VALUES ($1)", 7);
    FAIL() << "a duplicate key was accepted";
  } catch (const pg::Error& e) {
    EXPECT_EQ(e.sqlstate(), "23505");
    EXPECT_TRUE(test::contains(e.what(), "PostgreSQL at " + db.uri())) << e.what();
    EXPECT_TRUE(test::contains(e.what(), "duplicate key")) << e.what();
    EXPECT_TRUE(test::contains(e.what(), "INSERT INTO t VALUES ($1)")) << e.what();
  }
  EXPECT_THROW(conn.exec("SELEKT 1"), pg::Error);
  EXPECT_EQ(conn.exec("SELECT 2").int64(0, 0), 2) << "the connection is still usable";
}

TEST(Connection, TransactionRollsBackOnException) {
  test::PgDatabase db;
  pg::Connection conn(db.uri());
  conn.exec("CREATE TABLE t (id int)");
  EXPECT_THROW(conn.transaction([](pg::Connection& c) {
    c.exec("INSERT INTO t VALUES (1)");
    throw std::runtime_error("changed my mind");
  }),
               std::runtime_error);
  EXPECT_EQ(conn.exec("SELECT count(*) FROM t").int64(0, 0), 0);
  EXPECT_EQ(conn.transaction([](pg::Connection& c) { return c.exec("INSERT INTO t VALUES (2)").affected(); }), 1);
  EXPECT_EQ(conn.exec("SELECT count(*) FROM t").int64(0, 0), 1);
}

TEST(Connection, TransactionsDoNotNest) {
  test::PgDatabase db;
  pg::Connection conn(db.uri());
  conn.exec("CREATE TABLE t (id int)");
  EXPECT_THROW(conn.transaction([](pg::Connection& c) {
    c.exec("INSERT INTO t VALUES (1)");
    c.transaction([](pg::Connection&) {});  // would COMMIT the outer one
  }),
               pg::Error);
  EXPECT_EQ(conn.exec("SELECT count(*) FROM t").int64(0, 0), 0) << "the outer transaction rolled back";
}

// Another connection updates the row between our read and our write: under
// REPEATABLE READ our UPDATE fails with 40001 and the transaction reruns.
TEST(Connection, TransactionRerunsOnSerializationFailure) {
  test::PgDatabase db;
  pg::Connection conn(db.uri()), other(db.uri());
  conn.exec("CREATE TABLE counter (n int)");
  conn.exec("INSERT INTO counter VALUES (0)");
  int attempts = 0;
  conn.transaction(
      [&](pg::Connection& c) {
        ++attempts;
        const std::int64_t n = c.exec("SELECT n FROM counter").int64(0, 0);
        if (attempts == 1) other.exec("UPDATE counter SET n = n + 1");
        c.exec("UPDATE counter SET n = $1", n + 1);
      },
      pg::Isolation::repeatable_read);
  EXPECT_EQ(attempts, 2);
  EXPECT_EQ(conn.exec("SELECT n FROM counter").int64(0, 0), 2) << "neither increment lost";
}

// Two transactions lock two rows in opposite orders: the server aborts one
// with 40P01 (deadlock_timeout is 100 ms on the test server) and it reruns.
TEST(Connection, TransactionRerunsAfterDeadlock) {
  test::PgDatabase db;
  pg::Connection setup(db.uri());
  setup.exec("CREATE TABLE rows (id int PRIMARY KEY, n int)");
  setup.exec("INSERT INTO rows VALUES (1, 0), (2, 0)");
  std::barrier both_hold_one(2);
  std::atomic<int> attempts{0};
  auto worker = [&](int first, int second) {
    pg::Connection conn(db.uri());
    bool waited = false;
    conn.transaction([&](pg::Connection& c) {
      ++attempts;
      c.exec("UPDATE rows SET n = n + 1 WHERE id = $1", first);
      if (!waited) {
        waited = true;
        both_hold_one.arrive_and_wait();
      }
      c.exec("UPDATE rows SET n = n + 1 WHERE id = $1", second);
    });
  };
  std::thread a(worker, 1, 2), b(worker, 2, 1);
  a.join();
  b.join();
  // 3, or more when the rerun raced the survivor into another deadlock.
  EXPECT_GE(attempts.load(), 3) << "one of the two ran again";
  pg::Result r = setup.exec("SELECT n FROM rows ORDER BY id");
  EXPECT_EQ(r.int64(0, 0), 2);
  EXPECT_EQ(r.int64(1, 0), 2);
}

TEST(Connection, ListenNotifyBetweenTwoConnections) {
  test::PgDatabase db;
  pg::Connection listener(db.uri()), sender(db.uri());
  listener.listen("answers");
  EXPECT_FALSE(listener.wait_for_notification(50ms)) << "nothing sent yet";

  sender.notify("answers", "dataset 3: it's 'saved' ✓");
  sender.notify("other_channel", "not for us");
  auto n = listener.wait_for_notification(5s);
  ASSERT_TRUE(n);
  EXPECT_EQ(n->channel, "answers");
  EXPECT_EQ(n->payload, "dataset 3: it's 'saved' ✓");
  EXPECT_EQ(n->sender_pid, sender.backend_pid());
  EXPECT_FALSE(listener.wait_for_notification(100ms)) << "other channels are not heard";

  // Sent inside a transaction: heard only once it commits.
  sender.transaction([&](pg::Connection& c) {
    c.notify("answers", "committed");
    EXPECT_FALSE(listener.wait_for_notification(100ms));
  });
  n = listener.wait_for_notification(5s);
  ASSERT_TRUE(n);
  EXPECT_EQ(n->payload, "committed");

  EXPECT_THROW(listener.listen("bad; name"), pg::Error);
}

// A connection the server ended while it was idle is seen before the next
// statement is sent, so a caller can reconnect instead of failing it.
TEST(Connection, StillOpenSeesAConnectionTheServerEnded) {
  test::PgDatabase db;
  pg::Connection conn(db.uri()), admin(db.uri());
  EXPECT_TRUE(conn.still_open());
  const int pid = conn.backend_pid();
  admin.exec("SELECT pg_terminate_backend($1)", pid);
  // The backend exits soon after; only looking, never sending, sees it go.
  bool open = true;
  for (int i = 0; i < 500 && (open = conn.still_open()); ++i) std::this_thread::sleep_for(10ms);
  EXPECT_FALSE(open);
  EXPECT_FALSE(conn.ok());
  conn.reset();
  EXPECT_TRUE(conn.still_open());
  EXPECT_EQ(conn.exec("SELECT 2").int64(0, 0), 2);
}

// The server restarts under an open connection: the next statement reports
// the connection lost, reset() reconnects (and listens again), and while the
// server is down reset() says it cannot connect.
TEST(Connection, LostConnectionIsDetectedAndResetReconnects) {
  auto server = test::PgServer::start_private();
  pg::Connection admin(server->uri());
  admin.exec("CREATE TABLE t (id int)");
  pg::Connection conn(server->uri());
  conn.listen("answers");
  conn.exec("INSERT INTO t VALUES (1)");

  server->restart();
  EXPECT_THROW(conn.exec("INSERT INTO t VALUES (2)"), pg::ConnectionLost);
  EXPECT_FALSE(conn.ok());
  conn.reset();
  EXPECT_TRUE(conn.ok());
  conn.exec("INSERT INTO t VALUES (3)");
  EXPECT_EQ(conn.exec("SELECT count(*) FROM t").int64(0, 0), 2);

  pg::Connection sender(server->uri());
  sender.notify("answers", "after the restart");
  auto n = conn.wait_for_notification(5s);
  ASSERT_TRUE(n) << "reset() listens again";
  EXPECT_EQ(n->payload, "after the restart");

  // A listener waiting when the server goes away hears of it.
  server->halt();
  EXPECT_THROW(conn.wait_for_notification(5s), pg::ConnectionLost);
  try {
    conn.reset();
    FAIL() << "reset() reached a stopped server";
  } catch (const pg::ConnectionLost&) {
    FAIL() << "reset() failing is a failure to connect, not a lost connection";
  } catch (const pg::Error& e) {
    EXPECT_TRUE(test::contains(e.what(), "cannot connect to PostgreSQL at " + server->uri())) << e.what();
  }
  server->resume();
  conn.reset();
  EXPECT_EQ(conn.exec("SELECT count(*) FROM t").int64(0, 0), 2);
}

}  // namespace
}  // namespace gloss
