// Layout of the LMDB environment (all integers big-endian so that keys sort
// by number and a dataset's entries are one contiguous range):
//   meta         "schema" -> "4", "next_dataset" -> u32
//                (1: msgpack records only; 2: records may be binary, see records.cpp;
//                3: the unanswered index; 4: answers keyed by annotator, leases.
//                Older stores are upgraded when opened: their answers become the
//                answers of the annotator who opens them.)
//   datasets     name -> {id, size, answered, answers, created, overlap, lease}
//   items        u32 dataset id | u64 position -> u64 task hash
//   item_pos     u32 dataset id | u64 task hash -> u64 position
//   answers      u32 dataset id | u64 position | annotator -> answer record
//   unanswered   u32 dataset id | u64 position -> "" for every position with fewer
//                answers than the dataset's overlap, so the next task is one seek
//   leases       u32 dataset id | u64 position | annotator -> i64 expiry (ms)
//   wanted       u32 dataset id | u64 position -> u32 answers the task wants, where
//                adaptive overlap or a review's send-back raised it above the
//                dataset's overlap (a new
//                table, not a new schema: an older gloss hands such a task to
//                no one more, as before)
//   tasks        u64 task hash -> task record
//   suggestions  model id | 0x00 | u64 task hash -> suggestion record
//   caption_claims  model id | 0x00 | u64 task hash -> who pre-captions it, until when
//                (lmdb_caption_work.h; a new table, not a new schema: an older
//                gloss never reads it)
//   reviews      u32 dataset id | u64 position -> review record (gloss review; a new
//                table, not a new schema, like caption_claims)
//   thumbnails   u64 task hash | u32 longest side -> pixels
//   files        absolute path -> u64 size | i64 mtime ns | u64 inode | u64 content hash
#include "core/lmdb_store.h"

#include <algorithm>

#include "core/caption_disagreement.h"
#include "core/error.h"
#include "core/hash.h"
#include "core/lmdb.h"
#include "core/lmdb_caption_work.h"

namespace gloss {
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

constexpr const char* kSchema = "4";
// Versions this gloss opens and upgrades to kSchema.
constexpr const char* kOlderSchemas[] = {"1", "2", "3"};
constexpr std::size_t kPositionKey = 12;  // u32 dataset | u64 position

void append_be(std::string& out, std::uint64_t value, int bytes) {
  for (int i = bytes - 1; i >= 0; --i) out.push_back(static_cast<char>((value >> (8 * i)) & 0xff));
}

std::uint64_t read_be(std::string_view in, std::size_t offset, int bytes) {
  std::uint64_t value = 0;
  for (int i = 0; i < bytes; ++i)
    value = value << 8 | static_cast<unsigned char>(in.at(offset + static_cast<std::size_t>(i)));
  return value;
}

std::string u64_key(std::uint64_t v) { std::string k; append_be(k, v, 8); return k; }
std::string u32_key(std::uint32_t v) { std::string k; append_be(k, v, 4); return k; }
std::string ds_key(std::uint32_t id, std::uint64_t v) {
  std::string k;
  append_be(k, id, 4);
  append_be(k, v, 8);
  return k;
}
std::string annotator_key(std::uint32_t id, std::uint64_t position, std::string_view annotator) {
  return ds_key(id, position).append(annotator);
}
bool has_prefix(std::string_view key, std::string_view prefix) {
  return key.substr(0, prefix.size()) == prefix;
}

std::string encode_dataset(const DatasetInfo& d) {
  json j = {{"id", d.id},           {"size", d.size},       {"answered", d.answered},
            {"answers", d.answers}, {"created", d.created_ms}, {"overlap", d.overlap},
            {"lease", d.lease_ms}};
  if (d.more_if_wer_above) {
    j["more_if_wer"] = *d.more_if_wer_above;
    j["max_overlap"] = d.max_overlap;
  }
  const auto bytes = json::to_msgpack(j);
  return std::string(bytes.begin(), bytes.end());
}

DatasetInfo decode_dataset(std::string_view name, std::string_view bytes) {
  try {
    const json j = json::from_msgpack(bytes.begin(), bytes.end());
    DatasetInfo d;
    d.name = std::string(name);
    d.id = j.at("id").get<std::uint32_t>();
    d.size = j.at("size").get<std::uint64_t>();
    d.answered = j.at("answered").get<std::uint64_t>();
    d.answers = j.value("answers", d.answered);
    d.created_ms = j.at("created").get<std::int64_t>();
    d.overlap = j.value("overlap", 1);
    d.lease_ms = j.value("lease", d.lease_ms);
    if (j.contains("more_if_wer")) {
      d.more_if_wer_above = j.at("more_if_wer").get<double>();
      d.max_overlap = j.at("max_overlap").get<int>();
    }
    return d;
  } catch (const json::exception& e) {
    throw StoreError("corrupt dataset record '" + std::string(name) + "': " + e.what());
  }
}

std::string encode_expiry(std::int64_t ms) { return u64_key(static_cast<std::uint64_t>(ms)); }
std::int64_t decode_expiry(std::string_view v) {
  return v.size() == 8 ? static_cast<std::int64_t>(read_be(v, 0, 8)) : 0;
}

}  // namespace

struct LmdbStore::Impl {
  explicit Impl(const StoreOptions& o)
      : env({o.dir, o.initial_map_bytes, o.durable, 16}),
        meta(env.open_db("meta")),
        datasets(env.open_db("datasets")),
        items(env.open_db("items")),
        item_pos(env.open_db("item_pos")),
        answers(env.open_db("answers")),
        tasks(env.open_db("tasks")),
        suggestions(env.open_db("suggestions")),
        thumbnails(env.open_db("thumbnails")),
        files(env.open_db("files")),
        unanswered(env.open_db("unanswered")),
        leases(env.open_db("leases")),
        caption_claims(env.open_db("caption_claims")),
        reviews(env.open_db("reviews")),
        wanted(env.open_db("wanted")) {
    env.write([&](lmdb::Txn& txn) {
      const auto schema = txn.get(meta, "schema");
      if (schema && *schema == kSchema) return;
      const bool older = std::any_of(std::begin(kOlderSchemas), std::end(kOlderSchemas),
                                     [&](const char* v) { return schema && *schema == v; });
      if (schema && !older)
        throw UserError("store " + o.dir.string() + " has schema version " + std::string(*schema) +
                        "; this gloss reads versions 1 to " + kSchema + ": it was written by a newer gloss");
      // An older gloss must refuse a store with records it cannot read or an
      // index it would not keep, rather than call them corrupt: mark it.
      if (schema) upgrade(txn);
      txn.put(meta, "schema", kSchema);
    });
  }

  // Answers from before annotators become the opener's; the index is rebuilt.
  void upgrade(lmdb::Txn& txn) const {
    key_answers_by_annotator(txn, default_annotator());
    lmdb::Cursor c(txn, datasets);
    std::vector<DatasetInfo> all;
    for (bool ok = c.first(); ok; ok = c.next()) all.push_back(decode_dataset(c.key(), c.value()));
    for (DatasetInfo& d : all) {
      rebuild_index(txn, d);
      txn.put(datasets, d.name, encode_dataset(d));
    }
  }

  // u32 | u64 position -> record  becomes  u32 | u64 position | annotator -> record,
  // a chunk at a time (the new keys sort right after the old one).
  void key_answers_by_annotator(lmdb::Txn& txn, const std::string& annotator) const {
    std::string resume;
    for (;;) {
      std::vector<std::pair<std::string, Answer>> chunk;
      {
        lmdb::Cursor c(txn, answers);
        for (bool ok = resume.empty() ? c.first() : c.seek(resume); ok && chunk.size() < 4096; ok = c.next())
          if (c.key().size() == kPositionKey) chunk.emplace_back(std::string(c.key()), decode_answer(c.value()));
      }
      if (chunk.empty()) return;
      for (auto& [key, a] : chunk) {
        a.annotator = annotator;
        txn.del(answers, key);
        txn.put(answers, key + annotator, encode(a));
      }
      resume = chunk.back().first;
    }
  }

  // Counts and the unanswered index of one dataset from its answers.
  void rebuild_index(lmdb::Txn& txn, DatasetInfo& d) const {
    delete_range(txn, unanswered, u32_key(d.id));
    d.answered = 0;
    d.answers = 0;
    for (std::uint64_t p = 0; p < d.size; ++p) {
      const std::uint64_t n = answer_count(txn, d, p);
      d.answers += n;
      if (n >= needed(txn, d, p)) ++d.answered;
      else txn.put(unanswered, ds_key(d.id, p), "");
    }
  }

  std::optional<DatasetInfo> find(const lmdb::Txn& txn, std::string_view name) const {
    const auto bytes = txn.get(datasets, name);
    if (!bytes) return std::nullopt;
    return decode_dataset(name, *bytes);
  }

  DatasetInfo require(const lmdb::Txn& txn, std::string_view name) const {
    auto d = find(txn, name);
    if (!d) throw UserError("no dataset named '" + std::string(name) + "' in store " + env.dir().string());
    return *d;
  }

  DatasetInfo ensure(lmdb::Txn& txn, std::string_view name) const {
    // Before the lookup: LMDB refuses an empty key with MDB_BAD_VALSIZE.
    if (name.empty()) throw UserError("a dataset name cannot be empty");
    if (auto d = find(txn, name)) return *d;
    const auto next = txn.get(meta, "next_dataset");
    DatasetInfo d;
    d.id = next ? static_cast<std::uint32_t>(read_be(*next, 0, 4)) : 1;
    d.name = std::string(name);
    d.created_ms = now_ms();
    txn.put(meta, "next_dataset", u32_key(d.id + 1));
    txn.put(datasets, name, encode_dataset(d));
    return d;
  }

  // Appends to the dataset unless present; records the task if new.
  void add(lmdb::Txn& txn, DatasetInfo& d, const Task& task, AddResult& result) const {
    const std::string hk = u64_key(task.hash);
    const auto known = txn.get(tasks, hk);
    if (!known) {
      Task stored = task;
      if (!stored.added_ms) stored.added_ms = now_ms();
      txn.put(tasks, hk, encode(stored));
      ++result.new_tasks;
    } else if (!task.root.empty()) {
      learn_root(txn, hk, decode_task(*known), task);
    }
    const std::string pk = ds_key(d.id, task.hash);
    if (txn.get(item_pos, pk)) {
      ++result.already_in_dataset;
      return;
    }
    txn.put(items, ds_key(d.id, d.size), hk);
    txn.put(item_pos, pk, u64_key(d.size));
    txn.put(unanswered, ds_key(d.id, d.size), "");
    ++d.size;
    ++result.added;
  }

  // A task stored before gloss recorded roots takes the path and folder it
  // is added from now, so sidecar export can place it.
  void learn_root(lmdb::Txn& txn, const std::string& hk, Task stored, const Task& now) const {
    if (!stored.root.empty()) return;
    stored.path = now.path;
    stored.root = now.root;
    txn.put(tasks, hk, encode(stored));
  }

  std::optional<std::uint64_t> position(const lmdb::Txn& txn, const DatasetInfo& d,
                                        std::uint64_t hash) const {
    const auto v = txn.get(item_pos, ds_key(d.id, hash));
    if (!v) return std::nullopt;
    return read_be(*v, 0, 8);
  }

  std::uint64_t answer_count(const lmdb::Txn& txn, const DatasetInfo& d, std::uint64_t p) const {
    const std::string prefix = ds_key(d.id, p);
    lmdb::Cursor c(txn, answers);
    std::uint64_t n = 0;
    for (bool ok = c.seek(prefix); ok && has_prefix(c.key(), prefix); ok = c.next()) ++n;
    return n;
  }

  // The answers position p wants: the overlap, or more where adaptive
  // overlap or a send-back raised it.
  std::uint64_t needed(const lmdb::Txn& txn, const DatasetInfo& d, std::uint64_t p) const {
    const auto v = txn.get(wanted, ds_key(d.id, p));
    const std::uint64_t raised = v ? read_be(*v, 0, 4) : 0;
    return std::max(static_cast<std::uint64_t>(d.overlap), raised);
  }

  std::vector<Answer> answers_in(const lmdb::Txn& txn, const DatasetInfo& d, std::uint64_t p) const {
    std::vector<Answer> out;
    const std::string prefix = ds_key(d.id, p);
    lmdb::Cursor c(txn, answers);
    for (bool ok = c.seek(prefix); ok && has_prefix(c.key(), prefix); ok = c.next()) {
      out.push_back(decode_answer(c.value()));
      out.back().annotator = std::string(c.key().substr(kPositionKey));
    }
    return out;
  }

  // Adaptive overlap: position p wants one more answer when its captions
  // disagree (wants_another_answer); it is open again if it was done.
  void want_more_if_disagreeing(lmdb::Txn& txn, DatasetInfo& d, std::uint64_t p) const {
    if (!d.more_if_wer_above) return;
    const std::uint64_t now = needed(txn, d, p);
    const std::vector<Answer> all = answers_in(txn, d, p);
    if (!wants_another_answer(d, static_cast<int>(now), all)) return;
    set_needed(txn, d, p, now + 1);
  }

  // Position p wants `n` answers from now on (the overlap or more); its done
  // state and the dataset's answered count follow.
  void set_needed(lmdb::Txn& txn, DatasetInfo& d, std::uint64_t p, std::uint64_t n) const {
    const std::uint64_t count = answer_count(txn, d, p);
    const bool was_done = count >= needed(txn, d, p);
    if (n <= static_cast<std::uint64_t>(d.overlap)) txn.del(wanted, ds_key(d.id, p));
    else txn.put(wanted, ds_key(d.id, p), u32_key(static_cast<std::uint32_t>(n)));
    const bool done = count >= needed(txn, d, p);
    if (was_done && !done) {
      --d.answered;
      txn.put(unanswered, ds_key(d.id, p), "");
    } else if (!was_done && done) {
      ++d.answered;
      txn.del(unanswered, ds_key(d.id, p));
    }
  }

  // A review of position p goes from `before` to `after` (either may be
  // none): sending it back hands the task to one more annotator than it has
  // answers; replacing or withdrawing that review takes the extra one back.
  void route_review(lmdb::Txn& txn, DatasetInfo& d, std::uint64_t p, const std::optional<Review>& before,
                    const std::optional<Review>& after) const {
    const bool was_sent_back = before && !before->settled();
    const bool sent_back = after && !after->settled();
    if (sent_back == was_sent_back) return;
    const std::uint64_t now = needed(txn, d, p);
    if (sent_back) set_needed(txn, d, p, std::max(now, answer_count(txn, d, p)) + 1);
    else set_needed(txn, d, p, std::max<std::uint64_t>(now - 1, d.overlap));
  }

  // Unexpired leases on position p held by anyone but `annotator`.
  std::uint64_t leased_by_others(const lmdb::Txn& txn, const DatasetInfo& d, std::uint64_t p,
                                 std::string_view annotator, std::int64_t now) const {
    const std::string prefix = ds_key(d.id, p);
    lmdb::Cursor c(txn, leases);
    std::uint64_t n = 0;
    for (bool ok = c.seek(prefix); ok && has_prefix(c.key(), prefix); ok = c.next())
      if (c.key().substr(kPositionKey) != annotator && decode_expiry(c.value()) > now) ++n;
    return n;
  }

  bool may_hand(const lmdb::Txn& txn, const DatasetInfo& d, std::uint64_t p, std::string_view annotator,
                std::int64_t now) const {
    if (txn.get(answers, annotator_key(d.id, p, annotator))) return false;
    return answer_count(txn, d, p) + leased_by_others(txn, d, p, annotator, now) < needed(txn, d, p);
  }

  // Open positions the annotator may be handed, from `from` to the end and
  // then from the start, until `want` returns false.
  void walk_open(const lmdb::Txn& txn, const DatasetInfo& d, std::uint64_t from, std::string_view annotator,
                 std::int64_t now, const std::function<bool(std::uint64_t)>& want) const {
    const std::string prefix = u32_key(d.id);
    auto walk = [&](std::uint64_t start, std::uint64_t end) {
      lmdb::Cursor c(txn, unanswered);
      for (bool ok = c.seek(ds_key(d.id, start)); ok && has_prefix(c.key(), prefix); ok = c.next()) {
        const std::uint64_t p = read_be(c.key(), 4, 8);
        if (p >= end) return true;
        if (may_hand(txn, d, p, annotator, now) && !want(p)) return false;
      }
      return true;
    };
    if (from < d.size && !walk(from, d.size)) return;
    walk(0, std::min(from, d.size));
  }

  // Stores the answer and keeps the counts and the index right.
  void put_answer(lmdb::Txn& txn, DatasetInfo& d, Answer a) const {
    const auto pos = position(txn, d, a.task);
    if (!pos)
      throw UserError("task " + hash_hex(a.task) + " is not in dataset '" + d.name + "'");
    if (a.annotator.empty()) a.annotator = default_annotator();
    const std::string key = annotator_key(d.id, *pos, a.annotator);
    const auto before = txn.get(answers, key);
    const std::uint64_t count = answer_count(txn, d, *pos);
    const std::uint64_t wants = needed(txn, d, *pos);
    if (before) a.surplus = decode_answer(*before).surplus;
    else a.surplus = count >= wants;
    txn.put(answers, key, encode(a));
    txn.del(leases, key);
    if (before) return;
    ++d.answers;
    if (count + 1 == wants) {
      ++d.answered;
      txn.del(unanswered, ds_key(d.id, *pos));
    }
  }

  void remember(lmdb::Txn& txn, const std::vector<FileStamp>& read) const {
    for (const FileStamp& f : read) {
      if (f.path.empty() || f.hash == 0) continue;
      std::string value;
      append_be(value, f.size, 8);
      append_be(value, static_cast<std::uint64_t>(f.mtime_ns), 8);
      append_be(value, f.inode, 8);
      append_be(value, f.hash, 8);
      txn.put(files, f.path, value);
    }
  }

  void delete_range(lmdb::Txn& txn, MDB_dbi dbi, std::string_view prefix) const {
    lmdb::Cursor c(txn, dbi);
    bool ok = c.seek(prefix);
    while (ok && has_prefix(c.key(), prefix)) {
      c.del();
      ok = c.seek(prefix);
    }
  }

  // The annotator's leases in the dataset, keys and expiries.
  std::vector<std::pair<std::string, std::int64_t>> leases_of(const lmdb::Txn& txn, const DatasetInfo& d,
                                                               std::string_view annotator) const {
    std::vector<std::pair<std::string, std::int64_t>> out;
    const std::string prefix = u32_key(d.id);
    lmdb::Cursor c(txn, leases);
    for (bool ok = c.seek(prefix); ok && has_prefix(c.key(), prefix); ok = c.next())
      if (c.key().substr(kPositionKey) == annotator) out.emplace_back(std::string(c.key()), decode_expiry(c.value()));
    return out;
  }

  lmdb::Env env;
  MDB_dbi meta, datasets, items, item_pos, answers, tasks, suggestions, thumbnails, files, unanswered, leases,
      caption_claims, reviews, wanted;
};

LmdbStore::LmdbStore(const StoreOptions& options) : impl_(std::make_unique<Impl>(options)) {}
LmdbStore::~LmdbStore() = default;

const fs::path& LmdbStore::dir() const { return impl_->env.dir(); }

std::vector<DatasetInfo> LmdbStore::datasets() const {
  auto list = impl_->env.read([&](lmdb::Txn& txn) {
    std::vector<DatasetInfo> out;
    lmdb::Cursor c(txn, impl_->datasets);
    for (bool ok = c.first(); ok; ok = c.next()) out.push_back(decode_dataset(c.key(), c.value()));
    return out;
  });
  std::sort(list.begin(), list.end(), [](auto& a, auto& b) { return a.id < b.id; });
  return list;
}

std::optional<DatasetInfo> LmdbStore::dataset(std::string_view name) const {
  return impl_->env.read([&](lmdb::Txn& txn) { return impl_->find(txn, name); });
}

DatasetInfo LmdbStore::ensure_dataset(std::string_view name) {
  return impl_->env.write([&](lmdb::Txn& txn) { return impl_->ensure(txn, name); });
}

DatasetInfo LmdbStore::set_routing(std::string_view name, const Routing& routing) {
  check_routing(routing);
  return impl_->env.write([&](lmdb::Txn& txn) {
    DatasetInfo d = impl_->ensure(txn, name);
    const bool rebuild = d.overlap != routing.overlap;
    d.overlap = routing.overlap;
    d.lease_ms = routing.lease_ms;
    d.more_if_wer_above = routing.more_if_wer_above;
    d.max_overlap = routing.more_if_wer_above ? routing.max_overlap : 0;
    if (rebuild) impl_->rebuild_index(txn, d);
    txn.put(impl_->datasets, d.name, encode_dataset(d));
    return d;
  });
}

bool LmdbStore::drop_dataset(std::string_view name) {
  return impl_->env.write([&](lmdb::Txn& txn) {
    const auto d = impl_->find(txn, name);
    if (!d) return false;
    const std::string prefix = u32_key(d->id);
    for (MDB_dbi dbi : {impl_->items, impl_->item_pos, impl_->answers, impl_->unanswered, impl_->leases,
                        impl_->reviews, impl_->wanted})
      impl_->delete_range(txn, dbi, prefix);
    txn.del(impl_->datasets, name);
    return true;
  });
}

AddResult LmdbStore::add_tasks(std::string_view dataset, const std::vector<Task>& tasks,
                               const std::vector<FileStamp>& read) {
  return impl_->env.write([&](lmdb::Txn& txn) {
    AddResult result;
    DatasetInfo d = impl_->ensure(txn, dataset);
    for (const auto& t : tasks) impl_->add(txn, d, t, result);
    txn.put(impl_->datasets, d.name, encode_dataset(d));
    impl_->remember(txn, read);
    return result;
  });
}

ImportResult LmdbStore::import_records(std::string_view dataset, const std::vector<ImportRecord>& records) {
  return impl_->env.write([&](lmdb::Txn& txn) {
    ImportResult result;
    DatasetInfo d = impl_->ensure(txn, dataset);
    for (const auto& r : records) {
      impl_->add(txn, d, r.task, result.tasks);
      if (!r.answer) continue;
      const auto pos = impl_->position(txn, d, r.task.hash);
      const std::string annotator = r.answer->annotator.empty() ? default_annotator() : r.answer->annotator;
      if (txn.get(impl_->answers, annotator_key(d.id, *pos, annotator))) {
        ++result.answers_kept;
        continue;
      }
      impl_->put_answer(txn, d, *r.answer);
      ++result.answers_saved;
    }
    txn.put(impl_->datasets, d.name, encode_dataset(d));
    return result;
  });
}

std::optional<Task> LmdbStore::task(std::uint64_t hash) const {
  return impl_->env.read([&](lmdb::Txn& txn) -> std::optional<Task> {
    const auto v = txn.get(impl_->tasks, u64_key(hash));
    if (!v) return std::nullopt;
    return decode_task(*v);
  });
}

std::optional<std::uint64_t> LmdbStore::task_at(const DatasetInfo& d, std::uint64_t position) const {
  return impl_->env.read([&](lmdb::Txn& txn) -> std::optional<std::uint64_t> {
    const auto v = txn.get(impl_->items, ds_key(d.id, position));
    if (!v) return std::nullopt;
    return read_be(*v, 0, 8);
  });
}

std::vector<std::uint64_t> LmdbStore::tasks_at(const DatasetInfo& d, std::uint64_t first,
                                               std::uint64_t count) const {
  return impl_->env.read([&](lmdb::Txn& txn) {
    std::vector<std::uint64_t> out;
    lmdb::Cursor c(txn, impl_->items);
    const std::string prefix = u32_key(d.id);
    for (bool ok = c.seek(ds_key(d.id, first)); ok && out.size() < count && has_prefix(c.key(), prefix);
         ok = c.next())
      out.push_back(read_be(c.value(), 0, 8));
    return out;
  });
}

std::optional<std::uint64_t> LmdbStore::position_of(const DatasetInfo& d, std::uint64_t hash) const {
  return impl_->env.read([&](lmdb::Txn& txn) { return impl_->position(txn, d, hash); });
}

void LmdbStore::save_answer(std::string_view dataset, const Answer& answer) {
  impl_->env.write([&](lmdb::Txn& txn) {
    DatasetInfo d = impl_->require(txn, dataset);
    impl_->put_answer(txn, d, answer);
    if (const auto pos = impl_->position(txn, d, answer.task)) impl_->want_more_if_disagreeing(txn, d, *pos);
    txn.put(impl_->datasets, d.name, encode_dataset(d));
  });
}

bool LmdbStore::remove_answer(std::string_view dataset, std::uint64_t task, std::string_view annotator) {
  return impl_->env.write([&](lmdb::Txn& txn) {
    DatasetInfo d = impl_->require(txn, dataset);
    const auto pos = impl_->position(txn, d, task);
    if (!pos || !txn.del(impl_->answers, annotator_key(d.id, *pos, annotator))) return false;
    --d.answers;
    if (impl_->answer_count(txn, d, *pos) + 1 == impl_->needed(txn, d, *pos)) {
      txn.put(impl_->unanswered, ds_key(d.id, *pos), "");
      --d.answered;
    }
    txn.put(impl_->datasets, d.name, encode_dataset(d));
    return true;
  });
}

std::optional<Answer> LmdbStore::answer(const DatasetInfo& d, std::uint64_t task, std::string_view annotator) const {
  const auto pos = position_of(d, task);
  if (!pos) return std::nullopt;
  return answer_at(d, *pos, annotator);
}

std::optional<Answer> LmdbStore::answer_at(const DatasetInfo& d, std::uint64_t position,
                                           std::string_view annotator) const {
  return impl_->env.read([&](lmdb::Txn& txn) -> std::optional<Answer> {
    const auto v = txn.get(impl_->answers, annotator_key(d.id, position, annotator));
    if (!v) return std::nullopt;
    Answer a = decode_answer(*v);
    a.annotator = std::string(annotator);
    return a;
  });
}

std::vector<Answer> LmdbStore::answers_at(const DatasetInfo& d, std::uint64_t position) const {
  return impl_->env.read([&](lmdb::Txn& txn) { return impl_->answers_in(txn, d, position); });
}

void LmdbStore::for_each_answer(const DatasetInfo& d,
                                const std::function<bool(std::uint64_t, const Answer&)>& visit) const {
  impl_->env.read([&](lmdb::Txn& txn) {
    lmdb::Cursor c(txn, impl_->answers);
    const std::string prefix = u32_key(d.id);
    for (bool ok = c.seek(prefix); ok && has_prefix(c.key(), prefix); ok = c.next()) {
      Answer a = decode_answer(c.value());
      a.annotator = std::string(c.key().substr(kPositionKey));
      if (!visit(read_be(c.key(), 4, 8), a)) break;
    }
    return 0;
  });
}

void LmdbStore::save_review(std::string_view dataset, const Review& review) {
  impl_->env.write([&](lmdb::Txn& txn) {
    DatasetInfo d = impl_->require(txn, dataset);
    const auto pos = impl_->position(txn, d, review.task);
    if (!pos) throw UserError("task " + hash_hex(review.task) + " is not in dataset '" + d.name + "'");
    const std::string key = ds_key(d.id, *pos);
    const auto before = txn.get(impl_->reviews, key);
    impl_->route_review(txn, d, *pos, before ? std::optional(decode_review(*before)) : std::nullopt, review);
    txn.put(impl_->reviews, key, encode(review));
    txn.put(impl_->datasets, d.name, encode_dataset(d));
  });
}

bool LmdbStore::remove_review(std::string_view dataset, std::uint64_t task) {
  return impl_->env.write([&](lmdb::Txn& txn) {
    DatasetInfo d = impl_->require(txn, dataset);
    const auto pos = impl_->position(txn, d, task);
    if (!pos) return false;
    const std::string key = ds_key(d.id, *pos);
    const auto before = txn.get(impl_->reviews, key);
    if (!before) return false;
    impl_->route_review(txn, d, *pos, decode_review(*before), std::nullopt);
    txn.del(impl_->reviews, key);
    txn.put(impl_->datasets, d.name, encode_dataset(d));
    return true;
  });
}

std::optional<Review> LmdbStore::review(const DatasetInfo& d, std::uint64_t task) const {
  return impl_->env.read([&](lmdb::Txn& txn) -> std::optional<Review> {
    const auto pos = impl_->position(txn, d, task);
    if (!pos) return std::nullopt;
    const auto bytes = txn.get(impl_->reviews, ds_key(d.id, *pos));
    if (!bytes) return std::nullopt;
    return decode_review(*bytes);
  });
}

void LmdbStore::for_each_review(const DatasetInfo& d,
                                const std::function<bool(std::uint64_t, const Review&)>& visit) const {
  impl_->env.read([&](lmdb::Txn& txn) {
    lmdb::Cursor c(txn, impl_->reviews);
    const std::string prefix = u32_key(d.id);
    for (bool ok = c.seek(prefix); ok && has_prefix(c.key(), prefix); ok = c.next())
      if (!visit(read_be(c.key(), 4, 8), decode_review(c.value()))) break;
    return 0;
  });
}

std::optional<std::uint64_t> LmdbStore::first_unanswered(const DatasetInfo& d, std::uint64_t from,
                                                         std::string_view annotator) const {
  return impl_->env.read([&](lmdb::Txn& txn) -> std::optional<std::uint64_t> {
    const DatasetInfo now = impl_->find(txn, d.name).value_or(d);
    std::optional<std::uint64_t> found;
    impl_->walk_open(txn, now, from, annotator, now_ms(), [&](std::uint64_t p) {
      found = p;
      return false;
    });
    return found;
  });
}

std::vector<std::uint64_t> LmdbStore::claim(const DatasetInfo& d, std::string_view annotator, std::uint64_t from,
                                            std::size_t count) {
  if (count == 0) return {};
  return impl_->env.write([&](lmdb::Txn& txn) {
    const DatasetInfo now_d = impl_->require(txn, d.name);
    const std::int64_t now = now_ms();
    std::vector<std::uint64_t> out;
    impl_->walk_open(txn, now_d, from, annotator, now, [&](std::uint64_t p) {
      out.push_back(p);
      return out.size() < count;
    });
    for (std::uint64_t p : out)
      txn.put(impl_->leases, annotator_key(now_d.id, p, annotator), encode_expiry(now + now_d.lease_ms));
    return out;
  });
}

void LmdbStore::renew_leases(const DatasetInfo& d, std::string_view annotator) {
  impl_->env.write([&](lmdb::Txn& txn) {
    const DatasetInfo now_d = impl_->require(txn, d.name);
    const std::int64_t now = now_ms();
    for (const auto& [key, expiry] : impl_->leases_of(txn, now_d, annotator)) {
      if (expiry > now) txn.put(impl_->leases, key, encode_expiry(now + now_d.lease_ms));
      else txn.del(impl_->leases, key);  // run out: perhaps handed on already
    }
  });
}

void LmdbStore::release_leases(const DatasetInfo& d, std::string_view annotator) {
  impl_->env.write([&](lmdb::Txn& txn) {
    const auto now_d = impl_->find(txn, d.name);
    if (!now_d) return;
    for (const auto& lease : impl_->leases_of(txn, *now_d, annotator)) txn.del(impl_->leases, lease.first);
  });
}

namespace {
using lmdb::suggestion_key;
std::string thumbnail_key(std::uint64_t task, int max_side) {
  std::string k = u64_key(task);
  append_be(k, static_cast<std::uint32_t>(max_side), 4);
  return k;
}
}  // namespace

void LmdbStore::put_suggestions(std::string_view model,
                            const std::vector<std::pair<std::uint64_t, Suggestion>>& suggestions) {
  impl_->env.write([&](lmdb::Txn& txn) {
    for (const auto& [task, s] : suggestions) txn.put(impl_->suggestions, suggestion_key(model, task), encode(s));
  });
}

std::optional<Suggestion> LmdbStore::suggestion(std::string_view model, std::uint64_t task) const {
  return impl_->env.read([&](lmdb::Txn& txn) -> std::optional<Suggestion> {
    const auto v = txn.get(impl_->suggestions, suggestion_key(model, task));
    if (!v) return std::nullopt;
    return decode_suggestion(*v);
  });
}

CaptionClaim LmdbStore::claim_caption_work(std::string_view model, const std::vector<std::uint64_t>& candidates,
                                           std::string_view worker, std::int64_t lease_ms, std::size_t count) {
  return impl_->env.write([&](lmdb::Txn& txn) {
    return lmdb::claim_caption_work(txn, {impl_->suggestions, impl_->caption_claims}, model, candidates, worker,
                                    now_ms(), lease_ms, count);
  });
}

void LmdbStore::release_caption_work(std::string_view model, std::string_view worker) {
  impl_->env.write([&](lmdb::Txn& txn) {
    lmdb::release_caption_work(txn, {impl_->suggestions, impl_->caption_claims}, model, worker);
  });
}

void LmdbStore::put_thumbnail(std::uint64_t task, int max_side, std::string_view bytes) {
  impl_->env.write([&](lmdb::Txn& txn) { txn.put(impl_->thumbnails, thumbnail_key(task, max_side), bytes); });
}

std::optional<std::string> LmdbStore::thumbnail(std::uint64_t task, int max_side) const {
  return impl_->env.read([&](lmdb::Txn& txn) -> std::optional<std::string> {
    const auto v = txn.get(impl_->thumbnails, thumbnail_key(task, max_side));
    if (!v) return std::nullopt;
    return std::string(*v);
  });
}

std::optional<std::uint64_t> LmdbStore::known_file(const FileStamp& file) const {
  return impl_->env.read([&](lmdb::Txn& txn) -> std::optional<std::uint64_t> {
    const auto v = txn.get(impl_->files, file.path);
    if (!v || v->size() != 32) return std::nullopt;
    if (read_be(*v, 0, 8) != file.size || static_cast<std::int64_t>(read_be(*v, 8, 8)) != file.mtime_ns ||
        read_be(*v, 16, 8) != file.inode)
      return std::nullopt;
    return read_be(*v, 24, 8);
  });
}

void LmdbStore::remember_files(const std::vector<FileStamp>& files) {
  if (files.empty()) return;
  impl_->env.write([&](lmdb::Txn& txn) { impl_->remember(txn, files); });
}

std::size_t LmdbStore::map_size() const { return impl_->env.map_size(); }
int LmdbStore::map_growths() const { return impl_->env.growth_count(); }

}  // namespace gloss
