// Gallery thumbnails: what one thumbnail costs when it is made from the
// image file against reading it back from the store's thumbnail cache
// (Store::thumbnail + decode of the cached PNG), for PNG and JPEG photo-like
// images: gloss's decoder (libvips, shrink-on-load: decode_image with a
// side) against the paths it replaced, stb_image's full decode and
// libjpeg-turbo's DCT-scaled decode, each followed by make_thumbnail. Same
// process, same files; the operations are interleaved per image in every
// repeat so that noise from other work lands on all of them.
//
//   gloss_bench_thumbnails [--sizes 1024x768,4000x3000] [--count 3] [--reps 5]
//                          [--side 192] [--quality 90] [--dir /tmp]
//
// Prints one table: source, operation, ms per image (median and p10/p90 over
// count x reps samples), thumbnails/s, and ratios against the stb full decode
// and against a cache hit. Never fails on a time; exits non-zero only if a
// decode fails.
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include <stb_image.h>
#ifdef GLOSS_HAVE_TURBOJPEG
#include <turbojpeg.h>
#endif

#include "core/image.h"
#include "core/lmdb_store.h"

namespace {
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

struct Size {
  int w, h;
};

struct Args {
  std::vector<Size> sizes{{1024, 768}, {4000, 3000}};
  int count = 3;
  int reps = 5;
  int side = 192;
  int quality = 90;
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
    if (f == "--sizes") {
      a.sizes.clear();
      std::string s = next();
      std::size_t at = 0;
      while (at < s.size()) {
        auto comma = s.find(',', at);
        if (comma == std::string::npos) comma = s.size();
        const std::string item = s.substr(at, comma - at);
        const auto x = item.find('x');
        if (x == std::string::npos) throw std::runtime_error("--sizes: WxH,WxH...");
        a.sizes.push_back({std::stoi(item.substr(0, x)), std::stoi(item.substr(x + 1))});
        at = comma + 1;
      }
    } else if (f == "--count") a.count = std::stoi(next());
    else if (f == "--reps") a.reps = std::stoi(next());
    else if (f == "--side") a.side = std::stoi(next());
    else if (f == "--quality") a.quality = std::stoi(next());
    else if (f == "--dir") a.dir = next();
    else if (f == "-h" || f == "--help") {
      std::puts("gloss_bench_thumbnails [--sizes 1024x768,4000x3000] [--count 3] [--reps 5] "
                "[--side 192] [--quality 90] [--dir /tmp]");
      std::exit(0);
    } else
      throw std::runtime_error("unknown argument " + f);
  }
  if (a.sizes.empty() || a.count < 1 || a.reps < 1 || a.side < 1)
    throw std::runtime_error("--sizes, --count, --reps and --side must be positive");
  return a;
}

// Photo-like content: smooth low-frequency colour fields (sky, walls), a few
// hard-edged objects, fine texture and sensor noise. Compresses like a photo
// (JPEG ~1-2 bits/pixel at q90, PNG ~2-3x smaller than raw), unlike a flat
// synthetic scene.
gloss::Image photo_like(int w, int h, std::uint64_t seed) {
  gloss::Image im{w, h, std::vector<std::uint8_t>(static_cast<std::size_t>(w) * h * 3)};
  std::uint64_t s = seed * 0x9E3779B97F4A7C15ull + 1;
  auto rnd = [&]() {
    s ^= s << 13;
    s ^= s >> 7;
    s ^= s << 17;
    return s;
  };
  std::vector<float> cx(static_cast<std::size_t>(w) * 3), cy(static_cast<std::size_t>(h) * 3);
  for (int c = 0; c < 3; ++c) {
    const float fx = 2.f + c + static_cast<float>(seed % 5), fy = 1.5f + 0.7f * c;
    for (int x = 0; x < w; ++x)
      cx[x * 3 + c] = 60.f * std::sin(fx * 6.2832f * x / w + c) + 12.f * std::sin(40.f * 6.2832f * x / w);
    for (int y = 0; y < h; ++y)
      cy[y * 3 + c] = 50.f * std::cos(fy * 6.2832f * y / h + 2 * c) + 10.f * std::sin(55.f * 6.2832f * y / h);
  }
  struct Box {
    int x0, y0, x1, y1;
    int rgb[3];
  };
  std::vector<Box> boxes;
  for (int i = 0; i < 12; ++i) {
    const int bw = static_cast<int>(rnd() % (w / 3 + 1)) + 8, bh = static_cast<int>(rnd() % (h / 3 + 1)) + 8;
    const int x0 = static_cast<int>(rnd() % w), y0 = static_cast<int>(rnd() % h);
    boxes.push_back({x0, y0, std::min(w, x0 + bw), std::min(h, y0 + bh),
                     {static_cast<int>(rnd() % 256), static_cast<int>(rnd() % 256), static_cast<int>(rnd() % 256)}});
  }
  for (int y = 0; y < h; ++y) {
    for (int x = 0; x < w; ++x) {
      const std::uint64_t r = rnd();
      const Box* inside = nullptr;
      for (const auto& b : boxes)
        if (x >= b.x0 && x < b.x1 && y >= b.y0 && y < b.y1) inside = &b;
      for (int c = 0; c < 3; ++c) {
        float v = 120.f + cx[x * 3 + c] + cy[y * 3 + c];
        if (inside) v = 0.5f * v + 0.5f * inside->rgb[c];
        v += static_cast<float>(static_cast<int>((r >> (c * 8)) & 15) - 8);  // noise
        im.rgb[(static_cast<std::size_t>(y) * w + x) * 3 + c] =
            static_cast<std::uint8_t>(std::clamp(static_cast<int>(v), 0, 255));
      }
    }
  }
  return im;
}

void write_bytes(const fs::path& p, const std::string& bytes) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!out) throw std::runtime_error(p.string() + ": write failed");
}

double percentile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  const auto i = static_cast<std::size_t>(p * static_cast<double>(v.size() - 1) + 0.5);
  return v[std::min(i, v.size() - 1)];
}

struct Op {
  std::string source;  // "PNG 1024x768"
  std::string name;
  std::function<void(int)> run;  // image index
  std::vector<double> ms;
};

volatile std::uint64_t g_sink = 0;
void consume(const gloss::Image& im) { g_sink = g_sink + (im.rgb.empty() ? 0 : im.rgb[im.rgb.size() / 2] + im.width); }

gloss::Image stb_decode(const fs::path& path) {
  int w = 0, h = 0, n = 0;
  stbi_uc* p = stbi_load(path.c_str(), &w, &h, &n, 3);
  if (!p) throw std::runtime_error(path.string() + ": stb_image cannot decode it");
  gloss::Image im{w, h, std::vector<std::uint8_t>(p, p + static_cast<std::size_t>(w) * h * 3)};
  stbi_image_free(p);
  return im;
}

#ifdef GLOSS_HAVE_TURBOJPEG
// gloss's former thumbnail path: the smallest DCT scale whose longest side is
// still >= side.
gloss::Image turbo_decode(const fs::path& path, int side) {
  const std::string bytes = gloss::read_file_bytes(path);
  tjhandle h = tjInitDecompress();
  const auto* data = reinterpret_cast<const unsigned char*>(bytes.data());
  int w = 0, hh = 0, subsamp = 0, cs = 0;
  if (tjDecompressHeader3(h, data, bytes.size(), &w, &hh, &subsamp, &cs) != 0) throw std::runtime_error("turbojpeg header");
  int n = 0;
  const tjscalingfactor* f = tjGetScalingFactors(&n);
  tjscalingfactor best{1, 1};
  int best_side = std::max(w, hh);
  for (int i = 0; i < n; ++i) {
    const int s = TJSCALED(std::max(w, hh), f[i]);
    if (s >= side && s < best_side) best = f[i], best_side = s;
  }
  gloss::Image im;
  im.width = TJSCALED(w, best);
  im.height = TJSCALED(hh, best);
  im.rgb.resize(static_cast<std::size_t>(im.width) * im.height * 3);
  if (tjDecompress2(h, data, bytes.size(), im.rgb.data(), im.width, im.width * 3, im.height, TJPF_RGB, 0) != 0)
    throw std::runtime_error("turbojpeg decode");
  tjDestroy(h);
  return im;
}
#endif

}  // namespace

int main(int argc, char** argv) try {
  const Args a = parse_args(argc, argv);
  std::string tmpl = (a.dir / "gloss-bench-thumbs-XXXXXX").string();
  if (!mkdtemp(tmpl.data())) throw std::runtime_error("cannot create a folder in " + a.dir.string());
  const fs::path dir = tmpl;
  struct Cleanup {
    fs::path d;
    ~Cleanup() {
      std::error_code ec;
      fs::remove_all(d, ec);
    }
  } cleanup{dir};

  std::printf("thumbnails: longest side %d px, %d images per size and format, %d repeats, JPEG quality %d\n",
              a.side, a.count, a.reps, a.quality);
#ifndef GLOSS_HAVE_TURBOJPEG
  std::printf("libjpeg-turbo not found at build time: its row is left out\n");
#endif

  gloss::LmdbStore store(gloss::StoreOptions{dir / "store"});
  std::vector<Op> ops;
  std::map<std::string, double> file_kb;
  std::uint64_t next_task = 1;
  for (const Size sz : a.sizes) {
    const std::string dims = std::to_string(sz.w) + "x" + std::to_string(sz.h);
    std::vector<fs::path> pngs, jpgs;
    std::vector<std::uint64_t> tasks;
    std::vector<gloss::Image> thumbs;
    double png_bytes = 0, jpg_bytes = 0;
    for (int i = 0; i < a.count; ++i) {
      const auto im = photo_like(sz.w, sz.h, static_cast<std::uint64_t>(i) * 131 + sz.w);
      const std::string png = gloss::encode_png(im), jpg = gloss::encode_jpeg(im, a.quality);
      png_bytes += static_cast<double>(png.size());
      jpg_bytes += static_cast<double>(jpg.size());
      pngs.push_back(dir / (dims + "-" + std::to_string(i) + ".png"));
      jpgs.push_back(dir / (dims + "-" + std::to_string(i) + ".jpg"));
      write_bytes(pngs.back(), png);
      write_bytes(jpgs.back(), jpg);
      const auto thumb = gloss::make_thumbnail(im, a.side);
      tasks.push_back(next_task++);
      store.put_thumbnail(tasks.back(), a.side, gloss::encode_png(thumb));
      thumbs.push_back(thumb);
    }
    file_kb["PNG " + dims] = png_bytes / a.count / 1024;
    file_kb["JPEG " + dims] = jpg_bytes / a.count / 1024;
    const int side = a.side;
    ops.push_back({"PNG " + dims, "full decode (stb) + make_thumbnail",
                   [=](int i) { consume(gloss::make_thumbnail(stb_decode(pngs[i]), side)); }, {}});
    ops.push_back({"PNG " + dims, "libvips at thumbnail size (decode_image side)",
                   [=](int i) { consume(gloss::make_thumbnail(gloss::decode_image_file(pngs[i], side), side)); }, {}});
    ops.push_back({"JPEG " + dims, "full decode (stb) + make_thumbnail",
                   [=](int i) { consume(gloss::make_thumbnail(stb_decode(jpgs[i]), side)); }, {}});
    ops.push_back({"JPEG " + dims, "full decode (libvips) + make_thumbnail",
                   [=](int i) { consume(gloss::make_thumbnail(gloss::decode_image_file(jpgs[i]), side)); }, {}});
#ifdef GLOSS_HAVE_TURBOJPEG
    ops.push_back({"JPEG " + dims, "DCT-scaled decode (libjpeg-turbo) + make_thumbnail",
                   [=](int i) { consume(gloss::make_thumbnail(turbo_decode(jpgs[i], side), side)); }, {}});
#endif
    ops.push_back({"JPEG " + dims, "libvips at thumbnail size (decode_image side): gloss",
                   [=](int i) { consume(gloss::make_thumbnail(gloss::decode_image_file(jpgs[i], side), side)); }, {}});
    ops.push_back({"cache " + dims, "cache hit: Store::thumbnail + decode 192 px PNG",
                   [=, &store](int i) {
                     const auto bytes = store.thumbnail(tasks[i], side);
                     if (!bytes) throw std::runtime_error("thumbnail missing from the cache");
                     consume(gloss::decode_image(*bytes, "thumbnail"));
                   }, {}});
    ops.push_back({"cache " + dims, "cache fill: encode_png + put_thumbnail (durable commit)",
                   [=, &store](int i) { store.put_thumbnail(tasks[i], side, gloss::encode_png(thumbs[i])); },
                   {}});
  }

  // Warm-up: one pass over everything (page cache, allocator, LMDB map).
  for (auto& op : ops)
    for (int i = 0; i < a.count; ++i) op.run(i);
  for (int rep = 0; rep < a.reps; ++rep)
    for (int i = 0; i < a.count; ++i)
      for (auto& op : ops) {
        const auto t0 = Clock::now();
        op.run(i);
        op.ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
      }

  std::printf("file sizes (mean):");
  for (const auto& [k, v] : file_kb) std::printf("  %s %.0f KiB", k.c_str(), v);
  std::printf("\n\n");
  std::printf("| source | operation | ms/thumbnail median [p10-p90] | thumbnails/s | vs stb full decode "
              "| vs cache hit |\n|---|---|--:|--:|--:|--:|\n");
  std::map<std::string, double> stb_full, cache_hit;
  for (const auto& op : ops) {
    const std::string dims = op.source.substr(op.source.find(' ') + 1);
    if (op.name.rfind("full decode (stb)", 0) == 0 && op.source.rfind("JPEG", 0) == 0)
      stb_full[dims] = percentile(op.ms, 0.5);
    if (op.name.rfind("cache hit", 0) == 0) cache_hit[dims] = percentile(op.ms, 0.5);
  }
  for (const auto& op : ops) {
    const std::string dims = op.source.substr(op.source.find(' ') + 1);
    const double m = percentile(op.ms, 0.5);
    const bool jpeg = op.source.rfind("JPEG", 0) == 0;
    char vs_stb[32] = "";
    if (jpeg && op.name.find("alone") == std::string::npos)
      std::snprintf(vs_stb, sizeof vs_stb, op.name.rfind("full decode (stb)", 0) == 0 ? "baseline" : "%.2fx faster",
                    stb_full[dims] / m);
    std::printf("| %s | %s | %.3f [%.3f-%.3f] | %.0f | %s | %.1fx slower |\n", op.source.c_str(), op.name.c_str(), m,
                percentile(op.ms, 0.1), percentile(op.ms, 0.9), 1000.0 / m, vs_stb, m / cache_hit[dims]);
  }
  std::printf("\n(checksum %llu)\n", static_cast<unsigned long long>(g_sink));
  return 0;
} catch (const std::exception& e) {
  std::fprintf(stderr, "gloss_bench_thumbnails: %s\n", e.what());
  return 1;
}
