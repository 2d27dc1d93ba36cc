// The PostgreSQL test servers (tests/pg/pg_server.sh) and a fresh database
// per test. Under ctest the fixture pg_server_start has started one server
// and GLOSS_TEST_PG_STATE names its state folder; a test that finds no
// server fails (it never skips): a PostgreSQL test that did not run must not
// pass. Tests that stop the server (restarts, outages) start a private one
// with PgServer::start_private(), so they never disturb the shared server.
#pragma once

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "core/pg.h"
#include "core/records.h"
#include "test_util.h"

namespace gloss::test {

class PgServer {
 public:
  // The fixture's server; throws (failing the test) when there is none.
  static PgServer& fixture() {
    static PgServer server = [] {
      const char* state = std::getenv("GLOSS_TEST_PG_STATE");
      if (!state || !*state)
        throw std::runtime_error(
            "no PostgreSQL test server: GLOSS_TEST_PG_STATE is not set. Run these tests through ctest (the pg "
            "fixture starts a server), or: tests/pg/pg_server.sh start DIR && GLOSS_TEST_PG_STATE=DIR gloss_pg_tests");
      return PgServer(state, false);
    }();
    return server;
  }

  // A server of its own (about 2 s to start), stopped and removed with the object.
  static std::unique_ptr<PgServer> start_private() {
    static std::atomic<int> counter{0};
    std::filesystem::path state = std::filesystem::path(::testing::TempDir()) /
                                  ("gloss-pg-state-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    run_script("start", state);
    return std::unique_ptr<PgServer>(new PgServer(state, true));
  }

  ~PgServer() {
    if (owned_) {
      std::string command = script_command("stop", state_);
      if (std::system(command.c_str()) != 0) ADD_FAILURE() << "could not stop the test server: " << command;
      std::error_code ec;
      std::filesystem::remove_all(state_, ec);
    }
  }
  PgServer(const PgServer&) = delete;
  PgServer& operator=(const PgServer&) = delete;

  // The maintenance database as the superuser.
  const std::string& uri() const { return uri_; }
  // The URI of database `name` on this server.
  std::string uri(const std::string& name) const {
    return "postgresql:///" + name + "?host=" + socket_dir_.string() + "&user=postgres";
  }
  const std::filesystem::path& socket_dir() const { return socket_dir_; }
  const std::filesystem::path& data_dir() const { return data_dir_; }
  const std::filesystem::path& pg_ctl() const { return pg_ctl_; }

  // Only for a private server: stop it (keeping its data), start it again.
  void halt() { control("halt"); }
  void resume() { control("resume"); }
  void restart() { control("restart"); }

 private:
  PgServer(std::filesystem::path state, bool owned) : state_(std::move(state)), owned_(owned) {
    if (!std::filesystem::exists(state_ / "uri"))
      throw std::runtime_error("no PostgreSQL test server in " + state_.string() +
                               " (no uri file): was the fixture pg_server_start run, and did it pass?");
    uri_ = read_line("uri");
    socket_dir_ = read_line("socket_dir");
    data_dir_ = read_line("data_dir");
    pg_ctl_ = read_line("pg_ctl");
  }
  std::string read_line(const char* name) const {
    std::ifstream in(state_ / name);
    std::string line;
    std::getline(in, line);
    return line;
  }
  static std::string script_command(const char* action, const std::filesystem::path& state) {
    return "bash " GLOSS_SOURCE_DIR "/tests/pg/pg_server.sh " + std::string(action) + " '" + state.string() + "'";
  }
  static void run_script(const char* action, const std::filesystem::path& state) {
    std::string command = script_command(action, state);
    if (std::system(command.c_str()) != 0) throw std::runtime_error("test server command failed: " + command);
  }
  void control(const char* action) {
    if (!owned_) throw std::logic_error("the fixture's server is shared: start_private() one to stop it");
    run_script(action, state_);
  }

  std::filesystem::path state_;
  bool owned_ = false;
  std::string uri_;
  std::filesystem::path socket_dir_, data_dir_, pg_ctl_;
};

// A fresh database on a test server (the fixture's unless given), dropped
// with the object.
class PgDatabase {
 public:
  explicit PgDatabase(const PgServer& server = PgServer::fixture()) : server_(server) {
    static std::atomic<int> counter{0};
    const auto now = std::chrono::steady_clock::now().time_since_epoch();
    name_ = "gloss_test_" + std::to_string(::getpid()) + "_" + std::to_string(counter++) + "_" +
            std::to_string(std::chrono::duration_cast<std::chrono::microseconds>(now).count() % 1000000);
    pg::Connection admin(server_.uri());
    admin.exec("CREATE DATABASE " + admin.quote_identifier(name_));
  }
  ~PgDatabase() {
    try {
      pg::Connection admin(server_.uri());
      admin.exec("DROP DATABASE " + admin.quote_identifier(name_) + " WITH (FORCE)");
    } catch (const std::exception& e) {
      ADD_FAILURE() << "could not drop the test database " << name_ << ": " << e.what();
    }
  }
  PgDatabase(const PgDatabase&) = delete;
  PgDatabase& operator=(const PgDatabase&) = delete;

  const std::string& name() const { return name_; }
  std::string uri() const { return server_.uri(name_); }

 private:
  const PgServer& server_;
  std::string name_;
};

// Tasks 1..n (hash = number) at /img/N.png, 8x6.
inline std::vector<Task> numbered(std::uint64_t n) {
  std::vector<Task> out;
  for (std::uint64_t h = 1; h <= n; ++h) out.push_back(Task{h, "/img/" + std::to_string(h) + ".png", 8, 6});
  return out;
}

inline Answer answer_to(std::uint64_t task, const std::string& annotator, const std::string& caption = "x") {
  Answer a;
  a.task = task;
  a.annotator = annotator;
  a.caption = caption;
  return a;
}

}  // namespace gloss::test
