// PgStore: each method takes a connection of the pool for its statements.
// Reads are single statements; writes are in pg_writes.cpp (answers, bulk
// appends, imports) and pg_claims.cpp (claims), each one transaction.
#include "core/pg_store.h"

#include <algorithm>
#include <cstdio>
#include <limits>
#include <map>
#include <set>
#include <thread>

#include "core/pg.h"
#include "core/pg_caption_work.h"
#include "core/pg_claims.h"
#include "core/pg_pool.h"
#include "core/pg_reviews.h"
#include "core/pg_roles.h"
#include "core/pg_schema.h"
#include "core/pg_writes.h"

namespace gloss {
namespace {

using pg::as_bigint;
using pg::from_bigint;

// Positions and counts beyond a bigint hold nothing: asking for one gives
// the end, not a wrapped-around position.
std::int64_t clamp_to_bigint(std::uint64_t v) {
  return static_cast<std::int64_t>(std::min<std::uint64_t>(v, std::numeric_limits<std::int64_t>::max()));
}

// A dataset with its counts (the sums of its dataset_counts rows).
constexpr std::string_view dataset_select = R"sql(
SELECT d.id, d.name, d.size, d.created_ms, d.overlap, d.lease_ms, c.answered, c.answers,
       d.more_if_wer_above::text, d.max_overlap
FROM datasets d,
     LATERAL (SELECT coalesce(sum(answered), 0)::bigint AS answered, coalesce(sum(answers), 0)::bigint AS answers
              FROM dataset_counts WHERE dataset = d.id) c)sql";

DatasetInfo dataset_from(const pg::Result& r, int row) {
  DatasetInfo d;
  d.id = static_cast<std::uint32_t>(r.int64(row, 0));
  d.name = r.text(row, 1);
  d.size = static_cast<std::uint64_t>(r.int64(row, 2));
  d.created_ms = r.int64(row, 3);
  d.overlap = static_cast<int>(r.int64(row, 4));
  d.lease_ms = r.int64(row, 5);
  d.answered = static_cast<std::uint64_t>(r.int64(row, 6));
  d.answers = static_cast<std::uint64_t>(r.int64(row, 7));
  if (!r.is_null(row, 8)) {
    d.more_if_wer_above = std::stod(r.text(row, 8));
    d.max_overlap = static_cast<int>(r.int64(row, 9));
  }
  return d;
}

std::optional<DatasetInfo> find_dataset(pg::Connection& c, std::string_view name) {
  const pg::Result r = c.exec(std::string(dataset_select) + " WHERE d.name = $1", name);
  if (r.rows() == 0) return std::nullopt;
  return dataset_from(r, 0);
}

// An answer row (position, annotator, surplus, record): the record decoded,
// its annotator and surplus as the columns say.
constexpr std::string_view answer_columns = "a.position, a.annotator, a.surplus, a.record";

Answer answer_from(const pg::Result& r, int row) {
  Answer a = decode_answer(r.bytes(row, 3));
  a.annotator = r.text(row, 1);
  a.surplus = r.boolean(row, 2);
  return a;
}

// The dataset's id and lease time and the server's clock, for claims: every
// workstation's leases are on one clock.
struct ClaimContext {
  int id = 0;
  std::int64_t lease_ms = 0;
  std::int64_t now_ms = 0;
};

std::optional<ClaimContext> claim_context(pg::Connection& c, std::string_view name) {
  const pg::Result r = c.exec(
      "SELECT id, lease_ms, (extract(epoch FROM clock_timestamp()) * 1000)::bigint FROM datasets WHERE name = $1",
      name);
  if (r.rows() == 0) return std::nullopt;
  return ClaimContext{static_cast<int>(r.int64(0, 0)), r.int64(0, 1), r.int64(0, 2)};
}

std::vector<std::uint64_t> unsigned_positions(const std::vector<std::int64_t>& positions) {
  return {positions.begin(), positions.end()};
}

}  // namespace

// Listens on its own connection; after losing it, says "anything may have
// changed" once it is back, since what was sent meanwhile is gone.
class PgAnswerFeed : public AnswerFeed {
 public:
  explicit PgAnswerFeed(std::string uri) : uri_(std::move(uri)) {}

  std::vector<AnswerChange> next(std::chrono::milliseconds timeout) override {
    std::vector<AnswerChange> out;
    try {
      if (!conn_) connect(out);
      for (auto n = conn_->wait_for_notification(timeout); n; n = conn_->wait_for_notification({}))
        if (auto change = parse_answer_change(n->payload)) out.push_back(std::move(*change));
    } catch (const pg::Error&) {
      conn_.reset();
      std::this_thread::sleep_for(timeout);
    }
    return out;
  }

 private:
  void connect(std::vector<AnswerChange>& out) {
    conn_ = std::make_unique<pg::Connection>(uri_);
    conn_->listen(PgStore::kAnswersChannel);
    if (lost_) out.push_back(AnswerChange{});
    lost_ = true;  // from now on, a reconnect may have missed something
  }

  std::string uri_;
  std::unique_ptr<pg::Connection> conn_;
  bool lost_ = false;
};

PgStore::PgStore(const std::string& uri) : uri_(uri), location_(pg::redact_uri(uri)) {
  try {
    pool_ = std::make_unique<pg::Pool>(uri, kConnections);
  } catch (const pg::CannotConnect& e) {
    throw StoreUnavailable("cannot open the store at " + location_ + ": cannot connect to its PostgreSQL server: " +
                           e.reason());
  }
  annotator_role_ = pool_->run([](pg::Connection& c) -> std::optional<std::string> {
    pg::migrate(c);
    const pg::Role role = pg::current_role(c);
    if (!role.admin) return role.name;
    pg::grant_annotator_group(c);
    return std::nullopt;
  });
}

std::optional<std::string> PgStore::required_annotator() const { return annotator_role_; }

std::unique_ptr<AnswerFeed> PgStore::answer_feed() const { return std::make_unique<PgAnswerFeed>(uri_); }

PgStore::~PgStore() = default;

std::string PgStore::location() const { return location_; }

int PgStore::open_connections() const { return pool_->open_connections(); }

// ---- datasets

std::vector<DatasetInfo> PgStore::datasets() const {
  return pool_->run([](pg::Connection& c) {
    const pg::Result r = c.exec(std::string(dataset_select) + " ORDER BY d.id");
    std::vector<DatasetInfo> out;
    for (int row = 0; row < r.rows(); ++row) out.push_back(dataset_from(r, row));
    return out;
  });
}

std::optional<DatasetInfo> PgStore::dataset(std::string_view name) const {
  return pool_->run([&](pg::Connection& c) { return find_dataset(c, name); });
}

DatasetInfo PgStore::ensure_dataset(std::string_view name) {
  return pool_->run([&](pg::Connection& c) {
    if (auto d = find_dataset(c, name)) return *d;
    c.transaction([&](pg::Connection& t) { pg::lock_dataset(t, name, true); });
    return *find_dataset(c, name);
  });
}

DatasetInfo PgStore::set_routing(std::string_view name, const Routing& routing) {
  check_routing(routing);
  // The threshold as text with every digit: the statement casts it.
  std::optional<std::string> threshold;
  if (routing.more_if_wer_above) {
    char text[64];
    std::snprintf(text, sizeof text, "%.17g", *routing.more_if_wer_above);
    threshold = text;
  }
  return pool_->run([&](pg::Connection& c) {
    c.transaction([&](pg::Connection& t) {
      pg::DatasetRow d = pg::lock_dataset(t, name, true);
      t.exec(R"sql(UPDATE datasets SET overlap = $2, lease_ms = $3, more_if_wer_above = $4::double precision,
                                       max_overlap = $5 WHERE id = $1)sql",
             d.id, routing.overlap, routing.lease_ms, threshold, threshold ? routing.max_overlap : 0);
      if (d.overlap == routing.overlap) return;
      d.overlap = routing.overlap;
      pg::recount(t, d);
    });
    return *find_dataset(c, name);
  });
}

bool PgStore::drop_dataset(std::string_view name) {
  // Items, answers, leases and counts go with it (ON DELETE CASCADE).
  return pool_->run(
      [&](pg::Connection& c) { return c.exec("DELETE FROM datasets WHERE name = $1", name).affected() > 0; });
}

// ---- tasks

AddResult PgStore::add_tasks(std::string_view dataset, const std::vector<Task>& tasks,
                             const std::vector<FileStamp>& read) {
  return pool_->run([&](pg::Connection& c) {
    return c.transaction([&](pg::Connection& t) {
      pg::DatasetRow d = pg::lock_dataset(t, dataset, true);
      const AddResult result = pg::append_tasks(t, d, tasks);
      pg::remember_files(t, read);
      return result;
    });
  });
}

ImportResult PgStore::import_records(std::string_view dataset, const std::vector<ImportRecord>& records) {
  std::vector<Task> tasks;
  tasks.reserve(records.size());
  for (const ImportRecord& r : records) tasks.push_back(r.task);
  return pool_->run([&](pg::Connection& c) {
    return c.transaction([&](pg::Connection& t) {
      ImportResult result;
      pg::DatasetRow d = pg::lock_dataset(t, dataset, true);
      result.tasks = pg::append_tasks(t, d, tasks);
      pg::import_answers(t, d, dataset, records, result);
      return result;
    });
  });
}

std::optional<Task> PgStore::task(std::uint64_t hash) const {
  return pool_->run([&](pg::Connection& c) -> std::optional<Task> {
    const pg::Result r =
        c.exec("SELECT path, root, width, height, added_ms FROM tasks WHERE hash = $1", as_bigint(hash));
    if (r.rows() == 0) return std::nullopt;
    Task t;
    t.hash = hash;
    t.path = r.text(0, 0);
    t.root = r.text(0, 1);
    t.width = static_cast<int>(r.int64(0, 2));
    t.height = static_cast<int>(r.int64(0, 3));
    t.added_ms = r.int64(0, 4);
    return t;
  });
}

// ---- paging

std::optional<std::uint64_t> PgStore::task_at(const DatasetInfo& d, std::uint64_t position) const {
  return pool_->run([&](pg::Connection& c) -> std::optional<std::uint64_t> {
    const pg::Result r = c.exec("SELECT task FROM items WHERE dataset = $1 AND position = $2", d.id,
                                clamp_to_bigint(position));
    if (r.rows() == 0) return std::nullopt;
    return from_bigint(r.int64(0, 0));
  });
}

std::optional<std::uint64_t> PgStore::position_of(const DatasetInfo& d, std::uint64_t hash) const {
  return pool_->run([&](pg::Connection& c) -> std::optional<std::uint64_t> {
    const pg::Result r =
        c.exec("SELECT position FROM items WHERE dataset = $1 AND task = $2", d.id, as_bigint(hash));
    if (r.rows() == 0) return std::nullopt;
    return static_cast<std::uint64_t>(r.int64(0, 0));
  });
}

std::vector<std::uint64_t> PgStore::tasks_at(const DatasetInfo& d, std::uint64_t first, std::uint64_t count) const {
  if (count == 0) return {};
  return pool_->run([&](pg::Connection& c) {
    const pg::Result r =
        c.exec("SELECT task FROM items WHERE dataset = $1 AND position >= $2 ORDER BY position LIMIT $3", d.id,
               clamp_to_bigint(first), clamp_to_bigint(count));
    std::vector<std::uint64_t> out;
    out.reserve(r.rows());
    for (int row = 0; row < r.rows(); ++row) out.push_back(from_bigint(r.int64(row, 0)));
    return out;
  });
}

// ---- answers

void PgStore::save_answer(std::string_view dataset, const Answer& answer) {
  pool_->run([&](pg::Connection& c) { pg::save_answer(c, dataset, answer); });
}

bool PgStore::remove_answer(std::string_view dataset, std::uint64_t task, std::string_view annotator) {
  return pool_->run([&](pg::Connection& c) { return pg::remove_answer(c, dataset, task, annotator); });
}

std::optional<Answer> PgStore::answer(const DatasetInfo& d, std::uint64_t task, std::string_view annotator) const {
  return pool_->run([&](pg::Connection& c) -> std::optional<Answer> {
    const pg::Result r = c.exec(
        "SELECT " + std::string(answer_columns) +
            " FROM items i JOIN answers a ON a.dataset = i.dataset AND a.position = i.position"
            " WHERE i.dataset = $1 AND i.task = $2 AND a.annotator = $3",
        d.id, as_bigint(task), annotator);
    if (r.rows() == 0) return std::nullopt;
    return answer_from(r, 0);
  });
}

std::optional<Answer> PgStore::answer_at(const DatasetInfo& d, std::uint64_t position,
                                         std::string_view annotator) const {
  return pool_->run([&](pg::Connection& c) -> std::optional<Answer> {
    const pg::Result r = c.exec("SELECT " + std::string(answer_columns) +
                                    " FROM answers a WHERE a.dataset = $1 AND a.position = $2 AND a.annotator = $3",
                                d.id, clamp_to_bigint(position), annotator);
    if (r.rows() == 0) return std::nullopt;
    return answer_from(r, 0);
  });
}

std::vector<Answer> PgStore::answers_at(const DatasetInfo& d, std::uint64_t position) const {
  return pool_->run([&](pg::Connection& c) {
    const pg::Result r = c.exec("SELECT " + std::string(answer_columns) +
                                    " FROM answers a WHERE a.dataset = $1 AND a.position = $2 ORDER BY a.annotator",
                                d.id, clamp_to_bigint(position));
    std::vector<Answer> out;
    for (int row = 0; row < r.rows(); ++row) out.push_back(answer_from(r, row));
    return out;
  });
}

// A page at a time, after the last (position, annotator) seen; the
// connection goes back to the pool before `visit` runs, so the visitor may
// use the store.
void PgStore::for_each_answer(const DatasetInfo& d,
                              const std::function<bool(std::uint64_t, const Answer&)>& visit) const {
  constexpr int kPage = 1000;
  std::int64_t after_position = -1;
  std::string after_annotator;
  for (;;) {
    const std::vector<std::pair<std::int64_t, Answer>> page = pool_->run([&](pg::Connection& c) {
      const pg::Result r = c.exec("SELECT " + std::string(answer_columns) +
                                      " FROM answers a WHERE a.dataset = $1 AND (a.position, a.annotator) > ($2, $3)"
                                      " ORDER BY a.position, a.annotator LIMIT $4",
                                  d.id, after_position, after_annotator, kPage);
      std::vector<std::pair<std::int64_t, Answer>> out;
      for (int row = 0; row < r.rows(); ++row) out.emplace_back(r.int64(row, 0), answer_from(r, row));
      return out;
    });
    for (const auto& [position, a] : page)
      if (!visit(static_cast<std::uint64_t>(position), a)) return;
    if (page.size() < static_cast<std::size_t>(kPage)) return;
    after_position = page.back().first;
    after_annotator = page.back().second.annotator;
  }
}

// ---- reviews

void PgStore::save_review(std::string_view dataset, const Review& review) {
  pool_->run([&](pg::Connection& c) { pg::save_review(c, dataset, review); });
}

bool PgStore::remove_review(std::string_view dataset, std::uint64_t task) {
  return pool_->run([&](pg::Connection& c) { return pg::remove_review(c, dataset, task); });
}

std::optional<Review> PgStore::review(const DatasetInfo& d, std::uint64_t task) const {
  return pool_->run([&](pg::Connection& c) { return pg::review(c, static_cast<int>(d.id), task); });
}

void PgStore::for_each_review(const DatasetInfo& d,
                              const std::function<bool(std::uint64_t, const Review&)>& visit) const {
  constexpr int kPage = 1000;
  std::int64_t after = -1;
  for (;;) {
    const auto page =
        pool_->run([&](pg::Connection& c) { return pg::reviews_after(c, static_cast<int>(d.id), after, kPage); });
    for (const auto& [position, r] : page)
      if (!visit(position, r)) return;
    if (page.size() < static_cast<std::size_t>(kPage)) return;
    after = static_cast<std::int64_t>(page.back().first);
  }
}

// ---- routing

std::optional<std::uint64_t> PgStore::first_unanswered(const DatasetInfo& d, std::uint64_t from,
                                                       std::string_view annotator) const {
  return pool_->run([&](pg::Connection& c) -> std::optional<std::uint64_t> {
    // By name, as the LMDB store: the dataset as it is now.
    const auto context = claim_context(c, d.name);
    const int id = context ? context->id : static_cast<int>(d.id);
    const std::int64_t now = context ? context->now_ms : pg::server_now_ms(c);
    const auto found = pg::first_free(c, id, annotator, clamp_to_bigint(from), now);
    if (!found) return std::nullopt;
    return static_cast<std::uint64_t>(*found);
  });
}

std::vector<std::uint64_t> PgStore::claim(const DatasetInfo& d, std::string_view annotator, std::uint64_t from,
                                          std::size_t count) {
  if (count == 0) return {};
  return pool_->run([&](pg::Connection& c) {
    const auto context = claim_context(c, d.name);
    if (!context) throw UserError("no dataset named '" + d.name + "' in store " + location_);
    const int n = static_cast<int>(std::min<std::size_t>(count, std::numeric_limits<int>::max()));
    return unsigned_positions(
        pg::claim(c, context->id, annotator, clamp_to_bigint(from), n, context->now_ms, context->lease_ms));
  });
}

void PgStore::renew_leases(const DatasetInfo& d, std::string_view annotator) {
  pool_->run([&](pg::Connection& c) {
    const auto context = claim_context(c, d.name);
    if (!context) throw UserError("no dataset named '" + d.name + "' in store " + location_);
    pg::renew(c, context->id, annotator, context->now_ms, context->lease_ms);
  });
}

void PgStore::release_leases(const DatasetInfo& d, std::string_view annotator) {
  pool_->run([&](pg::Connection& c) {
    c.exec("DELETE FROM leases WHERE dataset = (SELECT id FROM datasets WHERE name = $1) AND annotator = $2", d.name,
           annotator);
  });
}

// ---- suggestion and thumbnail caches

void PgStore::put_suggestions(std::string_view model,
                              const std::vector<std::pair<std::uint64_t, Suggestion>>& suggestions) {
  if (suggestions.empty()) return;
  // The last of a task wins, as when they are written one by one (and one
  // statement may not write a row twice).
  std::map<std::uint64_t, const Suggestion*> latest;
  for (const auto& [task, s] : suggestions) latest[task] = &s;
  std::vector<std::int64_t> tasks;
  std::vector<std::string> records;
  for (const auto& [task, s] : latest) {
    tasks.push_back(as_bigint(task));
    records.push_back(encode(*s));
  }
  const std::string task_list = pg::bigint_array(tasks), record_list = pg::bytea_array(records);
  pool_->run([&](pg::Connection& c) {
    c.exec(R"sql(INSERT INTO suggestions (model, task, record)
                 SELECT $1, * FROM unnest($2::bigint[], $3::bytea[])
                 ON CONFLICT (model, task) DO UPDATE SET record = excluded.record)sql",
           model, task_list, record_list);
  });
}

std::optional<Suggestion> PgStore::suggestion(std::string_view model, std::uint64_t task) const {
  return pool_->run([&](pg::Connection& c) -> std::optional<Suggestion> {
    const pg::Result r =
        c.exec("SELECT record FROM suggestions WHERE model = $1 AND task = $2", model, as_bigint(task));
    if (r.rows() == 0) return std::nullopt;
    return decode_suggestion(r.bytes(0, 0));
  });
}

CaptionClaim PgStore::claim_caption_work(std::string_view model, const std::vector<std::uint64_t>& candidates,
                                         std::string_view worker, std::int64_t lease_ms, std::size_t count) {
  if (lease_ms < 1) throw UserError("a caption work lease must last at least a millisecond");
  // One statement may not claim a task twice: repeats are dropped, the first kept.
  std::vector<std::uint64_t> once;
  std::set<std::uint64_t> seen;
  for (const std::uint64_t t : candidates)
    if (seen.insert(t).second) once.push_back(t);
  return pool_->run([&](pg::Connection& c) {
    return pg::claim_caption_work(c, model, once, worker, lease_ms, clamp_to_bigint(count));
  });
}

void PgStore::release_caption_work(std::string_view model, std::string_view worker) {
  pool_->run([&](pg::Connection& c) { pg::release_caption_work(c, model, worker); });
}

void PgStore::put_thumbnail(std::uint64_t task, int max_side, std::string_view bytes) {
  pool_->run([&](pg::Connection& c) {
    c.exec(R"sql(INSERT INTO thumbnails (task, max_side, bytes) VALUES ($1, $2, $3)
                 ON CONFLICT (task, max_side) DO UPDATE SET bytes = excluded.bytes)sql",
           as_bigint(task), max_side, pg::Bytes{bytes});
  });
}

std::optional<std::string> PgStore::thumbnail(std::uint64_t task, int max_side) const {
  return pool_->run([&](pg::Connection& c) -> std::optional<std::string> {
    const pg::Result r =
        c.exec("SELECT bytes FROM thumbnails WHERE task = $1 AND max_side = $2", as_bigint(task), max_side);
    if (r.rows() == 0) return std::nullopt;
    return r.bytes(0, 0);
  });
}

// ---- files read before

std::optional<std::uint64_t> PgStore::known_file(const FileStamp& file) const {
  return pool_->run([&](pg::Connection& c) -> std::optional<std::uint64_t> {
    const pg::Result r = c.exec(
        "SELECT hash FROM files WHERE path = $1 AND size = $2 AND mtime_ns = $3 AND inode = $4 AND hash <> 0",
        file.path, as_bigint(file.size), file.mtime_ns, as_bigint(file.inode));
    if (r.rows() == 0) return std::nullopt;
    return from_bigint(r.int64(0, 0));
  });
}

void PgStore::remember_files(const std::vector<FileStamp>& files) {
  if (files.empty()) return;
  pool_->run([&](pg::Connection& c) { c.transaction([&](pg::Connection& t) { pg::remember_files(t, files); }); });
}

}  // namespace gloss
