#include "core/sidecar_import.h"

#include <unordered_map>
#include <unordered_set>

#include "core/diff.h"
#include "core/error.h"
#include "core/sidecar_scan.h"

namespace gloss {
namespace fs = std::filesystem;

namespace {

Answer sidecar_answer(std::uint64_t task, const std::string& caption, const ImportOptions& options) {
  Answer a;
  a.task = task;
  a.session = options.session;
  a.caption = caption;
  a.answer = options.default_answer;
  a.saved_ms = now_ms();
  a.edit_distance = word_edit_distance(a.orig_caption, a.caption);
  return a;
}

}  // namespace

SidecarImport read_sidecar_folder(const fs::path& folder, const std::string& ext, const ImportOptions& options) {
  std::error_code ec;
  if (!fs::is_directory(folder, ec))
    throw UserError(folder.string() + ": --format sidecar reads a folder of images with their caption files");
  SourceScan scan = scan_source(folder);
  set_source_root(scan.tasks, source_root(folder));
  const SidecarScan sidecars = read_sidecars(scan, ext);
  SidecarImport out;
  out.skipped = std::move(scan.problems);
  out.duplicates = std::move(scan.duplicates);
  out.multi_line = sidecars.multi_line;
  out.plan.lines = scan.tasks.size();
  out.plan.problems = sidecars.problems;
  const std::unordered_map<std::uint64_t, std::string> captions(sidecars.captions.begin(), sidecars.captions.end());
  const std::unordered_set<std::uint64_t> bad(sidecars.unreadable.begin(), sidecars.unreadable.end());
  for (const Task& t : scan.tasks) {
    if (bad.count(t.hash)) continue;
    ImportRecord record{t, std::nullopt};
    const auto found = captions.find(t.hash);
    if (found != captions.end()) record.answer = sidecar_answer(t.hash, found->second, options);
    else ++out.without_caption;
    out.plan.records.push_back(std::move(record));
  }
  return out;
}

}  // namespace gloss
