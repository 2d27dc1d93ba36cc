// Small RAII layer over LMDB: environment, transactions, cursors. Errors
// become lmdb::Error carrying LMDB's message and the operation. Map growth
// lives in one place: Env::write() grows the map on MDB_MAP_FULL and reruns
// the transaction, so callers never see a full map.
//
// Rule for callers: a thread must not start a write() while it holds a read
// transaction of the same Env (growth waits for every transaction to end).
#pragma once

#include <lmdb.h>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <type_traits>

#include "core/error.h"

namespace gloss::lmdb {

class Error : public StoreError {
 public:
  Error(int code, const std::string& what);
  int code() const { return code_; }

 private:
  int code_;
};

class Txn;

class Env {
 public:
  struct Options {
    std::filesystem::path dir;
    std::size_t initial_map_bytes = 64u << 20;
    bool durable = true;  // fsync on every commit
    unsigned max_dbs = 16;
  };
  explicit Env(const Options& options);
  ~Env();
  Env(const Env&) = delete;
  Env& operator=(const Env&) = delete;

  MDB_env* raw() const { return env_; }
  const std::filesystem::path& dir() const { return dir_; }
  std::size_t map_size() const;
  // Opens (creating if needed) a named database. Call before other threads start.
  MDB_dbi open_db(const char* name);

  // Runs fn(Txn&) in a write transaction and commits it. On MDB_MAP_FULL the
  // map grows and fn runs again from the start, so fn must not have side
  // effects outside the transaction.
  template <class F>
  auto write(F&& fn) -> std::invoke_result_t<F, Txn&>;
  template <class F>
  auto read(F&& fn) const -> std::invoke_result_t<F, Txn&>;

  // How many times the map has grown in this process (for tests and stats).
  int growth_count() const { return growth_count_; }

 private:
  friend class Txn;
  void grow(std::size_t seen_size);
  void adopt_resized_map();

  MDB_env* env_ = nullptr;
  std::filesystem::path dir_;
  mutable std::shared_mutex resize_mutex_;
  int growth_count_ = 0;
};

class Txn {
 public:
  Txn(const Env& env, bool write);
  ~Txn();
  Txn(const Txn&) = delete;
  Txn& operator=(const Txn&) = delete;

  void commit();
  MDB_txn* raw() const { return txn_; }

  std::optional<std::string_view> get(MDB_dbi dbi, std::string_view key) const;
  void put(MDB_dbi dbi, std::string_view key, std::string_view value, unsigned flags = 0);
  // Returns false if the key was not there.
  bool del(MDB_dbi dbi, std::string_view key);
  std::size_t entries(MDB_dbi dbi) const;

 private:
  MDB_txn* txn_ = nullptr;
  const Env& env_;
};

class Cursor {
 public:
  Cursor(const Txn& txn, MDB_dbi dbi);
  ~Cursor();
  Cursor(const Cursor&) = delete;
  Cursor& operator=(const Cursor&) = delete;

  // Positions at the first key >= key. False if there is none.
  bool seek(std::string_view key);
  bool first();
  bool last();
  bool next();
  bool prev();
  std::string_view key() const { return {static_cast<const char*>(key_.mv_data), key_.mv_size}; }
  std::string_view value() const { return {static_cast<const char*>(val_.mv_data), val_.mv_size}; }
  void del();

 private:
  bool move(MDB_cursor_op op);
  MDB_cursor* cursor_ = nullptr;
  MDB_val key_{0, nullptr};
  MDB_val val_{0, nullptr};
};

void check(int rc, const char* operation);

template <class F>
auto Env::write(F&& fn) -> std::invoke_result_t<F, Txn&> {
  for (;;) {
    std::size_t seen = 0;
    {
      std::shared_lock lock(resize_mutex_);
      seen = map_size();
      try {
        Txn txn(*this, true);
        if constexpr (std::is_void_v<std::invoke_result_t<F, Txn&>>) {
          fn(txn);
          txn.commit();
          return;
        } else {
          auto result = fn(txn);
          txn.commit();
          return result;
        }
      } catch (const Error& e) {
        if (e.code() == MDB_MAP_RESIZED) {
          lock.unlock();
          adopt_resized_map();
          continue;
        }
        if (e.code() != MDB_MAP_FULL) throw;
      }
    }
    grow(seen);
  }
}

template <class F>
auto Env::read(F&& fn) const -> std::invoke_result_t<F, Txn&> {
  for (;;) {
    {
      std::shared_lock lock(resize_mutex_);
      try {
        Txn txn(*this, false);
        return fn(txn);
      } catch (const Error& e) {
        if (e.code() != MDB_MAP_RESIZED) throw;
      }
    }
    const_cast<Env*>(this)->adopt_resized_map();
  }
}

}  // namespace gloss::lmdb
