#include "core/folder_scan.h"

#include <algorithm>
#include <cstdio>
#include <deque>
#include <thread>

#include "core/folder_listing.h"
#include "core/number_text.h"
#include "core/scan_workers.h"

namespace gloss {
namespace fs = std::filesystem;

namespace {

constexpr std::size_t kFirstBatch = 16;    // the first images reach the store (and the window) at once
// Later batches: about a second of work each, growing to 5 s on long scans.
// Every commit rewrites the B-tree pages its random task hashes land on, so
// fewer, larger commits keep a 250,000-file scan from writing the trees
// hundreds of times over; the window is long open by then.
constexpr double kBatchSeconds = 1.0, kMostBatchSeconds = 5.0;
constexpr std::size_t kBatchesInFlight = 3;  // the cores probe ahead while a batch commits

double seconds_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

template <class T>
void append(std::vector<T>& to, std::vector<T>& from) {
  to.insert(to.end(), std::make_move_iterator(from.begin()), std::make_move_iterator(from.end()));
}

// The lister thread, cancelled and joined however the scan ends.
class Lister {
 public:
  Lister(const fs::path& source, ListingQueue& queue) : queue_(queue) {
    thread_ = std::thread([&source, &queue] {
      try {
        list_source(source, [&](std::vector<fs::path> files, std::vector<Problem> problems) {
          return queue.push(std::move(files), std::move(problems));
        });
        queue.close();
      } catch (...) {
        queue.close(std::current_exception());
      }
    });
  }
  ~Lister() {
    queue_.cancel();
    thread_.join();
  }

 private:
  ListingQueue& queue_;
  std::thread thread_;
};

}  // namespace

std::string format_rate(double bytes_per_second) {
  char buf[32];
  if (bytes_per_second >= 1e9) std::snprintf(buf, sizeof buf, "%.1f GB/s", bytes_per_second / 1e9);
  else if (bytes_per_second >= 1e6) std::snprintf(buf, sizeof buf, "%.0f MB/s", bytes_per_second / 1e6);
  else std::snprintf(buf, sizeof buf, "%.0f kB/s", bytes_per_second / 1e3);
  return buf;
}

std::string format_scan_progress(const ScanProgress& p) {
  std::string out = "indexing " + with_thousands(p.done) + " / " + with_thousands(p.listed);
  if (!p.listing_done) out += " found so far";
  if (p.bytes_read > 0 && p.seconds >= 0.5) out += " · " + format_rate(p.bytes_per_second());
  return out;
}

std::string format_scan_summary(const ScanReport& r) {
  const SourceScan& f = r.found;
  std::string out = with_thousands(r.added.added) + (r.added.added == 1 ? " image" : " images") + " added";
  if (r.added.already_in_dataset) out += " (" + with_thousands(r.added.already_in_dataset) + " were in already)";
  if (const std::string skipped = count_skipped(f); !skipped.empty())
    out += "; " + with_thousands(f.problems.size() + f.duplicates.size()) + " skipped: " + skipped;
  if (!f.other_files.empty())
    out += "; " + with_thousands(f.other_files.size()) + " other file" + (f.other_files.size() == 1 ? "" : "s") +
           " left alone";
  return out;
}

FolderScan::FolderScan(Store& store, std::string dataset, fs::path source, ScanOptions options)
    : store_(store), dataset_(std::move(dataset)), source_(std::move(source)), options_(std::move(options)),
      root_(source_root(source_).string()), tally_(fs::is_directory(source_)),
      started_(std::chrono::steady_clock::now()) {}

void FolderScan::cancel() {
  cancel_ = true;
  std::lock_guard lock(mutex_);
  if (queue_) queue_->cancel();
}

ScanProgress FolderScan::progress() const {
  std::lock_guard lock(mutex_);
  ScanProgress p = progress_;
  if (queue_) p.listed = queue_->listed(), p.listing_done = queue_->listing_ended();
  if (!p.finished) p.seconds = seconds_since(started_);
  return p;
}

ScanReport FolderScan::report() const {
  std::lock_guard lock(mutex_);
  return report_;
}

void FolderScan::run() {
  ListingQueue queue(options_.most_listed_ahead);
  {
    std::lock_guard lock(mutex_);
    queue_ = &queue;
    if (cancel_) queue.cancel();
  }
  try {
    probe_and_commit(queue);
  } catch (...) {
    finish(queue, std::current_exception());
    throw;
  }
  finish(queue, nullptr);
}

void FolderScan::probe_and_commit(ListingQueue& queue) {
  const Lister lister(source_, queue);
  const KnownFiles known = [this](const FileStamp& file) -> std::optional<Task> {
    const auto hash = store_.known_file(file);
    return hash ? store_.task(*hash) : std::nullopt;
  };
  const unsigned cores = std::clamp(std::thread::hardware_concurrency(), 1u, 8u);
  ProbePool pool(options_.threads ? options_.threads : cores, known);
  std::deque<std::shared_ptr<ProbeBatch>> flight;
  std::size_t batch_size = kFirstBatch;
  auto last_commit = std::chrono::steady_clock::now();
  while (!cancel_) {
    while (flight.size() < kBatchesInFlight && !cancel_) {
      auto batch = std::make_shared<ProbeBatch>();
      std::vector<Problem> problems;
      if (!queue.take(batch_size, flight.empty(), batch->paths, problems)) break;
      {
        std::lock_guard lock(mutex_);
        append(report_.found.problems, problems);
      }
      pool.submit(batch);
      flight.push_back(std::move(batch));
    }
    if (flight.empty()) break;  // listed and committed everything
    pool.wait(*flight.front());
    if (cancel_) break;
    commit(*flight.front());
    batch_size = next_batch_size(flight.front()->paths.size(), seconds_since(last_commit));
    last_commit = std::chrono::steady_clock::now();
    flight.pop_front();
  }
  queue.rethrow_failure();  // the folder itself could not be read
}

// Ends the scan however it went: the listing stopped, the report tidied.
void FolderScan::finish(ListingQueue& queue, std::exception_ptr failure) {
  if (!failure && !cancel_) store_.ensure_dataset(dataset_);  // even a folder without images names a dataset
  std::lock_guard lock(mutex_);
  progress_.listed = queue.listed();
  progress_.listing_done = queue.listing_ended();
  progress_.seconds = seconds_since(started_);
  progress_.finished = true;
  progress_.cancelled = cancel_;
  if (failure) {
    try {
      std::rethrow_exception(failure);
    } catch (const std::exception& e) {
      progress_.failure = e.what();
    }
  }
  queue_ = nullptr;
  if (!options_.sidecar_ext.empty()) drop_sidecar_files(report_.found, options_.sidecar_ext, sidecars_found_);
}

std::size_t FolderScan::next_batch_size(std::size_t files, double seconds) const {
  if (files == 0 || seconds <= 0) return kFirstBatch;
  const double target = std::clamp(0.1 * seconds_since(started_), kBatchSeconds, kMostBatchSeconds);
  const double aim = static_cast<double>(files) * target / seconds;
  return std::clamp(static_cast<std::size_t>(aim), kFirstBatch, options_.most_batch);
}

// One transaction for the batch's tasks and the files read for them; the
// tally runs in path order, so duplicates are told the same way however the
// scan was split into runs.
void FolderScan::commit(ProbeBatch& batch) {
  std::vector<Task> tasks;
  std::vector<FileStamp> read;
  SourceScan found;
  std::uint64_t bytes = 0, unsettled = 0;
  const std::int64_t settled_before = now_ms() * 1'000'000 - static_cast<std::int64_t>(options_.settle_seconds * 1e9);
  for (FileProbe& p : batch.probes) {
    bytes += p.bytes_read;
    if (!p.known && options_.settle_seconds > 0 && p.stamp.mtime_ns > settled_before) {
      ++unsettled;  // being copied in, perhaps: the next pass takes it
      continue;
    }
    if (p.known) ++found.unchanged;
    else if (p.result.ok() && p.stamp.size > 0) read.push_back(p.stamp);  // duplicates too: not read again
    if (auto task = tally_.take(std::move(p.result), found)) {
      task->root = root_;
      tasks.push_back(std::move(*task));
    }
  }
  AddResult added;
  if (!tasks.empty() || !read.empty()) added = store_.add_tasks(dataset_, tasks, read);
  if (!options_.sidecar_ext.empty()) keep_sidecars(tasks);
  std::lock_guard lock(mutex_);
  SourceScan& all = report_.found;
  append(all.problems, found.problems);
  append(all.duplicates, found.duplicates);
  append(all.duplicate_of, found.duplicate_of);
  append(all.other_files, found.other_files);
  all.unchanged += found.unchanged;
  report_.added.added += added.added;
  report_.added.already_in_dataset += added.already_in_dataset;
  report_.added.new_tasks += added.new_tasks;
  progress_.done += batch.paths.size();
  progress_.added = report_.added.added;
  progress_.unchanged = all.unchanged;
  progress_.bytes_read += bytes;
  progress_.unsettled += unsettled;
  progress_.skipped = all.problems.size() + all.duplicates.size();
}

void FolderScan::keep_sidecars(const std::vector<Task>& tasks) {
  SidecarScan sidecars = read_sidecars_of(tasks, options_.sidecar_ext);
  const SidecarSaved saved = save_sidecar_suggestions(store_, sidecars);
  for (std::string& file : sidecars.files) sidecars_found_.insert(std::move(file));
  std::lock_guard lock(mutex_);
  report_.sidecars.add(sidecars, saved);
  append(report_.sidecar_problems, sidecars.problems);
}

}  // namespace gloss
