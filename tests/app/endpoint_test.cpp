// Endpoint models end to end: a model JSON file, load_captioner, libcurl, and
// real HTTP servers on 127.0.0.1 — models/serve_openai.py with a TorchScript
// model, and tests/app/bad_openai_server.py, which is slow, fails, sends
// garbage or hangs up.
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <cstdlib>
#include <sstream>
#include <thread>

#include <nlohmann/json.hpp>

#include "core/ahead_scheduler.h"
#include "core/error.h"
#include "core/sources.h"
#include "core/lmdb_store.h"
#include "model/captioner.h"
#include "server_process.h"

namespace gloss {
namespace {

using test::ServerProcess;
using test::TempDir;

std::string bad_server(const std::string& args) {
  return test::python() + " '" GLOSS_SOURCE_DIR "/tests/app/bad_openai_server.py' " + args;
}

Caption caption_one(const std::filesystem::path& model_file) {
  auto model = load_captioner(model_file);
  const Image image = test::pattern_image(40, 30, 7);
  const auto captions = model->caption({&image});
  EXPECT_EQ(captions.size(), 1u);
  return captions.at(0);
}

TEST(Endpoint, CaptionsThroughServeOpenAiWithItsLogprobsAsTheConfidence) {
  TempDir dir;
  ServerProcess server(test::python() + " '" GLOSS_SOURCE_DIR "/models/serve_openai.py' '" +
                       test::random_torchscript_model().string() + "' --port 0");
  const auto file = test::write_endpoint_file(dir / "served.json", server.url(), ", \"concurrency\": 3");
  auto model = load_captioner(file);
  EXPECT_NE(model->describe().find("endpoint"), std::string::npos) << model->describe();
  EXPECT_EQ(model->concurrency(), 3);
  std::vector<Image> images;
  for (std::uint32_t i = 0; i < 5; ++i) images.push_back(test::pattern_image(60 + 10 * i, 40, i));
  images.push_back(test::pattern_image(3000, 200, 9));  // sent at most max_side wide
  std::vector<const Image*> batch;
  for (const auto& image : images) batch.push_back(&image);
  const auto captions = model->caption(batch);
  ASSERT_EQ(captions.size(), images.size());
  for (const Caption& c : captions) {
    EXPECT_TRUE(c.failure.empty()) << c.failure;
    EXPECT_FALSE(c.text.empty());
    for (const std::string word : {"<start>", "<end>", "<pad>"}) EXPECT_EQ(c.text.find(word), std::string::npos);
    ASSERT_TRUE(c.scored);
    EXPECT_GT(c.confidence(), 0.f);
    EXPECT_LE(c.confidence(), 1.f);
  }
}

TEST(Endpoint, TheIdHashesWhatChangesTheCaptionsOnly) {
  TempDir dir;
  const auto id = [&](const std::string& extra) {
    return load_captioner(test::write_endpoint_file(dir / "m.json", "http://127.0.0.1:9/v1", extra))->id();
  };
  const std::string base = id("");
  EXPECT_EQ(base.size(), 16u);
  EXPECT_EQ(base, id(", \"timeout_s\": 5, \"concurrency\": 8, \"api_key_env\": \"KEY\""));
  EXPECT_NE(base, id(", \"prompt\": \"Name the main object.\""));
  EXPECT_NE(base, id(", \"max_side\": 512"));
  EXPECT_NE(base, id(", \"max_tokens\": 20"));
}

TEST(Endpoint, AModelFileWithAMistakeIsNamedWithTheField) {
  TempDir dir;
  const auto expect_error = [&](const std::string& text, const std::string& needle) {
    test::write_text(dir / "bad.json", text);
    try {
      load_captioner(dir / "bad.json");
      ADD_FAILURE() << "accepted: " << text;
    } catch (const UserError& e) {
      EXPECT_NE(std::string(e.what()).find("bad.json"), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
    }
  };
  expect_error("{\"kind\": \"openai-chat\", \"model\": \"m\"}", "\"url\" is missing");
  expect_error("{\"kind\": \"ollama\", \"url\": \"http://x/v1\", \"model\": \"m\"}", "\"kind\" must be");
  expect_error("{\"kind\": \"openai-chat\", \"url\": \"x\", \"model\": \"m\"}", "http://");
  expect_error("{\"kind\": \"openai-chat\", \"url\": \"http://x\", \"model\": \"m\", \"temp\": 1}", "unknown field \"temp\"");
  expect_error("{\"kind\": \"openai-chat\", \"url\": \"http://x\", \"model\": \"m\", \"concurrency\": \"4\"}",
               "\"concurrency\" must be a whole number");
  expect_error("{\"kind\": \"openai-chat\", \"url\": \"http://x\", \"model\": \"m\", \"concurrency\": 0}", "1-64");
  expect_error("{\"kind\": \"openai-chat\",", "not a valid endpoint model file");
}

struct BadCase {
  std::string args;       // bad_openai_server.py arguments
  std::string extra;      // model file fields
  std::string expected;   // in the failure
  bool retry_later;
};

TEST(Endpoint, EachWayAServerFailsIsNamedOnTheImageWithTheServer) {
  const BadCase cases[] = {
      {"--mode 500", "", "HTTP 500: model crashed: CUDA out of memory", true},
      {"--mode flaky --fail 5", "", "HTTP 503: loading model, try again", true},
      {"--mode 400", "", "HTTP 400: image too large for this model", false},
      {"--mode garbage", "", "the reply is not JSON: \"<html>502 Bad Gateway</html>\"", false},
      {"--mode nocontent", "", "the reply has no caption (choices[0].message.content)", false},
      {"--mode close", "", "the server closed the connection without replying", true},
      {"--mode slow --delay 4", ", \"timeout_s\": 1", "no reply within 1 s (timeout_s)", true},
      {"--mode slow --require-key right", ", \"api_key_env\": \"GLOSS_TEST_KEY\"", "HTTP 401: invalid API key", false},
  };
  ::setenv("GLOSS_TEST_KEY", "wrong-secret", 1);
  for (const BadCase& bad : cases) {
    TempDir dir;
    ServerProcess server(bad_server(bad.args));
    const Caption c = caption_one(test::write_endpoint_file(dir / "bad.json", server.url(), bad.extra));
    EXPECT_TRUE(c.text.empty()) << bad.args;
    EXPECT_NE(c.failure.find(bad.expected), std::string::npos) << bad.args << ": " << c.failure;
    EXPECT_EQ(c.failure.rfind(server.url() + " (test): ", 0), 0u) << c.failure;
    EXPECT_EQ(c.retry_later, bad.retry_later) << bad.args;
    EXPECT_EQ(c.failure.find("wrong-secret"), std::string::npos) << "the key is never shown";
  }
}

TEST(Endpoint, TheKeyFromTheEnvironmentIsSentAsBearer) {
  TempDir dir;
  ::setenv("GLOSS_TEST_KEY", "right", 1);
  ServerProcess server(bad_server("--mode slow --require-key right"));
  const Caption c = caption_one(test::write_endpoint_file(dir / "m.json", server.url(), ", \"api_key_env\": \"GLOSS_TEST_KEY\""));
  EXPECT_EQ(c.text, "a slow caption") << c.failure;
}

TEST(Endpoint, ARefusedConnectionIsWorthRetrying) {
  TempDir dir;
  const std::string url = "http://127.0.0.1:" + std::to_string(test::free_port()) + "/v1";
  const Caption c = caption_one(test::write_endpoint_file(dir / "down.json", url));
  EXPECT_EQ(c.failure, url + " (test): connection refused (is the server running?)");
  EXPECT_TRUE(c.retry_later);
}

TEST(Endpoint, WithoutLogprobsThereIsNoConfidenceRatherThanAnInventedOne) {
  TempDir dir;
  ServerProcess server(bad_server("--mode nologprobs"));
  const Caption c = caption_one(test::write_endpoint_file(dir / "m.json", server.url()));
  EXPECT_EQ(c.text, "a caption without probabilities");
  EXPECT_FALSE(c.scored);
  EXPECT_TRUE(std::isnan(c.confidence()));
}

TEST(Endpoint, StoppingTheSchedulerDoesNotWaitForAHangingServer) {
  TempDir dir;
  for (std::uint32_t i = 0; i < 6; ++i) test::write_test_png(dir / ("images/" + std::to_string(i) + ".png"), i, 20, 16);
  LmdbStore store(StoreOptions{dir / "db"});
  store.add_tasks("hang", scan_source(dir / "images").tasks);
  ServerProcess server(bad_server("--mode slow --delay 60"));
  auto model = load_captioner(test::write_endpoint_file(dir / "hang.json", server.url(), ", \"concurrency\": 3"));
  AheadScheduler ahead(store, store.require_dataset("hang"), model.get());
  ahead.set_cursor(0);
  while (ahead.status().in_flight < 3) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  const auto start = std::chrono::steady_clock::now();
  ahead.stop();
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5)) << "60 s requests were abandoned";
  const Image image = test::pattern_image(8, 8, 1);
  EXPECT_EQ(model->caption({&image}).at(0).failure, server.url() + " (test): cancelled");
}

TEST(EndpointPredict, ExitsOneNamingTheServerWhenNothingCouldBeCaptioned) {
  TempDir dir;
  for (std::uint32_t i = 0; i < 7; ++i) test::write_test_png(dir / ("images/" + std::to_string(i) + ".png"), i, 20, 16);
  const std::string url = "http://127.0.0.1:" + std::to_string(test::free_port()) + "/v1";
  test::write_endpoint_file(dir / "down.json", url);
  const auto down = test::run_gloss(dir.path(), "predict images --model down.json");
  EXPECT_EQ(down.code, 1) << down.output;
  EXPECT_NE(down.output.find("nothing could be captioned: " + url + " (test): connection refused"), std::string::npos)
      << down.output;
  EXPECT_NE(down.output.find("2 more images not captioned"), std::string::npos) << "five named, the rest counted\n"
                                                                                   << down.output;
}

TEST(EndpointPredict, CachesWhatTheServerCaptionedAndAsksAgainForTheRest) {
  TempDir dir;
  for (std::uint32_t i = 0; i < 4; ++i) test::write_test_png(dir / ("images/" + std::to_string(i) + ".png"), i, 20, 16);
  ServerProcess server(bad_server("--mode flaky --fail 2"));
  test::write_endpoint_file(dir / "flaky.json", server.url(), ", \"concurrency\": 1");
  const auto first = test::run_gloss(dir.path(), "predict images --model flaky.json");
  EXPECT_EQ(first.code, 0) << first.output;
  EXPECT_NE(first.output.find("captioned 2 images"), std::string::npos) << first.output;
  EXPECT_NE(first.output.find("HTTP 503: loading model, try again"), std::string::npos) << first.output;
  EXPECT_NE(first.output.find("2 images not captioned (named above); run again to retry them"), std::string::npos)
      << first.output;
  const auto second = test::run_gloss(dir.path(), "predict images --model flaky.json");
  EXPECT_EQ(second.code, 0) << second.output;
  EXPECT_NE(second.output.find("2 already captioned, 2 to caption"), std::string::npos) << second.output;
  EXPECT_NE(second.output.find("captioned 2 images"), std::string::npos) << second.output;
}

TEST(EndpointPredict, OutWritesEveryImageWithNullWhereThereIsNoConfidence) {
  TempDir dir;
  for (std::uint32_t i = 0; i < 3; ++i) test::write_test_png(dir / ("images/" + std::to_string(i) + ".png"), i, 20, 16);
  ServerProcess server(bad_server("--mode nologprobs"));
  test::write_endpoint_file(dir / "m.json", server.url());
  ASSERT_EQ(test::run_gloss(dir.path(), "predict images --model m.json").code, 0);
  const auto again = test::run_gloss(dir.path(), "predict images --model m.json --out pred.jsonl");  // all cached
  ASSERT_EQ(again.code, 0) << again.output;
  std::istringstream lines(test::read_text(dir / "pred.jsonl"));
  int n = 0;
  for (std::string line; std::getline(lines, line); ++n) {
    const auto j = nlohmann::json::parse(line);
    EXPECT_NE(j.at("image").get<std::string>().find("images/"), std::string::npos) << line;
    EXPECT_EQ(j.at("caption"), "a caption without probabilities") << line;
    EXPECT_TRUE(j.at("confidence").is_null()) << line;
  }
  EXPECT_EQ(n, 3);
}

}  // namespace
}  // namespace gloss
