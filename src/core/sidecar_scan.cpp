#include "core/sidecar_scan.h"

#include <unordered_set>

#include "core/error.h"
#include "core/sidecar.h"

namespace gloss {
namespace fs = std::filesystem;

namespace {

std::string normal(const fs::path& p) {
  std::error_code ec;
  return fs::absolute(p, ec).lexically_normal().string();
}

}  // namespace

// Sidecar files the scan met as "not an image": those of an image found
// (added, duplicate or unreadable) are dropped from the problems, the
// others are captions without an image and are reported as such.
void drop_sidecar_files(SourceScan& scan, const std::string& ext, std::unordered_set<std::string> claimed) {
  for (const Task& t : scan.tasks) claimed.insert(normal(sidecar_path(t.path, ext)));
  for (const std::string& d : scan.duplicates) claimed.insert(normal(sidecar_path(d, ext)));
  for (const Problem& p : scan.problems)
    if (fs::path(p.where).extension() != ext) claimed.insert(normal(sidecar_path(p.where, ext)));
  std::vector<Problem> kept;
  for (Problem& p : scan.problems) {
    if (fs::path(p.where).extension() == ext) {
      if (claimed.count(normal(p.where))) continue;
      p.reason = "skipped: a sidecar caption with no image beside it";
    }
    kept.push_back(std::move(p));
  }
  // The scan does not report files that are neither images nor named like
  // one; a caption file among them with no image beside it is worth a word.
  for (const std::string& other : scan.other_files)
    if (fs::path(other).extension() == ext && !claimed.count(normal(other)))
      kept.push_back({other, "skipped: a sidecar caption with no image beside it"});
  scan.problems = std::move(kept);
}

SidecarScan read_sidecars(SourceScan& scan, const std::string& ext) {
  drop_sidecar_files(scan, ext, {});
  return read_sidecars_of(scan.tasks, ext);
}

SidecarScan read_sidecars_of(const std::vector<Task>& tasks, const std::string& ext) {
  SidecarScan out;
  for (const Task& t : tasks) {
    try {
      const auto caption = read_sidecar(t.path, ext);
      if (!caption) { ++out.missing; continue; }
      out.files.push_back(normal(sidecar_path(t.path, ext)));
      if (caption->lines > 1) ++out.multi_line;
      if (caption->text.empty()) out.empty.push_back(t.hash);
      else out.captions.emplace_back(t.hash, caption->text);
    } catch (const UserError& e) {
      const std::string where = sidecar_path(t.path, ext).string();
      std::string reason = e.what();
      if (reason.rfind(where + ": ", 0) == 0) reason = reason.substr(where.size() + 2);
      out.problems.push_back({where, reason});
      out.files.push_back(normal(where));
      out.unreadable.push_back(t.hash);
    }
  }
  return out;
}

fs::path source_root(const fs::path& source) {
  std::error_code ec;
  const fs::path abs = fs::absolute(source, ec).lexically_normal();
  if (fs::is_directory(abs, ec)) return abs;
  return abs.parent_path();
}

void set_source_root(std::vector<Task>& tasks, const fs::path& root) {
  for (Task& t : tasks) t.root = root.string();
}

SidecarSaved save_sidecar_suggestions(Store& store, const SidecarScan& sidecars) {
  SidecarSaved saved;
  std::vector<std::pair<std::uint64_t, Suggestion>> changed;
  for (const auto& [task, text] : sidecars.captions) {
    const auto stored = store.suggestion(kSidecarSource, task);
    const bool had = stored && !stored->caption.empty();
    if (had && stored->caption == text) { ++saved.unchanged; continue; }
    ++(had ? saved.replaced : saved.added);
    Suggestion s;
    s.caption = text;
    s.confidence = 1.f;
    s.created_ms = now_ms();
    changed.emplace_back(task, std::move(s));
  }
  // An empty caption is "none": the cache has no delete, and one is only
  // written where a caption was stored before.
  for (const std::uint64_t task : sidecars.empty) {
    const auto stored = store.suggestion(kSidecarSource, task);
    if (!stored || stored->caption.empty()) continue;
    ++saved.cleared;
    changed.emplace_back(task, Suggestion{});
  }
  if (!changed.empty()) store.put_suggestions(kSidecarSource, changed);
  return saved;
}

void SidecarTally::add(const SidecarScan& s, const SidecarSaved& batch) {
  captions += s.captions.size();
  empty += s.empty.size();
  unreadable += s.problems.size();
  missing += s.missing;
  multi_line += s.multi_line;
  saved.added += batch.added;
  saved.replaced += batch.replaced;
  saved.unchanged += batch.unchanged;
  saved.cleared += batch.cleared;
}

std::string format_sidecar_report(const SidecarScan& s, const SidecarSaved& saved, const std::string& ext) {
  SidecarTally tally;
  tally.add(s, saved);
  return format_sidecar_report(tally, ext);
}

std::string format_sidecar_report(const SidecarTally& s, const std::string& ext) {
  const SidecarSaved& saved = s.saved;
  const std::size_t found = s.captions + s.empty + s.unreadable;
  if (found == 0) return "";
  std::string out = "read " + std::to_string(s.captions) + " sidecar caption" + (s.captions == 1 ? "" : "s") +
                    " (" + ext + "): " + std::to_string(saved.added) + " new, " + std::to_string(saved.replaced) +
                    " replaced by the file's newer text, " + std::to_string(saved.unchanged) + " unchanged";
  if (s.empty) {
    out += "; " + std::to_string(s.empty) + " empty (no suggestion";
    out += saved.cleared ? ", " + std::to_string(saved.cleared) + " stored before cleared)" : ")";
  }
  if (s.multi_line) out += "; " + std::to_string(s.multi_line) + " with several lines, joined with spaces";
  if (s.unreadable) out += "; " + std::to_string(s.unreadable) + " unreadable (see above)";
  if (s.missing) out += "; " + std::to_string(s.missing) + " image" + (s.missing == 1 ? "" : "s") + " without one";
  return out + "\n";
}

}  // namespace gloss
