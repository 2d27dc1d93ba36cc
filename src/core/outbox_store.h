// A shared store (PostgreSQL) seen through a local outbox, for the windows:
// every answer is first written durably to a small LMDB on this workstation,
// then sent on. While the server is away (StoreUnavailable) answers wait in
// the outbox, the session goes on with the tasks it had claimed and the
// images it had seen, and a background thread sends the outbox in order when
// the server is back. A kill -9 loses nothing reported saved: the next
// OutboxStore on the same folder sends what was left.
//
// Reads go to the server and are remembered locally (tasks, positions,
// suggestions, datasets, the last claims) so they can be answered offline.
// Whole-dataset reads (for_each_answer) need the server.
#pragma once

#include <atomic>
#include <condition_variable>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <thread>

#include "core/store.h"

namespace gloss {

namespace lmdb { class Env; }

class OutboxStore final : public Store {
 public:
  // `outbox_dir` is created if missing; what an earlier session left there
  // is sent as soon as the server answers.
  OutboxStore(std::unique_ptr<Store> remote, const std::filesystem::path& outbox_dir,
              std::chrono::milliseconds retry_every = std::chrono::milliseconds(2000));
  ~OutboxStore() override;

  bool online() const { return online_; }
  // Answers (and undos) not yet on the server.
  std::uint64_t waiting() const;
  // Sends what waits, oldest first; true when nothing is left waiting.
  bool flush();

  std::string location() const override;
  std::optional<std::string> required_annotator() const override;
  std::unique_ptr<AnswerFeed> answer_feed() const override;
  std::vector<DatasetInfo> datasets() const override;
  std::optional<DatasetInfo> dataset(std::string_view name) const override;
  DatasetInfo ensure_dataset(std::string_view name) override;
  DatasetInfo set_routing(std::string_view name, const Routing& routing) override;
  bool drop_dataset(std::string_view name) override;

  using Store::add_tasks;
  AddResult add_tasks(std::string_view dataset, const std::vector<Task>& tasks,
                      const std::vector<FileStamp>& read) override;
  ImportResult import_records(std::string_view dataset, const std::vector<ImportRecord>& records) override;
  std::optional<Task> task(std::uint64_t hash) const override;

  std::optional<std::uint64_t> task_at(const DatasetInfo& dataset, std::uint64_t position) const override;
  std::optional<std::uint64_t> position_of(const DatasetInfo& dataset, std::uint64_t hash) const override;
  std::vector<std::uint64_t> tasks_at(const DatasetInfo& dataset, std::uint64_t first,
                                      std::uint64_t count) const override;

  void save_answer(std::string_view dataset, const Answer& answer) override;
  bool remove_answer(std::string_view dataset, std::uint64_t task, std::string_view annotator) override;
  std::optional<Answer> answer(const DatasetInfo& dataset, std::uint64_t task,
                               std::string_view annotator) const override;
  std::optional<Answer> answer_at(const DatasetInfo& dataset, std::uint64_t position,
                                  std::string_view annotator) const override;
  std::vector<Answer> answers_at(const DatasetInfo& dataset, std::uint64_t position) const override;
  void for_each_answer(const DatasetInfo& dataset,
                       const std::function<bool(std::uint64_t, const Answer&)>& visit) const override;

  std::optional<std::uint64_t> first_unanswered(const DatasetInfo& dataset, std::uint64_t from,
                                                std::string_view annotator) const override;
  std::vector<std::uint64_t> claim(const DatasetInfo& dataset, std::string_view annotator,
                                   std::uint64_t from, std::size_t count) override;
  void renew_leases(const DatasetInfo& dataset, std::string_view annotator) override;
  void release_leases(const DatasetInfo& dataset, std::string_view annotator) override;

  using Store::put_suggestion;
  void put_suggestions(std::string_view model,
                       const std::vector<std::pair<std::uint64_t, Suggestion>>& suggestions) override;
  std::optional<Suggestion> suggestion(std::string_view model, std::uint64_t task) const override;
  CaptionClaim claim_caption_work(std::string_view model, const std::vector<std::uint64_t>& candidates,
                                  std::string_view worker, std::int64_t lease_ms, std::size_t count) override;
  void release_caption_work(std::string_view model, std::string_view worker) override;
  void put_thumbnail(std::uint64_t task, int max_side, std::string_view bytes) override;
  std::optional<std::string> thumbnail(std::uint64_t task, int max_side) const override;
  std::optional<std::uint64_t> known_file(const FileStamp& file) const override;
  void remember_files(const std::vector<FileStamp>& files) override;

 private:
  struct Local;
  // Runs fn against the server unless offline; a StoreUnavailable turns the
  // store offline (the retry thread brings it back) and returns nullopt.
  template <class F>
  auto try_remote(F&& fn) const -> std::optional<decltype(fn(std::declval<Store&>()))>;
  void went_offline() const;
  // The dataset's id as last seen (caches are keyed by id: a dataset dropped
  // and made again under the same name is another dataset).
  std::uint32_t dataset_id(std::string_view name) const;
  std::optional<Answer> pending(std::string_view dataset, std::uint64_t task, std::string_view annotator) const;
  // Moves an op that cannot be read out of the way, keeping its bytes.
  void set_aside(const std::string& key, const std::string& bytes);
  std::vector<std::uint64_t> cached_claims(const DatasetInfo& dataset, std::string_view annotator,
                                           std::uint64_t from) const;
  void retry_loop();

  std::unique_ptr<Store> remote_;
  std::unique_ptr<Local> local_;
  mutable std::mutex ids_mutex_;
  mutable std::map<std::string, std::uint32_t> ids_;
  mutable std::atomic<bool> online_{true};
  std::mutex flush_mutex_;  // one flush at a time, in order
  std::chrono::milliseconds retry_every_;
  std::mutex stop_mutex_;
  std::condition_variable stop_cv_;
  bool stopping_ = false;
  std::thread retry_thread_;
};

// Where a workstation keeps the outbox of a database store:
// $XDG_STATE_HOME/gloss/outbox/HASH (else ~/.local/state/...), HASH from the
// redacted location, so each server and database has its own.
std::filesystem::path default_outbox_dir(const std::string& location);

}  // namespace gloss
