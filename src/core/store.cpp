// Layout of the LMDB environment (all integers big-endian so that keys sort
// by number and a dataset's entries are one contiguous range):
//   meta         "schema" -> "3", "next_dataset" -> u32
//                (1: msgpack records only; 2: records may be binary, see records.cpp;
//                3: the unanswered index. Version 1 and 2 stores are marked 3 when
//                opened, after the index is built: their records still read.)
//   datasets     name -> {id, size, answered, created}
//   items        u32 dataset id | u64 position -> u64 task hash
//   item_pos     u32 dataset id | u64 task hash -> u64 position
//   answers      u32 dataset id | u64 position -> answer record
//   unanswered   u32 dataset id | u64 position -> "" for every position without an
//                answer, so the first unanswered task is one seek in a million
//   tasks        u64 task hash -> task record
//   suggestions  model id | 0x00 | u64 task hash -> suggestion record
//   thumbnails   u64 task hash | u32 longest side -> pixels
//   files        absolute path -> u64 size | i64 mtime ns | u64 inode | u64 content hash
#include "core/store.h"

#include <algorithm>
#include <cstdlib>

#include "core/error.h"
#include "core/hash.h"
#include "core/lmdb.h"

namespace gloss {
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

constexpr const char* kSchema = "3";
// Versions this gloss opens and upgrades to kSchema.
constexpr const char* kOlderSchemas[] = {"1", "2"};

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
bool has_prefix(std::string_view key, std::string_view prefix) {
  return key.substr(0, prefix.size()) == prefix;
}

std::string encode_dataset(const DatasetInfo& d) {
  const auto bytes = json::to_msgpack(
      {{"id", d.id}, {"size", d.size}, {"answered", d.answered}, {"created", d.created_ms}});
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
    d.created_ms = j.at("created").get<std::int64_t>();
    return d;
  } catch (const json::exception& e) {
    throw StoreError("corrupt dataset record '" + std::string(name) + "': " + e.what());
  }
}

}  // namespace

fs::path default_store_dir() {
  const char* env = std::getenv("GLOSS_DB");
  if (env && *env) return env;
  return "gloss-data";
}

struct Store::Impl {
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
        unanswered(env.open_db("unanswered")) {
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
      if (schema) build_unanswered_index(txn);
      txn.put(meta, "schema", kSchema);
    });
  }

  // Upgrading a store from before the index: one pass over each dataset.
  void build_unanswered_index(lmdb::Txn& txn) const {
    lmdb::Cursor c(txn, datasets);
    for (bool ok = c.first(); ok; ok = c.next()) {
      const DatasetInfo d = decode_dataset(c.key(), c.value());
      lmdb::Cursor answered(txn, answers);
      const std::string prefix = u32_key(d.id);
      bool more = answered.seek(prefix) && has_prefix(answered.key(), prefix);
      for (std::uint64_t p = 0; p < d.size; ++p) {
        if (more && read_be(answered.key(), 4, 8) == p) {
          more = answered.next() && has_prefix(answered.key(), prefix);
          continue;
        }
        txn.put(unanswered, ds_key(d.id, p), "");
      }
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
    if (auto d = find(txn, name)) return *d;
    if (name.empty()) throw UserError("a dataset name cannot be empty");
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

  // Stores the answer; true if the task had none before.
  bool put_answer(lmdb::Txn& txn, DatasetInfo& d, const Answer& a) const {
    const auto pos = position(txn, d, a.task);
    if (!pos)
      throw UserError("task " + hash_hex(a.task) + " is not in dataset '" + d.name + "'");
    const std::string key = ds_key(d.id, *pos);
    const bool fresh = !txn.get(answers, key);
    txn.put(answers, key, encode(a));
    if (fresh) {
      ++d.answered;
      txn.del(unanswered, key);
    }
    return fresh;
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

  lmdb::Env env;
  MDB_dbi meta, datasets, items, item_pos, answers, tasks, suggestions, thumbnails, files, unanswered;
};

Store::Store(const StoreOptions& options) : impl_(std::make_unique<Impl>(options)) {}
Store::~Store() = default;

const fs::path& Store::dir() const { return impl_->env.dir(); }

std::vector<DatasetInfo> Store::datasets() const {
  auto list = impl_->env.read([&](lmdb::Txn& txn) {
    std::vector<DatasetInfo> out;
    lmdb::Cursor c(txn, impl_->datasets);
    for (bool ok = c.first(); ok; ok = c.next()) out.push_back(decode_dataset(c.key(), c.value()));
    return out;
  });
  std::sort(list.begin(), list.end(), [](auto& a, auto& b) { return a.id < b.id; });
  return list;
}

std::optional<DatasetInfo> Store::dataset(std::string_view name) const {
  return impl_->env.read([&](lmdb::Txn& txn) { return impl_->find(txn, name); });
}

DatasetInfo Store::require_dataset(std::string_view name) const {
  if (auto d = dataset(name)) return *d;
  std::string known;
  for (const auto& d : datasets()) known += (known.empty() ? "" : ", ") + d.name;
  throw UserError("no dataset named '" + std::string(name) + "' in store " + dir().string() +
                  (known.empty() ? " (the store has no datasets yet)" : " (it has: " + known + ")"));
}

DatasetInfo Store::ensure_dataset(std::string_view name) {
  return impl_->env.write([&](lmdb::Txn& txn) { return impl_->ensure(txn, name); });
}

bool Store::drop_dataset(std::string_view name) {
  return impl_->env.write([&](lmdb::Txn& txn) {
    const auto d = impl_->find(txn, name);
    if (!d) return false;
    const std::string prefix = u32_key(d->id);
    impl_->delete_range(txn, impl_->items, prefix);
    impl_->delete_range(txn, impl_->item_pos, prefix);
    impl_->delete_range(txn, impl_->answers, prefix);
    impl_->delete_range(txn, impl_->unanswered, prefix);
    txn.del(impl_->datasets, name);
    return true;
  });
}

AddResult Store::add_tasks(std::string_view dataset, const std::vector<Task>& tasks) {
  return add_tasks(dataset, tasks, {});
}

AddResult Store::add_tasks(std::string_view dataset, const std::vector<Task>& tasks,
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

ImportResult Store::import_records(std::string_view dataset, const std::vector<ImportRecord>& records) {
  return impl_->env.write([&](lmdb::Txn& txn) {
    ImportResult result;
    DatasetInfo d = impl_->ensure(txn, dataset);
    for (const auto& r : records) {
      impl_->add(txn, d, r.task, result.tasks);
      if (!r.answer) continue;
      const auto pos = impl_->position(txn, d, r.task.hash);
      if (txn.get(impl_->answers, ds_key(d.id, *pos))) {
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

std::optional<Task> Store::task(std::uint64_t hash) const {
  return impl_->env.read([&](lmdb::Txn& txn) -> std::optional<Task> {
    const auto v = txn.get(impl_->tasks, u64_key(hash));
    if (!v) return std::nullopt;
    return decode_task(*v);
  });
}

std::optional<std::uint64_t> Store::task_at(const DatasetInfo& d, std::uint64_t position) const {
  return impl_->env.read([&](lmdb::Txn& txn) -> std::optional<std::uint64_t> {
    const auto v = txn.get(impl_->items, ds_key(d.id, position));
    if (!v) return std::nullopt;
    return read_be(*v, 0, 8);
  });
}

std::vector<std::uint64_t> Store::tasks_at(const DatasetInfo& d, std::uint64_t first,
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

std::optional<std::uint64_t> Store::position_of(const DatasetInfo& d, std::uint64_t hash) const {
  return impl_->env.read([&](lmdb::Txn& txn) { return impl_->position(txn, d, hash); });
}

void Store::save_answer(std::string_view dataset, const Answer& answer) {
  impl_->env.write([&](lmdb::Txn& txn) {
    DatasetInfo d = impl_->require(txn, dataset);
    if (impl_->put_answer(txn, d, answer)) txn.put(impl_->datasets, d.name, encode_dataset(d));
  });
}

bool Store::remove_answer(std::string_view dataset, std::uint64_t task) {
  return impl_->env.write([&](lmdb::Txn& txn) {
    DatasetInfo d = impl_->require(txn, dataset);
    const auto pos = impl_->position(txn, d, task);
    if (!pos || !txn.del(impl_->answers, ds_key(d.id, *pos))) return false;
    txn.put(impl_->unanswered, ds_key(d.id, *pos), "");
    --d.answered;
    txn.put(impl_->datasets, d.name, encode_dataset(d));
    return true;
  });
}

std::optional<Answer> Store::answer(const DatasetInfo& d, std::uint64_t task) const {
  return impl_->env.read([&](lmdb::Txn& txn) -> std::optional<Answer> {
    const auto pos = impl_->position(txn, d, task);
    if (!pos) return std::nullopt;
    const auto v = txn.get(impl_->answers, ds_key(d.id, *pos));
    if (!v) return std::nullopt;
    return decode_answer(*v);
  });
}

std::optional<Answer> Store::answer_at(const DatasetInfo& d, std::uint64_t position) const {
  return impl_->env.read([&](lmdb::Txn& txn) -> std::optional<Answer> {
    const auto v = txn.get(impl_->answers, ds_key(d.id, position));
    if (!v) return std::nullopt;
    return decode_answer(*v);
  });
}

void Store::for_each_answer(const DatasetInfo& d,
                            const std::function<bool(std::uint64_t, const Answer&)>& visit) const {
  impl_->env.read([&](lmdb::Txn& txn) {
    lmdb::Cursor c(txn, impl_->answers);
    const std::string prefix = u32_key(d.id);
    for (bool ok = c.seek(prefix); ok && has_prefix(c.key(), prefix); ok = c.next())
      if (!visit(read_be(c.key(), 4, 8), decode_answer(c.value()))) break;
    return 0;
  });
}

std::optional<std::uint64_t> Store::first_unanswered(const DatasetInfo& d, std::uint64_t from) const {
  return impl_->env.read([&](lmdb::Txn& txn) -> std::optional<std::uint64_t> {
    const auto size = impl_->find(txn, d.name).value_or(d).size;
    const std::string prefix = u32_key(d.id);
    // The first indexed position in [start, end), by one seek.
    auto first_in = [&](std::uint64_t start, std::uint64_t end) -> std::optional<std::uint64_t> {
      lmdb::Cursor c(txn, impl_->unanswered);
      if (!c.seek(ds_key(d.id, start)) || !has_prefix(c.key(), prefix)) return std::nullopt;
      const std::uint64_t p = read_be(c.key(), 4, 8);
      return p < end ? std::optional(p) : std::nullopt;
    };
    if (from < size)
      if (auto p = first_in(from, size)) return p;
    return first_in(0, std::min(from, size));
  });
}

namespace {
std::string suggestion_key(std::string_view model, std::uint64_t task) {
  std::string k(model);
  k.push_back('\0');
  append_be(k, task, 8);
  return k;
}
std::string thumbnail_key(std::uint64_t task, int max_side) {
  std::string k = u64_key(task);
  append_be(k, static_cast<std::uint32_t>(max_side), 4);
  return k;
}
}  // namespace

void Store::put_suggestion(std::string_view model, std::uint64_t task, const Suggestion& s) {
  impl_->env.write([&](lmdb::Txn& txn) { txn.put(impl_->suggestions, suggestion_key(model, task), encode(s)); });
}

void Store::put_suggestions(std::string_view model,
                            const std::vector<std::pair<std::uint64_t, Suggestion>>& suggestions) {
  impl_->env.write([&](lmdb::Txn& txn) {
    for (const auto& [task, s] : suggestions) txn.put(impl_->suggestions, suggestion_key(model, task), encode(s));
  });
}

std::optional<Suggestion> Store::suggestion(std::string_view model, std::uint64_t task) const {
  return impl_->env.read([&](lmdb::Txn& txn) -> std::optional<Suggestion> {
    const auto v = txn.get(impl_->suggestions, suggestion_key(model, task));
    if (!v) return std::nullopt;
    return decode_suggestion(*v);
  });
}

void Store::put_thumbnail(std::uint64_t task, int max_side, std::string_view bytes) {
  impl_->env.write([&](lmdb::Txn& txn) { txn.put(impl_->thumbnails, thumbnail_key(task, max_side), bytes); });
}

std::optional<std::string> Store::thumbnail(std::uint64_t task, int max_side) const {
  return impl_->env.read([&](lmdb::Txn& txn) -> std::optional<std::string> {
    const auto v = txn.get(impl_->thumbnails, thumbnail_key(task, max_side));
    if (!v) return std::nullopt;
    return std::string(*v);
  });
}

std::optional<std::uint64_t> Store::known_file(const FileStamp& file) const {
  return impl_->env.read([&](lmdb::Txn& txn) -> std::optional<std::uint64_t> {
    const auto v = txn.get(impl_->files, file.path);
    if (!v || v->size() != 32) return std::nullopt;
    if (read_be(*v, 0, 8) != file.size || static_cast<std::int64_t>(read_be(*v, 8, 8)) != file.mtime_ns ||
        read_be(*v, 16, 8) != file.inode)
      return std::nullopt;
    return read_be(*v, 24, 8);
  });
}

void Store::remember_files(const std::vector<FileStamp>& files) {
  if (files.empty()) return;
  impl_->env.write([&](lmdb::Txn& txn) { impl_->remember(txn, files); });
}

std::size_t Store::map_size() const { return impl_->env.map_size(); }
int Store::map_growths() const { return impl_->env.growth_count(); }

}  // namespace gloss
