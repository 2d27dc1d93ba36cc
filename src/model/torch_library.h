// Opens libgloss-torch.so on first use (dlopen) and hands out its TorchApi.
// Thread-safe; the library stays loaded until the process ends.
#pragma once

#include <filesystem>
#include <vector>

#include "model/torch_api.h"

namespace gloss {

// Throws UserError naming where it looked and why the library could not be
// used. $GLOSS_TORCH_LIBRARY, if set, is the only place looked at.
const TorchApi& torch_api();

// Whether torch_api() has opened the library.
bool torch_library_loaded();

// Where torch_api() would open the library from; empty if nowhere. With
// `looked`, every place it looked.
std::filesystem::path torch_library_path(std::vector<std::filesystem::path>* looked = nullptr);

}  // namespace gloss
