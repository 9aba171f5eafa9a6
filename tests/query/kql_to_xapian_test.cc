/** @file
 *  @brief KQL -> Xapian::Query: table tests of Query::get_description() (Xapian's own
 *  api_queryparser.cc style), with the real TextAnalyzer.
 */
#include "query/kql_to_xapian.h"

#include <gtest/gtest.h>
#include <xapian.h>

#include <random>
#include <string>
#include <string_view>

#include "query/kql_parser.h"
#include "storage/text_analyzer.h"
#include "tests/support/test_env.h"

namespace docket {
namespace {

struct PlanCase {
  std::string_view input;
  std::string_view expected;
};

// 2013-06-03T00:00:00Z = 1370217600000 ms.
constexpr PlanCase kPlanCases[] = {
    // Free text goes through the analyzer: case folding, CJK unigrams as phrases.
    {"Budget", "Query(budget)"},
    {"budget review", "Query((budget AND review))"},
    {"\"budget review\"", "Query((budget PHRASE 2 review))"},
    {"合約審查", "Query((合 PHRASE 4 约 PHRASE 4 审 PHRASE 4 查))"},
    {"\"審查\"", "Query((审 PHRASE 2 查))"},
    {"e-mail", "Query((e PHRASE 2 mail))"},
    {"ＢＵＤＧＥＴ", "Query(budget)"},
    {"fal*", "Query(WILDCARD SYNONYM fal)"},
    {"*", "Query(<alldocuments>)"},
    {"cat OR dog", "Query((cat OR dog))"},
    // NOT: inside an AND it is AND_NOT; alone it subtracts from everything.
    {"budget AND NOT falcon", "Query((budget AND_NOT falcon))"},
    {"-falcon budget", "Query((budget AND_NOT falcon))"},
    {"a -b -c", "Query((a AND_NOT (b OR c)))"},
    {"NOT falcon", "Query((<alldocuments> AND_NOT falcon))"},
    {"-kind:im", "Query((<alldocuments> AND_NOT XKINDim))"},
    // Punctuation-only words constrain nothing; a query of only those matches nothing.
    {"budget , review", "Query((budget AND review))"},
    // A lone sign joins its neighbours into a phrase (§2.5), as Exchange reads "a - b".
    {"budget - review", "Query((budget PHRASE 2 review))"},
    {"-- ,", "Query()"},
    // Address properties use NormalizeAddress; display names also match word by word.
    {"from:alice", "Query(XFROMalice)"},
    {"from:Alice@Contoso.com", "Query(XFROMalice@contoso.com)"},
    {"from:sip:alice@contoso.com", "Query(XFROMalice@contoso.com)"},
    {"from:contoso.com", "Query(XFROMcontoso.com)"},
    {"from:ali*", "Query(WILDCARD SYNONYM XFROMali)"},
    {"from:\"Alice Smith\"", "Query((XFROMalice smith OR (XFROMalice AND XFROMsmith)))"},
    {"to:bob", "Query(XTObob)"},
    {"recipients:bob", "Query(XRCPTbob)"},
    {"participants:bob@contoso.com", "Query(XPARTbob@contoso.com)"},
    {"from:alice from:bob", "Query((XFROMalice OR XFROMbob))"},
    {"from:*", "Query(WILDCARD SYNONYM XFROM)"},
    // Subject / title.
    {"subject:budget", "Query(Sbudget)"},
    {"title:\"Budget Review\"", "Query((Sbudget PHRASE 2 Sreview))"},
    {"subject:(budget OR falcon)", "Query((Sbudget OR Sfalcon))"},
    {"subject:\"\"", "Query()"},
    {"subject:\"advanced sear*\"", "Query((Sadvanced AND WILDCARD SYNONYM Ssear))"},
    // Keywords.
    {"kind:im", "Query(XKINDim)"},
    {"kind:meeting", "Query(XKINDmeetings)"},
    {"KIND:Meetings", "Query(XKINDmeetings)"},
    {"kind:email", "Query(XKINDemail)"},
    {"kind:nonsense", "Query()"},
    {"custodian:\"Alice Smith\"", "Query(XCUSTalice smith)"},
    // Unknown property: matches nothing, no error.
    {"nosuchprop:x", "Query()"},
    {"budget nosuchprop:x", "Query()"},
    {"budget OR nosuchprop:x", "Query(budget)"},
    // NEAR: window = intervening tokens + terms; ONEAR is an ordered window (OP_PHRASE).
    {"a NEAR b", "Query((a NEAR 10 b))"},
    {"a NEAR(n=0) b", "Query((a NEAR 2 b))"},
    {"a ONEAR(3) b", "Query((a PHRASE 5 b))"},
    {"a NEAR(2) \"b c\"", "Query(((a NEAR 5 b NEAR 5 c) AND (b PHRASE 2 c)))"},
    {"合約 NEAR 週五",
     "Query(((合 NEAR 12 约 NEAR 12 周 NEAR 12 五) AND (合 PHRASE 2 约) AND (周 PHRASE 2 五)))"},
    {"a NEAR(1) b NEAR(2) c", "Query(((a NEAR 3 b) AND (b NEAR 4 c)))"},
    // Without a database a prefix cannot join the window (it is expanded against the index).
    {"a NEAR b*", "Query((a AND WILDCARD SYNONYM b))"},
    {"WORDS(car, automobile)", "Query((car SYNONYM automobile))"},
    // XRANK: the rank side only adds weight; nb etc. count as constant boosts; a negative
    // boost favours the matches outside the rank side.
    {"a XRANK(cb=100) b", "Query((a AND_MAYBE 100 * b))"},
    {"a XRANK(cb=2, nb=1) b", "Query((a AND_MAYBE 3 * b))"},
    {"a XRANK(cb=-3) b", "Query((a AND_MAYBE 3 * (a AND_NOT b)))"},
    {"a XRANK(cb=1) -", "Query(a)"},
    {"subject:(WORDS(a, b))", "Query((Sa SYNONYM Sb))"},
    // Dates and sizes: see SlotQueriesUseSortableSerialise.
};

TEST(KqlToXapianTest, DescribesPlannedQueries) {
  TextAnalyzer analyzer;
  KqlPlanOptions options;
  options.now = 1370217600000 + 3600000;  // 2013-06-03T01:00:00Z
  for (const PlanCase& c : kPlanCases) {
    Result<std::string> description = QueryDescription(c.input, analyzer, options);
    ASSERT_OK(description) << c.input;
    EXPECT_EQ(c.expected, *description) << "input: " << c.input;
  }
}

TEST(KqlToXapianTest, SlotQueriesUseSortableSerialise) {
  TextAnalyzer analyzer;
  using Q = Xapian::Query;
  auto s = [](double v) { return Xapian::sortable_serialise(v); };
  const double day = 1370217600000.0;  // 2013-06-03T00:00:00Z
  const double day_end = day + 86400000 - 1;
  struct SlotCase {
    std::string_view input;
    Q expected;
  };
  const SlotCase cases[] = {
      {"sent:2013-06-03", Q(Q::OP_VALUE_RANGE, 0, s(day), s(day_end))},
      {"sent=2013-06-03", Q(Q::OP_VALUE_RANGE, 0, s(day), s(day_end))},
      {"sent>=2013-06-03", Q(Q::OP_VALUE_GE, 0, s(day))},
      {"sent>2013-06-03", Q(Q::OP_VALUE_GE, 0, s(day_end + 1))},
      {"sent<2013-06-03", Q(Q::OP_VALUE_LE, 0, s(day - 1))},
      {"sent<=2013-06-03", Q(Q::OP_VALUE_LE, 0, s(day_end))},
      {"sent:2013-06-03..2013-06-04", Q(Q::OP_VALUE_RANGE, 0, s(day), s(day_end + 86400000))},
      {"sent:2013-06-03T09:15",
       Q(Q::OP_VALUE_RANGE, 0, s(day + 33300000), s(day + 33300000 + 59999))},
      {"sent<>2013-06-03",
       Q(Q::OP_AND_NOT, Q::MatchAll, Q(Q::OP_VALUE_RANGE, 0, s(day), s(day_end)))},
      {"sent:*", Q(Q::OP_VALUE_GE, 0, std::string(1, '\0'))},
      {"size>=100", Q(Q::OP_VALUE_GE, 1, s(100))},
      {"size:100", Q(Q::OP_VALUE_RANGE, 1, s(100), s(100))},
      {"size>100", Q(Q::OP_VALUE_GE, 1, s(101))},
      {"size:1..1048576", Q(Q::OP_VALUE_RANGE, 1, s(1), s(1048576))},
      {"write>=2013-06-03", Q(Q::OP_VALUE_GE, 2, s(day))},
      {"lastmodifiedtime>=2013-06-03", Q(Q::OP_VALUE_GE, 2, s(day))},
  };
  for (const SlotCase& c : cases) {
    Result<std::string> description = QueryDescription(c.input, analyzer);
    ASSERT_OK(description) << c.input;
    EXPECT_EQ(c.expected.get_description(), *description) << "input: " << c.input;
  }
}

// The value-slot queries compare sortable_serialise'd doubles; check them by meaning.
TEST(KqlToXapianTest, DateRestrictionsCoverTheNamedSpan) {
  TextAnalyzer analyzer;
  KqlPlanOptions options;
  options.now = 1370217600000 + 3600000;  // 2013-06-03T01:00:00Z, a Monday
  auto same = [&](std::string_view a, std::string_view b) {
    Result<std::string> da = QueryDescription(a, analyzer, options);
    Result<std::string> db = QueryDescription(b, analyzer, options);
    EXPECT_OK(da);
    EXPECT_OK(db);
    if (da.ok() && db.ok()) {
      EXPECT_EQ(*da, *db) << a << " vs " << b;
    }
  };
  same("sent:2013-06-03", "sent:2013-06-03T00:00:00.000..2013-06-03T23:59:59.999");
  same("sent=2013-06-03", "sent:2013-06-03");
  same("sent:06/03/2013", "sent:2013-06-03");
  same("sent:today", "sent:2013-06-03");
  same("sent:yesterday", "sent:2013-06-02");
  same("sent:\"this week\"", "sent:2013-06-02..2013-06-08");
  same("sent:\"this month\"", "sent:2013-06");
  same("sent:\"last month\"", "sent:2013-05");
  same("sent:\"this year\"", "sent:2013");
  same("sent:\"last year\"", "sent:2012");
  same("sent:2013-06-01..2013-06-30", "sent:2013-06");
  same("sent>2013-06-02", "sent>=2013-06-03");
  same("sent<=2013-06-02", "sent<2013-06-03");
  same("write:2013-06-03", "lastmodifiedtime:2013-06-03");
  same("size>99", "size>=100");
  same("size<=99", "size<100");
}

TEST(KqlToXapianTest, RejectsValuesThePropertyCannotTake) {
  TextAnalyzer analyzer;
  struct ErrorCase {
    std::string_view input;
    std::string_view message;
  };
  const ErrorCase cases[] = {
      {"sent:notadate",
       "position 5: 'notadate' is not a UTC date; use YYYY-MM-DD or YYYY-MM-DDThh:mm:ssZ"},
      {"budget sent>=2013-13-01",
       "position 13: '2013-13-01' is not a UTC date; use YYYY-MM-DD or YYYY-MM-DDThh:mm:ssZ"},
      {"size>big", "position 5: 'big' is not a number"},
      {"size:-5", "position 5: '-5' is not a number"},
      {"sent:2013*", "position 5: wildcards do not apply to property 'sent'"},
      {"subject>budget", "position 8: operator > does not apply to property 'subject'"},
      {"from:a..b", "position 5: a range a..b does not apply to property 'from'"},
      {"subject>=(a b)", "position 10: a group prop:(...) needs the operator ':'"},
      {"budget (", "position 7: unbalanced parenthesis"},
      {"subject:(a NEAR b)", "position 9: NEAR works on free text only, not inside subject:(...)"},
      {"x subject:(a ONEAR b)",
       "position 11: ONEAR works on free text only, not inside subject:(...)"},
  };
  for (const ErrorCase& c : cases) {
    Result<std::string> description = QueryDescription(c.input, analyzer);
    ASSERT_FALSE(description.ok()) << c.input << " -> " << *description;
    EXPECT_EQ(StatusCode::kInvalidArgument, description.error().code()) << c.input;
    EXPECT_EQ(c.message, description.error().message()) << c.input;
  }
}

// A typed prefix that expands to more than 10,000 index terms is InvalidArgument (400) with its
// position; 10,000 is fine. Property "has a value" (from:*) is not a typed prefix: no limit.
TEST(KqlToXapianTest, LimitsPrefixExpansion) {
  testing::TempDir dir;
  Xapian::WritableDatabase db((dir.path() / "xapian").string(), Xapian::DB_CREATE_OR_OPEN);
  Xapian::Document doc;
  for (unsigned i = 0; i < kKqlMaxPrefixTerms; ++i) {
    doc.add_term("many" + std::to_string(100000 + i));
    doc.add_term("XFROMmany" + std::to_string(100000 + i));
  }
  doc.add_term("mans");
  doc.add_term("Smany1");
  db.add_document(doc);
  db.commit();
  TextAnalyzer analyzer;
  auto plan = [&](std::string_view kql) -> Status {
    Result<KqlNode> ast = ParseKql(kql);
    if (!ast.ok()) {
      return ast.error();
    }
    KqlToXapian planner(PropertyMap::Default(), analyzer);
    planner.set_database(&db);
    Xapian::Query query;
    return planner.Build(*ast, &query);
  };
  EXPECT_OK(plan("many*"));
  EXPECT_OK(plan("from:*"));
  EXPECT_OK(plan("from:many*"));
  doc.add_term("many999999");
  doc.add_term("XFROMmany999999");
  db.replace_document(1, doc);
  db.commit();
  for (const auto& [kql, message] : std::vector<std::pair<std::string, std::string>>{
           {"budget ma*",
            "position 7: 'ma*' matches more than 10000 different words; type "
            "more letters before the '*'"},
           {"x from:man*",
            "position 2: 'man*' matches more than 10000 different words; type "
            "more letters before the '*'"},
           {"\"the ma*\"",
            "position 0: 'ma*' matches more than 10000 different words; type "
            "more letters before the '*'"},
           {"x NEAR ma*",
            "position 7: 'ma*' matches more than 10000 different words; type "
            "more letters before the '*'"},
       }) {
    Status status = plan(kql);
    EXPECT_EQ(StatusCode::kInvalidArgument, status.code()) << kql;
    EXPECT_EQ(message, status.message()) << kql;
  }
  EXPECT_OK(plan("from:*"));
  EXPECT_OK(plan("mans*"));
}

// Whatever parses must plan or fail with a Status; nothing may throw or crash.
TEST(KqlToXapianTest, PlansMangledQueriesWithoutThrowing) {
  TextAnalyzer analyzer;
  std::mt19937 rng(42);
  const std::string pieces[] = {"from:",
                                "sent:",
                                "size>",
                                "subject:",
                                "kind:",
                                "custodian:",
                                "sent>=",
                                "2013-06-01",
                                "..",
                                "*",
                                "\"",
                                "(",
                                ")",
                                " ",
                                "AND ",
                                "OR ",
                                "NOT ",
                                "-",
                                "+",
                                "合約",
                                "budget",
                                "x",
                                "\xFF",
                                "@",
                                "title:(",
                                "nosuch:",
                                "=",
                                "<>",
                                " NEAR ",
                                " ONEAR(2) ",
                                " NEAR(n=1000) ",
                                "WORDS(",
                                "ALL(",
                                "NONE(",
                                ",",
                                " XRANK(cb=1) ",
                                " XRANK(nb=-1, n=3) ",
                                std::string(300, 'a')};
  for (int i = 0; i < 3000; ++i) {
    std::string input;
    const size_t n = 1 + rng() % 8;
    for (size_t k = 0; k < n; ++k) {
      input += pieces[rng() % std::size(pieces)];
    }
    Result<std::string> description = QueryDescription(input, analyzer);
    if (!description.ok()) {
      EXPECT_EQ(StatusCode::kInvalidArgument, description.error().code())
          << input << ": " << description.error().ToString();
    }
  }
}

}  // namespace
}  // namespace docket
