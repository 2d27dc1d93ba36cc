// What every store must do with annotators, overlap and leases, whatever
// holds it: included by the LMDB tests (tests/core) and the PostgreSQL tests
// (tests/pg), each instantiating StoreContract with its own store maker.
#pragma once

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "core/error.h"
#include "core/hash.h"
#include "core/store.h"
#include "store_helpers.h"

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

  // The same store opened again, as another process would (LMDB folder or
  // database URI: location() opens it when it has no password).
  void reopen() {
    const std::string where = store->location();
    store.reset();
    store = open_store(where);
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

// ---- adaptive overlap: one more annotator for a task whose captions disagree

TEST_P(StoreContract, TwoDisagreeingAnswersHandTheTaskToAThirdAnnotatorAndAgreeingOnesDoNot) {
  DatasetInfo d = dataset(2, 2);
  d = store->set_routing("d", Routing{2, d.lease_ms, 0.5, 3});
  EXPECT_EQ(d.more_if_wer_above, 0.5);
  EXPECT_EQ(d.max_overlap, 3);
  answer(0, "ann", "a red circle");
  answer(0, "bob", "two blue squares");  // WER 1 both ways
  answer(1, "ann", "a red circle");
  answer(1, "bob", "A red circle.");     // the same words
  d = store->require_dataset("d");
  EXPECT_EQ(d.answered, 1u);  // task 0 wants a third answer now
  EXPECT_EQ(store->first_unanswered(d, 0, "cat"), 0u);
  EXPECT_EQ(store->claim(d, "cat", 0, 5), (std::vector<std::uint64_t>{0}));
  EXPECT_FALSE(store->first_unanswered(d, 0, "ann"));
  answer(0, "cat", "a red circle");
  d = store->require_dataset("d");
  EXPECT_FALSE(store->answer_at(d, 0, "cat")->surplus);
  EXPECT_EQ(d.answered, 2u);
  EXPECT_EQ(d.answers, 5u);
  // Three answers is the cap, though bob still disagrees.
  EXPECT_TRUE(store->claim(d, "dan", 0, 5).empty());
  reopen();
  d = store->require_dataset("d");
  EXPECT_EQ(d.more_if_wer_above, 0.5);
  EXPECT_EQ(d.max_overlap, 3);
  EXPECT_TRUE(store->claim(d, "dan", 0, 5).empty());
}

TEST_P(StoreContract, AdaptiveOverlapGoesOnUpToTheCap) {
  DatasetInfo d = dataset(1, 2);
  d = store->set_routing("d", Routing{2, d.lease_ms, 0.5, 4});
  answer(0, "ann", "a red circle");
  answer(0, "bob", "two blue squares");
  EXPECT_EQ(store->claim(d, "cat", 0, 1), (std::vector<std::uint64_t>{0}));
  answer(0, "cat", "a red circle");  // bob still disagrees: mean pairwise WER 4/6
  EXPECT_EQ(store->claim(d, "dan", 0, 1), (std::vector<std::uint64_t>{0}));
  answer(0, "dan", "a red circle");
  d = store->require_dataset("d");
  EXPECT_EQ(d.answered, 1u);
  EXPECT_TRUE(store->claim(d, "eve", 0, 1).empty());
  // A late answer beyond the cap is surplus.
  answer(0, "eve", "a red circle");
  EXPECT_TRUE(store->answer_at(store->require_dataset("d"), 0, "eve")->surplus);
  // Lowering the overlap keeps what adaptive overlap asked for.
  d = store->set_routing("d", Routing{1, d.lease_ms, 0.5, 4});
  EXPECT_EQ(d.answered, 1u);
}

TEST_P(StoreContract, AdaptiveOverlapIsOffUntilAskedAndChecked) {
  DatasetInfo d = dataset(1, 2);
  EXPECT_FALSE(d.more_if_wer_above);
  answer(0, "ann", "a red circle");
  answer(0, "bob", "two blue squares");
  EXPECT_TRUE(store->claim(store->require_dataset("d"), "cat", 0, 1).empty());
  EXPECT_THROW(store->set_routing("d", Routing{2, d.lease_ms, 0.5, 2}), UserError);
  EXPECT_THROW(store->set_routing("d", Routing{2, d.lease_ms, -0.1, 3}), UserError);
  // Turned off again: the threshold is gone.
  store->set_routing("d", Routing{2, d.lease_ms, 0.5, 3});
  d = store->set_routing("d", Routing{2, d.lease_ms});
  EXPECT_FALSE(d.more_if_wer_above);
  EXPECT_EQ(d.max_overlap, 0);
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

// ---- tasks, datasets, paging

TEST_P(StoreContract, TaskAndAnswerRoundTrip) {
  store->add_tasks("ds", {make_task(7, "/x/\xC3\xA9t\xC3\xA9.png")});
  const auto t = store->task(7);
  ASSERT_TRUE(t);
  EXPECT_EQ(t->path, "/x/\xC3\xA9t\xC3\xA9.png");
  EXPECT_EQ(t->width, 10);
  EXPECT_EQ(t->height, 20);
  EXPECT_GT(t->added_ms, 0);
  EXPECT_FALSE(store->task(8));

  const Answer in = make_answer(7, "un cercle rouge \xE2\x80\x94 \xE5\x9C\x86");
  store->save_answer("ds", in);
  const auto info = store->require_dataset("ds");
  EXPECT_EQ(info.answered, 1u);
  const auto out = store->answer(info, 7, default_annotator());
  ASSERT_TRUE(out);
  EXPECT_EQ(out->task, 7u);
  EXPECT_EQ(out->annotator, default_annotator());
  EXPECT_EQ(out->session, in.session);
  EXPECT_EQ(out->caption, in.caption);
  EXPECT_EQ(out->orig_caption, in.orig_caption);
  EXPECT_EQ(out->model, in.model);
  EXPECT_EQ(out->answer, AnswerKind::accept);
  EXPECT_EQ(out->categories, in.categories);
  EXPECT_EQ(out->saved_ms, in.saved_ms);
  EXPECT_EQ(out->ms_spent, in.ms_spent);
  EXPECT_EQ(out->edit_distance, 2);
  EXPECT_EQ(out->extra, in.extra);
  EXPECT_FALSE(out->surplus);
}

TEST_P(StoreContract, HashesKeepAll64Bits) {
  const std::uint64_t high = 0xfedcba9876543210ULL;  // above INT64_MAX
  Task t = make_task(high);
  t.root = "/x";
  store->add_tasks("ds", {t, make_task(1)});
  const DatasetInfo d = store->require_dataset("ds");
  EXPECT_EQ(store->task(high)->root, "/x");
  EXPECT_EQ(store->task_at(d, 0), high);
  EXPECT_EQ(store->position_of(d, high), 0u);
  EXPECT_EQ(store->tasks_at(d, 0, 5), (std::vector<std::uint64_t>{high, 1}));
  store->save_answer("ds", make_answer(high, "high"));
  EXPECT_EQ(store->answer(d, high, default_annotator())->task, high);
  store->put_suggestion("m", high, Suggestion{"s", {1}, -1.f, 0.5f, 1});
  EXPECT_EQ(store->suggestion("m", high)->caption, "s");
}

TEST_P(StoreContract, SurvivesReopen) {
  store->add_tasks("ds", {make_task(1), make_task(2)});
  store->save_answer("ds", make_answer(2, "two"));
  reopen();
  const auto info = store->require_dataset("ds");
  EXPECT_EQ(info.size, 2u);
  EXPECT_EQ(info.answered, 1u);
  EXPECT_EQ(store->answer(info, 2, default_annotator())->caption, "two");
  EXPECT_FALSE(store->answer(info, 1, default_annotator()));
}

TEST_P(StoreContract, DuplicateTasksAreNotAddedTwice) {
  auto r1 = store->add_tasks("ds", {make_task(1), make_task(2)});
  EXPECT_EQ(r1.added, 2u);
  EXPECT_EQ(r1.new_tasks, 2u);
  auto r2 = store->add_tasks("ds", {make_task(2, "/other/name.png"), make_task(3), make_task(3)});
  EXPECT_EQ(r2.added, 1u);
  EXPECT_EQ(r2.already_in_dataset, 2u);
  EXPECT_EQ(r2.new_tasks, 1u);
  EXPECT_EQ(store->task(2)->path, "/images/2.png");  // the first name is kept
  // The same task in another dataset is shared, not new.
  auto r3 = store->add_tasks("other", {make_task(1)});
  EXPECT_EQ(r3.added, 1u);
  EXPECT_EQ(r3.new_tasks, 0u);
  EXPECT_EQ(store->require_dataset("ds").size, 3u);
  EXPECT_EQ(store->tasks_at(store->require_dataset("ds"), 0, 10), (std::vector<std::uint64_t>{1, 2, 3}));
}

TEST_P(StoreContract, ATaskAddedWithoutAFolderLearnsItLater) {
  store->add_tasks("ds", {make_task(1, "/old/1.png")});
  Task again = make_task(1, "/new/1.png");
  again.root = "/new";
  store->add_tasks("other", {again});
  EXPECT_EQ(store->task(1)->path, "/new/1.png");
  EXPECT_EQ(store->task(1)->root, "/new");
  Task third = make_task(1, "/third/1.png");
  third.root = "/third";
  store->add_tasks("ds", {third});
  EXPECT_EQ(store->task(1)->root, "/new") << "a folder once known is kept";
}

TEST_P(StoreContract, DatasetsAreOrderedByCreation) {
  store->ensure_dataset("zebra");
  store->ensure_dataset("apple");
  store->ensure_dataset("mango");
  store->ensure_dataset("zebra");
  std::vector<std::string> names;
  for (const auto& d : store->datasets()) names.push_back(d.name);
  EXPECT_EQ(names, (std::vector<std::string>{"zebra", "apple", "mango"}));
  EXPECT_THROW(store->ensure_dataset(""), UserError);
}

TEST_P(StoreContract, PagingByPosition) {
  std::vector<Task> tasks;
  for (std::uint64_t i = 0; i < 100000; ++i) tasks.push_back(make_task(content_hash(std::to_string(i))));
  store->add_tasks("big", tasks);
  const auto info = store->require_dataset("big");
  ASSERT_EQ(info.size, 100000u);
  EXPECT_EQ(*store->task_at(info, 73512), content_hash("73512"));
  EXPECT_EQ(*store->position_of(info, content_hash("73512")), 73512u);
  EXPECT_FALSE(store->task_at(info, 100000));
  EXPECT_FALSE(store->position_of(info, 12345));
  const auto page = store->tasks_at(info, 99998, 10);
  ASSERT_EQ(page.size(), 2u);
  EXPECT_EQ(page[1], content_hash("99999"));
  EXPECT_EQ(store->tasks_at(info, 500, 3),
            (std::vector<std::uint64_t>{content_hash("500"), content_hash("501"), content_hash("502")}));
}

TEST_P(StoreContract, UnknownDatasetErrorListsKnownOnes) {
  store->ensure_dataset("cats");
  try {
    store->require_dataset("dogs");
    FAIL();
  } catch (const UserError& e) {
    EXPECT_NE(std::string(e.what()).find("'dogs'"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("cats"), std::string::npos);
  }
}

TEST_P(StoreContract, DropRemovesDatasetButKeepsSharedTasks) {
  store->add_tasks("a", {make_task(1), make_task(2)});
  store->add_tasks("b", {make_task(1)});
  store->save_answer("a", make_answer(1, "x"));
  EXPECT_TRUE(store->drop_dataset("a"));
  EXPECT_FALSE(store->drop_dataset("a"));
  EXPECT_FALSE(store->dataset("a"));
  EXPECT_TRUE(store->task(1));
  EXPECT_EQ(store->require_dataset("b").size, 1u);
  // A new dataset of the same name starts empty.
  store->add_tasks("a", {make_task(2)});
  const auto info = store->require_dataset("a");
  EXPECT_EQ(info.size, 1u);
  EXPECT_EQ(info.answered, 0u);
  EXPECT_EQ(info.answers, 0u);
}

// ---- answers

TEST_P(StoreContract, AnswersArePerDataset) {
  store->add_tasks("a", {make_task(5)});
  store->add_tasks("b", {make_task(5)});
  store->save_answer("a", make_answer(5, "in a"));
  EXPECT_EQ(store->answer(store->require_dataset("a"), 5, default_annotator())->caption, "in a");
  EXPECT_FALSE(store->answer(store->require_dataset("b"), 5, default_annotator()));
  EXPECT_THROW(store->save_answer("b", make_answer(6, "not in b")), UserError);
  EXPECT_THROW(store->save_answer("missing", make_answer(5, "x")), UserError);
  EXPECT_THROW(store->remove_answer("missing", 5, "ann"), UserError);
  EXPECT_FALSE(store->remove_answer("b", 6, "ann"));
  EXPECT_EQ(store->require_dataset("b").answers, 0u);
}

TEST_P(StoreContract, SavingAgainReplacesAndRemoveUndoes) {
  store->add_tasks("ds", {make_task(1)});
  store->save_answer("ds", make_answer(1, "first"));
  store->save_answer("ds", make_answer(1, "second", AnswerKind::reject));
  auto info = store->require_dataset("ds");
  EXPECT_EQ(info.answered, 1u);
  EXPECT_EQ(info.answers, 1u);
  EXPECT_EQ(store->answer(info, 1, default_annotator())->caption, "second");
  EXPECT_EQ(store->answer(info, 1, default_annotator())->answer, AnswerKind::reject);
  EXPECT_TRUE(store->remove_answer("ds", 1, default_annotator()));
  EXPECT_FALSE(store->remove_answer("ds", 1, default_annotator()));
  info = store->require_dataset("ds");
  EXPECT_EQ(info.answered, 0u);
  EXPECT_EQ(info.answers, 0u);
  EXPECT_FALSE(store->answer(info, 1, default_annotator()));
}

TEST_P(StoreContract, AReplacedSurplusAnswerStaysSurplus) {
  DatasetInfo d = dataset(1);
  answer(0, "ann");
  answer(0, "bob");  // overlap 1: bob's is surplus
  answer(0, "bob", "again");
  d = store->require_dataset("d");
  EXPECT_EQ(d.answers, 2u);
  EXPECT_EQ(d.answered, 1u);
  EXPECT_TRUE(store->answer_at(d, 0, "bob")->surplus);
  EXPECT_EQ(store->answer_at(d, 0, "bob")->caption, "again");
  // ann's goes: the task still has bob's answer, so it stays done.
  EXPECT_TRUE(store->remove_answer("d", 1, "ann"));
  d = store->require_dataset("d");
  EXPECT_EQ(d.answers, 1u);
  EXPECT_EQ(d.answered, 1u);
  EXPECT_FALSE(store->first_unanswered(d, 0, "cat"));
}

TEST_P(StoreContract, FirstUnansweredSkipsTheAnsweredRunAndWraps) {
  std::vector<Task> tasks;
  for (std::uint64_t i = 1; i <= 6; ++i) tasks.push_back(make_task(i));
  store->add_tasks("ds", tasks);
  auto info = store->require_dataset("ds");
  EXPECT_EQ(store->first_unanswered(info, 0, default_annotator()), 0u);
  for (std::uint64_t i : {1, 2, 3, 5}) store->save_answer("ds", make_answer(i, "x"));
  info = store->require_dataset("ds");
  EXPECT_EQ(store->first_unanswered(info, 0, default_annotator()), 3u);  // task 4
  EXPECT_EQ(store->first_unanswered(info, 4, default_annotator()), 5u);  // task 6
  store->save_answer("ds", make_answer(6, "x"));
  EXPECT_EQ(store->first_unanswered(info, 4, default_annotator()), 3u);  // wraps around
  EXPECT_EQ(store->first_unanswered(info, 100, default_annotator()), 3u);  // past the end: from the start
  store->save_answer("ds", make_answer(4, "x"));
  EXPECT_FALSE(store->first_unanswered(info, 0, default_annotator()));
}

TEST_P(StoreContract, FirstUnansweredFollowsAnswersUndosImportsAndDrops) {
  store->add_tasks("a", numbered_tasks(1, 30));
  store->add_tasks("b", numbered_tasks(11, 30));  // shares tasks 11-30 with "a"
  std::mt19937 rng(7);
  for (int step = 0; step < 200; ++step) {
    const std::uint64_t task = 1 + rng() % 30;
    if (rng() % 3) {
      Answer a;
      a.task = task;
      a.caption = "x";
      store->save_answer("a", a);
    } else {
      store->remove_answer("a", task, default_annotator());
    }
    if (step % 40 == 0) expect_first_unanswered_right(*store, "a");
  }
  expect_first_unanswered_right(*store, "a");
  expect_first_unanswered_right(*store, "b");  // untouched by "a"'s answers
  std::vector<ImportRecord> records;
  for (const Task& t : numbered_tasks(25, 20)) {
    Answer a;
    a.task = t.hash;
    a.caption = "imported";
    records.push_back({t, t.hash % 2 ? std::optional(a) : std::nullopt});
  }
  store->import_records("b", records);
  expect_first_unanswered_right(*store, "b");
  ASSERT_TRUE(store->drop_dataset("b"));
  store->add_tasks("b", numbered_tasks(100, 5));  // a new dataset of the same name starts clean
  expect_first_unanswered_right(*store, "b");
  expect_first_unanswered_right(*store, "a");
}

TEST_P(StoreContract, ImportIsAllOrNothing) {
  store->add_tasks("d", numbered_tasks(1, 2));
  std::vector<ImportRecord> records;
  for (const Task& t : numbered_tasks(2, 3)) {
    Answer a;
    a.task = t.hash;
    a.annotator = "ann";
    a.caption = "imported " + std::to_string(t.hash);
    records.push_back({t, a});
  }
  records.back().answer->task = 99;  // an answer to a task that is not there
  EXPECT_THROW(store->import_records("d", records), UserError);
  DatasetInfo d = store->require_dataset("d");
  EXPECT_EQ(d.size, 2u) << "no task of the failed import stays";
  EXPECT_EQ(d.answers, 0u);
  EXPECT_FALSE(store->task(3));
  EXPECT_FALSE(store->answer_at(d, 1, "ann"));
  EXPECT_THROW(store->import_records("new", records), UserError);
  EXPECT_FALSE(store->dataset("new")) << "not even the dataset";

  records.back().answer->task = 4;
  const ImportResult r = store->import_records("d", records);
  EXPECT_EQ(r.tasks.added, 2u);
  EXPECT_EQ(r.tasks.already_in_dataset, 1u);
  EXPECT_EQ(r.tasks.new_tasks, 2u);
  EXPECT_EQ(r.answers_saved, 3u);
  d = store->require_dataset("d");
  EXPECT_EQ(d.size, 4u);
  EXPECT_EQ(d.answered, 3u);
  EXPECT_EQ(store->answer_at(d, 3, "ann")->caption, "imported 4");
  EXPECT_EQ(store->first_unanswered(d, 0, "bob"), 0u);
}

TEST_P(StoreContract, ImportCountsSurplusAndEndsLeases) {
  const DatasetInfo d = dataset(2, 2);
  EXPECT_EQ(store->claim(d, "cat", 0, 2), (std::vector<std::uint64_t>{0, 1}));
  auto records_by = [&](std::vector<std::string> who) {
    std::vector<ImportRecord> records;
    for (const std::string& name : who) {
      ImportRecord r{*store->task(1), Answer{}};
      r.answer->task = 1;
      r.answer->annotator = name;
      r.answer->caption = "by " + name;
      records.push_back(r);
    }
    return records;
  };
  EXPECT_EQ(store->import_records("d", records_by({"cat"})).answers_saved, 1u);
  // cat's lease on task 1 ended with the answer (else cat's answer and
  // lease would fill its overlap of 2); on task 2 it holds, leaving room for one.
  EXPECT_EQ(store->claim(d, "dan", 0, 2), (std::vector<std::uint64_t>{0, 1}));
  store->release_leases(d, "dan");
  const ImportResult r = store->import_records("d", records_by({"ann", "bob", "ann"}));
  EXPECT_EQ(r.answers_saved, 2u);
  EXPECT_EQ(r.answers_kept, 1u);
  const DatasetInfo after = store->require_dataset("d");
  EXPECT_EQ(after.answers, 3u);
  EXPECT_EQ(after.answered, 1u);
  EXPECT_FALSE(store->answer_at(after, 0, "cat")->surplus);
  EXPECT_FALSE(store->answer_at(after, 0, "ann")->surplus);
  EXPECT_TRUE(store->answer_at(after, 0, "bob")->surplus);
  EXPECT_EQ(store->answer_at(after, 0, "bob")->caption, "by bob");
}

// ---- caches and files

TEST_P(StoreContract, SuggestionAndThumbnailCaches) {
  Suggestion s{"a red circle", {4, 5, 6}, -1.5f, 0.6f, 42};
  store->put_suggestion("model-a", 9, s);
  EXPECT_FALSE(store->suggestion("model-b", 9));
  const auto got = store->suggestion("model-a", 9);
  ASSERT_TRUE(got);
  EXPECT_EQ(got->caption, "a red circle");
  EXPECT_EQ(got->tokens, (std::vector<std::int64_t>{4, 5, 6}));
  EXPECT_FLOAT_EQ(got->confidence, 0.6f);
  EXPECT_EQ(got->created_ms, 42);
  store->put_suggestions("model-b", {{9, {"nine", {9}, -0.1f, 0.9f, 1}},
                                     {10, {"ten", {10}, -0.2f, 0.8f, 2}},
                                     {9, {"nine again", {9}, -0.1f, 0.9f, 3}}});
  EXPECT_EQ(store->suggestion("model-b", 9)->caption, "nine again");
  EXPECT_EQ(store->suggestion("model-b", 10)->tokens, (std::vector<std::int64_t>{10}));
  EXPECT_EQ(store->suggestion("model-a", 9)->caption, "a red circle");
  store->put_suggestion("model-a", 9, Suggestion{"replaced", {}, 0.f, 0.f, 5});
  EXPECT_EQ(store->suggestion("model-a", 9)->caption, "replaced");
  store->put_thumbnail(9, 128, std::string("\x00\x01\x02", 3));
  EXPECT_EQ(*store->thumbnail(9, 128), std::string("\x00\x01\x02", 3));
  EXPECT_FALSE(store->thumbnail(9, 64));
  std::string all_bytes;
  for (int i = 0; i < 256; ++i) all_bytes += static_cast<char>(i);
  store->put_thumbnail(9, 128, all_bytes);
  EXPECT_EQ(*store->thumbnail(9, 128), all_bytes);
}

TEST_P(StoreContract, RemembersFilesByPathSizeTimeAndInode) {
  const FileStamp f{"/data/a.png", 1234, 1700000000123456789, 42, 0x1122334455667788ULL};
  EXPECT_FALSE(store->known_file(f));
  store->remember_files({f, FileStamp{"/data/unread.png", 10, 1, 1, 0}});  // no hash: not remembered
  ASSERT_TRUE(store->known_file(f));
  EXPECT_EQ(*store->known_file(f), f.hash);
  FileStamp changed = f;
  changed.size = 1235;
  EXPECT_FALSE(store->known_file(changed));
  changed = f;
  changed.mtime_ns += 1;
  EXPECT_FALSE(store->known_file(changed));
  changed = f;
  changed.inode = 43;
  EXPECT_FALSE(store->known_file(changed));
  EXPECT_FALSE(store->known_file(FileStamp{"/data/unread.png", 10, 1, 1, 0}));
  // Read again after a change: the new stamp replaces the old one.
  FileStamp again = f;
  again.mtime_ns += 5;
  again.hash = 99;
  store->remember_files({again});
  EXPECT_FALSE(store->known_file(f));
  EXPECT_EQ(store->known_file(again).value_or(0), 99u);
  // Big numbers keep all their bits.
  const FileStamp big{"/data/big.png", ~0ULL - 1, -5, 0xffffffff00000000ULL, ~0ULL};
  store->remember_files({big});
  EXPECT_EQ(store->known_file(big), ~0ULL);
}

TEST_P(StoreContract, FilesReadAreRememberedWithTheirTasks) {
  const FileStamp f{"/data/1.png", 10, 20, 30, 1};
  store->add_tasks("ds", {make_task(1)}, {f});
  EXPECT_EQ(store->known_file(f), 1u);
}

// ---- threads

// Annotators on threads sharing one store object: every task answered by
// exactly `overlap` of them, and the counts agree.
TEST_P(StoreContract, ThreadsSharingTheStoreNeverExceedTheOverlap) {
  const DatasetInfo d = dataset(60, 2);
  std::vector<std::thread> team;
  std::atomic<int> failures{0};
  for (int t = 0; t < 4; ++t)
    team.emplace_back([&, t] {
      const std::string who = "annotator" + std::to_string(t);
      try {
        for (std::uint64_t from = 0;;) {
          const auto got = store->claim(d, who, from, 3);
          if (got.empty()) {
            // A claim skips items another transaction holds locked at that
            // moment (PostgreSQL's SKIP LOCKED): done only when none is free.
            if (!store->first_unanswered(d, 0, who)) break;
            std::this_thread::yield();
            continue;
          }
          Answer a;
          a.task = *store->task_at(d, got.front());
          a.annotator = who;
          store->save_answer("d", a);
          store->put_suggestion("m", a.task, Suggestion{who, {}, 0.f, 0.f, 1});
          from = got.front() + 1;
        }
      } catch (const std::exception& e) {
        ++failures;
        ADD_FAILURE() << who << ": " << e.what();
      }
    });
  for (auto& t : team) t.join();
  EXPECT_EQ(failures.load(), 0);
  std::map<std::uint64_t, int> per_position;
  store->for_each_answer(d, [&](std::uint64_t p, const Answer& a) {
    ++per_position[p];
    EXPECT_FALSE(a.surplus) << "position " << p;
    return true;
  });
  ASSERT_EQ(per_position.size(), 60u);
  for (const auto& [p, n] : per_position) EXPECT_EQ(n, 2) << "position " << p;
  const DatasetInfo after = store->require_dataset("d");
  EXPECT_EQ(after.answers, 120u);
  EXPECT_EQ(after.answered, 60u);
}

// A lead's review: one per task, replaced by the next, taken back by
// undo, kept across a reopen and gone with its dataset; the answers stay.
TEST_P(StoreContract, ReviewsSettleATaskNextToItsAnswers) {
  DatasetInfo d = dataset(3, 2);
  answer(0, "ann", "a cat");
  answer(0, "bob", "a small cat");
  EXPECT_FALSE(store->review(d, 1));
  Review r;
  r.task = 1;
  r.reviewer = "lead";
  r.reviewed_ms = 1000;
  r.verdict = ReviewVerdict::picked;
  r.from = "bob";
  r.caption = "a small cat";
  store->save_review("d", r);
  EXPECT_EQ(store->review(d, 1), r);
  r.verdict = ReviewVerdict::edited;
  r.caption = "a small black cat";
  r.reviewed_ms = 2000;
  store->save_review("d", r);
  Review back;
  back.task = 3;
  back.reviewer = "lead";
  back.verdict = ReviewVerdict::sent_back;
  store->save_review("d", back);
  reopen();
  d = store->require_dataset("d");
  EXPECT_EQ(store->review(d, 1), r);
  std::vector<std::pair<std::uint64_t, Review>> seen;
  store->for_each_review(d, [&](std::uint64_t p, const Review& v) {
    seen.emplace_back(p, v);
    return true;
  });
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0].first, 0u);
  EXPECT_EQ(seen[0].second, r);
  EXPECT_EQ(seen[1].first, 2u);
  EXPECT_FALSE(seen[1].second.settled());
  EXPECT_EQ(store->answers_at(d, 0).size(), 2u) << "a review never replaces the answers";
  EXPECT_TRUE(store->remove_review("d", 1));
  EXPECT_FALSE(store->remove_review("d", 1));
  EXPECT_FALSE(store->review(d, 1));
  Review stray = r;
  stray.task = 99;
  EXPECT_THROW(store->save_review("d", stray), UserError);
  ASSERT_TRUE(store->drop_dataset("d"));
  d = dataset(3, 2);
  EXPECT_FALSE(store->review(d, 3)) << "a dataset made again under the same name starts without reviews";
}

// Send back: one more annotator than the task has answers, past the
// adaptive cap; a settled review or undo takes that one back.
TEST_P(StoreContract, ASentBackTaskGoesToOneMoreAnnotatorUntilTheReviewIsTakenBack) {
  DatasetInfo d = dataset(2, 2);
  answer(0, "ann", "a cat");
  answer(0, "bob", "a dog");
  EXPECT_EQ(store->require_dataset("d").answered, 1u);
  Review back;
  back.task = 1;
  back.reviewer = "lead";
  back.verdict = ReviewVerdict::sent_back;
  store->save_review("d", back);
  d = store->require_dataset("d");
  EXPECT_EQ(d.answered, 0u) << "the task is open again";
  EXPECT_EQ(store->first_unanswered(d, 0, "ann"), 1u) << "not to those who answered it";
  EXPECT_EQ(store->claim(d, "cat", 0, 5), (std::vector<std::uint64_t>{0, 1}));
  store->save_review("d", back);  // the same review again (an outbox resending) asks for no one more
  answer(0, "cat", "a black cat");
  d = store->require_dataset("d");
  EXPECT_EQ(d.answered, 1u);
  EXPECT_FALSE(store->answer_at(d, 0, "cat")->surplus);
  EXPECT_TRUE(store->claim(d, "dan", 0, 5) == std::vector<std::uint64_t>{1});

  // Sent back again: a fourth annotator. Undo (remove) takes it back.
  Review picked = back;
  picked.verdict = ReviewVerdict::picked;
  picked.from = "cat";
  picked.caption = "a black cat";
  store->save_review("d", picked);
  store->save_review("d", back);
  d = store->require_dataset("d");
  EXPECT_EQ(d.answered, 0u);
  EXPECT_EQ(store->first_unanswered(d, 0, "dan"), 0u);
  EXPECT_TRUE(store->remove_review("d", 1));
  reopen();
  d = store->require_dataset("d");
  EXPECT_EQ(d.answered, 1u);
  EXPECT_EQ(store->first_unanswered(d, 0, "dan"), 1u);

  // Picking a caption after sending back settles the task as it stands.
  store->save_review("d", back);
  EXPECT_EQ(store->require_dataset("d").answered, 0u);
  store->save_review("d", picked);
  d = store->require_dataset("d");
  EXPECT_EQ(d.answered, 1u);
  EXPECT_EQ(store->first_unanswered(d, 0, "dan"), 1u);
  EXPECT_EQ(d.answers, 3u);
}

}  // namespace gloss::test
