// The store in one LMDB environment (a folder on one machine): what a single
// workstation uses. Several processes on the machine may open the same
// folder (several annotators may share it); LMDB must not be shared over a
// network filesystem — a team uses the PostgreSQL store.
//
// Every write is its own durable transaction: when a save returns, the
// answer is on disk. Paging by position is a single B-tree lookup.
#pragma once

#include <filesystem>
#include <memory>

#include "core/store.h"

namespace gloss {

class LmdbStore final : public Store {
 public:
  explicit LmdbStore(const StoreOptions& options);
  ~LmdbStore() override;

  const std::filesystem::path& dir() const;
  std::string location() const override { return dir().string(); }

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

  // Figures for tests and benchmarks.
  std::size_t map_size() const;
  int map_growths() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace gloss
