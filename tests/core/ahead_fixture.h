// A store with N small images (image i is 10 + i pixels wide, so a fake
// captioner can tell positions apart) for the AheadScheduler tests.
#pragma once

#include <cstdio>
#include <memory>
#include <vector>

#include "core/lmdb_store.h"
#include "core/ahead_scheduler.h"
#include "core/sources.h"
#include "test_util.h"

namespace gloss::test {

struct Fixture {
  TempDir dir;
  std::unique_ptr<Store> store;
  DatasetInfo dataset;
  std::vector<Task> tasks;
  explicit Fixture(int images) {
    for (int i = 0; i < images; ++i) {
      char name[32];
      std::snprintf(name, sizeof name, "img/%03d.png", i);
      test::write_test_png(dir / name, static_cast<std::uint32_t>(i + 1), 10 + i, 6);
    }
    store = std::make_unique<LmdbStore>(StoreOptions{dir / "db"});
    tasks = scan_source(dir / "img").tasks;
    store->add_tasks("shapes", tasks);
    dataset = store->require_dataset("shapes");
  }
};

inline AheadOptions small_window() {
  AheadOptions o;
  o.ahead = 8;
  o.behind = 2;
  return o;
}

}  // namespace gloss::test
