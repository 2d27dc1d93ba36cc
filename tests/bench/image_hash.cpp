// What checking a task's content hash costs when the window reads its image
// (read_task_image, core/image_roots.h): per file, reading it, hashing it
// (XXH3-64, as the scan does) and decoding it at display size (2560 px, the
// window's texture), medians over reps. The check runs on the scheduler's
// background thread, never the UI's; this says how much it adds there.
//
//   gloss_bench_image_hash FILE... [--reps 5]
//
// Never fails on a time.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "core/hash.h"
#include "core/image.h"

namespace {
using Clock = std::chrono::steady_clock;

template <class F>
double median_ms(int reps, F&& fn) {
  std::vector<double> ms;
  for (int i = 0; i < reps; ++i) {
    const auto start = Clock::now();
    fn();
    ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - start).count());
  }
  std::sort(ms.begin(), ms.end());
  return ms[ms.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  int reps = 5;
  std::vector<std::string> files;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--reps" && i + 1 < argc) reps = std::max(1, std::atoi(argv[++i]));
    else files.push_back(a);
  }
  if (files.empty()) {
    std::fprintf(stderr, "usage: gloss_bench_image_hash FILE... [--reps 5]\n");
    return 2;
  }
  std::printf("%-40s %9s %9s %9s %9s %11s %8s\n", "file", "MB", "read ms", "hash ms", "GB/s", "decode ms", "hash %");
  for (const std::string& file : files) {
    std::string bytes;
    const double read = median_ms(reps, [&] { bytes = gloss::read_file_bytes(file); });
    volatile std::uint64_t sink = 0;
    const double hash = median_ms(reps, [&] { sink = sink + gloss::content_hash(bytes); });
    const double decode = median_ms(reps, [&] { (void)gloss::decode_image(bytes, file, 2560); });
    const double mb = bytes.size() / 1e6;
    std::printf("%-40s %9.1f %9.1f %9.2f %9.1f %11.1f %7.1f%%\n", file.c_str(), mb, read, hash,
                hash > 0 ? mb / hash : 0.0, decode, 100.0 * hash / (read + decode));
  }
  return 0;
}
