// The torch side of load_captioner (native vs TorchScript detection) and
// the native Captioner. Lives in libgloss-torch.so.
#include "model/torch_api.h"

#include <ATen/Parallel.h>

#include <cmath>
#include <system_error>

#include "core/error.h"
#include "core/hash.h"
#include "model/native_format.h"
#include "model/native_model.h"
#include "model/torch_net.hpp"

namespace gloss {
namespace fs = std::filesystem;

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

std::unique_ptr<Captioner> load_torch_captioner(const fs::path& file, const CaptionerOptions& options) {
  const std::string bytes = read_file_bytes(file, 4LL << 30);
  std::string id = hash_hex(content_hash(bytes));
  if (bytes.size() >= 2 && bytes[0] == 'P' && bytes[1] == 'K')
    return load_torchscript_captioner(file, bytes, std::move(id), options);
  apply_threads(options.threads);
  return std::make_unique<NativeCaptioner>(NativeModel::from_bytes(bytes, file.string()),
                                           std::move(id), options);
}

}  // namespace gloss
