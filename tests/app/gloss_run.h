// `gloss --db db ARGS` run in a test's folder, under xvfb-run for a window:
// its exit status (std::system's) and what it printed (stdout and stderr,
// kept in DIR/out.txt).
#pragma once

#include <cstdlib>
#include <filesystem>
#include <string>

#include "test_util.h"

namespace gloss::test {

struct GlossRun {
  int status = -1;
  std::string output;
};

inline GlossRun gloss(const std::filesystem::path& dir, const std::string& args, bool window = false,
                      int timeout_s = 300) {
  const std::string limit = "timeout " + std::to_string(timeout_s) + " ";
  const std::string command = "cd '" + dir.string() + "' && " + limit +
                              (window ? "xvfb-run -a -s '-screen 0 1280x800x24' " : "") + "'" GLOSS_BINARY
                              "' --db db " + args + " > out.txt 2>&1";
  GlossRun run;
  run.status = std::system(command.c_str());
  run.output = read_text(dir / "out.txt");
  return run;
}

inline GlossRun gloss(const TempDir& dir, const std::string& args, bool window = false, int timeout_s = 300) {
  return gloss(dir.path(), args, window, timeout_s);
}

}  // namespace gloss::test
