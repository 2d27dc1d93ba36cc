// Who may do what in a gloss database on PostgreSQL (docs/teams.md, "Who
// may do what"). The role that set up the schema owns every table: the gloss
// admin. Annotators are roles in the group role gloss_annotator: they read
// everything, add images and suggestions, and save, change and remove only
// their own answers and leases (row-level security on current_user, schema
// version 2); they cannot change routing, drop a dataset or touch the
// schema. Reviewers (gloss review) are annotators also in the group role
// gloss_reviewer: they write reviews, under their own name. Superusers and
// roles with BYPASSRLS count as admins.
#pragma once

#include <string>

#include "core/pg.h"

namespace gloss::pg {

inline constexpr const char* annotator_group = "gloss_annotator";
inline constexpr const char* reviewer_group = "gloss_reviewer";

struct Role {
  std::string name;    // current_user
  bool admin = false;  // owns the schema (or has its rights), a superuser, or BYPASSRLS
};

Role current_role(Connection& conn);

// Grants gloss_annotator what annotators need on every table, and
// gloss_reviewer what reviewers add, when those roles exist and lack it
// (they may be created after the schema). Only the tables' owner may;
// anyone else gets false (also when gloss_annotator does not exist).
// Idempotent.
bool grant_annotator_group(Connection& conn);

// The sentence a refusal (SQLSTATE 42501) becomes: what the server said,
// the role, and who may.
std::string refusal_message(const std::string& role, const std::string& server_said);

}  // namespace gloss::pg
