/** @file
 *  @brief The OData v3 XML forms of the search, suggest and error responses (§1.6.4, §1.12).
 *
 *  Element order follows the sp-dev-docs XML sample, which is also the JSON key order, so the
 *  two forms carry the same fields in the same places.
 */
#include "web/sharepoint_xml.h"

#include <algorithm>
#include <cstdint>
#include <optional>

#include "common/strings.h"

namespace docket::web {
namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";

class XmlWriter {
 public:
  void Open(std::string_view name, std::string_view type = {}) {
    out_ += "<" + std::string(name);
    if (!type.empty()) {
      out_ += " m:type=\"" + XmlEscape(type) + "\"";
    }
    out_ += ">";
  }
  void Close(std::string_view name) { out_ += "</" + std::string(name) + ">"; }
  void Null(std::string_view name) { out_ += "<" + std::string(name) + " m:null=\"true\"/>"; }
  void Empty(std::string_view name, std::string_view type = {}) {
    out_ += "<" + std::string(name);
    if (!type.empty()) {
      out_ += " m:type=\"" + XmlEscape(type) + "\"";
    }
    out_ += "/>";
  }
  // A primitive; `type` empty for Edm.String (strings carry no m:type).
  void Value(std::string_view name, std::string_view text, std::string_view type = {}) {
    Open(name, type);
    out_ += XmlEscape(text);
    Close(name);
  }
  void KeyValue(std::string_view key, const std::optional<std::string>& value,
                std::string_view value_type) {
    Open("d:element", "SP.KeyValue");
    Value("d:Key", key);
    if (value) {
      Value("d:Value", *value);
    } else {
      Null("d:Value");
    }
    Value("d:ValueType", value ? value_type : "Null");
    Close("d:element");
  }
  void Raw(std::string_view text) { out_ += text; }
  std::string Take() { return std::move(out_); }

 private:
  std::string out_;
};

constexpr std::string_view kDeclaration = "<?xml version=\"1.0\" encoding=\"utf-8\"?>";
constexpr std::string_view kNamespaces =
    " xmlns:d=\"http://schemas.microsoft.com/ado/2007/08/dataservices\""
    " xmlns:m=\"http://schemas.microsoft.com/ado/2007/08/dataservices/metadata\""
    " xmlns:georss=\"http://www.georss.org/georss\" xmlns:gml=\"http://www.opengis.net/gml\"";

}  // namespace

std::string RenderContextInfoXml(const ContextInfo& info) {
  XmlWriter w;
  w.Raw(kDeclaration);
  w.Raw("<d:GetContextWebInformation" + std::string(kNamespaces) +
        " m:type=\"SP.ContextWebInformation\">");
  w.Value("d:FormDigestTimeoutSeconds", std::to_string(info.timeout_seconds), "Edm.Int32");
  w.Value("d:FormDigestValue", info.form_digest);
  w.Value("d:LibraryVersion", kLibraryVersion);
  w.Value("d:SiteFullUrl", info.site_full_url);
  w.Open("d:SupportedSchemaVersions", "Collection(Edm.String)");
  w.Value("d:element", "14.0.0.0");
  w.Value("d:element", "15.0.0.0");
  w.Close("d:SupportedSchemaVersions");
  w.Value("d:WebFullUrl", info.web_full_url);
  w.Close("d:GetContextWebInformation");
  return w.Take();
}

std::string XmlEscape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    const Utf8Char decoded = DecodeUtf8At(text, i);
    const uint32_t cp = decoded.code;
    const size_t length = decoded.length;
    if (length == 0) {
      out += kReplacement;
      ++i;
      continue;
    }
    if (cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\r') {
      out += kReplacement;  // not allowed in XML 1.0, not even as a character reference
    } else if (cp == 0xFFFE || cp == 0xFFFF) {
      out += kReplacement;
    } else if (cp == '&') {
      out += "&amp;";
    } else if (cp == '<') {
      out += "&lt;";
    } else if (cp == '>') {
      out += "&gt;";
    } else if (cp == '"') {
      out += "&quot;";
    } else if (cp == '\r') {
      out += "&#13;";  // a raw CR would be normalised away by the reader
    } else {
      out.append(text.substr(i, length));
    }
    i += length;
  }
  return out;
}

std::string RenderSearchResultXml(const SearchResult& result, const SearchRenderOptions& options) {
  XmlWriter w;
  const std::string root = "d:" + options.function_name;
  w.Raw(kDeclaration);
  w.Raw("<" + root + std::string(kNamespaces) +
        " m:type=\"Microsoft.Office.Server.Search.REST.SearchResult\">");
  w.Value("d:ElapsedTime", std::to_string(result.elapsed_ms), "Edm.Int32");

  w.Open("d:PrimaryQueryResult", "Microsoft.Office.Server.Search.REST.QueryResult");
  w.Empty("d:CustomResults", "Collection(Microsoft.Office.Server.Search.REST.CustomResult)");
  w.Value("d:QueryId", options.query_id.empty() ? NewGuid() : options.query_id);
  w.Value("d:QueryRuleId", "00000000-0000-0000-0000-000000000000", "Edm.Guid");
  if (result.refiners.empty()) {
    w.Null("d:RefinementResults");
  } else {
    w.Open("d:RefinementResults", "Microsoft.Office.Server.Search.REST.RefinementResults");
    w.Null("d:GroupTemplateId");
    w.Null("d:ItemTemplateId");
    w.Empty("d:Properties", "Collection(SP.KeyValue)");
    w.Open("d:Refiners", "Collection(Microsoft.Office.Server.Search.REST.Refiner)");
    for (const RefinerResult& refiner : result.refiners) {
      w.Open("d:element", "Microsoft.Office.Server.Search.REST.Refiner");
      w.Value("d:Name", refiner.name);
      w.Open("d:Entries", "Collection(Microsoft.Office.Server.Search.REST.RefinerEntry)");
      for (const RefinerEntry& entry : refiner.entries) {
        w.Open("d:element", "Microsoft.Office.Server.Search.REST.RefinerEntry");
        w.Value("d:RefinementCount", std::to_string(entry.count), "Edm.Int64");
        w.Value("d:RefinementName", entry.name);
        w.Value("d:RefinementToken", entry.token);
        w.Value("d:RefinementValue", entry.value);
        w.Close("d:element");
      }
      w.Close("d:Entries");
      w.Close("d:element");
    }
    w.Close("d:Refiners");
    w.Null("d:ResultTitle");
    w.Null("d:ResultTitleUrl");
    w.Close("d:RefinementResults");
  }

  w.Open("d:RelevantResults", "Microsoft.Office.Server.Search.REST.RelevantResults");
  w.Null("d:GroupTemplateId");
  w.Null("d:ItemTemplateId");
  w.Open("d:Properties", "Collection(SP.KeyValue)");
  w.KeyValue("StartRecord", std::to_string(options.start_row), "Edm.Int32");
  w.KeyValue("QueryModification", result.query_modification, "Edm.String");
  w.KeyValue("ExecutionTimeMs", std::to_string(result.elapsed_ms), "Edm.Int32");
  w.Close("d:Properties");
  w.Null("d:ResultTitle");
  w.Null("d:ResultTitleUrl");
  w.Value("d:RowCount", std::to_string(result.hits.size()), "Edm.Int32");
  w.Open("d:Table", "SP.SimpleDataTable");
  w.Open("d:Rows", "Collection(SP.SimpleDataRow)");
  for (const SearchHit& hit : result.hits) {
    w.Open("d:element", "SP.SimpleDataRow");
    w.Open("d:Cells", "Collection(SP.KeyValue)");
    for (const Cell& cell : BuildCells(hit, options.select_properties)) {
      w.KeyValue(cell.key, cell.value, cell.value_type);
    }
    w.Close("d:Cells");
    w.Close("d:element");
  }
  w.Close("d:Rows");
  w.Close("d:Table");
  w.Value("d:TotalRows", std::to_string(result.total_rows), "Edm.Int32");
  w.Value("d:TotalRowsIncludingDuplicates",
          std::to_string(std::max(result.total_rows_including_duplicates, result.total_rows)),
          "Edm.Int32");
  w.Close("d:RelevantResults");
  w.Null("d:SpecialTermResults");
  w.Close("d:PrimaryQueryResult");

  w.Open("d:Properties", "Collection(SP.KeyValue)");
  w.KeyValue("RowLimit", std::to_string(options.row_limit), "Edm.Int32");
  w.Close("d:Properties");
  w.Empty("d:SecondaryQueryResults", "Collection(Microsoft.Office.Server.Search.REST.QueryResult)");
  w.Empty("d:SpellingSuggestion");
  w.Empty("d:TriggeredRules", "Collection(Edm.Guid)");
  w.Close(root);
  return w.Take();
}

std::string RenderODataErrorXml(std::string_view message, std::string_view exception_type) {
  XmlWriter w;
  w.Raw(kDeclaration);
  w.Raw("<m:error xmlns:m=\"http://schemas.microsoft.com/ado/2007/08/dataservices/metadata\">");
  w.Value("m:code", "-1, " + std::string(exception_type));
  w.Raw("<m:message xml:lang=\"en-US\">" + XmlEscape(message) + "</m:message>");
  w.Close("m:error");
  return w.Take();
}

std::string RenderSuggestXml(const SuggestResult& result) {
  XmlWriter w;
  w.Raw(kDeclaration);
  w.Raw("<d:suggest" + std::string(kNamespaces) +
        " m:type=\"Microsoft.SharePoint.Client.Search.Query.QuerySuggestionResults\">");
  if (result.people_names_null) {
    w.Null("d:PeopleNames");
  } else {
    w.Open("d:PeopleNames", "Collection(Edm.String)");
    for (const std::string& name : result.people_names) {
      w.Value("d:element", name);
    }
    w.Close("d:PeopleNames");
  }
  w.Empty("d:PersonalResults",
          "Collection(Microsoft.SharePoint.Client.Search.Query.PersonalResultSuggestion)");
  w.Empty("d:PopularResults",
          "Collection(Microsoft.SharePoint.Client.Search.Query.PersonalResultSuggestion)");
  w.Open("d:Queries", "Collection(Microsoft.SharePoint.Client.Search.Query.QuerySuggestionQuery)");
  for (const std::string& query : result.queries) {
    w.Open("d:element", "Microsoft.SharePoint.Client.Search.Query.QuerySuggestionQuery");
    w.Value("d:IsPersonal", "false", "Edm.Boolean");
    w.Value("d:Query", query);
    w.Close("d:element");
  }
  w.Close("d:Queries");
  w.Close("d:suggest");
  return w.Take();
}

}  // namespace docket::web
