// The torch-free half of calibration: where the images come from. The
// encoder passes and the fit run in libgloss-torch.so (ood_fit.cpp).
#include "model/calibrate.h"

#include <memory>

#include "core/error.h"
#include "core/hash.h"
#include "core/synth.h"
#include "model/native_format.h"
#include "model/torch_library.h"

namespace gloss {
namespace fs = std::filesystem;

CalibrateReport calibrate_model(const CalibrateOptions& o) {
  if (!o.image) throw UserError("calibrate: no images given");
  if (o.fit_count < 2) throw UserError("calibrate: at least 2 images are needed to fit on");
  if (o.held_out_count < kMinOodHeldOut)
    throw UserError("calibrate: " + std::to_string(o.held_out_count) + " held-out images; at least " +
                    std::to_string(kMinOodHeldOut) + " are needed for a threshold");
  if (!(o.percentile > 0 && o.percentile < 100)) throw UserError("calibrate: the percentile must be in (0, 100)");
  return torch_api().calibrate_model(o);
}

void use_synthetic_scenes(CalibrateOptions& o, std::size_t fit, std::size_t held_out, std::uint64_t seed) {
  const NativeModelFile file = read_native_model_file(o.model);
  int size = 0;
  try {
    size = file.meta.at("preprocess").at("image_size").get<int>();
  } catch (const nlohmann::json::exception& e) {
    throw UserError(o.model.string() + ": damaged gloss model (metadata: " + e.what() + ")");
  }
  o.fit_count = fit;
  o.held_out_count = held_out;
  o.source = "synthetic scenes (gloss synth defaults, " + std::to_string(size) + " px), seeds " +
             std::to_string(seed) + " (fit) and " + std::to_string(seed + 1) + " (held out)";
  o.image = [seed, size](bool held, std::size_t i) -> std::optional<Image> {
    const SynthSample s = synth_sample(held ? seed + 1 : seed, i);
    return render_scene(s.scene, size, s.noise_seed);
  };
}

void use_image_files(CalibrateOptions& o, const std::vector<fs::path>& files, double held_out_fraction,
                     std::uint64_t seed) {
  if (!(held_out_fraction > 0 && held_out_fraction < 1))
    throw UserError("calibrate: the held-out fraction must be between 0 and 1");
  auto fit = std::make_shared<std::vector<fs::path>>();
  auto held = std::make_shared<std::vector<fs::path>>();
  const auto cut = static_cast<std::uint64_t>(held_out_fraction * 1e6);
  for (const fs::path& f : files) {
    const std::string key = f.string();
    (content_hash(key, std::to_string(seed)) % 1000000 < cut ? held : fit)->push_back(f);
  }
  o.fit_count = fit->size();
  o.held_out_count = held->size();
  o.source = std::to_string(files.size()) + " image files (" + std::to_string(held->size()) + " held out)";
  o.image = [fit, held](bool is_held, std::size_t i) -> std::optional<Image> {
    try {
      return decode_image_file((is_held ? *held : *fit).at(i), kModelInputSide);
    } catch (const UserError&) {
      return std::nullopt;
    }
  };
}

}  // namespace gloss
