// The files of a source, in the order they become tasks. A folder is walked
// depth first with each folder's entries sorted by name: that is the order of
// sorting every path (std::filesystem::path compares name by name), and the
// first files are known long before a huge tree has been read. A .jsonl
// lists its {"image": path} lines in file order.
#pragma once

#include <filesystem>
#include <functional>
#include <vector>

#include "core/sources.h"

namespace gloss {

// Called with the next files in order (a few hundred at most) and what went
// wrong on the way (broken links, folders named like images, bad lines).
// Return false to stop the listing.
using ListedFiles = std::function<bool(std::vector<std::filesystem::path> files, std::vector<Problem> problems)>;

// Throws UserError if SOURCE is neither a readable folder nor a .jsonl file.
// Directory symlinks are not followed (a loop cannot trap the walk); hidden
// files are not listed. False if `emit` stopped it.
bool list_source(const std::filesystem::path& source, const ListedFiles& emit);
// Everything at once.
std::vector<std::filesystem::path> list_source(const std::filesystem::path& source, std::vector<Problem>& problems);

// Throws the UserError list_source would for a SOURCE it cannot list at all.
void check_source(const std::filesystem::path& source);
bool is_jsonl_source(const std::filesystem::path& source);

}  // namespace gloss
