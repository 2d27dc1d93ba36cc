// A 1,000,000-task dataset (issue 14): builds one in a fresh store (tasks
// and answers written through the Store API; no image files), then measures
// what the window and the data commands do on it: `gloss stats` and `gloss
// datasets` as processes (wall time, peak RSS), and in-process the store
// calls behind paging, the gallery and jumps (task_at, tasks_at, answer_at,
// first_unanswered) and the one-pass stats report, with the process's
// memory split into its own and the store's mapped pages.
//
//   gloss_bench_million [--tasks 1000000] [--answered 0.9] [--dir /tmp] [--keep]
//
// Prints figures; never fails on a time.
#include <fcntl.h>
#include <spawn.h>
#include <unistd.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "bench/bench_util.h"
#include "core/dataset_report.h"
#include "core/lmdb_store.h"

extern char** environ;

namespace {
namespace fs = std::filesystem;
using Clock = gloss::bench::Clock;
using gloss::bench::ms_since;
using gloss::bench::status_kb;

struct Options {
  std::uint64_t tasks = 1000000;
  double answered = 0.9;
  fs::path dir = fs::temp_directory_path();
  bool keep = false;
};

double percentile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[std::min(v.size() - 1, static_cast<std::size_t>(p * v.size()))];
}

const char* const kCaptions[] = {"a red circle above a blue square", "two green triangles on a white background",
                                 "a small purple star left of a large yellow circle", "three orange squares in a row"};
const char* const kCategories[] = {"colour", "count", "position", "shape"};

gloss::ImportRecord record(std::uint64_t i, bool answered) {
  gloss::ImportRecord r;
  r.task.hash = 0x9E3779B97F4A7C15ull * (i + 1);
  char path[64];
  std::snprintf(path, sizeof path, "/data/photos/%03llu/img_%07llu.jpg", static_cast<unsigned long long>(i / 1000),
                static_cast<unsigned long long>(i));
  r.task.path = path;
  r.task.width = 4000;
  r.task.height = 3000;
  r.task.added_ms = 1764000000000;
  if (!answered) return r;
  gloss::Answer a;
  a.task = r.task.hash;
  a.session = "million-2026-12-02";
  a.orig_caption = kCaptions[i % 4];
  a.caption = i % 3 ? a.orig_caption : std::string(kCaptions[(i + 1) % 4]);
  a.model = "0123456789abcdef";
  a.answer = i % 50 == 0 ? gloss::AnswerKind::reject : gloss::AnswerKind::accept;
  if (i % 3 == 0) a.categories = {kCategories[i % 4]};
  a.started_ms = 1764000000000 + static_cast<std::int64_t>(i) * 2000;
  a.saved_ms = a.started_ms + 1500;
  a.ms_spent = 1500;
  a.edit_distance = i % 3 ? 0 : 3;
  r.answer = a;
  return r;
}

void build(const Options& o, const fs::path& db) {
  gloss::LmdbStore store({db, 64u << 20, false});
  const auto t0 = Clock::now();
  const std::uint64_t answered = static_cast<std::uint64_t>(o.answered * static_cast<double>(o.tasks));
  std::vector<gloss::ImportRecord> batch;
  for (std::uint64_t i = 0; i < o.tasks; ++i) {
    batch.push_back(record(i, i < answered));
    if (batch.size() == 50000 || i + 1 == o.tasks) {
      store.import_records("million", batch);
      batch.clear();
    }
  }
  std::printf("built: %llu tasks, %llu answered, in %.1f s; store %.0f MB\n",
              static_cast<unsigned long long>(o.tasks), static_cast<unsigned long long>(answered), ms_since(t0) / 1000,
              static_cast<double>(fs::file_size(db / "data.mdb")) / 1e6);
}

// Runs `gloss --db DB ARGS...` with output to /dev/null; wall ms and peak RSS.
void time_command(const fs::path& db, const std::vector<std::string>& args) {
  const std::string gloss = (fs::read_symlink("/proc/self/exe").parent_path() / "gloss").string();
  std::vector<std::string> argv{gloss, "--db", db.string()};
  argv.insert(argv.end(), args.begin(), args.end());
  std::vector<char*> cargv;
  for (auto& a : argv) cargv.push_back(a.data());
  cargv.push_back(nullptr);
  std::vector<double> walls;
  long rss = 0;
  for (int run = 0; run < 5; ++run) {
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    const auto t0 = Clock::now();
    pid_t pid = 0;
    if (posix_spawn(&pid, cargv[0], &fa, nullptr, cargv.data(), environ) != 0) {
      std::perror("posix_spawn");
      std::exit(1);
    }
    int status = 0;
    rusage usage{};
    wait4(pid, &status, 0, &usage);
    walls.push_back(ms_since(t0));
    rss = std::max(rss, usage.ru_maxrss);
    posix_spawn_file_actions_destroy(&fa);
  }
  std::string shown;
  for (const auto& a : args) shown += " " + a;
  std::printf("| gloss%s | %.0f ms (min %.0f) | %.0f MB |\n", shown.c_str(), percentile(walls, 0.5),
              *std::min_element(walls.begin(), walls.end()), static_cast<double>(rss) / 1024);
}

template <class F>
void time_calls(const char* what, int n, F&& call) {
  std::vector<double> us;
  for (int i = 0; i < n; ++i) {
    const auto t0 = Clock::now();
    call(i);
    us.push_back(ms_since(t0) * 1000);
  }
  std::printf("| %s | %d | %.1f | %.1f | %.1f |\n", what, n, percentile(us, 0.5), percentile(us, 0.99),
              *std::max_element(us.begin(), us.end()));
}

void store_calls(const Options& o, const fs::path& db) {
  gloss::LmdbStore store({db});
  const gloss::DatasetInfo d = store.require_dataset("million");
  std::mt19937_64 rng(42);
  std::uniform_int_distribution<std::uint64_t> pos(0, d.size - 1);
  std::printf("\n| store call (1M tasks) | calls | p50 µs | p99 µs | max µs |\n|---|---|---|---|---|\n");
  time_calls("task_at (a jump)", 10000, [&](int) { (void)store.task_at(d, pos(rng)); });
  time_calls("task_at + task (open a task)", 10000, [&](int) { (void)store.task(*store.task_at(d, pos(rng))); });
  time_calls("answer_at", 10000, [&](int) { (void)store.answer_at(d, pos(rng), gloss::default_annotator()); });
  time_calls("tasks_at 60 (a gallery page)", 2000, [&](int) { (void)store.tasks_at(d, pos(rng), 60); });
  time_calls("first_unanswered from 0", 20, [&](int) { (void)store.first_unanswered(d, 0, gloss::default_annotator()); });
  time_calls("first_unanswered from a random place", 200, [&](int) { (void)store.first_unanswered(d, pos(rng), gloss::default_annotator()); });
  const auto t0 = Clock::now();
  const gloss::DatasetReport report = gloss::dataset_report(store, d);
  std::printf("\ndataset_report (what gloss stats prints) in-process: %.0f ms over %llu answers\n", ms_since(t0),
              static_cast<unsigned long long>(report.stats.counts.answered));
  // LMDB maps the store: pages it reads count as RSS but are the page
  // cache's, shared and clean (RssFile); the process's own memory is RssAnon.
  std::printf("bench process after all of it: peak RSS %.0f MB = own memory (RssAnon) %.1f MB + the store's mapped pages (RssFile) %.0f MB\n",
              static_cast<double>(status_kb("VmHWM")) / 1024, static_cast<double>(status_kb("RssAnon")) / 1024,
              static_cast<double>(status_kb("RssFile")) / 1024);
  (void)o;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto next = [&] { return i + 1 < argc ? std::string(argv[++i]) : (std::fprintf(stderr, "%s needs a value\n", a.c_str()), std::exit(2), std::string()); };
    if (a == "--tasks") o.tasks = std::stoull(next());
    else if (a == "--answered") o.answered = std::stod(next());
    else if (a == "--dir") o.dir = next();
    else if (a == "--keep") o.keep = true;
    else {
      std::fprintf(stderr, "usage: gloss_bench_million [--tasks 1000000] [--answered 0.9] [--dir /tmp] [--keep]\n");
      return 2;
    }
  }
  const fs::path db = o.dir / ("gloss-bench-million-" + std::to_string(getpid()));
  // Built in a child process: the parent's memory must stay small, because a
  // spawned command's peak RSS (ru_maxrss) counts its parent's pages at fork.
  if (const pid_t child = fork(); child == 0) {
    build(o, db);
    std::fflush(stdout);
    _exit(0);
  } else {
    int status = 0;
    waitpid(child, &status, 0);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) return 1;
  }
  std::printf("\n| command | wall (median of 5) | peak RSS |\n|---|---|---|\n");
  time_command(db, {"--help"});
  time_command(db, {"datasets"});
  time_command(db, {"stats", "million"});
  store_calls(o, db);
  if (o.keep) std::printf("kept %s\n", db.c_str());
  else fs::remove_all(db);
  return 0;
}
