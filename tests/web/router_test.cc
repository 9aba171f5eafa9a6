/** @file
 *  @brief Route matching (SharePoint suffixes, function-call form) and router-level errors.
 */
#include "web/router.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "tests/web/fake_search.h"
#include "web/routes.h"

namespace docket::web {
namespace {

using nlohmann::json;

TEST(MatchRoutePatternTest, ApiPatternsMatchUnderAnySitePrefix) {
  const std::pair<std::string_view, std::string_view> cases[] = {
      {"/_api/search/query", ""},
      {"/sites/x/_api/search/query", "/sites/x"},
      {"/sites/a/b/c/_api/search/query", "/sites/a/b/c"},
      {"/SITES/X/_API/Search/Query", "/SITES/X"},
  };
  for (const auto& [path, prefix] : cases) {
    RequestContext context;
    EXPECT_TRUE(MatchRoutePattern("/_api/search/query", path, &context)) << path;
    EXPECT_EQ(prefix, context.site_prefix) << path;
    EXPECT_EQ("", context.call_args) << path;
  }
}

TEST(MatchRoutePatternTest, FunctionCallForm) {
  RequestContext context;
  ASSERT_TRUE(MatchRoutePattern("/_api/search/query",
                                "/sites/x/_api/search/query(querytext='x',rowlimit=5)", &context));
  EXPECT_EQ("/sites/x", context.site_prefix);
  EXPECT_EQ("querytext='x',rowlimit=5", context.call_args);
  ASSERT_TRUE(MatchRoutePattern("/_api/search/query", "/_api/search/query()", &context));
  EXPECT_EQ("", context.call_args);
}

TEST(MatchRoutePatternTest, Rejects) {
  RequestContext context;
  for (std::string_view path :
       {"/_api/search/queryx", "/_api/search/query/", "/_api/search/postquery",
        "/_api/search/query(x", "/api/search/query", "/x_api/search/query", "/", ""}) {
    EXPECT_FALSE(MatchRoutePattern("/_api/search/query", path, &context)) << path;
  }
}

TEST(MatchRoutePatternTest, PlainPatternsAreExact) {
  RequestContext context;
  EXPECT_TRUE(MatchRoutePattern("/", "/", &context));
  EXPECT_FALSE(MatchRoutePattern("/", "/index.html", &context));
  EXPECT_FALSE(MatchRoutePattern("/", "/sites/x/", &context));
}

class RoutesTest : public ::testing::Test {
 protected:
  void SetUp() override { RegisterRoutes(router_, RouteDependencies{testing::FakeSearch()}); }

  HttpResponse Send(std::string method, std::string target, std::string accept = "") {
    HttpRequest request;
    request.method = std::move(method);
    EXPECT_TRUE(request.SetTarget(target).ok());
    if (!accept.empty()) {
      request.headers.Add("Accept", accept);
    }
    return router_.Dispatch(request);
  }

  Router router_;
};

TEST_F(RoutesTest, EveryRouteHasAnAction) {
  ASSERT_FALSE(router_.routes().empty());
  for (const Route& route : router_.routes()) {
    EXPECT_FALSE(route.action.empty()) << route.pattern;
    EXPECT_NE(std::string::npos, route.action.find(':')) << route.action;
  }
  EXPECT_EQ("search:query", router_.Match("GET", "/sites/x/_api/search/query").context.action);
  EXPECT_EQ("page:search", router_.Match("GET", "/").context.action);
}

TEST_F(RoutesTest, QueryUnderSitePrefixAndFunctionForm) {
  HttpResponse a = Send("GET", "/sites/x/_api/search/query?querytext='budget'",
                        "application/json;odata=nometadata");
  EXPECT_EQ(200, a.status) << a.body;
  HttpResponse b = Send("GET", "/_api/search/query(querytext='budget',rowlimit=1)",
                        "application/json;odata=nometadata");
  ASSERT_EQ(200, b.status) << b.body;
  EXPECT_EQ(1, json::parse(b.body)["PrimaryQueryResult"]["RelevantResults"]["RowCount"]);
}

TEST_F(RoutesTest, PostToQueryIs405WithODataBody) {
  HttpResponse response = Send("POST", "/_api/search/query", "application/json;odata=nometadata");
  EXPECT_EQ(405, response.status);
  bool has_allow = false;
  for (const auto& [name, value] : response.headers) {
    if (name == "Allow") {
      has_allow = true;
      EXPECT_EQ("GET", value);
    }
  }
  EXPECT_TRUE(has_allow);
  const json body = json::parse(response.body);
  ASSERT_TRUE(body.contains("odata.error"));
  EXPECT_TRUE(body["odata.error"]["message"]["value"].is_string());
}

TEST_F(RoutesTest, UnknownApiPathIs404ODataError) {
  HttpResponse response = Send("GET", "/sites/x/_api/web/lists", "application/json;odata=verbose");
  EXPECT_EQ(404, response.status);
  EXPECT_EQ("application/json;odata=verbose;charset=utf-8", response.content_type);
  const json body = json::parse(response.body);
  ASSERT_TRUE(body.contains("error"));
  EXPECT_EQ("-1, Microsoft.SharePoint.Client.InvalidClientQueryException", body["error"]["code"]);
  EXPECT_EQ("en-US", body["error"]["message"]["lang"]);
}

TEST_F(RoutesTest, ContextInfoIsPostUnderAnySitePrefix) {
  HttpResponse response = Send("POST", "/sites/x/_api/contextinfo", "application/json");
  ASSERT_EQ(200, response.status) << response.body;
  EXPECT_TRUE(json::parse(response.body)["FormDigestValue"].is_string());
  EXPECT_EQ("site:contextinfo", router_.Match("POST", "/_api/contextinfo").context.action);
  EXPECT_EQ(405, Send("GET", "/sites/x/_api/contextinfo", "application/json").status);
}

TEST_F(RoutesTest, UnknownNonApiPathIsPlain404) {
  HttpResponse response = Send("GET", "/favicon.ico");
  EXPECT_EQ(404, response.status);
  EXPECT_EQ(0u, response.content_type.find("text/plain"));
}

TEST_F(RoutesTest, SearchPageIsHtml) {
  HttpResponse response = Send("GET", "/");
  EXPECT_EQ(200, response.status);
  EXPECT_EQ(0u, response.content_type.find("text/html"));
  EXPECT_NE(std::string::npos, response.body.find("_api/search/query"));
  EXPECT_NE(std::string::npos, response.body.find("odata=nometadata"));
  // Self-contained: no external resources.
  EXPECT_EQ(std::string::npos, response.body.find("http://"));
  EXPECT_EQ(std::string::npos, response.body.find("https://"));
}

}  // namespace
}  // namespace docket::web
