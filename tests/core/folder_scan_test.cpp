#include "core/lmdb_store.h"
#include "core/folder_scan.h"

#include <chrono>
#include <thread>

#include "core/background_scan.h"
#include "core/caption_session.h"
#include "core/error.h"
#include "core/folder_listing.h"
#include "test_util.h"

namespace gloss {
namespace {
namespace fs = std::filesystem;
using namespace std::chrono_literals;

// `count` tiny PNGs spread over nested folders, every 97th a copy of an
// earlier one, and a few files that are not images.
void write_folder(const fs::path& dir, int count) {
  for (int i = 0; i < count; ++i) {
    const fs::path sub = dir / ("part-" + std::to_string(i % 7)) / (i % 3 ? "" : "deeper");
    test::write_test_png(sub / ("img-" + std::to_string(i) + ".png"), static_cast<std::uint32_t>(i % 97 == 96 ? i - 50 : i));
  }
  test::write_text(dir / "part-2" / "notes.txt", "not an image");
  test::write_text(dir / "part-3" / "broken.png", "not a png either");
}

std::vector<std::uint64_t> dataset_hashes(const Store& store, const std::string& name) {
  const auto d = store.dataset(name);
  return d ? store.tasks_at(*d, 0, d->size) : std::vector<std::uint64_t>{};
}

ScanReport scan_to_end(Store& store, const std::string& dataset, const fs::path& source, ScanOptions o = {}) {
  FolderScan scan(store, dataset, source, o);
  scan.run();
  EXPECT_TRUE(scan.progress().finished);
  EXPECT_FALSE(scan.progress().cancelled);
  return scan.report();
}

// Runs a scan and cancels it once `after` files are committed.
ScanProgress scan_and_cancel(Store& store, const std::string& dataset, const fs::path& source, std::uint64_t after) {
  ScanOptions o;
  o.threads = 2;
  // Small commits: on a quiet machine one batch aiming at a second of work
  // can hold the whole folder, and the scan would end before the cancel.
  o.most_batch = 100;
  FolderScan scan(store, dataset, source, o);
  std::thread canceller([&] {
    while (scan.progress().done < after && !scan.progress().finished) std::this_thread::sleep_for(1ms);
    scan.cancel();
  });
  scan.run();
  canceller.join();
  return scan.progress();
}

TEST(FolderScan, SameTasksInTheSameOrderAsTheWholeListScan) {
  test::TempDir dir;
  write_folder(dir / "images", 300);
  LmdbStore store({dir / "db"});
  const ScanReport report = scan_to_end(store, "d", dir / "images");
  const SourceScan whole = scan_source(dir / "images");
  std::vector<std::uint64_t> expected;
  for (const Task& t : whole.tasks) expected.push_back(t.hash);
  EXPECT_EQ(dataset_hashes(store, "d"), expected);
  EXPECT_EQ(report.added.added, expected.size());
  EXPECT_EQ(report.found.duplicates, whole.duplicates);
  EXPECT_EQ(report.found.duplicate_of, whole.duplicate_of);
  EXPECT_EQ(report.found.other_files, whole.other_files);
  ASSERT_EQ(report.found.problems.size(), 1u);
  EXPECT_NE(report.found.problems[0].where.find("broken.png"), std::string::npos);
  EXPECT_EQ(count_skipped(report.found), "3 duplicate, 1 not an image");
}

TEST(FolderScan, CancelledThenResumedGivesTheSameDatasetAsOneScan) {
  test::TempDir dir;
  write_folder(dir / "images", 2000);
  LmdbStore once({dir / "once"});
  scan_to_end(once, "d", dir / "images");
  const auto expected = dataset_hashes(once, "d");
  ASSERT_GT(expected.size(), 1900u);

  LmdbStore store({dir / "resumed"});
  const ScanProgress stopped = scan_and_cancel(store, "d", dir / "images", 300);
  EXPECT_TRUE(stopped.cancelled);
  EXPECT_TRUE(stopped.finished);
  const auto partial = dataset_hashes(store, "d");
  ASSERT_LT(partial.size(), expected.size()) << "the scan ended before it was cancelled";
  EXPECT_TRUE(std::equal(partial.begin(), partial.end(), expected.begin())) << "a prefix of the full order";

  const ScanReport rest = scan_to_end(store, "d", dir / "images");
  EXPECT_EQ(dataset_hashes(store, "d"), expected);
  EXPECT_GE(rest.found.unchanged, partial.size()) << "files committed before are not read again";
  EXPECT_EQ(rest.added.already_in_dataset, partial.size());
  EXPECT_EQ(rest.found.duplicates.size(), 2000u / 97) << "duplicates told the same way after a resume";
}

TEST(FolderScan, CancelledBeforeItStartsCommitsNothing) {
  test::TempDir dir;
  write_folder(dir / "images", 50);
  LmdbStore store({dir / "db"});
  FolderScan scan(store, "d", dir / "images");
  scan.cancel();
  scan.run();
  EXPECT_TRUE(scan.progress().cancelled);
  EXPECT_TRUE(dataset_hashes(store, "d").empty());
}

TEST(FolderScan, ProgressCountsListedDoneAndBytes) {
  test::TempDir dir;
  write_folder(dir / "images", 100);
  LmdbStore store({dir / "db"});
  FolderScan scan(store, "d", dir / "images");
  scan.run();
  const ScanProgress p = scan.progress();
  EXPECT_EQ(p.listed, 102u);
  EXPECT_TRUE(p.listing_done);
  EXPECT_EQ(p.done, 102u);
  EXPECT_EQ(p.added, 99u);
  EXPECT_GT(p.bytes_read, 100u * 60);
  EXPECT_EQ(p.skipped, 2u);  // one duplicate, one broken file
  EXPECT_TRUE(test::contains(format_scan_progress(p), "indexing 102 / 102")) << format_scan_progress(p);
}

TEST(FolderScan, ASourceThatCannotBeReadThrowsAndNamesNoDataset) {
  test::TempDir dir;
  LmdbStore store({dir / "db"});
  FolderScan scan(store, "d", dir / "missing");
  EXPECT_THROW(scan.run(), UserError);
  EXPECT_FALSE(store.dataset("d"));
  EXPECT_THROW(check_source(dir / "missing"), UserError);
}

TEST(FolderScan, AJsonlSourceGoesThroughTheSameCommits) {
  test::TempDir dir;
  test::write_test_png(dir / "a.png", 1);
  test::write_test_png(dir / "b.png", 2);
  test::write_text(dir / "list.jsonl", "{\"image\": \"b.png\"}\nnot json\n{\"image\": \"a.png\"}\n");
  LmdbStore store({dir / "db"});
  const ScanReport r = scan_to_end(store, "d", dir / "list.jsonl");
  const auto hashes = dataset_hashes(store, "d");
  ASSERT_EQ(hashes.size(), 2u);
  EXPECT_EQ(store.task(hashes[0])->path, (dir / "b.png").string());
  ASSERT_EQ(r.found.problems.size(), 1u);
  EXPECT_EQ(r.found.problems[0].reason, "not valid JSON");
}

TEST(FolderScan, SidecarCaptionsAreKeptAndTheirFilesNotReported) {
  test::TempDir dir;
  test::write_test_png(dir / "img" / "a.png", 1);
  test::write_text(dir / "img" / "a.txt", "a red circle");
  test::write_text(dir / "img" / "stray.txt", "no image beside me");
  LmdbStore store({dir / "db"});
  ScanOptions o;
  o.sidecar_ext = ".txt";
  const ScanReport r = scan_to_end(store, "d", dir / "img", o);
  EXPECT_EQ(r.sidecars.captions, 1u);
  ASSERT_EQ(r.found.problems.size(), 1u);
  EXPECT_NE(r.found.problems[0].where.find("stray.txt"), std::string::npos);
  const auto hashes = dataset_hashes(store, "d");
  ASSERT_EQ(hashes.size(), 1u);
  EXPECT_EQ(store.suggestion("sidecar", hashes[0])->caption, "a red circle");
}

bool wait_for(const std::function<bool()>& done, std::chrono::seconds limit) {
  for (auto until = std::chrono::steady_clock::now() + limit; std::chrono::steady_clock::now() < until;) {
    if (done()) return true;
    std::this_thread::sleep_for(20ms);
  }
  return done();
}

// A background scan into dataset "d" with one probing thread (so that it is
// still going when the test looks), started and with a first task.
std::unique_ptr<BackgroundScan> scan_on_one_core(Store& store, const fs::path& folder) {
  ScanOptions o;
  o.threads = 1;
  auto scan = std::make_unique<BackgroundScan>(store, "d", folder, o);
  scan->start();
  scan->wait_for_first_task();
  return scan;
}

TEST(BackgroundScan, FilesAddedAfterTheFirstPassAreAppendedInOrder) {
  test::TempDir dir;
  write_folder(dir / "images", 20);
  LmdbStore store({dir / "db"});
  BackgroundScan scan(store, "d", dir / "images");
  scan.start();
  ASSERT_TRUE(wait_for([&] { return scan.status().first_pass_done; }, 20s));
  const auto before = dataset_hashes(store, "d");
  // A new folder and a file in an old one; written, then renamed in, as copies do.
  test::write_test_png(dir / "images" / "new" / "z.png", 5000);
  test::write_test_png(dir / "images" / "part-0" / "zz.png", 5001);
  ASSERT_TRUE(wait_for([&] { return dataset_hashes(store, "d").size() == before.size() + 2; }, 20s))
      << dataset_hashes(store, "d").size() << " tasks";
  const auto after = dataset_hashes(store, "d");
  EXPECT_TRUE(std::equal(before.begin(), before.end(), after.begin())) << "positions never change";
  EXPECT_EQ(store.task(after[after.size() - 2])->path, (dir / "images" / "new" / "z.png").string());
  EXPECT_EQ(store.task(after.back())->path, (dir / "images" / "part-0" / "zz.png").string());
  EXPECT_TRUE(wait_for([&] { return scan.status().added_later == 2; }, 5s)) << scan.status().added_later;
  scan.stop();
}

TEST(BackgroundScan, ASessionOnAGrowingDatasetAnswersTheRightTasks) {
  test::TempDir dir;
  write_folder(dir / "images", 1500);
  LmdbStore store({dir / "db"});
  const auto started = scan_on_one_core(store, dir / "images");
  BackgroundScan& scan = *started;
  CaptionSession session(store, "d", "s", "");
  session.open_first_unanswered(1);
  const std::uint64_t size_at_open = session.size();
  EXPECT_LT(size_at_open, 1400u) << "the first pass was not still running when the session opened";
  const std::string first_path = session.task().path;
  session.edit_box("first");
  session.accept(2);
  session.edit_box("second");
  session.accept(3);
  ASSERT_TRUE(wait_for([&] { return scan.status().first_pass_done; }, 60s));
  session.refresh_dataset();
  EXPECT_GT(session.size(), size_at_open);
  const DatasetInfo d = *store.dataset("d");
  EXPECT_EQ(store.task(*store.task_at(d, 0))->path, first_path);
  EXPECT_EQ(store.answer_at(d, 0, default_annotator())->caption, "first");
  EXPECT_EQ(store.answer_at(d, 1, default_annotator())->caption, "second");
  EXPECT_EQ(d.answered, 2u);
  scan.stop();
}

TEST(BackgroundScan, StopCancelsTheFirstPass) {
  test::TempDir dir;
  write_folder(dir / "images", 3000);
  LmdbStore store({dir / "db"});
  const auto started = scan_on_one_core(store, dir / "images");
  BackgroundScan& scan = *started;
  scan.stop();
  const BackgroundScanStatus s = scan.status();
  EXPECT_FALSE(s.first_pass_done);
  EXPECT_TRUE(s.pass.cancelled);
  EXPECT_LT(dataset_hashes(store, "d").size(), 2900u);
}

}  // namespace
}  // namespace gloss
