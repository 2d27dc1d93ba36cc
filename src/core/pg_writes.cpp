#include "core/pg_writes.h"

#include <algorithm>
#include <map>
#include <set>
#include <span>
#include <unordered_map>
#include <unordered_set>

#include "core/caption_disagreement.h"
#include "core/hash.h"
#include "core/pg_store.h"

namespace gloss::pg {
namespace {

// Rows per statement in bulk writes: big enough that a million tasks take a
// hundred statements, small enough that one statement's arrays stay a few MB.
constexpr std::size_t kChunk = 10000;

constexpr const char* kAnswersChannel = PgStore::kAnswersChannel;

std::vector<std::int64_t> bigints(const std::vector<std::uint64_t>& values) {
  std::vector<std::int64_t> out;
  out.reserve(values.size());
  for (std::uint64_t v : values) out.push_back(as_bigint(v));
  return out;
}

// The answers item i wants: `overlap` (the dataset's), or the item's wanted
// where adaptive overlap raised it (greatest() skips a NULL).
std::string item_wants(std::string_view overlap) {
  return "greatest(" + std::string(overlap) +
         ", (SELECT wanted FROM item_wanted w WHERE w.dataset = i.dataset AND w.position = i.position))";
}

// $1 dataset name, $2 task. The item row, locked: every writer of the item's
// answers waits here for the one before. Then the answers it wants and the
// dataset's adaptive overlap (threshold as text, NULL when off; the cap).
const std::string lock_item_sql = R"sql(
SELECT i.dataset, i.position, i.answers, i.done, )sql" + item_wants("d.overlap") + R"sql(,
       d.more_if_wer_above::text, d.max_overlap, d.overlap
FROM items i JOIN datasets d ON d.id = i.dataset
WHERE d.name = $1 AND i.task = $2
FOR UPDATE OF i)sql";

// The dataset's counts change by ($2 answers, $3 answered), added to this
// connection's shard.
constexpr std::string_view add_counts_sql = R"sql(
INSERT INTO dataset_counts (dataset, shard, answers, answered) VALUES ($1, pg_backend_pid() % 16, $2, $3)
ON CONFLICT (dataset, shard) DO UPDATE
  SET answers = dataset_counts.answers + excluded.answers, answered = dataset_counts.answered + excluded.answered)sql";

// $1 dataset, $2 position, $3 annotator, $4 record, $5 saved_ms, $6 the
// item's answers and $7 its done (0/1) as locked, $8 the NOTIFY payload, $9 channel.
// Read after the lock, so it sees the answers and the overlap as the
// previous writer left them. A new answer to an item that already has the
// answers it wants (`overlap` here: the dataset's, or the item's raised
// wanted) is surplus; a replaced answer keeps its surplus flag.
constexpr std::string_view save_sql = R"sql(
WITH prev AS (
  SELECT 1 FROM answers WHERE dataset = $1::integer AND position = $2::bigint AND annotator = $3::text
), routing AS (
  SELECT greatest(overlap, (SELECT wanted FROM item_wanted WHERE dataset = $1::integer AND position = $2::bigint))
         AS overlap
  FROM datasets WHERE id = $1::integer
), saved AS (
  INSERT INTO answers (dataset, position, annotator, record, saved_ms, surplus)
  SELECT $1::integer, $2::bigint, $3::text, $4::bytea, $5::bigint, $6::integer >= overlap FROM routing
  ON CONFLICT (dataset, position, annotator) DO UPDATE SET record = excluded.record, saved_ms = excluded.saved_ms
  RETURNING surplus
), added AS (
  SELECT CASE WHEN EXISTS (SELECT 1 FROM prev) THEN 0 ELSE 1 END AS n
), item AS (
  UPDATE items SET answers = answers + added.n, done = answers + added.n >= routing.overlap
  FROM added, routing
  WHERE dataset = $1::integer AND position = $2::bigint
  RETURNING added.n, done
), counted AS (
  INSERT INTO dataset_counts (dataset, shard, answers, answered)
  SELECT $1::integer, pg_backend_pid() % 16, n, done::integer - $7::integer FROM item
  ON CONFLICT (dataset, shard) DO UPDATE
    SET answers = dataset_counts.answers + excluded.answers, answered = dataset_counts.answered + excluded.answered
), unleased AS (
  DELETE FROM leases WHERE dataset = $1::integer AND position = $2::bigint AND annotator = $3::text
)
SELECT surplus, pg_notify($9::text, $8::text) IS NULL FROM saved)sql";

// $1 dataset, $2 position, $3 annotator, $4 the item's done (0/1) as locked,
// $5 the NOTIFY payload, $6 channel. One row when there was an answer to remove.
constexpr std::string_view remove_sql = R"sql(
WITH gone AS (
  DELETE FROM answers WHERE dataset = $1::integer AND position = $2::bigint AND annotator = $3::text
  RETURNING 1
), item AS (
  UPDATE items SET answers = answers - 1,
                   done = answers - 1 >= greatest((SELECT overlap FROM datasets WHERE id = $1::integer),
                                                  (SELECT wanted FROM item_wanted
                                                   WHERE dataset = $1::integer AND position = $2::bigint))
  WHERE dataset = $1::integer AND position = $2::bigint AND EXISTS (SELECT 1 FROM gone)
  RETURNING done
), counted AS (
  INSERT INTO dataset_counts (dataset, shard, answers, answered)
  SELECT $1::integer, pg_backend_pid() % 16, -1, done::integer - $4::integer FROM item
  ON CONFLICT (dataset, shard) DO UPDATE
    SET answers = dataset_counts.answers + excluded.answers, answered = dataset_counts.answered + excluded.answered
)
SELECT pg_notify($6::text, $5::text) IS NULL FROM gone)sql";

// $1 dataset, $2 position, $3 the answers the item wants now (adaptive
// overlap raised it). An item that was done with fewer answers is open
// again, and the dataset's answered count one less.
constexpr std::string_view want_more_sql = R"sql(
WITH raised AS (
  INSERT INTO item_wanted (dataset, position, wanted) VALUES ($1::integer, $2::bigint, $3::integer)
  ON CONFLICT (dataset, position) DO UPDATE SET wanted = excluded.wanted
), reopened AS (
  UPDATE items SET done = false
  WHERE dataset = $1::integer AND position = $2::bigint AND done AND answers < $3::integer
  RETURNING 1
)
INSERT INTO dataset_counts (dataset, shard, answers, answered)
SELECT $1::integer, pg_backend_pid() % 16, 0, -1 FROM reopened
ON CONFLICT (dataset, shard) DO UPDATE SET answered = dataset_counts.answered + excluded.answered)sql";

// What listeners hear (answer_feed.h).
std::string change_payload(std::string_view dataset, std::int64_t position, std::string_view annotator) {
  return answer_change_payload(
      AnswerChange{std::string(dataset), static_cast<std::uint64_t>(position), std::string(annotator)});
}

[[noreturn]] void throw_no_dataset(Connection& conn, std::string_view name) {
  throw UserError("no dataset named '" + std::string(name) + "' in store " + conn.server());
}

bool dataset_exists(Connection& conn, std::string_view name) {
  return conn.exec("SELECT 1 FROM datasets WHERE name = $1", name).rows() > 0;
}

std::string annotator_of(const Answer& a) { return a.annotator.empty() ? default_annotator() : a.annotator; }

// The record as stored: its annotator filled in; surplus is the column's.
std::string record_of(Answer a, const std::string& annotator) {
  a.annotator = annotator;
  a.surplus = false;
  return encode(a);
}

// Adaptive overlap, after an answer was saved to the item locked in `item`
// (lock_item_sql's row): one more answer wanted when its captions disagree.
void want_more_if_disagreeing(Connection& conn, const Result& item) {
  const std::int64_t dataset = item.int64(0, 0), position = item.int64(0, 1);
  DatasetInfo routing;
  routing.more_if_wer_above = std::stod(item.text(0, 5));
  routing.max_overlap = static_cast<int>(item.int64(0, 6));
  const int wanted = static_cast<int>(item.int64(0, 4));
  const Result rows = conn.exec("SELECT annotator, surplus, record FROM answers WHERE dataset = $1 AND position = $2",
                                dataset, position);
  std::vector<Answer> answers;
  for (int row = 0; row < rows.rows(); ++row) {
    answers.push_back(decode_answer(rows.bytes(row, 2)));
    answers.back().annotator = rows.text(row, 0);
    answers.back().surplus = rows.boolean(row, 1);
  }
  if (wants_another_answer(routing, wanted, answers)) conn.exec(want_more_sql, dataset, position, wanted + 1);
}

}  // namespace

DatasetRow lock_dataset(Connection& conn, std::string_view name, bool create) {
  // NO KEY UPDATE: appends and routing changes take turns, while answers
  // (whose rows reference the dataset, taking KEY SHARE) go on.
  constexpr std::string_view select =
      "SELECT id, size, overlap, lease_ms FROM datasets WHERE name = $1 FOR NO KEY UPDATE";
  Result r = conn.exec(select, name);
  if (r.rows() == 0 && create) {
    if (name.empty()) throw UserError("a dataset name cannot be empty");
    conn.exec("INSERT INTO datasets (name, created_ms) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING", name,
              now_ms());
    r = conn.exec(select, name);
  }
  if (r.rows() == 0) throw_no_dataset(conn, name);
  return {static_cast<int>(r.int64(0, 0)), r.int64(0, 1), static_cast<int>(r.int64(0, 2)), r.int64(0, 3)};
}

AddResult append_tasks(Connection& conn, DatasetRow& dataset, const std::vector<Task>& tasks) {
  AddResult result;
  // Tasks stored or written by this call: whether their root is still empty
  // (a task added before roots were recorded learns its folder, as in LMDB).
  std::unordered_map<std::uint64_t, bool> root_empty;
  std::unordered_set<std::uint64_t> appended;
  for (std::size_t begin = 0; begin < tasks.size(); begin += kChunk) {
    const std::size_t end = std::min(tasks.size(), begin + kChunk);
    std::vector<std::int64_t> hashes;
    for (std::size_t i = begin; i < end; ++i) hashes.push_back(as_bigint(tasks[i].hash));
    const std::string hash_list = bigint_array(hashes);
    const Result known = conn.exec("SELECT hash, root = '' FROM tasks WHERE hash = ANY($1::bigint[])", hash_list);
    for (int row = 0; row < known.rows(); ++row)
      root_empty.emplace(from_bigint(known.int64(row, 0)), known.boolean(row, 1));
    const Result present =
        conn.exec("SELECT task FROM items WHERE dataset = $1 AND task = ANY($2::bigint[])", dataset.id, hash_list);
    std::unordered_set<std::uint64_t> in_dataset;
    for (int row = 0; row < present.rows(); ++row) in_dataset.insert(from_bigint(present.int64(row, 0)));

    std::vector<std::int64_t> new_hash, new_added, item_position, item_task, learn_hash;
    std::vector<std::string> new_path, new_root, learn_path, learn_root;
    std::vector<std::int64_t> new_width, new_height;
    for (std::size_t i = begin; i < end; ++i) {
      const Task& t = tasks[i];
      if (auto it = root_empty.find(t.hash); it == root_empty.end()) {
        root_empty.emplace(t.hash, t.root.empty());
        new_hash.push_back(as_bigint(t.hash));
        new_path.push_back(t.path);
        new_root.push_back(t.root);
        new_width.push_back(t.width);
        new_height.push_back(t.height);
        new_added.push_back(t.added_ms ? t.added_ms : now_ms());
        ++result.new_tasks;
      } else if (it->second && !t.root.empty()) {
        it->second = false;
        learn_hash.push_back(as_bigint(t.hash));
        learn_path.push_back(t.path);
        learn_root.push_back(t.root);
      }
      if (in_dataset.contains(t.hash) || !appended.insert(t.hash).second) {
        ++result.already_in_dataset;
        continue;
      }
      item_position.push_back(dataset.size++);
      item_task.push_back(as_bigint(t.hash));
      ++result.added;
    }
    if (!new_hash.empty())
      conn.exec(R"sql(INSERT INTO tasks (hash, path, root, width, height, added_ms)
                      SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[],
                                           $4::integer[], $5::integer[], $6::bigint[])
                      ON CONFLICT (hash) DO NOTHING)sql",
                bigint_array(new_hash), text_array(new_path), text_array(new_root), bigint_array(new_width),
                bigint_array(new_height), bigint_array(new_added));
    if (!learn_hash.empty())
      conn.exec(R"sql(UPDATE tasks t SET path = u.path, root = u.root
                      FROM unnest($1::bigint[], $2::text[], $3::text[]) u(hash, path, root)
                      WHERE t.hash = u.hash AND t.root = '')sql",
                bigint_array(learn_hash), text_array(learn_path), text_array(learn_root));
    if (!item_task.empty())
      conn.exec("INSERT INTO items (dataset, position, task) SELECT $1, * FROM unnest($2::bigint[], $3::bigint[])",
                dataset.id, bigint_array(item_position), bigint_array(item_task));
  }
  if (result.added) conn.exec("UPDATE datasets SET size = $2 WHERE id = $1", dataset.id, dataset.size);
  return result;
}

void remember_files(Connection& conn, const std::vector<FileStamp>& files) {
  // The last stamp of a path wins, as when they are written one by one.
  std::map<std::string_view, const FileStamp*> latest;
  for (const FileStamp& f : files)
    if (!f.path.empty() && f.hash != 0) latest[f.path] = &f;
  for (auto it = latest.begin(); it != latest.end();) {
    std::vector<std::string> path;
    std::vector<std::int64_t> size, mtime, inode, hash;
    for (; it != latest.end() && path.size() < kChunk; ++it) {
      const FileStamp& f = *it->second;
      path.push_back(f.path);
      size.push_back(as_bigint(f.size));
      mtime.push_back(f.mtime_ns);
      inode.push_back(as_bigint(f.inode));
      hash.push_back(as_bigint(f.hash));
    }
    conn.exec(R"sql(INSERT INTO files (path, size, mtime_ns, inode, hash)
                    SELECT * FROM unnest($1::text[], $2::bigint[], $3::bigint[], $4::bigint[], $5::bigint[])
                    ON CONFLICT (path) DO UPDATE
                      SET size = excluded.size, mtime_ns = excluded.mtime_ns, inode = excluded.inode,
                          hash = excluded.hash)sql",
              text_array(path), bigint_array(size), bigint_array(mtime), bigint_array(inode), bigint_array(hash));
  }
}

namespace {

struct ItemState {
  std::int64_t answers = 0;
  bool done = false;
  bool changed = false;
  std::int64_t wants = 1;  // the overlap, or the item's raised wanted
};

// One chunk of an import's answers: the items locked in position order (no
// deadlock with another import), then everything decided here and written
// in four statements.
void import_chunk(Connection& conn, const DatasetRow& dataset, std::span<const ImportRecord* const> records,
                  ImportResult& result) {
  std::vector<std::uint64_t> tasks;
  for (const ImportRecord* r : records) tasks.push_back(r->answer->task);
  std::unordered_map<std::uint64_t, std::int64_t> position_of;
  const Result found = conn.exec("SELECT task, position FROM items WHERE dataset = $1 AND task = ANY($2::bigint[])",
                                 dataset.id, bigint_array(bigints(tasks)));
  for (int row = 0; row < found.rows(); ++row) position_of[from_bigint(found.int64(row, 0))] = found.int64(row, 1);
  std::set<std::int64_t> positions;
  for (std::uint64_t t : tasks) {
    auto it = position_of.find(t);
    if (it == position_of.end()) throw UserError("task " + hash_hex(t) + " is not in the dataset it is imported into");
    positions.insert(it->second);
  }
  const std::string position_list = bigint_array(std::vector<std::int64_t>(positions.begin(), positions.end()));
  std::map<std::int64_t, ItemState> items;
  const Result locked = conn.exec(
      "SELECT position, answers, done, " + item_wants("$3::integer") +
          " FROM items i WHERE dataset = $1 AND position = ANY($2::bigint[]) ORDER BY position FOR UPDATE",
      dataset.id, position_list, dataset.overlap);
  for (int row = 0; row < locked.rows(); ++row)
    items[locked.int64(row, 0)] = {locked.int64(row, 1), locked.boolean(row, 2), false, locked.int64(row, 3)};
  std::set<std::pair<std::int64_t, std::string>> answered;
  const Result existing = conn.exec(
      "SELECT position, annotator FROM answers WHERE dataset = $1 AND position = ANY($2::bigint[])", dataset.id,
      position_list);
  for (int row = 0; row < existing.rows(); ++row) answered.emplace(existing.int64(row, 0), existing.text(row, 1));

  std::vector<std::int64_t> a_position, a_saved;
  std::vector<std::string> a_annotator, a_record;
  std::vector<bool> a_surplus;
  std::int64_t newly_done = 0;
  for (const ImportRecord* r : records) {
    const std::int64_t position = position_of.at(r->answer->task);
    std::string annotator = annotator_of(*r->answer);
    if (!answered.emplace(position, annotator).second) {
      ++result.answers_kept;
      continue;
    }
    ItemState& item = items.at(position);
    a_surplus.push_back(item.answers >= item.wants);
    ++item.answers;
    item.changed = true;
    if (!item.done && item.answers >= item.wants) {
      item.done = true;
      ++newly_done;
    }
    a_position.push_back(position);
    a_record.push_back(record_of(*r->answer, annotator));
    a_annotator.push_back(std::move(annotator));
    a_saved.push_back(r->answer->saved_ms);
    ++result.answers_saved;
  }
  if (a_position.empty()) return;
  conn.exec(R"sql(INSERT INTO answers (dataset, position, annotator, record, saved_ms, surplus)
                  SELECT $1, * FROM unnest($2::bigint[], $3::text[], $4::bytea[], $5::bigint[], $6::boolean[]))sql",
            dataset.id, bigint_array(a_position), text_array(a_annotator), bytea_array(a_record),
            bigint_array(a_saved), bool_array(a_surplus));
  std::vector<std::int64_t> i_position, i_answers;
  std::vector<bool> i_done;
  for (const auto& [position, item] : items)
    if (item.changed) {
      i_position.push_back(position);
      i_answers.push_back(item.answers);
      i_done.push_back(item.done);
    }
  conn.exec(R"sql(UPDATE items i SET answers = u.answers, done = u.done
                  FROM unnest($2::bigint[], $3::integer[], $4::boolean[]) u(position, answers, done)
                  WHERE i.dataset = $1 AND i.position = u.position)sql",
            dataset.id, bigint_array(i_position), bigint_array(i_answers), bool_array(i_done));
  conn.exec(add_counts_sql, dataset.id, static_cast<std::int64_t>(a_position.size()), newly_done);
  conn.exec(R"sql(DELETE FROM leases l USING unnest($2::bigint[], $3::text[]) u(position, annotator)
                  WHERE l.dataset = $1 AND l.position = u.position AND l.annotator = u.annotator)sql",
            dataset.id, bigint_array(a_position), text_array(a_annotator));
}

}  // namespace

void import_answers(Connection& conn, const DatasetRow& dataset, std::string_view dataset_name,
                    const std::vector<ImportRecord>& records, ImportResult& result) {
  std::vector<const ImportRecord*> with_answers;
  for (const ImportRecord& r : records)
    if (r.answer) with_answers.push_back(&r);
  const std::uint64_t saved_before = result.answers_saved;
  for (std::size_t begin = 0; begin < with_answers.size(); begin += kChunk) {
    const std::size_t n = std::min(kChunk, with_answers.size() - begin);
    import_chunk(conn, dataset, std::span(with_answers).subspan(begin, n), result);
  }
  if (result.answers_saved > saved_before)
    conn.notify(kAnswersChannel, answer_change_payload(AnswerChange{std::string(dataset_name), std::nullopt, {}}));
}

void save_answer(Connection& conn, std::string_view dataset, const Answer& answer) {
  const std::string annotator = annotator_of(answer);
  const std::string record = record_of(answer, annotator);
  conn.transaction([&](Connection& c) {
    const Result item = c.exec(lock_item_sql, dataset, as_bigint(answer.task));
    if (item.rows() == 0) {
      if (!dataset_exists(c, dataset)) throw_no_dataset(c, dataset);
      throw UserError("task " + hash_hex(answer.task) + " is not in dataset '" + std::string(dataset) + "'");
    }
    c.exec(save_sql, item.int64(0, 0), item.int64(0, 1), annotator, Bytes{record}, answer.saved_ms, item.int64(0, 2),
           item.boolean(0, 3) ? 1 : 0, change_payload(dataset, item.int64(0, 1), annotator), kAnswersChannel);
    if (!item.is_null(0, 5)) want_more_if_disagreeing(c, item);
  });
}

bool remove_answer(Connection& conn, std::string_view dataset, std::uint64_t task, std::string_view annotator) {
  return conn.transaction([&](Connection& c) {
    const Result item = c.exec(lock_item_sql, dataset, as_bigint(task));
    if (item.rows() == 0) {
      if (!dataset_exists(c, dataset)) throw_no_dataset(c, dataset);
      return false;
    }
    return c.exec(remove_sql, item.int64(0, 0), item.int64(0, 1), annotator, item.boolean(0, 3) ? 1 : 0,
                  change_payload(dataset, item.int64(0, 1), annotator), kAnswersChannel)
               .rows() > 0;
  });
}

std::optional<ItemRow> lock_item(Connection& conn, std::string_view dataset, std::uint64_t task) {
  const Result item = conn.exec(lock_item_sql, dataset, as_bigint(task));
  if (item.rows() == 0) {
    if (!dataset_exists(conn, dataset)) throw_no_dataset(conn, dataset);
    return std::nullopt;
  }
  return ItemRow{static_cast<int>(item.int64(0, 0)), item.int64(0, 1), item.int64(0, 2), item.boolean(0, 3),
                 static_cast<int>(item.int64(0, 4)), static_cast<int>(item.int64(0, 7))};
}

void set_item_wanted(Connection& conn, const ItemRow& item, int wanted) {
  conn.exec(R"sql(INSERT INTO item_wanted (dataset, position, wanted) VALUES ($1, $2, $3)
                  ON CONFLICT (dataset, position) DO UPDATE SET wanted = excluded.wanted)sql",
            item.dataset, item.position, std::max(wanted, 1));
  const bool done = item.answers >= std::max(wanted, item.overlap);
  if (done == item.done) return;
  conn.exec("UPDATE items SET done = $3 WHERE dataset = $1 AND position = $2", item.dataset, item.position, done);
  conn.exec(add_counts_sql, item.dataset, 0, done ? 1 : -1);
}

void recount(Connection& conn, const DatasetRow& dataset) {
  // Every item, not only those whose flag changes: the update locks each
  // row, waiting for an answer being saved to it, and re-reads what that
  // saved; an answer saved later waits for this transaction and reads the
  // new overlap.
  conn.exec("UPDATE items i SET done = answers >= " + item_wants("$2::integer") + " WHERE dataset = $1", dataset.id,
            dataset.overlap);
  conn.exec("DELETE FROM dataset_counts WHERE dataset = $1", dataset.id);
  conn.exec(R"sql(INSERT INTO dataset_counts (dataset, shard, answers, answered)
                  SELECT $1, 0, coalesce(sum(answers), 0), count(*) FILTER (WHERE done)
                  FROM items WHERE dataset = $1)sql",
            dataset.id);
}

}  // namespace gloss::pg
