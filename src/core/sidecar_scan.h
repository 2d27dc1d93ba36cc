// The sidecar captions of a scanned folder: read for every image found, kept
// in the store as the image's "sidecar" suggestion (what the caption window
// pre-fills), or turned into accepted answers for `db-in --format sidecar`.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_set>
#include <utility>
#include <vector>

#include "core/sources.h"
#include "core/store.h"

namespace gloss {

struct SidecarScan {
  std::vector<std::pair<std::uint64_t, std::string>> captions;  // task hash -> caption, not empty
  std::vector<std::uint64_t> empty;   // tasks whose sidecar is empty or blank
  std::vector<Problem> problems;      // sidecars that could not be read (not UTF-8...)
  std::vector<std::uint64_t> unreadable;  // the tasks of those problems
  std::size_t missing = 0;            // images without a sidecar
  std::size_t multi_line = 0;         // sidecars whose lines were joined
  std::vector<std::string> files;     // the sidecar files found (absolute)
};

// Reads the sidecar of every task in `scan`, and takes the sidecar files
// off the scan's problems: they are not images, but not strays either. A
// sidecar with no image beside it stays a problem, saying so.
SidecarScan read_sidecars(SourceScan& scan, const std::string& ext);

// The streamed scan's halves of that: the sidecars of a batch of tasks, and
// at the end the sidecar files taken off the scan's problems, `claimed`
// holding the sidecar files the tasks had (SidecarScan::files).
SidecarScan read_sidecars_of(const std::vector<Task>& tasks, const std::string& ext);
void drop_sidecar_files(SourceScan& scan, const std::string& ext, std::unordered_set<std::string> claimed);

// The folder a source's images are relative to: the folder itself, or a
// JSONL file's folder. Absolute.
std::filesystem::path source_root(const std::filesystem::path& source);
void set_source_root(std::vector<Task>& tasks, const std::filesystem::path& root);

struct SidecarSaved {
  std::size_t added = 0;      // images that had no sidecar caption stored
  std::size_t replaced = 0;   // a different caption was stored: the file's text wins
  std::size_t unchanged = 0;
  std::size_t cleared = 0;    // the sidecar is empty now: the stored caption is dropped
};

// Stores the captions as the images' "sidecar" suggestions, in one commit.
// An image whose sidecar went missing keeps what was stored (the same bytes
// may have a sidecar in another folder); an empty sidecar clears it.
SidecarSaved save_sidecar_suggestions(Store& store, const SidecarScan& sidecars);

// What the sidecars of a scan came to, batch by batch.
struct SidecarTally {
  std::size_t captions = 0, empty = 0, unreadable = 0, missing = 0, multi_line = 0;
  SidecarSaved saved;
  void add(const SidecarScan& sidecars, const SidecarSaved& saved);
};

// "read 12 sidecar captions (.txt): 10 new, 2 replaced; 3 images without one"
std::string format_sidecar_report(const SidecarScan& sidecars, const SidecarSaved& saved, const std::string& ext);
std::string format_sidecar_report(const SidecarTally& tally, const std::string& ext);

}  // namespace gloss
