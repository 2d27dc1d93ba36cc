// Krippendorff's alpha for nominal data: how far raters agree beyond what
// their overall label frequencies would give by chance. Tolerates missing
// raters: an item counts with whatever values it has, and only items with
// two or more values (pairable) enter the figure. Same definition as NLTK's
// nltk.metrics.agreement.AnnotationTask(...).alpha() with binary_distance.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace gloss {

struct AlphaResult {
  std::optional<double> alpha;  // nullopt: undefined (see why)
  std::string why;              // why alpha is undefined; empty when it is defined
  std::size_t items = 0;        // items with two or more values
  std::size_t values = 0;       // pairable values: the values of those items
  // The one value every pairable value has, when there is no variation.
  std::optional<std::string> only_value;
};

// One inner vector per item: the values its raters gave (one per rater, in
// any order). alpha = 1 - (n - 1) * sum_u (pairs of different values in u /
// (m_u - 1)) / (pairs of different values over all n pairable values).
AlphaResult nominal_alpha(const std::vector<std::vector<std::string>>& values_per_item);

}  // namespace gloss
