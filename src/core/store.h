// The gloss store: datasets, tasks, answers, the suggestion cache and the
// thumbnail cache, as the commands and sessions see them. Two
// implementations: an LMDB folder on one machine (core/lmdb_store.h) and a
// PostgreSQL database shared by a team (core/pg_store.h); open_store() picks
// one from a location. Safe to share between threads; several processes may
// open the same store.
//
// Every write is durable when it returns. Answers are keyed by (dataset,
// task, annotator): with a dataset's overlap above 1, a task gets answers
// from that many different annotators. Tasks are handed to annotators by
// claims that lease them for a while (the dataset's lease time); an expired
// lease is free at the next claim.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/answer_feed.h"
#include "core/records.h"

namespace gloss {

struct StoreOptions {
  std::filesystem::path dir;
  std::size_t initial_map_bytes = 64u << 20;
  bool durable = true;
};

// $GLOSS_DB if set and not empty, else ./gloss-data.
std::string default_store_location();
// True for a libpq connection URI (postgresql://… or postgres://…).
bool is_database_uri(std::string_view location);
// `location` as messages show it: a connection URI without its password.
std::string shown_location(std::string_view location);
// The store at `location`: a PostgreSQL database for a connection URI, else
// an LMDB folder (created if missing). Throws UserError naming the location.
std::unique_ptr<class Store> open_store(const std::string& location);

// $GLOSS_ANNOTATOR if set, else the login name, else "annotator".
std::string default_annotator();

struct AddResult {
  std::uint64_t added = 0;            // appended to the dataset
  std::uint64_t already_in_dataset = 0;
  std::uint64_t new_tasks = 0;        // images the store had not seen before
};

// One record of an import: a task and, optionally, its answer (whose
// annotator is set; the importer fills it in when the file had none).
struct ImportRecord {
  Task task;
  std::optional<Answer> answer;
  // A review line of a JSONL export ("_review"): saved with save_review
  // after the records are imported (import_reviews), never as an answer.
  std::optional<Review> review;
};

struct ImportResult {
  AddResult tasks;
  std::uint64_t answers_saved = 0;
  std::uint64_t answers_kept = 0;  // that annotator had answered it already: existing answer kept
};

// What claim_caption_work found among its candidates.
struct CaptionClaim {
  // Claimed for the worker now, in the candidates' order: caption these.
  std::vector<std::uint64_t> claimed;
  // Already have a suggestion from the model: nothing to do for them.
  std::vector<std::uint64_t> cached;
  // The rest were held by another worker's unexpired claim, or left for a
  // later call once `count` were claimed.
};

// How a dataset's tasks are handed out.
struct Routing {
  int overlap = 1;                   // different annotators per task
  std::int64_t lease_ms = 30 * 60 * 1000;  // how long a claimed task stays reserved
  // Adaptive overlap: when a task has all the answers it wants and the mean
  // pairwise WER of its non-surplus accepted captions is above this, it
  // wants one more answer, up to max_overlap (above overlap). nullopt: off.
  std::optional<double> more_if_wer_above;
  int max_overlap = 0;
};

// Throws UserError when the routing is not one a store keeps: an overlap
// below 1, a lease under a second, a negative WER threshold, or adaptive
// overlap with max_overlap not above the overlap.
void check_routing(const Routing& routing);

class Store {
 public:
  virtual ~Store() = default;

  // The folder or the connection URI (without a password), for messages.
  virtual std::string location() const = 0;
  // The only annotator this store lets the user answer as, when the store
  // decides who the user is (an annotator's role on PostgreSQL, under
  // row-level security); nullopt when the user may answer as anyone.
  virtual std::optional<std::string> required_annotator() const { return std::nullopt; }
  // Word of answers saved or removed by anyone (answer_feed.h), on a
  // connection of its own; nullptr when the store has none (poll instead).
  virtual std::unique_ptr<AnswerFeed> answer_feed() const { return nullptr; }

  // ---- datasets (ordered by creation)
  virtual std::vector<DatasetInfo> datasets() const = 0;
  virtual std::optional<DatasetInfo> dataset(std::string_view name) const = 0;
  // Throws UserError("no dataset named ...") listing the datasets there are.
  DatasetInfo require_dataset(std::string_view name) const;
  virtual DatasetInfo ensure_dataset(std::string_view name) = 0;
  // Sets the dataset's overlap, lease time and adaptive overlap (creating
  // the dataset if needed). Lowering the overlap never removes answers.
  // Throws UserError when the adaptive overlap is on and max_overlap is not
  // above overlap, or the threshold is negative.
  virtual DatasetInfo set_routing(std::string_view name, const Routing& routing) = 0;
  // Removes the dataset and its answers and leases (tasks stay: other
  // datasets may use them). False if there was no such dataset.
  virtual bool drop_dataset(std::string_view name) = 0;

  // ---- tasks
  // Adds tasks to the dataset in order; a task already in it is counted, not
  // added again. One transaction.
  AddResult add_tasks(std::string_view dataset, const std::vector<Task>& tasks) { return add_tasks(dataset, tasks, {}); }
  // The same, and remembers the files read for them (remember_files) in the
  // same transaction: a scan killed at any point never leaves a file
  // remembered whose task is not in the dataset.
  virtual AddResult add_tasks(std::string_view dataset, const std::vector<Task>& tasks,
                              const std::vector<FileStamp>& read) = 0;
  // Tasks and answers together, all or nothing.
  virtual ImportResult import_records(std::string_view dataset, const std::vector<ImportRecord>& records) = 0;
  virtual std::optional<Task> task(std::uint64_t hash) const = 0;

  // ---- paging by position (0-based)
  virtual std::optional<std::uint64_t> task_at(const DatasetInfo& dataset, std::uint64_t position) const = 0;
  virtual std::optional<std::uint64_t> position_of(const DatasetInfo& dataset, std::uint64_t hash) const = 0;
  // Positions [first, first+count) with their task hashes, in one transaction.
  virtual std::vector<std::uint64_t> tasks_at(const DatasetInfo& dataset, std::uint64_t first,
                                              std::uint64_t count) const = 0;

  // ---- answers, one per (task, annotator); saving again replaces it
  // Saves under answer.annotator (default_annotator() when empty) and ends
  // that annotator's lease on the task. An answer to a task that already has
  // the answers it wants (the overlap, or more when adaptive overlap raised
  // it) is kept, marked surplus. With adaptive overlap on, a task that now
  // has the answers it wants but whose captions disagree (Routing) wants
  // one more. Durable when it returns. Throws UserError if the task is not
  // in the dataset.
  virtual void save_answer(std::string_view dataset, const Answer& answer) = 0;
  // Removes the annotator's answer (undo). False if there was none.
  virtual bool remove_answer(std::string_view dataset, std::uint64_t task, std::string_view annotator) = 0;
  virtual std::optional<Answer> answer(const DatasetInfo& dataset, std::uint64_t task,
                                       std::string_view annotator) const = 0;
  virtual std::optional<Answer> answer_at(const DatasetInfo& dataset, std::uint64_t position,
                                          std::string_view annotator) const = 0;
  // Every annotator's answer to the task at `position`, by annotator name.
  virtual std::vector<Answer> answers_at(const DatasetInfo& dataset, std::uint64_t position) const = 0;
  // Visits every answer of every annotator in position order (annotators by
  // name within a position). Stop early by returning false.
  virtual void for_each_answer(const DatasetInfo& dataset,
                               const std::function<bool(std::uint64_t position, const Answer&)>& visit) const = 0;

  // ---- reviews (gloss review): a lead's final word on a task, at most one
  // per task and dataset; saving again replaces it. Durable when it returns.
  // A sent-back review hands the task to one more annotator: it wants one
  // answer more than it has (or wanted); replacing it with a settled review
  // or removing it takes that one back (a reviewer's call, past max_overlap).
  // Throws UserError if the task is not in the dataset.
  virtual void save_review(std::string_view dataset, const Review& review) = 0;
  // Takes the task's review back (undo). False if it had none.
  virtual bool remove_review(std::string_view dataset, std::uint64_t task) = 0;
  virtual std::optional<Review> review(const DatasetInfo& dataset, std::uint64_t task) const = 0;
  // Visits every review in position order. Stop early by returning false.
  virtual void for_each_review(const DatasetInfo& dataset,
                               const std::function<bool(std::uint64_t position, const Review&)>& visit) const = 0;

  // ---- routing: which tasks an annotator is handed
  // First position >= from (wrapping around) that `annotator` may be handed:
  // they have not answered it, and its answers plus the unexpired leases of
  // other annotators are fewer than it wants (the dataset's overlap, or more
  // where adaptive overlap or a send-back raised it). nullopt if none.
  virtual std::optional<std::uint64_t> first_unanswered(const DatasetInfo& dataset, std::uint64_t from,
                                                        std::string_view annotator) const = 0;
  // Leases up to `count` such positions to the annotator, in the same order,
  // until now + the dataset's lease time; positions they already lease are
  // included and renewed. One transaction: two annotators claiming at once
  // never exceed the overlap.
  virtual std::vector<std::uint64_t> claim(const DatasetInfo& dataset, std::string_view annotator,
                                           std::uint64_t from, std::size_t count) = 0;
  // Extends every unexpired lease of the annotator in the dataset (heartbeat).
  virtual void renew_leases(const DatasetInfo& dataset, std::string_view annotator) = 0;
  // Ends every lease of the annotator in the dataset (the window closes).
  virtual void release_leases(const DatasetInfo& dataset, std::string_view annotator) = 0;

  // ---- suggestion cache, keyed by (model id, task hash)
  void put_suggestion(std::string_view model, std::uint64_t task, const Suggestion& suggestion) {
    put_suggestions(model, {{task, suggestion}});
  }
  // Many at once, one commit (batch pre-captioning).
  virtual void put_suggestions(std::string_view model,
                               const std::vector<std::pair<std::uint64_t, Suggestion>>& suggestions) = 0;
  virtual std::optional<Suggestion> suggestion(std::string_view model, std::uint64_t task) const = 0;

  // ---- caption work: pre-captioning split between processes (gloss predict
  // on several machines). A claim holds one (model, task) for one worker
  // until it expires; a claim past its time is free at the next call, so a
  // worker that dies leaves its tasks to the others after the lease.
  // Of `candidates`, in order: the ones with a suggestion from `model` are
  // reported cached; of the others, those with no unexpired claim by another
  // worker are claimed for `worker` until now + lease_ms (renewed where the
  // worker held them already), at most `count`. One transaction: two workers
  // claiming at once never get the same task.
  virtual CaptionClaim claim_caption_work(std::string_view model, const std::vector<std::uint64_t>& candidates,
                                          std::string_view worker, std::int64_t lease_ms, std::size_t count) = 0;
  // Ends the worker's claims on the model's tasks (it is done or gives up).
  virtual void release_caption_work(std::string_view model, std::string_view worker) = 0;

  // ---- thumbnail cache, keyed by (task hash, longest side)
  virtual void put_thumbnail(std::uint64_t task, int max_side, std::string_view bytes) = 0;
  virtual std::optional<std::string> thumbnail(std::uint64_t task, int max_side) const = 0;

  // ---- files read before: path -> (size, mtime, inode, content hash)
  // The hash recorded for this file if size, mtime and inode still match.
  virtual std::optional<std::uint64_t> known_file(const FileStamp& file) const = 0;
  virtual void remember_files(const std::vector<FileStamp>& files) = 0;
};

}  // namespace gloss
