// gloss's schema in a PostgreSQL database, and its migrations. gloss creates
// and upgrades the schema itself: gloss_schema holds the version; migrate()
// brings a database up to schema_version in one transaction under an
// advisory lock, so two workstations starting at once do not race; an older
// gloss refuses a database a newer one has upgraded.
//
// Version 1 (tables and what keeps them consistent), 2 (row-level security
// on answers and leases), 3 (caption_claims: gloss predict on several
// machines), 4 (adaptive overlap: the datasets' threshold and cap,
// item_wanted), 5 (reviews: gloss review): see pg_schema.cpp; the grants
// are in pg_roles.cpp.
#pragma once

#include "core/error.h"
#include "core/pg.h"

namespace gloss::pg {

// The schema version this gloss creates and understands.
inline constexpr int schema_version = 5;

// The database was set up by a newer gloss.
class SchemaTooNew : public StoreError {
 public:
  SchemaTooNew(const std::string& what, int found) : StoreError(what), found_(found) {}
  int found() const { return found_; }

 private:
  int found_;
};

// The version in gloss_schema; 0 when the database has no gloss schema yet.
int stored_schema_version(Connection& conn);

// Creates or upgrades the schema to schema_version and returns the version
// found before (0: a fresh database). A database already at schema_version
// costs one query and needs no rights beyond reading gloss_schema. Throws
// SchemaTooNew for a newer schema. Runs its own transaction. `target`
// below schema_version is for tests of upgrades. A role that may not change
// the schema gets a StoreError saying who may.
int migrate(Connection& conn, int target = schema_version);

}  // namespace gloss::pg
