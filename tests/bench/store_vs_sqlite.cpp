// gloss's LMDB store against SQLite holding the same records in a schema
// modelled on Prodigy's database (dataset / example / link, the whole task
// and answer as one JSON text per example). Same process, same machine, same
// records; the two sides are interleaved in rounds so that noise from other
// work on the machine lands on both.
//
//   gloss_bench_store_vs_sqlite [--n 100000] [--m 20000] [--k 300]
//                               [--offset-samples 200] [--seed 42] [--dir /tmp]
//
// Prints machine facts, the pragmas used, one table (operation, gloss,
// sqlite, ratio) and a breakdown of where the random-read time goes. Never
// fails on a time; exits non-zero only if the two stores disagree.
#include <lmdb.h>
#include <sqlite3.h>
#include <sys/statfs.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <optional>
#include <random>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/hash.h"
#include "core/interchange.h"
#include "core/records.h"
#include "core/lmdb_store.h"

namespace {
namespace fs = std::filesystem;
using nlohmann::json;
using Clock = std::chrono::steady_clock;
using gloss::Answer;
using gloss::AnswerKind;
using gloss::ImportRecord;
using gloss::Task;

double seconds_since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}
double us_since(Clock::time_point t0) {
  return std::chrono::duration<double, std::micro>(Clock::now() - t0).count();
}

double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const auto i = static_cast<std::size_t>(p * static_cast<double>(v.size() - 1) + 0.5);
  return v[std::min(i, v.size() - 1)];
}

struct Args {
  std::size_t n = 100000;
  std::size_t m = 20000;
  std::size_t k = 300;
  std::size_t offset_samples = 200;
  std::size_t profile_reads = 0;  // > 0: only import into gloss and loop this many gloss reads (for perf)
  std::uint64_t seed = 42;
  fs::path dir = "/tmp";
};

Args parse_args(int argc, char** argv) {
  Args a;
  for (int i = 1; i < argc; ++i) {
    const std::string f = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) throw std::runtime_error("missing value after " + f);
      return argv[++i];
    };
    if (f == "--n") a.n = std::stoull(next());
    else if (f == "--m") a.m = std::stoull(next());
    else if (f == "--k") a.k = std::stoull(next());
    else if (f == "--offset-samples") a.offset_samples = std::stoull(next());
    else if (f == "--profile-reads") a.profile_reads = std::stoull(next());
    else if (f == "--seed") a.seed = std::stoull(next());
    else if (f == "--dir") a.dir = next();
    else if (f == "-h" || f == "--help") {
      std::puts("gloss_bench_store_vs_sqlite [--n 100000] [--m 20000] [--k 300] "
                "[--offset-samples 200] [--seed 42] [--dir /tmp]");
      std::exit(0);
    } else throw std::runtime_error("unknown flag " + f);
  }
  if (a.n == 0 || a.m == 0 || a.k == 0) throw std::runtime_error("--n, --m and --k must be > 0");
  return a;
}

// ---------------------------------------------------------------- records

std::uint64_t splitmix(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

const char* const kWords[] = {
    "a", "the", "man", "woman", "dog", "cat", "sitting", "standing", "on", "next", "to", "with",
    "red", "blue", "green", "large", "small", "table", "street", "bench", "holding", "umbrella",
    "pizza", "plate", "train", "bus", "field", "grass", "snow", "skateboard", "riding", "two",
    "people", "of", "in", "front", "building", "near", "water", "boat", "kitchen", "bathroom",
    "white", "black", "wooden", "park", "playing", "frisbee", "sky", "clock", "tower", "city"};
const char* const kCategories[] = {"object", "count", "color", "action", "spatial", "hallucination"};

std::string sentence(std::mt19937_64& rng, int min_words, int max_words) {
  std::uniform_int_distribution<int> len(min_words, max_words);
  std::uniform_int_distribution<std::size_t> word(0, std::size(kWords) - 1);
  std::string s;
  const int n = len(rng);
  for (int i = 0; i < n; ++i) {
    if (i) s.push_back(' ');
    s += kWords[word(rng)];
  }
  return s;
}

// A captioning record as gloss would hold it after a COCO/Prodigy import and
// some correction work: path, size, model suggestion, corrected caption,
// Prodigy's hashes kept in extra.
ImportRecord make_record(std::size_t i, std::mt19937_64& rng, std::int64_t base_ms) {
  ImportRecord r;
  Task& t = r.task;
  t.hash = splitmix(0x676c6f7373ull + i);
  char name[64];
  std::snprintf(name, sizeof name, "%012zu.jpg", 100000 + i * 7);
  t.path = std::string("/data/coco/train2017/") + name;
  t.width = 480 + static_cast<int>(rng() % 161);
  t.height = 360 + static_cast<int>(rng() % 121);
  t.added_ms = base_ms + static_cast<std::int64_t>(i);

  Answer a;
  a.task = t.hash;
  a.session = "captions-2026-11-24-anna";
  a.orig_caption = sentence(rng, 8, 16);
  a.caption = (rng() % 3 == 0) ? sentence(rng, 8, 16) : a.orig_caption;
  a.model = "blip-base@3f2a9c1d";
  const auto kind = rng() % 10;
  a.answer = kind < 8 ? AnswerKind::accept : kind < 9 ? AnswerKind::reject : AnswerKind::ignore;
  if (a.caption != a.orig_caption) a.categories.push_back(kCategories[rng() % std::size(kCategories)]);
  a.started_ms = base_ms + static_cast<std::int64_t>(i) * 4000;
  a.ms_spent = 1500 + static_cast<std::int64_t>(rng() % 9000);
  a.saved_ms = a.started_ms + a.ms_spent;
  a.edit_distance = a.caption == a.orig_caption ? 0 : 1 + static_cast<int>(rng() % 8);
  a.extra = {{"_input_hash", gloss::input_hash32(t.hash)},
             {"_task_hash", gloss::task_hash32(t.hash, a.orig_caption)}};
  r.answer = std::move(a);
  return r;
}

// What an application reading Prodigy's table has to do with a row: parse the
// JSON text and pull out the fields it uses (here: gloss's Task and Answer).
void decode_prodigy(const char* text, std::size_t size, Task& t, Answer& a) {
  const json j = json::parse(text, text + size);
  t.path = j.at("image").get<std::string>();
  t.width = j.at("width").get<int>();
  t.height = j.at("height").get<int>();
  a.caption = j.at("caption").get<std::string>();
  a.orig_caption = j.at("orig_caption").get<std::string>();
  a.model = j.at("model").get<std::string>();
  a.session = j.at("_session_id").get<std::string>();
  a.answer = gloss::parse_answer_kind(j.at("answer").get<std::string>()).value_or(AnswerKind::accept);
  a.categories = j.at("categories").get<std::vector<std::string>>();
  a.started_ms = j.at("started_ms").get<std::int64_t>();
  a.saved_ms = j.at("saved_ms").get<std::int64_t>();
  a.ms_spent = j.at("ms_spent").get<std::int64_t>();
  a.edit_distance = j.at("edit_distance").get<int>();
  a.extra = {{"_input_hash", j.at("_input_hash")}, {"_task_hash", j.at("_task_hash")}};
}

// The msgpack layout gloss wrote before its binary record layout (old stores
// still hold it and decode_task/decode_answer still read it); only to time
// that decode path beside the binary one.
std::string legacy_msgpack(const json& j) {
  const auto bytes = json::to_msgpack(j);
  return std::string(bytes.begin(), bytes.end());
}
std::string legacy_encode(const Task& t) {
  return legacy_msgpack({{"hash", t.hash}, {"path", t.path}, {"w", t.width}, {"h", t.height},
                         {"added", t.added_ms}});
}
std::string legacy_encode(const Answer& a) {
  return legacy_msgpack({{"task", a.task}, {"session", a.session}, {"caption", a.caption},
                         {"orig", a.orig_caption}, {"model", a.model},
                         {"answer", std::string(gloss::to_string(a.answer))}, {"cats", a.categories},
                         {"started", a.started_ms}, {"saved", a.saved_ms}, {"spent", a.ms_spent},
                         {"dist", a.edit_distance}, {"extra", a.extra}});
}

// ---------------------------------------------------------------- sqlite

void sq_check(sqlite3* db, int rc, const char* what) {
  if (rc != SQLITE_OK && rc != SQLITE_DONE && rc != SQLITE_ROW)
    throw std::runtime_error(std::string("sqlite: ") + what + ": " + sqlite3_errmsg(db));
}
void sq_exec(sqlite3* db, const char* sql) {
  char* err = nullptr;
  if (sqlite3_exec(db, sql, nullptr, nullptr, &err) != SQLITE_OK) {
    std::string msg = std::string("sqlite: ") + sql + ": " + (err ? err : "?");
    sqlite3_free(err);
    throw std::runtime_error(msg);
  }
}
std::string sq_text(sqlite3* db, const char* sql) {
  sqlite3_stmt* st = nullptr;
  sq_check(db, sqlite3_prepare_v2(db, sql, -1, &st, nullptr), sql);
  std::string out;
  if (sqlite3_step(st) == SQLITE_ROW) {
    const auto* p = sqlite3_column_text(st, 0);
    out = p ? reinterpret_cast<const char*>(p) : "";
  }
  sqlite3_finalize(st);
  return out;
}

struct Stmt {
  sqlite3* db;
  sqlite3_stmt* st = nullptr;
  Stmt(sqlite3* d, const char* sql) : db(d) { sq_check(db, sqlite3_prepare_v2(db, sql, -1, &st, nullptr), sql); }
  ~Stmt() { sqlite3_finalize(st); }
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;
  void reset() { sqlite3_reset(st); sqlite3_clear_bindings(st); }
  void run(const char* what) {
    sq_check(db, sqlite3_step(st), what);
    sqlite3_reset(st);
  }
};

const char* kSchema = R"sql(
CREATE TABLE dataset (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, created INTEGER NOT NULL,
                      meta TEXT NOT NULL, session INTEGER NOT NULL);
CREATE TABLE example (id INTEGER PRIMARY KEY, input_hash INTEGER NOT NULL, task_hash INTEGER NOT NULL,
                      content TEXT NOT NULL);
CREATE TABLE link (id INTEGER PRIMARY KEY, example_id INTEGER NOT NULL REFERENCES example(id),
                   dataset_id INTEGER NOT NULL REFERENCES dataset(id));
CREATE INDEX link_example_id ON link(example_id);
CREATE INDEX link_dataset_id ON link(dataset_id);
)sql";

// Appends one example and its link; returns nothing, the caller owns the transaction.
struct SqlWriter {
  Stmt ins_example, ins_link;
  explicit SqlWriter(sqlite3* db)
      : ins_example(db, "INSERT INTO example (input_hash, task_hash, content) VALUES (?, ?, ?)"),
        ins_link(db, "INSERT INTO link (example_id, dataset_id) VALUES (?, ?)") {}
  void add(sqlite3* db, std::int64_t dataset_id, const Task& t, const Answer& a) {
    const json j = gloss::to_jsonl_record(t, a);
    const std::string content = j.dump(-1, ' ', false, json::error_handler_t::replace);
    sqlite3_bind_int64(ins_example.st, 1, j.at("_input_hash").get<std::int64_t>());
    sqlite3_bind_int64(ins_example.st, 2, j.at("_task_hash").get<std::int64_t>());
    sqlite3_bind_text(ins_example.st, 3, content.data(), static_cast<int>(content.size()), SQLITE_TRANSIENT);
    ins_example.run("insert example");
    sqlite3_bind_int64(ins_link.st, 1, sqlite3_last_insert_rowid(db));
    sqlite3_bind_int64(ins_link.st, 2, dataset_id);
    ins_link.run("insert link");
  }
};

std::int64_t sq_add_dataset(sqlite3* db, const char* name) {
  Stmt st(db, "INSERT INTO dataset (name, created, meta, session) VALUES (?, ?, '{}', 0)");
  sqlite3_bind_text(st.st, 1, name, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64(st.st, 2, gloss::now_ms() / 1000);
  st.run("insert dataset");
  return sqlite3_last_insert_rowid(db);
}

// ---------------------------------------------------------------- machine facts

std::string fs_type(const fs::path& p) {
  struct statfs s {};
  if (statfs(p.c_str(), &s) != 0) return "?";
  switch (static_cast<unsigned long>(s.f_type)) {
    case 0x01021994ul: return "tmpfs (fsync is free)";
    case 0xEF53ul: return "ext2/3/4";
    case 0x9123683Eul: return "btrfs";
    case 0x58465342ul: return "xfs";
    case 0x794c7630ul: return "overlayfs";
    default: {
      char buf[32];
      std::snprintf(buf, sizeof buf, "magic 0x%lx", static_cast<unsigned long>(s.f_type));
      return buf;
    }
  }
}

std::string cpu_model() {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("model name", 0) == 0) {
      const auto c = line.find(':');
      return c == std::string::npos ? line : line.substr(c + 2);
    }
  return "?";
}

// ---------------------------------------------------------------- table

struct Row {
  std::string op, gloss, sqlite, ratio;
};
std::string fmt(const char* f, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, f, v);
  return buf;
}
std::string ratio_text(double r) {  // r = how many times gloss is faster
  if (r >= 1) return fmt("%.2fx faster", r);
  return fmt("%.2fx slower", 1 / r);
}

void print_table(const std::vector<Row>& rows) {
  std::size_t w[4] = {9, 5, 6, 23};
  for (const auto& r : rows) {
    w[0] = std::max(w[0], r.op.size());
    w[1] = std::max(w[1], r.gloss.size());
    w[2] = std::max(w[2], r.sqlite.size());
    w[3] = std::max(w[3], r.ratio.size());
  }
  auto line = [&](const std::string& a, const std::string& b, const std::string& c, const std::string& d) {
    std::printf("| %-*s | %*s | %*s | %-*s |\n", int(w[0]), a.c_str(), int(w[1]), b.c_str(), int(w[2]),
                c.c_str(), int(w[3]), d.c_str());
  };
  line("operation", "gloss", "sqlite", "ratio (gloss vs sqlite)");
  std::printf("|%s|%s:|%s:|%s|\n", std::string(w[0] + 2, '-').c_str(), std::string(w[1] + 1, '-').c_str(),
              std::string(w[2] + 1, '-').c_str(), std::string(w[3] + 2, '-').c_str());
  for (const auto& r : rows) line(r.op, r.gloss, r.sqlite, r.ratio);
}

// ---------------------------------------------------------------- raw LMDB

std::string be_key(std::uint32_t id, std::uint64_t v, bool with_id) {
  std::string k;
  if (with_id)
    for (int i = 3; i >= 0; --i) k.push_back(static_cast<char>((id >> (8 * i)) & 0xff));
  for (int i = 7; i >= 0; --i) k.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
  return k;
}

int run(const Args& args) {
  char tmpl_buf[512];
  std::snprintf(tmpl_buf, sizeof tmpl_buf, "%s/gloss-bench-store-XXXXXX", args.dir.c_str());
  if (!mkdtemp(tmpl_buf)) throw std::runtime_error("cannot create a temp folder under " + args.dir.string());
  const fs::path root = tmpl_buf;
  struct Cleanup {
    fs::path p;
    ~Cleanup() {
      std::error_code ec;
      fs::remove_all(p, ec);
    }
  } cleanup{root};
  const fs::path gloss_dir = root / "gloss";
  const fs::path sqlite_file = root / "prodigy.db";

  std::printf("machine: %u hardware threads (nproc), %s\n", std::thread::hardware_concurrency(),
              cpu_model().c_str());
  std::printf("temp folder: %s on %s\n", root.c_str(), fs_type(root).c_str());
  std::printf("sqlite %s, lmdb %s\n", sqlite3_libversion(), mdb_version(nullptr, nullptr, nullptr));
  std::printf("records: N=%zu tasks+answers, M=%zu random reads, K=%zu durable commits, seed %llu\n",
              args.n, args.m, args.k, static_cast<unsigned long long>(args.seed));

  // ---- the records
  std::mt19937_64 rng(args.seed);
  const std::int64_t base_ms = 1764000000000;
  std::vector<ImportRecord> records;
  records.reserve(args.n);
  for (std::size_t i = 0; i < args.n; ++i) records.push_back(make_record(i, rng, base_ms));
  // K more for the commit test, in a second dataset.
  std::vector<ImportRecord> live;
  for (std::size_t i = 0; i < args.k; ++i) live.push_back(make_record(args.n + i, rng, base_ms));

  std::vector<Row> rows;
  std::uint64_t sink = 0;

  // ---- 1. import
  std::optional<gloss::LmdbStore> holder;
  gloss::LmdbStore& store = holder.emplace(gloss::StoreOptions{gloss_dir});
  sqlite3* db = nullptr;
  sq_check(db, sqlite3_open(sqlite_file.c_str(), &db), "open");
  sq_exec(db, "PRAGMA journal_mode=WAL");
  sq_exec(db, "PRAGMA synchronous=NORMAL");
  sq_exec(db, "PRAGMA cache_size=-65536");      // 64 MiB page cache
  sq_exec(db, "PRAGMA mmap_size=268435456");    // reads through mmap, like LMDB
  sq_exec(db, "PRAGMA temp_store=MEMORY");
  sq_exec(db, kSchema);
  std::printf("sqlite pragmas: journal_mode=%s, synchronous=NORMAL(1) for import -> FULL(2) for commits, "
              "cache_size=%s (KiB if negative), mmap_size=%s, page_size=%s; "
              "indexes on link(dataset_id), link(example_id)\n",
              sq_text(db, "PRAGMA journal_mode").c_str(), sq_text(db, "PRAGMA cache_size").c_str(),
              sq_text(db, "PRAGMA mmap_size").c_str(), sq_text(db, "PRAGMA page_size").c_str());

  auto t0 = Clock::now();
  const auto imported = store.import_records("bench", records);
  const double gloss_import_s = seconds_since(t0);
  if (imported.answers_saved != args.n) throw std::runtime_error("gloss import saved fewer answers than records");
  if (args.profile_reads) {  // gloss random reads only, for `perf record`
    const auto d = store.require_dataset("bench");
    std::mt19937_64 prng(args.seed);
    t0 = Clock::now();
    for (std::size_t i = 0; i < args.profile_reads; ++i) {
      const std::uint64_t pos = prng() % args.n;
      const auto hash = store.task_at(d, pos);
      const auto a = store.answer_at(d, pos, gloss::default_annotator());
      const auto t = store.task(*hash);
      sink += a->caption.size() + t->path.size();
    }
    std::printf("%zu gloss reads: %.2f us each (checksum %llu)\n", args.profile_reads,
                seconds_since(t0) * 1e6 / double(args.profile_reads), static_cast<unsigned long long>(sink));
    sqlite3_close(db);
    return 0;
  }

  t0 = Clock::now();
  std::int64_t sq_dataset = 0;
  {
    sq_exec(db, "BEGIN");
    sq_dataset = sq_add_dataset(db, "bench");
    SqlWriter w(db);
    for (const auto& r : records) w.add(db, sq_dataset, r.task, *r.answer);
    sq_exec(db, "COMMIT");
  }
  const double sqlite_import_s = seconds_since(t0);
  rows.push_back({"import N records, one transaction (records/s)", fmt("%.0f", args.n / gloss_import_s),
                  fmt("%.0f", args.n / sqlite_import_s), ratio_text(sqlite_import_s / gloss_import_s)});
  std::printf("import wall time: gloss %.3f s (map grew %d times from the default 64 MiB; a growth reruns "
              "the transaction), sqlite %.3f s\n",
              gloss_import_s, store.map_growths(), sqlite_import_s);

  const gloss::DatasetInfo ds = store.require_dataset("bench");
  // Link ids of one import are dense: the k-th example is link id first + k.
  const std::int64_t first_link =
      std::stoll(sq_text(db, ("SELECT min(id) FROM link WHERE dataset_id=" + std::to_string(sq_dataset)).c_str()));

  // ---- 2. random read by position
  std::vector<std::uint64_t> positions(args.m);
  {
    std::mt19937_64 prng(args.seed ^ 0x5eedull);
    std::uniform_int_distribution<std::uint64_t> pick(0, args.n - 1);
    for (auto& p : positions) p = pick(prng);
  }
  Stmt by_link(db,
               "SELECT e.content FROM link l JOIN example e ON e.id = l.example_id "
               "WHERE l.id = ? AND l.dataset_id = ?");
  Stmt by_offset(db,
                 "SELECT e.content FROM link l JOIN example e ON e.id = l.example_id "
                 "WHERE l.dataset_id = ? ORDER BY l.id LIMIT 1 OFFSET ?");

  auto gloss_read = [&](std::uint64_t pos, Task& t, Answer& a) {
    const auto hash = store.task_at(ds, pos);
    if (!hash) throw std::runtime_error("gloss: no task at position");
    a = *store.answer_at(ds, pos, gloss::default_annotator());
    t = *store.task(*hash);
  };
  auto sqlite_read = [&](Stmt& s, std::uint64_t pos, bool offset, Task& t, Answer& a) {
    if (offset) {
      sqlite3_bind_int64(s.st, 1, sq_dataset);
      sqlite3_bind_int64(s.st, 2, static_cast<std::int64_t>(pos));
    } else {
      sqlite3_bind_int64(s.st, 1, first_link + static_cast<std::int64_t>(pos));
      sqlite3_bind_int64(s.st, 2, sq_dataset);
    }
    if (sqlite3_step(s.st) != SQLITE_ROW) throw std::runtime_error("sqlite: no example at position");
    decode_prodigy(reinterpret_cast<const char*>(sqlite3_column_text(s.st, 0)),
                   static_cast<std::size_t>(sqlite3_column_bytes(s.st, 0)), t, a);
    sqlite3_reset(s.st);
  };

  // Agreement check on a few positions.
  for (std::size_t i = 0; i < std::min<std::size_t>(200, positions.size()); ++i) {
    Task gt, st;
    Answer ga, sa;
    gloss_read(positions[i], gt, ga);
    sqlite_read(by_link, positions[i], false, st, sa);
    if (gt.path != st.path || ga.caption != sa.caption || ga.orig_caption != sa.orig_caption ||
        ga.ms_spent != sa.ms_spent || records[positions[i]].task.path != gt.path) {
      std::fprintf(stderr, "mismatch at position %llu\n", static_cast<unsigned long long>(positions[i]));
      return 2;
    }
  }

  std::vector<double> g_us, s_us;
  g_us.reserve(args.m);
  s_us.reserve(args.m);
  {
    const std::size_t rounds = 10, chunk = (args.m + rounds - 1) / rounds;
    Task t;
    Answer a;
    // warm-up: one pass over a slice on each side
    for (std::size_t i = 0; i < std::min<std::size_t>(2000, args.m); ++i) {
      gloss_read(positions[i], t, a);
      sqlite_read(by_link, positions[i], false, t, a);
    }
    for (std::size_t r = 0; r < rounds; ++r) {
      const std::size_t b = r * chunk, e = std::min(args.m, b + chunk);
      for (int side = 0; side < 2; ++side) {
        const bool gloss_first = (r % 2 == 0);
        const bool do_gloss = (side == 0) == gloss_first;
        for (std::size_t i = b; i < e; ++i) {
          const auto ts = Clock::now();
          if (do_gloss) gloss_read(positions[i], t, a);
          else sqlite_read(by_link, positions[i], false, t, a);
          (do_gloss ? g_us : s_us).push_back(us_since(ts));
          sink += a.caption.size() + t.path.size();
        }
      }
    }
  }
  const double g50 = percentile(g_us, 0.5), g99 = percentile(g_us, 0.99);
  const double s50 = percentile(s_us, 0.5), s99 = percentile(s_us, 0.99);
  rows.push_back({"random read by position, p50 (us)", fmt("%.2f", g50), fmt("%.2f", s50), ratio_text(s50 / g50)});
  rows.push_back({"random read by position, p99 (us)", fmt("%.2f", g99), fmt("%.2f", s99), ratio_text(s99 / g99)});

  // OFFSET: what "the k-th row" costs without dense ids (O(k) per lookup).
  std::vector<double> off_us;
  {
    Task t;
    Answer a;
    const std::size_t n_off = std::min(args.offset_samples, positions.size());
    for (std::size_t i = 0; i < n_off; ++i) {
      const auto ts = Clock::now();
      sqlite_read(by_offset, positions[i], true, t, a);
      off_us.push_back(us_since(ts));
      sink += a.caption.size();
    }
  }
  const double o50 = percentile(off_us, 0.5), o99 = percentile(off_us, 0.99);
  rows.push_back({fmt("  sqlite LIMIT 1 OFFSET k instead, p50 (us, %.0f samples)", double(off_us.size())),
                  fmt("%.2f", g50), fmt("%.1f", o50), ratio_text(o50 / g50)});
  rows.push_back({"  sqlite LIMIT 1 OFFSET k instead, p99 (us)", fmt("%.2f", g99), fmt("%.1f", o99),
                  ratio_text(o99 / g99)});

  // ---- 3. sequential scan of all answers (3 runs each, interleaved; median)
  std::vector<double> g_scan, g_scan_task, s_scan;
  Stmt scan(db,
            "SELECT e.content FROM link l JOIN example e ON e.id = l.example_id "
            "WHERE l.dataset_id = ? ORDER BY l.id");
  for (int rep = 0; rep < 3; ++rep) {
    std::size_t count = 0;
    t0 = Clock::now();
    store.for_each_answer(ds, [&](std::uint64_t, const Answer& a) {
      sink += a.caption.size();
      ++count;
      return true;
    });
    g_scan.push_back(seconds_since(t0));
    if (count != args.n) throw std::runtime_error("gloss scan: wrong count");

    count = 0;
    t0 = Clock::now();
    store.for_each_answer(ds, [&](std::uint64_t, const Answer& a) {
      const auto t = store.task(a.task);
      sink += a.caption.size() + t->path.size();
      ++count;
      return true;
    });
    g_scan_task.push_back(seconds_since(t0));

    count = 0;
    t0 = Clock::now();
    sqlite3_bind_int64(scan.st, 1, sq_dataset);
    Task t;
    Answer a;
    while (sqlite3_step(scan.st) == SQLITE_ROW) {
      decode_prodigy(reinterpret_cast<const char*>(sqlite3_column_text(scan.st, 0)),
                     static_cast<std::size_t>(sqlite3_column_bytes(scan.st, 0)), t, a);
      sink += a.caption.size() + t.path.size();
      ++count;
    }
    sqlite3_reset(scan.st);
    s_scan.push_back(seconds_since(t0));
    if (count != args.n) throw std::runtime_error("sqlite scan: wrong count");
  }
  const double gs = percentile(g_scan, 0.5), gst = percentile(g_scan_task, 0.5), ss = percentile(s_scan, 0.5);
  rows.push_back({"scan all answers, for_each_answer (records/s)", fmt("%.0f", args.n / gs),
                  fmt("%.0f", args.n / ss), ratio_text(ss / gs)});
  rows.push_back({"scan all answers + task() each (records/s)", fmt("%.0f", args.n / gst),
                  fmt("%.0f", args.n / ss), ratio_text(ss / gst)});

  // ---- 4. durable single-answer commits
  sq_exec(db, "PRAGMA synchronous=FULL");
  std::vector<Task> live_tasks;
  for (const auto& r : live) live_tasks.push_back(r.task);
  store.add_tasks("live", live_tasks);
  std::int64_t sq_live = 0;
  {
    sq_exec(db, "BEGIN");
    sq_live = sq_add_dataset(db, "live");
    sq_exec(db, "COMMIT");
  }
  std::vector<double> g_commit, s_commit;
  {
    SqlWriter w(db);
    const std::size_t rounds = 10, chunk = (args.k + rounds - 1) / rounds;
    for (std::size_t r = 0; r < rounds; ++r) {
      const std::size_t b = r * chunk, e = std::min(args.k, b + chunk);
      for (int side = 0; side < 2; ++side) {
        const bool do_gloss = (side == 0) == (r % 2 == 0);
        for (std::size_t i = b; i < e; ++i) {
          const auto ts = Clock::now();
          if (do_gloss) {
            store.save_answer("live", *live[i].answer);
            g_commit.push_back(us_since(ts));
          } else {
            sq_exec(db, "BEGIN");
            w.add(db, sq_live, live[i].task, *live[i].answer);
            sq_exec(db, "COMMIT");
            s_commit.push_back(us_since(ts));
          }
        }
      }
    }
  }
  auto total = [](const std::vector<double>& v) {
    double s = 0;
    for (double x : v) s += x;
    return s;
  };
  const double gc = total(g_commit) / 1e6, sc = total(s_commit) / 1e6;
  rows.push_back({"durable single-answer commit (commits/s)", fmt("%.0f", args.k / gc), fmt("%.0f", args.k / sc),
                  ratio_text(sc / gc)});
  const double gc50 = percentile(g_commit, 0.5), sc50 = percentile(s_commit, 0.5);
  const double gc99 = percentile(g_commit, 0.99), sc99 = percentile(s_commit, 0.99);
  rows.push_back({"  commit latency p50 (us)", fmt("%.0f", gc50), fmt("%.0f", sc50), ratio_text(sc50 / gc50)});
  rows.push_back({"  commit latency p99 (us)", fmt("%.0f", gc99), fmt("%.0f", sc99), ratio_text(sc99 / gc99)});
  if (store.require_dataset("live").answered != args.k) throw std::runtime_error("gloss: live answers missing");

  // ---- where the random-read time goes (same positions, same records)
  std::vector<std::string> enc_task, enc_answer, old_task, old_answer, content;
  const std::size_t n_dec = std::min<std::size_t>(5000, args.m);
  for (std::size_t i = 0; i < n_dec; ++i) {
    const auto& r = records[positions[i]];
    Task stored = r.task;
    enc_task.push_back(gloss::encode(stored));
    enc_answer.push_back(gloss::encode(*r.answer));
    old_task.push_back(legacy_encode(stored));
    old_answer.push_back(legacy_encode(*r.answer));
    content.push_back(gloss::to_jsonl_record(r.task, *r.answer).dump());
  }
  std::vector<double> dec_g, dec_old, dec_s, raw_s;
  for (std::size_t i = 0; i < n_dec; ++i) {
    auto ts = Clock::now();
    const Task t = gloss::decode_task(enc_task[i]);
    const Answer a = gloss::decode_answer(enc_answer[i]);
    dec_g.push_back(us_since(ts));
    sink += t.path.size() + a.caption.size();
    ts = Clock::now();
    const Task ot = gloss::decode_task(old_task[i]);
    const Answer oa = gloss::decode_answer(old_answer[i]);
    dec_old.push_back(us_since(ts));
    sink += ot.path.size() + oa.caption.size();
    Task st;
    Answer sa;
    ts = Clock::now();
    decode_prodigy(content[i].data(), content[i].size(), st, sa);
    dec_s.push_back(us_since(ts));
    sink += sa.caption.size();
    // sqlite lookup alone: step + pointer to the text, no parse
    ts = Clock::now();
    sqlite3_bind_int64(by_link.st, 1, first_link + static_cast<std::int64_t>(positions[i]));
    sqlite3_bind_int64(by_link.st, 2, sq_dataset);
    if (sqlite3_step(by_link.st) == SQLITE_ROW) sink += static_cast<std::size_t>(sqlite3_column_bytes(by_link.st, 0));
    sqlite3_reset(by_link.st);
    raw_s.push_back(us_since(ts));
  }
  std::size_t bytes_task = 0, bytes_answer = 0, bytes_old = 0, bytes_json = 0;
  for (std::size_t i = 0; i < n_dec; ++i) {
    bytes_task += enc_task[i].size();
    bytes_answer += enc_answer[i].size();
    bytes_old += old_task[i].size() + old_answer[i].size();
    bytes_json += content[i].size();
  }
  sqlite3_close(db);

  // LMDB alone: the same three lookups without decoding, opened read-only
  // after the Store is closed (LMDB wants one Env per file per process).
  const std::uint32_t ds_id = ds.id;
  std::vector<double> raw_g1, raw_g3;
  holder.reset();
  {
    MDB_env* env = nullptr;
    mdb_env_create(&env);
    mdb_env_set_maxdbs(env, 16);
    if (mdb_env_open(env, gloss_dir.c_str(), MDB_RDONLY | MDB_NOTLS, 0644) != MDB_SUCCESS)
      throw std::runtime_error("lmdb: cannot reopen");
    MDB_dbi items, answers, tasks;
    {
      MDB_txn* txn;
      mdb_txn_begin(env, nullptr, MDB_RDONLY, &txn);
      mdb_dbi_open(txn, "items", 0, &items);
      mdb_dbi_open(txn, "answers", 0, &answers);
      mdb_dbi_open(txn, "tasks", 0, &tasks);
      mdb_txn_commit(txn);
    }
    auto lookups = [&](std::uint64_t pos, bool one_txn) {
      const std::string pk = be_key(ds_id, pos, true);
      MDB_val k{pk.size(), const_cast<char*>(pk.data())}, v;
      MDB_txn* txn;
      mdb_txn_begin(env, nullptr, MDB_RDONLY, &txn);
      mdb_get(txn, items, &k, &v);
      std::uint64_t h = 0;
      for (std::size_t i = 0; i < 8; ++i) h = h << 8 | static_cast<const unsigned char*>(v.mv_data)[i];
      if (!one_txn) { mdb_txn_abort(txn); mdb_txn_begin(env, nullptr, MDB_RDONLY, &txn); }
      mdb_get(txn, answers, &k, &v);
      std::size_t got = v.mv_size;
      if (!one_txn) { mdb_txn_abort(txn); mdb_txn_begin(env, nullptr, MDB_RDONLY, &txn); }
      const std::string hk = be_key(0, h, false);
      MDB_val k2{hk.size(), const_cast<char*>(hk.data())};
      mdb_get(txn, tasks, &k2, &v);
      got += v.mv_size;
      mdb_txn_abort(txn);
      return got;
    };
    for (std::size_t i = 0; i < n_dec; ++i) sink += lookups(positions[i], true);  // warm
    for (std::size_t i = 0; i < n_dec; ++i) {
      for (int side = 0; side < 2; ++side) {
        const bool one = (side == 0) == (i % 2 == 0);
        const auto ts = Clock::now();
        sink += lookups(positions[i], one);
        (one ? raw_g1 : raw_g3).push_back(us_since(ts));
      }
    }
    mdb_env_close(env);
  }

  std::printf("\n");
  print_table(rows);

  std::printf("\nwhere a random read goes (p50, us, %zu positions of the M):\n", n_dec);
  std::vector<Row> parts;
  parts.push_back({"storage lookups only (gloss: 3 gets; sqlite: step by link id)",
                   fmt("%.2f", percentile(raw_g3, 0.5)), fmt("%.2f", percentile(raw_s, 0.5)),
                   ratio_text(percentile(raw_s, 0.5) / percentile(raw_g3, 0.5))});
  parts.push_back({"  gloss's 3 gets in ONE read transaction instead of 3", fmt("%.2f", percentile(raw_g1, 0.5)),
                   "", ""});
  parts.push_back({"decode only (gloss: binary task+answer; sqlite: JSON parse)", fmt("%.2f", percentile(dec_g, 0.5)),
                   fmt("%.2f", percentile(dec_s, 0.5)), ratio_text(percentile(dec_s, 0.5) / percentile(dec_g, 0.5))});
  parts.push_back({"  gloss decode of the same records in the old msgpack layout", fmt("%.2f", percentile(dec_old, 0.5)),
                   fmt("%.2f", percentile(dec_s, 0.5)),
                   ratio_text(percentile(dec_s, 0.5) / percentile(dec_old, 0.5))});
  parts.push_back({"whole read (from the table above)", fmt("%.2f", g50), fmt("%.2f", s50), ratio_text(s50 / g50)});
  parts.push_back({"record size, mean bytes (gloss: task + answer, binary)",
                   fmt("%.0f", double(bytes_task + bytes_answer) / double(n_dec)),
                   fmt("%.0f", double(bytes_json) / double(n_dec)), ""});
  parts.push_back({"  the same in the old msgpack layout", fmt("%.0f", double(bytes_old) / double(n_dec)), "", ""});
  print_table(parts);
  std::printf("\n(checksum %llu)\n", static_cast<unsigned long long>(sink));
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return run(parse_args(argc, argv));
  } catch (const std::exception& e) {
    std::fprintf(stderr, "gloss_bench_store_vs_sqlite: %s\n", e.what());
    return 1;
  }
}
