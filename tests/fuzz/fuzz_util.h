// Shared by the libFuzzer targets (tests/fuzz/fuzz_*.cpp): a scratch folder
// per process holding a few images that fuzzed inputs can name, so records
// get past the image probe and into the answer parsing.
#pragma once

#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "core/image.h"
#include "core/interchange.h"
#include "core/lmdb_store.h"

namespace gloss::fuzz {

// Aborts (a finding for libFuzzer) with a message: used for broken invariants.
[[noreturn]] inline void fail(const std::string& what) {
  std::fprintf(stderr, "gloss fuzz: invariant broken: %s\n", what.c_str());
  std::abort();
}

inline void write_bytes(const std::filesystem::path& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!out) fail("cannot write " + path.string());
}

inline Image solid(int w, int h, std::uint8_t r, std::uint8_t g, std::uint8_t b) {
  Image im;
  im.width = w;
  im.height = h;
  for (int i = 0; i < w * h; ++i) im.rgb.insert(im.rgb.end(), {r, g, b});
  return im;
}

// $TMPDIR/gloss-fuzz-XXXXXX, made once per process and removed at exit:
//   a.png (4x3), b.png (2x2), c.ppm (1x1), sub/d.png (3x3), bad.png (text),
//   empty.png (0 bytes). The seed corpora refer to these names.
inline const std::filesystem::path& scratch() {
  static const std::filesystem::path dir = [] {
    const char* tmp = std::getenv("TMPDIR");
    std::string tmpl = std::string(tmp && *tmp ? tmp : "/tmp") + "/gloss-fuzz-XXXXXX";
    if (!mkdtemp(tmpl.data())) fail("mkdtemp " + tmpl);
    const std::filesystem::path d = tmpl;
    std::filesystem::create_directories(d / "sub");
    write_png(d / "a.png", solid(4, 3, 200, 10, 10));
    write_png(d / "b.png", solid(2, 2, 10, 200, 10));
    write_png(d / "sub" / "d.png", solid(3, 3, 10, 10, 200));
    write_bytes(d / "c.ppm", std::string("P6\n1 1\n255\n\x01\x02\x03", 14));
    write_bytes(d / "bad.png", "not an image\n");
    write_bytes(d / "empty.png", "");
    std::atexit([] {
      std::error_code ec;
      std::filesystem::remove_all(scratch(), ec);
    });
    return d;
  }();
  return dir;
}

// A store in the scratch folder (not durable: no fsync), opened once.
inline Store& store() {
  static LmdbStore s(StoreOptions{scratch() / "db", 64u << 20, false});
  return s;
}

// What db-in and db-out do with imported records next: import them into a
// dataset, export it as JSONL and as COCO (each output must parse back), drop it.
inline void through_store(const std::vector<ImportRecord>& records) {
  if (records.empty()) return;
  Store& s = store();
  s.import_records("fuzz", records);
  const DatasetInfo dataset = s.require_dataset("fuzz");
  std::ostringstream jsonl, coco;
  export_dataset(s, dataset, ExportFormat::jsonl, jsonl);
  export_dataset(s, dataset, ExportFormat::coco, coco);
  std::istringstream lines(jsonl.str());
  for (std::string line; std::getline(lines, line);)
    if (nlohmann::json::parse(line, nullptr, false).is_discarded()) fail("db-out wrote a line that is not JSON: " + line);
  if (nlohmann::json::parse(coco.str(), nullptr, false).is_discarded()) fail("db-out wrote COCO that is not JSON");
  if (!s.drop_dataset("fuzz")) fail("dataset vanished");
}

}  // namespace gloss::fuzz
