#include "ui/replay.h"

#include <charconv>
#include <fstream>
#include <sstream>

#include "core/error.h"

namespace gloss::ui {
namespace {

// Any text is a duration or a UserError: std::stod threw on some inputs and
// casting 1e12 or "nan" to int is undefined.
int parse_ms(const std::string& text, const std::string& at) {
  constexpr double kMaxMs = 24.0 * 3600 * 1000;
  double value = -1;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  const std::string_view unit(end, static_cast<std::size_t>(text.data() + text.size() - end));
  const double scale = unit.empty() || unit == "ms" ? 1.0 : unit == "s" ? 1000.0 : 0.0;
  if (ec == std::errc() && scale > 0 && value >= 0 && value * scale <= kMaxMs)
    return static_cast<int>(value * scale);
  throw UserError(at + "expected a duration from 0 to 24 h like 'wait 250' or 'wait 1.5s', not '" + text + "'");
}

}  // namespace

std::vector<ReplayStep> parse_replay(std::string_view text, const std::string& where) {
  std::vector<ReplayStep> steps;
  std::istringstream lines{std::string(text)};
  std::string line;
  for (int n = 1; std::getline(lines, line); ++n) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    const auto start = line.find_first_not_of(" \t");
    if (start == std::string::npos || line[start] == '#') continue;
    line.erase(0, start);
    const auto space = line.find(' ');
    const std::string verb = line.substr(0, space);
    // "type" keeps its text verbatim (inner and trailing spaces included).
    const std::string arg = space == std::string::npos ? "" : line.substr(space + 1);
    const std::string at = where + ":" + std::to_string(n) + ": ";
    ReplayStep step;
    step.line = n;
    try {
      if (verb == "type") step.kind = ReplayStep::type, step.text = arg;
      else if (verb == "key") step.kind = ReplayStep::key, step.chord = parse_chord(arg);
      else if (verb == "action") {
        step.kind = ReplayStep::action;
        const auto a = parse_action(arg);
        if (!a) throw UserError("unknown action '" + arg + "'");
        step.act = *a;
      } else if (verb == "wait") step.kind = ReplayStep::wait_ms, step.ms = parse_ms(arg, at);
      else if (verb == "wait-suggestion") step.kind = ReplayStep::wait_suggestion;
      else if (verb == "wait-idle") step.kind = ReplayStep::wait_idle;
      else if (verb == "screenshot") {
        if (arg.empty()) throw UserError("screenshot needs a file name");
        step.kind = ReplayStep::screenshot, step.text = arg;
      } else if (verb == "expect-glyphs") step.kind = ReplayStep::expect_glyphs, step.text = arg;
      else if (verb == "quit") step.kind = ReplayStep::quit;
      else throw UserError("unknown step '" + verb + "' (type, key, action, wait, wait-suggestion, wait-idle, screenshot, expect-glyphs, quit)");
    } catch (const UserError& e) {
      const std::string what = e.what();
      throw UserError(what.rfind(where, 0) == 0 ? what : at + what);
    }
    steps.push_back(step);
  }
  return steps;
}

std::vector<ReplayStep> load_replay(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw UserError(file.string() + ": cannot read the replay file");
  std::stringstream text;
  text << in.rdbuf();
  return parse_replay(text.str(), file.string());
}

}  // namespace gloss::ui
