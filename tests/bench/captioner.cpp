// Captioning throughput through gloss's Captioner interface (load_captioner:
// a native .gloss model or a TorchScript module), as the workstation runs it:
// each call resizes + normalises the batch, runs the model and detokenises.
// tests/bench/captioner_python.py is the PyTorch-in-Python counterpart and
// its `drive` mode runs both on the same images and prints the comparison
// (tests/bench/captioner.sh; docs/bench-captioner.md).
//
//   gloss_bench_captioner [--model FILE] [--images DIR] [--count 16]
//                         [--batch 1,8] [--threads 1] [--reps 5]
//                         [--min-time 1.0] [--max-len 20] [--split] [--json]
//
// --model   default: the bundled model (default_model_path()).
// --images  a folder of PNG/JPEG files (sorted; the first --count are used,
//           decoded before timing); without it, --count procedural 64x64
//           images are rendered in-process.
// --split   also times max_len 1 (encoder + the feature step + one word), so
//           that encoder and per-word decoder time can be told apart.
// --json    one JSON object per line instead of the table (for the driver).
//
// Each repeat runs whole calls of `batch` images (cycling through the pool)
// for at least --min-time seconds and reports images/s (wall clock) and
// images per CPU-second of the process (CLOCK_PROCESS_CPUTIME_ID: on a shared
// machine this hardly moves when other work steals the cores, wall time
// does); the table gives the median and the min/max over --reps repeats,
// after a warm-up. Never fails on a time.
#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/image.h"
#include "model/captioner.h"

namespace {
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

struct Args {
  fs::path model;
  fs::path images;
  int count = 16;
  std::vector<int> batches{1, 8};
  int threads = 1;
  int reps = 5;
  double min_time = 1.0;
  int max_len = 20;
  bool split = false;
  bool json = false;
};

std::vector<int> parse_list(const std::string& s) {
  std::vector<int> out;
  std::size_t at = 0;
  while (at <= s.size()) {
    const auto comma = s.find(',', at);
    const std::string item = s.substr(at, comma == std::string::npos ? std::string::npos : comma - at);
    if (!item.empty()) out.push_back(std::stoi(item));
    if (comma == std::string::npos) break;
    at = comma + 1;
  }
  for (int v : out)
    if (v < 1) throw std::runtime_error("batch sizes must be >= 1");
  if (out.empty()) throw std::runtime_error("--batch needs at least one size");
  return out;
}

Args parse_args(int argc, char** argv) {
  Args a;
  for (int i = 1; i < argc; ++i) {
    const std::string f = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) throw std::runtime_error("missing value after " + f);
      return argv[++i];
    };
    if (f == "--model") a.model = next();
    else if (f == "--images") a.images = next();
    else if (f == "--count") a.count = std::stoi(next());
    else if (f == "--batch") a.batches = parse_list(next());
    else if (f == "--threads") a.threads = std::stoi(next());
    else if (f == "--reps") a.reps = std::stoi(next());
    else if (f == "--min-time") a.min_time = std::stod(next());
    else if (f == "--max-len") a.max_len = std::stoi(next());
    else if (f == "--split") a.split = true;
    else if (f == "--json") a.json = true;
    else if (f == "-h" || f == "--help") {
      std::puts("gloss_bench_captioner [--model FILE] [--images DIR] [--count 16] [--batch 1,8] "
                "[--threads 1] [--reps 5] [--min-time 1.0] [--max-len 20] [--split] [--json]");
      std::exit(0);
    } else
      throw std::runtime_error("unknown argument " + f);
  }
  if (a.count < 1 || a.reps < 1 || a.threads < 1 || a.max_len < 1)
    throw std::runtime_error("--count, --reps, --threads and --max-len must be >= 1");
  return a;
}

// Smooth colour fields with a few bright blocks: enough structure that the
// captions are not all the same.
gloss::Image procedural(int index, int size) {
  gloss::Image im{size, size, std::vector<std::uint8_t>(static_cast<std::size_t>(size) * size * 3)};
  for (int y = 0; y < size; ++y)
    for (int x = 0; x < size; ++x)
      for (int c = 0; c < 3; ++c) {
        int v = (x * (c + 1 + index) + y * (3 - c + index * 7)) % 256;
        if ((x / 16 + y / 16 + index) % 3 == c) v = 255 - v / 4;
        im.rgb[(static_cast<std::size_t>(y) * size + x) * 3 + c] = static_cast<std::uint8_t>(v);
      }
  return im;
}

std::vector<gloss::Image> load_images(const Args& a) {
  std::vector<gloss::Image> out;
  if (a.images.empty()) {
    for (int i = 0; i < a.count; ++i) out.push_back(procedural(i, 64));
    return out;
  }
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(a.images)) {
    const auto ext = e.path().extension().string();
    if (ext == ".png" || ext == ".jpg" || ext == ".jpeg") files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  if (files.empty()) throw std::runtime_error(a.images.string() + ": no .png/.jpg files");
  if (static_cast<int>(files.size()) > a.count) files.resize(static_cast<std::size_t>(a.count));
  for (const auto& f : files) out.push_back(gloss::decode_image_file(f));
  return out;
}

struct Result {
  int batch = 0;
  int max_len = 0;
  std::vector<double> ips;      // images/s per repeat (wall clock)
  std::vector<double> cpu_ips;  // images per CPU-second of this process, per repeat
  std::string first_caption;
};

double cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

Result measure(gloss::Captioner& cap, const std::vector<gloss::Image>& pool, int batch, const Args& a,
               int max_len) {
  Result r;
  r.batch = batch;
  r.max_len = max_len;
  std::size_t next = 0;
  auto call = [&]() {
    std::vector<const gloss::Image*> b;
    for (int i = 0; i < batch; ++i) b.push_back(&pool[next++ % pool.size()]);
    auto captions = cap.caption(b);
    if (r.first_caption.empty() && !captions.empty()) r.first_caption = captions.front().text;
  };
  // Warm-up: two calls, then as many as fit in a quarter of --min-time, which
  // also sizes a repeat.
  call();
  call();
  int calls = 0;
  const auto w0 = Clock::now();
  do {
    call();
    ++calls;
  } while (std::chrono::duration<double>(Clock::now() - w0).count() < a.min_time / 4);
  const double per_call = std::chrono::duration<double>(Clock::now() - w0).count() / calls;
  const int iters = std::max(1, static_cast<int>(a.min_time / per_call + 0.5));
  for (int rep = 0; rep < a.reps; ++rep) {
    const double c0 = cpu_seconds();
    const auto t0 = Clock::now();
    for (int i = 0; i < iters; ++i) call();
    const double s = std::chrono::duration<double>(Clock::now() - t0).count();
    r.ips.push_back(iters * batch / s);
    r.cpu_ips.push_back(iters * batch / (cpu_seconds() - c0));
  }
  return r;
}

std::string json_escape(const std::string& s) {
  std::string o;
  for (char ch : s) {
    if (ch == '"' || ch == '\\') o += '\\';
    if (static_cast<unsigned char>(ch) < 0x20) continue;
    o += ch;
  }
  return o;
}

}  // namespace

int main(int argc, char** argv) try {
  Args a = parse_args(argc, argv);
  if (a.model.empty()) a.model = gloss::default_model_path();
  const auto pool = load_images(a);

  std::vector<Result> results;
  std::string describe;
  for (int max_len : a.split ? std::vector<int>{a.max_len, 1} : std::vector<int>{a.max_len}) {
    gloss::CaptionerOptions options;
    options.threads = a.threads;
    options.max_len = max_len;
    auto cap = gloss::load_captioner(a.model, options);
    describe = cap->describe();
    for (int b : a.batches) results.push_back(measure(*cap, pool, b, a, max_len));
  }

  if (a.json) {
    for (const auto& r : results) {
      std::printf("{\"side\": \"cpp\", \"model\": \"%s\", \"batch\": %d, \"threads\": %d, "
                  "\"max_len\": %d, \"ips\": [",
                  json_escape(a.model.filename().string()).c_str(), r.batch, a.threads, r.max_len);
      for (std::size_t i = 0; i < r.ips.size(); ++i) std::printf("%s%.4f", i ? ", " : "", r.ips[i]);
      std::printf("], \"cpu_ips\": [");
      for (std::size_t i = 0; i < r.cpu_ips.size(); ++i) std::printf("%s%.4f", i ? ", " : "", r.cpu_ips[i]);
      std::printf("], \"caption\": \"%s\"}\n", json_escape(r.first_caption).c_str());
    }
    return 0;
  }
  std::printf("model: %s (%s)\nimages: %zu (%s), threads %d, %d repeats of >= %.2f s after warm-up\n\n",
              a.model.string().c_str(), describe.c_str(), pool.size(),
              a.images.empty() ? "procedural 64x64" : a.images.string().c_str(), a.threads, a.reps,
              a.min_time);
  std::printf("| batch | max_len | images/s median | min | max | ms/image | images per CPU-s median "
              "| first caption |\n"
              "|------:|--------:|----------------:|----:|----:|---------:|--------:|---------------|\n");
  for (const auto& r : results) {
    const auto [lo, hi] = std::minmax_element(r.ips.begin(), r.ips.end());
    const double m = median(r.ips);
    std::printf("| %5d | %7d | %15.2f | %.2f | %.2f | %8.2f | %.2f | %s |\n", r.batch, r.max_len, m, *lo, *hi,
                1000.0 / m, median(r.cpu_ips), r.first_caption.c_str());
  }
  return 0;
} catch (const std::exception& e) {
  std::fprintf(stderr, "gloss_bench_captioner: %s\n", e.what());
  return 1;
}
