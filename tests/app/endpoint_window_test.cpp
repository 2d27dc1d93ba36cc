// The caption window with an endpoint model behind a real server
// (models/serve_openai.py): at 1 image/s against 0.7 s per request with
// concurrency 4 nothing stalls; a server that is down at start leaves the
// window open, says so, and is picked up when it comes back. Skipped where
// xvfb-run is not installed.
#include <gtest/gtest.h>

#include <regex>
#include <sstream>
#include <vector>

#include "core/lmdb_store.h"
#include "server_process.h"

namespace gloss {
namespace {

namespace fs = std::filesystem;
using test::ServerProcess;
using test::TempDir;

std::string serve_command(const std::string& args) {
  return test::python() + " '" GLOSS_SOURCE_DIR "/models/serve_openai.py' '" +
         test::random_torchscript_model().string() + "' " + args;
}

void write_images(const TempDir& dir, int count) {
  for (int i = 0; i < count; ++i) {
    char name[32];
    std::snprintf(name, sizeof name, "images/%02d.png", i);
    test::write_test_png(dir / name, static_cast<std::uint32_t>(300 + i), 64, 48);
  }
}

std::string run_window(const TempDir& dir, const std::string& model, const std::string& replay,
                       const std::string& before = "") {
  test::write_text(dir / "replay.txt", replay);
  const std::string command = before + "cd '" + dir.path().string() + "' && timeout 300 xvfb-run -a -s '-screen 0 1280x800x24' '" GLOSS_BINARY
                              "' --db db caption shapes images --model '" + model +
                              "' --session test --replay replay.txt --bench-log bench.jsonl > out.txt 2>&1";
  EXPECT_EQ(std::system(command.c_str()), 0) << test::read_text(dir / "out.txt");
  return test::read_text(dir / "out.txt");
}

// Positions whose opening stalled, from a --bench-log file's "move" events.
std::vector<std::uint64_t> stalled_positions(const fs::path& log) {
  std::vector<std::uint64_t> out;
  std::istringstream in(test::read_text(log));
  const std::regex move(R"re("ev":"move".*"pos":(\d+).*"stall":true)re");
  std::smatch m;
  for (std::string line; std::getline(in, line);)
    if (std::regex_search(line, m, move)) out.push_back(std::stoull(m[1]));
  return out;
}

std::uint64_t stalls_in(const std::string& summary) {
  std::smatch m;
  EXPECT_TRUE(std::regex_search(summary, m, std::regex(R"(stalls \(opened before the suggestion was ready\)\s+(\d+))")))
      << summary;
  return m.empty() ? 999 : std::stoull(m[1]);
}

TEST(EndpointWindow, NoStallsAtOneImageASecondAgainstASevenTenthsSecondServer) {
  if (!test::on_path("xvfb-run")) GTEST_SKIP() << "xvfb-run is not installed";
  TempDir dir;
  write_images(dir, 30);
  ServerProcess server(serve_command("--port 0 --delay 0.7"));
  const auto model = test::write_endpoint_file(dir / "served.json", server.url(), ", \"concurrency\": 4");
  // The first image is opened the moment the window starts, before any
  // request could return: caption it beforehand, so every stall counted is
  // one the scheduler could have avoided.
  fs::create_directories(dir / "first");
  fs::copy_file(dir / "images/00.png", dir / "first/00.png");
  const auto predicted = test::run_gloss(dir.path(), "predict first --model served.json");
  ASSERT_EQ(predicted.code, 0) << predicted.output;
  // The annotator reads the first image for 3 s while the model file is
  // read and the first requests go out (on a loaded 2-core machine the
  // reference server's forward passes, one at a time, can take a few hundred
  // ms each; with 2 s, position 1 was late once in a full ctest -j2 run),
  // then answers one a second: the paced moves are what is judged.
  std::string replay = "wait-suggestion\nwait 3s\n";
  for (int i = 0; i < 20; ++i) replay += "key Enter\nwait 1s\n";
  replay += "screenshot paced.png\nquit\n";
  const std::string out = run_window(dir, "served.json", replay);
  // The paced moves are what the scheduler is judged on: none may stall.
  const std::vector<std::uint64_t> stalled = stalled_positions(dir / "bench.jsonl");
  EXPECT_TRUE(stalled.empty()) << "stalled at positions " << ::testing::PrintToString(stalled) << "\n" << out;
  // The summary also counts the window's first open (not a move), which on a
  // loaded machine can come before the worker has read even the cached
  // suggestion: at most that one (one such stall was seen under ctest -j2).
  EXPECT_LE(stalls_in(out), stalled.size() + 1) << out;
  LmdbStore store(StoreOptions{dir / "db"});
  const auto dataset = store.require_dataset("shapes");
  int suggested = 0;
  for (std::uint64_t p = 0; p < 20; ++p) {
    const auto answer = store.answer_at(dataset, p, default_annotator());
    ASSERT_TRUE(answer) << p;
    suggested += !answer->orig_caption.empty() && answer->caption == answer->orig_caption;
  }
  EXPECT_EQ(suggested, 20);
}

TEST(EndpointWindow, AServerDownAtStartIsShownAndPickedUpWhenItComesBack) {
  if (!test::on_path("xvfb-run")) GTEST_SKIP() << "xvfb-run is not installed";
  TempDir dir;
  write_images(dir, 6);
  const int port = test::free_port();
  test::write_endpoint_file(dir / "later.json", "http://127.0.0.1:" + std::to_string(port) + "/v1");
  const std::string model = test::random_torchscript_model().string();  // exported before the clock starts
  const std::string replay =
      "wait 2s\n"
      "screenshot down.png\n"
      "wait-suggestion\n"
      "screenshot back.png\n"
      "key Enter\n"
      "quit\n";
  // The server starts 4 s after the window.
  const std::string out = run_window(
      dir, "later.json", replay,
      "(sleep 4; exec " + serve_command("--port " + std::to_string(port)) + " >/dev/null 2>&1) & SERVER=$!; "
      "trap 'kill $SERVER' EXIT; ");
  EXPECT_TRUE(fs::exists(dir / "down.png")) << out;
  EXPECT_TRUE(fs::exists(dir / "back.png")) << out;
  LmdbStore store(StoreOptions{dir / "db"});
  const auto answer = store.answer_at(store.require_dataset("shapes"), 0, default_annotator());
  ASSERT_TRUE(answer) << out;
  EXPECT_FALSE(answer->orig_caption.empty()) << "the suggestion came once the server was up\n" << out;
}

}  // namespace
}  // namespace gloss
