// Why claims run under REPEATABLE READ and touch the items they hand out:
// a claim decides from its snapshot which items are free, and locks them
// FOR UPDATE SKIP LOCKED. Skipping covers claims still in progress; but a
// claim that committed after our snapshot was taken left leases we cannot
// see. Every claim and renewal therefore updates the items' rows
// (claimed_ms), as saving an answer does (answers, done): locking a row
// updated since our snapshot fails with a serialization error under
// REPEATABLE READ, and transaction() runs the claim again with a fresh one.
// (Under READ COMMITTED the lock would recheck the item row only, with the
// leases still read from the old snapshot: the item could be over-handed.)
#include "core/pg_claims.h"

#include <string>

namespace gloss::pg {
namespace {

// "free for $2" in dataset $1 at time $<now>: not answered by $2, and the
// item's answers plus other annotators' unexpired leases are fewer than the
// dataset's overlap, or than the item's wanted where adaptive overlap
// raised it (greatest() skips the NULL of an item without one). Both are scalar subqueries, probing the primary keys
// for each item the scan passes: written as NOT EXISTS, the planner may turn
// the first into an anti-join that reads every answer of $2 (41 ms a claim
// with 100,000 answers).
std::string free_for_annotator(int now) {
  const std::string now_ms = "$" + std::to_string(now) + "::bigint";
  return R"sql(
      i.dataset = $1::integer AND NOT i.done
      AND (SELECT count(*) FROM answers a
           WHERE a.dataset = i.dataset AND a.position = i.position AND a.annotator = $2::text) = 0
      AND i.answers + (SELECT count(*) FROM leases l
                       WHERE l.dataset = i.dataset AND l.position = i.position
                         AND l.annotator <> $2::text AND l.expires_ms > )sql" +
         now_ms + R"sql()
          < greatest((SELECT overlap FROM datasets WHERE id = $1::integer),
                     (SELECT wanted FROM item_wanted w WHERE w.dataset = i.dataset AND w.position = i.position)))sql";
}

// $1 dataset, $2 annotator, $3 from_position, $4 count, $5 now_ms, $6 lease_ms.
// From $3 up, then the rest of the count from 0 up to $3; one statement.
const std::string claim_sql = R"sql(
WITH after AS (
  SELECT i.position FROM items i
  WHERE i.position >= $3::bigint AND )sql" + free_for_annotator(5) + R"sql(
  ORDER BY i.position LIMIT $4::bigint
  FOR UPDATE OF i SKIP LOCKED
), before AS (
  SELECT i.position FROM items i
  WHERE i.position < $3::bigint AND )sql" + free_for_annotator(5) + R"sql(
  ORDER BY i.position LIMIT $4::bigint - (SELECT count(*) FROM after)
  FOR UPDATE OF i SKIP LOCKED
), picked AS (
  SELECT position FROM after UNION ALL SELECT position FROM before
), leased AS (
  INSERT INTO leases (dataset, position, annotator, expires_ms)
  SELECT $1::integer, position, $2::text, $5::bigint + $6::bigint FROM picked
  ON CONFLICT (dataset, position, annotator) DO UPDATE SET expires_ms = excluded.expires_ms
  RETURNING position
), touched AS (
  UPDATE items SET claimed_ms = $5::bigint
  WHERE dataset = $1::integer AND position IN (SELECT position FROM picked)
)
SELECT position FROM leased ORDER BY position < $3::bigint, position)sql";

// $1 dataset, $2 annotator, $3 from_position, $4 now_ms. The second branch
// runs only when the first finds nothing (Append stops at the LIMIT).
const std::string first_free_sql = R"sql(
(SELECT i.position FROM items i
 WHERE i.position >= $3::bigint AND )sql" + free_for_annotator(4) + R"sql(
 ORDER BY i.position LIMIT 1)
UNION ALL
(SELECT i.position FROM items i
 WHERE i.position < $3::bigint AND )sql" + free_for_annotator(4) + R"sql(
 ORDER BY i.position LIMIT 1)
LIMIT 1)sql";

constexpr std::string_view renew_sql = R"sql(
WITH renewed AS (
  UPDATE leases SET expires_ms = $3::bigint + $4::bigint
  WHERE dataset = $1::integer AND annotator = $2::text AND expires_ms > $3::bigint
  RETURNING position
), touched AS (
  UPDATE items SET claimed_ms = $3::bigint
  WHERE dataset = $1::integer AND position IN (SELECT position FROM renewed)
)
SELECT position FROM renewed ORDER BY position)sql";

// Claims need one plan whatever the statistics say: walk items_open in
// position order and stop after `count` free items. Right after a bulk add,
// before autovacuum has analyzed the table, the planner guessed a hundred
// open items and chose a bitmap scan that tests every open item before
// sorting them (330 ms a claim at 100,000 items); without seq and bitmap
// scans, for this transaction only, the ordered index scan is what is left.
void ordered_scans_only(Connection& c) {
  c.exec("SELECT set_config('enable_seqscan', 'off', true), set_config('enable_bitmapscan', 'off', true)");
}

std::vector<std::int64_t> positions(const Result& r) {
  std::vector<std::int64_t> out;
  out.reserve(r.rows());
  for (int row = 0; row < r.rows(); ++row) out.push_back(r.int64(row, 0));
  return out;
}

}  // namespace

std::vector<std::int64_t> claim(Connection& conn, int dataset, std::string_view annotator, std::int64_t from_position,
                                int count, std::int64_t now_ms, std::int64_t lease_ms) {
  if (count <= 0) return {};
  return conn.transaction(
      [&](Connection& c) {
        ordered_scans_only(c);
        return positions(c.exec(claim_sql, dataset, annotator, from_position, count, now_ms, lease_ms));
      },
      Isolation::repeatable_read, 100);
}

std::vector<std::int64_t> renew(Connection& conn, int dataset, std::string_view annotator, std::int64_t now_ms,
                                std::int64_t lease_ms) {
  return conn.transaction(
      [&](Connection& c) { return positions(c.exec(renew_sql, dataset, annotator, now_ms, lease_ms)); },
      Isolation::repeatable_read, 100);
}

std::optional<std::int64_t> first_free(Connection& conn, int dataset, std::string_view annotator,
                                       std::int64_t from_position, std::int64_t now_ms) {
  return conn.transaction([&](Connection& c) -> std::optional<std::int64_t> {
    ordered_scans_only(c);
    const Result r = c.exec(first_free_sql, dataset, annotator, from_position, now_ms);
    if (r.rows() == 0) return std::nullopt;
    return r.int64(0, 0);
  });
}

std::int64_t release(Connection& conn, int dataset, std::string_view annotator) {
  return conn.exec("DELETE FROM leases WHERE dataset = $1 AND annotator = $2", dataset, annotator).affected();
}

std::int64_t server_now_ms(Connection& conn) {
  return conn.exec("SELECT (extract(epoch FROM clock_timestamp()) * 1000)::bigint").int64(0, 0);
}

}  // namespace gloss::pg
