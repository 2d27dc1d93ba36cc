// A rule-based guess at why a caption was corrected (docs/errors.md has the
// rules). Built on the scene grammar's word lists (scene_caption.h): words are
// grouped into phrases by the noun they describe and phrases are paired per
// shape, because counting changed words alone cannot tell a colour that moved
// with its group from one that changed. Outside the grammar it says "wording".
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace gloss {

// The categories the classifier can guess, in display order.
inline constexpr std::string_view kGuessCategories[] = {"subject", "attributes", "background", "number",
                                                        "wording"};

// Categories (in kGuessCategories order) explaining orig -> final. Empty when
// the two captions have the same words.
std::vector<std::string> classify_correction(std::string_view orig_caption, std::string_view final_caption);

}  // namespace gloss
