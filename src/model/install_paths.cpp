#include "model/install_paths.h"

#include <system_error>

// Set by CMake from GNUInstallDirs (see CMakeLists.txt).
#ifndef GLOSS_INSTALL_DATADIR
#error "GLOSS_INSTALL_DATADIR must be defined"
#endif

namespace gloss {
namespace fs = std::filesystem;

fs::path binary_dir() {
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  return ec ? fs::path() : exe.parent_path();
}

std::vector<fs::path> data_candidates(const fs::path& relative) {
  std::vector<fs::path> out;
  if (const fs::path bin = binary_dir(); !bin.empty()) {
    out.push_back((bin / ".." / relative).lexically_normal());  // build/ inside the source tree
    out.push_back(bin / relative);
    out.push_back((bin / GLOSS_RELATIVE_DATADIR / relative).lexically_normal());
  }
  out.push_back(fs::path(GLOSS_INSTALL_DATADIR) / relative);
  out.push_back(fs::path(GLOSS_SOURCE_DIR) / relative);  // an out-of-tree build
  return out;
}

std::vector<fs::path> library_candidates(const fs::path& name) {
  std::vector<fs::path> out;
  if (const fs::path bin = binary_dir(); !bin.empty()) {
    out.push_back(bin / name);
    out.push_back((bin / GLOSS_RELATIVE_LIBDIR / name).lexically_normal());
  }
  out.push_back(fs::path(GLOSS_INSTALL_LIBDIR) / name);
  return out;
}

fs::path first_existing(const std::vector<fs::path>& candidates) {
  std::error_code ec;
  for (const fs::path& candidate : candidates)
    if (fs::is_regular_file(candidate, ec)) return candidate;
  return {};
}

}  // namespace gloss
