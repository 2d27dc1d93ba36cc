// Decoding by format: what gloss pays for an image at full size, at display
// size (the window's texture, 2560 px) and at thumbnail size (192 px), per
// format, on a real photo (GNOME's wood wallpaper, upscaled to camera sizes)
// saved in every format by libvips' own encoders. Shrink-on-load is where the
// display and thumbnail columns come from: JPEG scales in the DCT, WebP and
// HEIF/AVIF decode smaller, PNG and TIFF cannot and decode in full.
//
//   gloss_bench_formats [--mp 12] [--big] [--reps 3] [--dir /tmp]
//
// --big adds camera-sized JPEGs (24, 48, 108 MP). Prints one table per run:
// file size, ms (median over reps) and peak decoded bytes per size. Never
// fails on a time.
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/image.h"

namespace {
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

struct Args {
  double mp = 12;
  bool big = false;
  int reps = 3;
  fs::path dir = "/tmp";
};

Args parse_args(int argc, char** argv) {
  Args a;
  for (int i = 1; i < argc; ++i) {
    const std::string f = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) throw std::runtime_error("missing value after " + f);
      return argv[++i];
    };
    if (f == "--mp") a.mp = std::stod(next());
    else if (f == "--big") a.big = true;
    else if (f == "--reps") a.reps = std::stoi(next());
    else if (f == "--dir") a.dir = next();
    else throw std::runtime_error("unknown flag " + f + " (see the comment at the top of tests/bench/formats.cpp)");
  }
  return a;
}

void run(const std::string& command) {
  if (std::system((command + " > /dev/null 2>&1").c_str()) != 0) throw std::runtime_error("failed: " + command);
}

double median_ms(const fs::path& file, int side, int reps) {
  std::vector<double> ms;
  const std::string bytes = gloss::read_file_bytes(file);
  for (int r = 0; r < reps; ++r) {
    const auto t0 = Clock::now();
    const gloss::Image im = gloss::decode_image(bytes, file.string(), side);
    ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
    if (im.empty()) throw std::runtime_error("empty decode");
  }
  std::sort(ms.begin(), ms.end());
  return ms[ms.size() / 2];
}

}  // namespace

int main(int argc, char** argv) try {
  const Args a = parse_args(argc, argv);
  const fs::path photo = "/usr/share/backgrounds/gnome/wood-d.webp";
  if (!fs::exists(photo)) throw std::runtime_error(photo.string() + " is missing: install gnome-backgrounds (.ci/setup)");
  std::string tmpl = (a.dir / "gloss-bench-formats-XXXXXX").string();
  if (!mkdtemp(tmpl.data())) throw std::runtime_error("cannot create a folder in " + a.dir.string());
  const fs::path dir = tmpl;
  struct Cleanup {
    fs::path d;
    ~Cleanup() {
      std::error_code ec;
      fs::remove_all(d, ec);
    }
  } cleanup{dir};

  const int w = static_cast<int>(std::lround(std::sqrt(a.mp * 1e6 * 4 / 3))), h = w * 3 / 4;
  const std::string src = (dir / "src.v").string();
  run("vips thumbnail " + photo.string() + " " + src + " " + std::to_string(w) + " --height " + std::to_string(h) +
      " --size force");
  struct File {
    std::string label;
    fs::path path;
  };
  std::vector<File> files;
  const std::string dims = std::to_string(w) + "x" + std::to_string(h);
  const std::pair<const char*, const char*> formats[] = {
      {"JPEG q90", "photo.jpg[Q=90]"},       {"PNG", "photo.png"},
      {"WebP q90", "photo.webp[Q=90]"},      {"TIFF deflate", "photo.tif[compression=deflate]"},
      {"HEIC q80", "photo.heic[Q=80]"},      {"AVIF q60", "photo.avif[Q=60,effort=0]"},
      {"JPEG XL q90", "photo.jxl[Q=90,effort=3]"},
  };
  for (const auto& [label, name] : formats) {
    const std::string spec = (dir / name).string();
    run("vips copy " + src + " '" + spec + "'");
    files.push_back({std::string(label) + " " + dims, dir / std::string(name).substr(0, std::string(name).find('['))});
  }
  if (a.big) {
    for (const auto& [mp, size] : {std::pair{24, std::pair{6000, 4000}}, std::pair{48, std::pair{8000, 6000}},
                                   std::pair{108, std::pair{12000, 9000}}}) {
      const std::string v = (dir / "big.v").string();
      run("vips thumbnail " + photo.string() + " " + v + " " + std::to_string(size.first) + " --height " +
          std::to_string(size.second) + " --size force");
      const fs::path jpg = dir / ("big" + std::to_string(mp) + ".jpg");
      run("vips copy " + v + " '" + jpg.string() + "[Q=90]'");
      files.push_back({"JPEG q90 " + std::to_string(size.first) + "x" + std::to_string(size.second) + " (" +
                           std::to_string(mp) + " MP)",
                       jpg});
    }
  }

  std::printf("decode by format: median of %d, one process; display = 2560 px, thumbnail = 192 px\n\n", a.reps);
  std::printf("| file | size | full decode ms | display ms | thumbnail ms | full / display |\n|---|--:|--:|--:|--:|--:|\n");
  for (const File& f : files) {
    const double full = median_ms(f.path, 0, a.reps);
    const double display = median_ms(f.path, 2560, a.reps);
    const double thumb = median_ms(f.path, 192, a.reps);
    std::printf("| %s | %.1f MiB | %.0f | %.0f | %.0f | %.1fx |\n", f.label.c_str(),
                static_cast<double>(fs::file_size(f.path)) / (1 << 20), full, display, thumb, full / display);
    std::fflush(stdout);
  }
  return 0;
} catch (const std::exception& e) {
  std::fprintf(stderr, "gloss_bench_formats: %s\n", e.what());
  return 1;
}
