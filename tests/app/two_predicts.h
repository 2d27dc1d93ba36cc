// Two `gloss predict` processes at once on one store (an LMDB folder in
// tests/app, a PostgreSQL database in tests/pg): what each says it did.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <string>

#include <nlohmann/json.hpp>

#include "core/synth.h"
#include "test_util.h"

namespace gloss::test {

inline void write_predict_scenes(const std::filesystem::path& dir, int count) {
  std::filesystem::create_directories(dir);
  for (int i = 0; i < count; ++i) {
    const SynthSample s = synth_sample(11, static_cast<std::uint64_t>(i));
    write_png(dir / ("scene" + std::to_string(i) + ".png"), render_scene(s.scene, 64, s.noise_seed));
  }
}

struct PredictRun {
  int code = -1;
  std::string output;
  long already = -1, here = -1, by_others = 0;  // from its first and last lines
};

inline long number_before(const std::string& text, const std::string& pattern) {
  std::smatch m;
  return std::regex_search(text, m, std::regex("(\\d+) " + pattern)) ? std::stol(m[1]) : -1;
}

inline PredictRun predict_run(const std::filesystem::path& dir, const std::string& name) {
  PredictRun r;
  r.output = read_text(dir / (name + ".out"));
  std::ifstream(dir / (name + ".rc")) >> r.code;
  r.already = number_before(r.output, "already captioned");
  r.here = number_before(r.output, "images here");
  r.by_others = std::max(0L, number_before(r.output, "were captioned meanwhile by another gloss predict"));
  return r;
}

// Runs `gloss_command predict images ARGS` twice at once in `dir`, each with
// --out NAME.jsonl; the runs are named a and b.
inline std::pair<PredictRun, PredictRun> two_predicts(const std::filesystem::path& dir, const std::string& gloss_command,
                                                      const std::string& args) {
  auto one = [&](const std::string& name) {
    return "(OMP_WAIT_POLICY=PASSIVE " + gloss_command + " predict images " + args + " --out " + name + ".jsonl > " +
           name + ".out 2>&1; echo $? > " + name + ".rc)";
  };
  run_command(dir, "{ " + one("a") + " & " + one("b") + " & wait; }");
  return {predict_run(dir, "a"), predict_run(dir, "b")};
}

// Every image captioned exactly once across the two, each run accounting for
// every image, both --out files complete.
inline void expect_split_once(const std::filesystem::path& dir, const PredictRun& a, const PredictRun& b, long images) {
  ASSERT_EQ(a.code, 0) << a.output;
  ASSERT_EQ(b.code, 0) << b.output;
  EXPECT_EQ(a.here + b.here, images) << "captioned once across the two\n" << a.output << "\n" << b.output;
  // One may start later and find some cached already.
  EXPECT_EQ(a.already + a.here + a.by_others, images) << a.output;
  EXPECT_EQ(b.already + b.here + b.by_others, images) << b.output;
  EXPECT_GT(a.here, 0) << "both did some of the work\n" << a.output << "\n" << b.output;
  EXPECT_GT(b.here, 0) << "both did some of the work\n" << a.output << "\n" << b.output;
  for (const char* out : {"a.jsonl", "b.jsonl"}) {
    std::ifstream in(dir / out);
    long lines = 0;
    for (std::string line; std::getline(in, line); ++lines)
      EXPECT_TRUE(nlohmann::json::parse(line).at("caption").is_string()) << out << ": " << line;
    EXPECT_EQ(lines, images) << out;
  }
}

}  // namespace gloss::test
