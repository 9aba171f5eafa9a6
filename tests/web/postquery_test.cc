/** @file
 *  @brief POST /_api/search/postquery (sharepoint-search.md §1.5) and GET /_api/search/suggest
 *         (§1.11): both body shapes, value encodings, errors; suggest's shapes.
 */
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "tests/web/fake_search.h"
#include "web/sharepoint_api.h"

namespace docket::web {
namespace {

using nlohmann::json;

TEST(PostQueryBodyTest, JsonLightAsPnPjsSendsIt) {
  auto options = ParsePostQueryBody(
      R"j({"request":{"Querytext":"budget","RowLimit":5,"SelectProperties":["Title","Path"],
          "RefinementFilters":["FileType:equals(\"docx\")"],"HitHighlightedProperties":[],
          "Properties":[],"ReorderingRules":[],"SortList":[],"StartRow":10,
          "Refiners":"FileType,Write(discretize=manual/2013-01-01)","TrimDuplicates":false}})j");
  ASSERT_TRUE(options.ok()) << options.error().ToString();
  EXPECT_EQ("budget", options->request.query_text);
  EXPECT_EQ(5u, options->request.row_limit);
  EXPECT_EQ(10u, options->request.start_row);
  EXPECT_EQ((std::vector<std::string>{"Title", "Path"}), *options->select_properties);
  EXPECT_EQ((std::vector<std::string>{"FileType:equals(\"docx\")"}),
            options->request.refinement_filters);
  ASSERT_EQ(2u, options->request.refiners.size());
  EXPECT_EQ("FileType", options->request.refiners[0].name);
  EXPECT_TRUE(options->request.sort.empty());                        // [] means rank
  EXPECT_TRUE(options->request.hit_highlighted_properties.empty());  // []: the cell is null
  EXPECT_FALSE(options->request.trim_duplicates);
}

TEST(PostQueryBodyTest, SpecialSortsAndFormulaDirection) {
  auto options = ParsePostQueryBody(
      R"j({"request":{"Querytext":"x","SortList":[
          {"Property":"[random:seed=3]","Direction":1},
          {"Property":"abs(2000-size)","Direction":2},
          {"Property":"[formula:rank]","Direction":0}]}})j");
  ASSERT_TRUE(options.ok()) << options.error().ToString();
  ASSERT_EQ(3u, options->request.sort.size());
  EXPECT_EQ("[random:seed=3]", options->request.sort[0].property);
  EXPECT_TRUE(options->request.sort[0].descending);
  // Direction 2 (FQLFormula) carries the formula in Property.
  EXPECT_EQ("[formula:abs(2000-size)]", options->request.sort[1].property);
  EXPECT_FALSE(options->request.sort[1].descending);
  EXPECT_EQ("[formula:rank]", options->request.sort[2].property);
  auto bad = ParsePostQueryBody(
      R"j({"request":{"Querytext":"x","SortList":[{"Property":"nope(size)","Direction":2}]}})j");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(std::string::npos, bad.error().message().find("unknown function 'nope'"))
      << bad.error().message();
}

TEST(PostQueryBodyTest, HitHighlightedPropertiesInBothShapes) {
  auto light = ParsePostQueryBody(
      R"j({"request":{"Querytext":"budget","HitHighlightedProperties":["Title","Participants"]}})j");
  ASSERT_TRUE(light.ok()) << light.error().ToString();
  EXPECT_EQ((std::vector<std::string>{"Title", "Participants"}),
            light->request.hit_highlighted_properties);
  auto verbose = ParsePostQueryBody(
      R"j({"request":{"Querytext":"budget","HithighlightedProperties":{"results":["Author"]}}})j");
  ASSERT_TRUE(verbose.ok()) << verbose.error().ToString();
  EXPECT_EQ((std::vector<std::string>{"Author"}), verbose->request.hit_highlighted_properties);
}

TEST(PostQueryBodyTest, VerboseWithResultsWrappersAndStringNumbers) {
  auto options = ParsePostQueryBody(
      R"j({"request":{"__metadata":{"type":"Microsoft.Office.Server.Search.REST.SearchRequest"},
          "Querytext":"sharepoint","RowLimit":"20","SelectProperties":{"results":["Title","Author"]},
          "SortList":{"results":[{"Property":"Created","Direction":0},{"Property":"Size","Direction":"1"}]},
          "Refiners":"author,size","TrimDuplicates":"False","EnableStemming":"true",
          "RefinementFilters":{"__metadata":{"type":"Collection(Edm.String)"},"results":["fileExtension:equals(\"docx\")"]},
          "ClientType":"ContentSearchRegular","QueryTemplate":"{searchTerms} kind:email",
          "HiddenConstraints":"custodian:bob"}})j");
  ASSERT_TRUE(options.ok()) << options.error().ToString();
  EXPECT_EQ("((sharepoint) kind:email) (custodian:bob)", options->request.query_text);
  EXPECT_EQ(20u, options->request.row_limit);
  EXPECT_EQ((std::vector<std::string>{"Title", "Author"}), *options->select_properties);
  ASSERT_EQ(2u, options->request.sort.size());
  EXPECT_EQ("Sent", options->request.sort[0].property);  // Created = Sent for archives
  EXPECT_FALSE(options->request.sort[0].descending);
  EXPECT_EQ("Size", options->request.sort[1].property);
  EXPECT_TRUE(options->request.sort[1].descending);
  EXPECT_FALSE(options->request.trim_duplicates);
  EXPECT_EQ(1u, options->request.refinement_filters.size());
}

TEST(PostQueryBodyTest, WithoutTheRequestWrapperAndWithBuilderSpellings) {
  // SearchQueryBuilder's EnableFql / HithighlightedProperties / ResultsURL / UiLanguage are
  // accepted (names are case-insensitive here).
  auto options = ParsePostQueryBody(
      R"j({"querytext":"x","EnableFql":false,"HithighlightedProperties":["Title"],
          "ResultsURL":"http://a","UiLanguage":1033,"SelectProperties":[]})j");
  ASSERT_TRUE(options.ok()) << options.error().ToString();
  EXPECT_EQ("x", options->request.query_text);
  EXPECT_FALSE(options->select_properties.has_value());  // [] = the default cells
}

TEST(PostQueryBodyTest, Errors) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"not json", "not valid JSON"},
      {"[1]", "JSON object"},
      {R"j({"request":{"Querytext":"x","Bogus":1}})j",
       "The property 'Bogus' does not exist on type "
       "'Microsoft.Office.Server.Search.REST.SearchRequest'"},
      {R"j({"request":{"Querytext":""}})j", "Querytext is required"},
      {R"j({"request":{"RowLimit":5}})j", "Querytext is required"},
      {R"j({"request":{"Querytext":{"a":1}}})j", "'StartObject' node"},
      {R"j({"request":{"Querytext":"x","RowLimit":-1}})j", "non-negative"},
      {R"j({"request":{"Querytext":"x","StartRow":60000}})j", "at most 50000"},
      {R"j({"request":{"Querytext":"x","SelectProperties":5}})j", "must be a collection"},
      {R"j({"request":{"Querytext":"x","SortList":[{"Property":"Nope","Direction":0}]}})j",
       "Property doesn't exist"},
      {R"j({"request":{"Querytext":"x","SortList":[{"Property":"Size+","Direction":2}]}})j",
       "formula"},
      {R"j({"request":{"Querytext":"x","Refiners":"Nope"}})j", "Property doesn't exist"},
      {R"j({"request":{"Querytext":"x","RefinementFilters":["FileType:range("]}})j",
       "RefinementFilters"},
      {R"j({"request":{"Querytext":"x","TrimDuplicates":"perhaps"}})j", "true or false"},
  };
  for (const auto& [body, fragment] : cases) {
    auto options = ParsePostQueryBody(body);
    ASSERT_FALSE(options.ok()) << body;
    EXPECT_EQ(StatusCode::kInvalidArgument, options.error().code()) << body;
    EXPECT_NE(std::string::npos, options.error().message().find(fragment))
        << body << " -> " << options.error().message();
  }
}

HttpResponse Post(const std::string& body, const std::string& accept,
                  SearchRequest* last = nullptr) {
  HttpRequest request;
  request.method = "POST";
  EXPECT_TRUE(request.SetTarget("/sites/x/_api/search/postquery").ok());
  request.headers.Add("Accept", accept);
  request.headers.Add("Content-Type", "application/json;charset=utf-8");
  request.body = body;
  RequestContext context;
  context.site_prefix = "/sites/x";
  return HandlePostQuery(testing::FakeSearch(last), request, context);
}

TEST(HandlePostQueryTest, VerboseAnswerIsKeyedPostquery) {
  HttpResponse response =
      Post(R"j({"request":{"Querytext":"budget","RowLimit":2,"Refiners":"FileType"}})j",
           "application/json;odata=verbose");
  ASSERT_EQ(200, response.status) << response.body;
  const json body = json::parse(response.body);
  ASSERT_TRUE(body["d"].contains("postquery"));
  const json& primary = body["d"]["postquery"]["PrimaryQueryResult"];
  EXPECT_EQ(2, primary["RelevantResults"]["RowCount"]);
  EXPECT_EQ(2u, primary["RelevantResults"]["Table"]["Rows"]["results"].size());
  const json& refiner = primary["RefinementResults"]["Refiners"]["results"][0];
  EXPECT_EQ("Microsoft.Office.Server.Search.REST.Refiner", refiner["__metadata"]["type"]);
  EXPECT_EQ("docx", refiner["Entries"]["results"][0]["RefinementName"]);
}

TEST(HandlePostQueryTest, JsonLightAndErrors) {
  SearchRequest last;
  HttpResponse ok = Post(R"j({"request":{"Querytext":"budget","SelectProperties":["title"]}})j",
                         "application/json", &last);
  ASSERT_EQ(200, ok.status) << ok.body;
  const json body = json::parse(ok.body);
  EXPECT_FALSE(body.contains("d"));
  EXPECT_FALSE(body.contains("value"));
  EXPECT_TRUE(body["PrimaryQueryResult"]["RefinementResults"].is_null());
  EXPECT_EQ("title",
            body["PrimaryQueryResult"]["RelevantResults"]["Table"]["Rows"][0]["Cells"][0]["Key"]);

  HttpResponse bad = Post(R"j({"request":{"Querytext":"x","Nope":1}})j", "application/json");
  EXPECT_EQ(400, bad.status);
  EXPECT_EQ("-1, Microsoft.Data.OData.ODataException",
            json::parse(bad.body)["odata.error"]["code"]);
  HttpResponse verbose_bad = Post("{", "application/json;odata=verbose");
  EXPECT_EQ(400, verbose_bad.status);
  EXPECT_TRUE(json::parse(verbose_bad.body).contains("error"));
  HttpResponse kql = Post(R"j({"request":{"Querytext":"bad(x"}})j", "application/json");
  EXPECT_EQ(400, kql.status);
}

HttpResponse Suggest(const std::string& target, const std::string& accept,
                     std::string* asked = nullptr) {
  HttpRequest request;
  request.method = "GET";
  EXPECT_TRUE(request.SetTarget(target).ok());
  request.headers.Add("Accept", accept);
  SuggestFunction suggest = [asked](std::string_view prefix,
                                    size_t limit) -> Result<std::vector<std::string>> {
    if (asked != nullptr) {
      *asked = std::string(prefix) + "/" + std::to_string(limit);
    }
    return std::vector<std::string>{"budget", "budgets"};
  };
  return HandleSuggest(suggest, request, RequestContext{});
}

TEST(HandleSuggestTest, CompletesTheLastWordWithBoldPrefix) {
  std::string asked;
  HttpResponse response =
      Suggest("/_api/search/suggest?querytext=%27quarterly%20budg%27&inumberofquerysuggestions=3",
              "application/json;odata=nometadata", &asked);
  ASSERT_EQ(200, response.status) << response.body;
  EXPECT_EQ("budg/3", asked);
  const json body = json::parse(response.body);
  ASSERT_EQ(2u, body["Queries"].size());
  EXPECT_EQ("quarterly <B>budg</B>et", body["Queries"][0]["Query"]);
  EXPECT_EQ(false, body["Queries"][0]["IsPersonal"]);
  EXPECT_TRUE(body["PeopleNames"].is_array());
  EXPECT_TRUE(body["PersonalResults"].is_array());
}

TEST(HandleSuggestTest, OptionsVerboseXmlAndErrors) {
  HttpResponse plain = Suggest(
      "/_api/search/suggest?querytext='budg'&fhithighlighting=false&fcapitalizefirstletters=true"
      "&showpeoplenamesuggestions=false",
      "application/json;odata=verbose");
  ASSERT_EQ(200, plain.status);
  const json body = json::parse(plain.body);
  EXPECT_EQ("Budget", body["d"]["suggest"]["Queries"]["results"][0]["Query"]);
  EXPECT_TRUE(body["d"]["suggest"]["PeopleNames"].is_null());

  HttpResponse xml = Suggest("/_api/search/suggest?querytext='budg'", "application/xml");
  EXPECT_EQ("application/xml;charset=utf-8", xml.content_type);
  EXPECT_NE(std::string::npos, xml.body.find("<d:Query>&lt;B&gt;budg&lt;/B&gt;et</d:Query>"));

  EXPECT_EQ(400, Suggest("/_api/search/suggest", "application/json").status);
  EXPECT_EQ(400, Suggest("/_api/search/suggest?querytext='a'&inumberofquerysuggestions=x",
                         "application/json")
                     .status);
}

}  // namespace
}  // namespace docket::web
