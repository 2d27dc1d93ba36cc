// Caption work claims on PostgreSQL (Store::claim_caption_work): which
// worker pre-captions which (model, task), until when, on the server's
// clock. The table is caption_claims (schema version 3, pg_schema.cpp).
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "core/pg.h"
#include "core/store.h"

namespace gloss::pg {

// One statement (autocommit, READ COMMITTED): see pg_caption_work.cpp for
// why two workers claiming at once never get the same task. `candidates`
// must not repeat a task.
CaptionClaim claim_caption_work(Connection& conn, std::string_view model, const std::vector<std::uint64_t>& candidates,
                                std::string_view worker, std::int64_t lease_ms, std::int64_t count);

// Deletes the worker's claims on the model's tasks.
void release_caption_work(Connection& conn, std::string_view model, std::string_view worker);

}  // namespace gloss::pg
