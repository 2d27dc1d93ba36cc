// What `gloss review` does before and while its window is open, on a large
// overlapping dataset (issue 17): a fresh LMDB store with N tasks answered by
// two annotators (one in ten disagreeing, every fifth with a third answer
// from a Chinese annotator), then, in-process:
//   * load_review_items: one pass over the answers and one over the reviews,
//     ordered by disagreement (what runs before the window opens);
//   * ReviewPass::apply of a reload (every answer, as TeamAnswers hands it
//     over when its feed lost the server) and of single answers (one per
//     change, as others save them);
//   * the process's own memory afterwards.
//
//   gloss_bench_review_list [--tasks 100000] [--dir /tmp] [--keep]
//
// Prints figures; never fails on a time.
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "bench/bench_util.h"
#include "core/caption_session.h"
#include "core/lmdb_store.h"
#include "core/review_pass.h"
#include "core/team_answers.h"

namespace {
namespace fs = std::filesystem;
using Clock = gloss::bench::Clock;
using gloss::bench::ms_since;
using gloss::bench::status_kb;

gloss::ImportRecord record(std::uint64_t i, const std::string& annotator, const std::string& caption) {
  gloss::ImportRecord r;
  r.task.hash = 0x9E3779B97F4A7C15ull * (i + 1);
  r.task.path = "/data/photos/img_" + std::to_string(i) + ".jpg";
  r.task.width = 4000;
  r.task.height = 3000;
  gloss::Answer a;
  a.task = r.task.hash;
  a.annotator = annotator;
  a.caption = caption;
  a.saved_ms = 1764000000000 + static_cast<std::int64_t>(i);
  r.answer = a;
  return r;
}

void build(gloss::LmdbStore& store, std::uint64_t tasks) {
  const auto t0 = Clock::now();
  std::vector<gloss::ImportRecord> batch;
  std::uint64_t answers = 0;
  for (std::uint64_t i = 0; i < tasks; ++i) {
    const std::string caption = "a red circle above a blue square on a white table number " + std::to_string(i % 97);
    batch.push_back(record(i, "ann", caption));
    batch.push_back(record(i, "bob", i % 10 == 0 ? "two green triangles on a grey background" : caption));
    if (i % 5 == 0) batch.push_back(record(i, "chen", "白色桌子上蓝色方块上方有一个红色圆圈"));
    if (batch.size() >= 30000 || i + 1 == tasks) {
      answers += batch.size();
      store.import_records("d", batch);
      batch.clear();
    }
  }
  std::printf("built: %llu tasks, %llu answers (2 or 3 a task) in %.1f s\n", static_cast<unsigned long long>(tasks),
              static_cast<unsigned long long>(answers), ms_since(t0) / 1000);
}

}  // namespace

int main(int argc, char** argv) {
  std::uint64_t tasks = 100000;
  fs::path dir = fs::temp_directory_path();
  bool keep = false;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--tasks" && i + 1 < argc) tasks = std::stoull(argv[++i]);
    else if (a == "--dir" && i + 1 < argc) dir = argv[++i];
    else if (a == "--keep") keep = true;
    else {
      std::fprintf(stderr, "usage: gloss_bench_review_list [--tasks 100000] [--dir /tmp] [--keep]\n");
      return 2;
    }
  }
  const fs::path db = dir / ("gloss-bench-review-" + std::to_string(getpid()));
  {
    gloss::LmdbStore store({db, 64u << 20, false});
    build(store, tasks);
    const gloss::DatasetInfo d = store.require_dataset("d");
    const long anon_before = status_kb("RssAnon");

    auto t0 = Clock::now();
    gloss::ReviewList list = gloss::load_review_items(store, d, gloss::ReviewOrder::disagreement);
    const double load_ms = ms_since(t0);
    const std::size_t listed = list.items.size();
    std::printf("load_review_items (disagreement order): %.0f ms for %zu tasks; most disagreeing first: %.2f\n",
                load_ms, listed, listed ? list.items.front().disagreement : 0.0);

    gloss::CaptionSession session(store, "d", "bench", "");
    gloss::ReviewPass pass(store, session, std::move(list), gloss::ReviewOrder::disagreement, "lead");
    pass.open_first(gloss::now_ms());

    gloss::TeamAnswerChanges all;
    all.reload = true;
    store.for_each_answer(d, [&](std::uint64_t position, const gloss::Answer& a) {
      all.answers.push_back({a.task, a.annotator, a, position});
      return true;
    });
    t0 = Clock::now();
    pass.apply(all);
    std::printf("ReviewPass::apply of a reload (%zu answers): %.0f ms\n", all.answers.size(), ms_since(t0));

    std::vector<double> us;
    for (std::uint64_t i = 0; i < 1000; ++i) {
      const std::uint64_t position = (i * 7919) % tasks;
      gloss::TeamAnswerChanges one;
      gloss::Answer a;
      a.task = *store.task_at(d, position);
      a.annotator = "dan";
      a.caption = "a red circle and a blue square";
      one.answers.push_back({a.task, a.annotator, a, position});
      const auto t1 = Clock::now();
      pass.apply(one);
      us.push_back(ms_since(t1) * 1000);
    }
    std::sort(us.begin(), us.end());
    std::printf("ReviewPass::apply of one new answer: p50 %.1f µs, p99 %.1f µs, max %.1f µs (1000 answers)\n",
                us[us.size() / 2], us[us.size() * 99 / 100], us.back());
    std::printf("own memory (RssAnon): %.1f MB before the list, %.1f MB with it and the reload's copy\n",
                static_cast<double>(anon_before) / 1024, static_cast<double>(status_kb("RssAnon")) / 1024);
  }
  if (!keep) fs::remove_all(db);
  return 0;
}
