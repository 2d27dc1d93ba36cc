// libFuzzer target: the Prodigy-style JSONL importer (gloss db-in FILE.jsonl).
//
// Each input is written as in.jsonl in a scratch folder that holds a few
// images (see fuzz_util.h) and read with read_import_file. Bad input must
// come back as Problems naming file:line, or as a UserError; anything else
// (another exception, a sanitizer report, a broken invariant) is a finding.
// Every accepted answer is also taken through what happens to it next: the
// store's encoding (encode/decode_answer) and the db-out JSONL record, whose
// re-import must give the same answer back; then the whole plan goes into a
// store and out again as JSONL and COCO (db-in, db-out).
#include <cstddef>
#include <cstdint>
#include <string>

#include "core/error.h"
#include "core/interchange.h"
#include "core/records.h"
#include "fuzz_util.h"

namespace {

using gloss::fuzz::fail;
using nlohmann::json;

void same_answer(const gloss::Answer& a, const gloss::Answer& b, const char* via) {
  if (a.caption != b.caption || a.orig_caption != b.orig_caption || a.answer != b.answer ||
      a.session != b.session || a.categories != b.categories || a.model != b.model ||
      a.ms_spent != b.ms_spent || a.started_ms != b.started_ms || a.saved_ms != b.saved_ms ||
      a.edit_distance != b.edit_distance)
    fail(std::string("answer changed through ") + via + ": caption \"" + a.caption + "\" vs \"" +
         b.caption + "\"");
}

void check_record(const gloss::ImportRecord& rec, const gloss::ImportOptions& options) {
  if (rec.task.width <= 0 || rec.task.height <= 0) fail("task without pixels");
  if (!rec.answer) return;
  const gloss::Answer& a = *rec.answer;
  if (a.task != rec.task.hash) fail("answer for another task");
  // The store keeps what was imported.
  same_answer(a, gloss::decode_answer(gloss::encode(a)), "the store encoding");
  // db-out writes it (invalid UTF-8 replaced, as export_dataset does) and
  // db-in reads it back.
  const json record = gloss::to_jsonl_record(rec.task, a);
  const std::string line = record.dump(-1, ' ', false, json::error_handler_t::replace);
  const json reread = json::parse(line, nullptr, false);
  if (reread.is_discarded()) fail("db-out wrote a line that is not JSON: " + line);
  try {
    gloss::ImportRecord again = gloss::parse_jsonl_record(record, gloss::fuzz::scratch(), options);
    if (!again.answer) fail("db-out record re-imports as a bare task");
    // Text that was not UTF-8 is legitimately altered by the replacement above,
    // but `record` itself (not the dump) must round trip exactly.
    same_answer(a, *again.answer, "db-out -> db-in");
  } catch (const gloss::UserError& e) {
    fail(std::string("db-out record does not re-import: ") + e.what());
  }
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  gloss::fuzz::scratch();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto& dir = gloss::fuzz::scratch();
  const auto file = dir / "in.jsonl";
  const std::string text(reinterpret_cast<const char*>(data), size);
  gloss::fuzz::write_bytes(file, text);

  gloss::ImportOptions options;
  options.session = "fuzz";
  options.embedded_image_dir = dir / "embedded";
  try {
    const gloss::ImportPlan plan = gloss::read_import_file(file, options);
    std::size_t lines = 0;
    for (char c : text) lines += c == '\n';
    if (plan.lines > lines + 1) fail("more records than lines");
    if (plan.records.size() + plan.problems.size() < plan.lines) fail("a line was neither a record nor a problem");
    for (const auto& p : plan.problems) {
      if (p.where.rfind(file.string() + ":", 0) != 0) fail("problem does not name file:line: " + p.where);
      if (p.line < 1 || static_cast<std::size_t>(p.line) > lines + 1) fail("problem on a line that does not exist");
      if (p.reason.empty()) fail("problem without a reason");
    }
    for (const auto& rec : plan.records) check_record(rec, options);
    gloss::fuzz::through_store(plan.records);
  } catch (const gloss::UserError&) {
    // A refused file is a correct answer.
  }

  // The same lines one at a time through parse_jsonl_record.
  std::size_t start = 0;
  for (int n = 0; start <= text.size() && n < 64; ++n) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    const json j = json::parse(text.substr(start, end - start), nullptr, false);
    if (!j.is_discarded()) {
      try {
        gloss::parse_jsonl_record(j, dir, options);
      } catch (const gloss::UserError&) {
      }
    }
    start = end + 1;
  }

  std::error_code ec;
  if (std::filesystem::exists(options.embedded_image_dir, ec))
    std::filesystem::remove_all(options.embedded_image_dir, ec);
  return 0;
}
