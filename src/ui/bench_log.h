// --bench-log FILE (gloss caption): one JSON line per frame and per event, for
// tests/bench/paging.cpp. Off unless opened; every hook is a no-op then.
// Times are steady_clock seconds (CLOCK_MONOTONIC, comparable across
// processes on one machine, so a driver can time from its own launch).
//
//   {"ev":"open","t":...}                               run_caption started
//   {"ev":"key","t":...}                                a key press arrived from the window system
//   {"ev":"dispatch","t":...,"action":"accept","key_t":...}  an action began (key_t: its key's arrival, else t)
//   {"ev":"move","t":...,"pos":N,"task":"hex","stall":B,"key_t":...}  the open task changed
//   {"ev":"shown","t":...,"pos":N,"task":"hex","key_t":...,"ms":...,"frames":F}
//        the end (after swap) of the first frame that drew the moved-to task's
//        texture; ms = t - key_t
//   {"ev":"first_image","t":...,"pos":N,"task":"hex"}  first frame that drew any image
//   {"ev":"frame","n":N,"t0":...,"t1":...,"idle_ms":...,"drawn":"hex"|null,"pos":N,
//    "build_ms":B,"render_ms":R,"swap_ms":S,"ready_ahead":R,"queue":Q}
//        t0 after poll, t1 after swap; build: Window::begin_frame + WindowShell::frame
//        (replayed actions run in there), render: ImGui::Render
//        and the GL calls, swap: glfwSwapBuffers (llvmpipe rasterises here)
//   {"ev":"exit","t":...,"stalls":S,"frames":N,"vmhwm_kb":K,"maxrss_kb":K,"vmrss_kb":K}
#pragma once

#include <cstdint>
#include <filesystem>
#include <string_view>

#include "core/ahead_scheduler.h"

namespace gloss::ui::bench {

void open(const std::filesystem::path& file);  // empty: stays off
bool enabled();
// A step of start-up done ("store", "window", "fonts"...): where launch time goes.
void phase(std::string_view name);
void key_arrival();
void dispatch(std::string_view action);
void moved(std::uint64_t position, std::uint64_t task, bool stall);
void drawn(std::uint64_t task);
void frame_begin();
void frame_built();   // WindowShell::frame returned: views built, nothing rendered yet
void before_swap();   // ImGui rendered into GL, just before the buffer swap
void frame_end(std::uint64_t position, const AheadStatus& status);
void close(std::uint64_t stalls);

}  // namespace gloss::ui::bench
