// `gloss agreement`'s text and JSON (agreement.h).
#include <cstdio>

#include "core/agreement.h"

namespace gloss {
namespace {
using nlohmann::json;

std::string printf_string(const char* format, auto... args) {
  char buf[1024];
  std::snprintf(buf, sizeof buf, format, args...);
  return buf;
}

// "0.312", or "-" when undefined.
std::string number(const Figure& f, const char* format = "%.3f") {
  return f.value ? printf_string(format, *f.value) : std::string("-");
}

std::string plural(std::size_t n, const char* word) {
  return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
}

std::string figure_line(const char* label, const Figure& f, const std::string& behind) {
  if (!f.value) return printf_string("  %-26s undefined: %s\n", label, f.why.c_str());
  return printf_string("  %-26s %7.3f   (%s)\n", label, *f.value, behind.c_str());
}

std::string format_captions(const CaptionAgreement& c) {
  std::string out = "captions (accepted answers): " + plural(c.tasks, "task") + ", " + plural(c.captions, "caption") +
                    ", " + plural(c.pairs, "ordered pair") + "\n";
  out += figure_line("mean pairwise WER", c.mean_pairwise_wer,
                     plural(c.pairs, "pair") + "; 0 = same words, 1 = as many edits as words");
  out += figure_line("BLEU-4, leave-one-out", c.bleu4_loo, "each caption against its task's other captions");
  out += figure_line("CIDEr-D, leave-one-out", c.cider_loo, "the same captions; higher is closer, 10 at most");
  if (c.per_annotator.empty()) return out;
  out += "\n  each annotator's captions against the others'\n";
  out += printf_string("    %-16s %6s %6s %7s %7s %8s\n", "annotator", "tasks", "pairs", "WER", "BLEU-4", "CIDEr-D");
  for (const AnnotatorAgreement& a : c.per_annotator)
    out += printf_string("    %-16s %6zu %6zu %7s %7s %8s\n", a.annotator.c_str(), a.tasks, a.pairs,
                         number(a.wer).c_str(), number(a.bleu4).c_str(), number(a.cider).c_str());
  out += "\n  mean WER of the row's captions against the column's (tasks both captioned)\n";
  std::vector<std::string> names;
  for (const AnnotatorAgreement& a : c.per_annotator) names.push_back(a.annotator);
  out += printf_string("    %-16s", "");
  for (const std::string& n : names) out += printf_string(" %14.14s", n.c_str());
  out += "\n";
  for (const std::string& row : names) {
    out += printf_string("    %-16s", row.c_str());
    for (const std::string& column : names) {
      const WerCell* cell = nullptr;
      for (const WerCell& w : c.matrix)
        if (w.scored == row && w.reference == column) cell = &w;
      const std::string text = cell ? printf_string("%.3f (%zu)", cell->wer, cell->tasks) : std::string("-");
      out += printf_string(" %14s", text.c_str());
    }
    out += "\n";
  }
  return out;
}

std::string alpha_text(const AlphaResult& r) {
  return r.alpha ? printf_string("%.3f", *r.alpha) : "undefined: " + r.why;
}

std::string format_categories(const AgreementReport& r) {
  if (r.categorised == 0)
    return "error categories: no answer went through error analysis (gloss errors), nothing to compare\n";
  std::string out = "error categories, Krippendorff's alpha per category (yes/no per answer; " +
                    plural(r.categorised, "answer") + " from error analysis)\n";
  out += printf_string("    %-14s %6s %7s  %s\n", "category", "tasks", "answers", "alpha");
  for (const CategoryAgreement& c : r.categories)
    out += printf_string("    %-14s %6zu %7zu  %s\n", c.category.c_str(), c.alpha.items, c.alpha.values,
                         alpha_text(c.alpha).c_str());
  return out;
}

std::string format_disagreed(const std::vector<DisagreedTask>& tasks) {
  if (tasks.empty()) return "tasks that disagree most: none (every task's captions have the same words)\n";
  std::string out = "tasks that disagree most (mean pairwise WER of their captions; image N as Ctrl+G takes it)\n";
  for (const DisagreedTask& t : tasks) {
    out += printf_string("  image %-6llu WER %.3f  %s\n", static_cast<unsigned long long>(t.position + 1), t.wer,
                         t.path.c_str());
    for (const Answer& a : t.answers)
      out += printf_string("      %-16s %-7s %s\n", a.annotator.c_str(), std::string(to_string(a.answer)).c_str(),
                           a.caption.c_str());
  }
  return out;
}

// "key": value, or "key": null and "key_why": the reason.
void figure_json(json& parent, const char* key, const Figure& f) {
  parent[key] = f.value ? json(*f.value) : json(nullptr);
  if (!f.value) parent[std::string(key) + "_why"] = f.why;
}

json alpha_json(const AlphaResult& r) {
  json j = {{"alpha", r.alpha ? json(*r.alpha) : json(nullptr)}, {"items", r.items}, {"values", r.values}};
  if (!r.alpha) j["alpha_why"] = r.why;
  return j;
}

}  // namespace

std::string format_agreement(const AgreementReport& r) {
  std::string out = "agreement in '" + r.dataset + "': " + plural(r.tasks, "task") + " with two or more answers (" +
                    plural(r.answers, "answer") + ")\n";
  if (r.tasks == 0) return out + "nothing to compare: give tasks to several annotators (gloss add DATASET SOURCE --overlap 2)\n";
  out += "\n" + format_captions(r.captions) + "\n";
  out += "answer kinds (accept/reject/ignore), Krippendorff's alpha: " + alpha_text(r.answer_kinds) + "   (" +
         plural(r.answer_kinds.items, "task") + ", " + plural(r.answer_kinds.values, "answer") + ")\n\n";
  out += format_categories(r) + "\n";
  out += format_disagreed(r.most_disagreed);
  return out;
}

json agreement_json(const AgreementReport& r) {
  json captions = {{"tasks", r.captions.tasks}, {"captions", r.captions.captions}, {"pairs", r.captions.pairs}};
  figure_json(captions, "mean_pairwise_wer", r.captions.mean_pairwise_wer);
  figure_json(captions, "bleu4_loo", r.captions.bleu4_loo);
  figure_json(captions, "cider_loo", r.captions.cider_loo);
  json per = json::object();
  for (const AnnotatorAgreement& a : r.captions.per_annotator) {
    json one = {{"tasks", a.tasks}, {"pairs", a.pairs}};
    figure_json(one, "wer", a.wer);
    figure_json(one, "bleu4", a.bleu4);
    figure_json(one, "cider", a.cider);
    per[a.annotator] = one;
  }
  captions["per_annotator"] = per;
  json matrix = json::object();
  for (const WerCell& c : r.captions.matrix) matrix[c.scored][c.reference] = {{"wer", c.wer}, {"tasks", c.tasks}};
  captions["matrix"] = matrix;

  json categories = json::object();
  for (const CategoryAgreement& c : r.categories) categories[c.category] = alpha_json(c.alpha);
  json disagreed = json::array();
  for (const DisagreedTask& t : r.most_disagreed) {
    json answers = json::array();
    for (const Answer& a : t.answers)
      answers.push_back({{"annotator", a.annotator}, {"answer", to_string(a.answer)}, {"caption", a.caption}});
    disagreed.push_back({{"position", t.position}, {"path", t.path}, {"wer", t.wer}, {"answers", answers}});
  }
  return {{"dataset", r.dataset},         {"tasks", r.tasks},
          {"answers", alpha_json(r.answer_kinds)}, {"categorised_answers", r.categorised},
          {"categories", categories},     {"captions", captions},
          {"most_disagreed", disagreed}};
}

}  // namespace gloss
