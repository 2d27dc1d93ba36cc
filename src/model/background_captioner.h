// A captioner whose model loads on its own thread, so a window opens (and
// shows cached suggestions) without waiting for libtorch and the weights.
#pragma once

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <future>
#include <memory>
#include <mutex>
#include <string>

#include "core/captioner.h"

namespace gloss {

// id() is known at once (the file's content hash, as load_captioner's), so
// suggestions cached by earlier sessions are served before the model is in
// memory. The load starts at start_loading(), which the window calls once it
// is up: the dynamic loader has one lock, and libtorch's second or more of
// dlopen would hold up GLFW's and Mesa's own dlopens. A caption() before
// that waits for it at most kStartGrace, then starts the load itself.
// caption() waits for the load; if it failed, every call throws the load's
// UserError (naming the file and the problem). describe() names the file
// until the model is loaded. The constructor throws UserError if the file
// cannot be read or is not a model file gloss knows (a native file's
// container is checked here, a TorchScript archive only when it loads).
class BackgroundCaptioner : public Captioner {
 public:
  static constexpr std::chrono::seconds kStartGrace{5};

  BackgroundCaptioner(std::filesystem::path file, const CaptionerOptions& options);
  ~BackgroundCaptioner() override;

  void start_loading();
  const std::string& id() const override { return id_; }
  std::string describe() const override;
  std::vector<Caption> caption(const std::vector<const Image*>& batch) override;

 private:
  Captioner& model();

  std::filesystem::path file_;
  CaptionerOptions options_;
  std::string id_;
  mutable std::mutex mutex_;
  std::condition_variable started_cv_;
  bool started_ = false;
  std::once_flag start_once_, resolved_;
  std::future<std::unique_ptr<Captioner>> loading_;
  std::unique_ptr<Captioner> model_;
  std::string error_;
};

// A BackgroundCaptioner for a native or TorchScript file; an endpoint model
// (a few lines of JSON naming a server) is loaded at once.
std::unique_ptr<Captioner> load_captioner_in_background(const std::filesystem::path& file,
                                                        const CaptionerOptions& options = {});

}  // namespace gloss
