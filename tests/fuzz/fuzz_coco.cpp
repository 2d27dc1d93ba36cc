// libFuzzer target: the COCO captions importer (gloss db-in FILE.json).
//
// Each input is written as in.json in a scratch folder that holds a few
// images (see fuzz_util.h) and read with read_import_file. Bad input must
// come back as Problems naming the file, or as a UserError; anything else
// (another exception, a sanitizer report, a broken invariant) is a finding.
// The records then go into a store and out again as JSONL and COCO.
#include <cstddef>
#include <cstdint>
#include <string>

#include "core/error.h"
#include "core/interchange.h"
#include "core/records.h"
#include "fuzz_util.h"

using gloss::fuzz::fail;
using nlohmann::json;

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  gloss::fuzz::scratch();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto& dir = gloss::fuzz::scratch();
  const auto file = dir / "in.json";
  gloss::fuzz::write_bytes(file, std::string(reinterpret_cast<const char*>(data), size));

  gloss::ImportOptions options;
  options.session = "fuzz";
  try {
    const gloss::ImportPlan plan = gloss::read_import_file(file, options);
    if (plan.records.size() > plan.lines) fail("more records than images");
    for (const auto& p : plan.problems) {
      if (p.where.rfind(file.string(), 0) != 0) fail("problem does not name the file: " + p.where);
      if (p.reason.empty()) fail("problem without a reason");
    }
    for (const auto& rec : plan.records) {
      if (!rec.answer) continue;
      const gloss::Answer& a = *rec.answer;
      if (a.answer != gloss::AnswerKind::accept) fail("COCO caption not accepted");
      // What db-out --format coco and the store do with it next.
      const gloss::Answer back = gloss::decode_answer(gloss::encode(a));
      if (back.caption != a.caption || back.extra != a.extra) fail("store encoding changed the answer");
      gloss::to_jsonl_record(rec.task, a).dump(-1, ' ', false, json::error_handler_t::replace);
    }
    gloss::fuzz::through_store(plan.records);
  } catch (const gloss::UserError&) {
    // A refused file is a correct answer.
  }
  return 0;
}
