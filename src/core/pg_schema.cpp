#include "core/pg_schema.h"

#include <string_view>
#include <vector>

namespace gloss::pg {
namespace {

// pg_advisory_xact_lock key of migrations, the same for every gloss: "glossmig".
constexpr std::int64_t migration_lock = 0x676c6f73736d6967;

struct Migration {
  int version;
  std::vector<std::string_view> statements;
};

// Times are milliseconds since the epoch (bigint), as in the LMDB records.
// Content hashes (uint64) are stored as the bigint with the same 64 bits.
const std::vector<Migration> migrations = {
    {1,
     {
         R"sql(CREATE TABLE datasets (
            id serial PRIMARY KEY,
            name text NOT NULL UNIQUE,
            created_ms bigint NOT NULL,
            overlap integer NOT NULL DEFAULT 1 CHECK (overlap >= 1),  -- answers wanted per item
            lease_ms bigint NOT NULL DEFAULT 1800000 CHECK (lease_ms > 0),
            size bigint NOT NULL DEFAULT 0))sql",
         R"sql(CREATE TABLE tasks (
            hash bigint PRIMARY KEY,
            path text NOT NULL,
            root text NOT NULL DEFAULT '',
            width integer NOT NULL,
            height integer NOT NULL,
            added_ms bigint NOT NULL))sql",
         // answers: every answer the item has (surplus ones included, as the
         // LMDB store counts them); done: answers >= the dataset's overlap.
         // Whoever saves or removes an answer locks the row first (FOR
         // UPDATE) and updates both in the same transaction. claimed_ms:
         // claims and renewals update the row, so a claim that read the item
         // from an older snapshot fails to serialize on it and reruns
         // (pg_claims.cpp).
         R"sql(CREATE TABLE items (
            dataset integer NOT NULL REFERENCES datasets ON DELETE CASCADE,
            position bigint NOT NULL,
            task bigint NOT NULL REFERENCES tasks,
            answers integer NOT NULL DEFAULT 0,
            done boolean NOT NULL DEFAULT false,
            claimed_ms bigint NOT NULL DEFAULT 0,
            PRIMARY KEY (dataset, position),
            UNIQUE (dataset, task)))sql",
         // A dataset's answered (done items) and answers counts are the sums
         // of these rows. An answer's transaction adds its change to the row
         // of its connection's shard (backend pid % 16), so annotators saving
         // at once rarely wait on one row; set_routing folds them into one.
         R"sql(CREATE TABLE dataset_counts (
            dataset integer NOT NULL REFERENCES datasets ON DELETE CASCADE,
            shard integer NOT NULL,
            answered bigint NOT NULL DEFAULT 0,
            answers bigint NOT NULL DEFAULT 0,
            PRIMARY KEY (dataset, shard)))sql",
         // The first item an annotator may be handed: an index scan past the
         // done ones.
         "CREATE INDEX items_open ON items (dataset, position) WHERE NOT done",
         // record: the encoded Answer (records.h), as the LMDB store keeps it;
         // annotator and surplus are the columns' (they are what queries
         // read). Annotators sort bytewise ("C"), as LMDB keys do, whatever
         // the database's collation.
         R"sql(CREATE TABLE answers (
            dataset integer NOT NULL,
            position bigint NOT NULL,
            annotator text COLLATE "C" NOT NULL,
            record bytea NOT NULL,
            saved_ms bigint NOT NULL,
            surplus boolean NOT NULL DEFAULT false,  -- a late answer to an item handed again
            PRIMARY KEY (dataset, position, annotator),
            FOREIGN KEY (dataset, position) REFERENCES items ON DELETE CASCADE))sql",
         // A lease past expires_ms is free: nothing sweeps them.
         R"sql(CREATE TABLE leases (
            dataset integer NOT NULL,
            position bigint NOT NULL,
            annotator text COLLATE "C" NOT NULL,
            expires_ms bigint NOT NULL,
            PRIMARY KEY (dataset, position, annotator),
            FOREIGN KEY (dataset, position) REFERENCES items ON DELETE CASCADE))sql",
         "CREATE INDEX leases_by_annotator ON leases (dataset, annotator)",
         // record: the encoded Suggestion; shared by every workstation.
         R"sql(CREATE TABLE suggestions (
            model text NOT NULL,
            task bigint NOT NULL,
            record bytea NOT NULL,
            PRIMARY KEY (model, task)))sql",
         R"sql(CREATE TABLE thumbnails (
            task bigint NOT NULL,
            max_side integer NOT NULL,
            bytes bytea NOT NULL,
            PRIMARY KEY (task, max_side)))sql",
         // FileStamp: what a scan found at a path, so an unchanged file is not read again.
         R"sql(CREATE TABLE files (
            path text PRIMARY KEY,
            size bigint NOT NULL,
            mtime_ns bigint NOT NULL,
            inode bigint NOT NULL,
            hash bigint NOT NULL DEFAULT 0))sql",
     }},
    // Row-level security: everyone reads every answer and lease (stats,
    // agreement, claims); an annotator writes only rows under their own
    // name, the role they logged in as. The tables' owner (the gloss admin)
    // and superusers are not held by policies. Grants: pg_roles.cpp.
    {2,
     {
         "ALTER TABLE answers ENABLE ROW LEVEL SECURITY",
         "CREATE POLICY answers_read ON answers FOR SELECT USING (true)",
         "CREATE POLICY answers_add_own ON answers FOR INSERT WITH CHECK (annotator = current_user)",
         R"sql(CREATE POLICY answers_change_own ON answers FOR UPDATE
                 USING (annotator = current_user) WITH CHECK (annotator = current_user))sql",
         "CREATE POLICY answers_remove_own ON answers FOR DELETE USING (annotator = current_user)",
         "ALTER TABLE leases ENABLE ROW LEVEL SECURITY",
         "CREATE POLICY leases_read ON leases FOR SELECT USING (true)",
         "CREATE POLICY leases_add_own ON leases FOR INSERT WITH CHECK (annotator = current_user)",
         R"sql(CREATE POLICY leases_change_own ON leases FOR UPDATE
                 USING (annotator = current_user) WITH CHECK (annotator = current_user))sql",
         "CREATE POLICY leases_remove_own ON leases FOR DELETE USING (annotator = current_user)",
     }},
    // Pre-captioning split between workers (gloss predict on several
    // machines): who captions (model, task), until when. A claim past
    // expires_ms is free; nothing sweeps them (pg_caption_work.cpp).
    {3,
     {
         R"sql(CREATE TABLE caption_claims (
            model text NOT NULL,
            task bigint NOT NULL,
            worker text NOT NULL,
            expires_ms bigint NOT NULL,
            PRIMARY KEY (model, task)))sql",
     }},
    // Adaptive overlap: a dataset hands a task whose captions disagree by
    // more than more_if_wer_above (mean pairwise WER; NULL: off) to one more
    // annotator, up to max_overlap. item_wanted holds the answers an item
    // wants where that raised it above the overlap; whoever saves the answer
    // that shows the disagreement writes it (pg_writes.cpp), so annotators
    // may (grant in pg_roles.cpp). An item is done when its answers reach
    // greatest(overlap, wanted).
    {4,
     {
         "ALTER TABLE datasets ADD COLUMN more_if_wer_above double precision CHECK (more_if_wer_above >= 0)",
         "ALTER TABLE datasets ADD COLUMN max_overlap integer NOT NULL DEFAULT 0",
         R"sql(CREATE TABLE item_wanted (
            dataset integer NOT NULL,
            position bigint NOT NULL,
            wanted integer NOT NULL CHECK (wanted >= 1),
            PRIMARY KEY (dataset, position),
            FOREIGN KEY (dataset, position) REFERENCES items ON DELETE CASCADE))sql",
     }},
    // A lead's final word on an item (gloss review), next to its answers.
    // Anyone may read them; a reviewer (group gloss_reviewer, pg_roles.cpp)
    // writes them under their own name and may replace or withdraw another
    // reviewer's: leads settle a task together.
    {5,
     {
         R"sql(CREATE TABLE reviews (
            dataset integer NOT NULL,
            position bigint NOT NULL,
            reviewer text COLLATE "C" NOT NULL,
            record bytea NOT NULL,
            reviewed_ms bigint NOT NULL,
            PRIMARY KEY (dataset, position),
            FOREIGN KEY (dataset, position) REFERENCES items ON DELETE CASCADE))sql",
         "ALTER TABLE reviews ENABLE ROW LEVEL SECURITY",
         "CREATE POLICY reviews_read ON reviews FOR SELECT USING (true)",
         "CREATE POLICY reviews_add_own ON reviews FOR INSERT WITH CHECK (reviewer = current_user)",
         "CREATE POLICY reviews_change ON reviews FOR UPDATE USING (true) WITH CHECK (reviewer = current_user)",
         "CREATE POLICY reviews_remove ON reviews FOR DELETE USING (true)",
     }},
};

std::string where(Connection& conn) { return "database " + conn.database() + " (" + conn.server() + ")"; }

void refuse_newer(Connection& conn, int found) {
  if (found > schema_version)
    throw SchemaTooNew(where(conn) + " has gloss schema version " + std::to_string(found) + "; this gloss knows up to " +
                           std::to_string(schema_version) +
                           ": it was set up by a newer gloss. Use that gloss (or a newer one) on this workstation.",
                       found);
}

int upgrade(Connection& conn, int target) {
  return conn.transaction([target](Connection& c) {
    // Under the lock, look again: another gloss may have migrated meanwhile.
    c.exec("SELECT pg_advisory_xact_lock($1)", migration_lock);
    c.exec(R"sql(CREATE TABLE IF NOT EXISTS gloss_schema (
                   version integer NOT NULL,
                   one_row boolean PRIMARY KEY DEFAULT true CHECK (one_row)))sql");
    const int found = stored_schema_version(c);
    refuse_newer(c, found);
    if (found >= target) return found;
    for (const auto& migration : migrations)
      if (migration.version > found && migration.version <= target)
        for (std::string_view statement : migration.statements) c.exec(statement);
    c.exec("INSERT INTO gloss_schema (version) VALUES ($1) ON CONFLICT (one_row) DO UPDATE SET version = excluded.version",
           target);
    return found;
  });
}

}  // namespace

int stored_schema_version(Connection& conn) {
  if (conn.exec("SELECT to_regclass('gloss_schema') IS NOT NULL").boolean(0, 0) == false) return 0;
  Result r = conn.exec("SELECT version FROM gloss_schema");
  return r.rows() == 0 ? 0 : static_cast<int>(r.int64(0, 0));
}

int migrate(Connection& conn, int target) {
  int seen = 0;
  try {
    seen = stored_schema_version(conn);
  } catch (const Error& e) {
    if (e.sqlstate() != "42501") throw;
    throw PermissionDenied("role '" + conn.user() + "' may not use the gloss " + where(conn) + " (" +
                           e.server_message() + "). The gloss admin makes a role an annotator with: GRANT " +
                           "gloss_annotator TO " + conn.user() + "; (docs/teams.md, 'Who may do what')");
  }
  refuse_newer(conn, seen);
  if (seen >= target) return seen;
  try {
    return upgrade(conn, target);
  } catch (const Error& e) {
    if (e.sqlstate() != "42501") throw;
    const std::string has = seen == 0 ? " has no gloss schema yet" : " has gloss schema version " + std::to_string(seen);
    throw StoreError(where(conn) + has + " and this gloss needs version " + std::to_string(target) + "; role '" +
                     conn.user() + "' may not change the schema (" + e.server_message() +
                     "). The gloss admin (the role that owns the schema) upgrades it by running this gloss once, "
                     "e.g. gloss datasets --db URI: docs/teams.md");
  }
}

}  // namespace gloss::pg
