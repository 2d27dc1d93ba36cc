// `gloss db-in DATASET FOLDER --format sidecar`: a curated folder, each image
// with its sidecar caption as an answer (accepted unless --answer says
// otherwise). Images without a sidecar, or with an empty one, come in as
// tasks without an answer.
//
// As in `gloss add`, files that are not readable images are skipped without
// stopping the import: reported when named like an image, left alone when not
// (a training folder holds .npz caches, READMEs...). A sidecar that cannot be read (not UTF-8...) is a bad record:
// like a bad JSONL line, it stops the import unless --skip-bad.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "core/interchange.h"

namespace gloss {

struct SidecarImport {
  ImportPlan plan;                 // problems: unreadable sidecars (block the import)
  std::vector<Problem> skipped;    // files that are not readable images
  std::vector<std::string> duplicates;  // images whose bytes an earlier one had
  std::size_t without_caption = 0;
  std::size_t multi_line = 0;
};

SidecarImport read_sidecar_folder(const std::filesystem::path& folder, const std::string& ext,
                                  const ImportOptions& options);

}  // namespace gloss
