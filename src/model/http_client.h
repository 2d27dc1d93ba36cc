// One HTTP(S) POST of a JSON body with libcurl, for endpoint models. Torch-
// free, thread-safe (one curl handle per call).
#pragma once

#include <atomic>
#include <string>
#include <vector>

namespace gloss {

struct HttpReply {
  long status = 0;   // HTTP status code
  std::string body;
};

// The reply whatever its status, or why there was none.
struct HttpResult {
  HttpReply reply;
  // Non-empty: no reply ("connection refused", "no reply within 60 s", the
  // connection closed, DNS, TLS).
  std::string failure;
  // With a failure: worth trying again later (the server may come back), as
  // opposed to a URL or certificate that will stay wrong.
  bool transient = false;
  bool ok() const { return failure.empty(); }
};

// POSTs `body` (application/json) to `url` with the extra `headers`
// ("Name: value"), waiting at most `timeout_s`. Headers are never logged
// (they may carry an API key). Setting `*cancelled` abandons the request
// within a fraction of a second (failure "cancelled", not transient).
HttpResult http_post_json(const std::string& url, const std::string& body, const std::vector<std::string>& headers,
                          double timeout_s, const std::atomic<bool>* cancelled = nullptr);

}  // namespace gloss
