// Moving datasets in and out: Prodigy-style JSONL and COCO captions JSON.
//
// Answers with error categories also carry them the way Prodigy's
// multiple-choice recipes do: "options": [{"id","text"}] and "accept": [ids].
//
// JSONL records use Prodigy's field names where they exist (image, caption,
// orig_caption, answer, _input_hash, _task_hash, _session_id, _timestamp)
// plus gloss's own (model, edit_distance, categories, ms_spent, started_ms,
// saved_ms, width, height, meta). Fields gloss does not know are kept and
// written back. Images are referenced by path.
//
// Import is all-or-nothing: the whole file is read and checked first, every
// bad line is reported with its number, and nothing is written unless every
// line is good (or the caller chose to skip bad lines). The write itself is
// one transaction, so a failure leaves the store as it was.
#pragma once

#include <filesystem>
#include <ostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/sources.h"
#include "core/image_roots.h"
#include "core/store.h"

namespace gloss {

struct ImportOptions {
  // Answer given to records that have a caption but no "answer" field.
  AnswerKind default_answer = AnswerKind::accept;
  std::string session;  // for records without _session_id
  std::string annotator;  // for records without _annotator_id (empty: default_annotator())
  // COCO file_name entries are resolved against this folder (default: the
  // COCO file's folder).
  std::filesystem::path image_root;
  // Where images embedded as base64 data URIs (Prodigy's image loader) are
  // written, content-addressed (HASH.png...), so the dataset works without
  // the original folder. Usually STORE/images. Empty: embedded images are
  // refused.
  std::filesystem::path embedded_image_dir;
};

// Prodigy's image-caption.diff option ids and gloss's category names.
const std::vector<std::pair<std::string, std::string>>& prodigy_error_options();

struct ImportPlan {
  std::vector<ImportRecord> records;
  std::vector<Problem> problems;
  std::size_t lines = 0;  // records read (JSONL lines or COCO images)
};

// Reads a .jsonl file or a COCO captions .json file (detected by content).
ImportPlan read_import_file(const std::filesystem::path& file, const ImportOptions& options);

// One JSONL line of an import; throws UserError with the reason (no line number).
ImportRecord parse_jsonl_record(const nlohmann::json& j, const std::filesystem::path& base_dir,
                                const ImportOptions& options);

// The JSONL record for a task and its answer. With embed_image the "image"
// field is a base64 data URI of the file's bytes, as Prodigy writes it, read
// where `roots` say the image is on this workstation and checked against the
// task (read_task_image: UserError naming the file otherwise).
nlohmann::json to_jsonl_record(const Task& task, const Answer& answer, bool embed_image = false,
                               const ImageRoots& roots = {});

// The JSONL line of a lead's review (gloss review), read back by db-in.
nlohmann::json to_jsonl_review_record(const Task& task, const Review& review, bool embed_image = false,
                                      const ImageRoots& roots = {});

// Saves the review lines of imported records (after import_records put
// their tasks in); returns how many.
std::uint64_t import_reviews(Store& store, std::string_view dataset, const std::vector<ImportRecord>& records);

enum class ExportFormat { jsonl, coco };
struct ExportResult {
  std::size_t records = 0;
};
// Writes every answer of the dataset in position order. COCO keeps accepted
// answers only (their caption and any extra references).
ExportResult export_dataset(const Store& store, const DatasetInfo& dataset, ExportFormat format,
                            std::ostream& out, bool embed_images = false, const ImageRoots& roots = {});

}  // namespace gloss
