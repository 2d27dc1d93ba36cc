#include "model/endpoint_reply.h"

#include <cmath>

#include <nlohmann/json.hpp>

namespace gloss {
namespace {
using nlohmann::json;

constexpr std::size_t kQuoted = 160;  // characters of a server's reply quoted in a message

std::string quote(const std::string& text) {
  std::string out;
  for (const char ch : text.substr(0, kQuoted)) out += (ch == '\n' || ch == '\r') ? ' ' : ch;
  return "\"" + out + (text.size() > kQuoted ? "…\"" : "\"");
}

std::string collapse_space(const std::string& text) {
  std::string out;
  bool space = false;
  for (const char ch : text) {
    if (ch == ' ' || ch == '\n' || ch == '\r' || ch == '\t') {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += ch;
  }
  return out;
}

// OpenAI's {"error": {"message": ...}}, llama.cpp's and vLLM's variants, or
// the text itself.
std::string server_message(const std::string& body) {
  const json j = json::parse(body, nullptr, false);
  if (j.is_object()) {
    if (const auto e = j.find("error"); e != j.end()) {
      if (e->is_string()) return e->get<std::string>();
      if (e->is_object() && e->contains("message") && (*e)["message"].is_string())
        return (*e)["message"].get<std::string>();
    }
    if (j.contains("detail") && j["detail"].is_string()) return j["detail"].get<std::string>();
  }
  return body.empty() ? "(empty reply)" : quote(body);
}

Caption failed(std::string why, bool retry_later) {
  Caption c;
  c.failure = std::move(why);
  c.retry_later = retry_later;
  return c;
}

void score(const json& choice, Caption& c) {
  c.scored = false;
  const auto lp = choice.find("logprobs");
  if (lp == choice.end() || !lp->is_object() || !lp->contains("content") || !(*lp)["content"].is_array()) return;
  const json& tokens = (*lp)["content"];
  double sum = 0;
  int n = 0;
  for (const json& t : tokens) {
    if (!t.is_object() || !t.contains("logprob") || !t["logprob"].is_number()) return;
    sum += t["logprob"].get<double>();
    ++n;
  }
  if (n == 0) return;
  c.scored = true;
  c.log_prob = static_cast<float>(sum);
  c.mean_log_prob = static_cast<float>(sum / n);
}

}  // namespace

Caption caption_from_reply(const HttpReply& reply) {
  if (reply.status == 429 || reply.status >= 500)
    return failed("HTTP " + std::to_string(reply.status) + ": " + server_message(reply.body), true);
  if (reply.status < 200 || reply.status >= 300)
    return failed("HTTP " + std::to_string(reply.status) + ": " + server_message(reply.body), false);
  const json j = json::parse(reply.body, nullptr, false);
  if (j.is_discarded()) return failed("the reply is not JSON: " + quote(reply.body), false);
  const json* choice = nullptr;
  if (j.is_object() && j.contains("choices") && j["choices"].is_array() && !j["choices"].empty())
    choice = &j["choices"][0];
  const json* content = nullptr;
  if (choice && choice->is_object() && choice->contains("message") && (*choice)["message"].is_object() &&
      (*choice)["message"].contains("content"))
    content = &(*choice)["message"]["content"];
  if (!content || !content->is_string())
    return failed("the reply has no caption (choices[0].message.content): " + quote(reply.body), false);
  Caption c;
  c.text = collapse_space(content->get<std::string>());
  if (c.text.empty()) return failed("the server returned an empty caption", false);
  score(*choice, c);
  return c;
}

}  // namespace gloss
