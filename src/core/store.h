// The gloss store: one LMDB environment per folder holding datasets, tasks,
// answers, the suggestion cache and the thumbnail cache. Safe to share
// between threads; several processes may open the same folder.
//
// Every write is its own durable transaction: when a save returns, the
// answer is on disk. Paging by position is a single B-tree lookup.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/records.h"

namespace gloss {

namespace lmdb { class Env; }

struct StoreOptions {
  std::filesystem::path dir;
  std::size_t initial_map_bytes = 64u << 20;
  bool durable = true;
};

// $GLOSS_DB if set and not empty, else ./gloss-data.
std::filesystem::path default_store_dir();

struct AddResult {
  std::uint64_t added = 0;            // appended to the dataset
  std::uint64_t already_in_dataset = 0;
  std::uint64_t new_tasks = 0;        // images the store had not seen before
};

// One record of an import: a task and, optionally, its answer.
struct ImportRecord {
  Task task;
  std::optional<Answer> answer;
};

struct ImportResult {
  AddResult tasks;
  std::uint64_t answers_saved = 0;
  std::uint64_t answers_kept = 0;  // task already answered in the dataset: existing answer kept
};

class Store {
 public:
  explicit Store(const StoreOptions& options);
  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  const std::filesystem::path& dir() const;

  // ---- datasets (ordered by creation)
  std::vector<DatasetInfo> datasets() const;
  std::optional<DatasetInfo> dataset(std::string_view name) const;
  // Throws UserError("no dataset named ...") listing the datasets there are.
  DatasetInfo require_dataset(std::string_view name) const;
  DatasetInfo ensure_dataset(std::string_view name);
  // Removes the dataset and its answers (tasks stay: other datasets may use
  // them). False if there was no such dataset.
  bool drop_dataset(std::string_view name);

  // ---- tasks
  // Adds tasks to the dataset in order; a task already in it is counted, not
  // added again. One transaction.
  AddResult add_tasks(std::string_view dataset, const std::vector<Task>& tasks);
  // The same, and remembers the files read for them (remember_files) in the
  // same transaction: a scan killed at any point never leaves a file
  // remembered whose task is not in the dataset.
  AddResult add_tasks(std::string_view dataset, const std::vector<Task>& tasks, const std::vector<FileStamp>& read);
  // Tasks and answers together, all or nothing.
  ImportResult import_records(std::string_view dataset, const std::vector<ImportRecord>& records);
  std::optional<Task> task(std::uint64_t hash) const;

  // ---- paging by position (0-based)
  std::optional<std::uint64_t> task_at(const DatasetInfo& dataset, std::uint64_t position) const;
  std::optional<std::uint64_t> position_of(const DatasetInfo& dataset, std::uint64_t hash) const;
  // Positions [first, first+count) with their task hashes, in one transaction.
  std::vector<std::uint64_t> tasks_at(const DatasetInfo& dataset, std::uint64_t first,
                                      std::uint64_t count) const;

  // ---- answers (one per task and dataset; saving again replaces it)
  // Durable when it returns. Throws UserError if the task is not in the dataset.
  void save_answer(std::string_view dataset, const Answer& answer);
  // Removes the answer (undo). False if there was none.
  bool remove_answer(std::string_view dataset, std::uint64_t task);
  std::optional<Answer> answer(const DatasetInfo& dataset, std::uint64_t task) const;
  std::optional<Answer> answer_at(const DatasetInfo& dataset, std::uint64_t position) const;
  // Visits answers in position order. Stop early by returning false.
  void for_each_answer(const DatasetInfo& dataset,
                       const std::function<bool(std::uint64_t position, const Answer&)>& visit) const;
  // First position >= from without an answer, wrapping around; nullopt if all answered.
  std::optional<std::uint64_t> first_unanswered(const DatasetInfo& dataset,
                                                std::uint64_t from = 0) const;

  // ---- suggestion cache, keyed by (model id, task hash)
  void put_suggestion(std::string_view model, std::uint64_t task, const Suggestion& suggestion);
  // Many at once, one commit (batch pre-captioning).
  void put_suggestions(std::string_view model,
                       const std::vector<std::pair<std::uint64_t, Suggestion>>& suggestions);
  std::optional<Suggestion> suggestion(std::string_view model, std::uint64_t task) const;

  // ---- thumbnail cache, keyed by (task hash, longest side)
  void put_thumbnail(std::uint64_t task, int max_side, std::string_view bytes);
  std::optional<std::string> thumbnail(std::uint64_t task, int max_side) const;

  // ---- files read before: path -> (size, mtime, inode, content hash)
  // The hash recorded for this file if size, mtime and inode still match.
  std::optional<std::uint64_t> known_file(const FileStamp& file) const;
  void remember_files(const std::vector<FileStamp>& files);

  // Store-wide figures for `gloss stats` and tests.
  std::size_t map_size() const;
  int map_growths() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace gloss
