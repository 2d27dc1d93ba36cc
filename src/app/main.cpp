// gloss: model-assisted image captioning. Exit codes: 0 ok, 1 a problem with
// the input or the store (the message names the file), 2 usage.
#include <cstdio>
#include <iostream>

#include "app/commands.h"
#include "core/error.h"

int main(int argc, char** argv) {
  CLI::App app{"gloss — model-assisted image captioning.\n"
               "Store: --db PATH, or $GLOSS_DB, or ./gloss-data."};
  app.set_help_all_flag("--help-all", "Every subcommand's help");
  app.require_subcommand(1);
  gloss::AppContext ctx;
  app.add_option("--db", ctx.db, "Store folder (default: $GLOSS_DB, else ./gloss-data)");
  gloss::register_data_commands(app, ctx);
  gloss::register_model_commands(app, ctx);
  gloss::register_caption_command(app, ctx);
  gloss::register_errors_command(app, ctx);
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
