// Captions and decodes ahead of the annotator's cursor on one background
// thread, so the window never waits: nearest tasks first, a few behind, far
// work dropped as soon as the cursor moves. Suggestions go to the store's
// cache (checked first, so nothing is captioned twice, across sessions too)
// and, with decoded pixels and thumbnails, to a mailbox the UI thread drains
// each frame. Serves one model, or two (gloss compare: both captions of each
// image, taken in turn). A model that takes several requests at once (an
// endpoint server, Captioner::concurrency() > 1) gets that many caller
// threads of its own, nearest the cursor first; a failed request is shown on
// its task and, where asking again makes sense, retried with backoff.
// Torch-free: only the Captioner interface.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "core/image.h"
#include "core/image_roots.h"
#include "core/store.h"
#include "core/captioner.h"

namespace gloss {

struct AheadOptions {
  std::uint64_t ahead = 32;        // suggestions this far ahead of the cursor
  std::uint64_t behind = 4;        // ... and this far behind
  std::uint64_t image_ahead = 3;   // decoded pixels delivered for these neighbours
  std::uint64_t image_behind = 1;
  int thumbnail_side = 192;
  // Images are decoded with their longest side at most this (shrink-on-load):
  // the screen cannot show more, and a 48 MP photo then costs what the screen
  // has. The window sets it from the monitor; the model gets the same pixels.
  int display_side = 2560;
  // Where the tasks' images are on this workstation; every image read is
  // checked against its task's content hash (core/image_roots.h).
  ImageRoots image_roots;
};

// A rectangle in upright full-resolution coordinates of a whole image.
struct ImageRegion {
  int left = 0, top = 0, width = 0, height = 0;
  bool operator==(const ImageRegion&) const = default;
};

struct AheadResult {
  enum Kind { suggestion, image, thumbnail, failure, detail, suggestion_error };
  Kind kind = suggestion;
  std::uint64_t task = 0;
  std::uint64_t position = 0;
  int model = 0;                        // kind == suggestion: index into the scheduler's captioners
  Suggestion caption;                   // kind == suggestion
  std::shared_ptr<const Image> pixels;  // kind == image, thumbnail or detail (null when a detail failed)
  std::string error;                    // kind == failure: why the image cannot be shown; detail: why not;
                                        // suggestion_error: why the model gave no caption (yet)
  ImageRegion region;                   // kind == detail: where `pixels` lie, clamped to the image
  bool retrying = false;                // kind == suggestion_error: it will be asked again
};

struct AheadStatus {
  std::uint64_t ready_ahead = 0;  // tasks in [cursor, cursor + ahead) with every model's suggestion
  std::uint64_t queue_depth = 0;  // jobs left near the cursor
  std::uint64_t captioned = 0;    // model calls made
  std::uint64_t cache_hits = 0;   // suggestions found in the store's cache
  std::uint64_t in_flight = 0;    // model requests running now
  // The last error worth retrying (a server that is down or timing out),
  // until a caption arrives again; empty when all is well.
  std::string model_problem;
};

class AheadScheduler {
 public:
  // `captioner` may be null (manual captioning: images and thumbnails only);
  // it is not owned and must outlive the scheduler.
  AheadScheduler(Store& store, const DatasetInfo& dataset, Captioner* captioner,
                 AheadOptions options = {});
  // Several models (none null, not owned): each task gets a suggestion from each.
  AheadScheduler(Store& store, const DatasetInfo& dataset, std::vector<Captioner*> captioners,
                 AheadOptions options = {});
  ~AheadScheduler();
  AheadScheduler(const AheadScheduler&) = delete;
  AheadScheduler& operator=(const AheadScheduler&) = delete;

  // Called from the worker after each delivery (e.g. to wake the UI's event
  // wait). Set it before the first set_cursor.
  void set_notify(std::function<void()> notify) { notify_ = std::move(notify); }
  // The first call starts the worker.
  void set_cursor(std::uint64_t position);
  // Where the annotator is about to go (the number typed in the jump dialog,
  // the gallery's selection): its pixels and suggestion come right after the
  // cursor's, so the jump lands on a ready image. nullopt: nowhere.
  void peek(std::optional<std::uint64_t> position);
  // Deliver the pixels for this position again (the UI dropped its texture).
  void want_image(std::uint64_t position);
  // A rectangle of this position's image at full resolution (the window
  // zoomed past its display-size decode), served right after the cursor's
  // pixels and delivered as AheadResult::detail. The latest request wins.
  void want_detail(std::uint64_t position, int left, int top, int width, int height);
  // Zoomed out or moved on: no detail wanted.
  void clear_detail();
  // The dataset grew (its folder is still being indexed): plan up to `size`.
  // Positions never change, so what was planned and delivered stays right.
  void set_size(std::uint64_t size);
  // Thumbnails for the visible part of the gallery; count 0 = gallery closed.
  void want_thumbnails(std::uint64_t first, std::uint64_t count);
  // Everything delivered since the last call, oldest first.
  std::vector<AheadResult> take_results();
  AheadStatus status() const;
  // True once nothing is left to do near the cursor (for tests and --replay).
  bool wait_idle(std::chrono::milliseconds timeout);
  // Joins the worker; the job in progress finishes first. Idempotent.
  void stop();

 private:
  struct Job {
    enum Kind { none, image, suggestion, thumbnail, detail };
    Kind kind = none;
    std::uint64_t position = 0;
    std::uint64_t task = 0;
    int model = 0;
    ImageRegion region;              // kind == detail
    std::uint64_t detail_request = 0;  // kind == detail: which request it serves
  };

  // The main worker takes every job but the suggestions of models with
  // their own callers; a caller takes only those, within the model's
  // concurrency.
  enum class Worker { main, caller };
  void run(Worker worker);
  Job next_job_locked(Worker worker);
  bool takes_locked(Worker worker, const Job& job) const;
  bool nothing_left_locked();
  void finish_job_locked(const Job& job, bool retry);
  std::chrono::steady_clock::time_point next_retry_locked() const;
  bool has_own_callers(std::size_t model) const { return captioners_[model]->concurrency() > 1; }
  void plan_locked(std::vector<Job>& jobs, std::size_t limit, const std::function<bool(const Job&)>& take);
  std::uint64_t hash_at_locked(std::uint64_t position);
  void do_job(const Job& job);
  bool do_suggestion(const Job& job);  // true: failed, ask again later
  bool caption_failed(const Job& job, const Caption& caption);
  void do_image(const Job& job);
  void do_thumbnail(const Job& job);
  void do_detail(const Job& job);
  std::shared_ptr<const Image> decode(std::uint64_t task, int side, std::string& error);
  std::shared_ptr<const Image> decode_for_thumbnail(std::uint64_t task, int side, std::string& error);
  Image decode_task(std::uint64_t task, int side) const;
  void deliver(AheadResult result);
  void update_status_locked();
  bool all_suggested_locked(std::uint64_t task) const;

  Store& store_;
  DatasetInfo dataset_;
  std::vector<Captioner*> captioners_;
  AheadOptions options_;
  std::function<void()> notify_;

  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::condition_variable idle_cv_;
  bool stopping_ = false;
  bool idle_ = false;
  std::uint64_t cursor_ = 0;
  std::optional<std::uint64_t> peek_;
  std::uint64_t thumbs_first_ = 0, thumbs_count_ = 0;
  struct DetailWanted {
    std::uint64_t position;
    ImageRegion region;
    std::uint64_t request;  // counts requests, so a finished job knows whether a newer one came
  };
  std::optional<DetailWanted> detail_;  // not yet delivered
  std::uint64_t detail_requests_ = 0;
  std::unordered_map<std::uint64_t, std::uint64_t> hashes_;  // position -> task
  std::vector<std::set<std::uint64_t>> suggested_;  // per model: tasks with a suggestion (or a failure)
  std::set<std::uint64_t> images_sent_;      // positions whose pixels the UI has
  std::set<std::uint64_t> thumbs_sent_;      // positions whose thumbnail the UI has
  std::unordered_map<std::uint64_t, std::string> failed_;  // task -> reason
  std::vector<std::set<std::uint64_t>> in_flight_;  // per model: tasks being captioned now
  struct Retry {
    std::chrono::steady_clock::time_point at;
    int attempts = 0;
  };
  std::vector<std::unordered_map<std::uint64_t, Retry>> retries_;  // per model: task -> when to ask again
  std::vector<AheadResult> mailbox_;
  AheadStatus status_;

  // The last few decoded images (task, longest side asked for), so
  // captioning and display share a decode where the sizes allow. Guarded by
  // decoded_mutex_ (callers decode too), never held while decoding.
  struct Decoded {
    std::uint64_t task;
    int side;
    std::shared_ptr<const Image> image;
  };
  std::deque<Decoded> decoded_;
  std::mutex decoded_mutex_;

  std::thread worker_;
  std::vector<std::thread> callers_;
};

}  // namespace gloss
