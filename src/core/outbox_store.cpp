// Layout of the outbox folder (one LMDB environment, keys as below, integers
// big-endian):
//   ops          u64 sequence -> msgpack {kind: "save"|"remove"|"review"|"unreview", dataset, id,
//                annotator (the reviewer, for reviews), task, answer | review}
//   pending      dataset 0x00 annotator 0x00 u64 task -> u64 sequence of its latest answer op
//   pending_reviews  dataset 0x00 u64 task -> u64 sequence of its latest review op
//   reviews      u64 dataset id | u64 task -> review record, or "" for none (saved here)
//   answers      u64 dataset id | annotator 0x00 u64 task -> answer record, or "" for none
//                (as last read or saved here)
//   tasks        u64 task hash -> task record
//   items        u64 dataset id | u64 position -> u64 task hash (ids: a dataset dropped
//                and made again is another dataset)
//   suggestions  model 0x00 u64 task hash -> suggestion record
//   datasets     name -> msgpack of DatasetInfo
//   claims       u64 dataset id 0x00 annotator -> msgpack list of positions (the last claim)
#include "core/outbox_store.h"

#include <cstdio>
#include <cstdlib>

#include "core/error.h"
#include "core/hash.h"
#include "core/lmdb.h"

namespace gloss {
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

std::string be64(std::uint64_t v) {
  std::string k(8, '\0');
  for (int i = 7; i >= 0; --i, v >>= 8) k[static_cast<std::size_t>(i)] = static_cast<char>(v & 0xff);
  return k;
}
std::uint64_t read_be64(std::string_view s) {
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < 8 && i < s.size(); ++i) v = v << 8 | static_cast<unsigned char>(s[i]);
  return v;
}
std::string join(std::string_view a, std::string_view b) {
  std::string k(a);
  k.push_back('\0');
  k.append(b);
  return k;
}
std::string answer_key(std::string_view dataset, std::string_view annotator, std::uint64_t task) {
  return join(join(dataset, annotator), be64(task));
}
std::string cached_answer_key(std::uint32_t dataset_id, std::string_view annotator, std::uint64_t task) {
  return be64(dataset_id) + join(annotator, be64(task));
}
std::string bytes_of(const json& j) {
  const auto v = json::to_msgpack(j);
  return std::string(v.begin(), v.end());
}
json json_of(std::string_view bytes) { return json::from_msgpack(bytes.begin(), bytes.end()); }

json dataset_json(const DatasetInfo& d) {
  return {{"id", d.id},           {"name", d.name},       {"size", d.size},       {"answered", d.answered},
          {"answers", d.answers}, {"created", d.created_ms}, {"overlap", d.overlap}, {"lease", d.lease_ms}};
}
DatasetInfo dataset_from(const json& j) {
  DatasetInfo d;
  d.id = j.at("id").get<std::uint32_t>();
  d.name = j.at("name").get<std::string>();
  d.size = j.at("size").get<std::uint64_t>();
  d.answered = j.at("answered").get<std::uint64_t>();
  d.answers = j.at("answers").get<std::uint64_t>();
  d.created_ms = j.at("created").get<std::int64_t>();
  d.overlap = j.at("overlap").get<int>();
  d.lease_ms = j.at("lease").get<std::int64_t>();
  return d;
}

}  // namespace

// Two LMDB environments: `env` holds what must survive a crash (the ops not
// yet sent, and this annotator's answers), synced at every commit; `cache`
// holds copies of what the server said (tasks, items, suggestions,
// datasets, claims), not synced: a power cut may lose its last entries,
// which the server has anyway, and the window does not wait for a disk
// flush each time it caches a task (about one per move).
struct OutboxStore::Local {
  explicit Local(const fs::path& dir)
      : dir(dir),
        env({dir, 16u << 20, true, 16}),
        cache({dir / "cache", 64u << 20, false, 16}),
        ops(env.open_db("ops")),
        pending(env.open_db("pending")),
        damaged(env.open_db("damaged")),
        answers(env.open_db("answers")),
        pending_reviews(env.open_db("pending_reviews")),
        reviews(env.open_db("reviews")),
        tasks(cache.open_db("tasks")),
        items(cache.open_db("items")),
        suggestions(cache.open_db("suggestions")),
        datasets(cache.open_db("datasets")),
        claims(cache.open_db("claims")) {}

  // get/put: `env` (answers); cached/cache_put: `cache` (the rest). A dbi
  // is a handle within its environment only.
  std::optional<std::string> get(MDB_dbi dbi, const std::string& key) const { return read(env, dbi, key); }
  void put(MDB_dbi dbi, const std::string& key, std::string_view value) { write(env, dbi, key, value); }
  std::optional<std::string> cached(MDB_dbi dbi, const std::string& key) const { return read(cache, dbi, key); }
  void cache_put(MDB_dbi dbi, const std::string& key, std::string_view value) { write(cache, dbi, key, value); }

  static std::optional<std::string> read(const lmdb::Env& e, MDB_dbi dbi, const std::string& key) {
    return e.read([&](lmdb::Txn& txn) -> std::optional<std::string> {
      const auto v = txn.get(dbi, key);
      return v ? std::optional<std::string>(std::string(*v)) : std::nullopt;
    });
  }
  static void write(lmdb::Env& e, MDB_dbi dbi, const std::string& key, std::string_view value) {
    e.write([&](lmdb::Txn& txn) { txn.put(dbi, key, value); });
  }

  fs::path dir;
  lmdb::Env env;
  lmdb::Env cache;
  // damaged: ops that could not be read, set aside (never sent, never lost).
  MDB_dbi ops, pending, damaged, answers, pending_reviews, reviews, tasks, items, suggestions, datasets, claims;
};

fs::path default_outbox_dir(const std::string& location) {
  fs::path base;
  if (const char* state = std::getenv("XDG_STATE_HOME"); state && *state) base = state;
  else if (const char* home = std::getenv("HOME"); home && *home) base = fs::path(home) / ".local" / "state";
  else base = fs::temp_directory_path();
  return base / "gloss" / "outbox" / hash_hex(content_hash(location));
}

OutboxStore::OutboxStore(std::unique_ptr<Store> remote, const fs::path& outbox_dir,
                         std::chrono::milliseconds retry_every)
    : remote_(std::move(remote)), retry_every_(retry_every) {
  std::error_code ec;
  fs::create_directories(outbox_dir, ec);
  if (ec) throw UserError("cannot create the outbox folder " + outbox_dir.string() + ": " + ec.message());
  local_ = std::make_unique<Local>(outbox_dir);
  flush_reporting();  // what a killed session left
  sender_ = std::thread([this] { send_loop(); });
}

OutboxStore::~OutboxStore() {
  {
    std::lock_guard lock(wake_mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  sender_.join();
  flush_reporting();  // what is left stays in the outbox: the next session sends it
}

void OutboxStore::post(const std::function<void(Work&)>& add) const {
  {
    std::lock_guard lock(wake_mutex_);
    add(work_);
  }
  wake_.notify_all();
}

// Wakes for work the window posted, and every retry_every_ to look for the
// server (offline) and read the datasets' counts again.
void OutboxStore::send_loop() {
  std::unique_lock lock(wake_mutex_);
  for (;;) {
    wake_.wait_for(lock, retry_every_,
                   [&] { return stopping_ || work_.send || work_.claim || work_.renew || work_.read_claimed_suggestions; });
    if (stopping_) return;
    const Work work = std::exchange(work_, Work{});
    lock.unlock();
    if (!online_ || waiting() > 0) flush_reporting();
    if (online_) {
      try {
        if (work.renew) renew_now(work.renew->first, work.renew->second);
        if (work.claim) claim_ahead_now(*work.claim);
        if (work.read_claimed_suggestions) {
          std::vector<std::uint64_t> claimed;
          {
            std::lock_guard lock(suggestions_mutex_);
            claimed = last_claimed_;
          }
          read_suggestions(claimed);
        }
        refresh_datasets();
      } catch (const StoreError& e) {
        std::fprintf(stderr, "gloss: %s\n", e.what());
      }
    }
    lock.lock();
  }
}

// A refusal is kept for the status bar as well as said on the terminal: the
// window that saved the answer has moved on.
void OutboxStore::flush_reporting() {
  try {
    flush();
  } catch (const StoreError& e) {
    std::fprintf(stderr, "gloss: %s\n", e.what());
    std::lock_guard lock(refused_mutex_);
    ++refused_.count;
    refused_.last = e.what();
  }
}

OutboxStore::Refusals OutboxStore::refusals() const {
  std::lock_guard lock(refused_mutex_);
  return refused_;
}

template <class F>
auto OutboxStore::try_remote(F&& fn) const -> std::optional<decltype(fn(std::declval<Store&>()))> {
  if (!online_) return std::nullopt;
  try {
    return fn(*remote_);
  } catch (const StoreUnavailable&) {
    went_offline();
    return std::nullopt;
  }
}

void OutboxStore::went_offline() const {
  if (online_.exchange(false))
    std::fprintf(stderr, "gloss: lost the server at %s; answers wait in the outbox until it is back\n",
                 remote_->location().c_str());
}

std::uint64_t OutboxStore::waiting() const {
  return local_->env.read([&](lmdb::Txn& txn) { return static_cast<std::uint64_t>(txn.entries(local_->ops)); });
}

// Sends the ops oldest first. A server that is away stops the flush (the
// store goes offline); an op the server refuses for good (the task left the
// dataset) is dropped, and the refusal thrown once it is out of the way.
bool OutboxStore::flush() {
  std::lock_guard lock(flush_mutex_);
  for (;;) {
    const auto next = local_->env.read([&](lmdb::Txn& txn) -> std::optional<std::pair<std::string, std::string>> {
      lmdb::Cursor c(txn, local_->ops);
      if (!c.first()) return std::nullopt;
      return std::pair{std::string(c.key()), std::string(c.value())};
    });
    if (!next) {
      online_ = true;
      return true;
    }
    json op;
    std::string dataset, annotator;
    std::uint64_t task = 0;
    try {
      op = json_of(next->second);
      dataset = op.at("dataset"), annotator = op.at("annotator");
      task = op.at("task");
    } catch (const json::exception& e) {
      set_aside(next->first, next->second);
      throw StoreError("the outbox " + local_->dir.string() + " held an entry gloss cannot read (" + e.what() +
                       "): set aside in its 'damaged' table, not sent; the others go on");
    }
    std::optional<StoreError> refused;
    const std::string kind = op.value("kind", "");
    const bool is_review = kind == "review" || kind == "unreview";
    try {
      if (kind == "save") {
        const auto bytes = op.at("answer").get_binary();
        remote_->save_answer(dataset, decode_answer(std::string(bytes.begin(), bytes.end())));
      } else if (kind == "review") {
        const auto bytes = op.at("review").get_binary();
        remote_->save_review(dataset, decode_review(std::string(bytes.begin(), bytes.end())));
      } else if (kind == "unreview") {
        remote_->remove_review(dataset, task);
      } else {
        remote_->remove_answer(dataset, task, annotator);
      }
    } catch (const StoreUnavailable&) {
      went_offline();
      return false;
    } catch (const UserError& e) {
      refused.emplace(std::string("the server refused an answer from the outbox: ") + e.what());
    } catch (const StoreError& e) {
      refused.emplace(e);
    }
    online_ = true;
    local_->env.write([&](lmdb::Txn& txn) {
      txn.del(local_->ops, next->first);
      const MDB_dbi pending = is_review ? local_->pending_reviews : local_->pending;
      const std::string key = is_review ? join(dataset, be64(task)) : answer_key(dataset, annotator, task);
      const auto seq = txn.get(pending, key);
      if (seq && *seq == next->first) txn.del(pending, key);
      // What the server refused is not what it holds: read it again.
      if (refused && is_review) txn.del(local_->reviews, be64(op.value("id", 0u)) + be64(task));
      else if (refused) txn.del(local_->answers, cached_answer_key(op.value("id", 0u), annotator, task));
    });
    if (refused) throw *refused;
  }
}

void OutboxStore::set_aside(const std::string& key, const std::string& bytes) {
  local_->env.write([&](lmdb::Txn& txn) {
    txn.put(local_->damaged, key, bytes);
    txn.del(local_->ops, key);
  });
}

std::optional<Answer> OutboxStore::pending(std::string_view dataset, std::uint64_t task,
                                           std::string_view annotator) const {
  // nullopt: nothing pending. An Answer with task 0: a pending removal.
  return local_->env.read([&](lmdb::Txn& txn) -> std::optional<Answer> {
    const auto seq = txn.get(local_->pending, answer_key(dataset, annotator, task));
    if (!seq) return std::nullopt;
    const auto bytes = txn.get(local_->ops, *seq);
    if (!bytes) return std::nullopt;
    json op;
    try {
      op = json_of(*bytes);
      if (op.at("kind") != "save") return Answer{};
    } catch (const json::exception&) {
      return std::nullopt;  // set aside at the next flush
    }
    const auto answer = op.at("answer").get_binary();
    return decode_answer(std::string(answer.begin(), answer.end()));
  });
}

// Only where nothing is kept yet: an answer saved here meanwhile (by the
// window, while the sender read the server) is newer than what was read.
void OutboxStore::remember_answer(std::uint32_t dataset_id, std::string_view annotator, std::uint64_t task,
                                  const std::string& record) const {
  const std::string key = cached_answer_key(dataset_id, annotator, task);
  local_->env.write([&](lmdb::Txn& txn) {
    if (!txn.get(local_->answers, key)) txn.put(local_->answers, key, record);
  });
}

void OutboxStore::remember_unanswered(std::uint32_t dataset_id, std::string_view annotator,
                                      const std::vector<std::uint64_t>& tasks) const {
  local_->env.write([&](lmdb::Txn& txn) {
    for (std::uint64_t task : tasks) {
      const std::string key = cached_answer_key(dataset_id, annotator, task);
      if (!txn.get(local_->answers, key)) txn.put(local_->answers, key, "");
    }
  });
}

// A review waits in the outbox like an answer and is sent in the same order.
void OutboxStore::queue_review(std::string_view dataset, std::uint64_t task, const std::optional<Review>& review) {
  const std::uint32_t id = dataset_id(dataset);
  const std::string record = review ? encode(*review) : std::string();
  local_->env.write([&](lmdb::Txn& txn) {
    lmdb::Cursor c(txn, local_->ops);
    const std::uint64_t seq = c.last() ? read_be64(c.key()) + 1 : 1;
    json op = {{"kind", review ? "review" : "unreview"},
               {"dataset", dataset},
               {"id", id},
               {"annotator", review ? review->reviewer : std::string()},
               {"task", task}};
    if (review) op["review"] = json::binary(std::vector<std::uint8_t>(record.begin(), record.end()));
    txn.put(local_->ops, be64(seq), bytes_of(op));
    txn.put(local_->pending_reviews, join(dataset, be64(task)), be64(seq));
    txn.put(local_->reviews, be64(id) + be64(task), record);
  });
  post([](Work& w) { w.send = true; });
}

void OutboxStore::save_review(std::string_view dataset, const Review& review) {
  Review r = review;
  if (r.reviewer.empty()) r.reviewer = default_annotator();
  queue_review(dataset, r.task, r);
}

bool OutboxStore::remove_review(std::string_view dataset, std::uint64_t task) {
  const bool had = review(require_dataset(dataset), task).has_value();
  queue_review(dataset, task, std::nullopt);
  return had;
}

// Reviews not sent yet are as saved here; the others are the server's
// (another lead may have settled the task since), or as last read offline.
std::optional<Review> OutboxStore::review(const DatasetInfo& d, std::uint64_t task) const {
  const std::string key = be64(d.id) + be64(task);
  const bool waiting_here = local_->env.read(
      [&](lmdb::Txn& txn) { return txn.get(local_->pending_reviews, join(d.name, be64(task))).has_value(); });
  if (!waiting_here) {
    if (auto r = try_remote([&](Store& s) { return s.review(d, task); })) {
      local_->put(local_->reviews, key, *r ? encode(**r) : std::string());
      return *r;
    }
  }
  const auto kept = local_->get(local_->reviews, key);
  if (!kept || kept->empty()) return std::nullopt;
  return decode_review(*kept);
}

void OutboxStore::for_each_review(const DatasetInfo& d,
                                  const std::function<bool(std::uint64_t, const Review&)>& visit) const {
  if (!online_)
    throw StoreUnavailable("the server at " + remote_->location() +
                           " is away: the dataset's reviews come back with it");
  remote_->for_each_review(d, visit);
}

std::string OutboxStore::location() const { return remote_->location(); }

std::optional<std::string> OutboxStore::required_annotator() const { return remote_->required_annotator(); }

std::unique_ptr<AnswerFeed> OutboxStore::answer_feed() const { return remote_->answer_feed(); }

std::vector<DatasetInfo> OutboxStore::datasets() const { return remote_->datasets(); }

std::uint32_t OutboxStore::dataset_id(std::string_view name) const {
  {
    std::lock_guard lock(ids_mutex_);
    if (const auto it = ids_.find(std::string(name)); it != ids_.end()) return it->second;
  }
  return require_dataset(name).id;
}

std::optional<std::optional<DatasetInfo>> OutboxStore::read_dataset(std::string_view name) const {
  auto d = try_remote([&](Store& s) { return s.dataset(name); });
  if (!d) return std::nullopt;
  std::lock_guard lock(ids_mutex_);
  if (!*d) {
    datasets_.erase(std::string(name));
    return d;
  }
  forget_if_remade(**d);
  local_->cache_put(local_->datasets, std::string(name), bytes_of(dataset_json(**d)));
  ids_[std::string(name)] = (*d)->id;
  datasets_[std::string(name)] = **d;
  return d;
}

namespace {

void delete_prefix(lmdb::Env& env, MDB_dbi dbi, const std::string& prefix) {
  env.write([&](lmdb::Txn& txn) {
    std::vector<std::string> keys;
    {
      lmdb::Cursor c(txn, dbi);
      for (bool ok = prefix.empty() ? c.first() : c.seek(prefix); ok && c.key().substr(0, prefix.size()) == prefix;
           ok = c.next())
        keys.emplace_back(c.key());
    }
    for (const auto& k : keys) txn.del(dbi, k);
  });
}

}  // namespace

// A dataset with the id of one seen here before but made at another time
// (dropped and made again, or a new database at the same address: ids
// start at 1 again) shares nothing with it: what was kept under that id —
// its images' positions, this workstation's answers and claims, reviews —
// would hand out the wrong tasks, or none. Answers waiting to be sent stay.
void OutboxStore::forget_if_remade(const DatasetInfo& d) const {
  const auto kept = local_->cached(local_->datasets, d.name);
  if (!kept) return;
  DatasetInfo before;
  try {
    before = dataset_from(json_of(*kept));
  } catch (const json::exception&) {
    return;
  }
  if (before.id == d.id && before.created_ms == d.created_ms) return;
  const std::string prefix = be64(before.id);
  delete_prefix(local_->cache, local_->items, prefix);
  delete_prefix(local_->cache, local_->claims, prefix);
  delete_prefix(local_->env, local_->answers, prefix);
  delete_prefix(local_->env, local_->reviews, prefix);
  // Tasks are kept by content hash with the path the server gave: a new
  // database may have the same images elsewhere.
  delete_prefix(local_->cache, local_->tasks, "");
}

void OutboxStore::refresh_datasets() {
  std::vector<std::string> names;
  {
    std::lock_guard lock(ids_mutex_);
    for (const auto& [name, d] : datasets_) names.push_back(name);
  }
  for (const auto& name : names) read_dataset(name);
}

// Once read, a dataset is the sender's to keep fresh: the window asks for
// it at every move and a few times a second while a folder is indexed.
std::optional<DatasetInfo> OutboxStore::dataset(std::string_view name) const {
  if (online_) {
    std::lock_guard lock(ids_mutex_);
    if (const auto it = datasets_.find(std::string(name)); it != datasets_.end()) return it->second;
  }
  if (auto d = read_dataset(name)) return *d;
  const auto cached = local_->cached(local_->datasets, std::string(name));
  if (!cached) throw StoreUnavailable("the server at " + remote_->location() + " is away and dataset '" +
                                      std::string(name) + "' was never opened here");
  return dataset_from(json_of(*cached));
}

// These change a dataset: it is read again at once (on the caller's thread:
// the folder scan's, for add_tasks) rather than at the sender's next round.
DatasetInfo OutboxStore::ensure_dataset(std::string_view name) {
  DatasetInfo d = remote_->ensure_dataset(name);
  read_dataset(name);
  return d;
}
DatasetInfo OutboxStore::set_routing(std::string_view name, const Routing& routing) {
  DatasetInfo d = remote_->set_routing(name, routing);
  read_dataset(name);
  return d;
}
bool OutboxStore::drop_dataset(std::string_view name) {
  const bool dropped = remote_->drop_dataset(name);
  read_dataset(name);
  return dropped;
}
AddResult OutboxStore::add_tasks(std::string_view dataset, const std::vector<Task>& tasks,
                                 const std::vector<FileStamp>& read) {
  AddResult added = remote_->add_tasks(dataset, tasks, read);
  read_dataset(dataset);
  return added;
}
ImportResult OutboxStore::import_records(std::string_view dataset, const std::vector<ImportRecord>& records) {
  ImportResult imported = remote_->import_records(dataset, records);
  read_dataset(dataset);
  return imported;
}

std::optional<Task> OutboxStore::task(std::uint64_t hash) const {
  if (const auto cached = local_->cached(local_->tasks, be64(hash))) return decode_task(*cached);
  const auto t = try_remote([&](Store& s) { return s.task(hash); });
  if (!t || !*t) return std::nullopt;
  local_->cache_put(local_->tasks, be64(hash), encode(**t));
  return *t;
}

std::optional<std::uint64_t> OutboxStore::task_at(const DatasetInfo& d, std::uint64_t position) const {
  const std::string key = be64(d.id) + be64(position);
  if (const auto cached = local_->cached(local_->items, key)) return read_be64(*cached);
  const auto hash = try_remote([&](Store& s) { return s.task_at(d, position); });
  if (!hash || !*hash) return std::nullopt;
  local_->cache_put(local_->items, key, be64(**hash));
  return *hash;
}

std::optional<std::uint64_t> OutboxStore::position_of(const DatasetInfo& d, std::uint64_t hash) const {
  if (auto p = try_remote([&](Store& s) { return s.position_of(d, hash); })) return *p;
  return std::nullopt;
}

std::vector<std::uint64_t> OutboxStore::tasks_at(const DatasetInfo& d, std::uint64_t first,
                                                 std::uint64_t count) const {
  if (auto hashes = try_remote([&](Store& s) { return s.tasks_at(d, first, count); })) {
    local_->cache.write([&](lmdb::Txn& txn) {
      for (std::size_t i = 0; i < hashes->size(); ++i)
        txn.put(local_->items, be64(d.id) + be64(first + i), be64((*hashes)[i]));
    });
    return *hashes;
  }
  std::vector<std::uint64_t> out;
  for (std::uint64_t p = first; p < first + count; ++p) {
    const auto cached = local_->cached(local_->items, be64(d.id) + be64(p));
    if (!cached) break;
    out.push_back(read_be64(*cached));
  }
  return out;
}

void OutboxStore::save_answer(std::string_view dataset, const Answer& answer) {
  Answer a = answer;
  if (a.annotator.empty()) a.annotator = default_annotator();
  const std::string record = encode(a);
  const std::uint32_t id = dataset_id(dataset);
  local_->env.write([&](lmdb::Txn& txn) {
    lmdb::Cursor c(txn, local_->ops);
    const std::uint64_t seq = c.last() ? read_be64(c.key()) + 1 : 1;
    json op = {{"kind", "save"}, {"dataset", dataset}, {"id", id}, {"annotator", a.annotator}, {"task", a.task}};
    op["answer"] = json::binary(std::vector<std::uint8_t>(record.begin(), record.end()));
    txn.put(local_->ops, be64(seq), bytes_of(op));
    txn.put(local_->pending, answer_key(dataset, a.annotator, a.task), be64(seq));
    txn.put(local_->answers, cached_answer_key(id, a.annotator, a.task), record);
  });
  post([](Work& w) { w.send = true; });  // durable here already: the sender takes it on
}

bool OutboxStore::remove_answer(std::string_view dataset, std::uint64_t task, std::string_view annotator) {
  const DatasetInfo d = require_dataset(dataset);
  const std::uint32_t id = d.id;
  const bool had = answer(d, task, annotator).has_value();
  local_->env.write([&](lmdb::Txn& txn) {
    lmdb::Cursor c(txn, local_->ops);
    const std::uint64_t seq = c.last() ? read_be64(c.key()) + 1 : 1;
    const json op = {{"kind", "remove"}, {"dataset", dataset}, {"id", id}, {"annotator", annotator}, {"task", task}};
    txn.put(local_->ops, be64(seq), bytes_of(op));
    txn.put(local_->pending, answer_key(dataset, annotator, task), be64(seq));
    txn.put(local_->answers, cached_answer_key(id, annotator, task), "");
  });
  post([](Work& w) { w.send = true; });
  return had;
}

std::optional<Answer> OutboxStore::answer(const DatasetInfo& d, std::uint64_t task, std::string_view annotator) const {
  if (auto p = pending(d.name, task, annotator)) {
    if (p->task == 0) return std::nullopt;
    return p;
  }
  // Only this annotator changes their answers, from here: once read, the
  // local copy is right (the gallery asks for many every frame).
  const std::string key = cached_answer_key(d.id, annotator, task);
  auto from_cache = [&](const std::string& bytes) -> std::optional<Answer> {
    if (bytes.empty()) return std::nullopt;
    Answer a = decode_answer(bytes);
    a.annotator = std::string(annotator);
    return a;
  };
  if (const auto cached = local_->get(local_->answers, key)) return from_cache(*cached);
  if (auto a = try_remote([&](Store& s) { return s.answer(d, task, annotator); })) {
    remember_answer(d.id, annotator, task, *a ? encode(**a) : std::string());
    return *a;
  }
  return std::nullopt;
}

std::optional<Answer> OutboxStore::answer_at(const DatasetInfo& d, std::uint64_t position,
                                             std::string_view annotator) const {
  const auto hash = task_at(d, position);
  if (!hash) return std::nullopt;
  return answer(d, *hash, annotator);
}

std::vector<Answer> OutboxStore::answers_at(const DatasetInfo& d, std::uint64_t position) const {
  if (auto all = try_remote([&](Store& s) { return s.answers_at(d, position); })) return *all;
  return {};
}

void OutboxStore::for_each_answer(const DatasetInfo& d,
                                  const std::function<bool(std::uint64_t, const Answer&)>& visit) const {
  if (!online_)
    throw StoreUnavailable("the server at " + remote_->location() +
                           " is away: the whole dataset's answers come back with it");
  remote_->for_each_answer(d, visit);
}

std::vector<std::uint64_t> OutboxStore::cached_claims(const DatasetInfo& d, std::string_view annotator,
                                                      std::uint64_t from) const {
  const auto cached = local_->cached(local_->claims, join(be64(d.id), annotator));
  if (!cached) return {};
  std::vector<std::uint64_t> claimed = json_of(*cached).get<std::vector<std::uint64_t>>();
  std::vector<std::uint64_t> after, before;
  for (std::uint64_t p : claimed) {
    const auto hash = task_at(d, p);
    if (!hash || answer(d, *hash, annotator)) continue;
    (p >= from ? after : before).push_back(p);
  }
  after.insert(after.end(), before.begin(), before.end());
  return after;
}

// The nothing-left check (every few seconds). A task the server offers
// but that was answered here, not sent yet, is not free: the sender is
// sending it, and the next check asks again.
std::optional<std::uint64_t> OutboxStore::first_unanswered(const DatasetInfo& d, std::uint64_t from,
                                                           std::string_view annotator) const {
  if (auto p = try_remote([&](Store& s) { return s.first_unanswered(d, from, annotator); })) {
    if (!*p) return std::nullopt;
    const auto hash = task_at(d, **p);
    if (const auto sent_later = hash ? pending(d.name, *hash, annotator) : std::nullopt; sent_later && sent_later->task)
      return std::nullopt;
    return *p;
  }
  const auto claimed = cached_claims(d, annotator, from);
  if (claimed.empty()) return std::nullopt;
  return claimed.front();
}

std::optional<std::vector<std::uint64_t>> OutboxStore::claim_from_server(const DatasetInfo& d,
                                                                         std::string_view annotator,
                                                                         std::uint64_t from, std::size_t count) {
  auto claimed = try_remote([&](Store& s) { return s.claim(d, annotator, from, count); });
  if (!claimed) return std::nullopt;
  const std::string key = join(be64(d.id), annotator);
  local_->cache_put(local_->claims, key, bytes_of(json(*claimed)));
  live_claims_.insert(key);
  // Read now so that the window finds them here, and offline too. The
  // server handed them out as not answered by this annotator.
  std::vector<std::uint64_t> hashes;
  for (std::uint64_t p : *claimed) {
    const auto hash = task_at(d, p);
    if (!hash) continue;
    task(*hash);
    hashes.push_back(*hash);
  }
  remember_unanswered(d.id, annotator, hashes);
  read_suggestions(hashes);
  {
    std::lock_guard lock(suggestions_mutex_);
    last_claimed_ = hashes;
  }
  return claimed;
}

// From the tasks claimed ahead when there are some; the server is asked at
// once only for the first claim of this process and when none is left, and
// by the sender, in the background, when fewer than half are left.
std::vector<std::uint64_t> OutboxStore::claim(const DatasetInfo& d, std::string_view annotator, std::uint64_t from,
                                              std::size_t count) {
  const std::string key = join(be64(d.id), annotator);
  bool live = false;
  {
    std::lock_guard lock(claim_mutex_);
    live = live_claims_.count(key) > 0;
  }
  if (live) {
    auto ahead = cached_claims(d, annotator, from);
    if (!ahead.empty()) {
      if (ahead.size() * 2 < count)
        post([&](Work& w) { w.claim = ClaimAhead{d, std::string(annotator), from, count}; });
      if (ahead.size() > count) ahead.resize(count);
      return ahead;
    }
  }
  if (online_ && waiting() > 0) flush_reporting();  // so the server does not hand back what was answered here
  {
    std::lock_guard lock(claim_mutex_);
    if (claim_from_server(d, annotator, from, count)) read_dataset(d.name);
  }
  auto claimed = cached_claims(d, annotator, from);
  if (claimed.size() > count) claimed.resize(count);
  return claimed;
}

void OutboxStore::claim_ahead_now(const ClaimAhead& c) {
  std::lock_guard lock(claim_mutex_);
  // Released since it was asked for: a claim now would lease them again.
  if (live_claims_.count(join(be64(c.dataset.id), c.annotator)) == 0) return;
  claim_from_server(c.dataset, c.annotator, c.from, c.count);
}

void OutboxStore::renew_leases(const DatasetInfo& d, std::string_view annotator) {
  post([&](Work& w) { w.renew.emplace(d, std::string(annotator)); });
}

void OutboxStore::renew_now(const DatasetInfo& d, const std::string& annotator) {
  std::lock_guard lock(claim_mutex_);
  if (live_claims_.count(join(be64(d.id), annotator)) == 0) return;
  try_remote([&](Store& s) {
    s.renew_leases(d, annotator);
    return true;
  });
}

// The answers still here go first: a task released before its answer
// reached the server would be handed to someone else.
void OutboxStore::release_leases(const DatasetInfo& d, std::string_view annotator) {
  if (online_ && waiting() > 0) flush_reporting();
  std::lock_guard lock(claim_mutex_);
  live_claims_.erase(join(be64(d.id), annotator));
  try_remote([&](Store& s) {
    s.release_leases(d, annotator);
    return true;
  });
}

// The suggestions of the tasks just claimed, for every model (and the
// sidecar captions) the window asked about: read here, off the window's
// thread, so that opening one of them does not ask the server. A task the
// server has none for is remembered as such until the next claim reads it
// again (or one is computed here).
void OutboxStore::read_suggestions(const std::vector<std::uint64_t>& tasks) const {
  std::vector<std::string> models;
  {
    std::lock_guard lock(suggestions_mutex_);
    models.assign(models_asked_.begin(), models_asked_.end());
  }
  for (const std::string& model : models)
    for (std::uint64_t task : tasks) {
      const std::string key = join(model, be64(task));
      if (local_->cached(local_->suggestions, key)) continue;
      const auto s = try_remote([&](Store& store) { return store.suggestion(model, task); });
      if (!s) return;  // offline
      std::lock_guard lock(suggestions_mutex_);
      if (*s) {
        local_->cache_put(local_->suggestions, key, encode(**s));
        absent_.erase(key);
      } else {
        absent_.insert(key);
      }
    }
}

void OutboxStore::put_suggestions(std::string_view model,
                                  const std::vector<std::pair<std::uint64_t, Suggestion>>& suggestions) {
  local_->cache.write([&](lmdb::Txn& txn) {
    for (const auto& [task, s] : suggestions) txn.put(local_->suggestions, join(model, be64(task)), encode(s));
  });
  {
    std::lock_guard lock(suggestions_mutex_);
    for (const auto& [task, s] : suggestions) absent_.erase(join(model, be64(task)));
  }
  try_remote([&](Store& s) {
    s.put_suggestions(model, suggestions);
    return true;
  });
}

std::optional<Suggestion> OutboxStore::suggestion(std::string_view model, std::uint64_t task) const {
  const std::string key = join(model, be64(task));
  if (const auto cached = local_->cached(local_->suggestions, key)) return decode_suggestion(*cached);
  {
    std::lock_guard lock(suggestions_mutex_);
    // A model asked about for the first time: the tasks claimed before it
    // was known get their suggestions read by the sender too.
    if (models_asked_.insert(std::string(model)).second)
      post([](Work& w) { w.read_claimed_suggestions = true; });
    if (absent_.count(key)) return std::nullopt;
  }
  const auto s = try_remote([&](Store& store) { return store.suggestion(model, task); });
  if (!s || !*s) return std::nullopt;
  local_->cache_put(local_->suggestions, key, encode(**s));
  return *s;
}

// Pre-captioning (gloss predict) opens the store itself, not through an
// outbox: these go to the server as they are, and fail while it is away.
CaptionClaim OutboxStore::claim_caption_work(std::string_view model, const std::vector<std::uint64_t>& candidates,
                                             std::string_view worker, std::int64_t lease_ms, std::size_t count) {
  return remote_->claim_caption_work(model, candidates, worker, lease_ms, count);
}

void OutboxStore::release_caption_work(std::string_view model, std::string_view worker) {
  remote_->release_caption_work(model, worker);
}

void OutboxStore::put_thumbnail(std::uint64_t task, int max_side, std::string_view bytes) {
  try_remote([&](Store& s) {
    s.put_thumbnail(task, max_side, bytes);
    return true;
  });
}

std::optional<std::string> OutboxStore::thumbnail(std::uint64_t task, int max_side) const {
  if (auto t = try_remote([&](Store& s) { return s.thumbnail(task, max_side); })) return *t;
  return std::nullopt;
}

std::optional<std::uint64_t> OutboxStore::known_file(const FileStamp& file) const {
  if (auto h = try_remote([&](Store& s) { return s.known_file(file); })) return *h;
  return std::nullopt;
}

void OutboxStore::remember_files(const std::vector<FileStamp>& files) {
  try_remote([&](Store& s) {
    s.remember_files(files);
    return true;
  });
}

}  // namespace gloss
