// What PgStore writes, as statements on one connection: tasks appended to
// a dataset in bulk, answers saved and removed with the item's count, done
// flag and the dataset's counts kept right, imports, routing changes. The
// functions marked "in a transaction" run inside the caller's
// (READ COMMITTED); the others run their own.
//
// The rule that keeps claims honest (pg_claims.cpp): whatever changes an
// item's answers first locks its row (FOR UPDATE) and updates it, so a
// claim that read the item from an older snapshot fails to serialize and
// reruns. Locking the item first also makes every answer writer of an item
// wait for the previous one, so its count is read after that one committed.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "core/pg.h"
#include "core/store.h"

namespace gloss::pg {

struct DatasetRow {
  int id = 0;
  std::int64_t size = 0;
  int overlap = 1;
  std::int64_t lease_ms = 0;
};

// In a transaction: the dataset's row, locked FOR UPDATE (appends and
// routing changes take turns), created first when `create`. Throws UserError
// naming the store when it does not exist and !create.
DatasetRow lock_dataset(Connection& conn, std::string_view name, bool create);

// In a transaction: appends the tasks the dataset does not have, in order,
// and records the tasks the store has not seen; updates the row's size.
AddResult append_tasks(Connection& conn, DatasetRow& dataset, const std::vector<Task>& tasks);

// In a transaction: remembers files read (those with a hash).
void remember_files(Connection& conn, const std::vector<FileStamp>& files);

// In a transaction (after append_tasks): the records' answers, each saved
// unless its annotator answered the task already (kept). Throws UserError
// when an answer's task is not in the dataset.
void import_answers(Connection& conn, const DatasetRow& dataset, std::string_view dataset_name,
                    const std::vector<ImportRecord>& records, ImportResult& result);

// Saves the answer (annotator filled in) and ends that annotator's lease,
// and notifies; its own transaction. Throws UserError when the dataset or
// the task in it does not exist.
void save_answer(Connection& conn, std::string_view dataset, const Answer& answer);

// Removes the annotator's answer; false if there was none. Its own
// transaction. Throws UserError when there is no such dataset.
bool remove_answer(Connection& conn, std::string_view dataset, std::uint64_t task, std::string_view annotator);

// An item as an answer's writer sees it, its row locked: its answers, done
// flag, the answers it wants (greatest of the overlap and item_wanted) and
// the dataset's overlap.
struct ItemRow {
  int dataset = 0;
  std::int64_t position = 0;
  std::int64_t answers = 0;
  bool done = false;
  int wanted = 1;
  int overlap = 1;
};

// In a transaction: the task's item in the dataset, locked FOR UPDATE as
// save_answer locks it; nullopt when the task is not in the dataset. Throws
// UserError when there is no such dataset.
std::optional<ItemRow> lock_item(Connection& conn, std::string_view dataset, std::uint64_t task);

// In a transaction (item locked by lock_item): the item wants `wanted`
// answers from now on (never fewer than the overlap); its done flag and the
// dataset's answered count follow.
void set_item_wanted(Connection& conn, const ItemRow& item, int wanted);

// In a transaction (dataset row locked): every item's done flag for the
// overlap (or the item's wanted, where adaptive overlap raised it), and the
// dataset's counts folded into one row.
void recount(Connection& conn, const DatasetRow& dataset);

}  // namespace gloss::pg
