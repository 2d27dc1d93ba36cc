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

std::string_view to_string(CompareChoice choice) {
  switch (choice) {
    case CompareChoice::a: return "a";
    case CompareChoice::b: return "b";
    case CompareChoice::both_good: return "both-good";
    case CompareChoice::both_bad: return "both-bad";
    case CompareChoice::none: return "none";
  }
  return "none";
}

std::optional<CompareChoice> parse_compare_choice(std::string_view text) {
  for (CompareChoice c : {CompareChoice::a, CompareChoice::b, CompareChoice::both_good, CompareChoice::both_bad,
                          CompareChoice::none})
    if (to_string(c) == text) return c;
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

static json compare_to_json(const CompareRecord& c) {
  return {{"a", c.model_a}, {"b", c.model_b}, {"ca", c.caption_a}, {"cb", c.caption_b},
          {"left", c.a_on_left ? "a" : "b"}, {"choice", std::string(to_string(c.choice))},
          {"identical", c.identical}, {"edited", c.edited}};
}

static CompareRecord compare_from_json(const json& j) {
  CompareRecord c;
  c.model_a = j.at("a").get<std::string>();
  c.model_b = j.at("b").get<std::string>();
  c.caption_a = j.at("ca").get<std::string>();
  c.caption_b = j.at("cb").get<std::string>();
  c.a_on_left = j.at("left").get<std::string>() == "a";
  const auto choice = parse_compare_choice(j.at("choice").get<std::string>());
  if (!choice) throw StoreError("corrupt answer record in the store: unknown comparison choice");
  c.choice = *choice;
  c.identical = j.at("identical").get<bool>();
  c.edited = j.at("edited").get<bool>();
  return c;
}

std::string encode(const Answer& a) {
  json j = {{"task", a.task}, {"session", a.session}, {"caption", a.caption},
            {"orig", a.orig_caption}, {"model", a.model},
            {"answer", std::string(to_string(a.answer))}, {"cats", a.categories},
            {"started", a.started_ms}, {"saved", a.saved_ms}, {"spent", a.ms_spent},
            {"dist", a.edit_distance}, {"extra", a.extra}};
  if (a.compare) j["cmp"] = compare_to_json(*a.compare);
  return to_msgpack(j);
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
    if (const auto it = j.find("cmp"); it != j.end()) a.compare = compare_from_json(*it);
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
