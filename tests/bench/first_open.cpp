// First open of a folder never seen before (issue 14): how soon the first
// image is in the store (the window opens on it) with the streamed scan,
// against the whole-list scan gloss caption made before, and a full
// `gloss add` of the same folder in the same run; throughput in files/s and
// MB/s, and each one's peak RSS (each runs in its own child process). Then
// the content hash against the disk: XXH3 GB/s in memory vs O_DIRECT reads.
//
//   gloss_bench_first_open [--count 250000] [--size 16] [--dir /tmp]
//                          [--gloss build/gloss] [--hash-mb 1024] [--keep]
//
// The folder is generated here (PNGs of --size px, each different, 1,000 to
// a folder), so its page cache is warm: the figures are the CPU's and the
// store's, the disk's own speed is the O_DIRECT line. Never fails on a time.
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "core/folder_scan.h"
#include "core/hash.h"
#include "core/image.h"
#include "core/lmdb_store.h"

namespace {
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using namespace gloss;

struct Args {
  long count = 250000;
  int size = 16;
  fs::path dir = fs::temp_directory_path();
  fs::path gloss;
  long hash_mb = 1024;
  bool keep = false;
};

double since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

Image pattern(int side, std::uint32_t seed) {
  Image img;
  img.width = img.height = side;
  img.rgb.resize(static_cast<std::size_t>(side) * side * 3);
  std::uint32_t x = seed * 2654435761u + 12345u;
  for (auto& v : img.rgb) {
    x ^= x << 13, x ^= x >> 17, x ^= x << 5;
    v = static_cast<std::uint8_t>(x);
  }
  return img;
}

std::uint64_t generate(const fs::path& folder, const Args& a) {
  std::atomic<long> next{0};
  std::atomic<std::uint64_t> bytes{0};
  auto work = [&] {
    for (long i; (i = next++) < a.count;) {
      char name[64];
      std::snprintf(name, sizeof name, "%04ld/%07ld.png", i / 1000, i);
      const fs::path p = folder / name;
      if (i % 1000 == 0) fs::create_directories(p.parent_path());
      while (!fs::exists(p.parent_path())) std::this_thread::yield();
      write_png(p, pattern(a.size, static_cast<std::uint32_t>(i)));
      bytes += fs::file_size(p);
    }
  };
  std::vector<std::thread> threads;
  for (unsigned t = 0; t < std::max(1u, std::thread::hardware_concurrency()); ++t) threads.emplace_back(work);
  for (auto& t : threads) t.join();
  return bytes;
}

struct Figures {
  double first = 0, total = 0, files = 0, bytes = 0;
  long rss_kb = 0;
};

// Runs `measure` in a child process; its figures come back through a pipe,
// its peak RSS from wait4.
Figures in_child(const std::function<Figures()>& measure) {
  int fds[2];
  if (pipe(fds) != 0) return {};
  const pid_t pid = fork();
  if (pid == 0) {
    close(fds[0]);
    const Figures f = measure();
    if (write(fds[1], &f, sizeof f) != sizeof f) _exit(1);
    _exit(0);
  }
  close(fds[1]);
  Figures f;
  if (read(fds[0], &f, sizeof f) != sizeof f) std::fprintf(stderr, "bench: a measurement failed\n");
  close(fds[0]);
  int status = 0;
  rusage usage{};
  wait4(pid, &status, 0, &usage);
  f.rss_kb = usage.ru_maxrss;
  return f;
}

// Before issue 14: every file listed, read, hashed and probed, then added; the window opened after.
Figures whole_list(const fs::path& folder, const fs::path& db) {
  LmdbStore store({db});
  const auto start = Clock::now();
  SourceScan scan = scan_source(folder, [&](const FileStamp& f) -> std::optional<Task> {
    const auto h = store.known_file(f);
    return h ? store.task(*h) : std::nullopt;
  });
  store.remember_files(scan.read);
  store.add_tasks("d", scan.tasks);
  Figures f;
  f.first = f.total = since(start);
  f.files = static_cast<double>(scan.tasks.size());
  for (const FileStamp& s : scan.read) f.bytes += static_cast<double>(s.size);
  return f;
}

// gloss caption now: the first batch committed is the first image the window shows.
Figures streamed(const fs::path& folder, const fs::path& db) {
  LmdbStore store({db});
  const auto start = Clock::now();
  FolderScan scan(store, "d", folder);
  std::thread run([&] { scan.run(); });
  Figures f;
  while (!scan.progress().finished && scan.progress().done == 0) std::this_thread::sleep_for(std::chrono::microseconds(200));
  f.first = since(start);
  run.join();
  f.total = since(start);
  const ScanProgress p = scan.progress();
  f.files = static_cast<double>(p.done);
  f.bytes = static_cast<double>(p.bytes_read);
  return f;
}

Figures gloss_add(const fs::path& gloss, const fs::path& folder, const fs::path& db) {
  const auto start = Clock::now();
  const std::string command = "'" + gloss.string() + "' --db '" + db.string() + "' add d '" + folder.string() +
                              "' > /dev/null 2>&1";
  Figures f;
  if (std::system(command.c_str()) != 0) std::fprintf(stderr, "bench: %s failed\n", command.c_str());
  f.first = f.total = since(start);
  return f;
}

void row(const char* what, const Figures& f, double files, double bytes) {
  std::printf("| %-44s | %9.3f | %8.2f | %9.0f | %7.0f | %7.0f |\n", what, f.first, f.total, files / f.total,
              bytes / f.total / 1e6, static_cast<double>(f.rss_kb) / 1024);
}

// XXH3 over memory against reading the disk past the page cache.
void hash_against_disk(const fs::path& dir, long mb) {
  const std::size_t chunk = 4u << 20;
  std::vector<char> buffer(chunk * 64);
  for (std::size_t i = 0; i < buffer.size(); ++i) buffer[i] = static_cast<char>(i * 131 + (i >> 12));
  auto start = Clock::now();
  std::uint64_t sink = 0;
  for (int r = 0; r < 8; ++r) sink ^= content_hash({buffer.data(), buffer.size()});
  const double hash_gbs = 8.0 * static_cast<double>(buffer.size()) / since(start) / 1e9;

  const fs::path file = dir / "gloss-bench-hash.bin";
  {
    FILE* out = std::fopen(file.c_str(), "wb");
    for (long written = 0; out && written < mb; written += 4) std::fwrite(buffer.data(), 1, chunk, out);
    if (out) std::fclose(out);
  }
  sync();
  double disk_gbs = 0, cached_gbs = 0;
  void* aligned = nullptr;
  if (posix_memalign(&aligned, 4096, chunk) == 0) {
    const int fd = open(file.c_str(), O_RDONLY | O_DIRECT);
    start = Clock::now();
    std::uint64_t total = 0;
    for (ssize_t n; fd >= 0 && (n = read(fd, aligned, chunk)) > 0;) total += static_cast<std::uint64_t>(n);
    disk_gbs = static_cast<double>(total) / since(start) / 1e9;
    if (fd >= 0) close(fd);
    const int cached = open(file.c_str(), O_RDONLY);
    start = Clock::now();
    total = 0;
    for (ssize_t n; cached >= 0 && (n = read(cached, aligned, chunk)) > 0;) total += static_cast<std::uint64_t>(n);
    cached_gbs = static_cast<double>(total) / since(start) / 1e9;
    if (cached >= 0) close(cached);
    std::free(aligned);
  }
  fs::remove(file);
  std::printf("\ncontent hash vs reading (%ld MB file; sink %llx)\n", mb, static_cast<unsigned long long>(sink & 1));
  std::printf("| XXH3-64 over memory, one core | %.1f GB/s |\n", hash_gbs);
  std::printf("| read, O_DIRECT (the disk)     | %.2f GB/s |\n", disk_gbs);
  std::printf("| read, page cache              | %.1f GB/s |\n", cached_gbs);
}

Args parse(int argc, char** argv) {
  Args a;
  a.gloss = fs::canonical("/proc/self/exe").parent_path() / "gloss";
  for (int i = 1; i < argc; ++i) {
    const std::string k = argv[i];
    auto value = [&] { return i + 1 < argc ? std::string(argv[++i]) : std::string(); };
    if (k == "--count") a.count = std::stol(value());
    else if (k == "--size") a.size = std::stoi(value());
    else if (k == "--dir") a.dir = value();
    else if (k == "--gloss") a.gloss = value();
    else if (k == "--hash-mb") a.hash_mb = std::stol(value());
    else if (k == "--keep") a.keep = true;
    else {
      std::fprintf(stderr, "usage: gloss_bench_first_open [--count N] [--size PX] [--dir D] [--gloss PATH] [--hash-mb MB] [--keep]\n");
      std::exit(2);
    }
  }
  return a;
}

}  // namespace

int main(int argc, char** argv) {
  const Args a = parse(argc, argv);
  const fs::path root = a.dir / ("gloss-bench-first-open-" + std::to_string(getpid()));
  const fs::path folder = root / "images";
  std::printf("first open: %ld PNGs of %dx%d px, %u cores\n", a.count, a.size, a.size, std::thread::hardware_concurrency());
  auto start = Clock::now();
  const double bytes = static_cast<double>(generate(folder, a));
  std::printf("generated in %.1f s: %.1f MB\n\n", since(start), bytes / 1e6);

  std::printf("| %-44s | %9s | %8s | %9s | %7s | %7s |\n", "page cache warm", "first (s)", "all (s)", "files/s",
              "MB/s", "RSS MB");
  std::printf("|%s|%s|%s|%s|%s|%s|\n", std::string(46, '-').c_str(), std::string(11, '-').c_str(),
              std::string(10, '-').c_str(), std::string(11, '-').c_str(), std::string(9, '-').c_str(),
              std::string(9, '-').c_str());
  const Figures before = in_child([&] { return whole_list(folder, root / "db-whole"); });
  row("whole-list scan, then add (caption before)", before, static_cast<double>(a.count), bytes);
  const Figures now = in_child([&] { return streamed(folder, root / "db-streamed"); });
  row("streamed scan (caption now)", now, static_cast<double>(a.count), bytes);
  Figures add;
  if (fs::exists(a.gloss)) {
    add = in_child([&] { return gloss_add(a.gloss, folder, root / "db-add"); });
    row("gloss add (the binary, progress bar)", add, static_cast<double>(a.count), bytes);
  }
  const Figures again = in_child([&] { return streamed(folder, root / "db-streamed"); });
  row("streamed again: every file known (re-open)", again, static_cast<double>(a.count), 0);
  std::printf("\nfirst image in the store %.0fx sooner; the whole folder %.2fx the time of the whole-list scan\n",
              before.first / now.first, now.total / before.total);

  hash_against_disk(a.dir, a.hash_mb);
  if (!a.keep) fs::remove_all(root);
  else std::printf("kept %s\n", root.c_str());
  return 0;
}
