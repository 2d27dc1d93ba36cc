// One test per rule family of the everyday error guess (docs/errors.md, "The
// everyday guess"), with the hard cases of issue 18, and the WordNet and
// parsing pieces under it.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/caption_lexicon.h"
#include "core/caption_parse.h"
#include "core/error_classifier.h"
#include "core/wordnet.h"

using namespace gloss;

namespace {

using Cats = std::vector<std::string>;
using Reasons = std::vector<GuessReason>;

Cats guess(const std::string& before, const std::string& after) {
  return categories_of(guess_everyday(before, after));
}

}  // namespace

TEST(WordNet, BaseFormsSynonymsAndKinds) {
  EXPECT_EQ(wordnet::base_form("dogs", wordnet::Pos::noun), "dog");
  EXPECT_EQ(wordnet::base_form("geese", wordnet::Pos::noun), "goose");
  EXPECT_EQ(wordnet::base_form("sitting", wordnet::Pos::verb), "sit");
  EXPECT_EQ(wordnet::base_form("kitchen", wordnet::Pos::noun), "kitchen");
  EXPECT_TRUE(wordnet::synonyms("big", "large", wordnet::Pos::adjective));
  EXPECT_FALSE(wordnet::synonyms("black", "white", wordnet::Pos::adjective));
  EXPECT_TRUE(same_meaning("couch", "sofa"));
  EXPECT_FALSE(same_meaning("cat", "dog"));
  EXPECT_EQ(noun_kind("kitchen"), NounKind::place);  // room, before artifact
  EXPECT_EQ(noun_kind("beach"), NounKind::place);    // geological formation
  EXPECT_EQ(noun_kind("couch"), NounKind::thing);
  EXPECT_EQ(noun_kind("woman"), NounKind::person);
  EXPECT_EQ(noun_kind("giraffe"), NounKind::animal);
  EXPECT_EQ(noun_kind("pizza"), NounKind::food);
  EXPECT_EQ(noun_kind("shirt"), NounKind::clothing);
  EXPECT_EQ(noun_kind("bus"), NounKind::vehicle);
  EXPECT_EQ(noun_kind("photo"), NounKind::picture);
  EXPECT_EQ(noun_kind("xqzzy"), NounKind::unknown);
  EXPECT_EQ(noun_form("people").lemma, "person");
  EXPECT_TRUE(noun_form("men").plural);
  EXPECT_FALSE(noun_form("sheep").plural);
}

TEST(CaptionParse, PhrasesRolesAndVerbs) {
  const ParsedCaption p = parse_everyday_caption("Two small dogs are playing with a ball in the living room.");
  ASSERT_EQ(p.phrases.size(), 3u);
  EXPECT_EQ(p.phrases[0].head, "dog");
  EXPECT_EQ(p.phrases[0].count, "2");
  EXPECT_EQ(p.phrases[0].modifiers, std::vector<std::string>{"small"});
  EXPECT_EQ(p.phrases[0].role, PhraseRole::main);
  EXPECT_EQ(p.phrases[1].role, PhraseRole::with);
  EXPECT_EQ(p.phrases[2].head, "living_room");  // a WordNet compound
  EXPECT_EQ(p.phrases[2].role, PhraseRole::setting);
  ASSERT_EQ(p.verbs.size(), 1u);
  EXPECT_EQ(p.verbs[0].lemma, "play");
  // "a group of" is the count of the phrase after it; "a photo of" frames it.
  const ParsedCaption q = parse_everyday_caption("a photo of a group of people next to a bus");
  ASSERT_EQ(q.phrases.size(), 3u);
  EXPECT_TRUE(q.phrases[0].framing);
  EXPECT_EQ(q.phrases[1].count, "group");
  EXPECT_EQ(q.phrases[1].role, PhraseRole::main);
  EXPECT_EQ(q.phrases[2].role, PhraseRole::proximity);
  // After a noun an -ing word is a verb, before one a modifier.
  EXPECT_EQ(parse_everyday_caption("a sleeping baby").phrases[0].modifiers, std::vector<std::string>{"sleeping"});
  EXPECT_EQ(parse_everyday_caption("an airplane landing").verbs.size(), 1u);
  EXPECT_EQ(parse_everyday_caption("the dogs run on the beach").verbs.size(), 1u);
}

TEST(EverydayRules, Subject) {
  EXPECT_EQ(guess("a cat sitting on a couch", "a dog sitting on a couch"), Cats{"subject"});
  EXPECT_EQ(guess("a woman holding an umbrella", "a woman holding a handbag"), Cats{"subject"});
  EXPECT_EQ(guess("a dog on a couch", "a dog and a cat on a couch"), Cats{"subject"});  // added
  EXPECT_EQ(guess("a man and a woman on a bench", "a man on a bench"), Cats{"subject"});  // removed
  EXPECT_EQ(guess("a dog chasing a cat", "a cat chasing a dog"), Cats{"subject"});        // swapped roles
  EXPECT_EQ(guess_everyday("a cat sitting on a couch", "a dog sitting on a couch"),
            (Reasons{{"subject", {"cat \u2192 dog"}}}));
}

TEST(EverydayRules, Attributes) {
  EXPECT_EQ(guess("a black cat on a bed", "a white cat on a bed"), Cats{"attributes"});
  EXPECT_EQ(guess("an old man on a bench", "a young man on a bench"), Cats{"attributes"});
  EXPECT_EQ(guess("a horse", "a white horse"), Cats{"attributes"});
  EXPECT_EQ(guess("a dog sitting on a couch", "a dog lying on a couch"), Cats{"attributes"});  // a pose
  EXPECT_EQ(guess("a man wearing a shirt", "a man wearing a jacket"), Cats{"attributes"});      // clothing
  EXPECT_EQ(guess("a glass of red wine", "a glass of white wine"), Cats{"attributes"});  // compounds' first part
}

TEST(EverydayRules, SynonymAdjectivesAndNounsAreWording) {
  EXPECT_EQ(guess("a big dog on the grass", "a large dog on the grass"), Cats{"wording"});
  EXPECT_EQ(guess("a grey cat", "a gray cat"), Cats{"wording"});
  EXPECT_EQ(guess("a man riding a bike", "a man riding a bicycle"), Cats{"wording"});
  EXPECT_EQ(guess_everyday("a big dog", "a large dog"), (Reasons{{"wording", {"big \u2192 large"}}}));
}

TEST(EverydayRules, Background) {
  EXPECT_EQ(guess("a dog playing in a park", "a dog playing on a beach"), Cats{"background"});
  EXPECT_EQ(guess("a kitchen with white cabinets", "a bathroom with white cabinets"), Cats{"background"});
  EXPECT_EQ(guess("a truck on a bridge", "a truck under a bridge"), Cats{"background"});  // another relation
  EXPECT_EQ(guess("a dog on a green lawn", "a dog on a dry lawn"), Cats{"background"});   // what the place is like
}

TEST(EverydayRules, AnAddedWherePhraseIsBackground) {
  EXPECT_EQ(guess_everyday("a dog", "a dog on a beach"), (Reasons{{"background", {"+ on a beach"}}}));
  EXPECT_EQ(guess("a woman on a bench in a park", "a woman on a bench"), Cats{"background"});
  EXPECT_EQ(guess("a sailboat on the water", "a sailboat on the water at night"), Cats{"background"});
}

// A noun that names a thing and a place: where it stands decides.
TEST(EverydayRules, ANounBothSubjectLikeAndPlaceLike) {
  EXPECT_EQ(guess("a boat on a lake", "a canoe on a lake"), Cats{"subject"});     // the boat is the subject
  EXPECT_EQ(guess("a man on a boat", "a man on a dock"), Cats{"background"});     // the boat is where he is
  EXPECT_EQ(guess("a bed in a hotel room", "a couch in a hotel room"), Cats{"subject"});
  EXPECT_EQ(guess("a man sleeping on a bed", "a man sleeping on a couch"), Cats{"background"});
  EXPECT_EQ(guess("a woman on a horse", "a woman on a camel"), Cats{"subject"});  // on an animal is riding
}

TEST(EverydayRules, Number) {
  EXPECT_EQ(guess("two dogs playing in a park", "three dogs playing in a park"), Cats{"number"});
  EXPECT_EQ(guess("a cat on a couch", "two cats on a couch"), Cats{"number"});
  EXPECT_EQ(guess("three people on a beach", "a group of people on a beach"), Cats{"number"});
  EXPECT_EQ(guess("many sheep on a hill", "a few sheep on a hill"), Cats{"number"});
  EXPECT_EQ(guess("a boy with 3 balloons", "a boy with 4 balloons"), Cats{"number"});
  EXPECT_EQ(guess_everyday("a dog is running", "two dogs are running"), (Reasons{{"number", {"a dog \u2192 two dogs"}}}));
}

TEST(EverydayRules, PluralsThatAreAndAreNotCountChanges) {
  EXPECT_EQ(guess("a zebra in the grass", "zebras in the grass"), Cats{"number"});
  EXPECT_EQ(guess("the dog runs on the beach", "the dogs run on the beach"), Cats{"number"});
  EXPECT_EQ(guess("a person on a beach", "people on a beach"), Cats{"number"});
  // The count word stays: only the noun agrees with it now.
  EXPECT_EQ(guess("two giraffe near a tree", "two giraffes near a tree"), Cats{"wording"});
  EXPECT_EQ(guess("2 cats on a bed", "two cats on a bed"), Cats{"wording"});
  EXPECT_EQ(guess("a couple of people on a boat", "two people on a boat"), Cats{"wording"});
}

TEST(EverydayRules, Wording) {
  EXPECT_EQ(guess("a photo of a cat", "a picture of a cat"), Cats{"wording"});
  EXPECT_EQ(guess("an image of a plane in the sky", "a plane in the sky"), Cats{"wording"});
  EXPECT_EQ(guess("a dog is sitting on a couch", "a dog sits on a couch"), Cats{"wording"});
  EXPECT_EQ(guess("a dog and a cat on a couch", "a cat and a dog on a couch"), Cats{"wording"});  // order
  EXPECT_EQ(guess("there is a dog on the couch", "a dog on the couch"), Cats{"wording"});
  EXPECT_EQ(guess("a cat on a bed", "a cat on a bed"), Cats{});
}

TEST(EverydayRules, SeveralCategoriesAtOnce) {
  EXPECT_EQ(guess("a cat sitting on a couch", "two dogs sitting on a bed"), (Cats{"subject", "background", "number"}));
  EXPECT_EQ(guess("a photo of a dog on a beach", "a picture of a cat on a beach"), (Cats{"subject", "wording"}));
  EXPECT_EQ(guess_everyday("a small dog on a couch", "a large dog on a bed"),
            (Reasons{{"attributes", {"small \u2192 large"}}, {"background", {"couch \u2192 bed"}}}));
  // Never "other", whatever the words.
  for (const auto& c : guess("zxq blorp", "vrrm snk")) EXPECT_NE(c, "other");
}

TEST(EverydayRules, CollectiveNounsCountThePhraseAfterThem) {
  EXPECT_EQ(parse_everyday_caption("lots of people on a beach").phrases[0].count, "group");
  EXPECT_EQ(parse_everyday_caption("a pair of shoes").phrases[0].count, "2");
  EXPECT_EQ(guess("lots of people on a beach", "two people on a beach"), Cats{"number"});
}
