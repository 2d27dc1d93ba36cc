#include "core/lmdb_store.h"
#include "caption_work_contract.h"
#include "store_contract.h"
#include "test_util.h"

namespace gloss::test {
namespace {

// Each store lives in its own temporary folder, removed with the process.
StoreMaker lmdb_maker() {
  return {"lmdb", [] {
            static std::vector<std::unique_ptr<TempDir>> dirs;
            dirs.push_back(std::make_unique<TempDir>());
            return std::unique_ptr<Store>(std::make_unique<LmdbStore>(StoreOptions{dirs.back()->path()}));
          }};
}

INSTANTIATE_TEST_SUITE_P(Lmdb, StoreContract, ::testing::Values(lmdb_maker()),
                         [](const auto& info) { return info.param.name; });
INSTANTIATE_TEST_SUITE_P(Lmdb, CaptionWorkContract, ::testing::Values(lmdb_maker()),
                         [](const auto& info) { return info.param.name; });

}  // namespace
}  // namespace gloss::test
