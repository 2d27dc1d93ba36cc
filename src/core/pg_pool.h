// A few connections to one PostgreSQL database, shared by the threads of one
// process (the window's thread, the suggestion scheduler, thumbnail
// workers): a thread takes an idle connection, or opens one while fewer
// than `max` are open, or waits for one to come back. A connection is held
// for one call only (never while calling back into the caller), so calls
// never wait on each other beyond that.
//
// A server that restarted or went away: the next call finds its connection
// closed and reconnects once, transparently; a call that loses its
// connection midway reconnects and runs again once. Every store operation
// leaves the store as it was after one run when it runs twice (upserts, and
// appends that skip what is there), so a commit whose reply was lost is not
// doubled; only what the second run reports may differ (an add run again
// finds its tasks already there).
// When the server still does not answer, the call throws StoreUnavailable
// (core/error.h: it may work later) "the PostgreSQL server at <URI without
// password> is not answering: <why>".
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <type_traits>
#include <vector>

#include "core/error.h"
#include "core/pg.h"

namespace gloss::pg {

class Pool {
 public:
  // Opens the first connection now: throws CannotConnect when it cannot.
  Pool(std::string conninfo, int max);
  ~Pool();
  Pool(const Pool&) = delete;
  Pool& operator=(const Pool&) = delete;

  // The server as messages name it (no password).
  const std::string& server() const { return server_; }

  // fn(Connection&) on a connection of the pool, as described above.
  template <class F>
  auto run(F&& fn) -> std::invoke_result_t<F, Connection&>;

  // Connections open now (for tests).
  int open_connections() const;

 private:
  class Held {
   public:
    Held(Pool& pool, std::unique_ptr<Connection> conn) : pool_(pool), conn_(std::move(conn)) {}
    ~Held() { pool_.give_back(std::move(conn_)); }
    Held(const Held&) = delete;
    Held& operator=(const Held&) = delete;
    Connection& operator*() const { return *conn_; }

   private:
    Pool& pool_;
    std::unique_ptr<Connection> conn_;
  };

  Held take();
  void give_back(std::unique_ptr<Connection> conn);
  // Session settings of every connection, made or remade.
  static void prepare(Connection& conn);
  // Reconnects `conn`; throws StoreUnavailable "... is not answering" when it cannot.
  void reconnect(Connection& conn) const;
  [[noreturn]] void not_answering(const std::string& why) const;
  // The server refused the role (SQLSTATE 42501): a PermissionDenied that
  // says who may.
  static bool is_refusal(const Error& e) { return e.sqlstate() == "42501"; }
  [[noreturn]] static void refused(Connection& conn, const Error& e);

  std::string conninfo_;
  std::string server_;
  int max_;
  mutable std::mutex mutex_;
  std::condition_variable returned_;
  std::vector<std::unique_ptr<Connection>> idle_;
  int open_ = 0;
};

template <class F>
auto Pool::run(F&& fn) -> std::invoke_result_t<F, Connection&> {
  Held conn = take();
  if (!(*conn).still_open()) reconnect(*conn);
  try {
    return fn(*conn);
  } catch (const ConnectionLost&) {
    // Lost midway: rolled back, or committed with the reply lost; running it
    // again leaves the same store either way.
  } catch (const Error& e) {
    if (is_refusal(e)) refused(*conn, e);
    throw;
  }
  reconnect(*conn);
  try {
    return fn(*conn);
  } catch (const ConnectionLost& e) {
    not_answering(e.what());
  } catch (const Error& e) {
    if (is_refusal(e)) refused(*conn, e);
    throw;
  }
}

}  // namespace gloss::pg
