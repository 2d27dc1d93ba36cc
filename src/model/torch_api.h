// The boundary between the gloss binary and libgloss-torch.so, the shared
// library holding every piece of gloss that includes torch (native and
// TorchScript captioners, training). The binary opens it with dlopen only
// when a command needs a model (torch_library.cpp), so `gloss stats` and
// friends never load libtorch. Both sides are built from the same tree by the
// same compiler; kTorchApiVersion guards against a stale library.
#pragma once

#include <filesystem>
#include <memory>
#include <vector>

#include "model/calibrate.h"
#include "model/captioner.h"
#include "model/trainer.h"

namespace gloss {

inline constexpr int kTorchApiVersion = 2;

struct TorchApi {
  int version = 0;
  std::unique_ptr<Captioner> (*load_captioner)(const std::filesystem::path& file,
                                               const CaptionerOptions& options) = nullptr;
  TrainReport (*train_captioner)(const std::vector<TrainingPair>& pairs, const TrainOptions& options) = nullptr;
  // Since version 2.
  CalibrateReport (*calibrate_model)(const CalibrateOptions& options) = nullptr;
};

// ---- implemented inside libgloss-torch.so (and linked directly into the
// model tests): the torch side of load_captioner, train_captioner and
// calibrate_model.
std::unique_ptr<Captioner> load_torch_captioner(const std::filesystem::path& file,
                                                const CaptionerOptions& options);
TrainReport train_native_captioner(const std::vector<TrainingPair>& pairs, const TrainOptions& options);
CalibrateReport calibrate_native_model(const CalibrateOptions& options);

}  // namespace gloss

// The library's one exported symbol.
extern "C" const gloss::TorchApi* gloss_torch_api();
