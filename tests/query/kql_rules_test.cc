/** @file
 *  @brief The rules of KQL (sharepoint-search.md §2.1-2.9), each as queries over a small corpus
 *  whose texts were written for them, with the exact set of items each query must return.
 *
 *  Real index (CommitCoordinator into a TempDir), real Searcher, the conventions of §2.9:
 *  stemming off, a row limit above the corpus size, and a fixed clock
 *  (2024-06-12T10:00:00Z, a Wednesday) for the relative date words.
 */
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "query/searcher.h"
#include "storage/commit_coordinator.h"
#include "tests/support/lettered_hits.h"
#include "tests/support/test_env.h"

namespace docket {
namespace {

struct Doc {
  char letter;
  std::string subject;
  std::string text;
  std::string from;
  ItemKind kind;
  std::string sent;  // UTC
};

// Texts for NEAR/ONEAR are the examples of §2.6.
const std::vector<Doc>& Corpus() {
  static const auto* corpus = new std::vector<Doc>{
      {'A', "Dinner", "This is a recipe of tasty Swedish Meatballs", "x@example.com",
       ItemKind::kEmail, "2024-06-12T08:00:00Z"},  // today
      {'B', "Cooking", "A Swedish cook creates tasty meatballs from an old family recipe",
       "x@example.com", ItemKind::kEmail, "2024-06-11T23:59:59Z"},  // yesterday
      {'C', "Cooking", "A recipe for good meatballs comes from Swedish people", "x@example.com",
       ItemKind::kEmail, "2024-06-09T00:30:00Z"},  // this week (Sunday)
      {'D', "Cooking", "Show me a recipe for Swedish meatballs", "x@example.com", ItemKind::kEmail,
       "2024-06-08T12:00:00Z"},  // last week, this month
      {'E', "Pets", "Is it a cat or a mouse?", "x@example.com", ItemKind::kImConversation,
       "2024-05-31T23:00:00Z"},  // last month
      {'F', "Pets", "The cat chased the mouse and the dog", "x@example.com",
       ItemKind::kImConversation, "2024-05-01T00:00:00Z"},  // last month
      {'G', "Phones", "ANDROID phone update", "x@example.com", ItemKind::kEmail,
       "2024-01-15T12:00:00Z"},  // this year
      {'H', "Cars", "the car dealer sells an automobile", "x@example.com", ItemKind::kEmail,
       "2023-12-31T23:59:00Z"},  // last year
      {'I', "Cars", "automobile museum", "x@example.com", ItemKind::kEmail,
       "2023-01-01T00:00:00Z"},  // last year
      {'J', "Cars", "car wash", "x@example.com", ItemKind::kEmail, "2022-06-12T10:00:00Z"},
      {'K', "Budget review", "approved budget", "alice@contoso.com", ItemKind::kEmail,
       "2024-06-12T23:59:59Z"},  // today
      {'L', "Budget plan", "draft budget", "bob@contoso.com", ItemKind::kEmail,
       "2024-06-13T00:00:00Z"},  // tomorrow: this week, not today
      {'M', "Quarterly", "quarterly meeting", "alice@contoso.com", ItemKind::kMeeting,
       "2024-04-10T09:00:00Z"},
      {'N', "Notes", "the subject of this mail is the budget", "x@example.com", ItemKind::kEmail,
       "2024-06-01T00:00:00Z"},  // this month
      {'O', "Learning About the Advanced Search web part", "advanced searching tips",
       "x@example.com", ItemKind::kEmail, "2021-01-01T00:00:00Z"},
      {'P', "Pets", "cat dog fox", "x@example.com", ItemKind::kImConversation,
       "2021-01-01T00:00:00Z"},
      {'Q', "Distance", "alpha one two three four five six seven eight omega", "x@example.com",
       ItemKind::kEmail, "2021-01-01T00:00:00Z"},
      {'R', "Distance", "alpha one two three four five six seven eight nine omega", "x@example.com",
       ItemKind::kEmail, "2021-01-01T00:00:00Z"},
      {'S', "合約", "請於週五前完成合約審查。", "x@example.com", ItemKind::kEmail,
       "2021-01-01T00:00:00Z"},
  };
  return *corpus;
}

constexpr std::string_view kEverything = "ABCDEFGHIJKLMNOPQRS";

class KqlRulesTest : public testing::LetteredIndexTest<KqlRulesTest> {
 protected:
  static void SetUpTestSuite() {
    dir_ = new testing::TempDir();
    auto coordinator = CommitCoordinator::Open(dir_->path(), {});
    ASSERT_OK(coordinator);
    WriteSet set;
    for (const Doc& d : Corpus()) {
      const ItemId id = (*coordinator)->store().AllocateId();
      letters_[id] = d.letter;
      Item item;
      item.id = id;
      item.kind = d.kind;
      item.title = d.subject;
      item.text = d.text;
      item.from = d.from;
      item.to = {"y@example.com"};
      Result<ParsedUtc> sent = ParseUtc(d.sent);
      ASSERT_OK(sent);
      item.sent = sent->millis;
      item.last_activity = sent->millis;
      item.size = 100;
      item.file_name = std::string(1, d.letter) + ".eml";
      item.ipath = "rules.zip!/" + item.file_name;
      set.items.push_back(std::move(item));
      set.index_ids.push_back(id);
    }
    ASSERT_OK((*coordinator)->Write(set));
    ASSERT_OK((*coordinator)->Flush());
  }

 public:
  Result<SearchResult> Run(const std::string& kql) {
    SearchRequest request;
    request.query_text = kql;
    request.row_limit = 100;
    request.enable_stemming = false;
    request.now = UtcFromCivil(2024, 6, 12, 10, 0, 0);
    return searcher_->Search(request);
  }
};

struct RuleCase {
  const char* rule;
  std::string query;
  std::string expected;  // sorted letters
};

TEST_F(KqlRulesTest, LexicalAndFreeText) {
  for (const RuleCase& c : std::vector<RuleCase>{
           // §2.1 operators are upper case only; terms are case-insensitive.
           {"2.1 lower-case or is a word", "cat or mouse", "E"},
           {"2.1 OR", "cat OR mouse", "EFP"},
           {"2.1 and is a word", "cat and mouse", "F"},
           {"2.1 ANDROID is a term", "ANDROID", "G"},
           {"2.1 terms ignore case", "android PHONE", "G"},
           {"2.1 smart quotes", "\xE2\x80\x9CSwedish meatballs\xE2\x80\x9D", "AD"},
           // §2.2 words, phrases, prefixes, '*'.
           {"2.2 phrase", "\"swedish meatballs\"", "AD"},
           {"2.2 words anywhere", "swedish meatballs", "ABCD"},
           {"2.2 prefix", "meatb*", "ABCD"},
           {"2.2 prefix on the last word of a phrase", "\"advanced sear*\"", "O"},
           {"2.2 prefix elsewhere in a phrase does nothing", "\"advan* searching\"", ""},
           {"2.2 lone * is everything", "*", std::string(kEverything)},
           {"2.2 CJK", "合約審查", "S"},
       }) {
    EXPECT_EQ(c.expected, Matches(c.query)) << c.rule << ": " << c.query;
  }
}

TEST_F(KqlRulesTest, PropertyRestrictionsAndImplicitOperators) {
  for (const RuleCase& c : std::vector<RuleCase>{
           // §2.3
           {"2.3 text property", "subject:budget", "KL"},
           {"2.3 phrase in a property", "title:\"Advanced Search\"", "O"},
           {"2.3 prefix phrase in a property", "title:\"Advanced Sear*\"", "O"},
           {"2.3 whitespace makes free text", "subject: budget", "N"},
           {"2.3 group applies the property to each term", "subject:(budget review)", "K"},
           {"2.3 group with OR", "subject:(review OR quarterly)", "KM"},
           {"2.3 group with exclusion", "subject:(budget -plan)", "K"},
           {"2.3 property has a value", "from:* -kind:email", "EFMP"},
           // §2.4
           {"2.4.3 same property: OR", "from:alice@contoso.com from:bob@contoso.com", "KLM"},
           {"2.4.5 property names ignore case", "FROM:alice@contoso.com from:bob@contoso.com",
            "KLM"},
           {"2.4.5 one expression list only", "from:alice@contoso.com (from:bob@contoso.com)", ""},
           {"2.4.2 different properties: AND", "from:alice@contoso.com subject:budget", "K"},
           {"2.4.3 explicit AND stays AND", "from:alice@contoso.com AND from:bob@contoso.com", ""},
           {"2.4.4 restriction and free text: AND", "budget from:bob@contoso.com", "L"},
           {"2.4.1 free text: AND", "cat mouse", "EF"},
       }) {
    EXPECT_EQ(c.expected, Matches(c.query)) << c.rule << ": " << c.query;
  }
}

TEST_F(KqlRulesTest, BooleanInclusionExclusion) {
  std::string all_but_m(kEverything);
  all_but_m.erase(all_but_m.find('M'), 1);
  for (const RuleCase& c : std::vector<RuleCase>{
           {"2.5 AND", "cat AND dog", "FP"},
           {"2.5 NOT prefix", "cat AND NOT dog", "E"},
           {"2.5 infix NOT", "cat NOT dog", "E"},
           {"2.5 +", "cat +dog", "FP"},
           {"2.5 -", "cat -dog", "E"},
           {"2.5 + and -", "cat +dog -fox", "F"},
           // §2.5: a lone sign is no operator; Exchange reads "a + b" as the phrase.
           {"2.5 'a + b' is the phrase, not AND", "cat + dog", "P"},
           {"2.5 'a - b' is the phrase, not NOT", "cat - dog", "P"},
           {"2.5 a lone sign joins a phrase", "\"tasty swedish\" + meatballs", "A"},
           {"2.5 a lone sign with nothing to join is ignored", "+ cat -", "EFP"},
           {"2.5 only negative", "-kind:meetings", all_but_m},
           {"2.5 only NOT", "NOT cat", "ABCDGHIJKLMNOQRS"},
           {"2.5 parentheses", "(cat OR car) -dog", "EHJ"},
           // §2.7 precedence: AND before OR, NOT before AND.
           {"2.7 AND binds tighter than OR", "cat dog OR car", "FHJP"},
           {"2.7 NOT binds tighter than AND", "NOT cat dog", ""},
           {"2.7 NEAR binds tighter than AND", "swedish recipe NEAR(2) meatballs", "CD"},
       }) {
    EXPECT_EQ(c.expected, Matches(c.query)) << c.rule << ": " << c.query;
  }
}

TEST_F(KqlRulesTest, ProximityAndSynonyms) {
  for (const RuleCase& c : std::vector<RuleCase>{
           // §2.6 NEAR counts intervening tokens, either order; default 8.
           {"NEAR default 8", "alpha NEAR omega", "Q"},
           {"NEAR(9)", "alpha NEAR(9) omega", "QR"},
           {"NEAR(n=7)", "alpha NEAR(n=7) omega", ""},
           {"NEAR either order", "omega NEAR(8) alpha", "Q"},
           {"NEAR(3)", "recipe NEAR(3) meatballs", "ACD"},
           {"NEAR(4)", "recipe NEAR(4) meatballs", "ABCD"},
           {"NEAR(2)", "recipe NEAR(2) meatballs", "CD"},
           {"NEAR(0) is adjacent", "swedish NEAR(0) meatballs", "AD"},
           {"chain applies pairwise", "recipe NEAR(3) meatballs NEAR(2) swedish", "ACD"},
           {"ONEAR keeps the order", "meatballs ONEAR recipe", "B"},
           {"ONEAR chain", "recipe ONEAR(3) meatballs ONEAR(2) swedish", "C"},
           {"NEAR with a phrase", "recipe NEAR(3) \"swedish meatballs\"", "AD"},
           {"ONEAR with a phrase", "\"swedish meatballs\" ONEAR recipe", ""},
           {"NEAR with a prefix", "reci* NEAR(2) meatb*", "CD"},
           {"CJK words are phrases in NEAR", "合約 NEAR 週五", "S"},
           {"CJK ONEAR order", "合約 ONEAR 週五", ""},
           {"CJK ONEAR distance", "週五 ONEAR(n=3) 合約", "S"},
           {"CJK ONEAR too far", "週五 ONEAR(n=2) 合約", ""},
           // WORDS = OR; ALL/ANY/NONE.
           {"WORDS", "WORDS(car, automobile)", "HIJ"},
           {"ALL", "ALL(car automobile)", "H"},
           {"ANY", "ANY(car automobile)", "HIJ"},
           {"NONE", "subject:cars NONE(wash museum)", "H"},
           // XRANK never changes the match set.
           {"XRANK match set", "recipe XRANK(cb=100) good", "ABCD"},
           {"XRANK rank side alone adds nothing", "meatballs XRANK(cb=5) cat", "ABCD"},
           {"XRANK negative", "recipe XRANK(cb=-100) good", "ABCD"},
           {"XRANK in a group", "subject:(cars XRANK(nb=2) budget)", "HIJ"},
       }) {
    EXPECT_EQ(c.expected, Matches(c.query)) << c.rule << ": " << c.query;
  }
}

TEST_F(KqlRulesTest, XrankBoostsWhatMatchesTheRankExpression) {
  Result<SearchResult> boosted = Run("recipe XRANK(cb=100) good");
  ASSERT_OK(boosted);
  ASSERT_EQ(4u, boosted->hits.size());
  EXPECT_EQ('C', Letters(*boosted).front());
  Result<SearchResult> demoted = Run("recipe XRANK(cb=-100) good");
  ASSERT_OK(demoted);
  ASSERT_EQ(4u, demoted->hits.size());
  EXPECT_EQ('C', Letters(*demoted).back());
  // Two XRANKs add up: the item matching both rank expressions comes first.
  Result<SearchResult> both = Run("(meatballs XRANK(cb=10) swedish) XRANK(cb=10) tasty");
  ASSERT_OK(both);
  const std::string order = Letters(*both);
  ASSERT_EQ(4u, order.size());
  EXPECT_TRUE(order.front() == 'A' || order.front() == 'B') << order;
  EXPECT_NE('C', order[0]);
}

TEST_F(KqlRulesTest, RelativeDatesUseTheRequestClock) {
  for (const RuleCase& c : std::vector<RuleCase>{
           {"today", "sent:today", "AK"},
           {"today with =", "sent=today", "AK"},
           {"yesterday", "sent:yesterday", "B"},
           {"this week (Sunday to Saturday)", "sent:\"this week\"", "ABCKL"},
           {"this month", "sent:\"this month\"", "ABCDKLN"},
           {"last month", "sent:\"last month\"", "EF"},
           {"this year", "sent:\"this year\"", "ABCDEFGKLMN"},
           {"last year", "sent:\"last year\"", "HI"},
           {"date-only value is the whole day", "sent:2024-06-11", "B"},
           {"range to the end of day b", "sent:2024-06-08..2024-06-09", "CD"},
       }) {
    EXPECT_EQ(c.expected, Matches(c.query)) << c.rule << ": " << c.query;
  }
}

TEST_F(KqlRulesTest, InvalidQueriesAreInvalidArgument) {
  for (const std::string& query :
       {std::string(""), std::string("AND"), std::string("+"), std::string("a NEAR"),
        std::string("a NEAR(1001) b"), std::string("subject:(a NEAR b)"), std::string("a XRANK b"),
        std::string(4097, 'x')}) {
    Result<SearchResult> result = Run(query);
    ASSERT_FALSE(result.ok()) << query;
    EXPECT_EQ(StatusCode::kInvalidArgument, result.error().code()) << query;
    EXPECT_EQ(0u, result.error().message().rfind("position ", 0)) << result.error().message();
  }
}

}  // namespace
}  // namespace docket
