#include "core/pg_pool.h"

#include "core/pg_roles.h"

namespace gloss::pg {

Pool::Pool(std::string conninfo, int max)
    : conninfo_(std::move(conninfo)), server_(redact_uri(conninfo_)), max_(std::max(max, 1)) {
  idle_.push_back(std::make_unique<Connection>(conninfo_));
  prepare(*idle_.back());
  open_ = 1;
}

// No JIT: the store's statements are short, and a plan whose estimated cost
// passes jit_above_cost (a claim on a big dataset can) spent 300 ms
// compiling before running for one.
void Pool::prepare(Connection& conn) { conn.exec("SELECT set_config('jit', 'off', false)"); }

Pool::~Pool() = default;

int Pool::open_connections() const {
  std::lock_guard lock(mutex_);
  return open_;
}

Pool::Held Pool::take() {
  std::unique_lock lock(mutex_);
  returned_.wait(lock, [&] { return !idle_.empty() || open_ < max_; });
  if (!idle_.empty()) {
    std::unique_ptr<Connection> conn = std::move(idle_.back());
    idle_.pop_back();
    return Held(*this, std::move(conn));
  }
  ++open_;  // counted before connecting, so others wait rather than over-open
  lock.unlock();
  auto forget = [&] {
    lock.lock();
    --open_;
    lock.unlock();
    returned_.notify_one();
  };
  try {
    auto conn = std::make_unique<Connection>(conninfo_);
    prepare(*conn);
    return Held(*this, std::move(conn));
  } catch (const CannotConnect& e) {
    forget();
    not_answering(e.reason());
  } catch (...) {
    forget();
    throw;
  }
}

void Pool::give_back(std::unique_ptr<Connection> conn) {
  {
    std::lock_guard lock(mutex_);
    idle_.push_back(std::move(conn));
  }
  returned_.notify_one();
}

void Pool::reconnect(Connection& conn) const {
  try {
    conn.reset();
  } catch (const CannotConnect& e) {
    not_answering(e.reason());
  }
  prepare(conn);
}

void Pool::refused(Connection& conn, const Error& e) {
  throw PermissionDenied(refusal_message(conn.user(), e.server_message().empty() ? e.what() : e.server_message()));
}

void Pool::not_answering(const std::string& why) const {
  throw StoreUnavailable("the PostgreSQL server at " + server_ + " is not answering: " + why);
}

}  // namespace gloss::pg
