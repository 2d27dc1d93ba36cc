// Reviews on PostgreSQL (gloss review): one row per (dataset, item), the
// encoded Review as the LMDB store keeps it; the reviewer is the column's
// (row-level security checks it against the role, pg_schema.cpp).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string_view>

#include "core/pg.h"
#include "core/records.h"

namespace gloss::pg {

// Throws UserError when the dataset or the task in it does not exist.
void save_review(Connection& conn, std::string_view dataset, const Review& review);
bool remove_review(Connection& conn, std::string_view dataset, std::uint64_t task);
std::optional<Review> review(Connection& conn, int dataset_id, std::uint64_t task);
// One page of reviews after `after_position`, in position order.
std::vector<std::pair<std::uint64_t, Review>> reviews_after(Connection& conn, int dataset_id,
                                                            std::int64_t after_position, int limit);

}  // namespace gloss::pg
