#include "core/pg_reviews.h"

#include "core/error.h"
#include "core/hash.h"
#include "core/store.h"

namespace gloss::pg {
namespace {

Review review_from(const Result& r, int row) {
  Review review = decode_review(r.bytes(row, 1));
  review.reviewer = r.text(row, 0);
  return review;
}

}  // namespace

void save_review(Connection& conn, std::string_view dataset, const Review& review) {
  const std::string reviewer = review.reviewer.empty() ? default_annotator() : review.reviewer;
  Review stored = review;
  stored.reviewer = reviewer;
  const Result r = conn.exec(R"sql(
      INSERT INTO reviews (dataset, position, reviewer, record, reviewed_ms)
      SELECT i.dataset, i.position, $3, $4, $5 FROM items i JOIN datasets d ON d.id = i.dataset
      WHERE d.name = $1 AND i.task = $2
      ON CONFLICT (dataset, position) DO UPDATE
        SET reviewer = excluded.reviewer, record = excluded.record, reviewed_ms = excluded.reviewed_ms
      RETURNING position)sql",
                             dataset, as_bigint(review.task), reviewer, Bytes{encode(stored)}, review.reviewed_ms);
  if (r.rows() > 0) return;
  if (conn.exec("SELECT 1 FROM datasets WHERE name = $1", dataset).rows() == 0)
    throw UserError("no dataset named '" + std::string(dataset) + "' in store " + conn.server());
  throw UserError("task " + hash_hex(review.task) + " is not in dataset '" + std::string(dataset) + "'");
}

bool remove_review(Connection& conn, std::string_view dataset, std::uint64_t task) {
  return conn.exec(R"sql(
      DELETE FROM reviews v USING items i, datasets d
      WHERE d.name = $1 AND i.dataset = d.id AND i.task = $2 AND v.dataset = i.dataset AND v.position = i.position)sql",
                   dataset, as_bigint(task))
             .affected() > 0;
}

std::optional<Review> review(Connection& conn, int dataset_id, std::uint64_t task) {
  const Result r = conn.exec(R"sql(
      SELECT v.reviewer, v.record FROM items i JOIN reviews v ON v.dataset = i.dataset AND v.position = i.position
      WHERE i.dataset = $1 AND i.task = $2)sql",
                             dataset_id, as_bigint(task));
  if (r.rows() == 0) return std::nullopt;
  return review_from(r, 0);
}

std::vector<std::pair<std::uint64_t, Review>> reviews_after(Connection& conn, int dataset_id,
                                                            std::int64_t after_position, int limit) {
  const Result r = conn.exec(
      "SELECT reviewer, record, position FROM reviews WHERE dataset = $1 AND position > $2 ORDER BY position LIMIT $3",
      dataset_id, after_position, limit);
  std::vector<std::pair<std::uint64_t, Review>> out;
  for (int row = 0; row < r.rows(); ++row)
    out.emplace_back(static_cast<std::uint64_t>(r.int64(row, 2)), review_from(r, row));
  return out;
}

}  // namespace gloss::pg
