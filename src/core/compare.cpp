#include "core/compare.h"

#include <cmath>
#include <cstdio>
#include <map>

#include "core/diff.h"

namespace gloss {
namespace {

std::uint64_t splitmix(std::uint64_t x) {
  x += 0x9E3779B97F4A7C15ULL;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
  return x ^ (x >> 31);
}

std::string short_id(const std::string& id) { return id.substr(0, 16); }

std::string count_line(const char* label, std::uint64_t n, const std::string& note = {}) {
  char buf[160];
  std::snprintf(buf, sizeof buf, "  %-12s %7llu%s%s\n", label, static_cast<unsigned long long>(n),
                note.empty() ? "" : "  ", note.c_str());
  return buf;
}

}  // namespace

bool a_on_left(std::uint64_t seed, std::uint64_t task) { return (splitmix(splitmix(seed) ^ task) >> 63) == 0; }

bool same_caption(const std::string& a, const std::string& b) {
  const auto ta = tokenize(a), tb = tokenize(b);
  if (ta.size() != tb.size()) return false;
  for (std::size_t i = 0; i < ta.size(); ++i)
    if (ta[i].key != tb[i].key) return false;
  return true;
}

Interval wilson_interval(std::uint64_t successes, std::uint64_t trials, double z) {
  if (trials == 0) return {0.0, 1.0};
  const double n = static_cast<double>(trials);
  const double p = static_cast<double>(successes) / n;
  const double z2 = z * z;
  const double centre = (p + z2 / (2 * n)) / (1 + z2 / n);
  const double half = z / (1 + z2 / n) * std::sqrt(p * (1 - p) / n + z2 / (4 * n * n));
  return {std::max(0.0, centre - half), std::min(1.0, centre + half)};
}

void CompareTally::add(const CompareRecord& r, int sign) {
  auto bump = [&](std::uint64_t& n) { n += static_cast<std::uint64_t>(static_cast<std::int64_t>(sign)); };
  if (r.identical) bump(identical);
  else if (r.choice == CompareChoice::a) bump(a_wins);
  else if (r.choice == CompareChoice::b) bump(b_wins);
  else if (r.choice == CompareChoice::both_good) bump(both_good);
  else if (r.choice == CompareChoice::both_bad) bump(both_bad);
  else bump(other);
  if (r.edited) bump(edited);
}

double CompareTally::a_win_rate() const {
  return decided() ? static_cast<double>(a_wins) / static_cast<double>(decided()) : 0.5;
}

void CompareCounter::set(const std::string& annotator, std::uint64_t task, const Answer* answer) {
  const auto key = std::make_pair(annotator, task);
  if (const auto it = counted_.find(key); it != counted_.end()) {
    tally_.add(it->second, -1);
    counted_.erase(it);
  }
  if (!answer || !answer->compare) return;
  if (tally_.model_a.empty()) tally_.model_a = answer->compare->model_a, tally_.model_b = answer->compare->model_b;
  tally_.add(*answer->compare);
  counted_.emplace(key, *answer->compare);
}

void CompareTallies::add(const Answer& a) {
  if (!a.compare) return;
  CompareTally& t = by_pair_[{a.compare->model_a, a.compare->model_b}];
  t.model_a = a.compare->model_a;
  t.model_b = a.compare->model_b;
  t.add(*a.compare);
}

std::vector<CompareTally> CompareTallies::finish() {
  std::vector<CompareTally> out;
  for (auto& [pair, tally] : by_pair_) out.push_back(std::move(tally));
  by_pair_.clear();
  return out;
}

std::vector<CompareTally> compare_stats(const Store& store, const DatasetInfo& dataset) {
  CompareTallies tallies;
  store.for_each_answer(dataset, [&](std::uint64_t, const Answer& a) {
    tallies.add(a);
    return true;
  });
  return tallies.finish();
}

std::string format_percent(double fraction) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f%%", 100.0 * fraction);
  return buf;
}

std::string format_compare_stats(const std::vector<CompareTally>& tallies) {
  std::string out;
  for (const CompareTally& t : tallies) {
    out += "comparison: model A " + short_id(t.model_a) + " vs model B " + short_id(t.model_b) + "\n";
    out += count_line("answered", t.answered());
    out += count_line("A better", t.a_wins);
    out += count_line("B better", t.b_wins);
    out += count_line("both good", t.both_good);
    out += count_line("both bad", t.both_bad);
    out += count_line("identical", t.identical, "same caption from both: answered as a tie without showing");
    if (t.other) out += count_line("skipped", t.other, "skipped, or the image rejected");
    if (t.edited) out += count_line("edited", t.edited, "better caption corrected into a final one");
    const Interval ci = t.a_interval();
    char buf[256];
    std::snprintf(buf, sizeof buf, "  A wins %s of %llu decided (95%% Wilson interval %s-%s)",
                  format_percent(t.a_win_rate()).c_str(), static_cast<unsigned long long>(t.decided()),
                  format_percent(ci.low).c_str(), format_percent(ci.high).c_str());
    out += buf;
    if (t.decided() == 0) out += ": nothing decided yet\n";
    else if (ci.low > 0.5) out += ": A is better\n";
    else if (ci.high < 0.5) out += ": B is better\n";
    else out += ": no clear winner yet\n";
  }
  return out;
}

}  // namespace gloss
