#include "model/background_captioner.h"

#include <future>
#include <mutex>

#include "core/error.h"
#include "core/hash.h"
#include "core/image.h"
#include "model/captioner.h"
#include "model/endpoint_model.h"

namespace gloss {
namespace fs = std::filesystem;

namespace {

class BackgroundCaptioner : public Captioner {
 public:
  BackgroundCaptioner(fs::path file, const CaptionerOptions& options)
      : file_(std::move(file)), id_(hash_hex(content_hash(read_file_bytes(file_, 4LL << 30)))) {
    loading_ = std::async(std::launch::async, [file = file_, options] { return load_captioner(file, options); });
  }
  ~BackgroundCaptioner() override {
    if (loading_.valid()) loading_.wait();
  }

  const std::string& id() const override { return id_; }

  std::string describe() const override {
    std::lock_guard lock(mutex_);
    if (model_) return model_->describe();
    return file_.filename().string() + " (loading)";
  }

  std::vector<Caption> caption(const std::vector<const Image*>& batch) override { return model().caption(batch); }

 private:
  // Waits for the load without holding mutex_, so describe() never blocks.
  Captioner& model() {
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

  fs::path file_;
  std::string id_;
  mutable std::mutex mutex_;
  std::future<std::unique_ptr<Captioner>> loading_;
  std::once_flag resolved_;
  std::unique_ptr<Captioner> model_;
  std::string error_;
};

}  // namespace

std::unique_ptr<Captioner> load_captioner_in_background(const fs::path& file, const CaptionerOptions& options) {
  // Nothing to wait for: an endpoint model is a few lines of JSON.
  std::error_code ec;
  if (fs::exists(file, ec) && is_endpoint_file(file)) return load_captioner(file, options);
  return std::make_unique<BackgroundCaptioner>(file, options);
}

}  // namespace gloss
