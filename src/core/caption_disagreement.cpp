#include "core/caption_disagreement.h"

#include "core/diff.h"
#include "core/metrics.h"

namespace gloss {
double caption_wer(const std::string& scored, const std::string& reference) {
  return error_rate(metric_tokens(reference), metric_tokens(scored));
}

std::optional<double> WerSum::mean() const {
  if (pairs == 0) return std::nullopt;
  return sum / static_cast<double>(pairs);
}

WerSum pairwise_wer(const std::vector<std::string>& captions) {
  WerSum out;
  for (std::size_t i = 0; i < captions.size(); ++i)
    for (std::size_t j = 0; j < captions.size(); ++j)
      if (i != j) out.add({caption_wer(captions[i], captions[j]), 1});
  return out;
}

std::optional<double> mean_pairwise_wer(const std::vector<std::string>& captions) {
  return pairwise_wer(captions).mean();
}

bool wants_another_answer(const DatasetInfo& dataset, int wanted, const std::vector<Answer>& answers) {
  if (!dataset.more_if_wer_above || wanted >= dataset.max_overlap) return false;
  if (answers.size() < static_cast<std::size_t>(wanted)) return false;
  std::vector<std::string> captions;
  for (const Answer& a : answers)
    if (!a.surplus && a.answer == AnswerKind::accept) captions.push_back(a.caption);
  const auto wer = mean_pairwise_wer(captions);
  return wer && *wer > *dataset.more_if_wer_above;
}

}  // namespace gloss
