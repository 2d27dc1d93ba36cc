// Image/caption pairs for training and evaluation, from either a captions
// JSONL file (e.g. what `gloss synth` writes: {"image", "caption"} per line,
// or "references": [...]) or a dataset in the store, whose accepted answers
// are the pairs (rejected and ignored answers are left out).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "core/sources.h"
#include "core/store.h"

namespace gloss {

struct CaptionedImage {
  std::filesystem::path image;
  std::vector<std::string> references;  // at least one
  std::uint64_t task = 0;               // from a dataset: the task's content hash (0 from a file)
  // A lead settled the caption (gloss review): references.front() is the
  // one to train on; the others stay references for evaluation.
  bool reviewed = false;
};

struct CaptionData {
  std::vector<CaptionedImage> items;
  std::vector<Problem> problems;  // bad lines, by line number
  std::string description;        // "captions.jsonl (1,000 images)"
};

// True if `data` names an existing file (and so is not a dataset name).
bool is_caption_file(const std::string& data);
CaptionData load_caption_file(const std::filesystem::path& file);
CaptionData load_caption_dataset(const Store& store, const std::string& dataset);

}  // namespace gloss
