// gloss review DATASET: settle the final caption of each task that several
// annotators answered -- pick one, edit one, or send the task back -- in the
// caption window's review mode. Decisions are stored as reviews next to the
// answers (Store::save_review), never replacing them.
#include <cstdio>

#include "app/commands.h"
#include "core/error.h"
#include "core/review_pass.h"
#include "ui/caption_window.h"
#include "ui/review_mode.h"

namespace gloss {
namespace {

struct ReviewArgs {
  std::string dataset, order = "disagreement", session;
  std::string replay, screenshot, keymap;
};

int run_review(const AppContext& ctx, const ReviewArgs& a) {
  const auto order = parse_review_order(a.order);
  if (!order) throw UserError("--order " + a.order + ": use disagreement or position");
  auto store = ctx.open_window_store();
  const DatasetInfo info = store->require_dataset(a.dataset);
  const std::string reviewer = ctx.annotator_name(*store);
  ReviewList list = load_review_items(*store, info, *order);
  const std::vector<ReviewItem>& items = list.items;
  if (items.empty())
    throw UserError("no task in '" + a.dataset + "' has answers from two or more annotators: nothing to review " +
                    "(gloss add " + a.dataset + " SOURCE --overlap 2 hands each task to two annotators)");
  std::size_t reviewed = 0;
  for (const ReviewItem& i : items) reviewed += i.review ? 1 : 0;
  std::printf("'%s': %zu tasks with answers from two or more annotators, %zu reviewed already; reviewing as %s, %s\n",
              a.dataset.c_str(), items.size(), reviewed, reviewer.c_str(),
              *order == ReviewOrder::disagreement ? "most disagreeing first" : "in dataset order");
  std::fflush(stdout);
  ui::CaptionWindowOptions o;
  o.image_roots = ctx.image_roots();
  o.dataset = a.dataset;
  o.session_name = a.session.empty() ? default_session_name(a.dataset) : a.session;
  o.annotator = reviewer;
  o.mode = ui::review_mode(std::move(list), *order, reviewer);
  o.model_label = "reviewing as " + reviewer;
  o.replay = a.replay;
  o.screenshot = a.screenshot;
  o.keymap = a.keymap;
  return ui::run_caption_window(*store, o);
}

}  // namespace

void register_review_command(CLI::App& app, AppContext& ctx) {
  auto a = std::make_shared<ReviewArgs>();
  auto* cmd = app.add_subcommand(
      "review",
      "Settle the final caption of tasks several annotators answered: every caption side by side with word diffs; "
      "1-9 picks one, E edits one, B sends the task back");
  cmd->add_option("DATASET", a->dataset, "Dataset whose overlapping answers to review")->required();
  cmd->add_option("--order", a->order, "disagreement (most disagreeing first, the default) or position")
      ->check(CLI::IsMember({"disagreement", "position"}));
  cmd->add_option("--session", a->session, "Session name (default: DATASET-date_time)");
  add_annotator_option(cmd, ctx);
  add_image_root_option(cmd, ctx);
  cmd->add_option("--replay", a->replay, "Run a script of keys and typing (see docs/review.md, 'The review window')")
      ->check(CLI::ExistingFile);
  cmd->add_option("--screenshot", a->screenshot, "Write the window as PNG to this file when quitting");
  cmd->add_option("--keymap", a->keymap, "Key bindings file: lines like 'send-back = Ctrl+B'")
      ->check(CLI::ExistingFile);
  cmd->callback([&ctx, a] { ctx.action = [&ctx, a] { return run_review(ctx, *a); }; });
}

}  // namespace gloss
