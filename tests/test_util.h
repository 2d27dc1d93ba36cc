// Helpers shared by the test suites: temporary folders and small images.
#pragma once

#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include <gtest/gtest.h>

#include "core/image.h"

namespace gloss::test {

// A fresh folder under the test temp dir, removed when the object dies.
class TempDir {
 public:
  TempDir() {
    static std::atomic<int> counter{0};
    path_ = std::filesystem::path(::testing::TempDir()) /
            ("gloss-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

// A w x h image whose pixels depend on `seed`, so different seeds give
// different bytes (and content hashes).
inline Image pattern_image(int w, int h, std::uint32_t seed) {
  Image img;
  img.width = w;
  img.height = h;
  img.rgb.resize(static_cast<std::size_t>(w) * h * 3);
  std::uint32_t x = seed * 2654435761u + 12345u;
  for (auto& v : img.rgb) {
    x ^= x << 13; x ^= x >> 17; x ^= x << 5;
    v = static_cast<std::uint8_t>(x);
  }
  return img;
}

inline std::filesystem::path write_test_png(const std::filesystem::path& path, std::uint32_t seed,
                                            int w = 8, int h = 6) {
  std::filesystem::create_directories(path.parent_path());
  write_png(path, pattern_image(w, h, seed));
  return path;
}

inline void write_text(const std::filesystem::path& path, const std::string& text) {
  std::filesystem::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << text;
}

// True when `program` is on PATH (the window tests skip without xvfb-run).
inline bool on_path(const std::string& program) {
  return std::system(("command -v " + program + " >/dev/null 2>&1").c_str()) == 0;
}

inline std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

inline bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

#ifdef GLOSS_BINARY
struct CommandResult {
  int code;
  std::string output;  // stdout and stderr together
};

// A shell command line run in `dir`, no standard input.
inline CommandResult run_command(const std::filesystem::path& dir, const std::string& command) {
  const std::string cmd = "cd '" + dir.string() + "' && " + command + " </dev/null 2>&1";
  FILE* pipe = popen(cmd.c_str(), "r");
  std::string out;
  char buf[4096];
  while (std::size_t n = fread(buf, 1, sizeof buf, pipe)) out.append(buf, n);
  const int status = pclose(pipe);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

// The gloss binary run in `dir` as `gloss --db db ARGS`, no standard input.
inline CommandResult run_gloss(const std::filesystem::path& dir, const std::string& args) {
  return run_command(dir, "'" GLOSS_BINARY "' --db db " + args);
}
#endif

}  // namespace gloss::test
