#include "core/krippendorff.h"

#include <map>

namespace gloss {
namespace {

using Counts = std::map<std::string, std::size_t>;

Counts count_values(const std::vector<std::string>& values) {
  Counts counts;
  for (const std::string& v : values) ++counts[v];
  return counts;
}

// Ordered pairs of different values among `n` values with these counts:
// n^2 minus the pairs of equal values (which include each value with itself).
double different_pairs(const Counts& counts, std::size_t n) {
  double same = 0;
  for (const auto& [value, count] : counts) same += static_cast<double>(count) * static_cast<double>(count);
  return static_cast<double>(n) * static_cast<double>(n) - same;
}

}  // namespace

AlphaResult nominal_alpha(const std::vector<std::vector<std::string>>& values_per_item) {
  AlphaResult r;
  Counts all;                // n_c over pairable values
  double observed = 0;       // sum over items of their different pairs / (m_u - 1)
  for (const auto& values : values_per_item) {
    if (values.size() < 2) continue;
    ++r.items;
    r.values += values.size();
    const Counts counts = count_values(values);
    for (const auto& [value, count] : counts) all[value] += count;
    observed += different_pairs(counts, values.size()) / static_cast<double>(values.size() - 1);
  }
  if (r.items == 0) {
    r.why = "no item has two or more values";
    return r;
  }
  if (all.size() == 1) {
    r.only_value = all.begin()->first;
    r.why = "every value is '" + all.begin()->first + "': no variation";
    return r;
  }
  const double expected = different_pairs(all, r.values);
  r.alpha = 1.0 - static_cast<double>(r.values - 1) * observed / expected;
  return r;
}

}  // namespace gloss
