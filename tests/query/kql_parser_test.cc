/** @file
 *  @brief KQL parser: table tests of the printed AST and of error positions, plus a
 *  no-crash loop over random bytes and mangled valid queries.
 */
#include "query/kql_parser.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <string_view>

#include "tests/support/test_env.h"

namespace docket {
namespace {

struct KqlCase {
  std::string_view input;
  std::string_view expected;
};

constexpr KqlCase kValidCases[] = {
    // Terms, phrases, implicit AND (§2.2, §2.4.1).
    {"budget", "TERM(budget)"},
    {"budget review", "AND(TERM(budget), TERM(review))"},
    {"\"budget review\"", "PHRASE(budget review)"},
    {"合約審查", "TERM(合約審查)"},
    {"from:alice \"合約審查\"", "AND(PROP(from, TERM(alice)), PHRASE(合約審查))"},
    {"  spaced   out  ", "AND(TERM(spaced), TERM(out))"},
    // Operators are upper case only and whole words (§2.1).
    {"cat AND dog", "AND(TERM(cat), TERM(dog))"},
    {"cat and dog", "AND(TERM(cat), TERM(and), TERM(dog))"},
    {"cat or mouse", "AND(TERM(cat), TERM(or), TERM(mouse))"},
    {"ANDROID NOTE", "AND(TERM(ANDROID), TERM(NOTE))"},
    {"cat OR dog", "OR(TERM(cat), TERM(dog))"},
    {"a OR b OR c", "OR(TERM(a), TERM(b), TERM(c))"},
    {"NOT falcon", "NOT(TERM(falcon))"},
    {"budget AND NOT falcon", "AND(TERM(budget), NOT(TERM(falcon)))"},
    {"budget NOT falcon", "AND(TERM(budget), NOT(TERM(falcon)))"},
    {"NOT NOT x", "NOT(NOT(TERM(x)))"},
    // + and - touch their operand (§2.5).
    {"-falcon budget", "AND(NOT(TERM(falcon)), TERM(budget))"},
    {"cat +dog -fox", "AND(TERM(cat), TERM(dog), NOT(TERM(fox)))"},
    {"cat - dog", "PHRASE(cat dog)"},
    {"e-mail", "TERM(e-mail)"},
    {"-\"a b\"", "NOT(PHRASE(a b))"},
    {"-(a OR b) c", "AND(NOT(OR(TERM(a), TERM(b))), TERM(c))"},
    // Precedence: prefix operators > AND > OR (§2.7).
    {"a b OR c", "OR(AND(TERM(a), TERM(b)), TERM(c))"},
    {"a OR b c", "OR(TERM(a), AND(TERM(b), TERM(c)))"},
    {"a AND b OR c AND d", "OR(AND(TERM(a), TERM(b)), AND(TERM(c), TERM(d)))"},
    {"a AND (b OR c)", "AND(TERM(a), OR(TERM(b), TERM(c)))"},
    {"(a)", "TERM(a)"},
    {"((a OR b))", "OR(TERM(a), TERM(b))"},
    {"NOT a OR b", "OR(NOT(TERM(a)), TERM(b))"},
    {"a OR NOT b", "OR(TERM(a), NOT(TERM(b)))"},
    // Wildcards and match-all (§2.2).
    {"fal*", "TERM(fal*)"},
    {"fal**", "TERM(fal*)"},
    {"*", "MATCHALL"},
    {"* from:alice", "AND(MATCHALL, PROP(from, TERM(alice)))"},
    {"\"Advanced Sear*\"", "PHRASE(Advanced Sear*)"},
    {"\"ronnie@contoso\"*", "PHRASE(ronnie@contoso*)"},
    // Property restrictions (§2.3).
    {"from:alice", "PROP(from, TERM(alice))"},
    {"From:Alice@Contoso.com", "PROP(from, TERM(Alice@Contoso.com))"},
    {"subject:\"budget review\"", "PROP(subject, PHRASE(budget review))"},
    {"title:\"Advanced Sear*\"", "PROP(title, PHRASE(Advanced Sear*))"},
    {"from:ali*", "PROP(from, TERM(ali*))"},
    {"subject:*", "PROP(subject, MATCHALL)"},
    {"kind:im", "PROP(kind, TERM(im))"},
    {"KIND:Meetings", "PROP(kind, TERM(Meetings))"},
    {"sent>=2013-06-01", "PROP(sent, >=, TERM(2013-06-01))"},
    {"sent<=2013-06-30", "PROP(sent, <=, TERM(2013-06-30))"},
    {"sent>2013-06-01", "PROP(sent, >, TERM(2013-06-01))"},
    {"sent<2013-06-01", "PROP(sent, <, TERM(2013-06-01))"},
    {"sent=2013-06-03", "PROP(sent, =, TERM(2013-06-03))"},
    {"sent<>2013-06-03", "PROP(sent, <>, TERM(2013-06-03))"},
    {"sent:2013-06-01..2013-06-30", "PROP(sent, RANGE(2013-06-01, 2013-06-30))"},
    {"size:1..1048576", "PROP(size, RANGE(1, 1048576))"},
    {"size>26214400", "PROP(size, >, TERM(26214400))"},
    {"title:AND", "PROP(title, TERM(AND))"},
    {"subject:(budget review)", "PROP(subject, AND(TERM(budget), TERM(review)))"},
    {"subject:(a OR b) c", "AND(PROP(subject, OR(TERM(a), TERM(b))), TERM(c))"},
    {"(from:alice OR from:bob)", "OR(PROP(from, TERM(alice)), PROP(from, TERM(bob)))"},
    {"nosuchprop:x", "PROP(nosuchprop, TERM(x))"},
    {"12:30", "TERM(12:30)"},
    // White space around the operator makes free text (§2.3).
    {"author: \"John Smith\"", "AND(TERM(author), PHRASE(John Smith))"},
    {"author :\"John Smith\"", "AND(TERM(author), TERM(:), PHRASE(John Smith))"},
    // Same property, implicit operator: OR; different properties or explicit AND: AND (§2.4).
    {"from:alice from:bob", "OR(PROP(from, TERM(alice)), PROP(from, TERM(bob)))"},
    {"from:alice FROM:bob from:carol",
     "OR(PROP(from, TERM(alice)), PROP(from, TERM(bob)), PROP(from, TERM(carol)))"},
    {"from:alice to:bob", "AND(PROP(from, TERM(alice)), PROP(to, TERM(bob)))"},
    {"from:alice AND from:bob", "AND(PROP(from, TERM(alice)), PROP(from, TERM(bob)))"},
    {"from:alice from:bob budget",
     "AND(OR(PROP(from, TERM(alice)), PROP(from, TERM(bob))), TERM(budget))"},
    {"from:alice budget from:bob",
     "AND(PROP(from, TERM(alice)), TERM(budget), PROP(from, TERM(bob)))"},
    {"-from:alice -from:bob", "AND(NOT(PROP(from, TERM(alice))), NOT(PROP(from, TERM(bob))))"},
    {"kind:im kind:meetings sent>=2013-06-01",
     "AND(OR(PROP(kind, TERM(im)), PROP(kind, TERM(meetings))), PROP(sent, >=, "
     "TERM(2013-06-01)))"},
    // Smart quotes are straight quotes; NBSP and the ideographic space are white space.
    {"\xE2\x80\x9C"
     "budget review"
     "\xE2\x80\x9D",
     "PHRASE(budget review)"},
    {"見積書\xE3\x80\x80"
     "合約",
     "AND(TERM(見積書), TERM(合約))"},
    {"a\xC2\xA0"
     "b",
     "AND(TERM(a), TERM(b))"},
    // Touching operands are still separate operands.
    {"a\"b c\"d", "AND(TERM(a), PHRASE(b c), TERM(d))"},
    // '+' with a space after it is not an operator (§2.5).
    // Exchange reads "keyword1 + keyword2" as the literal phrase; so do we.
    {"keyword1 + keyword2", "PHRASE(keyword1 keyword2)"},
    {"a - b", "PHRASE(a b)"},
    {"x a + b - \"c d\" + e* y", "AND(TERM(x), PHRASE(a b c d e*), TERM(y))"},
    {"-a + b OR c", "OR(NOT(PHRASE(a b)), TERM(c))"},
    {"a + b NEAR c", "NEAR(8, PHRASE(a b), TERM(c))"},
    // Only free-text words and phrases join; elsewhere the sign is a TERM the planner drops.
    {"a* + b", "AND(TERM(a*), TERM(+), TERM(b))"},
    {"a + (b)", "AND(TERM(a), TERM(+), TERM(b))"},
    {"a + from:x", "AND(TERM(a), TERM(+), PROP(from, TERM(x)))"},
    {"from:x + b", "AND(PROP(from, TERM(x)), TERM(+), TERM(b))"},
    {"+ a", "AND(TERM(+), TERM(a))"},
    {"a + + b", "AND(TERM(a), TERM(+), TERM(+), TERM(b))"},
    {"a +", "AND(TERM(a), TERM(+))"},
    {"cat +dog", "AND(TERM(cat), TERM(dog))"},
    {"a NOT b c", "AND(TERM(a), NOT(TERM(b)), TERM(c))"},
    // Same-property OR: case-insensitive names, only within one expression list (§2.4.5).
    {"Author:a AUTHOR:b", "OR(PROP(author, TERM(a)), PROP(author, TERM(b)))"},
    {"author:a (author:b)", "AND(PROP(author, TERM(a)), PROP(author, TERM(b)))"},
    {"author:(\"John Smith\" \"Jane Smith\")",
     "PROP(author, AND(PHRASE(John Smith), PHRASE(Jane Smith)))"},
    {"title:((Advanced OR Search OR Query) -\"Advanced Search Query\")",
     "PROP(title, AND(OR(TERM(Advanced), TERM(Search), TERM(Query)), NOT(PHRASE(Advanced Search "
     "Query))))"},
    // NEAR / ONEAR (§2.6): default 8, (n=k) and (k), chains nest to the left.
    {"a NEAR b", "NEAR(8, TERM(a), TERM(b))"},
    {"a NEAR(n=3) b", "NEAR(3, TERM(a), TERM(b))"},
    {"a NEAR(3) b", "NEAR(3, TERM(a), TERM(b))"},
    {"a NEAR(0) b", "NEAR(0, TERM(a), TERM(b))"},
    {"a ONEAR(n=2) \"b c\"", "ONEAR(2, TERM(a), PHRASE(b c))"},
    {"recipe NEAR(3) meatballs NEAR(2) swedish",
     "NEAR(2, NEAR(3, TERM(recipe), TERM(meatballs)), TERM(swedish))"},
    {"a near b", "AND(TERM(a), TERM(near), TERM(b))"},
    {"NEARBY x", "AND(TERM(NEARBY), TERM(x))"},
    {"x a NEAR b y", "AND(TERM(x), NEAR(8, TERM(a), TERM(b)), TERM(y))"},
    {"a NEAR b OR c", "OR(NEAR(8, TERM(a), TERM(b)), TERM(c))"},
    {"-a NEAR b", "NOT(NEAR(8, TERM(a), TERM(b)))"},
    {"reci* NEAR meat", "NEAR(8, TERM(reci*), TERM(meat))"},
    // WORDS, ALL, ANY, NONE.
    {"WORDS(car, automobile)", "WORDS(TERM(car), TERM(automobile))"},
    {"WORDS(car,automobile,\"motor vehicle\")",
     "WORDS(TERM(car), TERM(automobile), PHRASE(motor vehicle))"},
    {"WORDS(car)", "WORDS(TERM(car))"},
    {"ALL(a b c)", "AND(TERM(a), TERM(b), TERM(c))"},
    {"ANY(a \"b c\")", "OR(TERM(a), PHRASE(b c))"},
    {"NONE(a b)", "NOT(OR(TERM(a), TERM(b)))"},
    {"x NONE(a)", "AND(TERM(x), NOT(TERM(a)))"},
    {"WORDS (a)", "AND(TERM(WORDS), TERM(a))"},
    {"words(a)", "AND(TERM(words), TERM(a))"},
    // XRANK: loosest operator, left-associative, parameters printed when not 0.
    {"a XRANK(cb=100) b", "XRANK(cb=100, TERM(a), TERM(b))"},
    {"a b XRANK(cb=1.5, nb=0.5, n=10) c OR d",
     "XRANK(cb=1.5, nb=0.5, n=10, AND(TERM(a), TERM(b)), OR(TERM(c), TERM(d)))"},
    {"a XRANK(cb=1) b XRANK(rb=-2) c", "XRANK(rb=-2, XRANK(cb=1, TERM(a), TERM(b)), TERM(c))"},
    {"a XRANK(pb=1,avgb=2,stdb=3) b", "XRANK(pb=1, avgb=2, stdb=3, TERM(a), TERM(b))"},
    {"(a XRANK(cb=1) b) c", "AND(XRANK(cb=1, TERM(a), TERM(b)), TERM(c))"},
    {"title:(a XRANK(cb=5) b)", "PROP(title, XRANK(cb=5, TERM(a), TERM(b)))"},
    {"a xrank(cb=1) b", "AND(TERM(a), TERM(xrank), PROP(cb, =, TERM(1)), TERM(b))"},
};

TEST(KqlParserTest, ParsesValidQueries) {
  for (const KqlCase& c : kValidCases) {
    EXPECT_EQ(c.expected, ParseKqlToString(c.input)) << "input: " << c.input;
  }
}

constexpr KqlCase kErrorCases[] = {
    {"", "error@0: empty query"},
    {"   ", "error@0: empty query"},
    {"title:", "error@6: property 'title' has no value"},
    {"title:   ", "error@6: property 'title' has no value"},
    {"(title:)", "error@7: property 'title' has no value"},
    {"\"budget review", "error@0: unbalanced quotation mark"},
    {"budget \"review", "error@7: unbalanced quotation mark"},
    {"(budget review", "error@0: unbalanced parenthesis"},
    {"budget (review OR x", "error@7: unbalanced parenthesis"},
    {"budget review)", "error@13: unbalanced parenthesis"},
    {"(a OR b) OR c) d", "error@13: unbalanced parenthesis"},
    {"()", "error@1: empty parentheses"},
    {"a AND", "error@2: operator AND has nothing on its right"},
    {"a OR", "error@2: operator OR has nothing on its right"},
    {"AND a", "error@0: operator AND has nothing on its left"},
    {"OR", "error@0: operator OR has nothing on its left"},
    {"NOT", "error@0: operator NOT has nothing on its right"},
    {"a NOT", "error@2: operator NOT has nothing on its right"},
    {"(a AND)", "error@3: operator AND has nothing on its right"},
    {"a AND OR b", "error@2: operator AND has nothing on its right"},
    {"a OR AND b", "error@2: operator OR has nothing on its right"},
    {"sent:2013..", "error@5: range '2013..' needs a value on both sides of '..'"},
    {"size:..5", "error@5: range '..5' needs a value on both sides of '..'"},
    {"size>1..5", "error@5: a range a..b needs the operator ':' or '='"},
    // Only operators (§2.1).
    {"+", "error@0: the query has only operators and no term to search for"},
    {"- + --", "error@0: the query has only operators and no term to search for"},
    // NEAR and ONEAR.
    {"a NEAR", "error@2: NEAR needs a term or phrase on both sides"},
    {"NEAR b", "error@0: NEAR needs a term or phrase on both sides"},
    {"a NEAR (b OR c)", "error@2: NEAR needs a term or phrase on both sides"},
    {"(a OR b) NEAR c", "error@9: NEAR needs a term or phrase on its left, not an expression"},
    {"from:a NEAR b",
     "error@7: NEAR needs a term or phrase on its left, not a property restriction (NEAR works "
     "on free text only)"},
    {"a ONEAR from:b", "error@2: ONEAR needs a term or phrase on both sides"},
    {"a NEAR(1001) b", "error@7: NEAR(...) takes a distance from 0 to 1000 words, like NEAR(n=3)"},
    {"a NEAR(n=-1) b", "error@7: NEAR(...) takes a distance from 0 to 1000 words, like NEAR(n=3)"},
    {"a NEAR(x=1) b", "error@7: NEAR(...) takes a distance from 0 to 1000 words, like NEAR(n=3)"},
    {"a NEAR(n 3) b", "error@7: NEAR(...) takes a distance, like NEAR(n=3) or NEAR(3)"},
    {"a NEAR(3 b", "error@6: unbalanced parenthesis after NEAR"},
    {"a NEAR((3)) b", "error@7: the parameters of NEAR(...) are numbers, like NEAR(n=3)"},
    // WORDS and friends.
    {"WORDS()", "error@0: WORDS(...) needs at least one term"},
    {"WORDS(,)", "error@0: WORDS(...) needs at least one term"},
    {"WORDS(a", "error@5: unbalanced parenthesis"},
    {"ANY(a (b))", "error@6: ANY(...) takes terms and phrases only"},
    {"ALL(from:a)", "error@4: ALL(...) takes terms and phrases only"},
    // XRANK.
    {"XRANK(cb=1) b", "error@0: XRANK needs a query on its left: <match> XRANK(cb=100) <rank>"},
    {"a XRANK(cb=1)", "error@2: XRANK needs a query on its right: <match> XRANK(cb=100) <rank>"},
    {"a XRANK b", "error@2: XRANK needs a boost, like XRANK(cb=100)"},
    {"a XRANK(n=5) b", "error@2: XRANK needs a boost other than n, like XRANK(cb=100)"},
    {"a XRANK(cb=0) b", "error@2: XRANK needs a boost other than n, like XRANK(cb=100)"},
    {"a XRANK(cb=x) b", "error@8: XRANK parameter 'cb' needs a number, not 'x'"},
    {"a XRANK(cb=1, zz=2) b",
     "error@13: XRANK parameter 'zz' is not one of cb, nb, rb, pb, avgb, stdb, n"},
    {"a XRANK(cb) b", "error@8: XRANK parameter 'cb' needs a value, like cb=100"},
    {"a XRANK(cb=1, n=1.5) b",
     "error@13: XRANK parameter n needs a whole number of results, not '1.5'"},
    {"a XRANK(cb=1) (b XRANK(cb=2) c)",
     "error@15: XRANK is not allowed in the rank expression of another XRANK; nest it in the "
     "match expression instead: (a XRANK(cb=1) b) XRANK(cb=2) c"},
    {"a AND XRANK(cb=1) b", "error@2: operator AND has nothing on its right"},
    {"a\x01"
     "b",
     "error@1: control character 0x01 is not allowed"},
    {"a\xE2\x80\x8F"
     "b",
     "error@1: invisible direction mark (LRM/RLM) is not allowed"},
    {"subject:(", "error@8: unbalanced parenthesis"},
    {"subject:()", "error@9: empty parentheses"},
};

TEST(KqlParserTest, ReportsErrorsWithPositions) {
  for (const KqlCase& c : kErrorCases) {
    EXPECT_EQ(c.expected, ParseKqlToString(c.input)) << "input: " << c.input;
  }
}

TEST(KqlParserTest, ErrorIsInvalidArgumentWithPosition) {
  Result<KqlNode> ast = ParseKql("budget (review");
  ASSERT_FALSE(ast.ok());
  EXPECT_EQ(StatusCode::kInvalidArgument, ast.error().code());
  EXPECT_EQ("position 7: unbalanced parenthesis", ast.error().message());
}

TEST(KqlParserTest, KeepsPositionsOfNodes) {
  Result<KqlNode> ast = ParseKql("budget from:alice");
  ASSERT_OK(ast);
  ASSERT_EQ(2u, ast->children.size());
  EXPECT_EQ(0u, ast->children[0].position);
  EXPECT_EQ(7u, ast->children[1].position);
  EXPECT_EQ(12u, ast->children[1].children[0].position);  // the value
}

TEST(KqlParserTest, RejectsOverlongAndOverdeepQueries) {
  std::string deep(1000, '(');
  deep += "a";
  deep += std::string(1000, ')');
  EXPECT_EQ("error@32: query nests too deeply (more than 32 levels)", ParseKqlToString(deep));
  std::string ok_depth = std::string(31, '(') + "a" + std::string(31, ')');
  EXPECT_EQ("TERM(a)", ParseKqlToString(ok_depth));
  std::string nots;
  for (int i = 0; i < 1000; ++i) {
    nots += "NOT ";
  }
  nots += "a";
  EXPECT_NE(std::string::npos, ParseKqlToString(nots).find("nests too deeply"));
  // 4,096 characters, counted as characters: 4,096 CJK characters (12,288 bytes) are fine.
  EXPECT_EQ("error@4096: the query is longer than 4096 characters; split it into several searches",
            ParseKqlToString(std::string(4097, 'a')));
  std::string cjk;
  for (int i = 0; i < 4096; ++i) {
    cjk += "合";
  }
  EXPECT_TRUE(ParseKql(cjk).ok());
  EXPECT_EQ(
      "error@12288: the query is longer than 4096 characters; split it into several "
      "searches",
      ParseKqlToString(cjk + "合"));
  KqlParseOptions options;
  options.lex.max_query_chars = 10;
  EXPECT_FALSE(ParseKql("0123456789a", options).ok());
  EXPECT_TRUE(ParseKql("0123456789", options).ok());
  // One restriction's value: 2,048 characters.
  EXPECT_TRUE(ParseKql("subject:" + std::string(2048, 'x')).ok());
  EXPECT_EQ("error@8: the value of a property restriction is longer than 2048 characters",
            ParseKqlToString("subject:" + std::string(2049, 'x')));
  EXPECT_EQ("error@8: the value of a property restriction is longer than 2048 characters",
            ParseKqlToString("subject:\"" + std::string(2049, 'x') + "\""));
}

TEST(KqlParserTest, LimitsTermsAndClauses) {
  std::string terms;
  for (int i = 0; i < 256; ++i) {
    terms += "w" + std::to_string(i) + " ";
  }
  EXPECT_TRUE(ParseKql(terms).ok());
  const size_t last = terms.size();
  terms += "one_more";
  EXPECT_EQ("error@" + std::to_string(last) +
                ": the query has more than 256 terms and clauses; split it into several searches",
            ParseKqlToString(terms));
  // Restrictions and WORDS values count too.
  std::string words = "WORDS(";
  for (int i = 0; i < 300; ++i) {
    words += "w ";
  }
  words += ")";
  EXPECT_NE(std::string::npos, ParseKqlToString(words).find("more than 256 terms"));
}

// Nothing dies on input (style.md §b.7): random bytes, and valid queries cut and spliced.
TEST(KqlParserTest, NeverCrashesOnMangledInput) {
  std::mt19937 rng(20130603);
  const std::string alphabet =
      "ab AND OR NOT ()\"*:-+=<>.. from:subject:sent>=2013-06-01 \xE5\x90\x88\xE2\x80\x9C\xC2\xA0";
  for (int i = 0; i < 3000; ++i) {
    std::string input;
    size_t length = rng() % 40;
    for (size_t k = 0; k < length; ++k) {
      if (rng() % 4 == 0) {
        input.push_back(static_cast<char>(rng() % 256));
      } else {
        input.push_back(alphabet[rng() % alphabet.size()]);
      }
    }
    Result<KqlNode> ast = ParseKql(input);
    if (ast.ok()) {
      EXPECT_FALSE(ast->ToString().empty());
    } else {
      EXPECT_EQ(StatusCode::kInvalidArgument, ast.error().code()) << input;
      EXPECT_EQ(0u, ast.error().message().rfind("position ", 0)) << input;
    }
  }
  for (const KqlCase& c : kValidCases) {
    std::string_view q = c.input;
    for (size_t a = 0; a <= q.size(); ++a) {
      for (size_t b = a; b <= q.size(); b += 3) {
        std::string cut(q.substr(a, b - a));
        (void)ParseKql(cut).ok();
        std::string spliced = std::string(q.substr(0, a)) + std::string(q.substr(b));
        (void)ParseKql(spliced).ok();
      }
    }
  }
}

}  // namespace
}  // namespace docket
