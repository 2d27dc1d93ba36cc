// Caption work claims in the LMDB store (Store::claim_caption_work): which
// worker pre-captions which (model, task), until when. Used by
// lmdb_store.cpp inside its own write transactions; the layout:
//   suggestions     model id | 0x00 | u64 task hash -> suggestion record
//   caption_claims  model id | 0x00 | u64 task hash -> i64 expiry (ms) | worker
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/lmdb.h"
#include "core/store.h"

namespace gloss::lmdb {

// The key of (model, task) in suggestions and caption_claims.
std::string suggestion_key(std::string_view model, std::uint64_t task);

struct CaptionWorkDbs {
  MDB_dbi suggestions;
  MDB_dbi claims;
};

// Claim_caption_work's rules, in `txn` (a write transaction), at time now_ms.
CaptionClaim claim_caption_work(Txn& txn, const CaptionWorkDbs& dbs, std::string_view model,
                                const std::vector<std::uint64_t>& candidates, std::string_view worker,
                                std::int64_t now_ms, std::int64_t lease_ms, std::size_t count);

// Removes the worker's claims on the model's tasks.
void release_caption_work(Txn& txn, const CaptionWorkDbs& dbs, std::string_view model, std::string_view worker);

}  // namespace gloss::lmdb
