// The store in one PostgreSQL database, shared by a team: every workstation
// opens the same database (a postgresql:// URI) and sees the others'
// answers as soon as they are saved. The schema is gloss's own
// (core/pg_schema.h), created or upgraded when the store is opened; tasks
// are handed out by claims (core/pg_claims.h) on the server's clock.
//
// Threads: one PgStore may be used by several threads at once. It keeps a
// small pool of connections (core/pg_pool.h, up to kConnections): a call
// takes one for its statements and gives it back. A server that restarts is
// reconnected to at the next call; one that stays away makes calls throw
// StoreUnavailable naming it (the windows keep answering through an
// OutboxStore meanwhile).
//
// Every write is one transaction, durable when it returns (as durable as
// the server is set up to be). Saving or removing an answer, and an import,
// send NOTIFY gloss_answers with the dataset's name when they commit.
#pragma once

#include <memory>
#include <string>

#include "core/store.h"

namespace gloss {

namespace pg {
class Pool;
}

class PgStore final : public Store {
 public:
  static constexpr int kConnections = 4;
  // The channel of the NOTIFY sent when a dataset's answers change.
  static constexpr const char* kAnswersChannel = "gloss_answers";

  // Connects to `uri` and migrates the schema. Throws StoreUnavailable
  // naming the server (without its password) and libpq's reason when it
  // cannot connect (no server there, refused, a bad password), StoreError
  // when the database holds a newer gloss's schema.
  explicit PgStore(const std::string& uri);
  ~PgStore() override;

  std::string location() const override;

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

  // The role's name for an annotator; nullopt for the gloss admin.
  std::optional<std::string> required_annotator() const override;
  // LISTEN gloss_answers on a connection of its own.
  std::unique_ptr<AnswerFeed> answer_feed() const override;

  // Connections open now (tests).
  int open_connections() const;

 private:
  std::string uri_;
  std::string location_;
  std::unique_ptr<pg::Pool> pool_;
  std::optional<std::string> annotator_role_;
};

}  // namespace gloss
