// Entry point of the window of `gloss caption`, `gloss errors` and `gloss compare`: runs until the annotator quits
// (Ctrl+Q, closing the window, SIGINT/SIGTERM or the replay's "quit") and
// prints the session summary to standard output.
#pragma once

#include <cstdint>
#include <functional>
#include <filesystem>
#include <string>
#include <vector>

#include "core/background_scan.h"
#include "core/image_roots.h"
#include "core/store.h"
#include "core/captioner.h"

namespace gloss::ui {

struct CaptionWindowOptions {
  std::string dataset;
  std::string session_name;
  std::string annotator;  // empty: default_annotator()
  Captioner* captioner = nullptr;  // null: manual captioning
  // Called once the window is up (e.g. to start loading the model then).
  std::function<void()> on_window_ready;
  std::string model_label;
  std::uint64_t ahead = 32;
  ImageRoots image_roots;  // where the tasks' images are on this workstation
  std::filesystem::path replay;      // empty: interactive
  std::filesystem::path screenshot;  // written when quitting
  std::filesystem::path keymap;
  // gloss errors: analyse the corrections of this dataset (its tasks already
  // added to `dataset`) with these categories; empty for captioning.
  std::string errors_from;
  std::vector<std::string> labels;
  // gloss compare: `captioner` is model A, this is model B; the two captions
  // are judged blind (sides from compare_seed).
  Captioner* compare_b = nullptr;
  std::uint64_t compare_seed = 0;
  bool show_identical = false;
  // Pre-fill an image's sidecar caption (stored by gloss add) where there
  // is one, before the model's suggestion. Captioning only.
  bool sidecar_suggestions = false;
  std::string startup_notice;  // shown over the first image (e.g. why there is no model)
  // Shown once when most of the first images are unlike the model's
  // training images (gloss caption words it for the bundled model).
  std::string unlike_training_notice;
  // The folder still being indexed (gloss caption): the dataset grows while
  // the window is open, and the status bar and gallery say how far it is.
  const BackgroundScan* scan = nullptr;
  int width = 1280;
  int height = 800;
};

int run_caption_window(Store& store, const CaptionWindowOptions& options);

}  // namespace gloss::ui
