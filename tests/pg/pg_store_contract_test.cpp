// The store contract (tests/core/store_contract.h) on PostgreSQL: each test
// gets a PgStore over a fresh database of the fixture's server.
#include "core/pg_store.h"
#include "core/caption_work_contract.h"
#include "core/store_contract.h"
#include "pg/pg_test_util.h"

namespace gloss::test {
namespace {

StoreMaker pg_maker() {
  return {"postgresql", [] {
            // The server first, so that it outlives the databases (statics
            // are destroyed in reverse order); the databases are dropped when
            // the process ends, after the test has closed its store.
            static PgServer& server = PgServer::fixture();
            static std::vector<std::unique_ptr<PgDatabase>> databases;
            databases.push_back(std::make_unique<PgDatabase>(server));
            return std::unique_ptr<Store>(std::make_unique<PgStore>(databases.back()->uri()));
          }};
}

INSTANTIATE_TEST_SUITE_P(Pg, StoreContract, ::testing::Values(pg_maker()),
                         [](const auto& info) { return info.param.name; });
INSTANTIATE_TEST_SUITE_P(Pg, CaptionWorkContract, ::testing::Values(pg_maker()),
                         [](const auto& info) { return info.param.name; });

}  // namespace
}  // namespace gloss::test
