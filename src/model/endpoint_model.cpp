// Reading and checking an endpoint model file.
#include "model/endpoint_model.h"

#include <fstream>

#include <nlohmann/json.hpp>

#include "core/error.h"
#include "core/hash.h"
#include "core/image.h"

namespace gloss {
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

constexpr const char* kFields[] = {"kind", "url", "model", "prompt", "max_tokens", "concurrency",
                                   "timeout_s", "max_side", "api_key_env", "logprobs"};

template <class T>
void read_field(const json& j, const fs::path& file, const char* name, T& out, const char* expected) {
  const auto it = j.find(name);
  if (it == j.end()) return;
  try {
    out = it->get<T>();
  } catch (const json::exception&) {
    throw UserError(file.string() + ": \"" + name + "\" must be " + expected + " (got " + it->dump() + ")");
  }
}

void check_range(const fs::path& file, const char* name, double value, double lo, double hi) {
  if (value < lo || value > hi)
    throw UserError(file.string() + ": \"" + name + "\" must be " + std::to_string(static_cast<long long>(lo)) +
                    "-" + std::to_string(static_cast<long long>(hi)));
}

void check_fields(const json& j, const fs::path& file) {
  for (const auto& [name, value] : j.items()) {
    bool known = false;
    for (const char* f : kFields) known = known || name == f;
    if (!known) throw UserError(file.string() + ": unknown field \"" + name + "\" (see docs/models.md)");
  }
  for (const char* required : {"kind", "url", "model"})
    if (!j.contains(required)) throw UserError(file.string() + ": \"" + required + "\" is missing");
}

}  // namespace

bool is_endpoint_file(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::string head(64, '\0');
  in.read(head.data(), static_cast<std::streamsize>(head.size()));
  head.resize(static_cast<std::size_t>(in.gcount()));
  const auto first = head.find_first_not_of(" \t\r\n");
  return first != std::string::npos && head[first] == '{';
}

EndpointConfig read_endpoint_config(const fs::path& file) {
  json j;
  try {
    j = json::parse(read_file_bytes(file, 1 << 20));
  } catch (const json::parse_error& e) {
    throw UserError(file.string() + ": not a valid endpoint model file (JSON): " + e.what());
  }
  if (!j.is_object()) throw UserError(file.string() + ": an endpoint model file holds one JSON object");
  check_fields(j, file);
  EndpointConfig c;
  c.file = file;
  read_field(j, file, "kind", c.kind, "a string");
  read_field(j, file, "url", c.url, "a string");
  read_field(j, file, "model", c.model, "a string");
  read_field(j, file, "prompt", c.prompt, "a string");
  read_field(j, file, "max_tokens", c.max_tokens, "a whole number");
  read_field(j, file, "concurrency", c.concurrency, "a whole number");
  read_field(j, file, "timeout_s", c.timeout_s, "a number of seconds");
  read_field(j, file, "max_side", c.max_side, "a whole number of pixels");
  read_field(j, file, "api_key_env", c.api_key_env, "the name of an environment variable");
  read_field(j, file, "logprobs", c.logprobs, "true or false");
  if (c.kind != "openai-chat")
    throw UserError(file.string() + ": \"kind\" must be \"openai-chat\" (got \"" + c.kind + "\")");
  if (c.url.rfind("http://", 0) != 0 && c.url.rfind("https://", 0) != 0)
    throw UserError(file.string() + ": \"url\" must start with http:// or https:// (got \"" + c.url + "\")");
  while (!c.url.empty() && c.url.back() == '/') c.url.pop_back();
  if (c.model.empty()) throw UserError(file.string() + ": \"model\" is empty");
  check_range(file, "max_tokens", c.max_tokens, 1, 4096);
  check_range(file, "concurrency", c.concurrency, 1, 64);
  check_range(file, "timeout_s", c.timeout_s, 1, 3600);
  check_range(file, "max_side", c.max_side, 64, kModelInputSide);
  return c;
}

std::string endpoint_model_id(const EndpointConfig& c) {
  const json identity = {{"kind", c.kind},     {"url", c.url},   {"model", c.model}, {"prompt", c.prompt},
                         {"max_tokens", c.max_tokens}, {"max_side", c.max_side}};
  return hash_hex(content_hash(identity.dump()));
}

}  // namespace gloss
