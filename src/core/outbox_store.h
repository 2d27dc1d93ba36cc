// A shared store (PostgreSQL) seen through a local outbox, for the windows:
// every answer is written durably to a small LMDB on this workstation and
// the sender thread takes it to the server from there, so a move in the
// window never waits on the network. While the server is away
// (StoreUnavailable) answers wait in the outbox, the session goes on with the
// tasks it had claimed and the images it had seen, and the sender sends the
// outbox in order when the server is back. A kill -9 loses nothing reported
// saved: the next OutboxStore on the same folder sends what was left.
//
// Claims run ahead of the cursor: the first claim of a dataset asks the
// server, later ones are answered from the tasks already claimed (less the
// ones answered here, sent or not), and the sender claims more when fewer
// than half are left. Only when none is left does a claim wait for the
// server. Heartbeats go through the sender too.
//
// The claimed tasks are read in the same background step, with their
// suggestions for every model the window asked about (and sidecar
// captions), so that opening one asks the server nothing.
//
// Reads go to the server and are remembered locally (tasks, positions,
// suggestions, datasets, the last claims) so they can be answered offline;
// a dataset's counts are read again by the sender after each answer it
// sends and every few seconds. Whole-dataset reads (for_each_answer) need
// the server.
#pragma once

#include <atomic>
#include <condition_variable>
#include <filesystem>
#include <map>
#include <functional>
#include <memory>
#include <mutex>
#include <set>
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
  // Throws the server's refusal of an answer, after setting it aside.
  bool flush();
  // Answers the server refused for good (the image left the dataset, the
  // role may not write them): how many, and the last refusal's words.
  struct Refusals {
    std::uint64_t count = 0;
    std::string last;
  };
  Refusals refusals() const;

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

  void save_review(std::string_view dataset, const Review& review) override;
  bool remove_review(std::string_view dataset, std::uint64_t task) override;
  std::optional<Review> review(const DatasetInfo& dataset, std::uint64_t task) const override;
  void for_each_review(const DatasetInfo& dataset,
                       const std::function<bool(std::uint64_t, const Review&)>& visit) const override;

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
  // Claims on the server and keeps the claim, with the claimed tasks read
  // (for offline) and marked unanswered by the annotator; nullopt offline.
  std::optional<std::vector<std::uint64_t>> claim_from_server(const DatasetInfo& dataset, std::string_view annotator,
                                                              std::uint64_t from, std::size_t count);
  // The dataset read from the server into the caches (inner nullopt: there
  // is no such dataset); nullopt offline.
  std::optional<std::optional<DatasetInfo>> read_dataset(std::string_view name) const;
  void forget_if_remade(const DatasetInfo& dataset) const;
  void remember_answer(std::uint32_t dataset_id, std::string_view annotator, std::uint64_t task,
                       const std::string& record) const;
  // Writes the review (or, nullopt, its removal) to the outbox for the sender.
  void queue_review(std::string_view dataset, std::uint64_t task, const std::optional<Review>& review);
  void read_suggestions(const std::vector<std::uint64_t>& tasks) const;
  void remember_unanswered(std::uint32_t dataset_id, std::string_view annotator,
                           const std::vector<std::uint64_t>& tasks) const;
  void send_loop();
  void flush_reporting();
  void refresh_datasets();

  // What the window asked of the sender since it last looked.
  struct ClaimAhead {
    DatasetInfo dataset;
    std::string annotator;
    std::uint64_t from = 0;
    std::size_t count = 0;
  };
  struct Work {
    bool send = false;
    std::optional<ClaimAhead> claim;
    std::optional<std::pair<DatasetInfo, std::string>> renew;
    bool read_claimed_suggestions = false;
  };
  void post(const std::function<void(Work&)>& add) const;
  void claim_ahead_now(const ClaimAhead& claim);
  void renew_now(const DatasetInfo& dataset, const std::string& annotator);

  std::unique_ptr<Store> remote_;
  std::unique_ptr<Local> local_;
  mutable std::mutex ids_mutex_;
  mutable std::map<std::string, std::uint32_t> ids_;
  // Datasets as the server last said (by name), kept fresh by the sender.
  mutable std::map<std::string, DatasetInfo> datasets_;
  // Models (and "sidecar") the window asked suggestions of, and (model,
  // task) keys the server had none for when the tasks were claimed.
  mutable std::mutex suggestions_mutex_;
  mutable std::set<std::string> models_asked_;
  mutable std::set<std::string> absent_;
  std::vector<std::uint64_t> last_claimed_;  // tasks of the last claim from the server
  mutable std::atomic<bool> online_{true};
  std::mutex flush_mutex_;  // one flush at a time, in order
  mutable std::mutex refused_mutex_;
  Refusals refused_;
  // Held while claiming, renewing or releasing on the server, so that a
  // claim ahead the sender had begun cannot lease tasks again after the
  // window released them. live_claims_: dataset id 0x00 annotator of the
  // claims made on the server by this process and not released.
  std::mutex claim_mutex_;
  std::set<std::string> live_claims_;
  std::chrono::milliseconds retry_every_;
  mutable std::mutex wake_mutex_;
  mutable std::condition_variable wake_;
  bool stopping_ = false;
  mutable Work work_;
  std::thread sender_;
};

// Where a workstation keeps the outbox of a database store:
// $XDG_STATE_HOME/gloss/outbox/HASH (else ~/.local/state/...), HASH from the
// redacted location, so each server and database has its own.
std::filesystem::path default_outbox_dir(const std::string& location);

}  // namespace gloss
