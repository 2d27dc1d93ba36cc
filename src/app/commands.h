// The gloss command's pieces: each cmd_*.cpp registers its subcommands on
// the CLI11 app and sets `action` when one of them is chosen. Subcommands
// stay short: they parse flags and call core/ and model/.
#pragma once

#include <CLI/CLI.hpp>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/caption_data.h"
#include "core/folder_scan.h"
#include "core/image_roots.h"
#include "core/interchange.h"
#include "core/sidecar_export.h"
#include "core/sidecar_scan.h"
#include "core/sources.h"
#include "core/store.h"

namespace gloss {

struct AppContext {
  std::string db;                 // --db, or $GLOSS_DB, or ./gloss-data
  std::string annotator;          // --annotator of the command that answers
  std::vector<std::string> image_root_pairs;  // --image-root OLD=NEW of a command that reads images
  std::function<int()> action;    // set by the chosen subcommand
  // An LMDB folder or a PostgreSQL connection URI.
  std::string store_location() const;
  std::unique_ptr<Store> open_store() const;
  // For the windows: a database store behind a local outbox (answers are
  // kept on this machine while the server is away); an LMDB folder as is.
  std::unique_ptr<Store> open_window_store() const;
  // Where images that arrive inside a file (base64 in JSONL) are written: the
  // LMDB folder's images/, or ./gloss-images beside a database store.
  std::filesystem::path local_image_dir() const;
  // --annotator, else $GLOSS_ANNOTATOR or the login name; on a store that
  // decides who the user is (an annotator's PostgreSQL role) that name, and
  // a UserError when --annotator asks for another.
  std::string annotator_name(const Store& store) const;
  // $GLOSS_IMAGE_ROOT's pairs and --image-root's (core/image_roots.h).
  ImageRoots image_roots() const;
};

// Adds --annotator NAME to a command that saves answers.
void add_annotator_option(CLI::App* command, AppContext& ctx);
// Adds --image-root OLD=NEW (repeatable) to a command that reads the images of stored tasks.
void add_image_root_option(CLI::App* command, AppContext& ctx);

void register_data_commands(CLI::App& app, AppContext& ctx);
void register_agreement_command(CLI::App& app, AppContext& ctx);  // cmd_agreement.cpp, after stats
void register_model_commands(CLI::App& app, AppContext& ctx);
void register_calibrate_command(CLI::App& app, AppContext& ctx);  // cmd_calibrate.cpp, after train
void register_predict_command(CLI::App& app, AppContext& ctx);    // cmd_predict.cpp, after eval
void register_caption_command(CLI::App& app, AppContext& ctx);
void register_errors_command(CLI::App& app, AppContext& ctx);
void register_compare_command(CLI::App& app, AppContext& ctx);
void register_review_command(CLI::App& app, AppContext& ctx);
void register_version_command(CLI::App& app, AppContext& ctx);
// A headless build (-DGLOSS_BUILD_UI=OFF) has no window: `caption`, `errors`
// and `compare` say so instead of being unknown commands.
void register_headless_placeholders(CLI::App& app, AppContext& ctx);

// Scans SOURCE without re-reading files the store read before and that are
// unchanged since, then remembers the ones read now. Says how many were
// spared when there were any.
SourceScan scan_with_store(const std::filesystem::path& source, Store& store);

// The streamed scan of add and caption (cmd_scan.cpp): runs SCAN on a
// thread with a progress bar on stderr; prints what it found, as add does.
ScanReport run_scan_with_progress(FolderScan& scan);
void print_scan_report(const ScanReport& report, const std::string& dataset, const std::string& sidecar_ext);

// Sidecar captions (cmd_sidecar.cpp). store_sidecars reports the sidecars
// of a scan read with read_sidecars and keeps them as suggestions.
void store_sidecars(Store& store, const SidecarScan& sidecars, const std::string& ext);
int run_db_in_sidecar(const AppContext& ctx, const std::string& dataset, const std::filesystem::path& folder,
                      const std::string& ext, const ImportOptions& options, bool skip_bad);
int run_db_out_sidecar(const AppContext& ctx, const std::string& dataset, const SidecarExportOptions& options);

// Captions JSONL or a dataset's accepted answers, as train and eval read
// them; problems printed, UserError when nothing is usable.
CaptionData load_caption_data(const AppContext& ctx, const std::string& data);

// Threads for torch: every core.
int default_threads();
// The model file (the bundled one when empty) with these decoding settings.
std::unique_ptr<class Captioner> open_model(const std::string& model, int beam, int threads);

// Prodigy-style session names: DATASET-2026-11-24_23-59-01 (local time).
std::string default_session_name(const std::string& dataset);

// Prints problems to stderr ("gloss: FILE: REASON"), at most `limit` of them
// followed by a count of the rest.
void print_problems(const std::vector<Problem>& problems, std::size_t limit = 50);

}  // namespace gloss
