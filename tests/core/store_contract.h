// What every store must do with annotators, overlap and leases, whatever
// holds it: included by the LMDB tests (tests/core) and the PostgreSQL tests
// (tests/pg), each instantiating StoreContract with its own store maker.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <thread>

#include "core/error.h"
#include "core/store.h"

namespace gloss::test {

struct StoreMaker {
  std::string name;
  // A fresh, empty store each call (one per test).
  std::function<std::unique_ptr<Store>()> make;
};
inline std::string PrintToString(const StoreMaker& m) { return m.name; }

class StoreContract : public ::testing::TestWithParam<StoreMaker> {
 protected:
  void SetUp() override { store = GetParam().make(); }

  // n tasks with hashes 1..n in dataset "d".
  DatasetInfo dataset(std::uint64_t n, int overlap = 1, std::int64_t lease_ms = 30 * 60 * 1000) {
    std::vector<Task> tasks;
    for (std::uint64_t h = 1; h <= n; ++h) tasks.push_back(Task{h, "/img/" + std::to_string(h) + ".png", 8, 8});
    store->add_tasks("d", tasks);
    return store->set_routing("d", Routing{overlap, lease_ms});
  }

  void answer(std::uint64_t position, const std::string& annotator, const std::string& caption = "x") {
    const DatasetInfo d = store->require_dataset("d");
    Answer a;
    a.task = *store->task_at(d, position);
    a.annotator = annotator;
    a.caption = caption;
    store->save_answer("d", a);
  }

  std::unique_ptr<Store> store;
};

TEST_P(StoreContract, AnswersAreKeptPerAnnotator) {
  DatasetInfo d = dataset(3, 2);
  answer(0, "ann", "a cat");
  answer(0, "bob", "a small cat");
  answer(1, "bob", "a dog");
  d = store->require_dataset("d");
  EXPECT_EQ(d.answers, 3u);
  EXPECT_EQ(d.answered, 1u);  // only task 1 has its 2 answers
  EXPECT_EQ(store->answer_at(d, 0, "ann")->caption, "a cat");
  EXPECT_EQ(store->answer_at(d, 0, "bob")->caption, "a small cat");
  EXPECT_EQ(store->answer(d, 1, "bob")->annotator, "bob");
  EXPECT_FALSE(store->answer_at(d, 1, "ann"));
  const auto both = store->answers_at(d, 0);
  ASSERT_EQ(both.size(), 2u);
  EXPECT_EQ(both[0].annotator, "ann");
  EXPECT_EQ(both[1].annotator, "bob");
  std::vector<std::pair<std::uint64_t, std::string>> seen;
  store->for_each_answer(d, [&](std::uint64_t p, const Answer& a) {
    seen.emplace_back(p, a.annotator);
    return true;
  });
  const std::vector<std::pair<std::uint64_t, std::string>> want = {{0, "ann"}, {0, "bob"}, {1, "bob"}};
  EXPECT_EQ(seen, want);
  // Saving again replaces that annotator's answer only.
  answer(0, "ann", "a black cat");
  d = store->require_dataset("d");
  EXPECT_EQ(d.answers, 3u);
  EXPECT_EQ(store->answer_at(d, 0, "ann")->caption, "a black cat");
  EXPECT_EQ(store->answer_at(d, 0, "bob")->caption, "a small cat");
}

TEST_P(StoreContract, RemovingAnAnswerReopensTheTask) {
  DatasetInfo d = dataset(2, 2);
  answer(0, "ann");
  answer(0, "bob");
  EXPECT_EQ(store->first_unanswered(d, 0, "cat"), 1u);
  EXPECT_TRUE(store->remove_answer("d", 1, "bob"));
  EXPECT_FALSE(store->remove_answer("d", 1, "bob"));
  d = store->require_dataset("d");
  EXPECT_EQ(d.answered, 0u);
  EXPECT_EQ(d.answers, 1u);
  EXPECT_EQ(store->first_unanswered(d, 0, "cat"), 0u);
  EXPECT_EQ(store->first_unanswered(d, 0, "ann"), 1u);  // ann answered task 1 already
}

TEST_P(StoreContract, ClaimsKeepOtherAnnotatorsOff) {
  const DatasetInfo d = dataset(10);
  const auto ann = store->claim(d, "ann", 0, 4);
  EXPECT_EQ(ann, (std::vector<std::uint64_t>{0, 1, 2, 3}));
  const auto bob = store->claim(d, "bob", 0, 4);
  EXPECT_EQ(bob, (std::vector<std::uint64_t>{4, 5, 6, 7}));
  // Claiming again renews one's own leases and hands the same tasks.
  EXPECT_EQ(store->claim(d, "ann", 0, 4), ann);
  EXPECT_EQ(store->first_unanswered(d, 0, "cat"), 8u);
  // From the middle, wrapping around.
  EXPECT_EQ(store->claim(d, "cat", 9, 3), (std::vector<std::uint64_t>{9, 8}));
  EXPECT_TRUE(store->claim(d, "dan", 0, 4).empty());
  store->release_leases(d, "bob");
  EXPECT_EQ(store->claim(d, "dan", 0, 2), (std::vector<std::uint64_t>{4, 5}));
}

TEST_P(StoreContract, OverlapTwoHandsEveryTaskToTwoAnnotators) {
  const DatasetInfo d = dataset(30, 2);
  const std::vector<std::string> team = {"ann", "bob", "cat"};
  std::map<std::string, std::uint64_t> from;
  for (bool any = true; any;) {
    any = false;
    for (const std::string& who : team) {
      const auto got = store->claim(d, who, from[who], 2);
      if (got.empty()) continue;
      any = true;
      answer(got.front(), who);
      from[who] = got.front() + 1;
    }
  }
  std::map<std::uint64_t, std::set<std::string>> by_position;
  store->for_each_answer(d, [&](std::uint64_t p, const Answer& a) {
    EXPECT_TRUE(by_position[p].insert(a.annotator).second);
    EXPECT_FALSE(a.surplus);
    return true;
  });
  ASSERT_EQ(by_position.size(), 30u);
  for (const auto& [p, who] : by_position) EXPECT_EQ(who.size(), 2u) << "position " << p;
  EXPECT_EQ(store->require_dataset("d").answered, 30u);
}

TEST_P(StoreContract, AnExpiredLeaseIsFreeAtTheNextClaimAndALateAnswerIsSurplus) {
  const DatasetInfo d = dataset(2, 1, 1000);
  EXPECT_EQ(store->claim(d, "ann", 0, 1), (std::vector<std::uint64_t>{0}));
  EXPECT_EQ(store->claim(d, "bob", 0, 1), (std::vector<std::uint64_t>{1}));
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  // ann's workstation went quiet: her task goes to bob, no sweep needed.
  EXPECT_EQ(store->claim(d, "bob", 0, 2), (std::vector<std::uint64_t>{0, 1}));
  answer(0, "bob");
  answer(0, "ann");  // late, but kept
  const DatasetInfo after = store->require_dataset("d");
  EXPECT_EQ(after.answers, 2u);
  EXPECT_EQ(after.answered, 1u);
  EXPECT_FALSE(store->answer_at(after, 0, "bob")->surplus);
  EXPECT_TRUE(store->answer_at(after, 0, "ann")->surplus);
}

TEST_P(StoreContract, RenewingKeepsTheLease) {
  const DatasetInfo d = dataset(1, 1, 1000);
  EXPECT_EQ(store->claim(d, "ann", 0, 1).size(), 1u);
  for (int i = 0; i < 3; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    store->renew_leases(d, "ann");
  }
  EXPECT_TRUE(store->claim(d, "bob", 0, 1).empty());
  EXPECT_FALSE(store->first_unanswered(d, 0, "bob"));
  EXPECT_EQ(store->first_unanswered(d, 0, "ann"), 0u);
}

TEST_P(StoreContract, RaisingTheOverlapReopensDoneTasks) {
  DatasetInfo d = dataset(3);
  answer(0, "ann");
  answer(1, "ann");
  EXPECT_EQ(store->require_dataset("d").answered, 2u);
  d = store->set_routing("d", Routing{2, d.lease_ms});
  EXPECT_EQ(d.answered, 0u);
  EXPECT_EQ(d.overlap, 2);
  EXPECT_EQ(store->first_unanswered(d, 0, "bob"), 0u);
  EXPECT_EQ(store->first_unanswered(d, 0, "ann"), 2u);
  EXPECT_THROW(store->set_routing("d", Routing{0, d.lease_ms}), UserError);
}

TEST_P(StoreContract, ImportsKeepEachRecordsAnnotator) {
  std::vector<ImportRecord> records;
  for (const char* who : {"ann", "bob"}) {
    ImportRecord r;
    r.task = Task{7, "/img/7.png", 8, 8};
    r.answer = Answer{};
    r.answer->task = 7;
    r.answer->annotator = who;
    r.answer->caption = std::string("by ") + who;
    records.push_back(r);
  }
  const ImportResult first = store->import_records("d", records);
  EXPECT_EQ(first.answers_saved, 2u);
  const ImportResult again = store->import_records("d", records);
  EXPECT_EQ(again.answers_kept, 2u);
  const DatasetInfo d = store->require_dataset("d");
  EXPECT_EQ(store->answer_at(d, 0, "bob")->caption, "by bob");
  EXPECT_EQ(store->answers_at(d, 0).size(), 2u);
}

TEST_P(StoreContract, DroppingADatasetDropsItsAnswersAndLeases) {
  const DatasetInfo d = dataset(2);
  answer(0, "ann");
  store->claim(d, "bob", 0, 1);
  EXPECT_TRUE(store->drop_dataset("d"));
  EXPECT_FALSE(store->dataset("d"));
  const DatasetInfo again = dataset(2);
  EXPECT_EQ(again.answers, 0u);
  EXPECT_EQ(store->claim(again, "cat", 0, 2), (std::vector<std::uint64_t>{0, 1}));
}

}  // namespace gloss::test
