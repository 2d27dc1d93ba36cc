#include "core/category_stats.h"

#include "core/hash.h"
#include <cmath>
#include <cstdio>
#include <set>

namespace gloss {

std::uint64_t answer_key(std::uint64_t task, std::string_view annotator) {
  return content_hash(hash_hex(task), annotator);
}

void CategoryCounter::set(std::uint64_t task, const std::string& model, const std::vector<std::string>& categories) {
  erase(task);
  const std::set<std::string> unique(categories.begin(), categories.end());
  for (const auto& c : unique) ++counts_[model][c];
  ++answers_[model];
  entries_[task] = Entry{model, {unique.begin(), unique.end()}};
}

void CategoryCounter::erase(std::uint64_t task) {
  const auto it = entries_.find(task);
  if (it == entries_.end()) return;
  auto& per_model = counts_[it->second.model];
  for (const auto& c : it->second.categories)
    if (--per_model[c] == 0) per_model.erase(c);
  if (--answers_[it->second.model] == 0) {
    answers_.erase(it->second.model);
    counts_.erase(it->second.model);
  }
  entries_.erase(it);
}

void CategoryCounter::add(const std::string& model, const std::vector<std::string>& categories) {
  auto& per_model = counts_[model];
  for (const auto& c : std::set<std::string>(categories.begin(), categories.end())) ++per_model[c];
  ++answers_[model];
  ++added_;
}

std::vector<CategoryHistogram> CategoryCounter::histograms() const {
  std::vector<CategoryHistogram> out;
  for (const auto& [model, n] : answers_) {
    CategoryHistogram h{model, n, {}};
    if (const auto it = counts_.find(model); it != counts_.end())
      for (const auto& [category, count] : it->second)
        h.bars.push_back({category, count, n ? 100.0 * static_cast<double>(count) / static_cast<double>(n) : 0.0});
    std::stable_sort(h.bars.begin(), h.bars.end(),
                     [](const CategoryBar& a, const CategoryBar& b) { return a.count > b.count; });
    out.push_back(std::move(h));
  }
  return out;
}

double GuessScore::precision() const {
  const auto guessed = true_positive + false_positive;
  return guessed ? static_cast<double>(true_positive) / static_cast<double>(guessed) : 1.0;
}

double GuessScore::recall() const {
  const auto stored = true_positive + false_negative;
  return stored ? static_cast<double>(true_positive) / static_cast<double>(stored) : 1.0;
}

double GuessScore::f1() const {
  const double p = precision(), r = recall();
  return p + r > 0 ? 2 * p * r / (p + r) : 0.0;
}

std::vector<std::string> stored_guess(const Answer& a) {
  std::vector<std::string> out;
  if (const auto it = a.extra.find("guess"); it != a.extra.end() && it->is_array())
    for (const auto& c : *it)
      if (c.is_string()) out.push_back(c.get<std::string>());
  return out;
}

void CategoryTally::add(const Answer& a) {
  const bool has_guess = a.extra.contains("guess");
  if (a.answer != AnswerKind::accept || (a.categories.empty() && !has_guess)) return;
  stats_.counter.add(a.model, a.categories);
  if (!has_guess) return;
  ++stats_.guessed;
  const auto g = stored_guess(a);
  const std::set<std::string> guess(g.begin(), g.end()), stored(a.categories.begin(), a.categories.end());
  if (guess == stored) ++stats_.guess_kept;
  for (const auto& c : guess) {
    scores_[c].category = c;
    ++(stored.count(c) ? scores_[c].true_positive : scores_[c].false_positive);
  }
  for (const auto& c : stored) {
    scores_[c].category = c;
    if (!guess.count(c)) ++scores_[c].false_negative;
  }
}

CategoryStats CategoryTally::finish() {
  for (auto& [name, score] : scores_) stats_.scores.push_back(score);
  scores_.clear();
  return std::move(stats_);
}

CategoryStats category_stats(const Store& store, const DatasetInfo& dataset) {
  CategoryTally tally;
  store.for_each_answer(dataset, [&](std::uint64_t, const Answer& a) {
    tally.add(a);
    return true;
  });
  return tally.finish();
}

std::string format_category_stats(const CategoryStats& s) {
  const auto histograms = s.counter.histograms();
  if (histograms.empty()) return {};
  std::string out;
  char line[256];
  constexpr int kBarWidth = 30;
  for (const auto& h : histograms) {
    std::snprintf(line, sizeof line, "error categories, model %s (%llu answers; one answer can have several)\n",
                  h.model.empty() ? "(none)" : h.model.substr(0, 8).c_str(),
                  static_cast<unsigned long long>(h.answers));
    out += line;
    const std::uint64_t top = h.bars.empty() ? 1 : std::max<std::uint64_t>(1, h.bars.front().count);
    for (const auto& b : h.bars) {
      const int width = static_cast<int>(std::lround(kBarWidth * static_cast<double>(b.count) / static_cast<double>(top)));
      std::string bar;
      for (int i = 0; i < width; ++i) bar += "\u2588";
      bar.append(static_cast<std::size_t>(kBarWidth - width), ' ');
      std::snprintf(line, sizeof line, "  %-12s %s %6llu  %5.1f%%\n", b.category.c_str(), bar.c_str(),
                    static_cast<unsigned long long>(b.count), b.percent);
      out += line;
    }
  }
  if (s.guessed) {
    std::snprintf(line, sizeof line,
                  "rule-based guess vs stored categories (%llu answers, %llu kept exactly as guessed)\n"
                  "  %-12s precision  recall\n",
                  static_cast<unsigned long long>(s.guessed), static_cast<unsigned long long>(s.guess_kept), "category");
    out += line;
    for (const auto& g : s.scores) {
      std::snprintf(line, sizeof line, "  %-12s %9.3f  %6.3f\n", g.category.c_str(), g.precision(), g.recall());
      out += line;
    }
  }
  return out;
}

}  // namespace gloss
