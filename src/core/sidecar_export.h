// Writing accepted captions as sidecar files: DIR/<image path relative to the
// folder it was added from>.txt, or beside the images themselves. One file
// per image: a review's final caption where a lead settled the task, else the
// accepted caption (several annotators' differing captions without a review
// are a problem naming the image: gloss review settles them). Tasks without
// an accepted answer are left alone.
//
// Every file is written atomically (a temporary file renamed over it), and a
// file that held a different caption is kept as NAME.txt.bak first (one
// generation: an older .bak is replaced). A file that already holds the
// caption is not touched. Captions are written as one line, UTF-8, without
// a BOM or a final newline (as taggui writes them).
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "core/sources.h"
#include "core/store.h"

namespace gloss {

struct SidecarExportOptions {
  std::filesystem::path dir;     // DIR/<relative path>; unused with next_to_images
  bool next_to_images = false;
  std::string ext = ".txt";      // as sidecar_extension returns it
};

struct SidecarFile {
  std::filesystem::path file;
  std::string caption;
  std::string image;  // the task's image path
};

struct SidecarExportPlan {
  std::vector<SidecarFile> files;
  std::vector<Problem> problems;     // tasks whose caption has no place (each names the image)
  std::size_t not_accepted = 0;      // tasks answered, none accepted, no review: left alone
  std::size_t empty_captions = 0;    // accepted with an empty caption: no file
  std::size_t shared = 0;            // images sharing a file with the same caption (a.png, a.jpg)
};

// Where each accepted caption goes. Two images wanting one file with
// different captions (a.png and a.jpg -> a.txt) is a problem naming both,
// and neither is written.
SidecarExportPlan plan_sidecar_export(const Store& store, const DatasetInfo& dataset,
                                      const SidecarExportOptions& options);

struct SidecarWriteResult {
  std::size_t written = 0;
  std::size_t unchanged = 0;  // already held the caption
  std::size_t backed_up = 0;  // replaced a different caption, kept as .bak
  std::vector<Problem> problems;
};

SidecarWriteResult write_sidecar_files(const std::vector<SidecarFile>& files);

// Writes `text` to `path` atomically; a different existing file is kept as
// path + ".bak" first. Returns false when the file already held `text`.
// Throws UserError naming the file.
bool replace_file_keeping_backup(const std::filesystem::path& path, const std::string& text, bool* backed_up);

}  // namespace gloss
