// gloss: model-assisted image captioning. Exit codes: 0 ok, 1 a problem with
// the input or the store (the message names the file), 2 usage.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>

#include "app/commands.h"
#include "core/error.h"

namespace {

// libgomp spin-waits by default, and it reads OMP_WAIT_POLICY only when it
// loads, before main. With two torch threads on two busy cores that makes
// captioning and training up to 10x slower, so the commands that run the
// model restart once with passive waiting unless the user chose a policy.
// The subcommand: the first argument that is neither an option nor --db's
// value (`gloss --db DIR predict ...`); nullptr when there is none.
const char* subcommand(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--db") == 0) ++i;
    else if (argv[i][0] != '-') return argv[i];
  }
  return nullptr;
}

void restart_with_passive_openmp(int argc, char** argv) {
  const char* given = subcommand(argc, argv);
  if (!given || std::getenv("OMP_WAIT_POLICY")) return;
  static const char* const kModelCommands[] = {"train", "eval", "predict", "caption", "errors", "compare"};
  for (const char* command : kModelCommands)
    if (std::strcmp(given, command) == 0) {
      setenv("OMP_WAIT_POLICY", "PASSIVE", 1);
      execv("/proc/self/exe", argv);
      return;  // exec failed: carry on with the default policy
    }
}

}  // namespace

int main(int argc, char** argv) {
  restart_with_passive_openmp(argc, argv);
  CLI::App app{"gloss — model-assisted image captioning.\n"
               "Store: --db PATH, or $GLOSS_DB, or ./gloss-data."};
  app.set_help_all_flag("--help-all", "Every subcommand's help");
  app.require_subcommand(1);
  gloss::AppContext ctx;
  app.add_option("--db", ctx.db,
                 "Store: an LMDB folder, or a PostgreSQL URI such as postgresql:///gloss?host=/run/postgresql\n"
                 "(default: $GLOSS_DB, else ./gloss-data)");
  gloss::register_data_commands(app, ctx);
  gloss::register_agreement_command(app, ctx);
  gloss::register_model_commands(app, ctx);
  gloss::register_version_command(app, ctx);
#ifdef GLOSS_WITH_UI
  gloss::register_caption_command(app, ctx);
  gloss::register_errors_command(app, ctx);
  gloss::register_compare_command(app, ctx);
  gloss::register_review_command(app, ctx);
#else
  gloss::register_headless_placeholders(app, ctx);
#endif
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return 2;
  }
  try {
    return ctx.action ? ctx.action() : 2;
  } catch (const gloss::UserError& e) {
    std::cerr << "gloss: " << e.what() << "\n";
    return 1;
  } catch (const gloss::StoreError& e) {
    std::cerr << "gloss: store error: " << e.what() << "\n";
    return 1;
  }
}
