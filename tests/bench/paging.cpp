// Paging under a scripted annotator, and opening a large dataset (issue 7,
// parts 1 and 4). Drives the real `gloss caption` window (under xvfb-run when
// DISPLAY is unset) with generated --replay scripts, reads its --bench-log and
// prints one table. Never fails on a time; exits 1 only when a run fails.
//
//   gloss_bench_paging                       # defaults: a few minutes
//   gloss_bench_paging --full                # 2,000 images, 100k tasks, 10k pages
//   gloss_bench_paging --images 2000 --tasks 600 --paces 1.0 --no-jumps --skip-open
//
// Paging: `gloss synth DIR --count IMAGES --seed 5 --size 64`; for each
// scenario a fresh store (cold suggestion cache), the bundled model, and a
// script: wait-suggestion on the first image, then TASKS times "wait PACE; key
// Enter" (the jump scenario replaces a quarter of them by Ctrl+G, a number
// within +-200 of the cursor, Enter). Key-to-image is measured by gloss itself
// (src/ui/bench_log.cpp): from the action's dispatch to the end, after the
// buffer swap, of the first frame that drew the new task's texture.
//
// --photos MP pages through camera-sized JPEGs instead (make_photos).
//
// Open and memory: BIG_TASKS distinct images (1,000 synthetic scenes, each
// copied BIG_TASKS/1000 times with 8 different bytes appended after the PNG's
// end: decoders ignore them, the content hash does not, so every copy is its
// own task), `gloss add`, then `gloss caption` timed from this process's
// spawn to the first frame that drew an image (warm: repeated; cold: after
// `echo 3 > /proc/sys/vm/drop_caches`, with --drop-caches), then PAGE steps of
// "action next; wait 20" for the peak RSS (VmHWM at exit).
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

extern char** environ;

namespace fs = std::filesystem;
using json = nlohmann::json;

namespace {

struct Options {
  fs::path gloss;
  fs::path work;
  fs::path model;
  int images = 200;
  int tasks = 90;
  std::vector<double> paces = {1.0, 0.5};
  bool jumps = true;
  double jump_pace = 1.0;
  bool paging = true;
  bool open = true;
  int big_tasks = 10000;
  int page = 1000;
  int page_wait_ms = 20;
  int repeat = 3;
  bool drop_caches = false;
  int ahead = 32;
  int photos_mp = 0;  // > 0: page through camera JPEGs of this many megapixels instead of synthetic scenes
  // Non-empty: each paging scenario's store is a fresh PostgreSQL database on
  // the server whose Unix socket is in this folder (as the superuser postgres).
  std::string pg_socket;
};

double now_s() {
  using namespace std::chrono;
  return duration<double>(steady_clock::now().time_since_epoch()).count();
}

// Runs argv with stdout and stderr to `log`; returns the exit status and, in
// `launched`, the steady clock just before the spawn.
int run(const std::vector<std::string>& argv, const fs::path& log, double* launched = nullptr) {
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 1, log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  posix_spawn_file_actions_adddup2(&fa, 1, 2);
  pid_t pid = 0;
  if (launched) *launched = now_s();
  const int rc = posix_spawnp(&pid, args[0], &fa, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  if (rc != 0) {
    std::fprintf(stderr, "cannot run %s: %s\n", args[0], std::strerror(rc));
    return 127;
  }
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

[[noreturn]] void fail(const std::string& what, const fs::path& log) {
  std::fprintf(stderr, "gloss_bench_paging: %s failed; its output (%s):\n", what.c_str(), log.c_str());
  std::ifstream in(log);
  std::string line;
  std::vector<std::string> tail;
  while (std::getline(in, line)) tail.push_back(line);
  for (std::size_t i = tail.size() > 30 ? tail.size() - 30 : 0; i < tail.size(); ++i)
    std::fprintf(stderr, "  %s\n", tail[i].c_str());
  std::exit(1);
}

double pct(std::vector<double> v, double p) {
  if (v.empty()) return NAN;
  std::sort(v.begin(), v.end());
  const double r = p / 100.0 * (v.size() - 1);
  const auto lo = static_cast<std::size_t>(std::floor(r)), hi = static_cast<std::size_t>(std::ceil(r));
  return v[lo] + (v[hi] - v[lo]) * (r - lo);
}

std::vector<json> read_log(const fs::path& file) {
  std::vector<json> out;
  std::ifstream in(file);
  std::string line;
  while (std::getline(in, line))
    if (!line.empty()) out.push_back(json::parse(line, nullptr, false));
  return out;
}

std::string fmt(double v, int digits = 1) {
  if (std::isnan(v)) return "–";
  char b[32];
  std::snprintf(b, sizeof b, "%.*f", digits, v);
  return b;
}

// ---- paging

struct Scenario {
  std::string name;
  double pace_s = 1.0;
  bool jumps = false;
};

// Simulates accept's "next without an answer" (wrapping) to keep the jump
// targets within +-200 of where the cursor really is.
std::string make_script(const Scenario& s, int images, int tasks, unsigned seed) {
  std::ostringstream out;
  out << "# generated by gloss_bench_paging: " << s.name << "\nwait-suggestion\n";
  std::mt19937 rng(seed);
  std::vector<bool> answered(images, false);
  int pos = 0;
  auto next_unanswered = [&](int from) {
    for (int i = 0; i < images; ++i) {
      const int p = (from + i) % images;
      if (!answered[p]) return p;
    }
    return from;
  };
  const int wait_ms = static_cast<int>(std::lround(s.pace_s * 1000));
  // A person types a jump's 1-4 digits in about 300 ms before pressing Enter;
  // the task's pace stays the same.
  const int typing_ms = std::min(300, wait_ms / 2);
  for (int i = 0; i < tasks; ++i) {
    if (s.jumps && rng() % 4 == 0) {
      const int delta = static_cast<int>(rng() % 200) + 1;
      const int target = std::clamp(rng() % 2 ? pos + delta : pos - delta, 0, images - 1);
      out << "wait " << wait_ms - typing_ms << "\nkey Ctrl+G\ntype " << (target + 1) << "\nwait " << typing_ms
          << "\nkey Enter\n";
      pos = target;
    } else {
      out << "wait " << wait_ms << "\nkey Enter\n";
      answered[pos] = true;
      pos = next_unanswered(pos + 1);
    }
  }
  out << "quit\n";
  return out.str();
}

struct PagingResult {
  Scenario s;
  int moves = 0, stalls = 0, refused = 0, unshown = 0, next_moves = 0, jump_moves = 0;
  std::vector<double> next_ms, jump_ms, frame_ms, interval_ms, ready;
  std::vector<double> save_ms, build_ms, render_ms, swap_ms;  // where the time goes
  std::vector<std::pair<double, double>> ready_series;  // (seconds since the first move, ready_ahead)
  double wall_s = 0;
  std::uint64_t exit_stalls = 0;
  long vmhwm_kb = 0;
};

PagingResult analyse_paging(const Scenario& s, const std::vector<json>& events) {
  PagingResult r;
  r.s = s;
  std::optional<double> first_move_t;
  std::int64_t last_pos = -1;
  bool accept_pending = false;
  std::map<std::string, std::int64_t> move_delta;  // task -> distance of the move that opened it
  double prev_t1 = 0, last_dispatch_t = -1;
  for (const json& e : events) {
    if (!e.is_object()) continue;
    const std::string ev = e.value("ev", "");
    if (ev == "dispatch") {
      last_dispatch_t = e["t"].get<double>();
      if (accept_pending) ++r.refused;
      accept_pending = e.value("action", "") == "accept";
    } else if (ev == "move") {
      accept_pending = false;
      ++r.moves;
      if (last_dispatch_t > 0) r.save_ms.push_back((e["t"].get<double>() - last_dispatch_t) * 1e3);
      last_dispatch_t = -1;
      if (!first_move_t) first_move_t = e["t"].get<double>();
      if (e.value("stall", false)) ++r.stalls;
      const std::int64_t pos = e["pos"].get<std::int64_t>();
      move_delta[e["task"].get<std::string>()] = last_pos < 0 ? 1 : pos - last_pos;
      last_pos = pos;
    } else if (ev == "shown") {
      const auto it = move_delta.find(e["task"].get<std::string>());
      const bool next = it == move_delta.end() || it->second == 1;
      (next ? r.next_ms : r.jump_ms).push_back(e["ms"].get<double>());
    } else if (ev == "frame") {
      const double t0 = e["t0"].get<double>(), t1 = e["t1"].get<double>();
      r.frame_ms.push_back((t1 - t0) * 1e3);
      if (prev_t1 > 0) r.interval_ms.push_back((t1 - prev_t1) * 1e3);
      if (e.value("build_ms", -1.0) >= 0) r.build_ms.push_back(e["build_ms"].get<double>());
      if (e.value("render_ms", -1.0) >= 0) r.render_ms.push_back(e["render_ms"].get<double>());
      if (e.value("swap_ms", -1.0) >= 0) r.swap_ms.push_back(e["swap_ms"].get<double>());
      prev_t1 = t1;
      if (first_move_t && t1 >= *first_move_t) {
        r.ready.push_back(e["ready_ahead"].get<double>());
        r.ready_series.push_back({t1 - *first_move_t, e["ready_ahead"].get<double>()});
      }
    } else if (ev == "exit") {
      r.exit_stalls = e.value("stalls", 0ull);
      r.vmhwm_kb = e.value("vmhwm_kb", 0l);
    }
  }
  for (const auto& [task, delta] : move_delta) (void)task, (delta == 1 ? r.next_moves : r.jump_moves)++;
  r.unshown = r.moves - static_cast<int>(r.next_ms.size() + r.jump_ms.size());
  if (!events.empty() && first_move_t && events.back().is_object() && events.back().contains("t"))
    r.wall_s = events.back()["t"].get<double>() - *first_move_t;
  return r;
}

// `images` distinct camera-sized JPEGs: GNOME's wood wallpaper (a real photo)
// resized to `mp` megapixels at 4:3 and encoded once, then copied with 8
// distinct bytes after the end of the JPEG (decoders ignore them, the content
// hash does not, so each copy is its own task).
fs::path make_photos(const Options& o) {
  const fs::path dir = o.work / ("photos-" + std::to_string(o.photos_mp) + "mp-" + std::to_string(o.images));
  if (fs::exists(dir / "done")) return dir;
  fs::create_directories(dir);
  const int w = static_cast<int>(std::lround(std::sqrt(o.photos_mp * 1e6 * 4 / 3))), h = w * 3 / 4;
  const fs::path base = o.work / "photo-base.jpg", log = o.work / "photos.log";
  std::fprintf(stderr, "making %d JPEGs of %dx%d in %s\n", o.images, w, h, dir.c_str());
  if (run({"vips", "thumbnail", "/usr/share/backgrounds/gnome/wood-d.webp", base.string() + "[Q=90]", std::to_string(w),
           "--height", std::to_string(h), "--size", "force"},
          log) != 0)
    fail("vips thumbnail (is gnome-backgrounds installed?)", log);
  std::ifstream in(base, std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  for (int i = 0; i < o.images; ++i) {
    char name[32];
    std::snprintf(name, sizeof name, "photo-%05d.jpg", i);
    std::ofstream out(dir / name, std::ios::binary);
    out << bytes;
    out.write(reinterpret_cast<const char*>(&i), sizeof i);
    out.write("GLOS", 4);
  }
  std::ofstream(dir / "done") << "ok\n";
  return dir;
}

std::vector<PagingResult> run_paging(const Options& o) {
  const fs::path synth = o.photos_mp > 0 ? make_photos(o) : o.work / ("synth-" + std::to_string(o.images));
  if (o.photos_mp == 0 && !fs::exists(synth / "captions.jsonl")) {
    std::fprintf(stderr, "synth %d images into %s\n", o.images, synth.c_str());
    const fs::path log = o.work / "synth.log";
    if (run({o.gloss.string(), "synth", synth.string(), "--count", std::to_string(o.images), "--seed", "5", "--size",
             "64"},
            log) != 0)
      fail("gloss synth", log);
  }
  std::vector<Scenario> scenarios;
  for (double p : o.paces) scenarios.push_back({"accept every " + fmt(p, 2) + " s", p, false});
  if (o.jumps) scenarios.push_back({"jumps ±200, " + fmt(o.jump_pace, 2) + " s", o.jump_pace, true});
  std::vector<PagingResult> results;
  int k = 0;
  for (const Scenario& s : scenarios) {
    // Named by scenario and size, so runs sharing --work keep each other's logs.
    const std::string tag = "paging-" + (o.photos_mp > 0 ? std::to_string(o.photos_mp) + "mp-" : std::string()) +
                            std::to_string(o.images) + "-" + std::to_string(std::min(o.tasks, o.images)) + "-" +
                            (s.jumps ? "jumps-" : "pace-") + std::to_string(std::lround(s.pace_s * 1000)) + "ms";
    ++k;
    fs::path db = o.work / (tag + "-db");
    fs::remove_all(db);  // a cold suggestion cache for every scenario
    const std::string pg_name = "gloss_bench_" + std::to_string(k);
    if (!o.pg_socket.empty()) {
      db = "postgresql:///" + pg_name + "?host=" + o.pg_socket + "&user=postgres";
      const fs::path psql_log = o.work / "psql.log";
      for (const std::string& sql : {"DROP DATABASE IF EXISTS " + pg_name, "CREATE DATABASE " + pg_name})
        if (run({"psql", "-h", o.pg_socket, "-U", "postgres", "-d", "postgres", "-qc", sql}, psql_log) != 0)
          fail("psql " + sql, psql_log);
    }
    const fs::path script = o.work / (tag + ".replay"), log = o.work / (tag + ".jsonl"), out = o.work / (tag + ".out");
    std::ofstream(script) << make_script(s, o.images, std::min(o.tasks, o.images), 7 + k);
    fs::remove(log), fs::remove(out);
    std::fprintf(stderr, "%s: %d tasks (about %.0f s)\n", s.name.c_str(), o.tasks, o.tasks * s.pace_s + 10);
    std::vector<std::string> argv = {o.gloss.string(), "--db", db.string(), "caption", "bench", synth.string(),
                                     "--replay", script.string(), "--bench-log", log.string(),
                                     "--session", "bench", "--ahead", std::to_string(o.ahead)};
    if (!o.model.empty()) argv.insert(argv.end(), {"--model", o.model.string()});
    if (run(argv, out) != 0) fail("gloss caption (" + s.name + ")", out);
    results.push_back(analyse_paging(s, read_log(log)));
    fs::remove_all(db);
  }
  return results;
}

void print_paging(const Options& o, const std::vector<PagingResult>& rs) {
  const std::string what = o.photos_mp > 0 ? std::to_string(o.photos_mp) + " MP camera JPEGs" : "synthetic 64 px images";
  std::printf("\n## Paging: %d %s, bundled model, --ahead %d, %d tasks per scenario, store: %s\n\n", o.images,
              what.c_str(), o.ahead, std::min(o.tasks, o.images),
              o.pg_socket.empty() ? "LMDB" : "PostgreSQL (local socket), through the outbox");
  std::printf("| scenario | moves (next/jump) | stalls | Enter refused | key→image next p50 / p99 / max ms | "
              "key→image jump p50 / p99 / max ms | frame p50 / p99 ms | frame interval p50 / p99 ms | "
              "ready ahead min / p10 / p50 | VmHWM MB | wall s |\n");
  std::printf("|---|---|---|---|---|---|---|---|---|---|---|\n");
  for (const auto& r : rs) {
    auto mx = [](const std::vector<double>& v) { return v.empty() ? NAN : *std::max_element(v.begin(), v.end()); };
    std::printf("| %s | %d (%d/%d) | %d | %d | %s / %s / %s | %s / %s / %s | %s / %s | %s / %s | %s / %s / %s | %.0f | %.0f |\n",
                r.s.name.c_str(), r.moves, r.next_moves, r.jump_moves, r.stalls, r.refused,
                fmt(pct(r.next_ms, 50)).c_str(), fmt(pct(r.next_ms, 99)).c_str(), fmt(mx(r.next_ms)).c_str(),
                fmt(pct(r.jump_ms, 50)).c_str(), fmt(pct(r.jump_ms, 99)).c_str(), fmt(mx(r.jump_ms)).c_str(),
                fmt(pct(r.frame_ms, 50), 2).c_str(), fmt(pct(r.frame_ms, 99), 2).c_str(),
                fmt(pct(r.interval_ms, 50), 2).c_str(), fmt(pct(r.interval_ms, 99), 2).c_str(),
                fmt(r.ready.empty() ? NAN : *std::min_element(r.ready.begin(), r.ready.end()), 0).c_str(),
                fmt(pct(r.ready, 10), 0).c_str(), fmt(pct(r.ready, 50), 0).c_str(), r.vmhwm_kb / 1024.0, r.wall_s);
  }
  std::printf("\nWhere the time goes (p50 / p99 ms): the action itself (dispatch to the cursor's move: the answer's "
              "fsynced commit, the next task's lookup), then the frame: building it (ImGui::NewFrame and "
              "WindowShell::frame: the action runs in there too), ImGui::Render and the GL calls, the buffer swap (llvmpipe rasterises there).\n\n");
  std::printf("| scenario | action (save + open) | frame: build | frame: render | frame: swap |\n|---|---|---|---|---|\n");
  for (const auto& r : rs)
    std::printf("| %s | %s / %s | %s / %s | %s / %s | %s / %s |\n", r.s.name.c_str(), fmt(pct(r.save_ms, 50), 2).c_str(),
                fmt(pct(r.save_ms, 99), 2).c_str(), fmt(pct(r.build_ms, 50), 2).c_str(),
                fmt(pct(r.build_ms, 99), 2).c_str(), fmt(pct(r.render_ms, 50), 2).c_str(),
                fmt(pct(r.render_ms, 99), 2).c_str(), fmt(pct(r.swap_ms, 50), 2).c_str(),
                fmt(pct(r.swap_ms, 99), 2).c_str());
  std::printf("\nReady ahead over time (minimum over each tenth of the run, after the first move):\n\n");
  std::printf("| scenario | 0–10%% | 10–20%% | 20–30%% | 30–40%% | 40–50%% | 50–60%% | 60–70%% | 70–80%% | 80–90%% | 90–100%% |\n");
  std::printf("|---|---|---|---|---|---|---|---|---|---|---|\n");
  for (const auto& r : rs) {
    std::printf("| %s |", r.s.name.c_str());
    const double span = r.ready_series.empty() ? 0 : r.ready_series.back().first;
    for (int b = 0; b < 10; ++b) {
      double m = NAN;
      for (const auto& [t, v] : r.ready_series)
        if (span > 0 && t >= span * b / 10 && t <= span * (b + 1) / 10) m = std::isnan(m) ? v : std::min(m, v);
      std::printf(" %s |", fmt(m, 0).c_str());
    }
    std::printf("\n");
  }
}

// ---- open and memory

// 1,000 synthetic scenes, copied to `tasks` files with distinct trailing bytes.
fs::path make_big(const Options& o) {
  const fs::path dir = o.work / ("big-" + std::to_string(o.big_tasks));
  if (fs::exists(dir / ".done")) return dir;
  const fs::path base = o.work / "base-1000";
  if (!fs::exists(base / "captions.jsonl")) {
    const fs::path log = o.work / "synth-base.log";
    if (run({o.gloss.string(), "synth", base.string(), "--count", "1000", "--seed", "7", "--size", "64"}, log) != 0)
      fail("gloss synth (base)", log);
  }
  std::vector<std::string> pngs;
  for (const auto& e : fs::recursive_directory_iterator(base))
    if (e.path().extension() == ".png") {
      std::ifstream in(e.path(), std::ios::binary);
      pngs.emplace_back(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    }
  std::sort(pngs.begin(), pngs.end());
  if (pngs.empty()) {
    std::fprintf(stderr, "no PNG under %s\n", base.c_str());
    std::exit(1);
  }
  fs::remove_all(dir);
  const double t = now_s();
  for (int i = 0; i < o.big_tasks; ++i) {
    char name[64];
    std::snprintf(name, sizeof name, "%04d/img-%07d.png", i / 1000, i);
    const fs::path p = dir / "images" / name;
    if (i % 1000 == 0) fs::create_directories(p.parent_path());
    std::ofstream out(p, std::ios::binary);
    const std::string& b = pngs[static_cast<std::size_t>(i) % pngs.size()];
    out.write(b.data(), static_cast<std::streamsize>(b.size()));
    char tail[8];
    std::memcpy(tail, &i, sizeof i);
    std::memcpy(tail + 4, "GLSB", 4);
    out.write(tail, sizeof tail);
  }
  std::ofstream(dir / ".done") << "ok\n";
  std::fprintf(stderr, "wrote %d images in %.1f s\n", o.big_tasks, now_s() - t);
  return dir;
}

struct OpenRun {
  double launch_to_open = NAN, open_to_frame = NAN, frame_to_image = NAN, total = NAN;
};

OpenRun open_once(const Options& o, const fs::path& db, const fs::path& images, const std::string& tag) {
  const fs::path script = o.work / (tag + ".replay"), log = o.work / (tag + ".jsonl"), out = o.work / (tag + ".out");
  std::ofstream(script) << "screenshot " << (o.work / (tag + ".png")).string() << "\nquit\n";
  fs::remove(log), fs::remove(out);
  std::vector<std::string> argv = {o.gloss.string(), "--db", db.string(), "caption", "big", images.string(),
                                   "--replay", script.string(), "--bench-log", log.string(), "--session", "bench"};
  if (!o.model.empty()) argv.insert(argv.end(), {"--model", o.model.string()});
  double launched = 0;
  if (run(argv, out, &launched) != 0) fail("gloss caption (" + tag + ")", out);
  OpenRun r;
  double open_t = NAN, frame_t = NAN;
  for (const json& e : read_log(log)) {
    if (!e.is_object()) continue;
    const std::string ev = e.value("ev", "");
    if (ev == "open") open_t = e["t"];
    if (ev == "frame" && std::isnan(frame_t)) frame_t = e["t0"];
    if (ev == "first_image") {
      const double t = e["t"];
      r.launch_to_open = open_t - launched;
      r.open_to_frame = frame_t - open_t;
      r.frame_to_image = t - frame_t;
      r.total = t - launched;
      break;
    }
  }
  return r;
}

bool drop_caches() {
  ::sync();
  FILE* f = std::fopen("/proc/sys/vm/drop_caches", "w");
  if (!f) return false;
  const bool ok = std::fputs("3\n", f) >= 0;
  return std::fclose(f) == 0 && ok;
}

void run_open(const Options& o) {
  const fs::path big = make_big(o);
  const fs::path images = big / "images";
  const fs::path db = o.work / "big-db";
  fs::remove_all(db);
  const fs::path add_log = o.work / "big-add.out";
  fs::remove(add_log);
  double t0 = 0;
  if (run({o.gloss.string(), "--db", db.string(), "add", "big", images.string()}, add_log, &t0) != 0)
    fail("gloss add", add_log);
  const double add_s = now_s() - t0;
  if (run({o.gloss.string(), "--db", db.string(), "add", "big", images.string()}, add_log, &t0) != 0)
    fail("gloss add (again)", add_log);
  const double readd_s = now_s() - t0;

  std::vector<OpenRun> warm;
  const OpenRun first = open_once(o, db, images, "open-first");
  for (int i = 0; i < o.repeat; ++i) warm.push_back(open_once(o, db, images, "open-warm-" + std::to_string(i)));
  std::vector<OpenRun> cold;
  bool cold_ok = false;
  if (o.drop_caches) {
    for (int i = 0; i < std::max(1, o.repeat); ++i) {
      if (!drop_caches()) break;
      cold_ok = true;
      cold.push_back(open_once(o, db, images, "open-cold-" + std::to_string(i)));
    }
  }

  // Paging for the peak RSS.
  const fs::path script = o.work / "page.replay", log = o.work / "page.jsonl", out = o.work / "page.out";
  {
    std::ofstream s(script);
    s << "wait-suggestion\n";
    for (int i = 0; i < o.page; ++i) s << "action next\nwait " << o.page_wait_ms << "\n";
    s << "quit\n";
  }
  fs::remove(log), fs::remove(out);
  std::vector<std::string> argv = {o.gloss.string(), "--db", db.string(), "caption", "big", images.string(),
                                   "--replay", script.string(), "--bench-log", log.string(), "--session", "bench"};
  if (!o.model.empty()) argv.insert(argv.end(), {"--model", o.model.string()});
  if (run(argv, out, &t0) != 0) fail("gloss caption (paging)", out);
  const double page_s = now_s() - t0;
  const Scenario ps{"paging", 0, false};
  const PagingResult pr = analyse_paging(ps, read_log(log));

  std::printf("\n## Open and memory: %d tasks (1,000 synthetic 64 px scenes, each copy with 8 distinct bytes appended)\n\n",
              o.big_tasks);
  std::printf("`gloss add` of all of them: %.1f s; again (nothing new; unchanged files are not read again): %.1f s\n\n", add_s,
              readd_s);
  std::printf("| opening | runs | launch → first image s (median, min–max) | launch → run_caption s | "
              "run_caption → first frame s (scan, add, model, window) | first frame → image s |\n");
  std::printf("|---|---|---|---|---|---|\n");
  auto row = [](const char* name, const std::vector<OpenRun>& v) {
    std::vector<double> tot, a, b, c;
    for (const auto& r : v) tot.push_back(r.total), a.push_back(r.launch_to_open), b.push_back(r.open_to_frame),
                            c.push_back(r.frame_to_image);
    std::printf("| %s | %zu | %s (%s–%s) | %s | %s | %s |\n", name, v.size(), fmt(pct(tot, 50), 2).c_str(),
                fmt(pct(tot, 0), 2).c_str(), fmt(pct(tot, 100), 2).c_str(), fmt(pct(a, 50), 3).c_str(),
                fmt(pct(b, 50), 2).c_str(), fmt(pct(c, 50), 3).c_str());
  };
  row("first (suggestion cache cold, page cache warm)", {first});
  row("again (warm)", warm);
  if (cold_ok) row("cold page cache (drop_caches)", cold);
  else if (o.drop_caches) std::printf("| cold page cache | 0 | could not write /proc/sys/vm/drop_caches | | | |\n");
  else std::printf("| cold page cache | – | not run (--drop-caches) | | | |\n");
  std::printf("\n| paging | steps | wall s | images shown | key→image p50 / p99 ms | frame p50 / p99 ms | VmHWM MB |\n");
  std::printf("|---|---|---|---|---|---|---|\n");
  std::printf("| action next + wait %d ms | %d | %.0f | %zu | %s / %s | %s / %s | %.0f |\n", o.page_wait_ms, o.page,
              page_s, pr.next_ms.size() + pr.jump_ms.size(), fmt(pct(pr.next_ms, 50)).c_str(),
              fmt(pct(pr.next_ms, 99)).c_str(), fmt(pct(pr.frame_ms, 50), 2).c_str(),
              fmt(pct(pr.frame_ms, 99), 2).c_str(), pr.vmhwm_kb / 1024.0);
}

std::vector<double> parse_list(const std::string& s) {
  std::vector<double> out;
  std::stringstream in(s);
  std::string item;
  while (std::getline(in, item, ','))
    if (!item.empty()) out.push_back(std::stod(item));
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  bool keep = false;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "%s needs a value\n", a.c_str());
        std::exit(2);
      }
      return argv[++i];
    };
    if (a == "--gloss") o.gloss = next();
    else if (a == "--work") o.work = next();
    else if (a == "--model") o.model = next();
    else if (a == "--images") o.images = std::stoi(next());
    else if (a == "--tasks") o.tasks = std::stoi(next());
    else if (a == "--paces") o.paces = parse_list(next());
    else if (a == "--jump-pace") o.jump_pace = std::stod(next());
    else if (a == "--no-jumps") o.jumps = false;
    else if (a == "--ahead") o.ahead = std::stoi(next());
    else if (a == "--skip-paging") o.paging = false;
    else if (a == "--skip-open") o.open = false;
    else if (a == "--big-tasks") o.big_tasks = std::stoi(next());
    else if (a == "--page") o.page = std::stoi(next());
    else if (a == "--page-wait") o.page_wait_ms = std::stoi(next());
    else if (a == "--repeat") o.repeat = std::stoi(next());
    else if (a == "--drop-caches") o.drop_caches = true;
    else if (a == "--keep") keep = true;
    else if (a == "--photos") o.photos_mp = std::stoi(next());
    else if (a == "--pg-socket") o.pg_socket = next();
    else if (a == "--full") o.images = 2000, o.tasks = 2000, o.big_tasks = 100000, o.page = 10000, o.drop_caches = true;
    else {
      std::puts(
          "gloss_bench_paging [--gloss PATH] [--work DIR] [--model M] [--images 200] [--tasks 90]\n"
          "                   [--paces 1.0,0.5] [--jump-pace 1.0] [--no-jumps] [--ahead 32] [--skip-paging]\n"
          "                   [--skip-open] [--big-tasks 10000] [--page 1000] [--page-wait 20] [--repeat 3]\n"
          "                   [--drop-caches] [--keep] [--full] [--photos MP] [--pg-socket DIR]\n"
          "--pg-socket DIR: each paging scenario on a fresh PostgreSQL database (server socket in DIR, user postgres).\n"
          "--photos MP: page through IMAGES camera JPEGs of MP megapixels (a real photo) instead of synthetic scenes.\n"
          "--full: 2,000 images and tasks per paging scenario, 100,000 tasks, 10,000 pages, --drop-caches.");
      return a == "--help" || a == "-h" ? 0 : 2;
    }
  }
  // A display: re-run under xvfb-run when there is none (one X server for every run).
  if (!std::getenv("DISPLAY")) {
    if (std::getenv("GLOSS_BENCH_XVFB")) {
      std::fprintf(stderr, "xvfb-run gave no DISPLAY\n");
      return 1;
    }
    setenv("GLOSS_BENCH_XVFB", "1", 1);
    std::vector<std::string> args = {"xvfb-run", "-a", "-s", "-screen 0 1280x800x24",
                                     fs::read_symlink("/proc/self/exe").string()};
    for (int i = 1; i < argc; ++i) args.push_back(argv[i]);
    std::vector<char*> cargs;
    for (auto& s : args) cargs.push_back(s.data());
    cargs.push_back(nullptr);
    execvp("xvfb-run", cargs.data());
    std::perror("xvfb-run");
    return 1;
  }
  if (!std::getenv("OMP_WAIT_POLICY")) setenv("OMP_WAIT_POLICY", "PASSIVE", 1);
  if (o.gloss.empty()) o.gloss = fs::read_symlink("/proc/self/exe").parent_path() / "gloss";
  if (!fs::exists(o.gloss)) {
    std::fprintf(stderr, "no gloss binary at %s: pass --gloss PATH\n", o.gloss.c_str());
    return 2;
  }
  o.gloss = fs::absolute(o.gloss);
  const bool own_work = o.work.empty();
  if (own_work) o.work = fs::temp_directory_path() / ("gloss-bench-paging-" + std::to_string(getpid()));
  fs::create_directories(o.work);
  o.work = fs::absolute(o.work);
  std::printf("# gloss_bench_paging (%s, work %s)\n", o.gloss.c_str(), o.work.c_str());
  std::fflush(stdout);
  if (o.paging) print_paging(o, run_paging(o));
  std::fflush(stdout);
  if (o.open) run_open(o);
  std::fflush(stdout);
  if (own_work && !keep) fs::remove_all(o.work);
  return 0;
}
