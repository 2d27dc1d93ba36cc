#include "core/scene_caption.h"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

using namespace gloss;

namespace {

const std::string kTruth =
    "two small red circles and a large blue square on a striped green background";

CategoryErrors compare_texts(const std::string& truth, const std::string& predicted) {
  const auto t = parse_caption(truth);
  const auto p = parse_caption(predicted);
  EXPECT_TRUE(t.has_value());
  EXPECT_TRUE(p.has_value());
  return compare_descriptions(*t, *p);
}

int fired(const CategoryErrors& e) {
  return e.subject + e.attributes + e.number + e.background + e.wording;
}

SceneObject object(Shape shape, Colour colour, Size size, float x) {
  SceneObject o;
  o.shape = shape;
  o.colour = colour;
  o.size = size;
  o.x = x;
  o.y = 0.5f;
  return o;
}

}  // namespace

TEST(SceneCaption, VocabularyIsSmallDistinctAndCoversTheWordLists) {
  const auto& vocab = caption_vocabulary();
  EXPECT_EQ(vocab.size(), 33u);
  EXPECT_LT(vocab.size(), 60u);
  std::set<std::string_view> unique(vocab.begin(), vocab.end());
  EXPECT_EQ(unique.size(), vocab.size());
  for (auto w : kShapePlurals) EXPECT_TRUE(unique.count(w)) << w;
  EXPECT_EQ(shape_word(Shape::cross, true), "crosses");
  EXPECT_EQ(*count_from_word("an"), 1);
  EXPECT_EQ(*count_from_word("four"), 4);
  bool plural = false;
  EXPECT_EQ(*shape_from_word("stars", &plural), Shape::star);
  EXPECT_TRUE(plural);
  EXPECT_EQ(*colour_from_word("gray"), Colour::grey);
  EXPECT_FALSE(colour_from_word("circle").has_value());
}

TEST(SceneCaption, TokenizerLowercasesAndDropsPunctuation) {
  EXPECT_EQ(tokenize_caption("Two small RED circles, and <unk>."),
            (std::vector<std::string>{"two", "small", "red", "circles", "and", "unk"}));
  EXPECT_TRUE(tokenize_caption("  ").empty());
}

TEST(SceneCaption, HandWrittenCaptionOfAScene) {
  Scene s;
  s.background.colour = Colour::green;
  s.background.pattern = Pattern::plain;
  s.objects.push_back(object(Shape::circle, Colour::red, Size::small, 0.2f));
  s.objects.push_back(object(Shape::circle, Colour::red, Size::small, 0.3f));
  s.objects.push_back(object(Shape::cross, Colour::orange, Size::large, 0.8f));
  std::set<std::string> seen;
  for (std::uint64_t seed = 0; seed < 200; ++seed) {
    Rng rng(seed);
    seen.insert(caption_for(s, rng));
  }
  EXPECT_TRUE(seen.count("two small red circles and a large orange cross on a plain green background"));
  EXPECT_TRUE(seen.count("a large orange cross and two small red circles on a plain green background"));
  EXPECT_TRUE(seen.count("a plain green background with two small red circles and a large orange cross"));
  EXPECT_EQ(seen.size(), 4u);
}

TEST(SceneCaption, RoundTripForManyRandomScenes) {
  Rng scenes(2024);
  Rng captions(99);
  for (int i = 0; i < 3000; ++i) {
    const Scene s = random_scene(scenes);
    const std::string caption = caption_for(s, captions);
    const std::vector<std::string> words = tokenize_caption(caption);
    ASSERT_LE(static_cast<int>(words.size()), kMaxCaptionWords) << caption;
    for (const std::string& w : words) {
      const auto& vocab = caption_vocabulary();
      ASSERT_NE(std::find(vocab.begin(), vocab.end(), w), vocab.end()) << w;
    }
    // Exactly words joined by single spaces.
    std::string joined;
    for (const auto& w : words) joined += (joined.empty() ? "" : " ") + w;
    ASSERT_EQ(joined, caption);

    const auto parsed = parse_caption(caption);
    ASSERT_TRUE(parsed.has_value()) << caption;
    EXPECT_TRUE(parsed->complete) << caption;
    const SceneDescription truth = describe_scene(s);
    ASSERT_TRUE(same_content(*parsed, truth)) << caption;
    EXPECT_EQ(parsed->tokens, words);
    EXPECT_FALSE(compare_descriptions(truth, *parsed).any()) << caption;
  }
}

TEST(SceneCaption, WordingChoicesFollowTheDocumentedRule) {
  Rng scenes(5);
  Rng captions(6);
  int plain_objects_first = 0, plain_total = 0;
  int patterned_objects_first = 0, patterned_total = 0;
  int ordered = 0, multi = 0;
  for (int i = 0; i < 4000; ++i) {
    const Scene s = random_scene(scenes);
    const std::string c = caption_for(s, captions);
    const bool objects_first = c.rfind(" background") + 11 == c.size();
    const Pattern p = s.background.pattern;
    if (p == Pattern::plain || p == Pattern::dotted) {
      ++plain_total;
      plain_objects_first += objects_first;
    } else {
      ++patterned_total;
      patterned_objects_first += objects_first;
    }
    const SceneDescription d = describe_scene(s);
    if (d.groups.size() == 2) {
      // Is the first-mentioned group the left one?
      float x[2] = {0, 0};
      int n[2] = {0, 0};
      for (const SceneObject& o : s.objects) {
        const int k = (o.shape == d.groups[0].shape && o.colour == d.groups[0].colour &&
                       o.size == d.groups[0].size)
                          ? 0
                          : 1;
        x[k] += o.x;
        ++n[k];
      }
      const int left = x[0] / n[0] <= x[1] / n[1] ? 0 : 1;
      const GroupDescription& g = d.groups[left];
      const std::string phrase = std::string(size_word(*g.size)) + " " +
                                 std::string(colour_word(*g.colour)) + " " +
                                 std::string(shape_word(g.shape, g.count > 1));
      const std::size_t first_and = c.find(" and ");
      ++multi;
      ordered += c.find(phrase) < first_and;
    }
  }
  const double plain_rate = static_cast<double>(plain_objects_first) / plain_total;
  const double patterned_rate = static_cast<double>(patterned_objects_first) / patterned_total;
  EXPECT_NEAR(plain_rate, 0.8, 0.05);
  EXPECT_NEAR(patterned_rate, 0.2, 0.05);
  // 80% sorted + half of the 20% random permutations of two groups.
  EXPECT_NEAR(static_cast<double>(ordered) / multi, 0.9, 0.05);
}

TEST(SceneCaption, EmptySceneIsJustTheBackground) {
  Scene s;
  s.background.colour = Colour::yellow;
  s.background.pattern = Pattern::checkered;
  Rng rng(1);
  EXPECT_EQ(caption_for(s, rng), "a checkered yellow background");
}

TEST(SceneCaption, ParserIsTolerantOfBrokenOutput) {
  // Plural/count disagreement, a dangling phrase, no background.
  auto d = parse_caption("two small red circle and a large on a plain");
  ASSERT_TRUE(d.has_value());
  EXPECT_FALSE(d->complete);
  ASSERT_EQ(d->groups.size(), 1u);
  EXPECT_EQ(d->groups[0].count, 2);
  EXPECT_EQ(d->groups[0].shape, Shape::circle);
  EXPECT_EQ(*d->groups[0].colour, Colour::red);
  EXPECT_FALSE(d->background_colour.has_value());

  // Unknown words and missing attributes.
  d = parse_caption("a <unk> square and stars on a dotted black background background");
  ASSERT_TRUE(d.has_value());
  EXPECT_FALSE(d->complete);
  ASSERT_EQ(d->groups.size(), 2u);
  EXPECT_EQ(d->groups[0].shape, Shape::square);
  EXPECT_EQ(d->groups[0].count, 1);
  EXPECT_FALSE(d->groups[0].colour.has_value());
  EXPECT_EQ(d->groups[1].shape, Shape::star);
  EXPECT_EQ(d->groups[1].count, 0);  // unknown
  EXPECT_EQ(*d->background_colour, Colour::black);
  EXPECT_EQ(*d->background_pattern, Pattern::dotted);

  EXPECT_FALSE(parse_caption("").has_value());
  EXPECT_FALSE(parse_caption("hello world").has_value());
  EXPECT_FALSE(parse_caption("two small red").has_value());
}

TEST(SceneCaption, RepeatedGroupsMerge) {
  const auto d = parse_caption("a small red circle and a small red circle on a plain grey background");
  ASSERT_TRUE(d.has_value());
  EXPECT_TRUE(d->complete);
  ASSERT_EQ(d->groups.size(), 1u);
  EXPECT_EQ(d->groups[0].count, 2);
  const CategoryErrors e =
      compare_texts("two small red circles on a plain grey background",
                    "a small red circle and a small red circle on a plain grey background");
  EXPECT_TRUE(e.wording);
  EXPECT_EQ(fired(e), 1);
}

TEST(SceneCaption, ExactMatchFiresNothing) {
  const CategoryErrors e = compare_texts(kTruth, kTruth);
  EXPECT_FALSE(e.any());
}

TEST(SceneCaption, SubjectOnly) {
  const CategoryErrors e = compare_texts(
      kTruth, "two small red circles and a large blue star on a striped green background");
  EXPECT_TRUE(e.subject);
  EXPECT_EQ(e.missing_groups, 1);
  EXPECT_EQ(e.extra_groups, 1);
  EXPECT_EQ(fired(e), 1);
  // A missing group is a subject error too.
  const CategoryErrors m =
      compare_texts(kTruth, "two small red circles on a striped green background");
  EXPECT_TRUE(m.subject);
  EXPECT_EQ(m.missing_groups, 1);
  EXPECT_EQ(fired(m), 1);
}

TEST(SceneCaption, AttributesOnly) {
  const CategoryErrors colour = compare_texts(
      kTruth, "two small purple circles and a large blue square on a striped green background");
  EXPECT_TRUE(colour.attributes);
  EXPECT_EQ(colour.colour_errors, 1);
  EXPECT_EQ(colour.size_errors, 0);
  EXPECT_EQ(fired(colour), 1);
  const CategoryErrors size = compare_texts(
      kTruth, "two small red circles and a small blue square on a striped green background");
  EXPECT_TRUE(size.attributes);
  EXPECT_EQ(size.size_errors, 1);
  EXPECT_EQ(fired(size), 1);
}

TEST(SceneCaption, NumberOnly) {
  const CategoryErrors e = compare_texts(
      kTruth, "three small red circles and a large blue square on a striped green background");
  EXPECT_TRUE(e.number);
  EXPECT_EQ(e.count_errors, 1);
  EXPECT_EQ(fired(e), 1);
}

TEST(SceneCaption, BackgroundOnly) {
  const CategoryErrors pattern = compare_texts(
      kTruth, "two small red circles and a large blue square on a dotted green background");
  EXPECT_TRUE(pattern.background);
  EXPECT_TRUE(pattern.background_pattern);
  EXPECT_FALSE(pattern.background_colour);
  EXPECT_EQ(fired(pattern), 1);
  const CategoryErrors colour = compare_texts(
      kTruth, "two small red circles and a large blue square on a striped grey background");
  EXPECT_TRUE(colour.background_colour);
  EXPECT_EQ(fired(colour), 1);
}

TEST(SceneCaption, WordingOnly) {
  const CategoryErrors order = compare_texts(
      kTruth, "a large blue square and two small red circles on a striped green background");
  EXPECT_TRUE(order.wording);
  EXPECT_EQ(fired(order), 1);
  const CategoryErrors templ = compare_texts(
      kTruth, "a striped green background with two small red circles and a large blue square");
  EXPECT_TRUE(templ.wording);
  EXPECT_EQ(fired(templ), 1);
  // Without tokens (describe_scene) wording cannot be judged.
  Scene s;
  s.background.colour = Colour::green;
  s.background.pattern = Pattern::striped;
  s.objects.push_back(object(Shape::square, Colour::blue, Size::large, 0.1f));
  s.objects.push_back(object(Shape::circle, Colour::red, Size::small, 0.5f));
  s.objects.push_back(object(Shape::circle, Colour::red, Size::small, 0.9f));
  EXPECT_FALSE(compare_descriptions(describe_scene(s), *parse_caption(kTruth)).any());
}

TEST(SceneCaption, MatchingPairsGroupsOfTheSameShapeSensibly) {
  const std::string truth =
      "a small red circle and a large blue circle on a plain grey background";
  // Swapped order, one colour wrong: one attribute error, not two.
  const CategoryErrors e = compare_texts(
      truth, "a large blue circle and a small green circle on a plain grey background");
  EXPECT_TRUE(e.attributes);
  EXPECT_EQ(e.colour_errors, 1);
  EXPECT_EQ(e.size_errors, 0);
  EXPECT_EQ(fired(e), 1);
}
