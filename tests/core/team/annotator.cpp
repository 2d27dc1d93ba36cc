// A stand-in annotator for the team tests: the captioning session the window
// runs (CaptionSession: claims ahead, saves, heartbeats), driven in a loop
// from one process, so tests can start several real annotators at once and
// kill one mid-session.
//
//   gloss_test_annotator STORE DATASET ANNOTATOR [PAUSE_MS [OUTBOX_DIR [PROGRESS_FILE]]]
//
// With OUTBOX_DIR the store is seen through an outbox there, as the windows
// see a database store. PROGRESS_FILE gets the number of answers saved so
// far, rewritten after each one.
//
// Answers until the dataset is done (waiting, at most a minute, while the
// tasks left are leased to others), then prints the number of answers it saved and exits 0.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>

#include <filesystem>
#include <fstream>

#include "core/caption_session.h"
#include "core/error.h"
#include "core/outbox_store.h"
#include "core/store.h"

namespace {
void write_progress(const std::string& file, std::uint64_t saved) {
  if (file.empty()) return;
  {
    std::ofstream out(file + ".tmp");
    out << saved << "\n";
  }
  std::filesystem::rename(file + ".tmp", file);
}
}  // namespace

int main(int argc, char** argv) {
  if (argc < 4) {
    std::fprintf(stderr, "usage: %s STORE DATASET ANNOTATOR [PAUSE_MS [OUTBOX_DIR [PROGRESS_FILE]]]\n", argv[0]);
    return 2;
  }
  const std::string dataset = argv[2], annotator = argv[3];
  const int pause_ms = argc > 4 ? std::atoi(argv[4]) : 0;
  const std::string outbox = argc > 5 ? argv[5] : "", progress = argc > 6 ? argv[6] : "";
  try {
    std::unique_ptr<gloss::Store> store = gloss::open_store(argv[1]);
    if (!outbox.empty())
      store = std::make_unique<gloss::OutboxStore>(std::move(store), outbox, std::chrono::milliseconds(200));
    gloss::CaptionSession session(*store, dataset, annotator + "-session", "");
    session.set_annotator(annotator);
    std::uint64_t saved = 0;
    int waits = 0;
    session.open_first_unanswered(gloss::now_ms());
    for (;;) {
      if (session.all_answered()) {
        const gloss::DatasetInfo d = store->require_dataset(dataset);
        if (d.answered >= d.size) break;
        if (++waits > 600) {
          std::fprintf(stderr, "%s: waited 60 s for tasks leased to others; %llu of %llu done\n", annotator.c_str(),
                       static_cast<unsigned long long>(d.answered), static_cast<unsigned long long>(d.size));
          return 3;
        }
        // The rest is leased to others: wait for them to answer or to lapse.
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        session.heartbeat(gloss::now_ms());
        session.open_first_unanswered(gloss::now_ms());
        continue;
      }
      if (pause_ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(pause_ms));
      session.edit_box("a caption by " + annotator);
      session.accept(gloss::now_ms());
      ++saved;
      write_progress(progress, saved);
      session.heartbeat(gloss::now_ms());
    }
    session.release_claims();
    std::printf("saved %llu\n", static_cast<unsigned long long>(saved));
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s: %s\n", annotator.c_str(), e.what());
    return 1;
  }
}
