// The gloss binary on a PostgreSQL store (--db URI): add with an overlap,
// datasets, stats, db-in as an annotator and db-out with _annotator_id, a
// round trip into another dataset, and a clear error for a server that is
// not there.
#include <set>
#include <sstream>
#include <tuple>

#include <nlohmann/json.hpp>

#include "core/pg_store.h"
#include "pg/pg_test_util.h"

namespace gloss {
namespace {

using test::CommandResult;
using test::contains;

struct Workstation {
  test::PgDatabase db;
  test::TempDir dir;

  CommandResult gloss(const std::string& args) const {
    return test::run_command(dir.path(), "'" GLOSS_BINARY "' --db '" + db.uri() + "' " + args);
  }
};

// (image file name, annotator, caption) of each JSONL record.
using Record = std::tuple<std::string, std::string, std::string>;

std::multiset<Record> records(const std::string& jsonl) {
  std::multiset<Record> out;
  std::istringstream in(jsonl);
  for (std::string line; std::getline(in, line);) {
    if (line.empty()) continue;
    const auto j = nlohmann::json::parse(line);
    out.emplace(std::filesystem::path(j.at("image").get<std::string>()).filename().string(),
                j.at("_annotator_id").get<std::string>(), j.at("caption").get<std::string>());
  }
  return out;
}

TEST(PgCli, AddDatasetsStatsImportAndExportPerAnnotator) {
  Workstation w;
  for (int i = 1; i <= 3; ++i) test::write_test_png(w.dir / ("imgs/" + std::to_string(i) + ".png"), i);

  const CommandResult add = w.gloss("add d imgs --overlap 2");
  ASSERT_EQ(add.code, 0) << add.output;
  EXPECT_TRUE(contains(add.output, "each task goes to 2 annotators")) << add.output;
  EXPECT_TRUE(contains(add.output, "'d' now has 3 tasks")) << add.output;

  CommandResult list = w.gloss("datasets");
  ASSERT_EQ(list.code, 0) << list.output;
  EXPECT_TRUE(contains(list.output, "d ")) << list.output;
  EXPECT_TRUE(contains(list.output, "3 tasks        0 answered")) << list.output;

  test::write_text(w.dir / "captions.jsonl",
                   "{\"image\": \"imgs/1.png\", \"caption\": \"one red\"}\n"
                   "{\"image\": \"imgs/2.png\", \"caption\": \"two blue\"}\n");
  const CommandResult bob = w.gloss("db-in d captions.jsonl --annotator bob");
  ASSERT_EQ(bob.code, 0) << bob.output;
  EXPECT_TRUE(contains(bob.output, "0 tasks added, 2 answers saved")) << bob.output;
  EXPECT_TRUE(contains(w.gloss("datasets").output, "3 tasks        0 answered")) << "overlap 2: one answer each";

  const CommandResult again = w.gloss("db-in d captions.jsonl --annotator bob");
  EXPECT_TRUE(contains(again.output, "0 answers saved, 2 answers kept")) << again.output;
  const CommandResult ann = w.gloss("db-in d captions.jsonl --annotator ann");
  EXPECT_TRUE(contains(ann.output, "2 answers saved")) << ann.output;
  list = w.gloss("datasets");
  EXPECT_TRUE(contains(list.output, "3 tasks        2 answered")) << list.output;

  const CommandResult stats = w.gloss("stats d");
  ASSERT_EQ(stats.code, 0) << stats.output;
  EXPECT_TRUE(contains(stats.output, "tasks            3")) << stats.output;
  EXPECT_TRUE(contains(stats.output, "answered         4")) << stats.output;

  const CommandResult out = w.gloss("db-out d");
  ASSERT_EQ(out.code, 0) << out.output;
  const std::multiset<Record> want = {{"1.png", "ann", "one red"},
                                      {"1.png", "bob", "one red"},
                                      {"2.png", "ann", "two blue"},
                                      {"2.png", "bob", "two blue"}};
  EXPECT_EQ(records(out.output), want) << out.output;

  // The export read back into another dataset: each record keeps its annotator.
  ASSERT_EQ(w.gloss("db-out d -o d.jsonl").code, 0);
  const CommandResult in = w.gloss("db-in copy d.jsonl --annotator someone-else");
  ASSERT_EQ(in.code, 0) << in.output;
  EXPECT_TRUE(contains(in.output, "2 tasks added, 4 answers saved")) << in.output;
  EXPECT_EQ(records(w.gloss("db-out copy").output), want);

  // What the binary wrote is what the store holds.
  PgStore store(w.db.uri());
  const DatasetInfo d = store.require_dataset("d");
  EXPECT_EQ(d.overlap, 2);
  EXPECT_EQ(d.answers, 4u);
  EXPECT_EQ(d.answered, 2u);
  EXPECT_EQ(store.first_unanswered(d, 0, "cat"), 2u);
}

TEST(PgCli, AServerThatIsNotThereIsNamedWithoutItsPassword) {
  test::TempDir dir;
  const CommandResult r = test::run_command(
      dir.path(), "'" GLOSS_BINARY "' --db 'postgresql://ann:s3cret@/gloss?host=/nonexistent-gloss-dir' datasets");
  EXPECT_EQ(r.code, 1) << r.output;
  EXPECT_TRUE(contains(r.output, "postgresql://ann:***@/gloss?host=/nonexistent-gloss-dir")) << r.output;
  EXPECT_TRUE(contains(r.output, "cannot connect")) << r.output;
  EXPECT_FALSE(contains(r.output, "s3cret")) << r.output;
  const CommandResult version = test::run_command(
      dir.path(), "'" GLOSS_BINARY "' --db 'postgresql://ann:s3cret@/gloss?host=/nonexistent-gloss-dir' version");
  EXPECT_EQ(version.code, 0) << version.output;
  EXPECT_TRUE(contains(version.output, "store: postgresql://ann:***@/gloss")) << version.output;
  EXPECT_FALSE(contains(version.output, "s3cret")) << version.output;
}

}  // namespace
}  // namespace gloss
