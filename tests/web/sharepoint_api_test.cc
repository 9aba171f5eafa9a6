/** @file
 *  @brief GET /_api/search/query: OData literals, parameters, Accept negotiation, error bodies.
 */
#include "web/sharepoint_api.h"

#include <gtest/gtest.h>
#include <libxml/parser.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>

#include <nlohmann/json.hpp>
#include <regex>

#include "common/time_util.h"
#include "tests/web/fake_search.h"

namespace docket::web {
namespace {

using nlohmann::json;

TEST(ODataStringTest, Table) {
  const std::pair<std::string_view, std::string_view> cases[] = {
      {"'bud'", "bud"},
      {"'title:\"O''Neil\"'", "title:\"O'Neil\""},
      {"''''", "'"},
      {"''", ""},
      {"'a b'", "a b"},
      {"  'padded'  ", "padded"},
      {"unquoted text", "unquoted text"},  // lenient (§1.4)
      {"'", "'"},                          // a lone quote is not a literal
      {"'half", "'half"},
      {"author:\"Li Wei\" AND 合同", "author:\"Li Wei\" AND 合同"},
  };
  for (const auto& [input, expected] : cases) {
    EXPECT_EQ(expected, ParseODataString(input)) << input;
  }
}

TEST(FunctionCallArgsTest, SplitsOutsideQuotes) {
  const QueryParams params = ParseFunctionCallArgs(
      "querytext='a,b&c',rowlimit=5&StartRow=2, selectproperties='Title,Path'");
  ASSERT_EQ(4u, params.size());
  EXPECT_EQ("querytext", params[0].first);
  EXPECT_EQ("'a,b&c'", params[0].second);
  EXPECT_EQ("5", params[1].second);
  EXPECT_EQ("StartRow", params[2].first);
  EXPECT_EQ("'Title,Path'", params[3].second);
  EXPECT_EQ("'it''s, here'", ParseFunctionCallArgs("querytext='it''s, here'").at(0).second);
  EXPECT_TRUE(ParseFunctionCallArgs("").empty());
}

TEST(NegotiateTest, Table) {
  const std::pair<std::string_view, ODataFormat> cases[] = {
      {"", ODataFormat::kXml},
      {"*/*", ODataFormat::kXml},
      {"application/xml", ODataFormat::kXml},
      {"application/atom+xml", ODataFormat::kXml},
      {"application/json;odata=nometadata", ODataFormat::kNoMetadata},
      {"application/json; odata=nometadata", ODataFormat::kNoMetadata},
      {"Application/JSON;ODATA = NoMetadata;charset=utf-8", ODataFormat::kNoMetadata},
      {"application/json;odata=verbose", ODataFormat::kVerbose},
      {"application/json;charset=utf-8; odata=\"verbose\"", ODataFormat::kVerbose},
      {"application/json", ODataFormat::kMinimalMetadata},
      {"application/json;odata=minimalmetadata", ODataFormat::kMinimalMetadata},
      {"text/html, application/json;odata=verbose;q=0.9, */*;q=0.1", ODataFormat::kVerbose},
      {"application/json;odata=verbose;q=0.5, application/json;odata=nometadata",
       ODataFormat::kNoMetadata},
      {"application/json;odata=verbose;q=0", ODataFormat::kXml},
  };
  for (const auto& [accept, expected] : cases) {
    EXPECT_EQ(expected, NegotiateODataFormat(accept)) << accept;
  }
}

TEST(ParseQueryOptionsTest, DefaultsAndCaseInsensitiveNames) {
  Result<QueryOptions> options = ParseQueryOptions({{"QueryText", "'budget'"}});
  ASSERT_TRUE(options.ok()) << options.status().ToString();
  EXPECT_EQ("budget", options->request.query_text);
  EXPECT_EQ(0u, options->request.start_row);
  EXPECT_EQ(10u, options->request.row_limit);
  EXPECT_EQ(180u, options->request.summary_length);
  EXPECT_TRUE(options->request.sort.empty());
  EXPECT_FALSE(options->select_properties.has_value());

  options = ParseQueryOptions({{"querytext", "'x'"},
                               {"STARTROW", "20"},
                               {"rowLimit", "'5'"},
                               {"SummaryLength", "50"},
                               {"sortList", "'Write:descending, size:Ascending'"},
                               {"SelectProperties", "'title, Path,,Author'"},
                               {"refiners", "'FileType'"}});  // accepted, ignored
  ASSERT_TRUE(options.ok()) << options.status().ToString();
  EXPECT_EQ(20u, options->request.start_row);
  EXPECT_EQ(5u, options->request.row_limit);
  EXPECT_EQ(50u, options->request.summary_length);
  ASSERT_EQ(2u, options->request.sort.size());
  EXPECT_EQ("Write", options->request.sort[0].property);
  EXPECT_TRUE(options->request.sort[0].descending);
  EXPECT_EQ("Size", options->request.sort[1].property);
  EXPECT_FALSE(options->request.sort[1].descending);
  EXPECT_EQ((std::vector<std::string>{"title", "Path", "Author"}), *options->select_properties);
}

TEST(ParseQueryOptionsTest, FirstOccurrenceWinsAndRowLimitIsCapped) {
  Result<QueryOptions> options = ParseQueryOptions(
      {{"querytext", "'first'"}, {"QUERYTEXT", "'second'"}, {"rowlimit", "100000"}});
  ASSERT_TRUE(options.ok());
  EXPECT_EQ("first", options->request.query_text);
  EXPECT_EQ(kMaxRowLimit, options->request.row_limit);
}

TEST(ParseQueryOptionsTest, SortAliases) {
  Result<QueryOptions> options = ParseQueryOptions(
      {{"querytext", "x"}, {"sortlist", "'LastModifiedTime:descending,Created,rank:descending'"}});
  ASSERT_TRUE(options.ok()) << options.status().ToString();
  ASSERT_EQ(3u, options->request.sort.size());
  EXPECT_EQ("Write", options->request.sort[0].property);
  EXPECT_EQ("Sent", options->request.sort[1].property);
  EXPECT_FALSE(options->request.sort[1].descending);
  EXPECT_EQ("Rank", options->request.sort[2].property);
}

TEST(ParseQueryOptionsTest, SpecialSorts) {
  Result<QueryOptions> options = ParseQueryOptions(
      {{"querytext", "x"},
       {"sortlist",
        "'[formula:pow(size,2)]:descending, [random:seed=5432]:ascending,[random:seed=7],"
        "Title:ascending,Received:descending'"}});
  ASSERT_TRUE(options.ok()) << options.status().ToString();
  const std::vector<SortSpec>& sort = options->request.sort;
  ASSERT_EQ(5u, sort.size());
  EXPECT_EQ("[formula:pow(size,2)]", sort[0].property);  // the comma inside is not a split
  EXPECT_TRUE(sort[0].descending);
  EXPECT_EQ("[random:seed=5432]", sort[1].property);
  EXPECT_FALSE(sort[1].descending);
  EXPECT_EQ("[random:seed=7]", sort[2].property);  // its own colon is not a direction
  EXPECT_FALSE(sort[2].descending);
  EXPECT_EQ("Title", sort[3].property);
  EXPECT_EQ("Received", sort[4].property);
  EXPECT_TRUE(sort[4].descending);
}

TEST(ParseQueryOptionsTest, Errors) {
  const std::vector<std::pair<QueryParams, std::string_view>> cases = {
      {{}, "querytext"},
      {{{"querytext", "''"}}, "querytext"},
      {{{"querytext", "'   '"}}, "querytext"},
      {{{"querytext", ""}}, "querytext"},
      {{{"querytext", "x"}, {"rowlimit", "-1"}}, "rowlimit"},
      {{{"querytext", "x"}, {"rowlimit", "ten"}}, "rowlimit"},
      {{{"querytext", "x"}, {"rowlimit", "10abc"}}, "rowlimit"},
      {{{"querytext", "x"}, {"rowlimit", ""}}, "rowlimit"},
      {{{"querytext", "x"}, {"startrow", "-5"}}, "startrow"},
      {{{"querytext", "x"}, {"startrow", "50001"}}, "startrow"},
      {{{"querytext", "x"}, {"startrow", "99999999999999999999999"}}, "startrow"},
      {{{"querytext", "x"}, {"summarylength", "10001"}}, "summarylength"},
      {{{"querytext", "x"}, {"sortlist", "'Bogus:ascending'"}}, "Bogus"},
      {{{"querytext", "x"}, {"sortlist", "'Write:sideways'"}}, "sideways"},
      {{{"querytext", "x"}, {"sortlist", "'[formula:abs(2000-colour)]:ascending'"}},
       "'colour' is not a number the formula can read"},
      {{{"querytext", "x"}, {"sortlist", "'[formula:foo(size)]'"}}, "unknown function 'foo'"},
      {{{"querytext", "x"}, {"sortlist", "'[random:seed=x]:ascending'"}}, "seed"},
  };
  for (const auto& [params, needle] : cases) {
    Result<QueryOptions> options = ParseQueryOptions(params);
    ASSERT_FALSE(options.ok()) << needle;
    EXPECT_EQ(StatusCode::kInvalidArgument, options.error().code());
    EXPECT_NE(std::string::npos, options.error().message().find(needle))
        << options.error().message();
  }
}

class HandleSearchQueryTest : public ::testing::Test {
 protected:
  HttpResponse Get(std::string target, std::string accept, std::string call_args = "") {
    HttpRequest request;
    request.method = "GET";
    EXPECT_TRUE(request.SetTarget(target).ok());
    if (!accept.empty()) {
      request.headers.Add("Accept", accept);
    }
    request.headers.Add("Host", "docket.example:8080");
    RequestContext context;
    context.action = "search:query";
    context.site_prefix = "/sites/ediscovery";
    context.call_args = std::move(call_args);
    return HandleSearchQuery(testing::FakeSearch(&last_), request, context);
  }
  SearchRequest last_;
};

TEST_F(HandleSearchQueryTest, NoMetadata) {
  HttpResponse response = Get("/q?querytext=%27budget+review%27&rowlimit=2&startrow=1",
                              "application/json;odata=nometadata");
  ASSERT_EQ(200, response.status) << response.body;
  EXPECT_EQ("application/json;odata=nometadata;streaming=true;charset=utf-8",
            response.content_type);
  EXPECT_EQ("budget review", last_.query_text);  // '+' decoded to a space, quotes stripped
  EXPECT_EQ(1u, last_.start_row);
  EXPECT_EQ(2u, last_.row_limit);
  const json body = json::parse(response.body);
  EXPECT_FALSE(body.contains("odata.metadata"));
  EXPECT_FALSE(body.contains("d"));
  const json& relevant = body["PrimaryQueryResult"]["RelevantResults"];
  EXPECT_EQ(2, relevant["RowCount"]);
  EXPECT_EQ(3, relevant["TotalRows"]);
  EXPECT_EQ("102", relevant["Table"]["Rows"][0]["Cells"][1]["Value"]);
}

TEST_F(HandleSearchQueryTest, HitHighlightedPropertiesReachTheSearcher) {
  Get("/q?querytext='budget'", "application/json;odata=nometadata");
  EXPECT_TRUE(last_.hit_highlighted_properties.empty());
  Get("/q?querytext='budget'&HitHighlightedProperties='Title, Author'",
      "application/json;odata=nometadata");
  EXPECT_EQ((std::vector<std::string>{"Title", "Author"}), last_.hit_highlighted_properties);
}

TEST_F(HandleSearchQueryTest, PlusMustBeEncodedToReachKql) {
  Get("/q?querytext=%27%2Bbudget+-draft%27", "application/json;odata=nometadata");
  EXPECT_EQ("+budget -draft", last_.query_text);
}

TEST_F(HandleSearchQueryTest, FunctionCallFormAndQueryStringTogether) {
  HttpResponse response = Get("/q?selectproperties=%27Title%27",
                              "application/json;odata=nometadata", "querytext='it''s',rowlimit=1");
  ASSERT_EQ(200, response.status) << response.body;
  EXPECT_EQ("it's", last_.query_text);
  EXPECT_EQ(1u, last_.row_limit);
  const json cells = json::parse(
      response.body)["PrimaryQueryResult"]["RelevantResults"]["Table"]["Rows"][0]["Cells"];
  ASSERT_EQ(1u, cells.size());
  EXPECT_EQ("Title", cells[0]["Key"]);
}

TEST_F(HandleSearchQueryTest, Verbose) {
  HttpResponse response = Get("/q?querytext='budget'", "application/json;odata=verbose");
  ASSERT_EQ(200, response.status);
  EXPECT_EQ("application/json;odata=verbose;charset=utf-8", response.content_type);
  const json body = json::parse(response.body);
  ASSERT_TRUE(body["d"]["query"].is_object());
  EXPECT_EQ(3u,
            body["d"]["query"]["PrimaryQueryResult"]["RelevantResults"]["Table"]["Rows"]["results"]
                .size());
}

TEST_F(HandleSearchQueryTest, BareJsonIsMinimalMetadata) {
  HttpResponse response = Get("/q?querytext='budget'", "application/json");
  ASSERT_EQ(200, response.status);
  EXPECT_EQ("application/json;odata=minimalmetadata;streaming=true;charset=utf-8",
            response.content_type);
  const json body = json::parse(response.body);
  EXPECT_EQ(
      "http://docket.example:8080/sites/ediscovery/_api/$metadata#Microsoft.Office.Server.Search."
      "REST.SearchResult",
      body["odata.metadata"]);
  // The annotation leads, as in OData JSON light.
  EXPECT_EQ("odata.metadata", nlohmann::ordered_json::parse(response.body).begin().key());
}

// The XML form of §1.6.4, read back with libxml2 and the XPath expressions real XML
// consumers use.
class XmlDoc {
 public:
  explicit XmlDoc(const std::string& text)
      : doc_(xmlReadMemory(text.data(), static_cast<int>(text.size()), "r.xml", nullptr,
                           XML_PARSE_NONET)) {
    if (doc_ != nullptr) {
      ctx_ = xmlXPathNewContext(doc_);
      xmlXPathRegisterNs(ctx_, BAD_CAST "d",
                         BAD_CAST "http://schemas.microsoft.com/ado/2007/08/dataservices");
      xmlXPathRegisterNs(ctx_, BAD_CAST "m",
                         BAD_CAST "http://schemas.microsoft.com/ado/2007/08/dataservices/metadata");
    }
  }
  ~XmlDoc() {
    if (ctx_ != nullptr) {
      xmlXPathFreeContext(ctx_);
    }
    if (doc_ != nullptr) {
      xmlFreeDoc(doc_);
    }
  }
  bool ok() const { return doc_ != nullptr; }
  // The string value of an XPath expression (string(...), count(...)).
  std::string Eval(const std::string& xpath) {
    xmlXPathObjectPtr result = xmlXPathEvalExpression(BAD_CAST xpath.c_str(), ctx_);
    if (result == nullptr) {
      return "<bad xpath>";
    }
    xmlChar* text = xmlXPathCastToString(result);
    std::string out(reinterpret_cast<const char*>(text));
    xmlFree(text);
    xmlXPathFreeObject(result);
    return out;
  }

 private:
  xmlDocPtr doc_ = nullptr;
  xmlXPathContextPtr ctx_ = nullptr;
};

TEST_F(HandleSearchQueryTest, NoJsonAcceptGetsODataXml) {
  for (const char* accept : {"", "*/*", "application/xml", "application/atom+xml"}) {
    HttpResponse response = Get("/q?querytext='budget'&refiners='FileType'", accept);
    ASSERT_EQ(200, response.status) << accept;
    EXPECT_EQ("application/xml;charset=utf-8", response.content_type);
    EXPECT_TRUE(response.body.starts_with("<?xml version=\"1.0\" encoding=\"utf-8\"?><d:query "));
    XmlDoc doc(response.body);
    ASSERT_TRUE(doc.ok()) << response.body;
    const std::string rows = "//d:Table/d:Rows/d:element[@m:type=\"SP.SimpleDataRow\"]/d:Cells";
    EXPECT_EQ("3", doc.Eval("count(" + rows + ")"));
    EXPECT_EQ("101", doc.Eval("string(" + rows +
                              "[1]/d:element[@m:type=\"SP.KeyValue\"][d:Key='DocId']/d:Value)"));
    EXPECT_EQ("Edm.Int64",
              doc.Eval("string(" + rows + "[1]/d:element[d:Key='DocId']/d:ValueType)"));
    // Escaped summary text comes back as the same string the JSON form carries.
    EXPECT_EQ("the <c0>budget</c0> for Q2 &amp; Q3",
              doc.Eval("string(" + rows + "[1]/d:element[d:Key='HitHighlightedSummary']/d:Value)"));
    EXPECT_EQ("true",
              doc.Eval("string(" + rows + "[1]/d:element[d:Key='Description']/d:Value/@m:null)"));
    EXPECT_EQ("3", doc.Eval("string(//d:RelevantResults/d:RowCount)"));
    EXPECT_EQ("Edm.Int32", doc.Eval("string(//d:RelevantResults/d:TotalRows/@m:type)"));
    EXPECT_EQ("4", doc.Eval("string(//d:TotalRowsIncludingDuplicates)"));
    EXPECT_EQ("FileType", doc.Eval("string(//d:Refiners/d:element/d:Name)"));
    EXPECT_EQ("12",
              doc.Eval("string(//d:Refiners/d:element/d:Entries/d:element/d:RefinementCount)"));
    EXPECT_EQ(
        "\"\xC7\x82\xC7\x82"
        "646f6378\"",
        doc.Eval("string(//d:Entries/d:element/d:RefinementToken)"));
  }
}

TEST_F(HandleSearchQueryTest, XmlErrorBody) {
  HttpResponse response = Get("/q?querytext=%27%27", "application/xml");
  EXPECT_EQ(400, response.status);
  EXPECT_EQ("application/xml;charset=utf-8", response.content_type);
  XmlDoc doc(response.body);
  ASSERT_TRUE(doc.ok()) << response.body;
  EXPECT_EQ("-1, Microsoft.Office.Server.Search.REST.SearchServiceException",
            doc.Eval("string(/m:error/m:code)"));
  EXPECT_NE(std::string::npos, doc.Eval("string(/m:error/m:message)").find("querytext"));
}

TEST_F(HandleSearchQueryTest, RefinersTrimAndTemplatesReachTheSearcher) {
  HttpResponse response =
      Get("/q?querytext='budget'&refiners='FileType,Write(discretize=manual/2013-01-01/2014-01-01)'"
          "&refinementfilters=%27and(FileType:equals(%22docx%22),Size:range(0,max,from=GT))%27"
          "&trimduplicates=False&enablesorting=false&querytemplate='{SearchTerms} kind:email'"
          "&hiddenconstraints='custodian:alice'",
          "application/json;odata=nometadata");
  ASSERT_EQ(200, response.status) << response.body;
  ASSERT_EQ(2u, last_.refiners.size());
  EXPECT_EQ("Write", last_.refiners[1].name);
  EXPECT_EQ(2u, last_.refiners[1].thresholds.size());
  ASSERT_EQ(1u, last_.refinement_filters.size());
  EXPECT_EQ("and(FileType:equals(\"docx\"),Size:range(0,max,from=GT))",
            last_.refinement_filters[0]);
  EXPECT_FALSE(last_.trim_duplicates);
  EXPECT_FALSE(last_.enable_sorting);
  EXPECT_EQ("((budget) kind:email) (custodian:alice)", last_.query_text);
  const json refiners = json::parse(response.body)["PrimaryQueryResult"]["RefinementResults"];
  EXPECT_EQ("FileType", refiners["Refiners"][0]["Name"]);
  EXPECT_EQ("12", refiners["Refiners"][0]["Entries"][0]["RefinementCount"]);
  EXPECT_EQ(
      3,
      json::parse(
          response.body)["PrimaryQueryResult"]["RelevantResults"]["TotalRowsIncludingDuplicates"]);
}

TEST_F(HandleSearchQueryTest, BadRefinersAndFiltersAre400) {
  for (const char* target : {"/q?querytext='a'&refiners='Nope'",
                             "/q?querytext='a'&refinementfilters='FileType:equals(%22x%22'",
                             "/q?querytext='a'&trimduplicates=maybe"}) {
    HttpResponse response = Get(target, "application/json;odata=nometadata");
    EXPECT_EQ(400, response.status) << target;
    EXPECT_TRUE(json::parse(response.body).contains("odata.error")) << target;
  }
}

TEST_F(HandleSearchQueryTest, EmptyQueryIs400) {
  HttpResponse response = Get("/q?querytext=%27%27", "application/json;odata=nometadata");
  EXPECT_EQ(400, response.status);
  const json body = json::parse(response.body);
  EXPECT_EQ("-1, Microsoft.Office.Server.Search.REST.SearchServiceException",
            body["odata.error"]["code"]);
  EXPECT_EQ("en-US", body["odata.error"]["message"]["lang"]);
  EXPECT_NE(std::string::npos,
            body["odata.error"]["message"]["value"].get<std::string>().find("querytext"));
}

TEST_F(HandleSearchQueryTest, MalformedKqlIs400WithSearcherMessage) {
  HttpResponse response = Get("/q?querytext=%27bad(%27", "application/json;odata=verbose");
  EXPECT_EQ(400, response.status);
  const json body = json::parse(response.body);
  ASSERT_EQ(1u, body.size());
  EXPECT_EQ("-1, Microsoft.Office.Server.Search.REST.SearchServiceException",
            body["error"]["code"]);
  EXPECT_EQ("syntax error at offset 4: unbalanced '('", body["error"]["message"]["value"]);
}

TEST_F(HandleSearchQueryTest, BadNumbersAre400) {
  EXPECT_EQ(400, Get("/q?querytext=x&rowlimit=-1", "application/json").status);
  EXPECT_EQ(400, Get("/q?querytext=x&startrow=abc", "application/json").status);
  EXPECT_EQ(400, Get("/q?querytext=x&sortlist='Nope:ascending'", "application/json").status);
}

TEST_F(HandleSearchQueryTest, InternalErrorIs500) {
  HttpResponse response = Get("/q?querytext=boom", "application/json;odata=nometadata");
  EXPECT_EQ(500, response.status);
  EXPECT_TRUE(json::parse(response.body).contains("odata.error"));
}

// POST {site}/_api/contextinfo with the Accept PnPjs's RequestDigest behavior sends.
HttpResponse PostContextInfo(std::string_view accept, bool with_host = true) {
  HttpRequest request;
  request.method = "POST";
  EXPECT_TRUE(request.SetTarget("/sites/ediscovery/_api/contextinfo").ok());
  if (!accept.empty()) {
    request.headers.Add("Accept", std::string(accept));
  }
  if (with_host) {
    request.headers.Add("Host", "docket.example:8080");
  }
  RequestContext context;
  context.action = "site:contextinfo";
  context.site_prefix = "/sites/ediscovery";
  return HandleContextInfo(request, context, UtcFromCivil(2024, 6, 12, 10, 0, 0));
}

const std::regex kDigestPattern("0x[0-9A-F]{128},12 Jun 2024 10:00:00 -0000");

TEST(HandleContextInfoTest, FlatJsonAsPnPjsReadsIt) {
  // PnPjs parses with JSONParse (no OData unwrapping) and reads these two keys at the top.
  for (const char* accept : {"application/json", "application/json;odata=nometadata"}) {
    HttpResponse response = PostContextInfo(accept);
    ASSERT_EQ(200, response.status) << accept;
    const json body = json::parse(response.body);
    EXPECT_FALSE(body.contains("d")) << accept;
    ASSERT_TRUE(body["FormDigestValue"].is_string()) << response.body;
    EXPECT_TRUE(std::regex_match(body["FormDigestValue"].get<std::string>(), kDigestPattern))
        << body["FormDigestValue"];
    EXPECT_EQ(1800, body["FormDigestTimeoutSeconds"]);
    EXPECT_EQ("http://docket.example:8080/sites/ediscovery", body["WebFullUrl"]);
    EXPECT_EQ("http://docket.example:8080/sites/ediscovery", body["SiteFullUrl"]);
    EXPECT_EQ("15.0.4569.1000", body["LibraryVersion"]);
    EXPECT_EQ(json::array({"14.0.0.0", "15.0.0.0"}), body["SupportedSchemaVersions"]);
  }
  const json minimal = json::parse(PostContextInfo("application/json").body);
  EXPECT_EQ("http://docket.example:8080/sites/ediscovery/_api/$metadata#SP.ContextWebInformation",
            minimal["odata.metadata"]);
  EXPECT_FALSE(json::parse(PostContextInfo("application/json;odata=nometadata").body)
                   .contains("odata.metadata"));
}

TEST(HandleContextInfoTest, EveryCallIssuesAFreshDigest) {
  const json a = json::parse(PostContextInfo("application/json").body);
  const json b = json::parse(PostContextInfo("application/json").body);
  EXPECT_NE(a["FormDigestValue"], b["FormDigestValue"]);
}

TEST(HandleContextInfoTest, Verbose) {
  HttpResponse response = PostContextInfo("application/json;odata=verbose");
  ASSERT_EQ(200, response.status);
  EXPECT_EQ("application/json;odata=verbose;charset=utf-8", response.content_type);
  const json body = json::parse(response.body);
  const json& info = body["d"]["GetContextWebInformation"];
  ASSERT_TRUE(info.is_object()) << response.body;
  EXPECT_EQ("SP.ContextWebInformation", info["__metadata"]["type"]);
  EXPECT_TRUE(std::regex_match(info["FormDigestValue"].get<std::string>(), kDigestPattern));
  EXPECT_EQ(1800, info["FormDigestTimeoutSeconds"]);
  EXPECT_EQ(json::array({"14.0.0.0", "15.0.0.0"}), info["SupportedSchemaVersions"]["results"]);
  EXPECT_EQ("Collection(Edm.String)", info["SupportedSchemaVersions"]["__metadata"]["type"]);
  EXPECT_EQ("http://docket.example:8080/sites/ediscovery", info["WebFullUrl"]);
}

TEST(HandleContextInfoTest, XmlWhenNoJsonIsAsked) {
  HttpResponse response = PostContextInfo("");
  ASSERT_EQ(200, response.status);
  EXPECT_EQ("application/xml;charset=utf-8", response.content_type);
  XmlDoc doc(response.body);
  ASSERT_TRUE(doc.ok()) << response.body;
  EXPECT_EQ("SP.ContextWebInformation", doc.Eval("string(/d:GetContextWebInformation/@m:type)"));
  EXPECT_TRUE(std::regex_match(doc.Eval("string(//d:FormDigestValue)"), kDigestPattern));
  EXPECT_EQ("1800", doc.Eval("string(//d:FormDigestTimeoutSeconds)"));
  EXPECT_EQ("2", doc.Eval("count(//d:SupportedSchemaVersions/d:element)"));
  EXPECT_EQ("http://docket.example:8080/sites/ediscovery", doc.Eval("string(//d:SiteFullUrl)"));
}

TEST(HandleContextInfoTest, WithoutHostTheUrlsAreSitePaths) {
  const json body = json::parse(PostContextInfo("application/json;odata=nometadata", false).body);
  EXPECT_EQ("/sites/ediscovery", body["WebFullUrl"]);
}

}  // namespace
}  // namespace docket::web
