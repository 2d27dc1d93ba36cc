// Loading a captioner from a file. No torch here: the native and TorchScript
// models live in libgloss-torch.so, which the first call opens (see
// model/torch_library.h), so commands that never load a model never load
// libtorch.
#pragma once

#include <filesystem>
#include <memory>

#include "core/captioner.h"

namespace gloss {

// Loads a native gloss model, a TorchScript module or an endpoint model (a
// JSON file, model/endpoint_model.h), detected from the file's content.
// Throws UserError naming the file and the problem (missing, truncated,
// another kind or version, contract not met, or the model library missing).
std::unique_ptr<Captioner> load_captioner(const std::filesystem::path& file,
                                          const CaptionerOptions& options = {});

// Where the bundled default model lives: $GLOSS_MODEL if set; else next to
// the binary (build tree: <build>/../models, installed: <prefix>/share/gloss/
// models); else ./models.
std::filesystem::path default_model_path();

}  // namespace gloss
