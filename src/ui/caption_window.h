// Entry point of the window of `gloss caption`, `gloss errors` and `gloss
// compare` (the mode: caption_mode.h, errors_mode.h, compare_mode.h): runs
// until the annotator quits (Ctrl+Q, closing the window, SIGINT/SIGTERM or the
// replay's "quit") and prints the mode's summary to standard output.
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
#include "ui/mode.h"

namespace gloss::ui {

struct CaptionWindowOptions {
  std::string dataset;
  std::string session_name;
  std::string annotator;  // empty: default_annotator()
  // What the window is for: caption_mode(), errors_mode() or compare_mode().
  ModeChoice mode;
  // The models the worker captions each image with (compare: A, then B);
  // none: manual captioning.
  std::vector<Captioner*> models;
  // Called once the window is up (e.g. to start loading the model then).
  std::function<void()> on_window_ready;
  std::string model_label;
  std::uint64_t ahead = 32;
  ImageRoots image_roots;  // where the tasks' images are on this workstation
  std::filesystem::path replay;      // empty: interactive
  std::filesystem::path screenshot;  // written when quitting
  std::filesystem::path keymap;
  // Pre-fill an image's sidecar caption (stored by gloss add) where there
  // is one, before the model's suggestion (gloss caption).
  bool sidecar_suggestions = false;
  std::string startup_notice;  // shown over the first image (e.g. why there is no model)
  // The folder still being indexed (gloss caption): the dataset grows while
  // the window is open, and the status bar and gallery say how far it is.
  const BackgroundScan* scan = nullptr;
  int width = 1280;
  int height = 800;
};

int run_caption_window(Store& store, const CaptionWindowOptions& options);

}  // namespace gloss::ui
