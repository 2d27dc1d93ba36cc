#include "core/hash.h"

#include <gtest/gtest.h>

namespace gloss {
namespace {

TEST(ContentHash, OfTwoPartsEqualsTheHashOfTheirConcatenation) {
  std::string big(3 << 20, '\0');
  for (std::size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>(i * 131 % 251);
  for (std::size_t cut : {std::size_t{0}, std::size_t{1}, std::size_t{240}, std::size_t{65536}, big.size()})
    EXPECT_EQ(content_hash(std::string_view(big).substr(0, cut), std::string_view(big).substr(cut)), content_hash(big))
        << "cut at " << cut;
  EXPECT_NE(content_hash("ab", "c"), content_hash("abc", "d"));
}

}  // namespace
}  // namespace gloss
