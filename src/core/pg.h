// Small RAII layer over libpq: a connection, results with typed getters,
// transactions that rerun on serialization failures and deadlocks,
// LISTEN/NOTIFY. Errors become pg::Error carrying the server (its URI with
// the password left out), libpq's message and the SQLSTATE.
//
// Every statement takes its values as parameters (PQexecParams): text format,
// except pg::Bytes, sent in binary as bytea. The only names put into SQL
// text are identifiers gloss chooses itself (LISTEN channels, the test
// databases), quoted by libpq (quote_identifier).
//
// A Connection is used by one thread at a time. libpq is not included here.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "core/error.h"

struct pg_conn;
struct pg_result;

namespace gloss::pg {

class Error : public StoreError {
 public:
  Error(const std::string& what, std::string sqlstate = {}, std::string server_message = {});
  // The five-character SQLSTATE ("23505"), empty when the error did not come
  // from the server (a lost connection, a bad column index).
  const std::string& sqlstate() const { return sqlstate_; }
  // What the server said, without the server's address and the statement
  // ("permission denied for table datasets"); empty when it said nothing.
  const std::string& server_message() const { return server_message_; }

 private:
  std::string sqlstate_;
  std::string server_message_;
};

// The connection broke (the server restarted or went away). reset() may bring
// it back; what was not committed is lost.
class ConnectionLost : public Error {
 public:
  using Error::Error;
};

// No connection could be made (no server there, refused, bad password).
// reason(): libpq's words alone, without the server, for callers that say
// it their own way.
class CannotConnect : public Error {
 public:
  CannotConnect(const std::string& server, std::string reason)
      : Error("cannot connect to PostgreSQL at " + server + ": " + reason), reason_(std::move(reason)) {}
  const std::string& reason() const { return reason_; }

 private:
  std::string reason_;
};

// `conninfo` (a postgresql:// URI or a "key=value ..." string) with any
// password replaced by ***, for messages and logs.
std::string redact_uri(std::string_view conninfo);

// bytea parameter: sent in binary, so any bytes (NULs included) go as they are.
struct Bytes {
  std::string_view data;
};

// Arrays go as one text parameter in PostgreSQL's array syntax, cast in the
// statement: exec("... unnest($1::bigint[], $2::text[])", bigint_array(h), text_array(p)).
// Elements are quoted and escaped here; the SQL text stays fixed.
std::string bigint_array(std::span<const std::int64_t> values);
std::string text_array(std::span<const std::string> values);  // throws pg::Error on a NUL byte
std::string bytea_array(std::span<const std::string> values);  // any bytes, as hex
std::string bool_array(const std::vector<bool>& values);

// A content hash (uint64) as the bigint that stores it: the same 64 bits.
inline std::int64_t as_bigint(std::uint64_t v) { return static_cast<std::int64_t>(v); }
inline std::uint64_t from_bigint(std::int64_t v) { return static_cast<std::uint64_t>(v); }

namespace detail {
struct Param {
  std::string value;  // text: NUL-terminated by std::string; bytea: the raw bytes
  bool null = false;
  bool binary = false;
};
Param text_param(std::string_view s);  // throws pg::Error on a NUL byte

inline Param to_param(std::string_view s) { return text_param(s); }
inline Param to_param(const std::string& s) { return text_param(s); }
inline Param to_param(const char* s) { return text_param(s); }
inline Param to_param(Bytes b) { return {std::string(b.data), false, true}; }
inline Param to_param(std::nullopt_t) { return {{}, true, false}; }
inline Param to_param(bool b) { return {b ? "t" : "f", false, false}; }
template <class T>
  requires std::is_integral_v<T>
Param to_param(T v) {
  static_assert(!(std::is_unsigned_v<T> && sizeof(T) == 8),
                "a uint64 does not fit a bigint: pass pg::as_bigint(v)");
  return {std::to_string(v), false, false};
}
template <class T>
Param to_param(const std::optional<T>& v) {
  return v ? to_param(*v) : to_param(std::nullopt);
}
}  // namespace detail

class Result {
 public:
  explicit Result(pg_result* result) : result_(result) {}
  ~Result();
  Result(Result&& other) noexcept : result_(other.result_) { other.result_ = nullptr; }
  Result& operator=(Result&& other) noexcept;
  Result(const Result&) = delete;
  Result& operator=(const Result&) = delete;

  int rows() const;
  int columns() const;
  // Rows changed by INSERT/UPDATE/DELETE (PQcmdTuples).
  std::int64_t affected() const;

  // Typed getters; a NULL or a value of the wrong form throws pg::Error
  // naming the column. Use is_null() first where NULL is allowed.
  bool is_null(int row, int column) const;
  std::int64_t int64(int row, int column) const;
  bool boolean(int row, int column) const;
  std::string text(int row, int column) const;
  std::string bytes(int row, int column) const;  // a bytea column, decoded

 private:
  const char* value(int row, int column, const char* type) const;
  pg_result* result_ = nullptr;
};

struct Notification {
  std::string channel;
  std::string payload;
  int sender_pid = 0;  // the server process of the connection that sent it
};

enum class Isolation { read_committed, repeatable_read, serializable };

// Seconds libpq waits for a server to answer a connection, unless the URI
// sets connect_timeout.
inline constexpr const char* kDefaultConnectTimeout = "10";

class Connection {
 public:
  // Connects; throws CannotConnect "cannot connect to PostgreSQL at <redacted>: <libpq's reason>".
  explicit Connection(const std::string& conninfo);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // The server as messages name it: the conninfo with the password left out.
  const std::string& server() const { return server_; }
  std::string database() const;
  // The role this connection logged in as.
  std::string user() const;
  int backend_pid() const;

  // Runs one statement with its parameters ($1, $2...). Throws pg::Error
  // (ConnectionLost when the connection broke).
  template <class... P>
  Result exec(std::string_view sql, const P&... params) {
    const detail::Param list[] = {detail::to_param(params)..., detail::Param{}};
    return exec_params(sql, std::span(list, sizeof...(P)));
  }

  // Runs fn(*this) between BEGIN and COMMIT. On a serialization failure
  // (40001) or a deadlock (40P01), in fn or at COMMIT, rolls back and runs fn
  // again, up to `attempts` times, so fn must have no effects outside the
  // database. Any other exception rolls back and propagates. Transactions do
  // not nest: calling it inside one throws.
  template <class F>
  auto transaction(F&& fn, Isolation isolation = Isolation::read_committed, int attempts = 20)
      -> std::invoke_result_t<F, Connection&>;

  // LISTEN on `channel` (letters, digits and _ only). Kept across reset().
  void listen(const std::string& channel);
  void notify(std::string_view channel, std::string_view payload);
  // The next notification, waiting at most `timeout`; nullopt when none came.
  std::optional<Notification> wait_for_notification(std::chrono::milliseconds timeout);

  // False once libpq found the connection broken (an exec failed with
  // ConnectionLost, or the socket closed while waiting).
  bool ok() const;
  // Between statements: reads what the server sent meanwhile, without
  // waiting, so a connection the server closed (a restart) shows up before
  // the next statement is sent. False when it is broken.
  bool still_open();
  // Reconnects with the same conninfo and listens again; throws
  // CannotConnect when the server still cannot be reached.
  void reset();

  // name quoted as an SQL identifier by libpq ("my db" -> "\"my db\"").
  std::string quote_identifier(std::string_view name) const;

  pg_conn* raw() const { return conn_; }

 private:
  Result exec_params(std::string_view sql, std::span<const detail::Param> params);
  void begin(Isolation isolation);
  void rollback_quietly();
  [[noreturn]] void throw_error(const std::string& doing, pg_result* result = nullptr);
  std::optional<Notification> take_notification();
  static bool retryable(const Error& e);
  static void pause_before_retry(int attempt);

  pg_conn* conn_ = nullptr;
  std::string conninfo_;
  std::string server_;
  std::set<std::string> channels_;
};

template <class F>
auto Connection::transaction(F&& fn, Isolation isolation, int attempts)
    -> std::invoke_result_t<F, Connection&> {
  for (int attempt = 1;; ++attempt) {
    begin(isolation);
    try {
      if constexpr (std::is_void_v<std::invoke_result_t<F, Connection&>>) {
        fn(*this);
        exec("COMMIT");
        return;
      } else {
        auto result = fn(*this);
        exec("COMMIT");
        return result;
      }
    } catch (const Error& e) {
      rollback_quietly();
      if (!retryable(e) || attempt >= attempts) throw;
    } catch (...) {
      rollback_quietly();
      throw;
    }
    pause_before_retry(attempt);
  }
}

}  // namespace gloss::pg
