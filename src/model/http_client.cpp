// libcurl's easy interface, one handle per request: endpoint models call it
// from several scheduler threads at once.
#include "model/http_client.h"

#include <curl/curl.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <mutex>

namespace gloss {
namespace {

std::size_t append_body(char* data, std::size_t size, std::size_t count, void* out) {
  static_cast<std::string*>(out)->append(data, size * count);
  return size * count;
}

// libcurl calls it several times a second during a transfer; non-zero aborts.
int check_cancelled(void* cancelled, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  return cancelled && static_cast<const std::atomic<bool>*>(cancelled)->load() ? 1 : 0;
}

// curl_global_init is not thread-safe; call it once before any handle.
void init_curl_once() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

// What went wrong, in words, and whether a later try may succeed.
void describe_failure(CURLcode code, double timeout_s, const char* detail, HttpResult& out) {
  out.transient = true;
  switch (code) {
    case CURLE_COULDNT_CONNECT: out.failure = "connection refused (is the server running?)"; break;
    case CURLE_OPERATION_TIMEDOUT:
      out.failure = "no reply within " + std::to_string(std::lround(timeout_s)) + " s (timeout_s)";
      break;
    case CURLE_ABORTED_BY_CALLBACK:
      out.failure = "cancelled";
      out.transient = false;
      break;
    case CURLE_GOT_NOTHING: out.failure = "the server closed the connection without replying"; break;
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR: out.failure = "the connection broke off: " + std::string(detail); break;
    case CURLE_COULDNT_RESOLVE_HOST: out.failure = "cannot resolve the host name: " + std::string(detail); break;
    case CURLE_URL_MALFORMAT:
    case CURLE_UNSUPPORTED_PROTOCOL:
      out.failure = "not a usable URL: " + std::string(detail);
      out.transient = false;
      break;
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CACERT_BADFILE:
      out.failure = "TLS certificate not accepted: " + std::string(detail);
      out.transient = false;
      break;
    default: out.failure = *detail ? detail : curl_easy_strerror(code); break;
  }
}

}  // namespace

HttpResult http_post_json(const std::string& url, const std::string& body, const std::vector<std::string>& headers,
                          double timeout_s, const std::atomic<bool>* cancelled) {
  init_curl_once();
  HttpResult result;
  std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(), curl_easy_cleanup);
  if (!curl) {
    result.failure = "libcurl could not start a request";
    return result;
  }
  curl_slist* list = curl_slist_append(nullptr, "Content-Type: application/json");
  for (const auto& h : headers) list = curl_slist_append(list, h.c_str());
  std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> header_list(list, curl_slist_free_all);
  char detail[CURL_ERROR_SIZE] = "";
  CURL* c = curl.get();
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, list);
  curl_easy_setopt(c, CURLOPT_POSTFIELDS, body.data());
  curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, append_body);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &result.reply.body);
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(timeout_s * 1000));
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(std::min(timeout_s, 10.0) * 1000));
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);  // threads: no SIGALRM for DNS timeouts
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, detail);
  curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, check_cancelled);
  curl_easy_setopt(c, CURLOPT_XFERINFODATA, const_cast<std::atomic<bool>*>(cancelled));
  curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
  const CURLcode code = curl_easy_perform(c);
  if (code != CURLE_OK) {
    describe_failure(code, timeout_s, detail, result);
    return result;
  }
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &result.reply.status);
  return result;
}

}  // namespace gloss
