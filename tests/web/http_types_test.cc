/** @file
 *  @brief Percent-decoding, query strings, request targets, header lookup.
 */
#include "web/http_types.h"

#include <gtest/gtest.h>

namespace docket::web {
namespace {

TEST(UrlDecodeTest, DecodesEscapesAndPlus) {
  EXPECT_EQ("'bud get'", UrlDecode("%27bud+get%27", true));
  EXPECT_EQ("a+b", UrlDecode("a+b", false));
  EXPECT_EQ("+", UrlDecode("%2B", true));
  EXPECT_EQ("合同", UrlDecode("%E5%90%88%E5%90%8C", true));
}

TEST(UrlDecodeTest, KeepsMalformedEscapes) {
  EXPECT_EQ("100%", UrlDecode("100%", true));
  EXPECT_EQ("%zz", UrlDecode("%zz", true));
  EXPECT_EQ("%4", UrlDecode("%4", true));
  EXPECT_EQ(std::string("a\0b", 3), UrlDecode("a%00b", true));
}

TEST(ParseQueryStringTest, KeepsOrderAndNames) {
  const QueryParams params = ParseQueryString("QueryText=%27a+b%27&rowlimit=5&&flag&x=");
  ASSERT_EQ(4u, params.size());
  EXPECT_EQ((std::pair<std::string, std::string>{"QueryText", "'a b'"}), params[0]);
  EXPECT_EQ((std::pair<std::string, std::string>{"rowlimit", "5"}), params[1]);
  EXPECT_EQ((std::pair<std::string, std::string>{"flag", ""}), params[2]);
  EXPECT_EQ((std::pair<std::string, std::string>{"x", ""}), params[3]);
}

TEST(HttpRequestTest, SetTargetSplitsPathAndQuery) {
  HttpRequest request;
  ASSERT_TRUE(request.SetTarget("/sites/x/_api/search/query?querytext=%27a%27#frag").ok());
  EXPECT_EQ("/sites/x/_api/search/query", request.path);
  ASSERT_EQ(1u, request.query.size());
  EXPECT_EQ("'a'", request.query[0].second);

  ASSERT_TRUE(request.SetTarget("/_api/search/query(querytext=%27a%20b%27)").ok());
  EXPECT_EQ("/_api/search/query(querytext='a b')", request.path);
  EXPECT_TRUE(request.query.empty());
}

TEST(HttpRequestTest, TargetMustStartWithSlash) {
  HttpRequest request;
  EXPECT_FALSE(request.SetTarget("").ok());
  EXPECT_FALSE(request.SetTarget("*").ok());
  EXPECT_FALSE(request.SetTarget("http://evil/").ok());
}

TEST(HttpHeadersTest, LookupIgnoresCase) {
  HttpHeaders headers;
  headers.Add("Accept", "application/json");
  headers.Add("X-Thing", "1");
  EXPECT_EQ("application/json", headers.Get("accept").value_or(""));
  EXPECT_EQ("application/json", headers.Get("ACCEPT").value_or(""));
  EXPECT_FALSE(headers.Get("Host").has_value());
  headers.Set("x-thing", "2");
  EXPECT_EQ("2", headers.Get("X-THING").value_or(""));
  EXPECT_EQ(2u, headers.fields().size());
}

}  // namespace
}  // namespace docket::web
