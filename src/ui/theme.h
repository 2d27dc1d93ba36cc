// Colours with meaning and the ImGui style. One place, so every view agrees
// on what green or amber means.
#pragma once

#include <imgui.h>

namespace gloss::ui::theme {

inline const ImVec4 background{0.105f, 0.110f, 0.122f, 1.f};
inline const ImVec4 panel{0.140f, 0.146f, 0.160f, 1.f};
inline const ImVec4 panel_raised{0.180f, 0.188f, 0.206f, 1.f};
inline const ImVec4 border{0.260f, 0.270f, 0.295f, 1.f};
inline const ImVec4 text{0.910f, 0.918f, 0.930f, 1.f};
inline const ImVec4 text_dim{0.600f, 0.620f, 0.660f, 1.f};
inline const ImVec4 accent{0.380f, 0.620f, 1.000f, 1.f};   // focus, the cursor, "corrected"
inline const ImVec4 inserted{0.330f, 0.800f, 0.530f, 1.f};  // words the annotator added; accepted
inline const ImVec4 deleted{0.960f, 0.420f, 0.440f, 1.f};   // words removed; rejected; errors
inline const ImVec4 waiting{0.950f, 0.720f, 0.300f, 1.f};   // captioning, stalls, skipped
inline const ImVec4 pending{0.450f, 0.470f, 0.510f, 1.f};   // not answered yet

ImU32 u32(const ImVec4& colour, float alpha = 1.f);
void apply(float scale);

}  // namespace gloss::ui::theme
