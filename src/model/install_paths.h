// Where gloss finds what it ships beside the binary: the bundled model and
// libgloss-torch.so. A build tree, an installed gloss (cmake --install, the
// .deb) and a relocated copy of an install all find their files relative to
// the running binary first; the configured install prefix comes next.
#pragma once

#include <filesystem>
#include <vector>

namespace gloss {

// The running binary's folder (/proc/self/exe), or empty if unknown.
std::filesystem::path binary_dir();

// Candidate locations of `relative` (e.g. "models/default.gloss") among
// gloss's data folders, most specific first: beside the binary (build tree),
// <binary>/../share/gloss (relocated install), the install prefix's
// share/gloss, the source tree this binary was built from.
std::vector<std::filesystem::path> data_candidates(const std::filesystem::path& relative);

// The same for libraries: beside the binary, <binary>/../lib/.../gloss, the
// install prefix's lib/.../gloss.
std::vector<std::filesystem::path> library_candidates(const std::filesystem::path& name);

// The first candidate that is a regular file, or nullopt-like empty path.
std::filesystem::path first_existing(const std::vector<std::filesystem::path>& candidates);

}  // namespace gloss
