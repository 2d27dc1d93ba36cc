// A rule-based guess at why a caption was corrected (docs/errors.md has the
// rules), with the words that made each guess. Two guesses behind one call:
//  - scene captions (every word from the synthetic scene grammar,
//    scene_caption.h): words are grouped into phrases by the shape they
//    describe and phrases are paired per shape, because counting changed
//    words alone cannot tell a colour that moved with its group from one that
//    changed;
//  - everything else: the everyday guess (everyday_guess.h), built on WordNet.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/everyday_guess.h"

namespace gloss {

// The categories the classifier can guess, in display order.
inline constexpr std::string_view kGuessCategories[] = {"subject", "attributes", "background", "number",
                                                        "wording"};

// Categories (in kGuessCategories order) explaining orig -> final, each with
// the changes that triggered it. Empty when the two captions have the same
// words. Throws std::runtime_error when WordNet is needed and cannot be opened.
std::vector<GuessReason> explain_correction(std::string_view orig_caption, std::string_view final_caption);

// The category names of explain_correction().
std::vector<std::string> classify_correction(std::string_view orig_caption, std::string_view final_caption);

// True when every word is one the scene grammar knows (counts, sizes,
// colours, patterns, shapes, and, on, with, the, background) and a shape or
// "background" is among them: explain_correction() then uses guess_scene().
bool in_scene_grammar(std::string_view caption);

// The scene-grammar guess alone (outside the grammar it can only say "wording").
std::vector<GuessReason> guess_scene(std::string_view orig_caption, std::string_view final_caption);

std::vector<std::string> categories_of(const std::vector<GuessReason>& reasons);

// "subject: cat → dog; + two cats".
std::string format_reason(const GuessReason& reason);

}  // namespace gloss
