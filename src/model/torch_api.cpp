// libgloss-torch.so's entry point (see torch_api.h).
#include "model/torch_api.h"

extern "C" __attribute__((visibility("default"))) const gloss::TorchApi* gloss_torch_api() {
  static const gloss::TorchApi api{gloss::kTorchApiVersion, &gloss::load_torch_captioner,
                                   &gloss::train_native_captioner, &gloss::calibrate_native_model};
  return &api;
}
