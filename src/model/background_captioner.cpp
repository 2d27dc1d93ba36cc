#include "model/background_captioner.h"

#include "core/error.h"
#include "core/hash.h"
#include "core/image.h"
#include "model/captioner.h"
#include "model/endpoint_model.h"
#include "model/native_format.h"

namespace gloss {
namespace fs = std::filesystem;

BackgroundCaptioner::BackgroundCaptioner(fs::path file, const CaptionerOptions& options)
    : file_(std::move(file)), options_(options) {
  const std::string bytes = read_file_bytes(file_, 4LL << 30);
  id_ = hash_hex(content_hash(bytes));
  if (!bytes.starts_with("PK")) check_native_model(bytes, file_.string());
}

BackgroundCaptioner::~BackgroundCaptioner() {
  if (loading_.valid()) loading_.wait();
}

void BackgroundCaptioner::start_loading() {
  std::call_once(start_once_, [this] {
    loading_ = std::async(std::launch::async, [file = file_, options = options_] { return load_captioner(file, options); });
    std::lock_guard lock(mutex_);
    started_ = true;
    started_cv_.notify_all();
  });
}

std::string BackgroundCaptioner::describe() const {
  std::lock_guard lock(mutex_);
  if (model_) return model_->describe();
  return file_.filename().string() + " (loading)";
}

std::vector<Caption> BackgroundCaptioner::caption(const std::vector<const Image*>& batch) {
  return model().caption(batch);
}

// Waits for the load without holding mutex_, so describe() never blocks.
Captioner& BackgroundCaptioner::model() {
  {
    std::unique_lock lock(mutex_);
    started_cv_.wait_for(lock, kStartGrace, [this] { return started_; });
  }
  start_loading();
  std::call_once(resolved_, [this] {
    try {
      auto loaded = loading_.get();
      std::lock_guard lock(mutex_);
      model_ = std::move(loaded);
    } catch (const std::exception& e) {
      error_ = e.what();
    }
  });
  if (!model_) throw UserError(error_);
  return *model_;
}

std::unique_ptr<Captioner> load_captioner_in_background(const fs::path& file, const CaptionerOptions& options) {
  // Nothing to wait for: an endpoint model is a few lines of JSON. (A
  // missing file is not one: the constructor below names it.)
  if (is_endpoint_file(file)) return load_captioner(file, options);
  return std::make_unique<BackgroundCaptioner>(file, options);
}

}  // namespace gloss
