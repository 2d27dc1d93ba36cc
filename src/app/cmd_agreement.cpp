// gloss agreement DATASET [--json] [--top N]: how far annotators agree on the
// tasks several of them answered (core/agreement.h).
#include <cstdio>
#include <iostream>

#include "app/commands.h"
#include "core/agreement.h"

namespace gloss {
namespace {

int run_agreement(const AppContext& ctx, const std::string& dataset, bool as_json, std::size_t top) {
  auto store = ctx.open_store();
  const DatasetInfo info = store->require_dataset(dataset);
  AgreementReport report = agreement_report(info.name, gather_overlapping_tasks(*store, info), top);
  fill_paths(*store, report);
  if (as_json) std::cout << agreement_json(report).dump(2) << "\n";
  else std::cout << format_agreement(report);
  return 0;
}

}  // namespace

void register_agreement_command(CLI::App& app, AppContext& ctx) {
  struct Args {
    std::string dataset;
    bool json = false;
    std::size_t top = 10;
  };
  auto a = std::make_shared<Args>();
  auto* cmd = app.add_subcommand(
      "agreement", "How far annotators agree on tasks with two or more answers: caption WER, BLEU-4 and CIDEr-D, "
                   "Krippendorff's alpha of answers and error categories, the tasks that disagree most");
  cmd->add_option("DATASET", a->dataset, "Dataset name")->required();
  cmd->add_flag("--json", a->json, "Write one JSON object instead of the table (undefined figures are null, with a _why)");
  cmd->add_option("--top", a->top, "How many of the most disagreeing tasks to list (default 10)")
      ->check(CLI::Range(0, 100000));
  cmd->callback([&ctx, a] { ctx.action = [&ctx, a] { return run_agreement(ctx, a->dataset, a->json, a->top); }; });
}

}  // namespace gloss
