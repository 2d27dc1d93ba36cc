// The window commands of a headless gloss (built with -DGLOSS_BUILD_UI=OFF).
#include "app/commands.h"
#include "core/error.h"

namespace gloss {

void register_headless_placeholders(CLI::App& app, AppContext& ctx) {
  for (const char* name : {"caption", "errors", "compare", "review"}) {
    auto* cmd = app.add_subcommand(name, std::string("(needs the window: not in this headless build)"));
    cmd->allow_extras();
    cmd->callback([&ctx, command = std::string(name)] {
      ctx.action = [command]() -> int {
        throw UserError("`gloss " + command + "` opens a window, and this gloss was built without one " +
                        "(-DGLOSS_BUILD_UI=OFF, for servers). Pre-caption here with `gloss predict`, " +
                        "then open the dataset with a desktop gloss.");
      };
    });
  }
}

}  // namespace gloss
