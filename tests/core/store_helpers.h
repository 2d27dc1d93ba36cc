// Small makers and checks shared by the store tests (store_contract.h and
// the LMDB-only store_test.cpp).
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/store.h"

namespace gloss::test {

inline Task make_task(std::uint64_t hash, const std::string& path = "") {
  Task t;
  t.hash = hash;
  t.path = path.empty() ? "/images/" + std::to_string(hash) + ".png" : path;
  t.width = 10;
  t.height = 20;
  return t;
}

inline Answer make_answer(std::uint64_t task, const std::string& caption, AnswerKind kind = AnswerKind::accept) {
  Answer a;
  a.task = task;
  a.session = "s1";
  a.caption = caption;
  a.orig_caption = "a red circle";
  a.model = "0123456789abcdef";
  a.answer = kind;
  a.categories = {"subject"};
  a.saved_ms = 1700000000123;
  a.ms_spent = 1500;
  a.edit_distance = 2;
  a.extra = {{"_input_hash", -12345}};
  return a;
}

inline std::vector<Task> numbered_tasks(std::uint64_t first, std::uint64_t count) {
  std::vector<Task> out;
  for (std::uint64_t h = first; h < first + count; ++h)
    out.push_back(Task{h, "/img/" + std::to_string(h) + ".png", 8, 8});
  return out;
}

// The first unanswered position from every starting point, the slow way.
inline std::optional<std::uint64_t> brute_first_unanswered(const Store& store, const DatasetInfo& d,
                                                          std::uint64_t from) {
  for (std::uint64_t i = 0; i < d.size; ++i) {
    const std::uint64_t p = (from + i) % d.size;
    if (!store.answer_at(d, p, default_annotator())) return p;
  }
  return std::nullopt;
}

inline void expect_first_unanswered_right(const Store& store, const std::string& name) {
  const DatasetInfo d = store.require_dataset(name);
  for (std::uint64_t from = 0; from <= d.size; ++from)
    ASSERT_EQ(store.first_unanswered(d, from, default_annotator()), brute_first_unanswered(store, d, from))
        << name << " from " << from;
}

}  // namespace gloss::test
