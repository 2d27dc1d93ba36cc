#include "core/sources.h"

#include <sys/stat.h>

#include <algorithm>
#include <atomic>
#include <fstream>
#include <map>
#include <thread>


#include "core/error.h"
#include "core/folder_listing.h"
#include "core/hash.h"
#include "core/image.h"
#include "core/image_format.h"

namespace gloss {
namespace fs = std::filesystem;

namespace {

// The first bytes of a file, enough to tell its format; "" if unreadable
// (read_file_bytes then says why).
std::string read_head(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::string head(64, '\0');
  in.read(head.data(), static_cast<std::streamsize>(head.size()));
  head.resize(in ? head.size() : static_cast<std::size_t>(std::max<std::streamsize>(in.gcount(), 0)));
  return head;
}

}  // namespace

fs::path resolve_image_path(const std::string& reference, const fs::path& base_dir) {
  fs::path p(reference);
  if (p.is_absolute()) return p;
  std::error_code ec;
  fs::path beside = base_dir / p;
  if (fs::exists(beside, ec)) return fs::absolute(beside, ec).lexically_normal();
  return fs::absolute(p, ec).lexically_normal();
}

Task load_task(const fs::path& path, std::uint64_t* bytes_read) {
  // A file that is not an image is told apart by its first bytes, without
  // reading (and hashing) the rest: folders also hold captions, videos, notes.
  const std::string head = read_head(path);
  if (bytes_read) *bytes_read = head.size();
  if (!head.empty() && sniff_format(head) == ImageFormat::unknown)
    probe_image(head, path.string());  // throws "not an image gloss can read (...)"
  const std::string bytes = read_file_bytes(path);
  if (bytes_read) *bytes_read += bytes.size();
  const ImageInfo info = probe_image(bytes, path.string());
  Task task;
  task.hash = content_hash(bytes);
  std::error_code ec;
  task.path = fs::absolute(path, ec).lexically_normal().string();
  task.width = info.width;
  task.height = info.height;
  return task;
}

FileStamp stamp_of(const fs::path& path) {
  FileStamp s;
  std::error_code ec;
  s.path = fs::absolute(path, ec).lexically_normal().string();
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return s;
  s.size = static_cast<std::uint64_t>(st.st_size);
  s.mtime_ns = static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec;
  s.inode = static_cast<std::uint64_t>(st.st_ino);
  return s;
}

std::vector<ProbeResult> load_tasks(const std::vector<fs::path>& paths) {
  return load_tasks(paths, {}, nullptr, nullptr);
}

FileProbe probe_file(const fs::path& path, const KnownFiles& known) {
  FileProbe probe;
  try {
    if (known) {
      // Stat before reading: a file changed while being read gets a new stamp next time.
      probe.stamp = stamp_of(path);
      if (probe.stamp.size > 0) {
        if (auto task = known(probe.stamp)) {
          task->path = probe.stamp.path;
          probe.result.task = std::move(*task);
          probe.known = true;
          return probe;
        }
      }
    }
    probe.result.task = load_task(path, &probe.bytes_read);
    probe.stamp.hash = probe.result.task.hash;
  } catch (const UserError& e) {
    // UserError messages start with the path; keep the reason apart.
    std::string msg = e.what();
    const std::string prefix = path.string() + ": ";
    if (msg.rfind(prefix, 0) == 0) msg = msg.substr(prefix.size());
    probe.result.problem = {path.string(), msg};
  }
  return probe;
}

std::vector<ProbeResult> load_tasks(const std::vector<fs::path>& paths, const KnownFiles& known,
                                    std::vector<FileStamp>* read, std::size_t* unchanged) {
  std::vector<FileProbe> probes(paths.size());
  std::atomic<std::size_t> next{0};
  auto work = [&] {
    for (std::size_t i; (i = next++) < paths.size();) probes[i] = probe_file(paths[i], known);
  };
  const unsigned n = std::clamp(std::thread::hardware_concurrency(), 1u, 8u);
  std::vector<std::thread> threads;
  for (unsigned t = 1; t < n && t < paths.size(); ++t) threads.emplace_back(work);
  work();
  for (auto& t : threads) t.join();
  std::vector<ProbeResult> results;
  results.reserve(paths.size());
  for (FileProbe& p : probes) {
    if (p.known) {
      if (unchanged) ++*unchanged;
    } else if (known && read && p.result.ok() && p.stamp.size > 0) {
      read->push_back(std::move(p.stamp));
    }
    results.push_back(std::move(p.result));
  }
  return results;
}

SourceScan scan_source(const fs::path& source, const KnownFiles& known) {
  SourceScan scan;
  std::error_code ec;
  const auto status = fs::status(source, ec);
  if (ec || !fs::exists(status)) throw UserError(source.string() + ": no such file or folder");
  const std::vector<fs::path> files = list_source(source, scan.problems);

  ScanTally tally(fs::is_directory(status));
  for (auto& r : load_tasks(files, known, &scan.read, &scan.unchanged))
    if (auto task = tally.take(std::move(r), scan)) scan.tasks.push_back(std::move(*task));
  return scan;
}

std::optional<Task> ScanTally::take(ProbeResult r, SourceScan& scan) {
  if (!r.ok()) {
    // In a folder, files that are not images and are not named like one
    // (sidecar captions, notes, videos) are counted, not reported.
    const std::string kind = problem_kind(r.problem);
    if (folder_ && (kind == "not an image" || kind == "empty") &&
        !has_image_extension(fs::path(r.problem.where).filename().string()))
      scan.other_files.push_back(r.problem.where);
    else
      scan.problems.push_back(std::move(r.problem));
    return std::nullopt;
  }
  const auto [earlier, fresh] = seen_.emplace(r.task.hash, r.task.path);
  if (!fresh) {
    scan.duplicates.push_back(r.task.path);
    scan.duplicate_of.push_back(earlier->second);
    return std::nullopt;
  }
  return std::move(r.task);
}

std::string problem_kind(const Problem& problem) {
  const std::string& r = problem.reason;
  auto has = [&](const char* text) { return r.find(text) != std::string::npos; };
  if (problem.line > 0 || has("not valid JSON") || has("needs an \"image\" field")) return "bad line";
  if (has("empty file")) return "empty";
  if (has("symbolic link")) return "bad link";
  if (has("is a directory")) return "directory";
  if (has("sidecar caption")) return "caption without an image";
  if (has("not an image")) return "not an image";
  if (has("no pixels")) return "no pixels";
  if (r.rfind("image is ", 0) == 0 || r.rfind("file is ", 0) == 0 || has("too large")) return "too large";
  if (has("cannot decode")) return "cannot decode";
  if (has("truncated")) return "truncated";
  if (has("no decoder")) return "no decoder";
  if (has("damaged")) return "damaged";
  if (has("file not found")) return "missing";
  if (has("not a regular file")) return "not a regular file";
  if (has("cannot open") || has("read failed") || has("cannot read")) return "unreadable";
  return "other";
}

std::string count_skipped(const SourceScan& scan) {
  std::map<std::string, std::size_t> counts;
  for (const Problem& p : scan.problems) ++counts[problem_kind(p)];
  if (!scan.duplicates.empty()) counts["duplicate"] += scan.duplicates.size();
  std::vector<std::pair<std::string, std::size_t>> sorted(counts.begin(), counts.end());
  std::stable_sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
  std::string out;
  for (const auto& [kind, n] : sorted) out += (out.empty() ? "" : ", ") + std::to_string(n) + " " + kind;
  return out;
}

}  // namespace gloss
