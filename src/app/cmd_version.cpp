// gloss version: the version, and where this gloss finds its model and its
// model code (what to check first when an install does not work).
#include <cstdio>
#include <filesystem>

#include "app/commands.h"
#include "model/captioner.h"
#include "model/torch_library.h"

namespace gloss {
namespace fs = std::filesystem;

namespace {

const char* found(const fs::path& path) {
  std::error_code ec;
  return fs::is_regular_file(path, ec) ? "" : "  (missing)";
}

int run_version(const AppContext& ctx) {
  std::printf("gloss %s\n", GLOSS_VERSION);
  const fs::path model = default_model_path();
  std::printf("bundled model: %s%s\n", model.c_str(), found(model));
  std::vector<fs::path> looked;
  const fs::path library = torch_library_path(&looked);
  if (library.empty()) {
    std::printf("model code (libgloss-torch.so): not found; looked in:\n");
    for (const fs::path& p : looked) std::printf("  %s\n", p.c_str());
  } else {
    std::printf("model code: %s\n", library.c_str());
  }
  std::printf("store: %s\n", shown_location(ctx.store_location()).c_str());
  return 0;
}

}  // namespace

void register_version_command(CLI::App& app, AppContext& ctx) {
  auto* cmd = app.add_subcommand("version", "Print the version and where gloss finds its model, model code and store");
  cmd->callback([&ctx] { ctx.action = [&ctx] { return run_version(ctx); }; });
}

}  // namespace gloss
