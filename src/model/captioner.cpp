// The model layer's entry points, without torch: checks the options, then
// builds an endpoint model here or hands the file to libgloss-torch.so
// (opened on first use).
#include "model/captioner.h"

#include <cstdlib>

#include "core/error.h"
#include "model/endpoint_model.h"
#include "model/install_paths.h"
#include "model/torch_library.h"
#include "model/trainer.h"

namespace gloss {
namespace fs = std::filesystem;

std::unique_ptr<Captioner> load_captioner(const fs::path& file, const CaptionerOptions& options) {
  if (options.beam < 1 || options.beam > 100)
    throw UserError("beam width must be 1-100 (got " + std::to_string(options.beam) + ")");
  if (options.max_len < 1 || options.max_len > 1000)
    throw UserError("max caption length must be 1-1000 (got " + std::to_string(options.max_len) + ")");
  std::error_code ec;
  if (!fs::exists(file, ec)) throw UserError(file.string() + ": model file not found");
  if (is_endpoint_file(file)) return make_endpoint_captioner(read_endpoint_config(file));
  return torch_api().load_captioner(file, options);
}

TrainReport train_captioner(const std::vector<TrainingPair>& pairs, const TrainOptions& options) {
  return torch_api().train_captioner(pairs, options);
}

fs::path default_model_path() {
  if (const char* env = std::getenv("GLOSS_MODEL"); env && *env) return env;
  const auto candidates = data_candidates(fs::path("models") / "default.gloss");
  const fs::path found = first_existing(candidates);
  return found.empty() ? fs::path("models") / "default.gloss" : found;
}

}  // namespace gloss
