/** @file
 *  @brief The exact SharePoint JSON shapes (sharepoint-search.md §1.6.2, §1.6.3) and cells (§1.7).
 */
#include "web/sharepoint_json.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <regex>

#include "tests/web/fake_search.h"

namespace docket::web {
namespace {

using Json = nlohmann::ordered_json;

std::vector<std::string> Keys(const Json& object) {
  std::vector<std::string> keys;
  for (auto it = object.begin(); it != object.end(); ++it) {
    keys.push_back(it.key());
  }
  return keys;
}

SearchResult SampleResult() {
  SearchResult result;
  result.total_rows = 42;
  result.hits = testing::SampleHits();
  result.query_modification = "budget";
  result.elapsed_ms = 7;
  return result;
}

Json Render(ODataFormat format, std::optional<std::vector<std::string>> select = std::nullopt) {
  SearchRenderOptions options;
  options.format = format;
  options.select_properties = std::move(select);
  options.start_row = 20;
  options.row_limit = 3;
  return Json::parse(RenderSearchResultJson(SampleResult(), options));
}

bool IsGuid(const std::string& text) {
  static const std::regex kGuid(
      "^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$");
  return std::regex_match(text, kGuid);
}

TEST(SharePointJsonTest, NoMetadataShape) {
  const Json body = Render(ODataFormat::kNoMetadata);
  EXPECT_EQ(
      (std::vector<std::string>{"ElapsedTime", "PrimaryQueryResult", "Properties",
                                "SecondaryQueryResults", "SpellingSuggestion", "TriggeredRules"}),
      Keys(body));
  EXPECT_EQ(7, body["ElapsedTime"]);
  EXPECT_EQ(Json::array(), body["SecondaryQueryResults"]);
  EXPECT_EQ("", body["SpellingSuggestion"]);
  EXPECT_EQ(Json::array(), body["TriggeredRules"]);
  EXPECT_EQ(Json::parse(R"J([{"Key":"RowLimit","Value":"3","ValueType":"Edm.Int32"}])J"),
            body["Properties"]);

  const Json& primary = body["PrimaryQueryResult"];
  EXPECT_EQ(
      (std::vector<std::string>{"CustomResults", "QueryId", "QueryRuleId", "RefinementResults",
                                "RelevantResults", "SpecialTermResults"}),
      Keys(primary));
  EXPECT_EQ(Json::array(), primary["CustomResults"]);
  EXPECT_TRUE(IsGuid(primary["QueryId"].get<std::string>())) << primary["QueryId"];
  EXPECT_EQ("00000000-0000-0000-0000-000000000000", primary["QueryRuleId"]);
  EXPECT_TRUE(primary["RefinementResults"].is_null());
  EXPECT_TRUE(primary["SpecialTermResults"].is_null());

  const Json& relevant = primary["RelevantResults"];
  EXPECT_EQ((std::vector<std::string>{"GroupTemplateId", "ItemTemplateId", "Properties",
                                      "ResultTitle", "ResultTitleUrl", "RowCount", "Table",
                                      "TotalRows", "TotalRowsIncludingDuplicates"}),
            Keys(relevant));
  EXPECT_TRUE(relevant["GroupTemplateId"].is_null());
  EXPECT_TRUE(relevant["ItemTemplateId"].is_null());
  EXPECT_TRUE(relevant["ResultTitle"].is_null());
  EXPECT_TRUE(relevant["ResultTitleUrl"].is_null());
  EXPECT_EQ(Json::parse(R"J({"Key":"StartRecord","Value":"20","ValueType":"Edm.Int32"})J"),
            relevant["Properties"][0]);
  EXPECT_EQ(3, relevant["RowCount"]);
  EXPECT_EQ(42, relevant["TotalRows"]);
  EXPECT_EQ(42, relevant["TotalRowsIncludingDuplicates"]);
  EXPECT_EQ((std::vector<std::string>{"Rows"}), Keys(relevant["Table"]));
  ASSERT_EQ(3u, relevant["Table"]["Rows"].size());
  EXPECT_EQ((std::vector<std::string>{"Cells"}), Keys(relevant["Table"]["Rows"][0]));
}

TEST(SharePointJsonTest, DefaultCellsOfAnImConversation) {
  const Json cells = Render(ODataFormat::kNoMetadata)["PrimaryQueryResult"]["RelevantResults"]
                                                     ["Table"]["Rows"][0]["Cells"];
  const Json expected = Json::parse(R"J([
    {"Key":"Rank","Value":"12.5","ValueType":"Edm.Double"},
    {"Key":"DocId","Value":"101","ValueType":"Edm.Int64"},
    {"Key":"WorkId","Value":"101","ValueType":"Edm.Int64"},
    {"Key":"Title","Value":"Budget review","ValueType":"Edm.String"},
    {"Key":"Author","Value":"alice@contoso.com","ValueType":"Edm.String"},
    {"Key":"Size","Value":"2048","ValueType":"Edm.Int64"},
    {"Key":"Path","Value":"export.zip!/2013/03/15/alice_p2p.eml","ValueType":"Edm.String"},
    {"Key":"Description","Value":null,"ValueType":"Null"},
    {"Key":"Write","Value":"2013-03-15T09:20:00.0000000Z","ValueType":"Edm.DateTime"},
    {"Key":"HitHighlightedSummary","Value":"the <c0>budget</c0> for Q2 &amp; Q3","ValueType":"Edm.String"},
    {"Key":"HitHighlightedProperties","Value":null,"ValueType":"Null"},
    {"Key":"contentclass","Value":"ExchangeItem","ValueType":"Edm.String"},
    {"Key":"FileExtension","Value":"eml","ValueType":"Edm.String"},
    {"Key":"IsDocument","Value":"false","ValueType":"Edm.Boolean"},
    {"Key":"LastModifiedTime","Value":"2013-03-15T09:20:00.0000000Z","ValueType":"Edm.DateTime"},
    {"Key":"FileType","Value":"eml","ValueType":"Edm.String"},
    {"Key":"Kind","Value":"im","ValueType":"Edm.String"},
    {"Key":"Participants","Value":"alice@contoso.com;bob@contoso.com","ValueType":"Edm.String"},
    {"Key":"Custodian","Value":"alice","ValueType":"Edm.String"},
    {"Key":"Sent","Value":"2013-03-15T09:15:02.0000000Z","ValueType":"Edm.DateTime"}
  ])J");
  EXPECT_EQ(expected, cells) << cells.dump(1);
}

TEST(SharePointJsonTest, EveryValueIsAStringOrNull) {
  const Json rows =
      Render(ODataFormat::kNoMetadata)["PrimaryQueryResult"]["RelevantResults"]["Table"]["Rows"];
  for (const Json& row : rows) {
    ASSERT_EQ(DefaultCellNames().size(), row["Cells"].size());
    for (const Json& cell : row["Cells"]) {
      EXPECT_EQ((std::vector<std::string>{"Key", "Value", "ValueType"}), Keys(cell));
      if (cell["Value"].is_null()) {
        EXPECT_EQ("Null", cell["ValueType"]) << cell;
      } else {
        EXPECT_TRUE(cell["Value"].is_string()) << cell;
        EXPECT_NE("Null", cell["ValueType"]) << cell;
      }
    }
  }
  // Item 102 has no title (falls back to its file name) and no last activity (Write = sent).
  const Json& second = rows[1]["Cells"];
  EXPECT_EQ("b.eml", second[3]["Value"]);
  EXPECT_EQ("2013-04-01T00:00:00.0000000Z", second[8]["Value"]);
  EXPECT_TRUE(second[17]["Value"].is_null());  // Participants
  // Item 103: a loose file without extension or dates.
  const Json& third = rows[2]["Cells"];
  EXPECT_TRUE(third[8]["Value"].is_null());
  EXPECT_EQ("Null", third[8]["ValueType"]);
  EXPECT_TRUE(third[12]["Value"].is_null());
  EXPECT_EQ("true", third[13]["Value"]);
  EXPECT_EQ("DocketFile", third[11]["Value"]);
}

TEST(SharePointJsonTest, SelectPropertiesKeepOrderAndCasingAndDropUnknown) {
  const Json cells =
      Render(ODataFormat::kNoMetadata,
             std::vector<std::string>{
                 "path", "Nope", "TITLE", "Size",
                 "to"})["PrimaryQueryResult"]["RelevantResults"]["Table"]["Rows"][0]["Cells"];
  const Json expected = Json::parse(R"J([
    {"Key":"path","Value":"export.zip!/2013/03/15/alice_p2p.eml","ValueType":"Edm.String"},
    {"Key":"TITLE","Value":"Budget review","ValueType":"Edm.String"},
    {"Key":"Size","Value":"2048","ValueType":"Edm.Int64"},
    {"Key":"to","Value":null,"ValueType":"Null"}
  ])J");
  EXPECT_EQ(expected, cells);
}

TEST(SharePointJsonTest, HitHighlightedPropertiesCell) {
  SearchResult result = SampleResult();
  result.hits[0].highlighted_properties = "<HHTitle><c0>Budget</c0> review</HHTitle>";
  SearchRenderOptions options;
  options.format = ODataFormat::kNoMetadata;
  options.select_properties = std::vector<std::string>{"HitHighlightedProperties"};
  const Json rows = Json::parse(RenderSearchResultJson(
      result, options))["PrimaryQueryResult"]["RelevantResults"]["Table"]["Rows"];
  EXPECT_EQ("<HHTitle><c0>Budget</c0> review</HHTitle>", rows[0]["Cells"][0]["Value"]);
  EXPECT_EQ("Edm.String", rows[0]["Cells"][0]["ValueType"]);
  EXPECT_EQ(nullptr, rows[1]["Cells"][0]["Value"]);  // none computed: null, as before
  EXPECT_EQ("Null", rows[1]["Cells"][0]["ValueType"]);
}

TEST(SharePointJsonTest, MinimalMetadataAddsAnnotationFirst) {
  const Json body = Render(ODataFormat::kMinimalMetadata);
  ASSERT_EQ("odata.metadata", body.begin().key());
  EXPECT_EQ("/_api/$metadata#Microsoft.Office.Server.Search.REST.SearchResult",
            body["odata.metadata"]);
  EXPECT_EQ(7u, body.size());
}

TEST(SharePointJsonTest, VerboseShape) {
  const Json body = Render(ODataFormat::kVerbose);
  ASSERT_EQ((std::vector<std::string>{"d"}), Keys(body));
  ASSERT_EQ((std::vector<std::string>{"query"}), Keys(body["d"]));
  const Json& query = body["d"]["query"];
  EXPECT_EQ(
      (std::vector<std::string>{"__metadata", "ElapsedTime", "PrimaryQueryResult", "Properties",
                                "SecondaryQueryResults", "SpellingSuggestion", "TriggeredRules"}),
      Keys(query));
  EXPECT_EQ(Json::parse(R"J({"type":"Microsoft.Office.Server.Search.REST.SearchResult"})J"),
            query["__metadata"]);
  EXPECT_EQ(Json::parse(R"J({"__metadata":{"type":"Collection(SP.KeyValue)"},"results":[
      {"__metadata":{"type":"SP.KeyValue"},"Key":"RowLimit","Value":"3","ValueType":"Edm.Int32"}]})J"),
            query["Properties"]);
  EXPECT_EQ(
      Json::parse(
          R"J({"__metadata":{"type":"Collection(Microsoft.Office.Server.Search.REST.QueryResult)"},"results":[]})J"),
      query["SecondaryQueryResults"]);
  EXPECT_EQ(Json::parse(R"J({"__metadata":{"type":"Collection(Edm.Guid)"},"results":[]})J"),
            query["TriggeredRules"]);

  const Json& primary = query["PrimaryQueryResult"];
  EXPECT_EQ("Microsoft.Office.Server.Search.REST.QueryResult", primary["__metadata"]["type"]);
  EXPECT_EQ(
      Json::parse(
          R"J({"__metadata":{"type":"Collection(Microsoft.Office.Server.Search.REST.CustomResult)"},"results":[]})J"),
      primary["CustomResults"]);
  EXPECT_TRUE(primary["RefinementResults"].is_null());

  const Json& relevant = primary["RelevantResults"];
  EXPECT_EQ((std::vector<std::string>{"__metadata", "GroupTemplateId", "ItemTemplateId",
                                      "Properties", "ResultTitle", "ResultTitleUrl", "RowCount",
                                      "Table", "TotalRows", "TotalRowsIncludingDuplicates"}),
            Keys(relevant));
  EXPECT_EQ("Microsoft.Office.Server.Search.REST.RelevantResults", relevant["__metadata"]["type"]);
  EXPECT_EQ("Collection(SP.KeyValue)", relevant["Properties"]["__metadata"]["type"]);
  EXPECT_EQ(
      Json::parse(
          R"J({"__metadata":{"type":"SP.KeyValue"},"Key":"StartRecord","Value":"20","ValueType":"Edm.Int32"})J"),
      relevant["Properties"]["results"][0]);
  const Json& table = relevant["Table"];
  EXPECT_EQ((std::vector<std::string>{"__metadata", "Rows"}), Keys(table));
  EXPECT_EQ("SP.SimpleDataTable", table["__metadata"]["type"]);
  EXPECT_EQ((std::vector<std::string>{"results"}), Keys(table["Rows"]));
  const Json& row = table["Rows"]["results"][0];
  EXPECT_EQ((std::vector<std::string>{"__metadata", "Cells"}), Keys(row));
  EXPECT_EQ("SP.SimpleDataRow", row["__metadata"]["type"]);
  EXPECT_EQ((std::vector<std::string>{"results"}), Keys(row["Cells"]));
  EXPECT_EQ(
      Json::parse(
          R"J({"__metadata":{"type":"SP.KeyValue"},"Key":"Rank","Value":"12.5","ValueType":"Edm.Double"})J"),
      row["Cells"]["results"][0]);
  EXPECT_EQ(
      Json::parse(
          R"J({"__metadata":{"type":"SP.KeyValue"},"Key":"Description","Value":null,"ValueType":"Null"})J"),
      row["Cells"]["results"][7]);
}

TEST(SharePointJsonTest, EmptyPage) {
  SearchResult result;
  result.total_rows = 5;
  SearchRenderOptions options;
  options.start_row = 100;
  const Json body = Json::parse(RenderSearchResultJson(result, options));
  const Json& relevant = body["PrimaryQueryResult"]["RelevantResults"];
  EXPECT_EQ(0, relevant["RowCount"]);
  EXPECT_EQ(Json::array(), relevant["Table"]["Rows"]);
  EXPECT_EQ(5, relevant["TotalRows"]);
}

TEST(SharePointJsonTest, InvalidUtf8IsReplacedNotThrown) {
  SearchResult result;
  result.total_rows = 1;
  result.hits = testing::SampleHits();
  result.hits.resize(1);
  result.hits[0].item.title = "bad \xff\xfe bytes";
  const Json body = Json::parse(RenderSearchResultJson(result, {}));
  EXPECT_EQ("bad \xEF\xBF\xBD\xEF\xBF\xBD bytes",
            body["PrimaryQueryResult"]["RelevantResults"]["Table"]["Rows"][0]["Cells"][3]["Value"]);
}

// The rows are written directly rather than through nlohmann (sharepoint_json.cc, RowsText):
// each value must come out exactly as nlohmann's own dump writes that string.
TEST(SharePointJsonTest, RowValuesAreEscapedAsNlohmannEscapesThem) {
  const std::vector<std::string> titles = {
      "quote \" backslash \\ slash /",
      std::string("controls \b\f\n\r\t \x01\x1f\x7f end"),
      "Grüße 会议改到周五 😀 \xE2\x80\xA8",
      "overlong \xC0\xAF surrogate \xED\xA0\x80 beyond \xF4\x90\x80\x80 cut \xE4\xBC",
      "<c0>tags</c0> & ampersands",
  };
  for (const std::string& title : titles) {
    SearchResult result;
    result.total_rows = 1;
    result.hits = testing::SampleHits();
    result.hits.resize(1);
    result.hits[0].item.title = title;
    for (const ODataFormat format : {ODataFormat::kNoMetadata, ODataFormat::kVerbose}) {
      SearchRenderOptions options;
      options.format = format;
      const std::string body = RenderSearchResultJson(result, options);
      const std::string expected =
          "\"Key\":\"Title\",\"Value\":" +
          Json(title).dump(-1, ' ', false, Json::error_handler_t::replace) +
          ",\"ValueType\":\"Edm.String\"}";
      EXPECT_NE(std::string::npos, body.find(expected)) << title;
      EXPECT_FALSE(Json::parse(body, nullptr, /*allow_exceptions=*/false).is_discarded()) << title;
    }
  }
}

TEST(SharePointJsonTest, ErrorBodies) {
  EXPECT_EQ(
      Json::parse(
          R"J({"odata.error":{"code":"-1, Microsoft.Office.Server.Search.REST.SearchServiceException","message":{"lang":"en-US","value":"nope"}}})J"),
      Json::parse(RenderODataErrorJson(ODataFormat::kNoMetadata, "nope")));
  EXPECT_EQ(
      Json::parse(
          R"J({"odata.error":{"code":"-1, Microsoft.Office.Server.Search.REST.SearchServiceException","message":{"lang":"en-US","value":"nope"}}})J"),
      Json::parse(RenderODataErrorJson(ODataFormat::kMinimalMetadata, "nope")));
  EXPECT_EQ(
      Json::parse(
          R"J({"error":{"code":"-1, Microsoft.Office.Server.Search.REST.SearchServiceException","message":{"lang":"en-US","value":"nope"}}})J"),
      Json::parse(RenderODataErrorJson(ODataFormat::kVerbose, "nope")));
}

TEST(SharePointJsonTest, GuidsAreRandomV4) {
  const std::string a = NewGuid();
  const std::string b = NewGuid();
  EXPECT_TRUE(IsGuid(a)) << a;
  EXPECT_NE(a, b);
}

}  // namespace
}  // namespace docket::web
