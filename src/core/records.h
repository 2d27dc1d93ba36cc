// The records gloss stores: tasks (images), answers (one per task,
// dataset and annotator), cached model suggestions. Plain structs; the store and the
// importers/exporters convert them.
#pragma once

#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace gloss {

// An image, identified by the 64-bit content hash of its bytes.
struct Task {
  std::uint64_t hash = 0;
  std::string path;  // absolute path where the image was first added from
  int width = 0;
  int height = 0;
  std::int64_t added_ms = 0;
  // The folder `path` was added from (the folder given to add, or a JSONL's
  // folder): sidecar export writes to the same path relative to it. Empty
  // for images added before gloss recorded it.
  std::string root;
};

enum class AnswerKind { accept, reject, ignore };
std::string_view to_string(AnswerKind kind);
std::optional<AnswerKind> parse_answer_kind(std::string_view text);

// One blind A/B judgement (gloss compare): both models' captions, which one
// was shown on the left, and what the annotator chose.
enum class CompareChoice { a, b, both_good, both_bad, none };
std::string_view to_string(CompareChoice choice);  // "a", "b", "both-good", "both-bad", "none"
std::optional<CompareChoice> parse_compare_choice(std::string_view text);

struct CompareRecord {
  std::string model_a, model_b;      // model ids, in the order given to gloss compare
  std::string caption_a, caption_b;  // their suggestions for this image
  bool a_on_left = true;             // the blind order the annotator saw
  CompareChoice choice = CompareChoice::none;  // none: skipped, or the image was rejected
  bool identical = false;            // answered automatically: both captions the same
  bool edited = false;               // the final caption is the better one, edited
  bool operator==(const CompareRecord&) const = default;
};

struct Answer {
  std::uint64_t task = 0;
  std::string annotator;     // who answered; with session, Prodigy's _annotator_id
  std::string session;
  std::string caption;       // final caption
  std::string orig_caption;  // the model's suggestion; empty when there was none
  std::string model;         // id of the model that made orig_caption; empty if none
  AnswerKind answer = AnswerKind::accept;
  std::vector<std::string> categories;  // error categories (error analysis pass)
  std::int64_t started_ms = 0;  // when the task was shown (0 if unknown)
  std::int64_t saved_ms = 0;    // when it was answered
  std::int64_t ms_spent = 0;
  int edit_distance = 0;        // word-level, orig_caption -> caption
  // Fields kept as they came but not interpreted: Prodigy's _input_hash and
  // _task_hash, extra references from COCO, options of choice answers...
  nlohmann::json extra = nlohmann::json::object();
  std::optional<CompareRecord> compare;  // answers of gloss compare
  // Saved after the task already had its overlap of answers from others (a
  // lease that ran out and was handed on): kept, never counted twice.
  bool surplus = false;

  // Prodigy's image-caption.correct counts an accepted answer as "changed"
  // when the caption differs from the suggestion.
  bool changed() const { return caption != orig_caption; }
};

// How a lead settled a task that several annotators answered (gloss review).
enum class ReviewVerdict {
  picked,     // one annotator's caption, as it is
  edited,     // a caption written from one of them (or from scratch)
  sent_back,  // none will do: the task goes to one more annotator
};
std::string_view to_string(ReviewVerdict verdict);  // "picked", "edited", "sent-back"
std::optional<ReviewVerdict> parse_review_verdict(std::string_view text);

// The final word on a task, kept next to its answers (never replacing
// them): at most one per task and dataset, the latest.
struct Review {
  std::uint64_t task = 0;
  std::string reviewer;
  std::int64_t reviewed_ms = 0;
  ReviewVerdict verdict = ReviewVerdict::picked;
  std::string from;     // picked/edited: whose answer it was picked or edited from; empty if written anew
  std::string caption;  // the final caption; empty when sent back
  bool operator==(const Review&) const = default;
  // The caption exports, training and evaluation use for the task.
  bool settled() const { return verdict != ReviewVerdict::sent_back; }
};

struct Suggestion {
  std::string caption;
  std::vector<std::int64_t> tokens;
  float log_prob = 0.f;
  float confidence = 0.f;  // NaN: the model gave no probabilities (has_confidence)
  std::int64_t created_ms = 0;
  // How far the image lies from the model's training images (Caption::
  // ood_score); NaN: unknown (the model has no statistics, or the suggestion
  // was stored before gloss kept it). Never flagged when unknown.
  float ood_score = std::nanf("");
  // The image is unlike the training images: the suggestion is a guess.
  bool unlike_training = false;
};

// False for a suggestion from a model without token probabilities (an
// endpoint server that returns no logprobs): show no confidence at all.
inline bool has_confidence(const Suggestion& s) { return !std::isnan(s.confidence); }

// A file as a stat sees it, and the content hash gloss found when it last
// read it: an unchanged file (same size, modification time and inode) need
// not be read again.
struct FileStamp {
  std::string path;  // absolute, normalised
  std::uint64_t size = 0;
  std::int64_t mtime_ns = 0;
  std::uint64_t inode = 0;
  std::uint64_t hash = 0;  // 0 until read
};

struct DatasetInfo {
  std::uint32_t id = 0;
  std::string name;
  std::uint64_t size = 0;      // tasks in the dataset
  std::uint64_t answered = 0;  // tasks with `overlap` answers or more: done
  std::uint64_t answers = 0;   // answers of every annotator, surplus ones included
  std::int64_t created_ms = 0;
  int overlap = 1;             // different annotators wanted per task
  std::int64_t lease_ms = 30 * 60 * 1000;  // how long a claimed task stays reserved
  // Adaptive overlap (Routing in store.h): one more annotator for a task
  // whose captions disagree by more than this mean pairwise WER, up to
  // max_overlap. nullopt: off.
  std::optional<double> more_if_wer_above;
  int max_overlap = 0;
};

std::int64_t now_ms();

// Internal (store) encodings. Throw StoreError on a corrupt record.
std::string encode(const Task& task);
std::string encode(const Answer& answer);
std::string encode(const Suggestion& suggestion);
Task decode_task(std::string_view bytes);
Answer decode_answer(std::string_view bytes);
Suggestion decode_suggestion(std::string_view bytes);
std::string encode(const Review& review);
Review decode_review(std::string_view bytes);

}  // namespace gloss
