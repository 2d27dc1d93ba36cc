#include "core/store.h"

#include <pwd.h>
#include <unistd.h>

#include <cstdlib>

#include "core/error.h"
#include "core/lmdb_store.h"
#include "core/pg.h"
#include "core/pg_store.h"

namespace gloss {

std::string default_store_location() {
  const char* env = std::getenv("GLOSS_DB");
  if (env && *env) return env;
  return "gloss-data";
}

bool is_database_uri(std::string_view location) {
  return location.starts_with("postgresql://") || location.starts_with("postgres://");
}

std::string shown_location(std::string_view location) {
  return is_database_uri(location) ? pg::redact_uri(location) : std::string(location);
}

void check_routing(const Routing& routing) {
  if (routing.overlap < 1) throw UserError("the overlap must be at least 1 (annotators per task)");
  if (routing.lease_ms < 1000) throw UserError("a lease must last at least one second");
  if (!routing.more_if_wer_above) return;
  if (!(*routing.more_if_wer_above >= 0))
    throw UserError("the WER above which a task goes to one more annotator must be 0 or more");
  if (routing.max_overlap <= routing.overlap)
    throw UserError("with more annotators for disagreeing tasks, the most annotators per task (" +
                    std::to_string(routing.max_overlap) + ") must be above the overlap (" +
                    std::to_string(routing.overlap) + "): give --max-overlap " + std::to_string(routing.overlap + 1) +
                    " or more");
}

std::unique_ptr<Store> open_store(const std::string& location) {
  if (is_database_uri(location)) return std::make_unique<PgStore>(location);
  return std::make_unique<LmdbStore>(StoreOptions{location});
}

std::string default_annotator() {
  if (const char* env = std::getenv("GLOSS_ANNOTATOR"); env && *env) return env;
  if (const passwd* pw = getpwuid(geteuid()); pw && pw->pw_name && *pw->pw_name) return pw->pw_name;
  if (const char* user = std::getenv("USER"); user && *user) return user;
  return "annotator";
}

DatasetInfo Store::require_dataset(std::string_view name) const {
  if (auto d = dataset(name)) return *d;
  std::string known;
  for (const auto& d : datasets()) known += (known.empty() ? "" : ", ") + d.name;
  throw UserError("no dataset named '" + std::string(name) + "' in store " + location() +
                  (known.empty() ? " (the store has no datasets yet)" : " (it has: " + known + ")"));
}

}  // namespace gloss
