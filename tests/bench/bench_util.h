// Small helpers the in-process benchmarks share: elapsed time and the
// process's memory as /proc reports it.
#pragma once

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <string>

namespace gloss::bench {

using Clock = std::chrono::steady_clock;

inline double ms_since(Clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

// A field of /proc/self/status in kB (VmHWM, RssAnon, RssFile...).
inline long status_kb(const std::string& field) {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind(field + ":", 0) == 0) return std::atol(line.c_str() + field.size() + 1);
  return 0;
}

}  // namespace gloss::bench
