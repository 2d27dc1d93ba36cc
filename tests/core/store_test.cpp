#include "core/lmdb_store.h"

#include <sys/wait.h>
#include <unistd.h>

#include <random>
#include <set>
#include <thread>

#include "core/error.h"
#include "core/hash.h"
#include "core/lmdb.h"
#include "test_util.h"

namespace gloss {
namespace {

Task make_task(std::uint64_t hash, const std::string& path = "") {
  Task t;
  t.hash = hash;
  t.path = path.empty() ? "/images/" + std::to_string(hash) + ".png" : path;
  t.width = 10;
  t.height = 20;
  return t;
}

Answer make_answer(std::uint64_t task, const std::string& caption, AnswerKind kind = AnswerKind::accept) {
  Answer a;
  a.task = task;
  a.session = "s1";
  a.caption = caption;
  a.orig_caption = "a red circle";
  a.model = "0123456789abcdef";
  a.answer = kind;
  a.categories = {"subject"};
  a.saved_ms = 1700000000123;
  a.ms_spent = 1500;
  a.edit_distance = 2;
  a.extra = {{"_input_hash", -12345}};
  return a;
}

TEST(Store, TaskAndAnswerRoundTrip) {
  test::TempDir dir;
  LmdbStore store({dir.path()});
  store.add_tasks("ds", {make_task(7, "/x/\xC3\xA9t\xC3\xA9.png")});
  const auto t = store.task(7);
  ASSERT_TRUE(t);
  EXPECT_EQ(t->path, "/x/\xC3\xA9t\xC3\xA9.png");
  EXPECT_EQ(t->width, 10);
  EXPECT_EQ(t->height, 20);
  EXPECT_GT(t->added_ms, 0);

  const Answer in = make_answer(7, "un cercle rouge \xE2\x80\x94 \xE5\x9C\x86");
  store.save_answer("ds", in);
  const auto info = store.require_dataset("ds");
  EXPECT_EQ(info.answered, 1u);
  const auto out = store.answer(info, 7, default_annotator());
  ASSERT_TRUE(out);
  EXPECT_EQ(out->caption, in.caption);
  EXPECT_EQ(out->orig_caption, in.orig_caption);
  EXPECT_EQ(out->model, in.model);
  EXPECT_EQ(out->answer, AnswerKind::accept);
  EXPECT_EQ(out->categories, in.categories);
  EXPECT_EQ(out->saved_ms, in.saved_ms);
  EXPECT_EQ(out->ms_spent, in.ms_spent);
  EXPECT_EQ(out->edit_distance, 2);
  EXPECT_EQ(out->extra, in.extra);
}

TEST(Store, SurvivesReopen) {
  test::TempDir dir;
  {
    LmdbStore store({dir.path()});
    store.add_tasks("ds", {make_task(1), make_task(2)});
    store.save_answer("ds", make_answer(2, "two"));
  }
  LmdbStore store({dir.path()});
  const auto info = store.require_dataset("ds");
  EXPECT_EQ(info.size, 2u);
  EXPECT_EQ(store.answer(info, 2, default_annotator())->caption, "two");
  EXPECT_FALSE(store.answer(info, 1, default_annotator()));
}

TEST(Store, DuplicateTasksAreNotAddedTwice) {
  test::TempDir dir;
  LmdbStore store({dir.path()});
  auto r1 = store.add_tasks("ds", {make_task(1), make_task(2)});
  EXPECT_EQ(r1.added, 2u);
  EXPECT_EQ(r1.new_tasks, 2u);
  auto r2 = store.add_tasks("ds", {make_task(2, "/other/name.png"), make_task(3)});
  EXPECT_EQ(r2.added, 1u);
  EXPECT_EQ(r2.already_in_dataset, 1u);
  EXPECT_EQ(r2.new_tasks, 1u);
  EXPECT_EQ(store.task(2)->path, "/images/2.png");  // the first name is kept
  // The same task in another dataset is shared, not new.
  auto r3 = store.add_tasks("other", {make_task(1)});
  EXPECT_EQ(r3.added, 1u);
  EXPECT_EQ(r3.new_tasks, 0u);
  EXPECT_EQ(store.require_dataset("ds").size, 3u);
}

TEST(Store, DatasetsAreOrderedByCreation) {
  test::TempDir dir;
  LmdbStore store({dir.path()});
  store.ensure_dataset("zebra");
  store.ensure_dataset("apple");
  store.ensure_dataset("mango");
  std::vector<std::string> names;
  for (const auto& d : store.datasets()) names.push_back(d.name);
  EXPECT_EQ(names, (std::vector<std::string>{"zebra", "apple", "mango"}));
}

TEST(Store, AnswersArePerDataset) {
  test::TempDir dir;
  LmdbStore store({dir.path()});
  store.add_tasks("a", {make_task(5)});
  store.add_tasks("b", {make_task(5)});
  store.save_answer("a", make_answer(5, "in a"));
  EXPECT_EQ(store.answer(store.require_dataset("a"), 5, default_annotator())->caption, "in a");
  EXPECT_FALSE(store.answer(store.require_dataset("b"), 5, default_annotator()));
  EXPECT_THROW(store.save_answer("b", make_answer(6, "not in b")), UserError);
  EXPECT_THROW(store.save_answer("missing", make_answer(5, "x")), UserError);
}

TEST(Store, SavingAgainReplacesAndRemoveUndoes) {
  test::TempDir dir;
  LmdbStore store({dir.path()});
  store.add_tasks("ds", {make_task(1)});
  store.save_answer("ds", make_answer(1, "first"));
  store.save_answer("ds", make_answer(1, "second", AnswerKind::reject));
  auto info = store.require_dataset("ds");
  EXPECT_EQ(info.answered, 1u);
  EXPECT_EQ(store.answer(info, 1, default_annotator())->caption, "second");
  EXPECT_TRUE(store.remove_answer("ds", 1, default_annotator()));
  EXPECT_FALSE(store.remove_answer("ds", 1, default_annotator()));
  info = store.require_dataset("ds");
  EXPECT_EQ(info.answered, 0u);
  EXPECT_FALSE(store.answer(info, 1, default_annotator()));
}

TEST(Store, PagingByPosition) {
  test::TempDir dir;
  LmdbStore store({dir.path(), 64u << 20, false});
  std::vector<Task> tasks;
  for (std::uint64_t i = 0; i < 100000; ++i) tasks.push_back(make_task(content_hash(std::to_string(i))));
  store.add_tasks("big", tasks);
  const auto info = store.require_dataset("big");
  ASSERT_EQ(info.size, 100000u);
  EXPECT_EQ(*store.task_at(info, 73512), content_hash("73512"));
  EXPECT_EQ(*store.position_of(info, content_hash("73512")), 73512u);
  EXPECT_FALSE(store.task_at(info, 100000));
  const auto page = store.tasks_at(info, 99998, 10);
  ASSERT_EQ(page.size(), 2u);
  EXPECT_EQ(page[1], content_hash("99999"));
}

TEST(Store, FirstUnansweredSkipsTheAnsweredRunAndWraps) {
  test::TempDir dir;
  LmdbStore store({dir.path()});
  std::vector<Task> tasks;
  for (std::uint64_t i = 1; i <= 6; ++i) tasks.push_back(make_task(i));
  store.add_tasks("ds", tasks);
  auto info = store.require_dataset("ds");
  EXPECT_EQ(store.first_unanswered(info, 0, default_annotator()), 0u);
  for (std::uint64_t i : {1, 2, 3, 5}) store.save_answer("ds", make_answer(i, "x"));
  info = store.require_dataset("ds");
  EXPECT_EQ(store.first_unanswered(info, 0, default_annotator()), 3u);     // task 4
  EXPECT_EQ(store.first_unanswered(info, 4, default_annotator()), 5u);  // task 6
  store.save_answer("ds", make_answer(6, "x"));
  EXPECT_EQ(store.first_unanswered(info, 4, default_annotator()), 3u);  // wraps around
  store.save_answer("ds", make_answer(4, "x"));
  EXPECT_FALSE(store.first_unanswered(info, 0, default_annotator()));
}

TEST(Store, DropRemovesDatasetButKeepsSharedTasks) {
  test::TempDir dir;
  LmdbStore store({dir.path()});
  store.add_tasks("a", {make_task(1), make_task(2)});
  store.add_tasks("b", {make_task(1)});
  store.save_answer("a", make_answer(1, "x"));
  EXPECT_TRUE(store.drop_dataset("a"));
  EXPECT_FALSE(store.drop_dataset("a"));
  EXPECT_FALSE(store.dataset("a"));
  EXPECT_TRUE(store.task(1));
  EXPECT_EQ(store.require_dataset("b").size, 1u);
  // A new dataset of the same name starts empty.
  store.add_tasks("a", {make_task(2)});
  const auto info = store.require_dataset("a");
  EXPECT_EQ(info.size, 1u);
  EXPECT_EQ(info.answered, 0u);
}

TEST(Store, UnknownDatasetErrorListsKnownOnes) {
  test::TempDir dir;
  LmdbStore store({dir.path()});
  store.ensure_dataset("cats");
  try {
    store.require_dataset("dogs");
    FAIL();
  } catch (const UserError& e) {
    EXPECT_NE(std::string(e.what()).find("'dogs'"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("cats"), std::string::npos);
  }
}

TEST(Store, SuggestionAndThumbnailCaches) {
  test::TempDir dir;
  LmdbStore store({dir.path()});
  Suggestion s{"a red circle", {4, 5, 6}, -1.5f, 0.6f, 42};
  store.put_suggestion("model-a", 9, s);
  EXPECT_FALSE(store.suggestion("model-b", 9));
  const auto got = store.suggestion("model-a", 9);
  ASSERT_TRUE(got);
  EXPECT_EQ(got->caption, "a red circle");
  EXPECT_EQ(got->tokens, (std::vector<std::int64_t>{4, 5, 6}));
  EXPECT_FLOAT_EQ(got->confidence, 0.6f);
  store.put_suggestions("model-b", {{9, {"nine", {9}, -0.1f, 0.9f, 1}}, {10, {"ten", {10}, -0.2f, 0.8f, 2}}});
  EXPECT_EQ(store.suggestion("model-b", 9)->caption, "nine");
  EXPECT_EQ(store.suggestion("model-b", 10)->tokens, (std::vector<std::int64_t>{10}));
  EXPECT_EQ(store.suggestion("model-a", 9)->caption, "a red circle");
  store.put_thumbnail(9, 128, std::string("\x00\x01\x02", 3));
  EXPECT_EQ(*store.thumbnail(9, 128), std::string("\x00\x01\x02", 3));
  EXPECT_FALSE(store.thumbnail(9, 64));
}

TEST(Store, MapGrowsInsteadOfFailing) {
  test::TempDir dir;
  {
    LmdbStore store({dir.path(), 1u << 20, false});  // 1 MiB to start
    const std::size_t before = store.map_size();
    std::vector<Task> tasks;
    for (std::uint64_t i = 1; i <= 3000; ++i) tasks.push_back(make_task(i, std::string(200, 'p') + std::to_string(i)));
    store.add_tasks("ds", tasks);  // one big transaction
    for (std::uint64_t i = 1; i <= 3000; ++i) store.put_thumbnail(i, 64, std::string(1000, 't'));
    EXPECT_GT(store.map_growths(), 0);
    EXPECT_GT(store.map_size(), before);
  }
  LmdbStore store({dir.path(), 1u << 20, false});
  const auto info = store.require_dataset("ds");
  EXPECT_EQ(info.size, 3000u);
  EXPECT_EQ(store.thumbnail(2999, 64)->size(), 1000u);
}

TEST(Store, ReadersKeepWorkingWhileTheMapGrows) {
  test::TempDir dir;
  LmdbStore store({dir.path(), 1u << 20, false});
  store.add_tasks("ds", {make_task(1)});
  std::atomic<bool> done{false};
  std::atomic<int> reads{0};
  std::thread reader([&] {
    const auto info = store.require_dataset("ds");
    while (!done) {
      ASSERT_EQ(*store.task_at(info, 0), 1u);
      ++reads;
    }
  });
  for (std::uint64_t i = 2; i < 2000; ++i) store.put_thumbnail(i, 64, std::string(2000, 'x'));
  done = true;
  reader.join();
  EXPECT_GT(store.map_growths(), 0);
  EXPECT_GT(reads.load(), 0);
}

TEST(Store, TwoProcessesWritingKeepEveryAnswer) {
  test::TempDir dir;
  constexpr int kPerProcess = 150;
  {
    LmdbStore store({dir.path(), 256u << 10});
    std::vector<Task> tasks;
    for (int i = 0; i < 2 * kPerProcess; ++i) tasks.push_back(make_task(1000 + i));
    store.add_tasks("ds", tasks);
  }  // closed before fork: an LMDB environment must not cross a fork
  auto write_half = [&](int half) {
    LmdbStore store({dir.path(), 256u << 10});
    for (int i = 0; i < kPerProcess; ++i) {
      Answer a = make_answer(1000 + half * kPerProcess + i, "caption " + std::to_string(i));
      a.extra["pad"] = std::string(2000, 'x');  // forces map growth in both processes
      store.save_answer("ds", a);
    }
  };
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    try { write_half(1); } catch (...) { _exit(1); }
    _exit(0);
  }
  write_half(0);
  int status = 0;
  waitpid(child, &status, 0);
  ASSERT_TRUE(WIFEXITED(status));
  ASSERT_EQ(WEXITSTATUS(status), 0);
  LmdbStore store({dir.path()});
  const auto info = store.require_dataset("ds");
  EXPECT_EQ(info.answered, static_cast<std::uint64_t>(2 * kPerProcess));
  int seen = 0;
  store.for_each_answer(info, [&](std::uint64_t pos, const Answer& a) {
    EXPECT_EQ(a.task, 1000 + pos);
    ++seen;
    return true;
  });
  EXPECT_EQ(seen, 2 * kPerProcess);
}

TEST(Store, RemembersFilesByPathSizeTimeAndInode) {
  test::TempDir dir;
  LmdbStore store({dir.path()});
  const FileStamp f{"/data/a.png", 1234, 1700000000123456789, 42, 0x1122334455667788ULL};
  EXPECT_FALSE(store.known_file(f));
  store.remember_files({f, FileStamp{"/data/unread.png", 10, 1, 1, 0}});  // no hash: not remembered
  ASSERT_TRUE(store.known_file(f));
  EXPECT_EQ(*store.known_file(f), f.hash);
  FileStamp changed = f;
  changed.size = 1235;
  EXPECT_FALSE(store.known_file(changed));
  changed = f;
  changed.mtime_ns += 1;
  EXPECT_FALSE(store.known_file(changed));
  changed = f;
  changed.inode = 43;
  EXPECT_FALSE(store.known_file(changed));
  EXPECT_FALSE(store.known_file(FileStamp{"/data/unread.png", 10, 1, 1, 0}));
  // Read again after a change: the new stamp replaces the old one.
  FileStamp again = f;
  again.mtime_ns += 5;
  again.hash = 99;
  store.remember_files({again});
  EXPECT_FALSE(store.known_file(f));
  EXPECT_EQ(store.known_file(again).value_or(0), 99u);
}

TEST(Store, RefusesAnotherSchemaVersion) {
  test::TempDir dir;
  { LmdbStore store({dir.path()}); }
  {
    // Rewrite the schema marker the way a future gloss would.
    lmdb::Env env({dir.path()});
    const MDB_dbi meta = env.open_db("meta");
    env.write([&](lmdb::Txn& txn) { txn.put(meta, "schema", "99"); });
  }
  EXPECT_THROW(LmdbStore({dir.path()}), UserError);
}

TEST(Store, OlderStoresAreMarkedFourOnOpen) {
  test::TempDir dir;
  { LmdbStore store({dir.path()}); }
  auto schema = [&] {
    lmdb::Env env({dir.path()});
    const MDB_dbi meta = env.open_db("meta");
    std::string value;
    env.read([&](lmdb::Txn& txn) { value = std::string(txn.get(meta, "schema").value_or("")); });
    return value;
  };
  EXPECT_EQ(schema(), "4");
  for (const char* older : {"1", "2", "3"}) {
    {
      lmdb::Env env({dir.path()});
      const MDB_dbi meta = env.open_db("meta");
      env.write([&](lmdb::Txn& txn) { txn.put(meta, "schema", older); });
    }
    { LmdbStore store({dir.path()}); }  // a store from an older gloss opens ...
    EXPECT_EQ(schema(), "4");       // ... and an older gloss will now refuse it clearly
  }
}

// The first unanswered position from every starting point, the slow way.
std::optional<std::uint64_t> brute_first_unanswered(const Store& store, const DatasetInfo& d, std::uint64_t from) {
  for (std::uint64_t i = 0; i < d.size; ++i) {
    const std::uint64_t p = (from + i) % d.size;
    if (!store.answer_at(d, p, default_annotator())) return p;
  }
  return std::nullopt;
}

void expect_first_unanswered_right(const Store& store, const std::string& name) {
  const DatasetInfo d = store.require_dataset(name);
  for (std::uint64_t from = 0; from <= d.size; ++from)
    ASSERT_EQ(store.first_unanswered(d, from, default_annotator()), brute_first_unanswered(store, d, from)) << name << " from " << from;
}

std::vector<Task> numbered_tasks(std::uint64_t first, std::uint64_t count) {
  std::vector<Task> out;
  for (std::uint64_t h = first; h < first + count; ++h) out.push_back(Task{h, "/img/" + std::to_string(h) + ".png", 8, 8});
  return out;
}

TEST(Store, FirstUnansweredFollowsAnswersUndosImportsAndDrops) {
  test::TempDir dir;
  LmdbStore store({dir.path()});
  store.add_tasks("a", numbered_tasks(1, 30));
  store.add_tasks("b", numbered_tasks(11, 30));  // shares tasks 11-30 with "a"
  std::mt19937 rng(7);
  for (int step = 0; step < 200; ++step) {
    const std::uint64_t task = 1 + rng() % 30;
    if (rng() % 3) {
      Answer a;
      a.task = task;
      a.caption = "x";
      store.save_answer("a", a);
    } else {
      store.remove_answer("a", task, default_annotator());
    }
    if (step % 40 == 0) expect_first_unanswered_right(store, "a");
  }
  expect_first_unanswered_right(store, "a");
  expect_first_unanswered_right(store, "b");  // untouched by "a"'s answers
  std::vector<ImportRecord> records;
  for (const Task& t : numbered_tasks(25, 20)) {
    Answer a;
    a.task = t.hash;
    a.caption = "imported";
    records.push_back({t, t.hash % 2 ? std::optional(a) : std::nullopt});
  }
  store.import_records("b", records);
  expect_first_unanswered_right(store, "b");
  ASSERT_TRUE(store.drop_dataset("b"));
  store.add_tasks("b", numbered_tasks(100, 5));  // a new dataset of the same name starts clean
  expect_first_unanswered_right(store, "b");
  expect_first_unanswered_right(store, "a");
}

TEST(Store, UpgradeBuildsTheUnansweredIndexOfAnOlderStore) {
  test::TempDir dir;
  {
    LmdbStore store({dir.path()});
    store.add_tasks("a", numbered_tasks(1, 50));
    for (std::uint64_t h = 1; h <= 50; ++h)
      if (h % 7 && h < 45) {
        Answer a;
        a.task = h;
        store.save_answer("a", a);
      }
  }
  {
    // What a gloss before the index left: schema 2, no index.
    lmdb::Env env({dir.path()});
    const MDB_dbi meta = env.open_db("meta"), index = env.open_db("unanswered");
    env.write([&](lmdb::Txn& txn) {
      txn.put(meta, "schema", "2");
      lmdb::Cursor c(txn, index);
      while (c.first()) c.del();
    });
  }
  LmdbStore store({dir.path()});
  expect_first_unanswered_right(store, "a");
  EXPECT_EQ(store.first_unanswered(store.require_dataset("a"), 0, default_annotator()), 6u);
}

}  // namespace
// A schema 3 store keyed answers by position alone: opening it gives them to
// the annotator who opens it, and the counts and the index stay right.
TEST(Store, AnswersFromBeforeAnnotatorsBecomeTheOpenersOwn) {
  test::TempDir dir;
  {
    LmdbStore store({dir.path()});
    store.add_tasks("d", numbered_tasks(1, 5));
    for (std::uint64_t t : {1, 3}) {
      Answer a;
      a.task = t;
      a.caption = "old " + std::to_string(t);
      store.save_answer("d", a);
    }
  }
  {
    // Rewrite the answers the way gloss 0.14 stored them.
    lmdb::Env env({dir.path()});
    const MDB_dbi answers = env.open_db("answers");
    const MDB_dbi meta = env.open_db("meta");
    env.write([&](lmdb::Txn& txn) {
      std::vector<std::pair<std::string, std::string>> old;
      lmdb::Cursor c(txn, answers);
      for (bool ok = c.first(); ok; ok = c.next()) {
        Answer a = decode_answer(c.value());
        a.annotator.clear();
        old.emplace_back(std::string(c.key().substr(0, 12)), encode(a));
      }
      for (bool ok = c.first(); ok; ok = c.first()) c.del();
      for (const auto& [k, v] : old) txn.put(answers, k, v);
      txn.put(meta, "schema", "3");
    });
  }
  ::setenv("GLOSS_ANNOTATOR", "ann-from-before", 1);
  LmdbStore store({dir.path()});
  ::unsetenv("GLOSS_ANNOTATOR");
  const DatasetInfo d = store.require_dataset("d");
  EXPECT_EQ(d.answered, 2u);
  EXPECT_EQ(d.answers, 2u);
  ASSERT_TRUE(store.answer_at(d, 0, "ann-from-before"));
  EXPECT_EQ(store.answer_at(d, 0, "ann-from-before")->caption, "old 1");
  EXPECT_EQ(store.answer_at(d, 0, "ann-from-before")->annotator, "ann-from-before");
  EXPECT_EQ(store.answer_at(d, 2, "ann-from-before")->caption, "old 3");
  EXPECT_FALSE(store.answer_at(d, 1, "ann-from-before"));
  EXPECT_EQ(store.first_unanswered(d, 0, "ann-from-before"), 1u);
  EXPECT_EQ(store.first_unanswered(d, 0, "someone-else"), 1u);  // overlap 1: done is done
}

}  // namespace gloss
