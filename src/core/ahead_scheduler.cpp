#include "core/ahead_scheduler.h"

#include <algorithm>

#include "core/error.h"

namespace gloss {
namespace {
constexpr std::size_t kDecodedKept = 8;
constexpr std::uint64_t kHashPage = 64;
// GL 3.3 guarantees textures of 1024 px; every desktop GPU and llvmpipe take
// 8192.
constexpr int kMaxDisplaySide = 8192;
// A request worth repeating waits 1, 2, 4, 8 s, then 10 s between tries: a
// server that comes back is picked up within 10 s.
constexpr int kMaxRetrySeconds = 10;

int retry_seconds(int attempts) { return std::min(kMaxRetrySeconds, 1 << std::min(attempts, 4)); }

// A decode at `side` serves a request at `wanted` when it is the same size,
// or when it holds the whole image and the whole image fits `wanted`.
bool serves(const Image& image, int side, int wanted) {
  if (side == wanted) return true;
  const bool whole = image.width == image.source.width && image.height == image.source.height;
  return whole && std::max(image.width, image.height) <= wanted;
}

// The task's record; the store may have lost it (dropped meanwhile).
Task task_of(Store& store, std::uint64_t task) {
  auto record = store.task(task);
  if (!record) throw UserError("this image is no longer in the store");
  return *record;
}
}  // namespace

AheadScheduler::AheadScheduler(Store& store, const DatasetInfo& dataset, Captioner* captioner,
                               AheadOptions options)
    : AheadScheduler(store, dataset, captioner ? std::vector<Captioner*>{captioner} : std::vector<Captioner*>{},
                     options) {}

AheadScheduler::AheadScheduler(Store& store, const DatasetInfo& dataset, std::vector<Captioner*> captioners,
                               AheadOptions options)
    : store_(store), dataset_(dataset), captioners_(std::move(captioners)), options_(options),
      suggested_(captioners_.size()), in_flight_(captioners_.size()), retries_(captioners_.size()) {}

AheadScheduler::~AheadScheduler() { stop(); }

void AheadScheduler::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  idle_cv_.notify_all();
  for (Captioner* captioner : captioners_) captioner->cancel();  // a request to a slow server must not hold us
  if (worker_.joinable()) worker_.join();
  for (auto& caller : callers_)
    if (caller.joinable()) caller.join();
}

void AheadScheduler::set_cursor(std::uint64_t position) {
  {
    std::lock_guard lock(mutex_);
    cursor_ = position;
    peek_.reset();  // arrived, or went elsewhere
    const std::uint64_t lo = position - std::min(position, options_.image_behind);
    const std::uint64_t hi = position + options_.image_ahead;
    std::erase_if(images_sent_, [&](std::uint64_t p) { return p < lo || p > hi; });
    idle_ = false;
    update_status_locked();
    // Nothing to do until we know where the annotator is.
    if (!worker_.joinable() && !stopping_) {
      worker_ = std::thread([this] { run(Worker::main); });
      for (std::size_t m = 0; m < captioners_.size(); ++m)
        if (has_own_callers(m))
          for (int i = 0; i < captioners_[m]->concurrency(); ++i)
            callers_.emplace_back([this] { run(Worker::caller); });
    }
  }
  wake_.notify_all();
}

void AheadScheduler::peek(std::optional<std::uint64_t> position) {
  {
    std::lock_guard lock(mutex_);
    if (peek_ == position) return;
    peek_ = position;
    idle_ = false;
  }
  wake_.notify_all();
}

void AheadScheduler::want_image(std::uint64_t position) {
  {
    std::lock_guard lock(mutex_);
    images_sent_.erase(position);
    idle_ = false;
  }
  wake_.notify_all();
}

void AheadScheduler::want_detail(std::uint64_t position, int left, int top, int width, int height) {
  {
    std::lock_guard lock(mutex_);
    detail_ = DetailWanted{position, {left, top, width, height}, ++detail_requests_};
    idle_ = false;
  }
  wake_.notify_all();
}

void AheadScheduler::clear_detail() {
  std::lock_guard lock(mutex_);
  detail_.reset();
}

void AheadScheduler::want_thumbnails(std::uint64_t first, std::uint64_t count) {
  {
    std::lock_guard lock(mutex_);
    if (first == thumbs_first_ && count == thumbs_count_) return;
    thumbs_first_ = first;
    thumbs_count_ = count;
    std::erase_if(thumbs_sent_, [&](std::uint64_t p) { return p < first || p >= first + count; });
    idle_ = false;
  }
  wake_.notify_all();
}

std::vector<AheadResult> AheadScheduler::take_results() {
  std::lock_guard lock(mutex_);
  std::vector<AheadResult> out;
  out.swap(mailbox_);
  return out;
}

AheadStatus AheadScheduler::status() const {
  std::lock_guard lock(mutex_);
  return status_;
}

void AheadScheduler::set_size(std::uint64_t size) {
  {
    std::lock_guard lock(mutex_);
    if (size <= dataset_.size) return;
    dataset_.size = size;
    idle_ = false;
  }
  wake_.notify_all();
}

bool AheadScheduler::wait_idle(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  return idle_cv_.wait_for(lock, timeout, [&] { return idle_ || stopping_; }) && idle_;
}

std::uint64_t AheadScheduler::hash_at_locked(std::uint64_t position) {
  if (const auto it = hashes_.find(position); it != hashes_.end()) return it->second;
  const std::uint64_t first = position - position % kHashPage;
  const auto page = store_.tasks_at(dataset_, first, kHashPage);
  for (std::size_t i = 0; i < page.size(); ++i) hashes_[first + i] = page[i];
  const auto it = hashes_.find(position);
  return it == hashes_.end() ? 0 : it->second;
}

// Priority: the open task's pixels, the zoomed detail, the open task's
// suggestion, then visible thumbnails,
// then neighbours by distance (ahead at full rate, behind at half rate).
// Suggestions being captioned, or waiting for a retry, are left out.
void AheadScheduler::plan_locked(std::vector<Job>& jobs, std::size_t limit,
                                 const std::function<bool(const Job&)>& take) {
  const std::uint64_t size = dataset_.size;
  const auto now = std::chrono::steady_clock::now();
  auto full = [&] { return jobs.size() >= limit; };
  auto add = [&](Job job) {
    if (!full() && take(job)) jobs.push_back(job);
  };
  auto add_image = [&](std::uint64_t p) {
    if (p < size && !images_sent_.count(p)) add({Job::image, p, hash_at_locked(p)});
  };
  auto waiting = [&](std::size_t m, std::uint64_t task) {
    const auto retry = retries_[m].find(task);
    return in_flight_[m].count(task) || (retry != retries_[m].end() && retry->second.at > now);
  };
  auto add_suggestion = [&](std::uint64_t p) {
    if (p >= size) return;
    for (std::size_t m = 0; m < captioners_.size() && !full(); ++m) {
      const std::uint64_t task = hash_at_locked(p);
      if (task && !suggested_[m].count(task) && !waiting(m, task))
        add({Job::suggestion, p, task, static_cast<int>(m)});
    }
  };
  const std::uint64_t c = cursor_;
  add_image(c);
  if (detail_ && detail_->position < size)
    add({Job::detail, detail_->position, hash_at_locked(detail_->position), 0, detail_->region, detail_->request});
  add_suggestion(c);
  if (peek_ && *peek_ != c) {
    add_image(*peek_);
    add_suggestion(*peek_);
  }
  for (std::uint64_t p = thumbs_first_; p < thumbs_first_ + thumbs_count_ && p < size && !full(); ++p)
    if (!thumbs_sent_.count(p)) add({Job::thumbnail, p, hash_at_locked(p)});
  for (std::uint64_t d = 1; d <= options_.ahead && !full(); ++d) {
    if (d <= options_.image_ahead) add_image(c + d);
    add_suggestion(c + d);
    const std::uint64_t back = d / 2;
    if (d % 2 == 0 && back <= options_.behind && back <= c) {
      if (back <= options_.image_behind) add_image(c - back);
      add_suggestion(c - back);
    }
  }
}

bool AheadScheduler::takes_locked(Worker worker, const Job& job) const {
  const bool own_callers = job.kind == Job::suggestion && has_own_callers(job.model);
  if (worker == Worker::main) return !own_callers;
  return own_callers && in_flight_[job.model].size() < static_cast<std::size_t>(captioners_[job.model]->concurrency());
}

AheadScheduler::Job AheadScheduler::next_job_locked(Worker worker) {
  std::vector<Job> jobs;
  plan_locked(jobs, 1, [&](const Job& job) { return takes_locked(worker, job); });
  return jobs.empty() ? Job{} : jobs.front();
}

// Retries not yet due do not count: a server that stays down must not keep
// --replay and the tests from seeing an idle scheduler.
bool AheadScheduler::nothing_left_locked() {
  for (const auto& running : in_flight_)
    if (!running.empty()) return false;
  std::vector<Job> jobs;
  plan_locked(jobs, 1, [](const Job&) { return true; });
  return jobs.empty();
}

std::chrono::steady_clock::time_point AheadScheduler::next_retry_locked() const {
  auto next = std::chrono::steady_clock::time_point::max();
  for (const auto& model : retries_)
    for (const auto& [task, retry] : model) next = std::min(next, retry.at);
  return next;
}

void AheadScheduler::update_status_locked() {
  std::vector<Job> jobs;
  plan_locked(jobs, SIZE_MAX, [](const Job&) { return true; });
  status_.queue_depth = jobs.size();
  status_.in_flight = 0;
  for (const auto& running : in_flight_) status_.in_flight += running.size();
  status_.ready_ahead = 0;
  if (captioners_.empty()) return;
  for (std::uint64_t p = cursor_; p < cursor_ + options_.ahead && p < dataset_.size; ++p) {
    const std::uint64_t task = hash_at_locked(p);
    if (all_suggested_locked(task) && !failed_.count(task)) ++status_.ready_ahead;
  }
}

bool AheadScheduler::all_suggested_locked(std::uint64_t task) const {
  for (const auto& done : suggested_)
    if (!done.count(task)) return false;
  return true;
}

void AheadScheduler::run(Worker worker) {
  for (;;) {
    Job job;
    {
      std::unique_lock lock(mutex_);
      for (;;) {
        if (stopping_) return;
        job = next_job_locked(worker);
        if (job.kind != Job::none) break;
        if (!idle_ && nothing_left_locked()) {
          idle_ = true;
          update_status_locked();
          idle_cv_.notify_all();
        }
        wake_.wait_until(lock, std::min(next_retry_locked(), std::chrono::steady_clock::now() + std::chrono::hours(1)));
      }
      if (job.kind == Job::suggestion) in_flight_[job.model].insert(job.task);
    }
    bool retry = false;
    try {
      if (job.kind == Job::suggestion) retry = do_suggestion(job);
      else do_job(job);
    } catch (const std::exception& e) {
      deliver({AheadResult::failure, job.task, job.position, 0, {}, nullptr, e.what()});
    }
    {
      std::lock_guard lock(mutex_);
      finish_job_locked(job, retry);
    }
    // Another worker may be waiting for this model's concurrency, or for idle.
    wake_.notify_all();
  }
}

void AheadScheduler::finish_job_locked(const Job& job, bool retry) {
  switch (job.kind) {
    case Job::image: images_sent_.insert(job.position); break;
    case Job::suggestion:
      in_flight_[job.model].erase(job.task);
      if (!retry) {
        suggested_[job.model].insert(job.task);
        retries_[job.model].erase(job.task);
      }
      break;
    case Job::thumbnail: thumbs_sent_.insert(job.position); break;
    case Job::detail:
      if (detail_ && detail_->request == job.detail_request) detail_.reset();
      break;
    case Job::none: break;
  }
  update_status_locked();
}

void AheadScheduler::do_job(const Job& job) {
  switch (job.kind) {
    case Job::image: return do_image(job);
    case Job::suggestion: do_suggestion(job); return;
    case Job::thumbnail: return do_thumbnail(job);
    case Job::detail: return do_detail(job);
    case Job::none: return;
  }
}

void AheadScheduler::do_image(const Job& job) {
  std::string error;
  auto pixels = decode(job.task, std::clamp(options_.display_side, 64, kMaxDisplaySide), error);
  if (!pixels) return deliver({AheadResult::failure, job.task, job.position, 0, {}, nullptr, error});
  deliver({AheadResult::image, job.task, job.position, 0, {}, std::move(pixels), {}});
}

// A failed detail is reported as a detail without pixels: the image itself
// is still shown, from its display-size decode.
void AheadScheduler::do_detail(const Job& job) {
  AheadResult result{AheadResult::detail, job.task, job.position, 0, {}, nullptr, {}, job.region};
  try {
    const Task task = task_of(store_, job.task);
    const std::string path = options_.image_roots.map(task.path);
    const ImageRegion& r = job.region;
    auto pixels = std::make_shared<const Image>(decode_image_region(read_task_image(task, options_.image_roots), path,
                                                                    r.left, r.top, r.width, r.height));
    result.region = {std::max(r.left, 0), std::max(r.top, 0), pixels->width, pixels->height};
    result.pixels = std::move(pixels);
  } catch (const std::exception& e) {
    result.error = e.what();
  }
  deliver(std::move(result));
}

bool AheadScheduler::do_suggestion(const Job& job) {
  Captioner* captioner = captioners_[job.model];
  if (auto cached = store_.suggestion(captioner->id(), job.task)) {
    {
      std::lock_guard lock(mutex_);
      ++status_.cache_hits;
    }
    deliver({AheadResult::suggestion, job.task, job.position, job.model, std::move(*cached), nullptr, {}});
    return false;
  }
  std::string error;
  const auto pixels = decode(job.task, kModelInputSide, error);
  if (!pixels) {
    deliver({AheadResult::failure, job.task, job.position, 0, {}, nullptr, error});
    return false;
  }
  const auto captions = captioner->caption({pixels.get()});
  if (captions.empty()) throw std::runtime_error("the model returned no caption for this image");
  const Caption& c = captions.front();
  if (!c.failure.empty()) return caption_failed(job, c);
  Suggestion s = to_suggestion(c, now_ms());
  store_.put_suggestion(captioner->id(), job.task, s);
  {
    std::lock_guard lock(mutex_);
    ++status_.captioned;
    status_.model_problem.clear();
  }
  deliver({AheadResult::suggestion, job.task, job.position, job.model, std::move(s), nullptr, {}});
  return false;
}

// Shown on the task either way; the store keeps nothing, so a later session
// asks again.
bool AheadScheduler::caption_failed(const Job& job, const Caption& c) {
  AheadResult result{AheadResult::suggestion_error, job.task, job.position, job.model, {}, nullptr, c.failure};
  if (c.retry_later) {
    std::lock_guard lock(mutex_);
    Retry& retry = retries_[job.model][job.task];
    const int seconds = retry_seconds(retry.attempts++);
    retry.at = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
    result.error += " · trying again in " + std::to_string(seconds) + " s";
    result.retrying = true;
    status_.model_problem = c.failure;
  }
  deliver(std::move(result));
  return c.retry_later;
}

void AheadScheduler::do_thumbnail(const Job& job) {
  const int side = options_.thumbnail_side;
  AheadResult result{AheadResult::thumbnail, job.task, job.position, 0, {}, nullptr, {}};
  if (const auto bytes = store_.thumbnail(job.task, side)) {
    result.pixels = std::make_shared<const Image>(decode_image(*bytes, "thumbnail"));
    return deliver(std::move(result));
  }
  std::shared_ptr<const Image> pixels;
  {
    std::lock_guard lock(decoded_mutex_);
    for (const auto& d : decoded_)
      if (d.task == job.task) pixels = d.image;
  }
  // Without the image at hand, decode at thumbnail size: most formats shrink
  // on load, so a thumbnail costs a fraction of the pixels (docs/formats.md).
  if (!pixels) pixels = decode_for_thumbnail(job.task, side, result.error);
  if (pixels) {
    auto thumb = std::make_shared<const Image>(make_thumbnail(*pixels, side));
    store_.put_thumbnail(job.task, side, encode_png(*thumb));
    result.pixels = std::move(thumb);
  }
  deliver(std::move(result));
}

// Read where the image is on this workstation and checked against the task's
// hash: a mapping that points at other files shows an error, not a picture.
Image AheadScheduler::decode_task(std::uint64_t hash, int side) const {
  const Task task = task_of(store_, hash);
  return decode_image(read_task_image(task, options_.image_roots), options_.image_roots.map(task.path), side);
}

std::shared_ptr<const Image> AheadScheduler::decode_for_thumbnail(std::uint64_t task, int side, std::string& error) {
  {
    std::lock_guard lock(mutex_);
    if (const auto it = failed_.find(task); it != failed_.end()) {
      error = it->second;
      return nullptr;
    }
  }
  try {
    return std::make_shared<const Image>(decode_task(task, side));
  } catch (const std::exception& e) {
    error = e.what();
    return nullptr;
  }
}

std::shared_ptr<const Image> AheadScheduler::decode(std::uint64_t task, int side, std::string& error) {
  {
    std::lock_guard lock(decoded_mutex_);
    for (const auto& d : decoded_)
      if (d.task == task && serves(*d.image, d.side, side)) return d.image;
  }
  {
    std::lock_guard lock(mutex_);
    if (const auto it = failed_.find(task); it != failed_.end()) {
      error = it->second;
      return nullptr;
    }
  }
  std::shared_ptr<const Image> image;
  try {
    image = std::make_shared<const Image>(decode_task(task, side));
  } catch (const std::exception& e) {
    error = e.what();
    std::lock_guard lock(mutex_);
    failed_[task] = error;
    for (auto& done : suggested_) done.insert(task);
    return nullptr;
  }
  std::lock_guard lock(decoded_mutex_);
  decoded_.push_back({task, side, image});
  if (decoded_.size() > kDecodedKept) decoded_.pop_front();
  return image;
}

void AheadScheduler::deliver(AheadResult result) {
  {
    std::lock_guard lock(mutex_);
    mailbox_.push_back(std::move(result));
  }
  if (notify_) notify_();
}

}  // namespace gloss
