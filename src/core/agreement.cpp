#include "core/agreement.h"

#include <algorithm>
#include <map>
#include <set>

#include "core/diff.h"
#include "core/error_pass.h"
#include "core/metrics.h"
#include "core/store.h"

namespace gloss {
namespace {

constexpr const char* kNoCaptionPairs = "no task has two or more accepted captions";

Figure defined(double value) { return Figure{value, ""}; }
Figure undefined(std::string why) { return Figure{std::nullopt, std::move(why)}; }

std::vector<const Answer*> accepted(const TaskAnswers& task) {
  std::vector<const Answer*> out;
  for (const Answer& a : task.answers)
    if (a.answer == AnswerKind::accept) out.push_back(&a);
  return out;
}

// One leave-one-out item: a caption as hypothesis, the task's other
// accepted captions as its references.
struct LooItem {
  std::string annotator;
  std::string hypothesis;
  std::vector<std::string> references;
};

struct PairTally {
  WerSum wer;
  std::size_t tasks = 0;
};

CaptionAgreement caption_agreement(const std::vector<TaskAnswers>& tasks) {
  CaptionAgreement out;
  WerSum all;
  std::map<std::string, WerSum> per_scored;
  std::map<std::string, std::size_t> tasks_of;
  std::map<std::pair<std::string, std::string>, PairTally> cells;
  std::vector<LooItem> loo;
  for (const TaskAnswers& task : tasks) {
    const auto captions = accepted(task);
    if (captions.size() < 2) continue;
    ++out.tasks;
    out.captions += captions.size();
    for (const Answer* scored : captions) {
      ++tasks_of[scored->annotator];
      LooItem item{scored->annotator, scored->caption, {}};
      for (const Answer* reference : captions) {
        if (reference == scored) continue;
        const WerSum one{caption_wer(scored->caption, reference->caption), 1};
        all.add(one);
        per_scored[scored->annotator].add(one);
        PairTally& cell = cells[{scored->annotator, reference->annotator}];
        cell.wer.add(one);
        ++cell.tasks;
        item.references.push_back(reference->caption);
      }
      loo.push_back(std::move(item));
    }
  }
  out.pairs = all.pairs;
  if (loo.empty()) {
    out.mean_pairwise_wer = out.bleu4_loo = out.cider_loo = undefined(kNoCaptionPairs);
    return out;
  }
  std::vector<std::vector<std::string>> refs;
  std::vector<std::string> hyps;
  for (const LooItem& item : loo) {
    refs.push_back(item.references);
    hyps.push_back(item.hypothesis);
  }
  const std::vector<double> cider = cider_d_per_item(refs, hyps);
  double cider_sum = 0;
  for (double c : cider) cider_sum += c;
  out.mean_pairwise_wer = defined(*all.mean());
  out.bleu4_loo = defined(corpus_bleu4(refs, hyps));
  out.cider_loo = defined(cider_sum / static_cast<double>(cider.size()));

  for (const auto& [name, wer] : per_scored) {
    AnnotatorAgreement a{name, tasks_of[name], wer.pairs, defined(*wer.mean()), {}, {}};
    std::vector<std::vector<std::string>> their_refs;
    std::vector<std::string> their_hyps;
    double their_cider = 0;
    for (std::size_t i = 0; i < loo.size(); ++i) {
      if (loo[i].annotator != name) continue;
      their_refs.push_back(refs[i]);
      their_hyps.push_back(hyps[i]);
      their_cider += cider[i];
    }
    a.bleu4 = defined(corpus_bleu4(their_refs, their_hyps));
    a.cider = defined(their_cider / static_cast<double>(their_hyps.size()));
    out.per_annotator.push_back(std::move(a));
  }
  for (const auto& [names, cell] : cells)
    out.matrix.push_back(WerCell{names.first, names.second, cell.tasks, *cell.wer.mean()});
  return out;
}

AlphaResult answer_kind_alpha(const std::vector<TaskAnswers>& tasks) {
  std::vector<std::vector<std::string>> items;
  for (const TaskAnswers& task : tasks) {
    std::vector<std::string> kinds;
    for (const Answer& a : task.answers) kinds.emplace_back(to_string(a.answer));
    items.push_back(std::move(kinds));
  }
  AlphaResult r = nominal_alpha(items);
  if (r.only_value) r.why = "every answer is " + *r.only_value + ": no variation";
  else if (r.items == 0) r.why = "no task has two or more answers";
  return r;
}

bool has_category(const Answer& a, const std::string& category) {
  return std::find(a.categories.begin(), a.categories.end(), category) != a.categories.end();
}

CategoryAgreement category_agreement(const std::vector<TaskAnswers>& tasks, const std::string& category) {
  std::vector<std::vector<std::string>> items;
  for (const TaskAnswers& task : tasks) {
    std::vector<std::string> values;
    for (const Answer& a : task.answers)
      if (categorised(a)) values.emplace_back(has_category(a, category) ? "yes" : "no");
    items.push_back(std::move(values));
  }
  AlphaResult r = nominal_alpha(items);
  const std::string n = std::to_string(r.values);
  if (r.only_value)
    r.why = (*r.only_value == "yes" ? "all " + n + " answers compared have '" : "none of the " + n + " answers compared has '") +
            category + "': no variation";
  else if (r.items == 0)
    r.why = "no task has two or more answers from error analysis";
  return {category, std::move(r)};
}

// The default labels in their order, then any other category given, by name.
std::vector<std::string> category_names(const std::vector<TaskAnswers>& tasks) {
  std::vector<std::string> names = default_error_labels();
  std::set<std::string> others;
  for (const TaskAnswers& task : tasks)
    for (const Answer& a : task.answers)
      if (categorised(a))
        for (const std::string& c : a.categories)
          if (std::find(names.begin(), names.end(), c) == names.end()) others.insert(c);
  names.insert(names.end(), others.begin(), others.end());
  return names;
}

std::vector<DisagreedTask> most_disagreed(const std::vector<TaskAnswers>& tasks, std::size_t top) {
  std::vector<DisagreedTask> out;
  for (const TaskAnswers& task : tasks) {
    std::vector<std::string> captions;
    for (const Answer* a : accepted(task)) captions.push_back(a->caption);
    const auto wer = mean_pairwise_wer(captions);
    if (wer && *wer > 0) out.push_back(DisagreedTask{task.position, task.task, task.path, *wer, task.answers});
  }
  std::stable_sort(out.begin(), out.end(), [](const DisagreedTask& a, const DisagreedTask& b) { return a.wer > b.wer; });
  if (out.size() > top) out.resize(top);
  return out;
}

}  // namespace

bool categorised(const Answer& a) {
  return a.answer == AnswerKind::accept && (!a.categories.empty() || a.extra.contains("guess"));
}

std::vector<TaskAnswers> gather_overlapping_tasks(const Store& store, const DatasetInfo& dataset) {
  std::vector<TaskAnswers> out;
  TaskAnswers current;
  const auto flush = [&] {
    if (current.answers.size() >= 2) out.push_back(std::move(current));
    current = TaskAnswers{};
  };
  store.for_each_answer(dataset, [&](std::uint64_t position, const Answer& a) {
    if (!current.answers.empty() && current.position != position) flush();
    current.position = position;
    current.task = a.task;
    current.answers.push_back(a);
    return true;
  });
  flush();
  return out;
}

AgreementReport agreement_report(const std::string& dataset, const std::vector<TaskAnswers>& tasks, std::size_t top) {
  AgreementReport r;
  r.dataset = dataset;
  r.tasks = tasks.size();
  for (const TaskAnswers& task : tasks) {
    r.answers += task.answers.size();
    r.categorised += static_cast<std::size_t>(std::count_if(task.answers.begin(), task.answers.end(), categorised));
  }
  r.captions = caption_agreement(tasks);
  r.answer_kinds = answer_kind_alpha(tasks);
  if (r.categorised > 0)
    for (const std::string& category : category_names(tasks)) r.categories.push_back(category_agreement(tasks, category));
  r.most_disagreed = most_disagreed(tasks, top);
  return r;
}

void fill_paths(const Store& store, AgreementReport& report) {
  for (DisagreedTask& t : report.most_disagreed)
    if (const auto task = store.task(t.task)) t.path = task->path;
}

}  // namespace gloss
