#include "core/pg.h"

#include <libpq-fe.h>
#include <poll.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <random>
#include <thread>

namespace gloss::pg {
namespace {

constexpr Oid bytea_oid = 17;  // pg_type.oid of bytea: fixed since PostgreSQL 7

// libpq's messages end in a newline and continue on tab-indented lines:
// one line for ours.
std::string one_line(const char* message) {
  std::string out;
  bool space = false;
  for (const char* p = message ? message : ""; *p; ++p) {
    if (*p == '\n' || *p == '\t' || *p == '\r') {
      space = true;
      continue;
    }
    if (space && !out.empty()) out += ' ';
    space = false;
    out += *p;
  }
  return out;
}

// The first line of a statement, shortened, to say which one failed (values
// are parameters, never in the text).
std::string statement_head(std::string_view sql) {
  std::size_t start = sql.find_first_not_of(" \t\r\n");
  if (start == std::string_view::npos) return {};
  sql.remove_prefix(start);
  std::string head(sql.substr(0, std::min(sql.find('\n'), std::size_t{80})));
  if (head.size() < sql.size()) head += "...";
  return head;
}

// NOTICEs ("relation already exists, skipping") are chatter; warnings are
// shown as the server wrote them.
void on_notice(void*, const PGresult* result) {
  const char* severity = PQresultErrorField(result, PG_DIAG_SEVERITY_NONLOCALIZED);
  if (severity && std::strcmp(severity, "WARNING") == 0)
    std::fprintf(stderr, "PostgreSQL: %s", PQresultErrorMessage(result));
}

bool identifier_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

// key=value conninfo: copy it, replacing the value of password.
std::string redact_keywords(std::string_view s) {
  std::string out;
  std::size_t i = 0;
  while (i < s.size()) {
    if (std::isspace(static_cast<unsigned char>(s[i]))) {
      out += s[i++];
      continue;
    }
    std::size_t key_start = i;
    while (i < s.size() && s[i] != '=' && !std::isspace(static_cast<unsigned char>(s[i]))) ++i;
    std::string_view key = s.substr(key_start, i - key_start);
    out += key;
    while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) out += s[i++];
    if (i >= s.size() || s[i] != '=') continue;
    out += s[i++];
    while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) out += s[i++];
    std::size_t value_start = i;
    if (i < s.size() && s[i] == '\'') {
      for (++i; i < s.size() && s[i] != '\''; ++i)
        if (s[i] == '\\' && i + 1 < s.size()) ++i;
      if (i < s.size()) ++i;  // the closing quote
    } else {
      while (i < s.size() && !std::isspace(static_cast<unsigned char>(s[i]))) {
        if (s[i] == '\\' && i + 1 < s.size()) ++i;
        ++i;
      }
    }
    out += key == "password" ? std::string("***") : std::string(s.substr(value_start, i - value_start));
  }
  return out;
}

// postgresql://user:password@host/db?password=...: the user info ends at the
// first '@' before any '/', as libpq reads it.
std::string redact_url(std::string_view s, std::size_t after_scheme) {
  std::string out(s.substr(0, after_scheme));
  std::size_t i = after_scheme;
  std::size_t stop = s.find_first_of("@/", i);
  if (stop != std::string_view::npos && s[stop] == '@') {
    std::string_view userinfo = s.substr(i, stop - i);
    std::size_t colon = userinfo.find(':');
    out += colon == std::string_view::npos ? userinfo : std::string(userinfo.substr(0, colon)) + ":***";
    i = stop;
  }
  std::size_t query = s.find('?', i);
  out += s.substr(i, query == std::string_view::npos ? std::string_view::npos : query + 1 - i);
  if (query == std::string_view::npos) return out;
  std::string_view rest = s.substr(query + 1);
  bool first = true;
  while (true) {
    std::size_t amp = rest.find('&');
    std::string_view pair = rest.substr(0, amp);
    if (!first) out += '&';
    first = false;
    std::size_t eq = pair.find('=');
    out += eq != std::string_view::npos && pair.substr(0, eq) == "password" ? std::string("password=***")
                                                                            : std::string(pair);
    if (amp == std::string_view::npos) break;
    rest.remove_prefix(amp + 1);
  }
  return out;
}

}  // namespace

Error::Error(const std::string& what, std::string sqlstate, std::string server_message)
    : StoreError(what), sqlstate_(std::move(sqlstate)), server_message_(std::move(server_message)) {}

std::string redact_uri(std::string_view conninfo) {
  for (std::string_view scheme : {"postgresql://", "postgres://"})
    if (conninfo.substr(0, scheme.size()) == scheme) return redact_url(conninfo, scheme.size());
  return redact_keywords(conninfo);
}

namespace {
template <class T, class Element>
std::string array_of(const T& values, Element element) {
  std::string out = "{";
  bool first = true;
  for (const auto& v : values) {
    if (!first) out += ',';
    first = false;
    element(out, v);
  }
  return out + "}";
}
}  // namespace

std::string bigint_array(std::span<const std::int64_t> values) {
  return array_of(values, [](std::string& out, std::int64_t v) { out += std::to_string(v); });
}

// Each element in double quotes, with \ and " escaped: any text, the empty
// string and "NULL" included, reads back as it was.
std::string text_array(std::span<const std::string> values) {
  return array_of(values, [](std::string& out, const std::string& v) {
    if (v.find('\0') != std::string::npos)
      throw Error("a text array element holds a NUL byte, which PostgreSQL text cannot store");
    out += '"';
    for (char c : v) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    out += '"';
  });
}

// bytea's hex input (\x0a1b...) as an array element: the backslash escaped.
std::string bytea_array(std::span<const std::string> values) {
  static constexpr char hex[] = "0123456789abcdef";
  return array_of(values, [](std::string& out, const std::string& v) {
    out += "\"\\\\x";
    for (unsigned char c : v) {
      out += hex[c >> 4];
      out += hex[c & 15];
    }
    out += '"';
  });
}

std::string bool_array(const std::vector<bool>& values) {
  return array_of(values, [](std::string& out, bool v) { out += v ? 't' : 'f'; });
}

namespace detail {
Param text_param(std::string_view s) {
  if (s.find('\0') != std::string_view::npos)
    throw Error("a text parameter holds a NUL byte, which PostgreSQL text cannot store: pass it as pg::Bytes");
  return {std::string(s), false, false};
}
}  // namespace detail

// ---- Result

Result::~Result() { PQclear(result_); }

Result& Result::operator=(Result&& other) noexcept {
  if (this != &other) {
    PQclear(result_);
    result_ = other.result_;
    other.result_ = nullptr;
  }
  return *this;
}

int Result::rows() const { return PQntuples(result_); }
int Result::columns() const { return PQnfields(result_); }

std::int64_t Result::affected() const {
  const char* n = PQcmdTuples(result_);
  std::int64_t v = 0;
  std::from_chars(n, n + std::strlen(n), v);
  return v;
}

bool Result::is_null(int row, int column) const {
  if (row < 0 || row >= rows() || column < 0 || column >= columns())
    throw Error("no value at row " + std::to_string(row) + ", column " + std::to_string(column) + " of a result of " +
                std::to_string(rows()) + " rows and " + std::to_string(columns()) + " columns");
  return PQgetisnull(result_, row, column);
}

const char* Result::value(int row, int column, const char* type) const {
  if (is_null(row, column))
    throw Error(std::string("column ") + PQfname(result_, column) + " is NULL where a " + type + " was expected");
  return PQgetvalue(result_, row, column);
}

std::int64_t Result::int64(int row, int column) const {
  const char* text = value(row, column, "bigint");
  const char* end = text + std::strlen(text);
  std::int64_t v = 0;
  auto [ptr, ec] = std::from_chars(text, end, v);
  if (ec != std::errc() || ptr != end)
    throw Error(std::string("column ") + PQfname(result_, column) + " holds '" + text + "', not a bigint");
  return v;
}

bool Result::boolean(int row, int column) const {
  std::string_view text = value(row, column, "boolean");
  if (text == "t") return true;
  if (text == "f") return false;
  throw Error(std::string("column ") + PQfname(result_, column) + " holds '" + std::string(text) + "', not a boolean");
}

std::string Result::text(int row, int column) const {
  const char* text = value(row, column, "text");
  return std::string(text, PQgetlength(result_, row, column));
}

std::string Result::bytes(int row, int column) const {
  const char* text = value(row, column, "bytea");
  std::size_t length = 0;
  unsigned char* raw = PQunescapeBytea(reinterpret_cast<const unsigned char*>(text), &length);
  if (!raw) throw Error(std::string("column ") + PQfname(result_, column) + ": cannot decode bytea (out of memory)");
  std::string out(reinterpret_cast<const char*>(raw), length);
  PQfreemem(raw);
  return out;
}

// ---- Connection

Connection::Connection(const std::string& conninfo) : conninfo_(conninfo), server_(redact_uri(conninfo)) {
  // A server that never answers (a host down, packets dropped) would keep
  // libpq waiting for ever: 10 s, unless the URI says otherwise (its values
  // come after, and win).
  const char* keywords[] = {"connect_timeout", "dbname", nullptr};
  const char* values[] = {kDefaultConnectTimeout, conninfo_.c_str(), nullptr};
  conn_ = PQconnectdbParams(keywords, values, /*expand_dbname=*/1);
  if (!conn_) throw CannotConnect(server_, "out of memory");
  if (PQstatus(conn_) != CONNECTION_OK) {
    std::string reason = one_line(PQerrorMessage(conn_));
    PQfinish(conn_);
    conn_ = nullptr;
    throw CannotConnect(server_, reason);
  }
  PQsetNoticeReceiver(conn_, on_notice, nullptr);
}

Connection::~Connection() { PQfinish(conn_); }

std::string Connection::database() const { return PQdb(conn_); }

std::string Connection::user() const { return PQuser(conn_); }
int Connection::backend_pid() const { return PQbackendPID(conn_); }
bool Connection::ok() const { return PQstatus(conn_) == CONNECTION_OK; }

void Connection::throw_error(const std::string& doing, PGresult* result) {
  // An error the server did not send (no SQLSTATE) may be a dropped
  // connection that libpq has not marked bad yet (a write to a closed
  // socket): reading makes it look.
  const bool from_server = result && PQresultErrorField(result, PG_DIAG_SQLSTATE);
  if (!from_server && PQstatus(conn_) == CONNECTION_OK) PQconsumeInput(conn_);
  if (PQstatus(conn_) == CONNECTION_BAD) {
    std::string reason = one_line(result ? PQresultErrorMessage(result) : PQerrorMessage(conn_));
    if (reason.empty()) reason = one_line(PQerrorMessage(conn_));
    PQclear(result);
    throw ConnectionLost("lost the connection to PostgreSQL at " + server_ + " (" + doing + "): " + reason);
  }
  std::string sqlstate, message;
  if (result) {
    const char* state = PQresultErrorField(result, PG_DIAG_SQLSTATE);
    const char* primary = PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY);
    const char* detail = PQresultErrorField(result, PG_DIAG_MESSAGE_DETAIL);
    sqlstate = state ? state : "";
    message = primary ? primary : one_line(PQresultErrorMessage(result));
    if (detail) message += " (" + std::string(detail) + ")";
  }
  if (message.empty()) message = one_line(PQerrorMessage(conn_));
  PQclear(result);
  throw Error("PostgreSQL at " + server_ + ": " + message + (sqlstate.empty() ? "" : " [" + sqlstate + "]") + " in " +
                  doing,
              sqlstate, message);
}

Result Connection::exec_params(std::string_view sql, std::span<const detail::Param> params) {
  std::vector<const char*> values;
  std::vector<int> lengths, formats;
  std::vector<Oid> types;
  for (const auto& p : params) {
    values.push_back(p.null ? nullptr : p.value.c_str());
    lengths.push_back(static_cast<int>(p.value.size()));
    formats.push_back(p.binary ? 1 : 0);
    types.push_back(p.binary ? bytea_oid : 0);
  }
  const std::string text(sql);
  PGresult* result = PQexecParams(conn_, text.c_str(), static_cast<int>(params.size()), types.data(), values.data(),
                                  lengths.data(), formats.data(), 0);
  ExecStatusType status = result ? PQresultStatus(result) : PGRES_FATAL_ERROR;
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK)
    throw_error("'" + statement_head(sql) + "'", result);
  return Result(result);
}

void Connection::begin(Isolation isolation) {
  // A nested BEGIN is only a warning to the server, and the inner COMMIT
  // would commit the outer transaction.
  if (PQtransactionStatus(conn_) != PQTRANS_IDLE && ok())
    throw Error("PostgreSQL at " + server_ + ": transaction() inside a transaction");
  switch (isolation) {
    case Isolation::read_committed: exec("BEGIN ISOLATION LEVEL READ COMMITTED"); break;
    case Isolation::repeatable_read: exec("BEGIN ISOLATION LEVEL REPEATABLE READ"); break;
    case Isolation::serializable: exec("BEGIN ISOLATION LEVEL SERIALIZABLE"); break;
  }
}

// After a failed transaction: the error being handled is what the caller
// needs; a ROLLBACK that fails too (the connection is gone) adds nothing.
void Connection::rollback_quietly() {
  if (!ok()) return;
  try {
    exec("ROLLBACK");
  } catch (const Error&) {
  }
}

bool Connection::retryable(const Error& e) { return e.sqlstate() == "40001" || e.sqlstate() == "40P01"; }

void Connection::pause_before_retry(int attempt) {
  thread_local std::minstd_rand random(static_cast<unsigned>(std::hash<std::thread::id>()(std::this_thread::get_id())));
  const int cap_us = std::min(1000 << std::min(attempt, 6), 50'000);
  std::this_thread::sleep_for(std::chrono::microseconds(std::uniform_int_distribution<int>(cap_us / 4, cap_us)(random)));
}

std::string Connection::quote_identifier(std::string_view name) const {
  char* quoted = PQescapeIdentifier(conn_, name.data(), name.size());
  if (!quoted) throw Error("cannot quote the identifier '" + std::string(name) + "': " + one_line(PQerrorMessage(conn_)));
  std::string out(quoted);
  PQfreemem(quoted);
  return out;
}

void Connection::listen(const std::string& channel) {
  if (channel.empty() || channel.size() > 63 || !std::all_of(channel.begin(), channel.end(), identifier_char))
    throw Error("cannot listen on '" + channel + "': a channel name is 1 to 63 letters, digits or _");
  // LISTEN takes no parameters: the channel goes in as a quoted identifier.
  exec("LISTEN " + quote_identifier(channel));
  channels_.insert(channel);
}

void Connection::notify(std::string_view channel, std::string_view payload) {
  exec("SELECT pg_notify($1, $2)", channel, payload);
}

std::optional<Notification> Connection::take_notification() {
  PGnotify* n = PQnotifies(conn_);
  if (!n) return std::nullopt;
  Notification out{n->relname, n->extra ? n->extra : "", n->be_pid};
  PQfreemem(n);
  return out;
}

std::optional<Notification> Connection::wait_for_notification(std::chrono::milliseconds timeout) {
  using clock = std::chrono::steady_clock;
  const auto deadline = clock::now() + timeout;
  if (auto n = take_notification()) return n;
  for (;;) {
    const int fd = PQsocket(conn_);
    if (fd < 0 || !ok()) throw_error("waiting for a notification");
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock::now());
    pollfd p{fd, POLLIN, 0};
    const int rc = ::poll(&p, 1, static_cast<int>(std::max<std::int64_t>(left.count(), 0)));
    if (rc < 0 && errno != EINTR)
      throw Error("PostgreSQL at " + server_ + ": poll failed while waiting for a notification: " + std::strerror(errno));
    if (rc > 0) {
      if (!PQconsumeInput(conn_)) throw_error("waiting for a notification");
      if (auto n = take_notification()) return n;
    }
    if (clock::now() >= deadline) return std::nullopt;
  }
}

bool Connection::still_open() {
  if (!ok()) return false;
  const int fd = PQsocket(conn_);
  if (fd < 0) return false;
  // A server ending the connection sends a FATAL message, then closes: the
  // first read takes the message, a later one finds the end of the stream,
  // which marks the connection bad. Only what is already there is read.
  for (int reads = 0; reads < 8 && ok(); ++reads) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 0) <= 0 || !PQconsumeInput(conn_)) break;
  }
  return ok();
}

void Connection::reset() {
  PQreset(conn_);
  if (PQstatus(conn_) != CONNECTION_OK) throw CannotConnect(server_, one_line(PQerrorMessage(conn_)));
  for (const auto& channel : channels_) exec("LISTEN " + quote_identifier(channel));
}

}  // namespace gloss::pg
