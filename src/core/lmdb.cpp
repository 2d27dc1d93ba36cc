#include "core/lmdb.h"

#include <sys/stat.h>

#include <cerrno>
#include <mutex>

namespace gloss::lmdb {
namespace fs = std::filesystem;

Error::Error(int code, const std::string& what)
    : StoreError(what + ": " + mdb_strerror(code)), code_(code) {}

void check(int rc, const char* operation) {
  if (rc != MDB_SUCCESS) throw Error(rc, operation);
}

namespace {
MDB_val to_val(std::string_view s) { return {s.size(), const_cast<char*>(s.data())}; }

// The folder the file system holding `dir` is mounted on (walks up while the
// device stays the same), for the full-disk message.
fs::path mount_point(const fs::path& dir) {
  std::error_code ec;
  fs::path p = fs::absolute(dir, ec).lexically_normal();
  struct stat st;
  if (ec || ::stat(p.c_str(), &st) != 0) return dir;
  while (p.has_parent_path() && p.parent_path() != p) {
    struct stat up;
    if (::stat(p.parent_path().c_str(), &up) != 0 || up.st_dev != st.st_dev) break;
    p = p.parent_path();
  }
  return p;
}

// A write that failed because the disk (or the file size limit) is full. The
// transaction is aborted, so what was committed before stays as it was.
// Thrown as a plain StoreError: Env::write() only retries lmdb::Error.
[[noreturn]] void throw_disk_full(int rc, const fs::path& dir) {
  const std::string where = mount_point(dir).string();
  std::string what = "store " + dir.string() + " cannot grow: the disk is full (" + mdb_strerror(rc) + ")";
  if (rc == EFBIG) what = "store " + dir.string() + " cannot grow: its file is full, at the file size limit (" +
                          mdb_strerror(rc) + ")";
  if (rc == EDQUOT) what = "store " + dir.string() + " cannot grow: the disk quota is full (" + mdb_strerror(rc) + ")";
  const std::string todo = rc == EFBIG ? "raise the file size limit (ulimit -f) or move the store, or free some space on "
                                        : "free some space on ";
  throw StoreError(what + "; the last change was not saved: " + todo + where +
                   " and run again: nothing saved so far is lost");
}

bool disk_full(int rc) { return rc == ENOSPC || rc == EFBIG || rc == EDQUOT; }
}  // namespace

Env::Env(const Options& options) : dir_(options.dir) {
  std::error_code ec;
  fs::create_directories(dir_, ec);
  if (ec) throw StoreError("store " + dir_.string() + ": cannot create folder: " + ec.message());
  check(mdb_env_create(&env_), "mdb_env_create");
  try {
    check(mdb_env_set_maxdbs(env_, options.max_dbs), "mdb_env_set_maxdbs");
    check(mdb_env_set_maxreaders(env_, 256), "mdb_env_set_maxreaders");
    check(mdb_env_set_mapsize(env_, options.initial_map_bytes), "mdb_env_set_mapsize");
    // NOTLS: read transactions are not tied to threads (the UI and the
    // scheduler each open short ones). NOSYNC only when durability is off.
    unsigned flags = MDB_NOTLS | (options.durable ? 0u : MDB_NOSYNC);
    int rc = mdb_env_open(env_, dir_.c_str(), flags, 0644);
    if (rc != MDB_SUCCESS) throw Error(rc, "store " + dir_.string() + ": cannot open");
    // Another process may have grown the map beyond our initial size.
    MDB_envinfo info;
    mdb_env_info(env_, &info);
    if (info.me_mapsize < options.initial_map_bytes)
      check(mdb_env_set_mapsize(env_, options.initial_map_bytes), "mdb_env_set_mapsize");
  } catch (...) {
    mdb_env_close(env_);
    throw;
  }
}

Env::~Env() { mdb_env_close(env_); }

std::size_t Env::map_size() const {
  MDB_envinfo info;
  mdb_env_info(env_, &info);
  return info.me_mapsize;
}

MDB_dbi Env::open_db(const char* name) {
  return write([&](Txn& txn) {
    MDB_dbi dbi;
    check(mdb_dbi_open(txn.raw(), name, MDB_CREATE, &dbi), name);
    return dbi;
  });
}

void Env::grow(std::size_t seen_size) {
  std::unique_lock lock(resize_mutex_);
  const std::size_t now = map_size();
  if (now > seen_size) return;  // another thread grew it meanwhile
  check(mdb_env_set_mapsize(env_, now * 2), "growing the store's map");
  ++growth_count_;
}

void Env::adopt_resized_map() {
  std::unique_lock lock(resize_mutex_);
  check(mdb_env_set_mapsize(env_, 0), "adopting the store's new map size");
}

Txn::Txn(const Env& env, bool write) : env_(env) {
  check(mdb_txn_begin(env.raw(), nullptr, write ? 0 : MDB_RDONLY, &txn_),
        write ? "beginning a write transaction" : "beginning a read transaction");
}

Txn::~Txn() {
  if (txn_) mdb_txn_abort(txn_);
}

void Txn::commit() {
  MDB_txn* txn = txn_;
  txn_ = nullptr;  // commit frees the transaction even when it fails
  const int rc = mdb_txn_commit(txn);
  if (disk_full(rc)) throw_disk_full(rc, env_.dir());
  // LMDB reports a short write (the disk filled up mid-write) as EIO.
  if (rc == EIO)
    throw StoreError("store " + env_.dir().string() + ": writing failed (" + mdb_strerror(rc) +
                     "): the disk may be full or failing; the last change was not saved: check the free space on " +
                     mount_point(env_.dir()).string() + " and run again: nothing saved so far is lost");
  check(rc, "committing to the store");
}

std::optional<std::string_view> Txn::get(MDB_dbi dbi, std::string_view key) const {
  MDB_val k = to_val(key), v;
  int rc = mdb_get(txn_, dbi, &k, &v);
  if (rc == MDB_NOTFOUND) return std::nullopt;
  check(rc, "reading from the store");
  return std::string_view(static_cast<const char*>(v.mv_data), v.mv_size);
}

void Txn::put(MDB_dbi dbi, std::string_view key, std::string_view value, unsigned flags) {
  MDB_val k = to_val(key), v = to_val(value);
  const int rc = mdb_put(txn_, dbi, &k, &v, flags);  // can write when a big transaction spills pages
  if (disk_full(rc)) throw_disk_full(rc, env_.dir());
  check(rc, "writing to the store");
}

bool Txn::del(MDB_dbi dbi, std::string_view key) {
  MDB_val k = to_val(key);
  int rc = mdb_del(txn_, dbi, &k, nullptr);
  if (rc == MDB_NOTFOUND) return false;
  check(rc, "deleting from the store");
  return true;
}

std::size_t Txn::entries(MDB_dbi dbi) const {
  MDB_stat stat;
  check(mdb_stat(txn_, dbi, &stat), "mdb_stat");
  return stat.ms_entries;
}

Cursor::Cursor(const Txn& txn, MDB_dbi dbi) {
  check(mdb_cursor_open(txn.raw(), dbi, &cursor_), "opening a cursor");
}

Cursor::~Cursor() { mdb_cursor_close(cursor_); }

bool Cursor::move(MDB_cursor_op op) {
  int rc = mdb_cursor_get(cursor_, &key_, &val_, op);
  if (rc == MDB_NOTFOUND) return false;
  check(rc, "moving a cursor");
  return true;
}

bool Cursor::seek(std::string_view key) {
  key_ = to_val(key);
  return move(MDB_SET_RANGE);
}
bool Cursor::first() { return move(MDB_FIRST); }
bool Cursor::last() { return move(MDB_LAST); }
bool Cursor::next() { return move(MDB_NEXT); }
bool Cursor::prev() { return move(MDB_PREV); }
void Cursor::del() { check(mdb_cursor_del(cursor_, 0), "deleting with a cursor"); }

}  // namespace gloss::lmdb
