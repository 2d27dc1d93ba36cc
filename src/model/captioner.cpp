// load_captioner (native vs TorchScript detection), the native Captioner,
// default_model_path.
#include "model/captioner.h"

#include <ATen/Parallel.h>

#include <cmath>
#include <cstdlib>
#include <system_error>

#include "core/error.h"
#include "core/hash.h"
#include "model/native_format.h"
#include "model/native_model.h"
#include "model/torch_net.hpp"

namespace gloss {
namespace fs = std::filesystem;

float Caption::confidence() const { return std::exp(mean_log_prob); }

void apply_threads(int threads) {
  if (threads > 0 && at::get_num_threads() != threads) at::set_num_threads(threads);
}

void set_torch_threads(int threads) { apply_threads(threads); }

namespace {

class NativeCaptioner : public Captioner {
 public:
  NativeCaptioner(NativeModel model, std::string id, const CaptionerOptions& options)
      : model_(std::move(model)), id_(std::move(id)), options_(options) {}
  const std::string& id() const override { return id_; }
  std::string describe() const override { return model_.describe(); }
  std::vector<Caption> caption(const std::vector<const Image*>& batch) override {
    apply_threads(options_.threads);
    return model_.caption(batch, options_.beam, options_.max_len);
  }

 private:
  NativeModel model_;
  std::string id_;
  CaptionerOptions options_;
};

}  // namespace

std::unique_ptr<Captioner> load_captioner(const fs::path& file, const CaptionerOptions& options) {
  if (options.beam < 1 || options.beam > 100)
    throw UserError("beam width must be 1-100 (got " + std::to_string(options.beam) + ")");
  if (options.max_len < 1 || options.max_len > 1000)
    throw UserError("max caption length must be 1-1000 (got " + std::to_string(options.max_len) + ")");
  const std::string bytes = read_file_bytes(file, 4LL << 30);
  std::string id = hash_hex(content_hash(bytes));
  if (bytes.size() >= 2 && bytes[0] == 'P' && bytes[1] == 'K')
    return load_torchscript_captioner(file, bytes, std::move(id), options);
  apply_threads(options.threads);
  return std::make_unique<NativeCaptioner>(NativeModel::from_bytes(bytes, file.string()),
                                           std::move(id), options);
}

fs::path default_model_path() {
  if (const char* env = std::getenv("GLOSS_MODEL"); env && *env) return env;
  std::vector<fs::path> candidates;
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec && exe.has_parent_path()) {
    candidates.push_back((exe.parent_path() / ".." / "models" / "default.gloss").lexically_normal());
    candidates.push_back(exe.parent_path() / "models" / "default.gloss");
  }
  candidates.push_back(fs::path("models") / "default.gloss");
  for (const auto& candidate : candidates)
    if (fs::is_regular_file(candidate, ec)) return candidate;
  return candidates.front();
}

}  // namespace gloss
