#include "core/pg_roles.h"

#include <cstdint>
#include <span>
#include <string_view>

namespace gloss::pg {
namespace {

// What an annotator may do, table by table. DELETE only on answers and
// leases, where the policies limit it to the annotator's own rows; UPDATE
// on datasets only of size (appending images), so routing stays the
// admin's. No TRUNCATE, REFERENCES or TRIGGER. A table added to the schema
// gets its line here, and in reviewer_grants when reviewers write it.
struct Grant {
  std::string_view table;
  std::string_view statement;
};
constexpr Grant annotator_grants[] = {
    {"gloss_schema", "GRANT SELECT ON gloss_schema TO gloss_annotator"},
    {"datasets", "GRANT SELECT, INSERT, UPDATE (size) ON datasets TO gloss_annotator"},
    {"datasets_id_seq", "GRANT USAGE ON SEQUENCE datasets_id_seq TO gloss_annotator"},
    {"tasks", "GRANT SELECT, INSERT, UPDATE (path, root) ON tasks TO gloss_annotator"},
    {"items", "GRANT SELECT, INSERT, UPDATE (answers, done, claimed_ms) ON items TO gloss_annotator"},
    {"dataset_counts", "GRANT SELECT, INSERT, UPDATE (answered, answers) ON dataset_counts TO gloss_annotator"},
    {"answers", "GRANT SELECT, INSERT, UPDATE, DELETE ON answers TO gloss_annotator"},
    {"leases", "GRANT SELECT, INSERT, UPDATE, DELETE ON leases TO gloss_annotator"},
    {"suggestions", "GRANT SELECT, INSERT, UPDATE ON suggestions TO gloss_annotator"},
    {"thumbnails", "GRANT SELECT, INSERT, UPDATE ON thumbnails TO gloss_annotator"},
    {"files", "GRANT SELECT, INSERT, UPDATE ON files TO gloss_annotator"},
    {"caption_claims", "GRANT SELECT, INSERT, UPDATE, DELETE ON caption_claims TO gloss_annotator"},
    // Raised by the annotator whose answer shows a disagreement; never lowered.
    {"item_wanted", "GRANT SELECT, INSERT, UPDATE ON item_wanted TO gloss_annotator"},
    {"reviews", "GRANT SELECT ON reviews TO gloss_annotator"},
};

// A reviewer (gloss review) is also an annotator (member of both groups):
// this group adds only writing reviews, under their own name (policies).
constexpr Grant reviewer_grants[] = {
    {"reviews", "GRANT SELECT, INSERT, UPDATE, DELETE ON reviews TO gloss_reviewer"},
};

struct Group {
  std::string_view name;
  std::span<const Grant> grants;
};
constexpr Group groups[] = {{"gloss_annotator", annotator_grants}, {"gloss_reviewer", reviewer_grants}};

// pg_advisory_xact_lock key of the grants: "glossgrt".
constexpr std::int64_t grant_lock = 0x676c6f7373677274;

// The group's tables and sequences, as one text array parameter.
std::string grant_targets(const Group& group) {
  std::string list = "{";
  for (const Grant& g : group.grants) {
    if (list.size() > 1) list += ",";
    list += g.table;
  }
  return list + "}";
}

// Grants what the group lacks; false when the group does not exist or this
// role is not the admin.
bool grant_group(Connection& conn, const Group& group) {
  // Sequences and tables alike: USAGE on a sequence, SELECT on a table
  // (every table grants it), and any grant gives the role an ACL entry.
  const Result r = conn.exec(R"sql(
      SELECT EXISTS (SELECT FROM pg_roles WHERE rolname = $2),
             pg_has_role(current_user, (SELECT relowner FROM pg_class WHERE oid = 'answers'::regclass), 'USAGE'),
             (SELECT count(*) FROM pg_class c, unnest($1::text[]) t(name)
              WHERE c.oid = to_regclass(t.name)
                AND NOT EXISTS (SELECT FROM aclexplode(c.relacl) a
                                WHERE a.grantee = (SELECT oid FROM pg_roles WHERE rolname = $2))))sql",
      grant_targets(group), group.name);
  if (!r.boolean(0, 0) || !r.boolean(0, 1)) return false;
  if (r.int64(0, 2) == 0) return true;
  conn.transaction([&](Connection& c) {
    // Two workstations of the admin granting at once would update the same
    // catalog rows ("tuple concurrently updated"): one at a time.
    c.exec("SELECT pg_advisory_xact_lock($1)", grant_lock);
    // Only what the schema has: an older one lacks the newer tables.
    for (const Grant& g : group.grants)
      if (c.exec("SELECT to_regclass($1) IS NOT NULL", g.table).boolean(0, 0)) c.exec(g.statement);
  });
  return true;
}

}  // namespace

Role current_role(Connection& conn) {
  const Result r = conn.exec(R"sql(
      SELECT current_user::text,
             (SELECT rolsuper OR rolbypassrls FROM pg_roles WHERE rolname = current_user)
             OR pg_has_role(current_user, (SELECT relowner FROM pg_class WHERE oid = 'answers'::regclass), 'USAGE'))sql");
  return Role{r.text(0, 0), r.boolean(0, 1)};
}

bool grant_annotator_group(Connection& conn) {
  bool annotators = false;
  for (const Group& g : groups) {
    const bool granted = grant_group(conn, g);
    if (g.name == "gloss_annotator") annotators = granted;
  }
  return annotators;
}

std::string refusal_message(const std::string& role, const std::string& server_said) {
  return "the team database refused role '" + role + "' (" + server_said +
         "). Annotators change only their own answers; changing a dataset's overlap or lease, dropping a "
         "dataset and importing answers for others are for the gloss admin: docs/teams.md, 'Who may do what'";
}

}  // namespace gloss::pg
