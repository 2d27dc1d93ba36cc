// A captioner whose model loads on its own thread, so a window opens (and
// shows cached suggestions) without waiting for libtorch and the weights.
#pragma once

#include <filesystem>
#include <memory>

#include "core/captioner.h"

namespace gloss {

// id() is known at once (the file's content hash, as load_captioner's), so
// suggestions cached by earlier sessions are served before the model is in
// memory. caption() waits for the load; if it failed, every call throws the
// load's UserError (naming the file and the problem). describe() names the
// file until the model is loaded. Throws UserError at once if the file
// cannot be read or is not a model file gloss knows (a native file's
// container is checked here, a TorchScript archive only when it loads).
std::unique_ptr<Captioner> load_captioner_in_background(const std::filesystem::path& file,
                                                        const CaptionerOptions& options = {});

}  // namespace gloss
