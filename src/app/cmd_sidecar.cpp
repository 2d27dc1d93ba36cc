// The sidecar-caption halves of add/caption, db-in and db-out (see
// core/sidecar*.h): flags are parsed in cmd_data.cpp and cmd_caption.cpp.
#include <cstdio>
#include <iostream>

#include "app/commands.h"
#include "core/error.h"
#include "core/sidecar_export.h"
#include "core/sidecar_import.h"

namespace gloss {
namespace fs = std::filesystem;

void store_sidecars(Store& store, const SidecarScan& sidecars, const std::string& ext) {
  std::vector<Problem> problems = sidecars.problems;
  for (Problem& p : problems) p.reason += " (the image is added without it)";
  print_problems(problems);
  const SidecarSaved saved = save_sidecar_suggestions(store, sidecars);
  std::printf("%s", format_sidecar_report(sidecars, saved, ext).c_str());
}

int run_db_in_sidecar(const AppContext& ctx, const std::string& dataset, const fs::path& folder,
                      const std::string& ext, const ImportOptions& given, bool skip_bad) {
  // The store first: on a team database it says whose answers these are.
  auto store = ctx.open_store();
  ImportOptions options = given;
  options.annotator = ctx.annotator_name(*store);
  const SidecarImport in = read_sidecar_folder(folder, ext, options);
  print_problems(in.skipped);
  for (std::size_t i = 0; i < in.duplicates.size() && i < 20; ++i)
    std::cerr << "gloss: " << in.duplicates[i] << ": same bytes as an earlier image, skipped (duplicate)\n";
  if (!in.plan.problems.empty()) {
    print_problems(in.plan.problems);
    if (!skip_bad) {
      std::fprintf(stderr,
                   "gloss: %zu of %zu sidecar captions in %s cannot be read; nothing was imported "
                   "(fix them, or pass --skip-bad to import the other images)\n",
                   in.plan.problems.size(), in.plan.lines, folder.c_str());
      return 1;
    }
  }
  const ImportResult r = store->import_records(dataset, in.plan.records);
  std::printf("imported %zu images from %s into '%s': %llu tasks added, %llu captions saved as answers",
              in.plan.records.size(), folder.c_str(), dataset.c_str(),
              static_cast<unsigned long long>(r.tasks.added), static_cast<unsigned long long>(r.answers_saved));
  if (r.answers_kept)
    std::printf(", %llu answers kept as they were (task already answered in '%s')",
                static_cast<unsigned long long>(r.answers_kept), dataset.c_str());
  if (in.without_caption) std::printf(", %zu without a caption (%s) added as tasks to caption", in.without_caption, ext.c_str());
  if (in.multi_line) std::printf(", %zu multi-line captions joined with spaces", in.multi_line);
  if (!in.plan.problems.empty()) std::printf(", %zu images with an unreadable caption skipped", in.plan.problems.size());
  if (!in.skipped.empty() || !in.duplicates.empty())
    std::printf(", %zu files skipped (see above)", in.skipped.size() + in.duplicates.size());
  std::printf("\n");
  return 0;
}

int run_db_out_sidecar(const AppContext& ctx, const std::string& dataset, const SidecarExportOptions& options) {
  auto store = ctx.open_store();
  const DatasetInfo info = store->require_dataset(dataset);
  const SidecarExportPlan plan = plan_sidecar_export(*store, info, options);
  const SidecarWriteResult r = write_sidecar_files(plan.files);
  print_problems(plan.problems);
  print_problems(r.problems);
  const std::string where = options.next_to_images ? "beside the images" : "under " + options.dir.string();
  std::printf("wrote %zu %s caption files of '%s' %s", r.written, options.ext.c_str(), dataset.c_str(), where.c_str());
  if (r.backed_up) std::printf(" (%zu replaced a different caption, kept as %s.bak)", r.backed_up, options.ext.c_str());
  if (r.unchanged) std::printf(", %zu already held their caption", r.unchanged);
  if (plan.shared) std::printf(", %zu images share a caption file with the same caption", plan.shared);
  if (plan.not_accepted) std::printf(", %zu images without an accepted answer: left alone", plan.not_accepted);
  if (plan.empty_captions) std::printf(", %zu accepted with an empty caption: no file", plan.empty_captions);
  std::printf("\n");
  const std::size_t failed = plan.problems.size() + r.problems.size();
  if (failed) std::fprintf(stderr, "gloss: %zu caption files not written (see above)\n", failed);
  return failed ? 1 : 0;
}

}  // namespace gloss
