// Who may do what on a team database (pg_roles.h, schema version 2): the
// gloss admin owns the schema; annotators are roles in gloss_annotator and
// change only their own answers and leases, through gloss or raw SQL; they
// cannot change routing, drop a dataset or the schema. Each test makes its
// own roles (role names are per cluster), and a database the admin owns.
#include <unistd.h>

#include <atomic>
#include <optional>
#include <thread>
#include <vector>

#include "core/error.h"
#include "core/pg_roles.h"
#include "core/pg_schema.h"
#include "core/pg_store.h"
#include "pg/pg_test_util.h"

namespace gloss {
namespace {

using test::answer_to;
using test::numbered;

// An admin role owning a fresh database, two annotators in gloss_annotator
// and a stranger in no group; all dropped with the object.
class Team {
 public:
  Team() {
    static std::atomic<int> counter{0};
    const std::string suffix = "_" + std::to_string(::getpid()) + "_" + std::to_string(counter++);
    admin = "gloss_admin" + suffix;
    ann = "ann" + suffix;
    bob = "bob" + suffix;
    stranger = "stranger" + suffix;
    lead = "lead" + suffix;
    pg::Connection su(server().uri());
    // Tests in other processes may be making it at the same moment.
    for (const char* group : {"gloss_annotator", "gloss_reviewer"})
      su.exec(std::string(R"sql(DO $$ BEGIN CREATE ROLE )sql") + group + R"sql( NOLOGIN;
                  EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$)sql");
    su.exec("CREATE ROLE " + admin + " LOGIN");
    su.exec("CREATE ROLE " + ann + " LOGIN IN ROLE gloss_annotator");
    su.exec("CREATE ROLE " + bob + " LOGIN IN ROLE gloss_annotator");
    su.exec("CREATE ROLE " + stranger + " LOGIN");
    su.exec("CREATE ROLE " + lead + " LOGIN IN ROLE gloss_annotator, gloss_reviewer");
    db.emplace();
    su.exec("ALTER DATABASE " + db->name() + " OWNER TO " + admin);
  }
  ~Team() {
    db.reset();
    try {
      pg::Connection su(server().uri());
      for (const std::string& role : {admin, ann, bob, stranger, lead}) su.exec("DROP ROLE IF EXISTS " + role);
    } catch (const std::exception& e) {
      ADD_FAILURE() << "could not drop the test roles: " << e.what();
    }
  }
  Team(const Team&) = delete;
  Team& operator=(const Team&) = delete;

  std::string uri(const std::string& role) const {
    return "postgresql:///" + db->name() + "?host=" + server().socket_dir().string() + "&user=" + role;
  }
  static const test::PgServer& server() { return test::PgServer::fixture(); }

  std::string admin, ann, bob, stranger, lead;  // lead: an annotator who also reviews
  std::optional<test::PgDatabase> db;
};

// The admin sets up a dataset of 4 tasks, each for 2 annotators.
void set_up_dataset(const Team& team) {
  PgStore admin(team.uri(team.admin));
  admin.add_tasks("d", numbered(4));
  Routing routing;
  routing.overlap = 2;
  admin.set_routing("d", routing);
}

std::int64_t count(const Team& team, const std::string& sql) {
  pg::Connection admin(team.uri(team.admin));
  return admin.exec(sql).int64(0, 0);
}

// Runs a statement as `role` and returns its SQLSTATE ("" when it ran).
std::string refusal(pg::Connection& conn, const std::string& sql) {
  try {
    conn.exec(sql);
    return "";
  } catch (const pg::Error& e) {
    return e.sqlstate();
  }
}

TEST(PgRoles, AnnotatorsAnswerAsThemselvesAndTheAdminAsAnyone) {
  Team team;
  set_up_dataset(team);
  PgStore admin(team.uri(team.admin)), ann(team.uri(team.ann)), bob(team.uri(team.bob));
  EXPECT_FALSE(admin.required_annotator());
  EXPECT_EQ(ann.required_annotator(), team.ann);
  EXPECT_EQ(bob.required_annotator(), team.bob);

  ann.save_answer("d", answer_to(1, team.ann, "ann's"));
  bob.save_answer("d", answer_to(1, team.bob, "bob's"));
  ann.save_answer("d", answer_to(1, team.ann, "ann's, changed"));
  try {
    ann.save_answer("d", answer_to(2, team.bob, "in bob's name"));
    FAIL() << "ann saved an answer as bob";
  } catch (const PermissionDenied& e) {
    EXPECT_TRUE(test::contains(e.what(), "refused role '" + team.ann + "'")) << e.what();
    EXPECT_TRUE(test::contains(e.what(), "gloss admin")) << e.what();
  }
  EXPECT_FALSE(ann.remove_answer("d", 1, team.bob)) << "bob's answer is not ann's to remove";

  const DatasetInfo d = admin.require_dataset("d");
  EXPECT_EQ(admin.answer(d, 1, team.bob)->caption, "bob's");
  EXPECT_EQ(admin.answer(d, 1, team.ann)->caption, "ann's, changed");
  EXPECT_FALSE(admin.answer(d, 2, team.bob));
  EXPECT_EQ(d.answers, 2u);
  EXPECT_EQ(d.answered, 1u);

  // The admin answers for anyone (imports keep each record's annotator).
  admin.save_answer("d", answer_to(3, "carol"));
  EXPECT_TRUE(admin.remove_answer("d", 1, team.bob));
}

TEST(PgRoles, RawSqlCannotTouchOthersAnswersRoutingOrTheSchema) {
  Team team;
  set_up_dataset(team);
  {
    PgStore bob(team.uri(team.bob));
    bob.save_answer("d", answer_to(1, team.bob, "bob's"));
    ASSERT_EQ(bob.claim(bob.require_dataset("d"), team.bob, 0, 2).size(), 2u);
    PgStore ann(team.uri(team.ann));
    ann.save_answer("d", answer_to(1, team.ann, "ann's"));
  }
  pg::Connection ann(team.uri(team.ann));
  // Rows of others are invisible to UPDATE and DELETE: nothing changes.
  EXPECT_EQ(ann.exec("UPDATE answers SET record = '\\x00' WHERE annotator <> current_user").affected(), 0);
  EXPECT_EQ(ann.exec("DELETE FROM answers WHERE annotator <> current_user").affected(), 0);
  EXPECT_EQ(ann.exec("UPDATE leases SET expires_ms = 0").affected(), 0);
  EXPECT_EQ(ann.exec("DELETE FROM leases").affected(), 0);
  // Writing rows in another's name is refused.
  EXPECT_EQ(refusal(ann, "UPDATE answers SET annotator = '" + team.bob + "_2' WHERE annotator = current_user"),
            "42501");
  EXPECT_EQ(refusal(ann, "INSERT INTO answers (dataset, position, annotator, record, saved_ms) "
                         "SELECT dataset, 2, '" + team.bob + "', record, 0 FROM answers LIMIT 1"),
            "42501");
  EXPECT_EQ(refusal(ann, "INSERT INTO leases (dataset, position, annotator, expires_ms) "
                         "SELECT id, 3, '" + team.bob + "', 0 FROM datasets"),
            "42501");
  // Routing, datasets, items and the schema are the admin's.
  for (const char* sql : {"DELETE FROM datasets", "UPDATE datasets SET overlap = 1", "UPDATE datasets SET name = 'x'",
                          "DELETE FROM items", "DELETE FROM dataset_counts", "DELETE FROM tasks",
                          "TRUNCATE answers", "DROP TABLE answers", "DROP TABLE datasets CASCADE",
                          "ALTER TABLE answers DISABLE ROW LEVEL SECURITY", "DROP POLICY answers_remove_own ON answers",
                          "UPDATE gloss_schema SET version = 1"})
    EXPECT_EQ(refusal(ann, sql), "42501") << sql;

  EXPECT_EQ(count(team, "SELECT count(*) FROM answers WHERE annotator = '" + team.bob + "' AND record <> '\\x00'"), 1);
  EXPECT_EQ(count(team, "SELECT count(*) FROM leases WHERE annotator = '" + team.bob + "'"), 2)
      << "bob's two leases";
  EXPECT_EQ(count(team, "SELECT count(*) FROM datasets"), 1);
  EXPECT_EQ(count(team, "SELECT overlap FROM datasets"), 2);
}

TEST(PgRoles, TheStoreSaysWhoMayWhenRefused) {
  Team team;
  set_up_dataset(team);
  PgStore ann(team.uri(team.ann));
  Routing routing;
  routing.overlap = 1;
  EXPECT_THROW(ann.set_routing("d", routing), PermissionDenied);
  try {
    ann.drop_dataset("d");
    FAIL() << "ann dropped the dataset";
  } catch (const PermissionDenied& e) {
    EXPECT_TRUE(test::contains(e.what(), "dropping a dataset")) << e.what();
  }
  ImportRecord record{numbered(1).front(), answer_to(1, team.bob)};
  EXPECT_THROW(ann.import_records("d", {record}), PermissionDenied);
  const DatasetInfo d = ann.require_dataset("d");
  EXPECT_EQ(d.overlap, 2);
  EXPECT_EQ(d.answers, 0u) << "the import was all or nothing";
}

// What an annotator's session does: add images, claim, answer, cache
// suggestions and thumbnails, remember files, release.
TEST(PgRoles, AnnotatorsCanDoAllTheirWork) {
  Team team;
  set_up_dataset(team);
  PgStore ann(team.uri(team.ann)), bob(team.uri(team.bob));
  const AddResult added = ann.add_tasks("d", {Task{9, "/img/9.png", 8, 6}}, {FileStamp{"/img/9.png", 1, 2, 3, 9}});
  EXPECT_EQ(added.added, 1u);
  ann.ensure_dataset("ann's own");
  const DatasetInfo d = ann.require_dataset("d");
  const auto a_claims = ann.claim(d, team.ann, 0, 3), b_claims = bob.claim(d, team.bob, 0, 3);
  ASSERT_EQ(a_claims.size(), 3u);
  ASSERT_EQ(b_claims.size(), 3u);
  ann.renew_leases(d, team.ann);
  ann.save_answer("d", answer_to(*ann.task_at(d, a_claims[0]), team.ann));
  EXPECT_TRUE(ann.remove_answer("d", *ann.task_at(d, a_claims[0]), team.ann)) << "undo";
  ann.put_suggestion("m", 1, Suggestion{"a caption", {}, 0.f, 0.f, 1});
  ann.put_thumbnail(1, 64, "jpeg bytes");
  ann.remember_files({FileStamp{"/img/1.png", 1, 2, 3, 1}});
  EXPECT_EQ(bob.suggestion("m", 1)->caption, "a caption") << "the cache is the team's";
  ann.release_leases(d, team.ann);
  EXPECT_EQ(count(team, "SELECT count(*) FROM leases WHERE annotator = '" + team.ann + "'"), 0);
  EXPECT_EQ(count(team, "SELECT count(*) FROM leases WHERE annotator = '" + team.bob + "'"), 3);
}

// Adaptive overlap (schema version 4): the annotator whose answer shows a
// disagreement raises what the task wants, under their own role.
TEST(PgRoles, AnnotatorsAskForOneMoreAnswerToADisagreeingTask) {
  Team team;
  set_up_dataset(team);
  PgStore admin(team.uri(team.admin)), ann(team.uri(team.ann)), bob(team.uri(team.bob));
  admin.set_routing("d", Routing{2, 30 * 60 * 1000, 0.5, 3});
  const DatasetInfo d = ann.require_dataset("d");
  ann.save_answer("d", answer_to(*ann.task_at(d, 1), team.ann, "a red circle"));
  bob.save_answer("d", answer_to(*bob.task_at(d, 1), team.bob, "two blue squares"));
  EXPECT_EQ(count(team, "SELECT wanted FROM item_wanted WHERE position = 1"), 3);
  EXPECT_EQ(admin.claim(admin.require_dataset("d"), "cat", 1, 1), (std::vector<std::uint64_t>{1}));
}

TEST(PgRoles, ARoleOutsideTheGroupIsToldHowToJoin) {
  Team team;
  set_up_dataset(team);
  try {
    PgStore stranger(team.uri(team.stranger));
    FAIL() << "a role outside gloss_annotator opened the store";
  } catch (const PermissionDenied& e) {
    EXPECT_TRUE(test::contains(e.what(), "GRANT gloss_annotator TO " + team.stranger)) << e.what();
  }
}

TEST(PgRoles, OnlyTheAdminUpgradesTheSchemaAndGrantsFollow) {
  Team team;
  {
    pg::Connection admin(team.uri(team.admin));
    ASSERT_EQ(pg::migrate(admin, 1), 0);
    ASSERT_TRUE(pg::grant_annotator_group(admin));
  }
  try {
    PgStore ann(team.uri(team.ann));
    FAIL() << "an annotator upgraded the schema";
  } catch (const StoreError& e) {
    EXPECT_TRUE(test::contains(e.what(), "schema version 1 and this gloss needs version " + std::to_string(pg::schema_version))) << e.what();
    EXPECT_TRUE(test::contains(e.what(), "gloss admin")) << e.what();
  }
  {
    pg::Connection ann(team.uri(team.ann));
    EXPECT_EQ(pg::stored_schema_version(ann), 1);
  }
  // Grants taken away (or a group role made after the schema) come back
  // when the admin next opens the store.
  {
    pg::Connection su(Team::server().uri(team.db->name()));
    su.exec("REVOKE ALL ON ALL TABLES IN SCHEMA public FROM gloss_annotator");
  }
  // Four of the admin's workstations at once: the grants one at a time.
  std::vector<std::thread> admins;
  std::atomic<int> failed{0};
  for (int i = 0; i < 4; ++i)
    admins.emplace_back([&] {
      try {
        PgStore admin(team.uri(team.admin));
      } catch (const std::exception& e) {
        ++failed;
        ADD_FAILURE() << e.what();
      }
    });
  for (auto& t : admins) t.join();
  EXPECT_EQ(failed.load(), 0);
  PgStore ann(team.uri(team.ann));
  EXPECT_EQ(ann.required_annotator(), team.ann);
  ann.add_tasks("d", numbered(1));
}

// The command line: the role decides the annotator, and a refusal is a
// clear exit 1.
TEST(PgRoles, CommandsNameTheRoleAndWhoMay) {
  Team team;
  set_up_dataset(team);
  test::TempDir dir;
  auto gloss = [&](const std::string& role, const std::string& args) {
    return test::run_command(dir.path(), "'" GLOSS_BINARY "' --db '" + team.uri(role) + "' " + args);
  };
  test::write_text(dir / "mine.jsonl", "{\"image\": \"img/1.png\", \"caption\": \"one\", \"answer\": \"accept\"}\n");
  test::write_text(dir / "bobs.jsonl", "{\"image\": \"img/2.png\", \"caption\": \"two\", \"answer\": \"accept\", "
                                       "\"_annotator_id\": \"" + team.bob + "\"}\n");
  test::write_test_png(dir / "img/1.png", 1);
  test::write_test_png(dir / "img/2.png", 2);

  const test::CommandResult other = gloss(team.ann, "db-in d mine.jsonl --annotator someone_else");
  EXPECT_EQ(other.code, 1) << other.output;
  EXPECT_TRUE(test::contains(other.output, "as role '" + team.ann + "'")) << other.output;

  const test::CommandResult bobs = gloss(team.ann, "db-in d bobs.jsonl");
  EXPECT_EQ(bobs.code, 1) << bobs.output;
  EXPECT_TRUE(test::contains(bobs.output, "refused role '" + team.ann + "'")) << bobs.output;

  const test::CommandResult drop = gloss(team.ann, "drop d --yes");
  EXPECT_EQ(drop.code, 1) << drop.output;
  EXPECT_TRUE(test::contains(drop.output, "dropping a dataset")) << drop.output;

  const test::CommandResult routing = gloss(team.bob, "add d img --overlap 1");
  EXPECT_EQ(routing.code, 1) << routing.output;

  const test::CommandResult stats = gloss(team.admin, "stats d");
  EXPECT_EQ(stats.code, 0) << stats.output;
  EXPECT_EQ(count(team, "SELECT count(*) FROM datasets WHERE overlap = 2"), 1);
}

// Reviews (schema 4): every annotator reads them; only members of
// gloss_reviewer write them, under their own name; one lead may replace
// another's review of a task.
TEST(PgRoles, OnlyReviewersSettleTasksAndOnlyAsThemselves) {
  Team team;
  set_up_dataset(team);
  PgStore ann(team.uri(team.ann)), lead(team.uri(team.lead));
  ann.save_answer("d", answer_to(1, team.ann, "ann's"));
  Review r{1, team.lead, 1000, ReviewVerdict::picked, team.ann, "ann's"};
  lead.save_review("d", r);
  const DatasetInfo d = ann.require_dataset("d");
  EXPECT_EQ(ann.review(d, 1), r) << "everyone reads reviews";
  Review mine = r;
  mine.reviewer = team.ann;
  EXPECT_THROW(ann.save_review("d", mine), PermissionDenied);
  EXPECT_THROW(ann.remove_review("d", 1), PermissionDenied);
  Review spoofed = r;
  spoofed.reviewer = team.bob;
  spoofed.task = 2;
  EXPECT_THROW(lead.save_review("d", spoofed), PermissionDenied) << "a review names the role that writes it";
  pg::Connection raw(team.uri(team.ann));
  EXPECT_EQ(refusal(raw, "DELETE FROM reviews"), "42501");
  EXPECT_EQ(refusal(raw, "UPDATE reviews SET reviewer = current_user"), "42501");
  EXPECT_EQ(count(team, "SELECT count(*) FROM reviews"), 1);
  EXPECT_TRUE(lead.remove_review("d", 1));
  EXPECT_FALSE(ann.review(d, 1));
}

}  // namespace
}  // namespace gloss
