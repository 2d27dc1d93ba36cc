// Reading an OpenAI-compatible chat completion reply into a Caption.
#pragma once

#include "core/captioner.h"
#include "model/http_client.h"

namespace gloss {

// The caption from choices[0].message.content (white space collapsed to
// single spaces), scored from choices[0].logprobs.content[].logprob when the
// server sent them, unscored otherwise. A reply that is not a caption (HTTP
// 4xx/5xx with the server's own message, not JSON, no content) comes back as
// Caption::failure; retry_later for 429 and 5xx.
Caption caption_from_reply(const HttpReply& reply);

}  // namespace gloss
