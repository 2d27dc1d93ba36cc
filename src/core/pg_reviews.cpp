#include "core/pg_reviews.h"

#include <algorithm>

#include "core/error.h"
#include "core/hash.h"
#include "core/pg_writes.h"
#include "core/store.h"

namespace gloss::pg {
namespace {

Review review_from(const Result& r, int row) {
  Review review = decode_review(r.bytes(row, 1));
  review.reviewer = r.text(row, 0);
  return review;
}

// The review of an item, as stored (its row locked with the item's).
std::optional<Review> stored_review(Connection& conn, const ItemRow& item) {
  const Result r = conn.exec("SELECT reviewer, record FROM reviews WHERE dataset = $1 AND position = $2",
                             item.dataset, item.position);
  if (r.rows() == 0) return std::nullopt;
  return review_from(r, 0);
}

// A review goes from `before` to `after` (either may be none): sending the
// task back hands it to one more annotator than it has answers; replacing
// or withdrawing that review takes the extra one back (as the LMDB store).
void route_review(Connection& conn, const ItemRow& item,
                  const std::optional<Review>& before, const std::optional<Review>& after) {
  const bool was_sent_back = before && !before->settled();
  const bool sent_back = after && !after->settled();
  if (sent_back == was_sent_back) return;
  const int answers = static_cast<int>(item.answers);
  if (sent_back) set_item_wanted(conn, item, std::max(item.wanted, answers) + 1);
  else set_item_wanted(conn, item, std::max(item.wanted - 1, item.overlap));
}

}  // namespace

void save_review(Connection& conn, std::string_view dataset, const Review& review) {
  Review stored = review;
  if (stored.reviewer.empty()) stored.reviewer = default_annotator();
  conn.transaction([&](Connection& t) {
    const auto item = lock_item(t, dataset, review.task);
    if (!item)
      throw UserError("task " + hash_hex(review.task) + " is not in dataset '" + std::string(dataset) + "'");
    const std::optional<Review> before = stored_review(t, *item);
    t.exec(R"sql(
        INSERT INTO reviews (dataset, position, reviewer, record, reviewed_ms) VALUES ($1, $2, $3, $4, $5)
        ON CONFLICT (dataset, position) DO UPDATE
          SET reviewer = excluded.reviewer, record = excluded.record, reviewed_ms = excluded.reviewed_ms)sql",
           item->dataset, item->position, stored.reviewer, Bytes{encode(stored)}, stored.reviewed_ms);
    route_review(t, *item, before, stored);
  });
}

bool remove_review(Connection& conn, std::string_view dataset, std::uint64_t task) {
  return conn.transaction([&](Connection& t) {
    const auto item = lock_item(t, dataset, task);
    if (!item) return false;
    const std::optional<Review> before = stored_review(t, *item);
    if (!before) return false;
    t.exec("DELETE FROM reviews WHERE dataset = $1 AND position = $2", item->dataset, item->position);
    route_review(t, *item, before, std::nullopt);
    return true;
  });
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
