#include "core/records.h"

#include <chrono>

#include "core/error.h"

namespace gloss {
using nlohmann::json;

std::string_view to_string(AnswerKind kind) {
  switch (kind) {
    case AnswerKind::accept: return "accept";
    case AnswerKind::reject: return "reject";
    case AnswerKind::ignore: return "ignore";
  }
  return "accept";
}

std::optional<AnswerKind> parse_answer_kind(std::string_view text) {
  if (text == "accept") return AnswerKind::accept;
  if (text == "reject") return AnswerKind::reject;
  if (text == "ignore") return AnswerKind::ignore;
  return std::nullopt;
}

std::int64_t now_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

namespace {

std::string to_msgpack(const json& j) {
  const auto bytes = json::to_msgpack(j);
  return std::string(bytes.begin(), bytes.end());
}

json from_msgpack(std::string_view bytes, const char* what) {
  try {
    return json::from_msgpack(bytes.begin(), bytes.end());
  } catch (const json::exception& e) {
    throw StoreError(std::string("corrupt ") + what + " record in the store: " + e.what());
  }
}

template <class F>
auto decode_fields(std::string_view bytes, const char* what, F&& fill) {
  const json j = from_msgpack(bytes, what);
  try {
    return fill(j);
  } catch (const json::exception& e) {
    throw StoreError(std::string("corrupt ") + what + " record in the store: " + e.what());
  }
}

}  // namespace

std::string encode(const Task& t) {
  return to_msgpack({{"hash", t.hash}, {"path", t.path}, {"w", t.width}, {"h", t.height},
                     {"added", t.added_ms}});
}

Task decode_task(std::string_view bytes) {
  return decode_fields(bytes, "task", [](const json& j) {
    Task t;
    t.hash = j.at("hash").get<std::uint64_t>();
    t.path = j.at("path").get<std::string>();
    t.width = j.at("w").get<int>();
    t.height = j.at("h").get<int>();
    t.added_ms = j.value("added", std::int64_t{0});
    return t;
  });
}

std::string encode(const Answer& a) {
  return to_msgpack({{"task", a.task}, {"session", a.session}, {"caption", a.caption},
                     {"orig", a.orig_caption}, {"model", a.model},
                     {"answer", std::string(to_string(a.answer))}, {"cats", a.categories},
                     {"started", a.started_ms}, {"saved", a.saved_ms}, {"spent", a.ms_spent},
                     {"dist", a.edit_distance}, {"extra", a.extra}});
}

Answer decode_answer(std::string_view bytes) {
  return decode_fields(bytes, "answer", [](const json& j) {
    Answer a;
    a.task = j.at("task").get<std::uint64_t>();
    a.session = j.at("session").get<std::string>();
    a.caption = j.at("caption").get<std::string>();
    a.orig_caption = j.at("orig").get<std::string>();
    a.model = j.at("model").get<std::string>();
    const auto kind = parse_answer_kind(j.at("answer").get<std::string>());
    if (!kind) throw StoreError("corrupt answer record in the store: unknown answer kind");
    a.answer = *kind;
    a.categories = j.at("cats").get<std::vector<std::string>>();
    a.started_ms = j.at("started").get<std::int64_t>();
    a.saved_ms = j.at("saved").get<std::int64_t>();
    a.ms_spent = j.at("spent").get<std::int64_t>();
    a.edit_distance = j.at("dist").get<int>();
    a.extra = j.value("extra", json::object());
    return a;
  });
}

std::string encode(const Suggestion& s) {
  return to_msgpack({{"caption", s.caption}, {"tokens", s.tokens}, {"logp", s.log_prob},
                     {"conf", s.confidence}, {"created", s.created_ms}});
}

Suggestion decode_suggestion(std::string_view bytes) {
  return decode_fields(bytes, "suggestion", [](const json& j) {
    Suggestion s;
    s.caption = j.at("caption").get<std::string>();
    s.tokens = j.at("tokens").get<std::vector<std::int64_t>>();
    s.log_prob = j.at("logp").get<float>();
    s.confidence = j.at("conf").get<float>();
    s.created_ms = j.at("created").get<std::int64_t>();
    return s;
  });
}

}  // namespace gloss
