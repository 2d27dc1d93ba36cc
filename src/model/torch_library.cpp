#include "model/torch_library.h"

#include <dlfcn.h>

#include <atomic>
#include <cstdlib>
#include <mutex>

#include "core/error.h"
#include "model/install_paths.h"

namespace gloss {
namespace fs = std::filesystem;

namespace {

constexpr const char* kLibraryName = "libgloss-torch.so";
std::atomic<bool> loaded{false};

std::vector<fs::path> where_to_look() {
  if (const char* env = std::getenv("GLOSS_TORCH_LIBRARY"); env && *env) return {fs::path(env)};
  return library_candidates(kLibraryName);
}

std::string joined(const std::vector<fs::path>& paths) {
  std::string out;
  for (const fs::path& p : paths) out += (out.empty() ? "" : ", ") + p.string();
  return out;
}

const TorchApi& open_library() {
  std::vector<fs::path> candidates;
  const fs::path path = torch_library_path(&candidates);
  if (path.empty())
    throw UserError(std::string("the model code (") + kLibraryName + ") is not installed: looked in " +
                    joined(candidates) + "; reinstall gloss, or set $GLOSS_TORCH_LIBRARY to the file");
  // RTLD_LOCAL: the library's copies of gloss's own code stay its own.
  void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!handle)
    throw UserError(path.string() + ": cannot load the model code: " + dlerror() +
                    " (is libtorch installed? apt-get install libtorch1.13)");
  using Entry = const TorchApi* (*)();
  auto entry = reinterpret_cast<Entry>(dlsym(handle, "gloss_torch_api"));
  const TorchApi* api = entry ? entry() : nullptr;
  if (!api) throw UserError(path.string() + ": not gloss's model library (no gloss_torch_api)");
  if (api->version != kTorchApiVersion)
    throw UserError(path.string() + ": model library of another gloss version (interface " +
                    std::to_string(api->version) + ", this gloss needs " + std::to_string(kTorchApiVersion) +
                    "); reinstall gloss");
  loaded = true;
  return *api;
}

}  // namespace

const TorchApi& torch_api() {
  // A failed open is retried on the next call (it throws out of call_once).
  static std::once_flag once;
  static const TorchApi* api = nullptr;
  std::call_once(once, [] { api = &open_library(); });
  return *api;
}

bool torch_library_loaded() { return loaded; }

fs::path torch_library_path(std::vector<fs::path>* looked) {
  const std::vector<fs::path> candidates = where_to_look();
  if (looked) *looked = candidates;
  return first_existing(candidates);
}

}  // namespace gloss
