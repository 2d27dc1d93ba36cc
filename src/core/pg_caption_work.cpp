// Why one statement under READ COMMITTED is enough: the candidates that look
// free in the statement's snapshot are inserted with ON CONFLICT DO UPDATE
// ... WHERE the row is the worker's own or expired. A concurrent claim of
// the same task makes the insert wait on the unique key until the other
// commits; PostgreSQL then evaluates the WHERE against the row as committed,
// finds another worker's unexpired claim and leaves it (the task is not
// returned). A task whose suggestion was committed after our snapshot still
// has its captioner's claim (the worker releases only after its suggestions
// are committed), so it is not taken either. Nothing sweeps expired claims:
// the next claim of the task overwrites them, release deletes the rest.
//
// One race is left to a second statement: a worker that claims, captions and
// releases a task while our statement runs (its claim came after our
// snapshot and was gone before our insert) leaves nothing for the insert to
// meet, and its suggestion is newer than our snapshot. The second statement,
// in the same transaction with a snapshot of its own, sees that suggestion:
// such a task is reported cached and our claim of it dropped.
#include "core/pg_caption_work.h"

#include <algorithm>
#include <set>

namespace gloss::pg {
namespace {

// $1 model, $2 candidates, $3 worker, $4 lease_ms, $5 count.
constexpr std::string_view claim_sql = R"sql(
WITH now AS (
  SELECT (extract(epoch FROM clock_timestamp()) * 1000)::bigint AS ms
), cand AS (
  SELECT c.task, c.ord,
         EXISTS (SELECT 1 FROM suggestions s WHERE s.model = $1::text AND s.task = c.task) AS cached
  FROM unnest($2::bigint[]) WITH ORDINALITY AS c(task, ord)
), free AS (
  SELECT c.task, c.ord FROM cand c, now
  WHERE NOT c.cached
    AND NOT EXISTS (SELECT 1 FROM caption_claims k
                    WHERE k.model = $1::text AND k.task = c.task AND k.worker <> $3::text AND k.expires_ms > now.ms)
  ORDER BY c.ord LIMIT $5::bigint
), claimed AS (
  INSERT INTO caption_claims AS k (model, task, worker, expires_ms)
  SELECT $1::text, f.task, $3::text, now.ms + $4::bigint FROM free f, now
  ON CONFLICT (model, task) DO UPDATE SET worker = excluded.worker, expires_ms = excluded.expires_ms
    WHERE k.worker = excluded.worker OR k.expires_ms <= (SELECT ms FROM now)
  RETURNING k.task
)
SELECT c.task, c.cached FROM cand c
WHERE c.cached OR c.task IN (SELECT task FROM claimed)
ORDER BY c.ord)sql";

}  // namespace

CaptionClaim claim_caption_work(Connection& conn, std::string_view model, const std::vector<std::uint64_t>& candidates,
                                std::string_view worker, std::int64_t lease_ms, std::int64_t count) {
  if (candidates.empty()) return {};
  std::vector<std::int64_t> tasks;
  tasks.reserve(candidates.size());
  for (const std::uint64_t t : candidates) tasks.push_back(as_bigint(t));
  return conn.transaction([&](Connection& c) {
    CaptionClaim got;
    const Result r = c.exec(claim_sql, model, bigint_array(tasks), worker, lease_ms, count);
    for (int row = 0; row < r.rows(); ++row)
      (r.boolean(row, 1) ? got.cached : got.claimed).push_back(from_bigint(r.int64(row, 0)));
    if (got.claimed.empty()) return got;
    std::vector<std::int64_t> claimed;
    for (const std::uint64_t t : got.claimed) claimed.push_back(as_bigint(t));
    const Result done = c.exec(
        "DELETE FROM caption_claims k USING suggestions s "
        "WHERE k.model = $1 AND k.worker = $2 AND k.task = ANY($3::bigint[]) AND s.model = k.model AND s.task = k.task "
        "RETURNING k.task",
        model, worker, bigint_array(claimed));
    if (done.rows() == 0) return got;
    std::set<std::uint64_t> meanwhile;
    for (int row = 0; row < done.rows(); ++row) meanwhile.insert(from_bigint(done.int64(row, 0)));
    std::erase_if(got.claimed, [&](std::uint64_t t) { return meanwhile.count(t) > 0; });
    got.cached.insert(got.cached.end(), meanwhile.begin(), meanwhile.end());
    return got;
  });
}

void release_caption_work(Connection& conn, std::string_view model, std::string_view worker) {
  conn.exec("DELETE FROM caption_claims WHERE model = $1 AND worker = $2", model, worker);
}

}  // namespace gloss::pg
