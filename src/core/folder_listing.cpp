#include "core/folder_listing.h"

#include <algorithm>
#include <fstream>

#include <nlohmann/json.hpp>

#include "core/error.h"
#include "core/image_format.h"

namespace gloss {
namespace fs = std::filesystem;

namespace {

constexpr std::size_t kChunk = 256;  // files handed on at once

// One folder's entries, sorted by name; unreadable parts become a problem.
// The top folder must be readable; a subfolder gloss may not open is skipped.
std::vector<fs::directory_entry> read_folder(const fs::path& dir, bool top, std::vector<Problem>& problems) {
  std::vector<fs::directory_entry> entries;
  std::error_code ec;
  fs::directory_iterator it(dir, fs::directory_options::skip_permission_denied, ec), end;
  if (ec && top) throw UserError(dir.string() + ": cannot read folder: " + ec.message());
  if (ec) problems.push_back({dir.string(), "cannot read part of the folder: " + ec.message()});
  for (; !ec && it != end; it.increment(ec)) entries.push_back(*it);
  if (ec && !entries.empty()) problems.push_back({dir.string(), "cannot read part of the folder: " + ec.message()});
  std::sort(entries.begin(), entries.end(),
            [](const auto& a, const auto& b) { return a.path().filename() < b.path().filename(); });
  return entries;
}

// A symbolic link that leads nowhere, or round in circles, is a problem.
bool bad_link(const fs::directory_entry& entry, std::vector<Problem>& problems) {
  std::error_code sec;
  if (!entry.is_symlink(sec)) return false;
  std::error_code lec;
  (void)fs::status(entry.path(), lec);
  if (lec == std::errc::too_many_symbolic_link_levels) {
    problems.push_back({entry.path().string(), "symbolic link loop: cannot follow it"});
    return true;
  }
  if (!lec) return false;
  const fs::path target = fs::read_symlink(entry.path(), lec);
  problems.push_back({entry.path().string(), "broken symbolic link (points to " + target.string() + ")"});
  return true;
}

class TreeWalk {
 public:
  explicit TreeWalk(const ListedFiles& emit) : emit_(emit) {}

  bool walk(const fs::path& dir, bool top) {
    for (const fs::directory_entry& entry : read_folder(dir, top, problems_)) {
      if (bad_link(entry, problems_)) continue;
      std::error_code sec;
      if (entry.is_directory(sec)) {
        const fs::path& p = entry.path();
        if (has_image_extension(p.filename().string())) problems_.push_back({p.string(), "is a directory, not an image"});
        else if (!entry.is_symlink(sec) && !(flush() && walk(p, false))) return false;
        continue;
      }
      // Every file is judged by its content (probe_file); hidden ones are not looked at.
      if (entry.path().filename().string().front() != '.') files_.push_back(entry.path());
      if (files_.size() >= kChunk && !flush()) return false;
    }
    return flush();
  }

 private:
  bool flush() {
    if (files_.empty() && problems_.empty()) return true;
    return emit_(std::exchange(files_, {}), std::exchange(problems_, {}));
  }

  const ListedFiles& emit_;
  std::vector<fs::path> files_;
  std::vector<Problem> problems_;
};

bool list_jsonl(const fs::path& file, const ListedFiles& emit) {
  std::ifstream in(file);
  if (!in) throw UserError(file.string() + ": cannot open");
  std::vector<fs::path> files;
  std::vector<Problem> problems;
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    const std::string where = file.string() + ":" + std::to_string(number);
    const auto j = nlohmann::json::parse(line, nullptr, false);
    if (j.is_discarded()) {
      problems.push_back({where, "not valid JSON"});
    } else if (!j.is_object() || !j.contains("image") || !j["image"].is_string()) {
      problems.push_back({where, "needs an \"image\" field with a path"});
    } else {
      files.push_back(resolve_image_path(j["image"].get<std::string>(), file.parent_path()));
      if (files.size() >= kChunk && !emit(std::exchange(files, {}), std::exchange(problems, {}))) return false;
    }
  }
  return (files.empty() && problems.empty()) || emit(std::move(files), std::move(problems));
}

}  // namespace

bool is_jsonl_source(const fs::path& source) { return source.extension() == ".jsonl"; }

void check_source(const fs::path& source) {
  std::error_code ec;
  const auto status = fs::status(source, ec);
  if (ec || !fs::exists(status)) throw UserError(source.string() + ": no such file or folder");
  if (fs::is_directory(status)) {
    fs::directory_iterator it(source, ec);
    if (ec) throw UserError(source.string() + ": cannot read folder: " + ec.message());
  } else if (!is_jsonl_source(source)) {
    throw UserError(source.string() + ": a source is a folder of images or a .jsonl file");
  } else if (!std::ifstream(source)) {
    throw UserError(source.string() + ": cannot open");
  }
}

bool list_source(const fs::path& source, const ListedFiles& emit) {
  check_source(source);
  if (fs::is_directory(source)) return TreeWalk(emit).walk(source, true);
  return list_jsonl(source, emit);
}

std::vector<fs::path> list_source(const fs::path& source, std::vector<Problem>& problems) {
  std::vector<fs::path> all;
  list_source(source, [&](std::vector<fs::path> files, std::vector<Problem> found) {
    all.insert(all.end(), std::make_move_iterator(files.begin()), std::make_move_iterator(files.end()));
    problems.insert(problems.end(), std::make_move_iterator(found.begin()), std::make_move_iterator(found.end()));
    return true;
  });
  return all;
}

}  // namespace gloss
