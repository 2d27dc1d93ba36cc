// gloss errors OUT --from DATASET: the error analysis pass over a dataset's
// corrections, in the caption window's errors view.
#include <algorithm>
#include <cstdio>
#include <ctime>
#include <sstream>

#include "app/commands.h"
#include "core/error.h"
#include "core/error_pass.h"
#include "model/captioner.h"
#include "ui/caption_window.h"
#include "ui/errors_mode.h"

namespace gloss {
namespace {

struct ErrorsArgs {
  std::string dataset, from, labels, session;
  std::string replay, screenshot, keymap;
  bool all = false;
};

std::vector<std::string> parse_labels(const std::string& text) {
  if (text.empty()) return default_error_labels();
  std::vector<std::string> out;
  std::stringstream list(text);
  for (std::string part; std::getline(list, part, ',');) {
    const auto b = part.find_first_not_of(" \t"), e = part.find_last_not_of(" \t");
    if (b == std::string::npos) continue;
    const std::string label = part.substr(b, e - b + 1);
    if (std::find(out.begin(), out.end(), label) == out.end()) out.push_back(label);
  }
  if (out.empty()) throw UserError("--label: no category names in '" + text + "'");
  return out;
}

int run_errors(const AppContext& ctx, const ErrorsArgs& a) {
  if (a.dataset == a.from) throw UserError("the output dataset must not be the one analysed ('" + a.from + "')");
  const std::vector<std::string> labels = parse_labels(a.labels);
  auto store = ctx.open_window_store();
  const DatasetInfo source = store->require_dataset(a.from);
  const std::uint64_t picked = add_error_tasks(*store, source, a.dataset, a.all);
  const auto info = store->dataset(a.dataset);
  if (!info || info->size == 0)
    throw UserError("'" + a.from + "' has no " + (a.all ? "accepted answers" : "corrected captions") +
                    " to analyse" + (a.all ? "" : " (--all takes every accepted answer)"));
  std::printf("'%s': %llu %s from '%s', %llu already analysed\n", a.dataset.c_str(),
              static_cast<unsigned long long>(picked), a.all ? "accepted answers" : "corrections", a.from.c_str(),
              static_cast<unsigned long long>(info->answered));
  ui::CaptionWindowOptions o;
  o.image_roots = ctx.image_roots();
  o.dataset = a.dataset;
  o.session_name = a.session.empty() ? default_session_name(a.dataset) : a.session;
  o.annotator = ctx.annotator_name(*store);
  o.model_label = "error analysis of '" + a.from + "'";
  o.replay = a.replay;
  o.screenshot = a.screenshot;
  o.keymap = a.keymap;
  o.mode = ui::errors_mode(a.from, labels);
  return ui::run_caption_window(*store, o);
}

}  // namespace

void register_errors_command(CLI::App& app, AppContext& ctx) {
  auto a = std::make_shared<ErrorsArgs>();
  auto* cmd = app.add_subcommand(
      "errors",
      "Error analysis: tick why each corrected caption of DATASET was wrong (subject, attributes, ...), "
      "with a rule-based guess pre-ticked and a live histogram");
  cmd->add_option("DATASET_OUT", a->dataset, "Dataset for the analysis answers (created if new)")->required();
  cmd->add_option("--from", a->from, "Dataset whose corrections to analyse")->required();
  cmd->add_option("--label", a->labels,
                  "Categories, comma-separated (default: subject,attributes,background,number,wording,other); "
                  "keys 1-9 toggle the first nine");
  cmd->add_flag("--all", a->all, "Every accepted answer, not only the changed ones");
  cmd->add_option("--session", a->session, "Session name stored with each answer (default: DATASET_OUT-date_time)");
  add_annotator_option(cmd, ctx);
  add_image_root_option(cmd, ctx);
  cmd->add_option("--replay", a->replay, "Run a script of keys (see docs/caption.md)")->check(CLI::ExistingFile);
  cmd->add_option("--screenshot", a->screenshot, "Write the window as PNG to this file when quitting");
  cmd->add_option("--keymap", a->keymap, "Key bindings file: lines like 'toggle-1 = F2'")->check(CLI::ExistingFile);
  cmd->callback([&ctx, a] { ctx.action = [&ctx, a] { return run_errors(ctx, *a); }; });
}

}  // namespace gloss
