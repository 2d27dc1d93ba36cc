#include "app/progress.h"

#include <unistd.h>

#include <cstdio>

namespace gloss {

ProgressBar::ProgressBar(std::string label, long long total)
    : label_(std::move(label)), total_(total), tty_(isatty(STDERR_FILENO)),
      start_(std::chrono::steady_clock::now()), last_draw_(start_) {}

double ProgressBar::seconds() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
}

void ProgressBar::update(long long done, const std::string& detail) {
  const auto now = std::chrono::steady_clock::now();
  const auto interval = tty_ ? std::chrono::milliseconds(100) : std::chrono::milliseconds(5000);
  if (now - last_draw_ < interval) return;
  last_draw_ = now;
  draw(done, detail, false);
}

void ProgressBar::finish(const std::string& detail) { draw(total_, detail, true); }

void ProgressBar::draw(long long done, const std::string& detail, bool final) {
  constexpr int kWidth = 28;
  const double fraction = total_ > 0 ? static_cast<double>(done) / total_ : 1.0;
  const int filled = static_cast<int>(fraction * kWidth);
  std::string bar(static_cast<std::size_t>(filled), '#');
  bar.resize(kWidth, '.');
  const double elapsed = seconds();
  char rate[32] = "";
  if (elapsed >= 0.5) std::snprintf(rate, sizeof rate, "  %.1f/s", done / elapsed);
  std::fflush(stdout);  // keep earlier stdout lines above the bar
  std::fprintf(stderr, "%s%s [%s] %lld/%lld%s  %.0fs%s%s%s", tty_ ? "\r\033[K" : "", label_.c_str(),
               bar.c_str(), done, total_, rate, elapsed, detail.empty() ? "" : "  ", detail.c_str(),
               (final || !tty_) ? "\n" : "");
  std::fflush(stderr);
}

}  // namespace gloss
