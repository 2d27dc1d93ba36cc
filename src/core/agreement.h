// How well annotators agree when several answered the same task
// (`gloss agreement`, docs/review.md): caption agreement (mean pairwise word
// error rate, leave-one-out BLEU-4 and CIDEr-D as COCO scores its human
// captions, per annotator and annotator x annotator), Krippendorff's alpha
// for the answer kinds and each error category, and the tasks that disagree
// most. Pure functions over plain structs; gather_overlapping_tasks() is the
// only one that reads a store.
//
// Which answers count:
//  - a task counts when it has two or more answers (necessarily from
//    different annotators: answers are keyed by annotator). Surplus answers
//    (late answers to a task handed on) count: each is a real caption by
//    another person.
//  - captions: accepted answers only (a rejected or skipped task's caption is
//    not a caption anyone vouched for);
//  - answer kinds: every answer;
//  - error categories: answers that went through error analysis, the ones
//    `gloss stats` counts in its histogram: accepted, and with the errors
//    pass's guess stored or categories given (category_stats.h). An accepted
//    answer from a captioning pass has no categories because nobody looked,
//    not because there were none: it is left out.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/caption_disagreement.h"
#include "core/krippendorff.h"
#include "core/records.h"

namespace gloss {

class Store;

// The answers of one task (two or more), by annotator.
struct TaskAnswers {
  std::uint64_t position = 0;
  std::uint64_t task = 0;
  std::string path;  // filled by fill_paths() for the tasks shown
  std::vector<Answer> answers;
};

// A figure that may be undefined; `why` says why in plain words.
struct Figure {
  std::optional<double> value;
  std::string why;
};

struct AnnotatorAgreement {
  std::string annotator;
  std::size_t tasks = 0;  // their captions of tasks someone else captioned too
  std::size_t pairs = 0;  // ordered pairs with their caption scored
  Figure wer;             // their captions against each other annotator's
  Figure bleu4;           // their captions against the others' as references
  Figure cider;
};

// Row `scored`, column `reference`: mean WER of scored's captions against
// reference's, over the tasks both captioned.
struct WerCell {
  std::string scored, reference;
  std::size_t tasks = 0;
  double wer = 0;
};

struct CaptionAgreement {
  std::size_t tasks = 0;     // tasks with two or more accepted captions
  std::size_t captions = 0;  // accepted captions of those tasks
  std::size_t pairs = 0;     // ordered pairs behind the mean WER
  Figure mean_pairwise_wer;
  Figure bleu4_loo;  // each caption against the task's other captions, as one corpus
  Figure cider_loo;
  std::vector<AnnotatorAgreement> per_annotator;  // by name
  std::vector<WerCell> matrix;                    // pairs that share a task, by names
};

struct CategoryAgreement {
  std::string category;
  AlphaResult alpha;  // values "yes"/"no" per categorised answer
};

struct DisagreedTask {
  std::uint64_t position = 0;
  std::uint64_t task = 0;
  std::string path;
  double wer = 0;                 // mean pairwise WER of its accepted captions
  std::vector<Answer> answers;    // every answer, by annotator
};

struct AgreementReport {
  std::string dataset;
  std::size_t tasks = 0;    // tasks with two or more answers
  std::size_t answers = 0;  // their answers
  CaptionAgreement captions;
  AlphaResult answer_kinds;
  std::size_t categorised = 0;  // answers that went through error analysis
  std::vector<CategoryAgreement> categories;  // default labels, then others seen, by name
  std::vector<DisagreedTask> most_disagreed;  // highest WER first, ties by position
};

// Every task of the dataset with two or more answers, in position order.
std::vector<TaskAnswers> gather_overlapping_tasks(const Store& store, const DatasetInfo& dataset);

// True for an answer that went through error analysis (see above).
bool categorised(const Answer& answer);

// The report over `tasks` (each with two or more answers); `top` tasks in
// most_disagreed.
AgreementReport agreement_report(const std::string& dataset, const std::vector<TaskAnswers>& tasks,
                                 std::size_t top = 10);
// The task paths of most_disagreed, read from the store.
void fill_paths(const Store& store, AgreementReport& report);

// What `gloss agreement` prints, and its --json.
std::string format_agreement(const AgreementReport& report);
nlohmann::json agreement_json(const AgreementReport& report);

}  // namespace gloss
