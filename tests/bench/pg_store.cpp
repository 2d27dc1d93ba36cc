// The PostgreSQL store under a team (issue 16): on a server given by URI, or
// on a private throwaway one started through tests/pg/pg_server.sh (a Unix
// socket, fsync off unless --fsync), it measures
//   - an annotator's answer step as the caption window does it (save_answer,
//     require_dataset, claim 8 ahead) with 1, 4 and 16 annotator threads,
//     each with its own PgStore (its own workstation): latency p50/p99 and
//     answers per second in all;
//   - the lookups behind opening a task (task_at + task + answer_at +
//     suggestion), quiet and while 16 annotators answer;
//   - adding 1,000,000 tasks (add_tasks in batches of 50,000, as a long scan
//     commits) and opening the dataset (a new PgStore, require_dataset, the
//     first claim), with the first --answered fraction answered (import).
//
//   gloss_bench_pg_store [--uri postgresql://...] [--fsync] [--tasks 1000000]
//                        [--answered 0.1] [--seconds 5]
//
// With --uri, a database gloss_bench_<pid> is made on that server (the URI
// must allow CREATE DATABASE) and dropped at the end. Prints figures; never
// fails on a time.
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "core/hash.h"
#include "core/pg.h"
#include "core/pg_store.h"

namespace {
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

struct Options {
  std::string uri;
  bool fsync = false;
  std::uint64_t tasks = 1000000;
  double answered = 0.1;
  double seconds = 5;
};

double ms_since(Clock::time_point t0) { return std::chrono::duration<double, std::milli>(Clock::now() - t0).count(); }

double percentile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[std::min(v.size() - 1, static_cast<std::size_t>(p * static_cast<double>(v.size())))];
}

// A private server through the tests' script, stopped with the object.
class PrivateServer {
 public:
  explicit PrivateServer(bool fsync) {
    state_ = fs::temp_directory_path() / ("gloss-bench-pg-" + std::to_string(getpid()));
    const std::string command = std::string(fsync ? "GLOSS_PG_FSYNC=on " : "") + "bash " GLOSS_SOURCE_DIR
                                "/tests/pg/pg_server.sh start '" + state_.string() + "' >/dev/null";
    if (std::system(command.c_str()) != 0) throw std::runtime_error("could not start a server: " + command);
    std::ifstream in(state_ / "uri");
    std::getline(in, uri_);
  }
  ~PrivateServer() {
    const std::string command = "bash " GLOSS_SOURCE_DIR "/tests/pg/pg_server.sh stop '" + state_.string() + "'";
    if (std::system(command.c_str()) != 0) std::fprintf(stderr, "could not stop the server: %s\n", command.c_str());
    fs::remove_all(state_);
  }
  const std::string& uri() const { return uri_; }

 private:
  fs::path state_;
  std::string uri_;
};

// A database of its own on the server, dropped with the object. The URI of
// database NAME: the server's URI with its path replaced.
class BenchDatabase {
 public:
  explicit BenchDatabase(const std::string& server_uri) : admin_(server_uri) {
    name_ = "gloss_bench_" + std::to_string(getpid());
    admin_.exec("CREATE DATABASE " + admin_.quote_identifier(name_));
    const std::size_t scheme = server_uri.find("://") + 3;
    const std::size_t path = server_uri.find('/', scheme);
    const std::size_t query = server_uri.find('?', scheme);
    uri_ = server_uri.substr(0, std::min(path, query)) + "/" + name_ +
           (query == std::string::npos ? "" : server_uri.substr(query));
  }
  ~BenchDatabase() {
    try {
      admin_.exec("DROP DATABASE " + admin_.quote_identifier(name_) + " WITH (FORCE)");
    } catch (const std::exception& e) {
      std::fprintf(stderr, "could not drop %s: %s\n", name_.c_str(), e.what());
    }
  }
  const std::string& uri() const { return uri_; }

 private:
  gloss::pg::Connection admin_;
  std::string name_, uri_;
};

std::vector<gloss::Task> numbered_tasks(std::uint64_t first, std::uint64_t count) {
  std::vector<gloss::Task> out;
  out.reserve(count);
  for (std::uint64_t i = first; i < first + count; ++i) {
    gloss::Task t;
    t.hash = gloss::content_hash("task " + std::to_string(i));
    char path[64];
    std::snprintf(path, sizeof path, "/data/photos/%03llu/img_%07llu.jpg", static_cast<unsigned long long>(i / 1000),
                  static_cast<unsigned long long>(i));
    t.path = path;
    t.root = "/data/photos";
    t.width = 4000;
    t.height = 3000;
    out.push_back(std::move(t));
  }
  return out;
}

gloss::Answer answer_for(std::uint64_t task, const std::string& annotator) {
  gloss::Answer a;
  a.task = task;
  a.annotator = annotator;
  a.session = "bench";
  a.orig_caption = "a red circle above a blue square";
  a.caption = "a red circle above a small blue square";
  a.model = "0123456789abcdef";
  a.saved_ms = gloss::now_ms();
  a.ms_spent = 1500;
  a.edit_distance = 1;
  return a;
}

struct StepFigures {
  std::vector<double> step_ms, save_ms, claim_ms;
  std::uint64_t answers = 0;
};

// `threads` annotators, each on its own PgStore, answer for `seconds`.
StepFigures answer_steps(const std::string& uri, const std::string& dataset, int threads, double seconds) {
  std::vector<StepFigures> per(threads);
  std::atomic<bool> stop{false};
  std::vector<std::thread> team;
  for (int t = 0; t < threads; ++t)
    team.emplace_back([&, t] {
      gloss::PgStore store(uri);
      const std::string who = "annotator" + std::to_string(t);
      gloss::DatasetInfo d = store.require_dataset(dataset);
      auto claimed = store.claim(d, who, 0, 8);
      StepFigures& f = per[t];
      while (!stop && !claimed.empty()) {
        const auto t0 = Clock::now();
        store.save_answer(dataset, answer_for(*store.task_at(d, claimed.front()), who));
        const auto t1 = Clock::now();
        d = store.require_dataset(dataset);
        claimed = store.claim(d, who, claimed.front() + 1, 8);
        f.save_ms.push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
        f.claim_ms.push_back(ms_since(t1));
        f.step_ms.push_back(ms_since(t0));
        ++f.answers;
      }
      store.release_leases(d, who);
    });
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  stop = true;
  for (auto& t : team) t.join();
  StepFigures all;
  for (const auto& f : per) {
    all.step_ms.insert(all.step_ms.end(), f.step_ms.begin(), f.step_ms.end());
    all.save_ms.insert(all.save_ms.end(), f.save_ms.begin(), f.save_ms.end());
    all.claim_ms.insert(all.claim_ms.end(), f.claim_ms.begin(), f.claim_ms.end());
    all.answers += f.answers;
  }
  return all;
}

void bench_answer_steps(const std::string& uri, const Options& o) {
  std::printf("\n| annotators | answers/s | step p50 ms | step p99 ms | save p50 / p99 ms | claim p50 / p99 ms |\n"
              "|---|---|---|---|---|---|\n");
  gloss::PgStore setup(uri);
  for (int threads : {1, 4, 16}) {
    const std::string dataset = "team" + std::to_string(threads);
    setup.add_tasks(dataset, numbered_tasks(10'000'000 + threads * 1'000'000ull, 100000));
    const auto t0 = Clock::now();
    const StepFigures f = answer_steps(uri, dataset, threads, o.seconds);
    const double s = ms_since(t0) / 1000;
    std::printf("| %d | %.0f | %.2f | %.2f | %.2f / %.2f | %.2f / %.2f |\n", threads,
                static_cast<double>(f.answers) / s, percentile(f.step_ms, 0.5), percentile(f.step_ms, 0.99),
                percentile(f.save_ms, 0.5), percentile(f.save_ms, 0.99), percentile(f.claim_ms, 0.5),
                percentile(f.claim_ms, 0.99));
    const gloss::DatasetInfo d = setup.require_dataset(dataset);
    if (d.answers != f.answers || d.answered != f.answers)
      std::printf("  (counts disagree: %llu answers, %llu answered, %llu saved)\n",
                  static_cast<unsigned long long>(d.answers), static_cast<unsigned long long>(d.answered),
                  static_cast<unsigned long long>(f.answers));
  }
}

// Opening a task: the four lookups the window makes, at random positions of
// the first 10,000 (which have a cached suggestion; a tenth are answered).
void bench_open_task(const std::string& uri, const std::string& dataset, const char* when, int samples) {
  gloss::PgStore store(uri);
  const gloss::DatasetInfo d = store.require_dataset(dataset);
  std::mt19937_64 rng(7);
  std::vector<double> ms;
  for (int i = 0; i < samples; ++i) {
    const std::uint64_t position = rng() % 10000;
    const auto t0 = Clock::now();
    const auto hash = store.task_at(d, position);
    const auto task = store.task(*hash);
    const auto answer = store.answer_at(d, position, "annotator0");
    const auto suggestion = store.suggestion("m", task->hash);
    ms.push_back(ms_since(t0));
    if (!suggestion) std::printf("  (no suggestion at %llu)\n", static_cast<unsigned long long>(position));
  }
  std::printf("| open a task (task_at + task + answer_at + suggestion), %s | %d | %.2f | %.2f | %.2f |\n", when,
              samples, percentile(ms, 0.5), percentile(ms, 0.99), *std::max_element(ms.begin(), ms.end()));
}

void bench_million(const std::string& uri, const Options& o) {
  const std::string dataset = "million";
  {
    gloss::PgStore store(uri);
    const auto t0 = Clock::now();
    for (std::uint64_t first = 0; first < o.tasks; first += 50000)
      store.add_tasks(dataset, numbered_tasks(first, std::min<std::uint64_t>(50000, o.tasks - first)));
    const double add_s = ms_since(t0) / 1000;
    std::printf("\nadd_tasks: %llu tasks in %.1f s (%.0f tasks/s), batches of 50,000\n",
                static_cast<unsigned long long>(o.tasks), add_s, static_cast<double>(o.tasks) / add_s);

    const std::uint64_t answered = static_cast<std::uint64_t>(o.answered * static_cast<double>(o.tasks));
    const auto t1 = Clock::now();
    std::vector<gloss::ImportRecord> records;
    for (std::uint64_t first = 0; first < answered; first += 50000) {
      records.clear();
      for (const gloss::Task& t : numbered_tasks(first, std::min<std::uint64_t>(50000, answered - first)))
        records.push_back({t, answer_for(t.hash, "annotator0")});
      store.import_records(dataset, records);
    }
    std::printf("import_records: %llu answers in %.1f s\n", static_cast<unsigned long long>(answered),
                ms_since(t1) / 1000);
    std::vector<std::pair<std::uint64_t, gloss::Suggestion>> suggestions;
    for (const gloss::Task& t : numbered_tasks(0, 10000))
      suggestions.push_back({t.hash, gloss::Suggestion{"a red circle above a blue square", {1, 2, 3}, -1.f, 0.8f, 1}});
    store.put_suggestions("m", suggestions);
  }
  std::printf("\n| open the dataset (%llu tasks, %.0f%% answered) | ms |\n|---|---|\n",
              static_cast<unsigned long long>(o.tasks), o.answered * 100);
  for (int run = 0; run < 3; ++run) {
    const auto t0 = Clock::now();
    gloss::PgStore store(uri);
    const double open_ms = ms_since(t0);
    const gloss::DatasetInfo d = store.require_dataset(dataset);
    const double require_ms = ms_since(t0) - open_ms;
    const auto first = store.claim(d, "newcomer" + std::to_string(run), 0, 8);
    const double total = ms_since(t0);
    std::printf("| run %d: connect + schema check %.1f, require_dataset %.1f, first claim %.1f (position %llu) "
                "| %.1f |\n",
                run + 1, open_ms, require_ms, total - open_ms - require_ms,
                static_cast<unsigned long long>(first.empty() ? 0 : first.front()), total);
    store.release_leases(d, "newcomer" + std::to_string(run));
  }
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto next = [&] {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "%s needs a value\n", a.c_str());
        std::exit(2);
      }
      return std::string(argv[++i]);
    };
    if (a == "--uri") o.uri = next();
    else if (a == "--fsync") o.fsync = true;
    else if (a == "--tasks") o.tasks = std::stoull(next());
    else if (a == "--answered") o.answered = std::stod(next());
    else if (a == "--seconds") o.seconds = std::stod(next());
    else {
      std::fprintf(stderr, "usage: gloss_bench_pg_store [--uri URI] [--fsync] [--tasks 1000000] [--answered 0.1] "
                           "[--seconds 5]\n");
      return 2;
    }
  }
  try {
    std::unique_ptr<PrivateServer> server;
    if (o.uri.empty()) server = std::make_unique<PrivateServer>(o.fsync);
    const std::string server_uri = server ? server->uri() : o.uri;
    BenchDatabase db(server_uri);
    std::printf("server: %s%s; %u hardware threads here\n", gloss::pg::redact_uri(server_uri).c_str(),
                server ? (o.fsync ? " (private, fsync on)" : " (private, fsync off)") : "",
                std::thread::hardware_concurrency());
    bench_answer_steps(db.uri(), o);
    bench_million(db.uri(), o);
    std::printf("\n| lookups | samples | p50 ms | p99 ms | max ms |\n|---|---|---|---|---|\n");
    bench_open_task(db.uri(), "million", "quiet", 5000);
    gloss::PgStore(db.uri()).add_tasks("load", numbered_tasks(50'000'000, 200000));
    std::thread annotators([&] { answer_steps(db.uri(), "load", 16, o.seconds); });
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    bench_open_task(db.uri(), "million", "while 16 annotators answer", 2000);
    annotators.join();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "gloss_bench_pg_store: %s\n", e.what());
    return 1;
  }
  return 0;
}
