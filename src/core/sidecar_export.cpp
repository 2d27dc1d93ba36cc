#include "core/sidecar_export.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <map>

#include "core/error.h"
#include "core/final_captions.h"
#include "core/sidecar.h"

namespace gloss {
namespace fs = std::filesystem;

namespace {

// The file for one task, or a Problem naming the image when it has none.
struct Placement {
  fs::path file;
  std::string problem;
};

Placement place(const Task& task, const SidecarExportOptions& o) {
  const fs::path image(task.path);
  if (o.next_to_images) {
    std::error_code ec;
    if (!fs::exists(image, ec)) return {{}, "the image is no longer there: its caption was not written beside it"};
    return {sidecar_path(image, o.ext), ""};
  }
  if (task.root.empty())
    return {{}, "gloss does not know which folder this image was added from (it was added by an older gloss): "
                "add that folder again to record it, or export with --next-to-images"};
  const fs::path rel = image.lexically_normal().lexically_relative(fs::path(task.root).lexically_normal());
  if (rel.empty() || *rel.begin() == "..")
    return {{}, "not inside " + task.root + ", the folder it was added from: no place for it under " +
                    o.dir.string() + " (export with --next-to-images to write beside it)"};
  return {o.dir / sidecar_path(rel, o.ext), ""};
}

std::string list_images(const std::vector<const SidecarFile*>& files) {
  std::string out;
  for (const SidecarFile* f : files) out += (out.empty() ? "" : ", ") + f->image;
  return out;
}

void fsync_path(const fs::path& path, int flags) {
  const int fd = ::open(path.c_str(), flags);
  if (fd < 0) return;
  ::fsync(fd);
  ::close(fd);
}

void write_durably(const fs::path& path, const std::string& text) {
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    if (!out) throw UserError(path.string() + ": cannot write");
    out << text;
    out.close();
    if (!out) throw UserError(path.string() + ": write failed (disk full?)");
  }
  fsync_path(path, O_RDONLY);
}

// What a sidecar file holds now, as gloss would read it; nullopt if it has
// no such file or its bytes are not a caption gloss can read.
std::optional<std::string> current_caption(const fs::path& file) {
  try {
    const auto found = read_sidecar(file, file.extension().string());
    if (found) return found->text;
  } catch (const UserError&) {
  }
  return std::nullopt;
}

}  // namespace

// The one caption a task's file gets: the review's, or the annotators'
// accepted caption when they all wrote the same line; nullopt (and a
// problem) when they differ and no review settles it.
std::optional<std::string> task_caption(const FinalCaptions& f, const std::string& image, const DatasetInfo& dataset,
                                        SidecarExportPlan& plan) {
  if (f.review) return caption_as_line(f.review->caption);
  std::vector<std::string> lines;
  for (std::size_t i = 0; i < f.accepted.size(); ++i) {
    const std::string line = caption_as_line(f.accepted[i]);
    if (std::find(lines.begin(), lines.end(), line) == lines.end()) lines.push_back(line);
  }
  if (lines.size() > 1 && f.accepted_answers > 1) {
    plan.problems.push_back({image, std::to_string(f.accepted_answers) + " annotators accepted " +
                                        std::to_string(lines.size()) +
                                        " different captions and no review settles them: not written (gloss "
                                        "review " + dataset.name + " picks or edits the final one)"});
    return std::nullopt;
  }
  return lines.front();
}

SidecarExportPlan plan_sidecar_export(const Store& store, const DatasetInfo& dataset,
                                      const SidecarExportOptions& options) {
  SidecarExportPlan plan;
  std::vector<SidecarFile> placed;
  for_each_final_captions(
      store, dataset,
      [&](const FinalCaptions& f) {
        if (!f.review && f.accepted_answers == 0) {
          ++plan.not_accepted;
          return;
        }
        const Task task = store.task(f.task).value_or(Task{});
        const auto caption = task_caption(f, task.path, dataset, plan);
        if (!caption) return;
        if (caption->empty()) {
          ++plan.empty_captions;
          return;
        }
        const Placement p = place(task, options);
        if (!p.problem.empty()) plan.problems.push_back({task.path, p.problem});
        else if (p.file.lexically_normal() == fs::path(task.path).lexically_normal())
          plan.problems.push_back(
              {task.path, "with --sidecar-ext " + options.ext + " the caption file would be the image itself"});
        else placed.push_back({p.file, *caption, task.path});
      },
      true);
  std::map<std::string, std::vector<const SidecarFile*>> by_file;
  for (const SidecarFile& f : placed) by_file[f.file.lexically_normal().string()].push_back(&f);
  for (const SidecarFile& f : placed) {
    const auto& claims = by_file[f.file.lexically_normal().string()];
    if (claims.front() != &f) continue;
    bool agree = true;
    for (const SidecarFile* other : claims) agree = agree && other->caption == f.caption;
    if (agree) {
      plan.files.push_back(f);
      plan.shared += claims.size() - 1;
    } else {
      plan.problems.push_back({f.file.string(), std::to_string(claims.size()) + " images (" + list_images(claims) +
                                                     ") have this caption file, with different captions: not "
                                                     "written (rename one of the images)"});
    }
  }
  return plan;
}

bool replace_file_keeping_backup(const fs::path& path, const std::string& text, bool* backed_up) {
  if (backed_up) *backed_up = false;
  std::error_code ec;
  const auto status = fs::symlink_status(path, ec);
  const bool exists = fs::exists(status);
  if (exists && fs::is_directory(status)) throw UserError(path.string() + ": is a folder, not a caption file");
  if (exists && current_caption(path) == text) return false;
  if (!path.parent_path().empty()) fs::create_directories(path.parent_path(), ec);
  if (ec) throw UserError(path.parent_path().string() + ": cannot create folder: " + ec.message());
  const std::string tmp_suffix = ".gloss-tmp-" + std::to_string(::getpid());
  if (exists) {
    // The backup is complete before the caption is replaced, and replaced
    // by rename: at every moment one of the two files holds the old text.
    const fs::path bak = path.string() + ".bak", bak_tmp = bak.string() + tmp_suffix;
    fs::copy_file(path, bak_tmp, fs::copy_options::overwrite_existing, ec);
    if (ec) throw UserError(bak.string() + ": cannot keep a backup: " + ec.message() + "; " + path.string() + " left as it was");
    fsync_path(bak_tmp, O_RDONLY);
    fs::rename(bak_tmp, bak, ec);
    if (ec) throw UserError(bak.string() + ": cannot keep a backup: " + ec.message() + "; " + path.string() + " left as it was");
    if (backed_up) *backed_up = true;
  }
  const fs::path tmp = path.string() + tmp_suffix;
  try {
    write_durably(tmp, text);
  } catch (...) {
    fs::remove(tmp, ec);
    throw;
  }
  fs::rename(tmp, path, ec);
  if (ec) {
    fs::remove(tmp, ec);
    throw UserError(path.string() + ": cannot replace: " + ec.message());
  }
  fsync_path(path.parent_path().empty() ? fs::path(".") : path.parent_path(), O_RDONLY | O_DIRECTORY);
  return true;
}

SidecarWriteResult write_sidecar_files(const std::vector<SidecarFile>& files) {
  SidecarWriteResult result;
  for (const SidecarFile& f : files) {
    try {
      bool backed_up = false;
      if (!replace_file_keeping_backup(f.file, f.caption, &backed_up)) { ++result.unchanged; continue; }
      ++result.written;
      if (backed_up) ++result.backed_up;
    } catch (const UserError& e) {
      std::string reason = e.what();
      const std::string prefix = f.file.string() + ": ";
      if (reason.rfind(prefix, 0) == 0) reason = reason.substr(prefix.size());
      result.problems.push_back({f.file.string(), reason});
    } catch (const fs::filesystem_error& e) {
      result.problems.push_back({f.file.string(), e.code().message()});
    }
  }
  return result;
}

}  // namespace gloss
