#include "core/pg_pool.h"

namespace gloss::pg {

Pool::Pool(std::string conninfo, int max)
    : conninfo_(std::move(conninfo)), server_(redact_uri(conninfo_)), max_(std::max(max, 1)) {
  idle_.push_back(std::make_unique<Connection>(conninfo_));
  open_ = 1;
}

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
  try {
    return Held(*this, std::make_unique<Connection>(conninfo_));
  } catch (const CannotConnect& e) {
    lock.lock();
    --open_;
    returned_.notify_one();
    not_answering(e.reason());
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
}

void Pool::not_answering(const std::string& why) const {
  throw StoreError("the PostgreSQL server at " + server_ + " is not answering: " + why);
}

}  // namespace gloss::pg
