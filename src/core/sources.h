// Where tasks come from: a folder of images (recursive, sorted) or a JSONL
// file with one {"image": path} per line. Every file's format is judged by
// its content (image_format.h), never its name; every image is read once to
// hash its bytes and check its header; files that are not usable images are
// reported by name with the reason, and the rest go on.
#pragma once

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/records.h"

namespace gloss {

// One thing that went wrong with an input: "where" names the file (and line).
struct Problem {
  std::string where;
  std::string reason;
  int line = 0;  // 1-based line of a JSONL input, 0 if not a line
  std::string message() const { return where + ": " + reason; }
};

struct SourceScan {
  std::vector<Task> tasks;        // in source order; duplicates by content removed
  std::vector<FileStamp> read;    // files read and hashed now (to remember in the store)
  std::size_t unchanged = 0;      // files the store knew, unchanged: not read again
  std::vector<std::string> other_files;  // files in a folder neither images nor named like one: not reported
  std::vector<Problem> problems;
  std::vector<std::string> duplicates;  // files whose bytes an earlier file had
  std::vector<std::string> duplicate_of;  // for each of duplicates: the earlier file
};

// A short name for why a file was skipped, for the counts at the end of a
// report: "empty", "not an image", "too large", "directory", "bad link",
// "unreadable", "truncated", "damaged", "bad line"... ("other" if unknown).
std::string problem_kind(const Problem& problem);
// "2 not an image, 1 empty, 1 duplicate": the problems and duplicates counted
// by kind, most frequent first; "" when there are none.
std::string count_skipped(const SourceScan& scan);

// Resolves an image reference from a JSONL/COCO file: absolute paths as they
// are; relative ones against the file's folder first, then the working folder.
std::filesystem::path resolve_image_path(const std::string& reference,
                                         const std::filesystem::path& base_dir);

// Reads and probes one image file into a Task. Throws UserError naming the
// file. `bytes_read`, if given, gets how many bytes were read.
Task load_task(const std::filesystem::path& path, std::uint64_t* bytes_read = nullptr);

// Probes many files on all cores; results in input order. Each entry is
// either a task (problem.reason empty) or a problem.
struct ProbeResult {
  Task task;
  Problem problem;
  bool ok() const { return problem.reason.empty(); }
};
// A file's stamp (absolute path, size, modification time in ns, inode; hash
// 0). Size and times are 0 if it cannot be stat'ed.
FileStamp stamp_of(const std::filesystem::path& path);

// The task for a file read before and unchanged since, if there is one.
using KnownFiles = std::function<std::optional<Task>(const FileStamp&)>;

// One file of a scan: its task or why not, its stamp (with the hash once
// read), whether the store knew it (then it was not read), bytes read.
struct FileProbe {
  ProbeResult result;
  FileStamp stamp;
  bool known = false;
  std::uint64_t bytes_read = 0;
};
FileProbe probe_file(const std::filesystem::path& path, const KnownFiles& known);

std::vector<ProbeResult> load_tasks(const std::vector<std::filesystem::path>& paths);
// With `known`, a file it recognises is not read; the others are, and
// their stamps (with the hash) are returned in `read`.
std::vector<ProbeResult> load_tasks(const std::vector<std::filesystem::path>& paths, const KnownFiles& known,
                                    std::vector<FileStamp>* read, std::size_t* unchanged);

// Sorts probe results, taken in source order, into tasks, duplicates
// (bytes an earlier file had), problems and, in a folder, other files (not
// images and not named like one: counted, not reported).
class ScanTally {
 public:
  explicit ScanTally(bool folder) : folder_(folder) {}
  // The task to add, or nullopt when the file went into `into` instead.
  std::optional<Task> take(ProbeResult result, SourceScan& into);

 private:
  bool folder_;
  std::unordered_map<std::uint64_t, std::string> seen_;  // hash -> first file with those bytes
};

// A folder (recursive) or a .jsonl file. Throws UserError if SOURCE itself
// cannot be read. `known` (e.g. the store's record of files read before)
// spares reading unchanged files.
SourceScan scan_source(const std::filesystem::path& source, const KnownFiles& known = {});

}  // namespace gloss
