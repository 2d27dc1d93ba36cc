#include "core/sources.h"

#include <sys/stat.h>

#include <algorithm>
#include <atomic>
#include <fstream>
#include <map>
#include <thread>
#include <unordered_map>

#include <nlohmann/json.hpp>

#include "core/error.h"
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

Task load_task(const fs::path& path) {
  // A file that is not an image is told apart by its first bytes, without
  // reading (and hashing) the rest: folders also hold captions, videos, notes.
  if (const std::string head = read_head(path); !head.empty() && sniff_format(head) == ImageFormat::unknown)
    probe_image(head, path.string());  // throws "not an image gloss can read (...)"
  const std::string bytes = read_file_bytes(path);
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

std::vector<ProbeResult> load_tasks(const std::vector<fs::path>& paths, const KnownFiles& known,
                                    std::vector<FileStamp>* read, std::size_t* unchanged) {
  std::vector<ProbeResult> results(paths.size());
  std::vector<FileStamp> stamps(known ? paths.size() : 0);
  std::vector<char> from_index(paths.size(), 0);
  std::atomic<std::size_t> next{0};
  auto work = [&] {
    for (std::size_t i; (i = next++) < paths.size();) {
      try {
        if (known) {
          // Stat before reading: a file changed while being read gets a new stamp next time.
          stamps[i] = stamp_of(paths[i]);
          if (stamps[i].size > 0) {
            if (auto task = known(stamps[i])) {
              task->path = stamps[i].path;
              results[i].task = std::move(*task);
              from_index[i] = 1;
              continue;
            }
          }
        }
        results[i].task = load_task(paths[i]);
      } catch (const UserError& e) {
        // UserError messages start with the path; keep the reason apart.
        std::string msg = e.what();
        const std::string prefix = paths[i].string() + ": ";
        if (msg.rfind(prefix, 0) == 0) msg = msg.substr(prefix.size());
        results[i].problem = {paths[i].string(), msg};
      }
    }
  };
  const unsigned n = std::clamp(std::thread::hardware_concurrency(), 1u, 8u);
  std::vector<std::thread> threads;
  for (unsigned t = 1; t < n && t < paths.size(); ++t) threads.emplace_back(work);
  work();
  for (auto& t : threads) t.join();
  for (std::size_t i = 0; known && i < paths.size(); ++i) {
    if (from_index[i]) {
      if (unchanged) ++*unchanged;
    } else if (results[i].ok() && read && stamps[i].size > 0) {
      stamps[i].hash = results[i].task.hash;
      read->push_back(std::move(stamps[i]));
    }
  }
  return results;
}

namespace {

std::vector<fs::path> list_folder(const fs::path& dir, std::vector<Problem>& problems) {
  std::vector<fs::path> files;
  std::error_code ec;
  // Directory symlinks are not followed, so a symlink loop cannot trap us.
  fs::recursive_directory_iterator it(dir, fs::directory_options::skip_permission_denied, ec), end;
  if (ec) throw UserError(dir.string() + ": cannot read folder: " + ec.message());
  for (; it != end; it.increment(ec)) {
    if (ec) {
      problems.push_back({dir.string(), "cannot read part of the folder: " + ec.message()});
      break;
    }
    const fs::path& p = it->path();
    std::error_code sec;
    if (it->is_symlink(sec)) {
      std::error_code lec;
      (void)fs::status(p, lec);
      if (lec == std::errc::too_many_symbolic_link_levels) {
        problems.push_back({p.string(), "symbolic link loop: cannot follow it"});
        continue;
      }
      if (lec) {
        const fs::path target = fs::read_symlink(p, lec);
        problems.push_back({p.string(), "broken symbolic link (points to " + target.string() + ")"});
        continue;
      }
    }
    if (it->is_directory(sec)) {
      if (has_image_extension(p.filename().string())) problems.push_back({p.string(), "is a directory, not an image"});
      continue;
    }
    // Every file is judged by its content (scan_source); hidden ones are not looked at.
    if (p.filename().string().front() != '.') files.push_back(p);
  }
  std::sort(files.begin(), files.end());
  return files;
}

std::vector<fs::path> list_jsonl(const fs::path& file, std::vector<Problem>& problems) {
  std::ifstream in(file);
  if (!in) throw UserError(file.string() + ": cannot open");
  std::vector<fs::path> files;
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    const std::string where = file.string() + ":" + std::to_string(number);
    const auto j = nlohmann::json::parse(line, nullptr, false);
    if (j.is_discarded()) { problems.push_back({where, "not valid JSON"}); continue; }
    if (!j.is_object() || !j.contains("image") || !j["image"].is_string()) {
      problems.push_back({where, "needs an \"image\" field with a path"});
      continue;
    }
    files.push_back(resolve_image_path(j["image"].get<std::string>(), file.parent_path()));
  }
  return files;
}

}  // namespace

SourceScan scan_source(const fs::path& source, const KnownFiles& known) {
  SourceScan scan;
  std::error_code ec;
  const auto status = fs::status(source, ec);
  if (ec || !fs::exists(status)) throw UserError(source.string() + ": no such file or folder");
  std::vector<fs::path> files;
  if (fs::is_directory(status)) files = list_folder(source, scan.problems);
  else if (source.extension() == ".jsonl") files = list_jsonl(source, scan.problems);
  else throw UserError(source.string() + ": a source is a folder of images or a .jsonl file");

  std::unordered_map<std::uint64_t, std::string> seen;  // hash -> first file with those bytes
  const bool folder = fs::is_directory(status);
  for (auto& r : load_tasks(files, known, &scan.read, &scan.unchanged)) {
    if (!r.ok()) {
      // In a folder, files that are not images and are not named like one
      // (sidecar captions, notes, videos) are counted, not reported.
      const std::string kind = problem_kind(r.problem);
      if (folder && (kind == "not an image" || kind == "empty") &&
          !has_image_extension(fs::path(r.problem.where).filename().string()))
        scan.other_files.push_back(r.problem.where);
      else
        scan.problems.push_back(std::move(r.problem));
      continue;
    }
    const auto [earlier, fresh] = seen.emplace(r.task.hash, r.task.path);
    if (!fresh) {
      scan.duplicates.push_back(r.task.path);
      scan.duplicate_of.push_back(earlier->second);
      continue;
    }
    scan.tasks.push_back(std::move(r.task));
  }
  return scan;
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
