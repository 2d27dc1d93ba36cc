// A one-line progress bar on stderr for long commands (add, synth, train,
// predict). On a terminal it redraws in place; otherwise it prints a line
// every few seconds so logs stay readable.
#pragma once

#include <chrono>
#include <string>

namespace gloss {

class ProgressBar {
 public:
  ProgressBar(std::string label, long long total);
  // Updates the bar; `detail` is shown after the counts (e.g. "loss 1.23").
  void update(long long done, const std::string& detail = "");
  // The total grew (files still being listed).
  void set_total(long long total) { total_ = total; }
  // Draws the final state and ends the line.
  void finish(const std::string& detail = "");
  double seconds() const;

 private:
  void draw(long long done, const std::string& detail, bool final);
  std::string label_;
  long long total_;
  bool tty_;
  std::chrono::steady_clock::time_point start_, last_draw_;
};

}  // namespace gloss
