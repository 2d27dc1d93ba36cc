// Endpoint models: a small JSON file naming a vision-language model behind
// an OpenAI-compatible chat server (Ollama, llama.cpp's server, vLLM, LM
// Studio, a hosted API). No torch: the binary captions through libcurl.
// The file format and servers: docs/models.md.
#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include "core/captioner.h"

namespace gloss {

struct EndpointConfig {
  std::filesystem::path file;  // where it was read from, for messages
  std::string kind = "openai-chat";
  std::string url;    // base URL; gloss POSTs {url}/chat/completions
  std::string model;  // the server's model name
  std::string prompt = "Describe this image in one sentence.";
  int max_tokens = 60;
  int concurrency = 2;   // requests in flight at once
  double timeout_s = 60;
  int max_side = 1024;   // longest side of the JPEG sent
  std::string api_key_env;  // environment variable holding the key; empty: none sent
  bool logprobs = true;     // ask for token logprobs (the confidence)
};

// True when the file starts (after white space) with '{': an endpoint
// model, not a native or TorchScript file.
bool is_endpoint_file(const std::filesystem::path& file);

// Reads and checks the file. Throws UserError naming the file and the field.
EndpointConfig read_endpoint_config(const std::filesystem::path& file);

// The model id: a hash of the fields that change the captions (url, model,
// prompt, max_tokens, max_side), so a new timeout or key keeps the cache.
std::string endpoint_model_id(const EndpointConfig& config);

std::unique_ptr<Captioner> make_endpoint_captioner(const EndpointConfig& config);

}  // namespace gloss
