// An endpoint model as a Captioner: each image is one chat completion
// request (prompt + JPEG data URI), up to `concurrency` at once. Every
// problem becomes the image's Caption::failure, naming the server.
#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <thread>

#include <nlohmann/json.hpp>

#include "core/base64.h"
#include "core/image.h"
#include "model/endpoint_model.h"
#include "model/endpoint_reply.h"
#include "model/http_client.h"

namespace gloss {
namespace {

// Upright and sRGB already (the decoder sees to it); here: over white, at
// most max_side, as a JPEG.
std::string image_data_uri(const Image& image, int max_side) {
  Image flat = flatten_alpha(image);
  if (std::max(flat.width, flat.height) > max_side) flat = make_thumbnail(flat, max_side);
  return "data:image/jpeg;base64," + base64_encode(encode_jpeg(flat, 90));
}

class EndpointCaptioner : public Captioner {
 public:
  explicit EndpointCaptioner(EndpointConfig config)
      : config_(std::move(config)), id_(endpoint_model_id(config_)), where_(config_.url + " (" + config_.model + ")") {}

  const std::string& id() const override { return id_; }

  std::string describe() const override {
    return "endpoint " + config_.kind + " model \"" + config_.model + "\" at " + config_.url + ", " +
           std::to_string(config_.concurrency) + " at once";
  }

  int concurrency() const override { return config_.concurrency; }

  void cancel() override { cancelled_ = true; }

  std::vector<Caption> caption(const std::vector<const Image*>& batch) override {
    std::vector<Caption> out(batch.size());
    std::atomic<std::size_t> next{0};
    auto work = [&] {
      for (std::size_t i; (i = next++) < batch.size();) out[i] = caption_one(*batch[i]);
    };
    const std::size_t threads = std::min<std::size_t>(batch.size(), static_cast<std::size_t>(config_.concurrency));
    std::vector<std::thread> pool;
    for (std::size_t t = 1; t < threads; ++t) pool.emplace_back(work);
    work();
    for (auto& t : pool) t.join();
    return out;
  }

 private:
  Caption caption_one(const Image& image) const {
    if (cancelled_) return Caption{{}, {}, 0.f, 0.f, false, where_ + ": cancelled", false};
    nlohmann::json content = nlohmann::json::array(
        {{{"type", "text"}, {"text", config_.prompt}},
         {{"type", "image_url"}, {"image_url", {{"url", image_data_uri(image, config_.max_side)}}}}});
    nlohmann::json request = {{"model", config_.model},
                              {"messages", {{{"role", "user"}, {"content", std::move(content)}}}},
                              {"max_tokens", config_.max_tokens},
                              {"temperature", 0}};
    if (config_.logprobs) request["logprobs"] = true;
    const HttpResult result = http_post_json(config_.url + "/chat/completions", request.dump(), headers(),
                                             config_.timeout_s, &cancelled_);
    Caption c = result.ok() ? caption_from_reply(result.reply) : Caption{};
    if (!result.ok()) {
      c.failure = result.failure;
      c.retry_later = result.transient;
    }
    if (!c.failure.empty()) c.failure = where_ + ": " + c.failure;
    return c;
  }

  // Read at every request: a key set after start is used, and the key never
  // sits in a field that a message could print.
  std::vector<std::string> headers() const {
    if (config_.api_key_env.empty()) return {};
    const char* key = std::getenv(config_.api_key_env.c_str());
    if (!key || !*key) return {};
    return {std::string("Authorization: Bearer ") + key};
  }

  EndpointConfig config_;
  std::string id_;
  std::string where_;
  std::atomic<bool> cancelled_{false};
};

}  // namespace

std::unique_ptr<Captioner> make_endpoint_captioner(const EndpointConfig& config) {
  return std::make_unique<EndpointCaptioner>(config);
}

}  // namespace gloss
