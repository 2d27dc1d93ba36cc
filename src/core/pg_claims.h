// Handing items of a dataset to annotators (PostgreSQL): each item wants
// `overlap` answers from different annotators; an annotator claims a batch
// of items ahead of the cursor, holds them under a lease while working,
// renews the lease (heartbeat) and releases it on quit. A lease past its
// time is free at the next claim: nothing sweeps them.
//
// Times are in milliseconds, given by the caller so that every workstation
// reads one clock: pass server_now_ms() (tests pass made-up times). Each
// call runs its own transaction (REPEATABLE READ, rerun on a serialization
// failure): do not call these inside one.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "core/pg.h"

namespace gloss::pg {

// Up to `count` positions of `dataset` for `annotator`, in order from
// `from_position` up, then from 0 on: items this annotator has not answered
// whose answers plus unexpired leases of other annotators are fewer than the
// dataset's overlap (or the item's wanted, where adaptive overlap raised it), and that no concurrent claim is taking (SKIP LOCKED).
// The annotator's leases on them expire at now_ms + lease_ms (taken or
// refreshed). Fewer, or none, when that is all there is.
std::vector<std::int64_t> claim(Connection& conn, int dataset, std::string_view annotator, std::int64_t from_position,
                                int count, std::int64_t now_ms, std::int64_t lease_ms);

// The first position claim() would hand the annotator (from `from_position`
// up, then from 0), without claiming it; nullopt when there is none. Its own
// transaction (READ COMMITTED: it only reads), so not inside another.
std::optional<std::int64_t> first_free(Connection& conn, int dataset, std::string_view annotator,
                                       std::int64_t from_position, std::int64_t now_ms);

// Extends the annotator's unexpired leases to now_ms + lease_ms and returns
// their positions, in order. An expired lease is not revived: another
// annotator may hold the item now; claim it again instead.
std::vector<std::int64_t> renew(Connection& conn, int dataset, std::string_view annotator, std::int64_t now_ms,
                                std::int64_t lease_ms);

// Drops all the annotator's leases in the dataset; returns how many there were.
std::int64_t release(Connection& conn, int dataset, std::string_view annotator);

// The server's clock, in milliseconds since the epoch.
std::int64_t server_now_ms(Connection& conn);

}  // namespace gloss::pg
