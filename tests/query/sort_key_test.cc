/** @file
 *  @brief SortList entries: property names, [random:seed=N], and [formula:...] parsing and
 *  evaluation, with the positions of formula errors.
 */
#include "query/sort_key.h"

#include <gtest/gtest.h>

#include <cmath>
#include <set>

#include "storage/index_schema.h"
#include "tests/support/test_env.h"

namespace docket {
namespace {

TEST(SortKeyTest, PropertyNames) {
  const std::pair<std::string_view, SortKey::Kind> cases[] = {
      {"Rank", SortKey::Kind::kRank},      {"title", SortKey::Kind::kTitle},
      {"Write", SortKey::Kind::kValue},    {"LastModifiedTime", SortKey::Kind::kValue},
      {"created", SortKey::Kind::kValue},  {"Sent", SortKey::Kind::kValue},
      {"RECEIVED", SortKey::Kind::kValue}, {"Size", SortKey::Kind::kValue},
  };
  for (const auto& [name, kind] : cases) {
    Result<SortKey> key = ParseSortKey({std::string(name), false});
    ASSERT_OK(key);
    EXPECT_EQ(kind, key->kind) << name;
  }
  EXPECT_EQ(schema::kSlotLastActivity, ParseSortKey({"LastModifiedTime", true})->slot);
  EXPECT_EQ(schema::kSlotSent, ParseSortKey({"Created", true})->slot);
  EXPECT_EQ(schema::kSlotReceived, ParseSortKey({"Received", true})->slot);
  EXPECT_EQ(schema::kSlotSize, ParseSortKey({"Size", true})->slot);
  EXPECT_TRUE(ParseSortKey({"Size", true})->descending);
  Result<SortKey> bad = ParseSortKey({"Colour", false});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(StatusCode::kInvalidArgument, bad.error().code());
  EXPECT_NE(std::string::npos, bad.error().message().find("'Colour'"));
}

TEST(SortKeyTest, Random) {
  Result<SortKey> key = ParseSortKey({"[random:seed=5432]", false});
  ASSERT_OK(key);
  EXPECT_EQ(SortKey::Kind::kRandom, key->kind);
  EXPECT_EQ(5432u, key->seed);
  EXPECT_EQ(7u, ParseSortKey({"[Random:Seed=7:hashfield=Path]", false})->seed);
  for (std::string_view bad : {"[random]", "[random:seed=]", "[random:seed=-1]", "[random:seed=1x]",
                               "[random:colour=1]", "[random:seed=1"}) {
    Result<SortKey> result = ParseSortKey({std::string(bad), false});
    ASSERT_FALSE(result.ok()) << bad;
    EXPECT_EQ(StatusCode::kInvalidArgument, result.error().code()) << bad;
  }
  // Deterministic per seed, different across seeds, and spread out.
  EXPECT_EQ(RandomSortKey(1, 42), RandomSortKey(1, 42));
  EXPECT_NE(RandomSortKey(1, 42), RandomSortKey(2, 42));
  std::set<uint64_t> top_bytes;
  for (uint64_t id = 0; id < 64; ++id) {
    top_bytes.insert(RandomSortKey(9, id) >> 56);
  }
  EXPECT_GT(top_bytes.size(), 40u);
}

double Eval(std::string_view formula, const SortFormulaInputs& in = {}) {
  Result<SortFormula> parsed = SortFormula::Parse(formula);
  EXPECT_OK(parsed);
  return parsed.ok() ? parsed->Evaluate(in) : NAN;
}

TEST(SortFormulaTest, EvaluatesTheDocumentedFunctions) {
  SortFormulaInputs in;
  in.rank = 2.5;
  in.size = 1500;
  in.write = 1000;
  in.sent = 10;
  in.received = 20;
  const std::pair<std::string_view, double> cases[] = {
      {"abs(2000-size)", 500},
      {"size", 1500},
      {"-size+1", -1499},
      {"2*3+4", 10},
      {"2*(3+4)", 14},
      {"10/4", 2.5},
      {"1-2-3", -4},  // left-associative
      {"rank*2", 5},
      {"write+lastmodifiedtime", 2000},
      {"sent+created", 20},
      {"received", 20},
      {"pow(size,2)", 2250000},
      {"sqrt(16)", 4},
      {"floor(2.7)+ceil(2.2)+round(2.5)", 8},
      {"exp(0)+log(1)", 1},
      {"sin(0)+cos(0)+tan(0)+asin(0)+acos(1)+atan(0)+atan2(0,1)", 1},
      {"bucket(size,1000,2000,3000)", 1},
      {"bucket(size,1500)", 1},
      {"bucket(size,1600)", 0},
      {"errtolast(size)", 1500},
      {" abs ( 2000 - size ) ", 500},
      {"ABS(2000-SIZE)", 500},
      {".5+1e3", 1000.5},
  };
  for (const auto& [formula, expected] : cases) {
    EXPECT_DOUBLE_EQ(expected, Eval(formula, in)) << formula;
  }
  EXPECT_TRUE(std::isnan(Eval("sqrt(0-1)")));
  EXPECT_TRUE(std::isinf(Eval("1/0")));
  EXPECT_TRUE(SortFormula::Parse("rank+1")->uses_rank());
  EXPECT_FALSE(SortFormula::Parse("size+1")->uses_rank());
}

TEST(SortFormulaTest, ErrorsNameThePosition) {
  const std::pair<std::string_view, std::string_view> cases[] = {
      {"foo(size)",
       "position 0: unknown function 'foo'; use sqrt exp log abs ceil floor round sin cos tan "
       "asin acos atan pow atan2 bucket errtolast"},
      {"abs(2000-colour)",
       "position 9: 'colour' is not a number the formula can read; use rank, size, write "
       "(lastmodifiedtime), sent (created) or received"},
      {"abs(2000-size", "position 0: unbalanced parenthesis in abs(...)"},
      {"(size", "position 0: unbalanced parenthesis"},
      {"size+", "position 5: the formula ends where a number, property or function was expected"},
      {"size size", "position 5: unexpected 's'"},
      {"size#2", "position 4: unexpected '#'"},
      {"pow(size)", "position 0: pow(...) takes 2 arguments, not 1"},
      {"abs(1,2)", "position 0: abs(...) takes 1 argument, not 2"},
      {"bucket(size)", "position 0: bucket(...) takes at least 2 arguments, not 1"},
      {"abs()", "position 0: abs(...) takes 1 argument, not 0"},
  };
  for (const auto& [formula, message] : cases) {
    Result<SortFormula> parsed = SortFormula::Parse(formula);
    ASSERT_FALSE(parsed.ok()) << formula;
    EXPECT_EQ(StatusCode::kInvalidArgument, parsed.error().code());
    EXPECT_EQ("sortlist: [formula:" + std::string(formula) + "]: " + std::string(message),
              parsed.error().message());
  }
  EXPECT_FALSE(SortFormula::Parse("").ok());
  EXPECT_FALSE(SortFormula::Parse(std::string(2000, '1')).ok());
  // Hostile nesting is refused, not a stack overflow.
  std::string deep(10000, '(');
  deep += "1";
  deep += std::string(10000, ')');
  Result<SortFormula> nested = SortFormula::Parse(deep.substr(0, 1000));
  EXPECT_FALSE(nested.ok());
  std::string negations(900, '-');
  negations += "1";
  EXPECT_FALSE(SortFormula::Parse(negations).ok());
  // Through ParseSortKey the whole bracketed text is named.
  Result<SortKey> key = ParseSortKey({"[formula:abs(2000-size)]", false});
  ASSERT_OK(key);
  EXPECT_EQ(SortKey::Kind::kFormula, key->kind);
  EXPECT_FALSE(ParseSortKey({"[formula:]", false}).ok());
  EXPECT_FALSE(ParseSortKey({"[colour:1]", false}).ok());
}

}  // namespace
}  // namespace docket
