// Agreement between annotators (core/agreement.h, core/krippendorff.h):
// hand-worked cases, Krippendorff's alpha against NLTK's, leave-one-out
// BLEU/CIDEr against the metric code.
#include <cmath>
#include <cstdio>
#include <random>
#include <sstream>

#include <gtest/gtest.h>

#include "core/agreement.h"
#include "core/lmdb_store.h"
#include "core/metrics.h"
#include "test_util.h"

namespace gloss {
namespace {

Answer answer_by(const std::string& annotator, const std::string& caption, AnswerKind kind = AnswerKind::accept) {
  Answer a;
  a.annotator = annotator;
  a.caption = caption;
  a.answer = kind;
  return a;
}

// An answer from the errors pass: its guess stored, these categories ticked.
Answer categorised_by(const std::string& annotator, std::vector<std::string> categories) {
  Answer a = answer_by(annotator, "a caption");
  a.categories = std::move(categories);
  a.extra["guess"] = std::vector<std::string>{};
  return a;
}

TaskAnswers task_of(std::uint64_t position, std::vector<Answer> answers) {
  TaskAnswers t;
  t.position = position;
  t.task = 1000 + position;
  for (Answer& a : answers) a.task = t.task;
  t.answers = std::move(answers);
  return t;
}

const AnnotatorAgreement& annotator(const AgreementReport& r, const std::string& name) {
  for (const AnnotatorAgreement& a : r.captions.per_annotator)
    if (a.annotator == name) return a;
  throw std::runtime_error("no annotator " + name);
}

const WerCell& cell(const AgreementReport& r, const std::string& scored, const std::string& reference) {
  for (const WerCell& c : r.captions.matrix)
    if (c.scored == scored && c.reference == reference) return c;
  throw std::runtime_error("no cell " + scored + "/" + reference);
}

const AlphaResult& category(const AgreementReport& r, const std::string& name) {
  for (const CategoryAgreement& c : r.categories)
    if (c.category == name) return c.alpha;
  throw std::runtime_error("no category " + name);
}

// ---- Krippendorff's alpha, by hand

TEST(KrippendorffAlpha, TwoRatersByHand) {
  // n = 8 values: a 3, b 5; one item disagrees: 2 different ordered pairs.
  // alpha = 1 - (8 - 1) * 2 / (64 - 9 - 25) = 1 - 14/30.
  const AlphaResult r = nominal_alpha({{"a", "a"}, {"a", "b"}, {"b", "b"}, {"b", "b"}});
  ASSERT_TRUE(r.alpha);
  EXPECT_NEAR(*r.alpha, 1.0 - 14.0 / 30.0, 1e-12);
  EXPECT_EQ(r.items, 4u);
  EXPECT_EQ(r.values, 8u);
  EXPECT_TRUE(r.why.empty());
}

TEST(KrippendorffAlpha, ThreeRatersWithMissingOnesByHand) {
  // The last item has one value: not pairable, left out (n = 8, a 4, b 4).
  // alpha = 1 - 7 * (2 / (2 - 1)) / (64 - 16 - 16) = 1 - 14/32.
  const AlphaResult r = nominal_alpha({{"a", "a", "a"}, {"a", "b"}, {"b", "b", "b"}, {"c"}});
  ASSERT_TRUE(r.alpha);
  EXPECT_NEAR(*r.alpha, 1.0 - 14.0 / 32.0, 1e-12);
  EXPECT_EQ(r.items, 3u);
  EXPECT_EQ(r.values, 8u);
}

TEST(KrippendorffAlpha, PerfectAgreementIsOne) {
  const AlphaResult r = nominal_alpha({{"yes", "yes", "yes"}, {"no", "no"}, {"yes", "yes"}});
  ASSERT_TRUE(r.alpha);
  EXPECT_DOUBLE_EQ(*r.alpha, 1.0);
}

TEST(KrippendorffAlpha, SystematicDisagreementIsBelowZero) {
  // Every pair disagrees: observed disagreement above chance.
  const AlphaResult r = nominal_alpha({{"a", "b"}, {"b", "a"}, {"a", "b"}});
  ASSERT_TRUE(r.alpha);
  EXPECT_LT(*r.alpha, 0.0);
}

TEST(KrippendorffAlpha, NoVariationOrNothingPairableIsUndefinedWithAReason) {
  const AlphaResult same = nominal_alpha({{"accept", "accept"}, {"accept", "accept", "accept"}, {"reject"}});
  EXPECT_FALSE(same.alpha);
  EXPECT_EQ(same.only_value, "accept");
  EXPECT_NE(same.why.find("no variation"), std::string::npos) << same.why;
  EXPECT_EQ(same.values, 5u);

  const AlphaResult lonely = nominal_alpha({{"a"}, {"b"}, {}});
  EXPECT_FALSE(lonely.alpha);
  EXPECT_EQ(lonely.items, 0u);
  EXPECT_FALSE(lonely.why.empty());
}

// ---- Krippendorff's alpha against NLTK on random data

// NLTK's alpha of each file of triples, in one run of tests/core/nltk_alpha.py.
std::vector<double> nltk_alphas(const std::vector<std::string>& files) {
  std::string cmd = "/usr/bin/python3 '" GLOSS_SOURCE_DIR "/tests/core/nltk_alpha.py'";
  for (const std::string& f : files) cmd += " '" + f + "'";
  FILE* pipe = popen((cmd + " 2>&1").c_str(), "r");
  std::string out;
  char buf[512];
  while (std::size_t n = fread(buf, 1, sizeof buf, pipe)) out.append(buf, n);
  if (pclose(pipe) != 0) throw std::runtime_error("nltk_alpha.py failed (is python3-nltk installed?): " + out);
  std::vector<double> alphas;
  std::istringstream lines(out);
  for (std::string line; std::getline(lines, line);) alphas.push_back(std::stod(line));
  return alphas;
}

TEST(KrippendorffAlpha, EqualsNltkOnRandomData) {
  test::TempDir dir;
  std::vector<std::string> files;
  std::vector<double> ours;
  std::vector<std::string> shown;
  for (int seed = 1; seed <= 25; ++seed) {
    std::mt19937 rng(seed);
    const int items = std::uniform_int_distribution<int>(3, 40)(rng);
    const int coders = std::uniform_int_distribution<int>(2, 6)(rng);
    const int labels = std::uniform_int_distribution<int>(2, 4)(rng);
    std::bernoulli_distribution present(0.7);
    std::uniform_int_distribution<int> label(0, labels - 1);
    std::vector<std::vector<std::string>> values(static_cast<std::size_t>(items));
    std::string triples;
    for (int i = 0; i < items; ++i)
      for (int c = 0; c < coders; ++c) {
        if (!present(rng)) continue;  // a missing rater
        const std::string value = "label" + std::to_string(label(rng));
        values[static_cast<std::size_t>(i)].push_back(value);
        triples += "coder" + std::to_string(c) + "\titem" + std::to_string(i) + "\t" + value + "\n";
      }
    const AlphaResult alpha = nominal_alpha(values);
    if (!alpha.alpha) continue;  // NLTK has no answer there either (or a 1 by convention)
    files.push_back((dir / ("triples-" + std::to_string(seed) + ".tsv")).string());
    test::write_text(files.back(), triples);
    ours.push_back(*alpha.alpha);
    shown.push_back("seed " + std::to_string(seed) + "\n" + triples);
  }
  ASSERT_GE(ours.size(), 20u);
  const std::vector<double> theirs = nltk_alphas(files);
  ASSERT_EQ(theirs.size(), ours.size());
  for (std::size_t i = 0; i < ours.size(); ++i) EXPECT_NEAR(ours[i], theirs[i], 1e-9) << shown[i];
}

// ---- captions

TEST(Agreement, TwoAnnotatorsByHand) {
  // Task 0: one word of three differs (1/3 each way); task 1: the same words
  // ("A dog." and "a dog" are the same metric tokens).
  const AgreementReport r = agreement_report(
      "d", {task_of(0, {answer_by("alice", "a red circle"), answer_by("bob", "a blue circle")}),
            task_of(1, {answer_by("alice", "A dog."), answer_by("bob", "a dog")})});
  EXPECT_EQ(r.tasks, 2u);
  EXPECT_EQ(r.answers, 4u);
  EXPECT_EQ(r.captions.tasks, 2u);
  EXPECT_EQ(r.captions.pairs, 4u);
  ASSERT_TRUE(r.captions.mean_pairwise_wer.value);
  EXPECT_NEAR(*r.captions.mean_pairwise_wer.value, (1.0 / 3 + 1.0 / 3) / 4, 1e-12);
  EXPECT_NEAR(*annotator(r, "alice").wer.value, 1.0 / 6, 1e-12);
  EXPECT_EQ(annotator(r, "alice").tasks, 2u);
  EXPECT_NEAR(cell(r, "alice", "bob").wer, 1.0 / 6, 1e-12);
  EXPECT_EQ(cell(r, "alice", "bob").tasks, 2u);
  ASSERT_EQ(r.most_disagreed.size(), 1u);  // task 1 agrees: not listed
  EXPECT_EQ(r.most_disagreed[0].position, 0u);
  EXPECT_NEAR(r.most_disagreed[0].wer, 1.0 / 3, 1e-12);
}

TEST(Agreement, ThreeAnnotatorsByHand) {
  // Ordered pairs (scored, reference): edit distance / reference words.
  //   alice/bob 1/3, bob/alice 1/2, alice/carol 2/2, carol/alice 2/2,
  //   bob/carol 3/2, carol/bob 3/3.
  const AgreementReport r = agreement_report(
      "d", {task_of(0, {answer_by("alice", "a dog"), answer_by("bob", "a dog runs"), answer_by("carol", "the cat")})});
  EXPECT_EQ(r.captions.pairs, 6u);
  EXPECT_NEAR(*r.captions.mean_pairwise_wer.value, (1.0 / 3 + 0.5 + 1 + 1 + 1.5 + 1) / 6, 1e-12);
  EXPECT_NEAR(*annotator(r, "alice").wer.value, (1.0 / 3 + 1) / 2, 1e-12);
  EXPECT_NEAR(*annotator(r, "bob").wer.value, (0.5 + 1.5) / 2, 1e-12);
  EXPECT_NEAR(*annotator(r, "carol").wer.value, 1.0, 1e-12);
  EXPECT_NEAR(cell(r, "alice", "bob").wer, 1.0 / 3, 1e-12);
  EXPECT_NEAR(cell(r, "bob", "alice").wer, 0.5, 1e-12);
  EXPECT_NEAR(cell(r, "bob", "carol").wer, 1.5, 1e-12);
  EXPECT_EQ(annotator(r, "carol").pairs, 2u);
}

TEST(Agreement, OnlyAcceptedCaptionsAreCompared) {
  // Task 0 has two answers but one accepted caption: it counts for the answer
  // kinds, not for the captions. Task 1: bob's surplus answer counts.
  Answer late = answer_by("bob", "a cat");
  late.surplus = true;
  const AgreementReport r = agreement_report(
      "d", {task_of(0, {answer_by("alice", "a dog"), answer_by("bob", "whatever", AnswerKind::reject)}),
            task_of(1, {answer_by("alice", "a cat"), late})});
  EXPECT_EQ(r.tasks, 2u);
  EXPECT_EQ(r.captions.tasks, 1u);
  EXPECT_EQ(r.captions.captions, 2u);
  EXPECT_DOUBLE_EQ(*r.captions.mean_pairwise_wer.value, 0.0);
  EXPECT_TRUE(r.most_disagreed.empty());
  EXPECT_EQ(r.answer_kinds.items, 2u);
  EXPECT_EQ(r.answer_kinds.values, 4u);
}

TEST(Agreement, PerfectAgreementAndNoVariation) {
  const AgreementReport r = agreement_report(
      "d", {task_of(0, {answer_by("alice", "two red squares"), answer_by("bob", "Two red squares.")}),
            task_of(1, {answer_by("alice", "a cat"), answer_by("bob", "a cat"), answer_by("carol", "a cat")})});
  EXPECT_DOUBLE_EQ(*r.captions.mean_pairwise_wer.value, 0.0);
  EXPECT_NEAR(*r.captions.bleu4_loo.value, 0.0, 1e-12);  // "a cat" has no 3- or 4-grams: BLEU-4 without smoothing is 0
  EXPECT_FALSE(r.answer_kinds.alpha);
  EXPECT_EQ(r.answer_kinds.why, "every answer is accept: no variation");
  EXPECT_EQ(r.categorised, 0u);
  EXPECT_TRUE(r.categories.empty());
  EXPECT_TRUE(r.most_disagreed.empty());
}

TEST(Agreement, NoOverlapLeavesEveryFigureUndefined) {
  const AgreementReport r = agreement_report("d", {});
  EXPECT_EQ(r.tasks, 0u);
  EXPECT_FALSE(r.captions.mean_pairwise_wer.value);
  EXPECT_FALSE(r.captions.bleu4_loo.value);
  EXPECT_FALSE(r.captions.cider_loo.value);
  EXPECT_FALSE(r.captions.mean_pairwise_wer.why.empty());
  EXPECT_FALSE(r.answer_kinds.alpha);
  const nlohmann::json j = agreement_json(r);
  EXPECT_TRUE(j["captions"]["mean_pairwise_wer"].is_null());
  EXPECT_EQ(j["captions"]["mean_pairwise_wer_why"], r.captions.mean_pairwise_wer.why);
  EXPECT_TRUE(j["answers"]["alpha"].is_null());
  EXPECT_TRUE(j["answers"].contains("alpha_why"));
}

TEST(Agreement, LeaveOneOutBleuAndCiderAreTheMetricCodesOnEachCaptionAgainstTheOthers) {
  const std::vector<TaskAnswers> tasks = {
      task_of(0, {answer_by("alice", "a red circle on a blue background"), answer_by("bob", "a red circle on a blue field"),
                  answer_by("carol", "one red circle on a blue background")}),
      task_of(1, {answer_by("alice", "two green squares and a small triangle"),
                  answer_by("carol", "two green squares and a triangle")}),
      task_of(2, {answer_by("bob", "a dog runs on the grass"), answer_by("carol", "a dog running on grass"),
                  answer_by("dave", "nothing", AnswerKind::ignore)}),
  };
  // By hand: every accepted caption as hypothesis, its task's others as references.
  std::vector<std::vector<std::string>> refs;
  std::vector<std::string> hyps, who;
  for (const TaskAnswers& t : tasks)
    for (const Answer& h : t.answers) {
      if (h.answer != AnswerKind::accept) continue;
      std::vector<std::string> others;
      for (const Answer& r : t.answers)
        if (&r != &h && r.answer == AnswerKind::accept) others.push_back(r.caption);
      refs.push_back(others);
      hyps.push_back(h.caption);
      who.push_back(h.annotator);
    }
  const std::vector<double> cider = cider_d_per_item(refs, hyps);
  double cider_mean = 0;
  for (double c : cider) cider_mean += c / static_cast<double>(cider.size());

  const AgreementReport r = agreement_report("d", tasks);
  EXPECT_EQ(r.captions.captions, 7u);
  EXPECT_NEAR(*r.captions.bleu4_loo.value, corpus_bleu4(refs, hyps), 1e-12);
  EXPECT_GT(*r.captions.bleu4_loo.value, 0.0);
  EXPECT_NEAR(*r.captions.cider_loo.value, cider_mean, 1e-12);
  for (const std::string name : {"alice", "bob", "carol"}) {
    std::vector<std::vector<std::string>> their_refs;
    std::vector<std::string> their_hyps;
    double their_cider = 0;
    for (std::size_t i = 0; i < hyps.size(); ++i)
      if (who[i] == name) {
        their_refs.push_back(refs[i]);
        their_hyps.push_back(hyps[i]);
        their_cider += cider[i];
      }
    EXPECT_NEAR(*annotator(r, name).bleu4.value, corpus_bleu4(their_refs, their_hyps), 1e-12) << name;
    EXPECT_NEAR(*annotator(r, name).cider.value, their_cider / static_cast<double>(their_hyps.size()), 1e-12) << name;
    EXPECT_EQ(annotator(r, name).tasks, their_hyps.size()) << name;
  }
}

TEST(Agreement, MostDisagreedTasksComeFirstUpToTheLimit) {
  std::vector<TaskAnswers> tasks;
  tasks.push_back(task_of(0, {answer_by("a", "one two three four"), answer_by("b", "one two three five")}));
  tasks.push_back(task_of(1, {answer_by("a", "red"), answer_by("b", "blue")}));
  tasks.push_back(task_of(2, {answer_by("a", "one two"), answer_by("b", "one three")}));
  tasks.push_back(task_of(3, {answer_by("a", "same"), answer_by("b", "same")}));
  const AgreementReport r = agreement_report("d", tasks, 2);
  ASSERT_EQ(r.most_disagreed.size(), 2u);
  EXPECT_EQ(r.most_disagreed[0].position, 1u);  // WER 1
  EXPECT_EQ(r.most_disagreed[1].position, 2u);  // WER 0.5, then task 0's 0.25 left out
  EXPECT_EQ(r.most_disagreed[0].answers.size(), 2u);
}

// ---- answer kinds and categories

TEST(Agreement, AnswerKindsAlphaByHand) {
  // accept/accept, accept/reject, ignore/ignore: n = 6 (accept 3, reject 1,
  // ignore 2); one disagreeing item. alpha = 1 - 5 * 2 / (36 - 9 - 1 - 4).
  const AgreementReport r = agreement_report(
      "d", {task_of(0, {answer_by("a", "x"), answer_by("b", "x")}),
            task_of(1, {answer_by("a", "x"), answer_by("b", "x", AnswerKind::reject)}),
            task_of(2, {answer_by("a", "x", AnswerKind::ignore), answer_by("b", "x", AnswerKind::ignore)})});
  ASSERT_TRUE(r.answer_kinds.alpha);
  EXPECT_NEAR(*r.answer_kinds.alpha, 1.0 - 10.0 / 22.0, 1e-12);
  EXPECT_EQ(r.answer_kinds.items, 3u);
  EXPECT_EQ(r.answer_kinds.values, 6u);
}

TEST(Agreement, CategoriesCountOnlyAnswersFromErrorAnalysis) {
  // carol's answers come from a captioning pass (no guess, no categories):
  // left out, so task 2 has one categorised answer and is not pairable.
  const AgreementReport r = agreement_report(
      "d", {task_of(0, {categorised_by("alice", {"subject"}), categorised_by("bob", {"subject"}),
                        answer_by("carol", "a caption")}),
            task_of(1, {categorised_by("alice", {"subject", "number"}), categorised_by("bob", {})}),
            task_of(2, {categorised_by("alice", {"colour-ish"}), answer_by("carol", "a caption")})});
  EXPECT_EQ(r.categorised, 5u);
  // subject: yes/yes, yes/no -> n = 4 (yes 3, no 1), alpha = 1 - 3 * 2 / (16 - 9 - 1).
  const AlphaResult& subject = category(r, "subject");
  EXPECT_EQ(subject.items, 2u);
  EXPECT_EQ(subject.values, 4u);
  EXPECT_NEAR(*subject.alpha, 1.0 - 6.0 / 6.0, 1e-12);
  // number: no/no, yes/no.
  EXPECT_NEAR(*category(r, "number").alpha, 1.0 - 3.0 * 2.0 / (16 - 1 - 9), 1e-12);
  // background: nobody ticked it.
  const AlphaResult& background = category(r, "background");
  EXPECT_FALSE(background.alpha);
  EXPECT_EQ(background.why, "none of the 4 answers compared has 'background': no variation");
  // A category outside the default labels is listed after them.
  EXPECT_EQ(r.categories.back().category, "colour-ish");
  EXPECT_EQ(r.categories.back().alpha.why, "none of the 4 answers compared has 'colour-ish': no variation");
  const nlohmann::json j = agreement_json(r);
  EXPECT_TRUE(j["categories"]["background"]["alpha"].is_null());
  EXPECT_EQ(j["categories"]["subject"]["items"], 2);
}

TEST(Agreement, CategoriesOfTasksWithOneCategorisedAnswerEachAreUndefined) {
  const AgreementReport r = agreement_report(
      "d", {task_of(0, {categorised_by("alice", {"subject"}), answer_by("bob", "a caption")}),
            task_of(1, {categorised_by("bob", {}), answer_by("alice", "a caption")})});
  EXPECT_EQ(r.categorised, 2u);
  const AlphaResult& subject = category(r, "subject");
  EXPECT_FALSE(subject.alpha);
  EXPECT_EQ(subject.items, 0u);
  EXPECT_EQ(subject.why, "no task has two or more answers from error analysis");
}

// ---- from a store

TEST(Agreement, GathersTasksWithTwoOrMoreAnswersFromAStore) {
  test::TempDir dir;
  LmdbStore store({dir.path(), 1u << 20, false});
  std::vector<Task> tasks;
  for (std::uint64_t h = 1; h <= 3; ++h) tasks.push_back(Task{h, "/img/" + std::to_string(h) + ".png", 8, 8});
  store.add_tasks("d", tasks);
  store.set_routing("d", Routing{2});
  const auto save = [&](std::uint64_t task, const std::string& who, const std::string& caption) {
    Answer a = answer_by(who, caption);
    a.task = task;
    store.save_answer("d", a);
  };
  save(1, "alice", "a red circle");
  save(1, "bob", "a blue circle");
  save(2, "alice", "alone");
  save(3, "bob", "x");
  save(3, "carol", "y");
  const DatasetInfo d = store.require_dataset("d");
  const std::vector<TaskAnswers> groups = gather_overlapping_tasks(store, d);
  ASSERT_EQ(groups.size(), 2u);
  EXPECT_EQ(groups[0].position, 0u);
  EXPECT_EQ(groups[0].task, 1u);
  EXPECT_EQ(groups[0].answers.size(), 2u);
  EXPECT_EQ(groups[1].position, 2u);
  AgreementReport r = agreement_report(d.name, groups);
  fill_paths(store, r);
  ASSERT_EQ(r.most_disagreed.size(), 2u);
  EXPECT_EQ(r.most_disagreed[0].path, "/img/3.png");
  const std::string text = format_agreement(r);
  EXPECT_NE(text.find("2 tasks with two or more answers"), std::string::npos) << text;
  EXPECT_NE(text.find("/img/1.png"), std::string::npos) << text;
}

}  // namespace
}  // namespace gloss
