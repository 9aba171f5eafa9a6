// Tests for common/time_util.h: UTC parsing spans and SharePoint formatting.
#include "common/time_util.h"

#include "tests/support/test_env.h"

namespace docket {
namespace {

TEST(TimeUtilTest, ParsesDatesWithTheirSpan) {
  auto day = ParseUtc("2013-06-03");
  ASSERT_OK(day);
  EXPECT_EQ(day->millis, 1370217600000);
  EXPECT_EQ(day->span_millis, 86'400'000);

  auto second = ParseUtc("2013-06-03 09:15:02Z");
  ASSERT_OK(second);
  EXPECT_EQ(second->millis, 1370250902000);
  EXPECT_EQ(second->span_millis, 1000);

  auto month = ParseUtc("2013-02");
  ASSERT_OK(month);
  EXPECT_EQ(month->span_millis, 28LL * 86'400'000);

  auto frac = ParseUtc("2013-06-03T09:15:02.5Z");
  ASSERT_OK(frac);
  EXPECT_EQ(frac->millis, 1370250902500);
}

TEST(TimeUtilTest, RejectsGarbageWithAHelpfulMessage) {
  auto bad = ParseUtc("03/06/2013");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message().find("YYYY-MM-DD"), std::string::npos);
  EXPECT_FALSE(ParseUtc("2013-13-01").ok());
  EXPECT_FALSE(ParseUtc("2013-06-03T25:00").ok());
}

TEST(TimeUtilTest, FormatsIsoAndSharePointForms) {
  EXPECT_EQ(FormatIso8601(1370250902000), "2013-06-03T09:15:02Z");
  EXPECT_EQ(FormatSharePointDateTime(1370250902123), "2013-06-03T09:15:02.1230000Z");
  EXPECT_EQ(FormatIso8601(0), "1970-01-01T00:00:00Z");
  EXPECT_EQ(UtcFromCivil(2000, 2, 29), 951782400000);
  // Zero padding, before 1970, and years that do not fit four digits.
  EXPECT_EQ(FormatIso8601(UtcFromCivil(987, 1, 2, 3, 4, 5)), "0987-01-02T03:04:05Z");
  EXPECT_EQ(FormatIso8601(-1000), "1969-12-31T23:59:59Z");
  EXPECT_EQ(FormatIso8601(UtcFromCivil(9999, 12, 31, 23, 59, 59)), "9999-12-31T23:59:59Z");
  EXPECT_EQ(FormatIso8601(UtcFromCivil(10000, 1, 1)), "10000-01-01T00:00:00Z");
  EXPECT_EQ(FormatIso8601(UtcFromCivil(-1, 12, 31)), "-001-12-31T00:00:00Z");
  const CivilDate date = CivilDateOf(UtcFromCivil(2012, 12, 31, 23, 59, 59, 999));
  EXPECT_EQ(date.year, 2012);
  EXPECT_EQ(date.month, 12);
  EXPECT_EQ(date.day, 31);
  EXPECT_EQ(CivilDateOf(-1).year, 1969);
}

}  // namespace
}  // namespace docket
