#include "ui/bench_log.h"

#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>

namespace gloss::ui::bench {
namespace {

double now() {
  using namespace std::chrono;
  return duration<double>(steady_clock::now().time_since_epoch()).count();
}

long status_kb(const char* field) {
  FILE* f = std::fopen("/proc/self/status", "r");
  if (!f) return -1;
  char line[256];
  long kb = -1;
  const std::size_t n = std::strlen(field);
  while (std::fgets(line, sizeof line, f))
    if (std::strncmp(line, field, n) == 0 && line[n] == ':') {
      kb = std::strtol(line + n + 1, nullptr, 10);
      break;
    }
  std::fclose(f);
  return kb;
}

struct Log {
  FILE* out = nullptr;
  std::unique_ptr<char[]> buffer;
  std::uint64_t frames = 0;
  double frame_t0 = 0, last_t1 = 0, built_t = 0, swap_t = 0;
  double key_t = -1;       // a key press not yet consumed by a dispatch
  double dispatch_t = -1;  // the action in progress (its key's arrival if any)
  // The task the cursor moved to, until a frame draws it.
  bool pending = false;
  std::uint64_t pending_task = 0, pending_pos = 0, pending_frames = 0;
  double pending_key_t = 0;
  bool any_drawn = false;
  bool drew = false;
  std::uint64_t drawn_task = 0;
};

Log* g = nullptr;

void hex(char (&buf)[20], std::uint64_t v) { std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(v)); }

}  // namespace

void open(const std::filesystem::path& file) {
  if (file.empty() || g) return;
  FILE* f = std::fopen(file.c_str(), "w");
  if (!f) {
    std::fprintf(stderr, "gloss: cannot write the bench log %s\n", file.c_str());
    return;
  }
  g = new Log;
  g->out = f;
  g->buffer.reset(new char[1 << 20]);
  std::setvbuf(f, g->buffer.get(), _IOFBF, 1 << 20);
  std::fprintf(f, "{\"ev\":\"open\",\"t\":%.6f}\n", now());
}

bool enabled() { return g != nullptr; }

void phase(std::string_view name) {
  if (!g) return;
  std::fprintf(g->out, "{\"ev\":\"phase\",\"name\":\"%.*s\",\"t\":%.6f}\n", static_cast<int>(name.size()),
               name.data(), now());
}

void key_arrival() {
  if (!g) return;
  const double t = now();
  if (g->key_t < 0) g->key_t = t;
  std::fprintf(g->out, "{\"ev\":\"key\",\"t\":%.6f}\n", t);
}

void dispatch(std::string_view action) {
  if (!g) return;
  const double t = now();
  g->dispatch_t = g->key_t >= 0 ? g->key_t : t;
  g->key_t = -1;
  std::fprintf(g->out, "{\"ev\":\"dispatch\",\"t\":%.6f,\"action\":\"%.*s\",\"key_t\":%.6f}\n", t,
               static_cast<int>(action.size()), action.data(), g->dispatch_t);
}

void moved(std::uint64_t position, std::uint64_t task, bool stall) {
  if (!g) return;
  const double t = now();
  const double key_t = g->dispatch_t >= 0 ? g->dispatch_t : t;  // a gallery click: no dispatch
  g->dispatch_t = -1;
  g->pending = true, g->pending_task = task, g->pending_pos = position, g->pending_key_t = key_t;
  g->pending_frames = 0;
  char h[20];
  hex(h, task);
  std::fprintf(g->out, "{\"ev\":\"move\",\"t\":%.6f,\"pos\":%llu,\"task\":\"%s\",\"stall\":%s,\"key_t\":%.6f}\n", t,
               static_cast<unsigned long long>(position), h, stall ? "true" : "false", key_t);
}

void drawn(std::uint64_t task) {
  if (!g) return;
  g->drew = true, g->drawn_task = task;
}

void frame_begin() {
  if (!g) return;
  g->frame_t0 = now();
  g->built_t = g->swap_t = 0;
  g->drew = false;
}

void frame_built() {
  if (g) g->built_t = now();
}

void before_swap() {
  if (g) g->swap_t = now();
}

void frame_end(std::uint64_t position, const AheadStatus& status) {
  if (!g) return;
  const double t1 = now();
  char h[20] = "";
  if (g->drew) hex(h, g->drawn_task);
  const double idle_ms = g->last_t1 > 0 ? (g->frame_t0 - g->last_t1) * 1e3 : 0.0;
  std::fprintf(g->out,
               "{\"ev\":\"frame\",\"n\":%llu,\"t0\":%.6f,\"t1\":%.6f,\"idle_ms\":%.3f,\"drawn\":%s%s%s,\"pos\":%llu,"
               "\"build_ms\":%.3f,\"render_ms\":%.3f,\"swap_ms\":%.3f,\"ready_ahead\":%llu,\"queue\":%llu}\n",
               static_cast<unsigned long long>(g->frames), g->frame_t0, t1, idle_ms, g->drew ? "\"" : "",
               g->drew ? h : "null", g->drew ? "\"" : "", static_cast<unsigned long long>(position),
               g->built_t > 0 ? (g->built_t - g->frame_t0) * 1e3 : -1.0,
               g->built_t > 0 && g->swap_t > 0 ? (g->swap_t - g->built_t) * 1e3 : -1.0,
               g->swap_t > 0 ? (t1 - g->swap_t) * 1e3 : -1.0, static_cast<unsigned long long>(status.ready_ahead), static_cast<unsigned long long>(status.queue_depth));
  if (g->drew && !g->any_drawn) {
    g->any_drawn = true;
    std::fprintf(g->out, "{\"ev\":\"first_image\",\"t\":%.6f,\"pos\":%llu,\"task\":\"%s\"}\n", t1,
                 static_cast<unsigned long long>(position), h);
  }
  if (g->pending) {
    ++g->pending_frames;
    if (g->drew && g->drawn_task == g->pending_task) {
      std::fprintf(g->out,
                   "{\"ev\":\"shown\",\"t\":%.6f,\"pos\":%llu,\"task\":\"%s\",\"key_t\":%.6f,\"ms\":%.3f,\"frames\":%llu}\n",
                   t1, static_cast<unsigned long long>(g->pending_pos), h, g->pending_key_t,
                   (t1 - g->pending_key_t) * 1e3, static_cast<unsigned long long>(g->pending_frames));
      g->pending = false;
    }
  }
  g->last_t1 = t1;
  ++g->frames;
  // A key press that no action took (typing) is not the next action's key.
  g->key_t = -1;
}

void close(std::uint64_t stalls) {
  if (!g) return;
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  std::fprintf(g->out,
               "{\"ev\":\"exit\",\"t\":%.6f,\"stalls\":%llu,\"frames\":%llu,\"vmhwm_kb\":%ld,\"maxrss_kb\":%ld,"
               "\"vmrss_kb\":%ld}\n",
               now(), static_cast<unsigned long long>(stalls), static_cast<unsigned long long>(g->frames),
               status_kb("VmHWM"), static_cast<long>(ru.ru_maxrss), status_kb("VmRSS"));
  std::fclose(g->out);
  delete g;
  g = nullptr;
}

}  // namespace gloss::ui::bench
