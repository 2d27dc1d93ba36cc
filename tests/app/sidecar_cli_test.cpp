// Sidecar captions end to end with the real binary: add reads photo.txt,
// db-in --format sidecar imports a curated folder, db-out --format sidecar
// writes them back (to a folder or beside the images), and the caption
// window pre-fills a sidecar as the suggestion.
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <filesystem>

#include <nlohmann/json.hpp>

#include "core/base64.h"
#include "core/image.h"
#include "test_util.h"

namespace gloss {
namespace {
namespace fs = std::filesystem;
using test::TempDir;

using test::CommandResult;
using test::contains;

CommandResult gloss(const TempDir& dir, const std::string& args) { return test::run_gloss(dir.path(), args); }

std::vector<nlohmann::json> exported(const TempDir& dir, const std::string& dataset) {
  const CommandResult r = gloss(dir, "db-out " + dataset);
  std::vector<nlohmann::json> lines;
  std::size_t start = 0;
  for (std::size_t end; (end = r.output.find('\n', start)) != std::string::npos; start = end + 1)
    lines.push_back(nlohmann::json::parse(r.output.substr(start, end - start)));
  return lines;
}

TEST(SidecarCli, AddReadsSidecarsAndReportsTheBadOneByName) {
  TempDir dir;
  test::write_test_png(dir / "imgs/a.png", 1);
  test::write_text(dir / "imgs/a.txt", "\xEF\xBB\xBF" "a red square\r\n");
  test::write_test_png(dir / "imgs/b.png", 2);
  test::write_text(dir / "imgs/b.txt", "caf\xE9");
  test::write_test_png(dir / "imgs/c.png", 3);
  const CommandResult r = gloss(dir, "add shapes imgs");
  EXPECT_EQ(r.code, 0) << r.output;
  EXPECT_TRUE(contains(r.output, "added 3 images")) << r.output;
  EXPECT_TRUE(contains(r.output, "imgs/b.txt: not UTF-8 text (byte 0xE9 at offset 3); save it as UTF-8 "
                                 "(the image is added without it)")) << r.output;
  EXPECT_TRUE(contains(r.output, "read 1 sidecar caption (.txt): 1 new")) << r.output;
  EXPECT_TRUE(contains(r.output, "1 image without one")) << r.output;
  EXPECT_FALSE(contains(r.output, "a.txt: skipped")) << r.output;

  test::write_text(dir / "imgs/a.txt", "a red square, corrected by hand\n");
  const CommandResult again = gloss(dir, "add shapes imgs --sidecar-ext txt");
  EXPECT_TRUE(contains(again.output, "1 replaced by the file's newer text")) << again.output;
}

TEST(SidecarCli, DbInImportsACuratedFolderAllOrNothing) {
  TempDir dir;
  test::write_test_png(dir / "set/one.png", 1);
  test::write_text(dir / "set/one.caption", "first line\nsecond line\n");
  test::write_test_png(dir / "set/sub/two.png", 2);
  test::write_text(dir / "set/sub/two.caption", "two");
  test::write_test_png(dir / "set/three.png", 3);  // no caption: a task to caption
  test::write_text(dir / "set/one.npz", "latent cache");  // not an image: left alone, does not stop the import
  test::write_text(dir / "set/bad/x.caption", std::string("\xFF\xFE", 2));
  test::write_test_png(dir / "set/bad/x.png", 4);

  const CommandResult refused = gloss(dir, "db-in curated set --format sidecar --sidecar-ext caption");
  EXPECT_EQ(refused.code, 1) << refused.output;
  EXPECT_TRUE(contains(refused.output, "set/bad/x.caption: is UTF-16 text")) << refused.output;
  EXPECT_TRUE(contains(refused.output, "nothing was imported")) << refused.output;
  EXPECT_FALSE(contains(gloss(dir, "datasets").output, "curated"));

  const CommandResult r = gloss(dir, "db-in curated set --format sidecar --sidecar-ext .caption --skip-bad");
  EXPECT_EQ(r.code, 0) << r.output;
  EXPECT_FALSE(contains(r.output, "one.npz")) << r.output;
  EXPECT_TRUE(contains(r.output, "2 captions saved as answers")) << r.output;
  EXPECT_TRUE(contains(r.output, "1 without a caption")) << r.output;
  const auto lines = exported(dir, "curated");
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0]["caption"], "first line second line");
  EXPECT_EQ(lines[0]["answer"], "accept");
  EXPECT_EQ(lines[1]["caption"], "two");
}

TEST(SidecarCli, DbOutWritesRelativeToTheAddedFolder) {
  TempDir dir;
  test::write_test_png(dir / "set/one.png", 1);
  test::write_text(dir / "set/one.txt", "one");
  test::write_test_png(dir / "set/sub/two.png", 2);
  test::write_text(dir / "set/sub/two.txt", "two");
  test::write_test_png(dir / "set/rejected.png", 3);
  test::write_text(dir / "set/rejected.txt", "rejected");
  test::write_text(dir / "answers.jsonl",
                   "{\"image\": \"set/rejected.png\", \"caption\": \"no\", \"answer\": \"reject\"}\n");
  ASSERT_EQ(gloss(dir, "db-in curated set --format sidecar").code, 0);
  ASSERT_EQ(gloss(dir, "db-in other answers.jsonl").code, 0);

  const CommandResult r = gloss(dir, "db-out curated --format sidecar -o out");
  EXPECT_EQ(r.code, 0) << r.output;
  EXPECT_EQ(test::read_text(dir / "out/one.txt"), "one");
  EXPECT_EQ(test::read_text(dir / "out/sub/two.txt"), "two");
  EXPECT_EQ(test::read_text(dir / "out/rejected.txt"), "rejected");
  EXPECT_TRUE(contains(r.output, "wrote 3 .txt caption files")) << r.output;

  const CommandResult caption = gloss(dir, "db-out curated --format sidecar -o out2 --sidecar-ext .caption");
  EXPECT_EQ(caption.code, 0) << caption.output;
  EXPECT_EQ(test::read_text(dir / "out2/sub/two.caption"), "two");

  // Added from a JSONL: relative to the JSONL's folder. Rejected: left alone.
  const CommandResult other = gloss(dir, "db-out other --format sidecar -o out3");
  EXPECT_EQ(other.code, 0) << other.output;
  EXPECT_TRUE(contains(other.output, "1 images without an accepted answer: left alone")) << other.output;
  EXPECT_FALSE(fs::exists(dir / "out3"));

  const CommandResult usage = gloss(dir, "db-out curated --format sidecar");
  EXPECT_EQ(usage.code, 1);
  EXPECT_TRUE(contains(usage.output, "give -o DIR, or --next-to-images")) << usage.output;
}

TEST(SidecarCli, DbOutOfAJsonlSourceIsRelativeToItsFolderAndOutsidersAreNamed) {
  TempDir dir;
  test::write_test_png(dir / "data/pics/a.png", 1);
  test::write_test_png(dir / "elsewhere/b.png", 2);
  test::write_text(dir / "data/list.jsonl",
                   "{\"image\": \"pics/a.png\", \"caption\": \"aa\"}\n"
                   "{\"image\": \"../elsewhere/b.png\", \"caption\": \"bb\"}\n");
  ASSERT_EQ(gloss(dir, "db-in ds data/list.jsonl").code, 0);
  const CommandResult r = gloss(dir, "db-out ds --format sidecar -o out");
  EXPECT_EQ(r.code, 1) << r.output;
  EXPECT_EQ(test::read_text(dir / "out/pics/a.txt"), "aa");
  EXPECT_TRUE(contains(r.output, "elsewhere/b.png: not inside")) << r.output;
  EXPECT_TRUE(contains(r.output, "--next-to-images")) << r.output;
}

TEST(SidecarCli, NextToImagesKeepsABackupAndReportsCollisions) {
  TempDir dir;
  test::write_test_png(dir / "set/a.png", 1);
  test::write_text(dir / "set/a.txt", "old caption\n");
  test::write_test_png(dir / "set/x.png", 2);
  test::write_test_png(dir / "set/x.jpg", 3);  // x.png and x.jpg share x.txt
  test::write_text(dir / "answers.jsonl",
                   "{\"image\": \"set/a.png\", \"caption\": \"new caption\"}\n"
                   "{\"image\": \"set/x.png\", \"caption\": \"png\"}\n"
                   "{\"image\": \"set/x.jpg\", \"caption\": \"jpg\"}\n");
  ASSERT_EQ(gloss(dir, "db-in ds answers.jsonl").code, 0);
  const CommandResult r = gloss(dir, "db-out ds --format sidecar --next-to-images");
  EXPECT_EQ(r.code, 1) << r.output;
  EXPECT_EQ(test::read_text(dir / "set/a.txt"), "new caption");
  EXPECT_EQ(test::read_text(dir / "set/a.txt.bak"), "old caption\n");
  EXPECT_FALSE(fs::exists(dir / "set/x.txt"));
  EXPECT_TRUE(contains(r.output, "set/x.txt: 2 images")) << r.output;
  EXPECT_TRUE(contains(r.output, "different captions")) << r.output;
  for (const auto& e : fs::directory_iterator(dir / "set"))
    EXPECT_FALSE(contains(e.path().filename().string(), "gloss-tmp")) << e.path();

  const CommandResult again = gloss(dir, "db-out ds --format sidecar --next-to-images");
  EXPECT_TRUE(contains(again.output, "1 already held their caption")) << again.output;
  EXPECT_EQ(test::read_text(dir / "set/a.txt.bak"), "old caption\n");
}

TEST(SidecarCli, EmbeddedImagesAreOutsideTheFolderAndSaySo) {
  TempDir dir;
  // Prodigy's base64 images are written into the store, outside any folder the user added.
  const std::string png = encode_png(test::pattern_image(8, 6, 9));
  test::write_text(dir / "in/b64.jsonl",
                   "{\"image\": \"data:image/png;base64," + base64_encode(png) + "\", \"caption\": \"a\"}\n");
  ASSERT_EQ(gloss(dir, "db-in ds in/b64.jsonl").code, 0);
  const CommandResult r = gloss(dir, "db-out ds --format sidecar -o out");
  EXPECT_EQ(r.code, 1) << r.output;
  EXPECT_TRUE(contains(r.output, "not inside")) << r.output;
  EXPECT_TRUE(contains(r.output, "1 caption files not written")) << r.output;
}

// The window shows the sidecar as the suggestion, labelled as such, and the
// answer keeps it as orig_caption with "sidecar" as its source.
TEST(SidecarWindow, PrefillsTheSidecarAsTheSuggestion) {
  if (!test::on_path("xvfb-run")) GTEST_SKIP() << "xvfb-run is not installed";
  TempDir dir;
  test::write_test_png(dir / "images/a.png", 1, 64, 48);
  test::write_text(dir / "images/a.txt", "1girl, solo, red hair, smile\n");
  test::write_test_png(dir / "images/b.png", 2, 64, 48);
  test::write_text(dir / "replay.txt",
                   "wait-idle\n"
                   "screenshot sidecar.png\n"
                   "type , outdoors\n"
                   "key Enter\n"
                   "quit\n");
  const std::string command = "cd '" + dir.path().string() +
                              "' && timeout 180 xvfb-run -a -s '-screen 0 1280x800x24' '" GLOSS_BINARY
                              "' --db db caption tags images --model none --session s --replay replay.txt > out.txt 2>&1";
  ASSERT_EQ(std::system(command.c_str()), 0) << test::read_text(dir / "out.txt");
  ASSERT_TRUE(fs::exists(dir / "sidecar.png"));
  if (const char* keep = std::getenv("GLOSS_KEEP_SCREENSHOTS"))
    fs::copy_file(dir / "sidecar.png", fs::path(keep) / "sidecar_window.png", fs::copy_options::overwrite_existing);
  const auto lines = exported(dir, "tags");
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0]["orig_caption"], "1girl, solo, red hair, smile");
  EXPECT_EQ(lines[0]["caption"], "1girl, solo, red hair, smile, outdoors");
  EXPECT_EQ(lines[0]["model"], "sidecar");
}

}  // namespace
}  // namespace gloss
