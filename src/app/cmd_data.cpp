// Data subcommands: add, db-in, db-out, datasets, stats, drop.
#include <cstdio>
#include <fstream>
#include <iostream>

#include "app/commands.h"
#include "core/duration.h"
#include "core/error.h"
#include "core/outbox_store.h"
#include "core/interchange.h"
#include "core/dataset_report.h"
#include "core/compare.h"
#include "core/sidecar.h"
#include "core/stats.h"

namespace gloss {
namespace fs = std::filesystem;

std::string AppContext::store_location() const { return db.empty() ? default_store_location() : db; }

std::unique_ptr<Store> AppContext::open_store() const { return gloss::open_store(store_location()); }

std::unique_ptr<Store> AppContext::open_window_store() const {
  auto store = open_store();
  if (!is_database_uri(store_location())) return store;
  const fs::path outbox = default_outbox_dir(store->location());
  return std::make_unique<OutboxStore>(std::move(store), outbox);
}

fs::path AppContext::local_image_dir() const {
  const std::string location = store_location();
  return is_database_uri(location) ? fs::path("gloss-images") : fs::path(location) / "images";
}

std::string AppContext::annotator_name(const Store& store) const {
  const auto required = store.required_annotator();
  if (!required) return annotator.empty() ? default_annotator() : annotator;
  if (!annotator.empty() && annotator != *required)
    throw UserError("you are connected to " + store.location() + " as role '" + *required +
                    "', and answers are saved under the role's name: --annotator " + annotator +
                    " is not allowed. Leave --annotator out, or connect as " + annotator + " (user=" + annotator +
                    " in the URI)");
  return *required;
}

void add_annotator_option(CLI::App* command, AppContext& ctx) {
  command->add_option("--annotator", ctx.annotator,
                      "Who answers: answers are kept per annotator (default: $GLOSS_ANNOTATOR, else the login name; on a team's PostgreSQL database, the role you log in as)");
}

ImageRoots AppContext::image_roots() const {
  ImageRoots roots;
  roots.add_from_environment();
  roots.add(image_root_pairs, "--image-root");
  return roots;
}

void add_image_root_option(CLI::App* command, AppContext& ctx) {
  command->add_option("--image-root", ctx.image_root_pairs,
                      "OLD=NEW: read images stored under the folder OLD (added on another workstation) from NEW on "
                      "this one; repeatable (also $GLOSS_IMAGE_ROOT, pairs separated by ';')");
}

void print_problems(const std::vector<Problem>& problems, std::size_t limit) {
  for (std::size_t i = 0; i < problems.size() && i < limit; ++i)
    std::cerr << "gloss: " << problems[i].message() << "\n";
  if (problems.size() > limit)
    std::cerr << "gloss: ... and " << problems.size() - limit << " more problems like these\n";
}

SourceScan scan_with_store(const fs::path& source, Store& store) {
  const KnownFiles known = [&store](const FileStamp& file) -> std::optional<Task> {
    const auto hash = store.known_file(file);
    return hash ? store.task(*hash) : std::nullopt;
  };
  SourceScan scan = scan_source(source, known);
  set_source_root(scan.tasks, source_root(source));
  store.remember_files(scan.read);
  if (scan.unchanged)
    std::printf("%zu file%s unchanged since gloss last read %s: not read again\n", scan.unchanged,
                scan.unchanged == 1 ? "" : "s", scan.unchanged == 1 ? "it" : "them");
  return scan;
}

namespace {

// What add's routing options asked for; empty / 0: unchanged.
struct RoutingArgs {
  int overlap = 0;              // 0: unchanged (1 for a new dataset)
  std::string lease;            // empty: unchanged (30m for a new dataset)
  std::string more_if_wer;      // a WER, or "off"; empty: unchanged (off for a new dataset)
  int max_overlap = 0;          // 0: unchanged (overlap + 1 when adaptive overlap is turned on)
  bool given() const { return overlap || !lease.empty() || !more_if_wer.empty() || max_overlap; }
};

std::optional<double> parse_wer_threshold(const std::string& text) {
  if (text == "off") return std::nullopt;
  std::size_t used = 0;
  double value = -1;
  try {
    value = std::stod(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used != text.size() || !(value >= 0))
    throw UserError("--more-if-wer-above " + text + ": give a word error rate such as 0.5 (0 or more), or off");
  return value;
}

// Adaptive overlap from the flags over what the dataset had.
void apply_adaptive(const RoutingArgs& args, Routing& routing) {
  if (!args.more_if_wer.empty()) {
    const bool was_on = routing.more_if_wer_above.has_value();
    routing.more_if_wer_above = parse_wer_threshold(args.more_if_wer);
    if (!routing.more_if_wer_above) routing.max_overlap = 0;
    else if (!was_on || routing.max_overlap <= routing.overlap) routing.max_overlap = routing.overlap + 1;
  }
  if (args.max_overlap) {
    if (!routing.more_if_wer_above)
      throw UserError("--max-overlap caps adaptive overlap: give --more-if-wer-above WER with it");
    routing.max_overlap = args.max_overlap;
  }
}

// --overlap / --lease / --more-if-wer-above / --max-overlap of add: only what was given changes.
void set_routing(const AppContext& ctx, const std::string& dataset, const RoutingArgs& args) {
  if (!args.given()) return;
  auto store = ctx.open_store();
  // Checked before anything is written: a refused option leaves no new dataset behind.
  const DatasetInfo before = store->dataset(dataset).value_or(DatasetInfo{});
  Routing routing{before.overlap, before.lease_ms, before.more_if_wer_above, before.max_overlap};
  if (args.overlap > 0) routing.overlap = args.overlap;
  if (!args.lease.empty()) routing.lease_ms = parse_duration_ms(args.lease);
  apply_adaptive(args, routing);
  check_routing(routing);
  const DatasetInfo d = store->set_routing(dataset, routing);
  std::printf("'%s': each task goes to %d annotator%s; a handed-out task stays reserved for %s\n", dataset.c_str(),
              d.overlap, d.overlap == 1 ? "" : "s", format_duration_ms(d.lease_ms).c_str());
  if (d.more_if_wer_above)
    std::printf("'%s': a task whose captions disagree (mean pairwise WER above %g) goes to one more annotator, "
                "up to %d\n",
                dataset.c_str(), *d.more_if_wer_above, d.max_overlap);
  else if (before.more_if_wer_above)
    std::printf("'%s': adaptive overlap is off (tasks it gave another annotator still want their answer)\n",
                dataset.c_str());
}

// Streamed and resumable: a killed add leaves every batch it committed, and
// the next run reads only what it had not (docs/scanning.md).
int run_add(const AppContext& ctx, const std::string& dataset, const fs::path& source, const std::string& ext) {
  auto store = ctx.open_store();
  ScanOptions options;
  options.sidecar_ext = ext;
  FolderScan scan(*store, dataset, source, options);
  const ScanReport report = run_scan_with_progress(scan);
  print_scan_report(report, dataset, ext);
  const auto info = store->require_dataset(dataset);
  std::printf("'%s' now has %llu tasks\n", dataset.c_str(), static_cast<unsigned long long>(info.size));
  return 0;
}

int run_db_in(const AppContext& ctx, const std::string& dataset, const fs::path& file,
              const ImportOptions& given, bool skip_bad) {
  // The store first: on a team database it says whose answers these are.
  auto store = ctx.open_store();
  ImportOptions options = given;
  options.annotator = ctx.annotator_name(*store);
  ImportPlan plan = read_import_file(file, options);
  const fs::path root = source_root(options.image_root.empty() ? file : options.image_root);
  for (ImportRecord& r : plan.records) r.task.root = root.string();
  if (!plan.problems.empty()) {
    print_problems(plan.problems);
    if (!skip_bad) {
      std::fprintf(stderr,
                   "gloss: %zu of %zu records in %s have problems; nothing was imported "
                   "(fix them, or pass --skip-bad to import the %zu good ones)\n",
                   plan.problems.size(), plan.lines, file.c_str(), plan.records.size());
      return 1;
    }
  }
  const ImportResult r = store->import_records(dataset, plan.records);
  const std::uint64_t reviews = import_reviews(*store, dataset, plan.records);
  std::printf("imported %zu records into '%s': %llu tasks added, %llu answers saved",
              plan.records.size(), dataset.c_str(), static_cast<unsigned long long>(r.tasks.added),
              static_cast<unsigned long long>(r.answers_saved));
  if (reviews) std::printf(", %llu reviews saved", static_cast<unsigned long long>(reviews));
  if (r.answers_kept)
    std::printf(", %llu answers kept as they were (task already answered in '%s')",
                static_cast<unsigned long long>(r.answers_kept), dataset.c_str());
  if (!plan.problems.empty()) std::printf(", %zu bad records skipped", plan.problems.size());
  std::printf("\n");
  return 0;
}

int run_db_out(const AppContext& ctx, const std::string& dataset, const std::string& format,
               const std::string& output, bool embed_images) {
  auto store = ctx.open_store();
  const DatasetInfo info = store->require_dataset(dataset);
  const ExportFormat f = format == "coco" ? ExportFormat::coco : ExportFormat::jsonl;
  if (output.empty() || output == "-") {
    export_dataset(*store, info, f, std::cout, embed_images, ctx.image_roots());
    return 0;
  }
  // Write beside the target and rename, so a failed export never leaves half a file.
  const fs::path target(output), tmp = target.string() + ".tmp";
  std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
  if (!out) throw UserError(tmp.string() + ": cannot write");
  const ExportResult r = export_dataset(*store, info, f, out, embed_images, ctx.image_roots());
  out.close();
  if (!out) throw UserError(tmp.string() + ": write failed (disk full?)");
  fs::rename(tmp, target);
  std::fprintf(stderr, "wrote %zu records of '%s' to %s\n", r.records, dataset.c_str(), output.c_str());
  return 0;
}

int run_datasets(const AppContext& ctx) {
  auto store = ctx.open_store();
  const auto list = store->datasets();
  if (list.empty()) std::printf("no datasets in %s yet (gloss add DATASET SOURCE)\n", store->location().c_str());
  for (const auto& d : list) {
    std::printf("%-24s %8llu tasks %8llu answered", d.name.c_str(), static_cast<unsigned long long>(d.size),
                static_cast<unsigned long long>(d.answered));
    if (d.overlap > 1)
      std::printf("  (%d annotators per task, %llu answers)", d.overlap, static_cast<unsigned long long>(d.answers));
    std::printf("\n");
  }
  return 0;
}

int run_stats(const AppContext& ctx, const std::string& dataset) {
  auto store = ctx.open_store();
  std::vector<DatasetInfo> list;
  if (dataset.empty()) list = store->datasets();
  else list.push_back(store->require_dataset(dataset));
  if (list.empty()) std::printf("no datasets in %s yet\n", store->location().c_str());
  for (const auto& d : list) {
    std::printf("%s", format_dataset_report(dataset_report(*store, d)).c_str());
  }
  return 0;
}

int run_drop(const AppContext& ctx, const std::string& dataset, bool yes) {
  auto store = ctx.open_store();
  const DatasetInfo info = store->require_dataset(dataset);
  if (!yes) {
    std::fprintf(stderr, "Drop dataset '%s' with %llu answers? Type the name to confirm: ", dataset.c_str(),
                 static_cast<unsigned long long>(info.answered));
    std::string typed;
    if (!std::getline(std::cin, typed) || typed != dataset) {
      std::fprintf(stderr, "gloss: not dropped (pass --yes in scripts)\n");
      return 1;
    }
  }
  store->drop_dataset(dataset);
  std::printf("dropped '%s' (%llu tasks, %llu answers); the images stay in the store for other datasets\n",
              dataset.c_str(), static_cast<unsigned long long>(info.size),
              static_cast<unsigned long long>(info.answered));
  return 0;
}

}  // namespace

void register_data_commands(CLI::App& app, AppContext& ctx) {
  struct Args {
    std::string dataset, source, format = "jsonl", output, answer = "accept", session, images, embed = "path";
    std::string sidecar_ext = ".txt";
    RoutingArgs routing;
    bool skip_bad = false, yes = false, next_to_images = false;
  };
  auto a = std::make_shared<Args>();

  auto* add = app.add_subcommand("add", "Add a folder of images (recursive) or a JSONL of {\"image\": path} to a dataset; run again after an interruption, it goes on where it stopped");
  add->add_option("DATASET", a->dataset, "Dataset name (created if new)")->required();
  add->add_option("SOURCE", a->source, "Folder of images or .jsonl file")->required();
  add->add_option("--sidecar-ext", a->sidecar_ext,
                  "Caption file beside each image, pre-filled as its suggestion (default .txt: photo.png + photo.txt)");
  add->add_option("--overlap", a->routing.overlap, "How many different annotators answer each task (default 1)")
      ->check(CLI::Range(1, 1000));
  add->add_option("--lease", a->routing.lease,
                  "How long a task handed to an annotator stays reserved for them: 30m (default), 90s, 2h");
  add->add_option("--more-if-wer-above", a->routing.more_if_wer,
                  "Adaptive overlap: a task whose answers' captions disagree by more than this mean pairwise word "
                  "error rate (e.g. 0.5) goes to one more annotator, up to --max-overlap; off turns it off "
                  "(default: off)");
  add->add_option("--max-overlap", a->routing.max_overlap,
                  "With --more-if-wer-above: the most annotators a task goes to (default: --overlap + 1)")
      ->check(CLI::Range(2, 1000));
  add->callback([&ctx, a] {
    ctx.action = [&ctx, a] {
      set_routing(ctx, a->dataset, a->routing);
      return run_add(ctx, a->dataset, a->source, sidecar_extension(a->sidecar_ext));
    };
  });

  auto* in = app.add_subcommand("db-in", "Import a JSONL (Prodigy-style) or COCO captions JSON file, or a folder of images with sidecar captions, into a dataset; all or nothing");
  in->add_option("DATASET", a->dataset, "Dataset name (created if new)")->required();
  in->add_option("FILE", a->source, "A .jsonl file, a COCO captions .json, or (--format sidecar) a folder")->required();
  in->add_option("--format", a->format, "jsonl or coco (told apart by content), or sidecar: each image's photo.txt as its accepted caption")
      ->check(CLI::IsMember({"jsonl", "coco", "sidecar"}));
  in->add_option("--sidecar-ext", a->sidecar_ext, "With --format sidecar: the caption files' extension (default .txt)");
  in->add_option("--answer", a->answer, "Answer for records with a caption but no \"answer\"")
      ->check(CLI::IsMember({"accept", "reject", "ignore"}));
  in->add_option("--session", a->session, "Session name for records without _session_id");
  add_annotator_option(in, ctx);
  in->add_option("--images", a->images, "Folder that COCO file_name entries are relative to");
  // Embedded (base64) images are written to STORE/images/HASH.EXT.
  in->add_flag("--skip-bad", a->skip_bad, "Import the good records even if some lines are bad");
  in->callback([&ctx, a] {
    ctx.action = [&ctx, a] {
      ImportOptions o;
      o.default_answer = *parse_answer_kind(a->answer);
      o.session = a->session.empty() ? "db-in" : a->session;
      o.image_root = a->images;
      o.embedded_image_dir = ctx.local_image_dir();
      if (a->format == "sidecar")
        return run_db_in_sidecar(ctx, a->dataset, a->source, sidecar_extension(a->sidecar_ext), o, a->skip_bad);
      return run_db_in(ctx, a->dataset, a->source, o, a->skip_bad);
    };
  });

  auto* out = app.add_subcommand("db-out", "Export a dataset's answers as JSONL (default), COCO captions JSON or sidecar caption files");
  out->add_option("DATASET", a->dataset, "Dataset name")->required();
  out->add_option("--format", a->format, "jsonl, coco, or sidecar: one photo.txt per accepted answer")
      ->check(CLI::IsMember({"jsonl", "coco", "sidecar"}));
  out->add_option("-o,--output", a->output, "Output file (default: standard output); with --format sidecar, the folder "
                                            "to write DIR/<image path relative to the folder it was added from>.txt in");
  out->add_flag("--next-to-images", a->next_to_images, "With --format sidecar: write each caption file beside its image "
                                                       "(atomically; a replaced file is kept as NAME.txt.bak)");
  out->add_option("--sidecar-ext", a->sidecar_ext, "With --format sidecar: the caption files' extension (default .txt)");
  out->add_option("--images", a->embed, "path: images by file path; base64: embedded as data URIs, as Prodigy does")
      ->check(CLI::IsMember({"path", "base64"}));
  add_image_root_option(out, ctx);  // --images base64 reads them
  out->callback([&ctx, a] {
    ctx.action = [&ctx, a] {
      if (a->format == "sidecar") {
        if (a->next_to_images == !a->output.empty())
          throw UserError("--format sidecar writes to a folder: give -o DIR, or --next-to-images (not both)");
        return run_db_out_sidecar(ctx, a->dataset, {a->output, a->next_to_images, sidecar_extension(a->sidecar_ext)});
      }
      if (a->next_to_images) throw UserError("--next-to-images is for --format sidecar");
      return run_db_out(ctx, a->dataset, a->format, a->output, a->embed == "base64");
    };
  });

  auto* list = app.add_subcommand("datasets", "List datasets with their task and answer counts");
  list->callback([&ctx] { ctx.action = [&ctx] { return run_datasets(ctx); }; });

  auto* stats = app.add_subcommand("stats", "Counts of tasks and answers, changed %, mean edit distance, error categories, A/B win rates");
  stats->add_option("DATASET", a->dataset, "Dataset name (default: every dataset)");
  stats->callback([&ctx, a] { ctx.action = [&ctx, a] { return run_stats(ctx, a->dataset); }; });

  auto* drop = app.add_subcommand("drop", "Delete a dataset and its answers");
  drop->add_option("DATASET", a->dataset, "Dataset name")->required();
  drop->add_flag("-y,--yes", a->yes, "Do not ask for confirmation");
  drop->callback([&ctx, a] { ctx.action = [&ctx, a] { return run_drop(ctx, a->dataset, a->yes); }; });
}

}  // namespace gloss
