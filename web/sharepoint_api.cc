/** @file
 *  @brief GET /_api/search/query: OData literals, parameter validation, Accept negotiation.
 */
#include "web/sharepoint_api.h"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <limits>
#include <map>
#include <nlohmann/json.hpp>
#include <random>

#include "common/strings.h"
#include "query/refiners.h"
#include "query/sort_key.h"
#include "web/http_status.h"
#include "web/sharepoint_xml.h"

namespace docket::web {
namespace {

// Splits on `separator`, trims each piece, drops empty pieces.
std::vector<std::string> SplitList(std::string_view text, char separator) {
  std::vector<std::string> out;
  while (true) {
    const size_t pos = text.find(separator);
    const std::string_view piece = TrimWhitespace(text.substr(0, pos));
    if (!piece.empty()) {
      out.emplace_back(piece);
    }
    if (pos == std::string_view::npos) {
      return out;
    }
    text.remove_prefix(pos + 1);
  }
}

// OData booleans: true/false in any case; 1/0 as SharePoint also accepts them.
Result<bool> ParseBoolean(std::string_view name, std::string_view raw) {
  const std::string value = AsciiLower(TrimWhitespace(raw));
  if (value == "true" || value == "1") {
    return true;
  }
  if (value == "false" || value == "0") {
    return false;
  }
  return Status::InvalidArgument("The parameter " + std::string(name) +
                                 " must be true or false, not '" + std::string(raw) + "'.");
}

Result<uint32_t> ParseUnsigned(std::string_view name, std::string_view raw, uint32_t max) {
  const std::string text = ParseODataString(raw);
  uint64_t value = 0;
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec != std::errc() || ptr != end) {
    return Status::InvalidArgument("parameter " + std::string(name) +
                                   " must be a non-negative integer, got '" + text + "'");
  }
  if (value > max) {
    return Status::InvalidArgument("parameter " + std::string(name) + " must be at most " +
                                   std::to_string(max) + ", got " + text);
  }
  return static_cast<uint32_t>(value);
}

// The SharePoint sort names, in schema casing, with the names that mean the same for archived
// items (sharepoint-search.md §1.10): LastModifiedTime is Write, Created is Sent. The searcher
// parses the result again (query/sort_key.h), which is where what is sortable is decided.
std::optional<std::string> CanonicalSortProperty(std::string_view name) {
  static const std::map<std::string, std::string> kSortable = {
      {"rank", "Rank"}, {"write", "Write"},  {"lastmodifiedtime", "Write"},
      {"sent", "Sent"}, {"created", "Sent"}, {"received", "Received"},
      {"size", "Size"}, {"title", "Title"},
  };
  const auto it = kSortable.find(AsciiLower(name));
  if (it == kSortable.end()) {
    return std::nullopt;
  }
  return it->second;
}

// Splits a sortlist on the commas outside [...] and (...): "[formula:pow(size,2)]:ascending,
// Write:descending" is two entries.
std::vector<std::string> SplitSortList(std::string_view text) {
  std::vector<std::string> out;
  int depth = 0;
  size_t start = 0;
  for (size_t i = 0; i <= text.size(); ++i) {
    const char c = i < text.size() ? text[i] : ',';
    if (c == '[' || c == '(') {
      ++depth;
    } else if ((c == ']' || c == ')') && depth > 0) {
      --depth;
    } else if (c == ',' && (depth == 0 || i == text.size())) {
      const std::string_view piece = TrimWhitespace(text.substr(start, i - start));
      if (!piece.empty()) {
        out.emplace_back(piece);
      }
      start = i + 1;
    }
  }
  return out;
}

Result<std::vector<SortSpec>> ParseSortList(std::string_view raw) {
  std::vector<SortSpec> sort;
  for (const std::string& entry : SplitSortList(ParseODataString(raw))) {
    std::string_view property = entry;
    std::string_view direction;
    // The direction follows the last ':' after a special sort's closing ']' ("[random:seed=1]"
    // has colons of its own).
    const size_t bracket = entry.starts_with('[') ? entry.rfind(']') : 0;
    if (const size_t colon = entry.rfind(':');
        colon != std::string::npos && bracket != std::string::npos && colon > bracket) {
      property = TrimWhitespace(std::string_view(entry).substr(0, colon));
      direction = TrimWhitespace(std::string_view(entry).substr(colon + 1));
    }
    SortSpec spec;
    if (property.starts_with('[')) {
      spec.property = std::string(property);
    } else if (std::optional<std::string> canonical = CanonicalSortProperty(property)) {
      spec.property = *canonical;
    } else {
      return Status::InvalidArgument(
          "sortlist: Property doesn't exist or is used in a manner inconsistent with schema "
          "settings: '" +
          std::string(property) + "' (sortable: " + std::string(SortablePropertyNames()) + ")");
    }
    // SharePoint always sends a direction; without one we sort ascending, as SQL does.
    // POST bodies send the enum as a number (0 ascending, 1 descending).
    if (direction.empty() || EqualsIgnoreCase(direction, "ascending") || direction == "0") {
      spec.descending = false;
    } else if (EqualsIgnoreCase(direction, "descending") || direction == "1") {
      spec.descending = true;
    } else {
      return Status::InvalidArgument("sortlist: direction must be ascending or descending, got '" +
                                     std::string(direction) + "'");
    }
    // A bad formula or random seed is refused here, before the search, with its position.
    DOCKET_RETURN_IF_ERROR(ParseSortKey(spec).status());
    sort.push_back(std::move(spec));
  }
  return sort;
}

// Media-type parameters of one Accept range, lower-cased, blanks removed around '=' and ';'.
struct MediaRange {
  std::string type;  // "application/json"
  std::map<std::string, std::string> params;
  double q = 1.0;
};

MediaRange ParseMediaRange(std::string_view text) {
  MediaRange range;
  std::vector<std::string> parts = SplitList(text, ';');
  if (parts.empty()) {
    return range;
  }
  range.type = AsciiLower(parts[0]);
  for (size_t i = 1; i < parts.size(); ++i) {
    const size_t eq = parts[i].find('=');
    if (eq == std::string::npos) {
      continue;
    }
    std::string name = AsciiLower(TrimWhitespace(std::string_view(parts[i]).substr(0, eq)));
    std::string value = AsciiLower(TrimWhitespace(std::string_view(parts[i]).substr(eq + 1)));
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
      value = value.substr(1, value.size() - 2);
    }
    if (name == "q") {
      double q = 1.0;
      if (std::sscanf(value.c_str(), "%lf", &q) == 1) {
        range.q = q;
      }
      continue;
    }
    range.params[name] = value;
  }
  return range;
}

// "http://host/sites/x"; without a Host header (HTTP/1.0) only the path is known.
std::string SiteUrl(const HttpRequest& request, const RequestContext& context) {
  std::string url;
  if (std::optional<std::string_view> host = request.headers.Get("Host")) {
    url = "http://" + std::string(*host);
  }
  return url + context.site_prefix;
}

std::string MetadataUrl(const HttpRequest& request, const RequestContext& context) {
  return SiteUrl(request, context) +
         "/_api/$metadata#Microsoft.Office.Server.Search.REST.SearchResult";
}

ODataFormat RequestFormat(const HttpRequest& request) {
  return NegotiateODataFormat(request.headers.Get("Accept").value_or(""));
}

// QueryTemplate and HiddenConstraints turn the user's text into the query actually run
// (§1.3): {searchterms} (any case) is replaced by the query text, and hidden constraints are
// ANDed. Each part is parenthesised so an OR inside one cannot swallow the other.
void ComposeQueryText(const std::string& query_template, const std::string& hidden,
                      SearchRequest* request) {
  std::string text = request->query_text;
  if (!TrimWhitespace(query_template).empty()) {
    std::string composed;
    const std::string lower = AsciiLower(query_template);
    constexpr std::string_view kToken = "{searchterms}";
    size_t from = 0;
    while (true) {
      const size_t at = lower.find(kToken, from);
      composed += query_template.substr(from, at == std::string::npos ? at : at - from);
      if (at == std::string::npos) {
        break;
      }
      composed += "(" + text + ")";
      from = at + kToken.size();
    }
    text = composed;
  }
  if (!TrimWhitespace(hidden).empty()) {
    text = "(" + text + ") (" + hidden + ")";
  }
  request->query_text = std::move(text);
}

// Refused before the search so the 400 names the filter (ParseFql's message has a position).
Status ValidateRefinementFilters(const std::vector<std::string>& filters) {
  for (const std::string& filter : filters) {
    Result<FqlNode> node = ParseFql(filter);
    if (!node.ok()) {
      return node.error();
    }
  }
  return Status::OK();
}

using Json = nlohmann::json;

constexpr std::string_view kODataException = "Microsoft.Data.OData.ODataException";

Status BodyError(std::string message) { return Status::InvalidArgument(std::move(message)); }

// A JSON value as text: strings as they are, numbers and booleans in their JSON spelling.
Result<std::string> JsonText(std::string_view name, const Json& value) {
  if (value.is_null()) {
    return std::string();
  }
  if (value.is_string()) {
    return value.get<std::string>();
  }
  if (value.is_number() || value.is_boolean()) {
    return value.dump();
  }
  return BodyError("An unexpected '" +
                   std::string(value.is_array() ? "StartArray" : "StartObject") +
                   "' node was found for the property '" + std::string(name) +
                   "'. A 'PrimitiveValue' node was expected.");
}

Result<bool> JsonBool(std::string_view name, const Json& value) {
  if (value.is_boolean()) {
    return value.get<bool>();
  }
  DOCKET_ASSIGN_OR_RETURN(std::string text, JsonText(name, value));
  return ParseBoolean(name, text);
}

Result<uint32_t> JsonUnsigned(std::string_view name, const Json& value, uint32_t max) {
  if (value.is_number_integer() && value.get<int64_t>() < 0) {
    return Status::InvalidArgument("parameter " + std::string(name) +
                                   " must be a non-negative integer, got " + value.dump());
  }
  DOCKET_ASSIGN_OR_RETURN(std::string text, JsonText(name, value));
  return ParseUnsigned(name, text, max);
}

// A collection in either body shape (§1.5.2): a plain array or {"results":[...]}, with or
// without "__metadata". null is an empty collection.
Result<std::vector<Json>> JsonCollection(std::string_view name, const Json& value) {
  if (value.is_null()) {
    return std::vector<Json>();
  }
  if (value.is_array()) {
    return value.get<std::vector<Json>>();
  }
  if (value.is_object()) {
    for (auto it = value.begin(); it != value.end(); ++it) {
      if (EqualsIgnoreCase(it.key(), "results") && it.value().is_array()) {
        return it.value().get<std::vector<Json>>();
      }
    }
  }
  return BodyError("The property '" + std::string(name) +
                   "' must be a collection: a JSON array or {\"results\":[...]}.");
}

Result<std::vector<std::string>> JsonStringList(std::string_view name, const Json& value) {
  if (value.is_string()) {
    return SplitList(value.get<std::string>(), ',');  // lenient: "Title,Path"
  }
  DOCKET_ASSIGN_OR_RETURN(std::vector<Json> items, JsonCollection(name, value));
  std::vector<std::string> out;
  for (const Json& item : items) {
    DOCKET_ASSIGN_OR_RETURN(std::string text, JsonText(name, item));
    if (!TrimWhitespace(text).empty()) {
      out.emplace_back(TrimWhitespace(text));
    }
  }
  return out;
}

// The SearchRequest properties of §1.5.1, lower case. Matched case-insensitively so PnPjs's
// SearchQueryBuilder spellings (EnableFql, HithighlightedProperties, ResultsURL, UiLanguage)
// work; anything else is a 400, as in SharePoint.
bool IsSearchRequestProperty(const std::string& lower) {
  static const std::vector<std::string_view> kNames = {"querytext",
                                                       "querytemplate",
                                                       "enableinterleaving",
                                                       "sourceid",
                                                       "rankingmodelid",
                                                       "startrow",
                                                       "rowlimit",
                                                       "rowsperpage",
                                                       "selectproperties",
                                                       "culture",
                                                       "refinementfilters",
                                                       "refiners",
                                                       "hiddenconstraints",
                                                       "sortlist",
                                                       "enablestemming",
                                                       "trimduplicates",
                                                       "trimduplicatesincludeid",
                                                       "timeout",
                                                       "enablenicknames",
                                                       "enablephonetic",
                                                       "enablefql",
                                                       "hithighlightedproperties",
                                                       "bypassresulttypes",
                                                       "processbestbets",
                                                       "clienttype",
                                                       "personalizationdata",
                                                       "resultsurl",
                                                       "querytag",
                                                       "properties",
                                                       "enablequeryrules",
                                                       "reorderingrules",
                                                       "processpersonalfavorites",
                                                       "querytemplatepropertiesurl",
                                                       "hithighlightedmultivaluepropertylimit",
                                                       "enableorderinghithighlightedproperty",
                                                       "collapsespecification",
                                                       "enablesorting",
                                                       "generateblockranklog",
                                                       "uilanguage",
                                                       "desiredsnippetlength",
                                                       "maxsnippetlength",
                                                       "summarylength",
                                                       "timezoneid",
                                                       "accentsensitive"};
  return std::find(kNames.begin(), kNames.end(), lower) != kNames.end();
}

// The suggest parameters Docket acts on (§1.11); the others are accepted and ignored.
struct SuggestOptions {
  std::string query_text;
  uint32_t count = 5;            // inumberofquerysuggestions
  bool hit_highlighting = true;  // fhithighlighting
  bool capitalize = false;       // fcapitalizefirstletters
  bool people_names = true;      // showpeoplenamesuggestions
};

}  // namespace

ODataFormat NegotiateODataFormat(std::string_view accept) {
  std::optional<MediaRange> best;
  for (const std::string& text : SplitList(accept, ',')) {
    MediaRange range = ParseMediaRange(text);
    if (range.type != "application/json" || range.q <= 0) {
      continue;
    }
    if (!best || range.q > best->q) {
      best = std::move(range);
    }
  }
  if (!best) {
    return ODataFormat::kXml;
  }
  const auto odata = best->params.find("odata");
  if (odata == best->params.end()) {
    return ODataFormat::kMinimalMetadata;  // bare application/json (§1.2)
  }
  if (odata->second == "verbose") {
    return ODataFormat::kVerbose;
  }
  if (odata->second == "nometadata") {
    return ODataFormat::kNoMetadata;
  }
  return ODataFormat::kMinimalMetadata;  // minimalmetadata, fullmetadata, anything else
}

std::string ODataContentType(ODataFormat format) {
  switch (format) {
    case ODataFormat::kXml:
      return "application/xml;charset=utf-8";
    case ODataFormat::kNoMetadata:
      return "application/json;odata=nometadata;streaming=true;charset=utf-8";
    case ODataFormat::kMinimalMetadata:
      return "application/json;odata=minimalmetadata;streaming=true;charset=utf-8";
    case ODataFormat::kVerbose:
      return "application/json;odata=verbose;charset=utf-8";
  }
  return "application/json;charset=utf-8";
}

std::string ParseODataString(std::string_view value) {
  const std::string_view text = TrimWhitespace(value);
  if (text.size() < 2 || text.front() != '\'' || text.back() != '\'') {
    return std::string(text);  // lenient: unquoted (§1.4)
  }
  const std::string_view inner = text.substr(1, text.size() - 2);
  std::string out;
  out.reserve(inner.size());
  for (size_t i = 0; i < inner.size(); ++i) {
    out.push_back(inner[i]);
    if (inner[i] == '\'' && i + 1 < inner.size() && inner[i + 1] == '\'') {
      ++i;  // '' is one apostrophe
    }
  }
  return out;
}

QueryParams ParseFunctionCallArgs(std::string_view args) {
  QueryParams params;
  std::string current;
  bool in_quote = false;
  const auto flush = [&] {
    const std::string_view piece = TrimWhitespace(current);
    if (!piece.empty()) {
      const size_t eq = piece.find('=');
      if (eq == std::string_view::npos) {
        params.emplace_back(std::string(piece), std::string());
      } else {
        params.emplace_back(std::string(TrimWhitespace(piece.substr(0, eq))),
                            std::string(TrimWhitespace(piece.substr(eq + 1))));
      }
    }
    current.clear();
  };
  for (const char c : args) {
    if (c == '\'') {
      in_quote = !in_quote;  // a doubled '' toggles twice and stays inside
    }
    if (!in_quote && (c == ',' || c == '&')) {
      flush();
      continue;
    }
    current.push_back(c);
  }
  flush();
  return params;
}

Result<QueryOptions> ParseQueryOptions(const QueryParams& params) {
  // Names are case-insensitive (querytext, QueryText, sortList); the first occurrence wins.
  std::map<std::string, std::string> by_name;
  for (const auto& [name, value] : params) {
    by_name.emplace(AsciiLower(TrimWhitespace(name)), value);
  }
  const auto get = [&](std::string_view name) -> const std::string* {
    const auto it = by_name.find(std::string(name));
    return it == by_name.end() ? nullptr : &it->second;
  };

  QueryOptions options;
  const std::string* querytext = get("querytext");
  if (querytext == nullptr) {
    return Status::InvalidArgument("The parameter querytext is required.");
  }
  options.request.query_text = ParseODataString(*querytext);
  if (TrimWhitespace(options.request.query_text).empty()) {
    return Status::InvalidArgument("The parameter querytext must not be empty.");
  }
  if (const std::string* raw = get("startrow")) {
    DOCKET_ASSIGN_OR_RETURN(options.request.start_row,
                            ParseUnsigned("startrow", *raw, kMaxStartRow));
  }
  if (const std::string* raw = get("rowlimit")) {
    DOCKET_ASSIGN_OR_RETURN(uint32_t row_limit,
                            ParseUnsigned("rowlimit", *raw, std::numeric_limits<uint32_t>::max()));
    options.request.row_limit = std::min(row_limit, kMaxRowLimit);
  }
  if (const std::string* raw = get("summarylength")) {
    DOCKET_ASSIGN_OR_RETURN(options.request.summary_length,
                            ParseUnsigned("summarylength", *raw, 10000));
  }
  if (const std::string* raw = get("sortlist")) {
    DOCKET_ASSIGN_OR_RETURN(options.request.sort, ParseSortList(*raw));
  }
  if (const std::string* raw = get("selectproperties")) {
    options.select_properties = SplitList(ParseODataString(*raw), ',');
  }
  if (const std::string* raw = get("hithighlightedproperties")) {
    options.request.hit_highlighted_properties = SplitList(ParseODataString(*raw), ',');
  }
  if (const std::string* raw = get("enablestemming")) {
    DOCKET_ASSIGN_OR_RETURN(options.request.enable_stemming, ParseBoolean("enablestemming", *raw));
  }
  // Docket's own (SharePoint has no per-request switch): diacritics typed in the query must
  // be in the text. See SearchRequest::accent_sensitive.
  if (const std::string* raw = get("accentsensitive")) {
    DOCKET_ASSIGN_OR_RETURN(options.request.accent_sensitive,
                            ParseBoolean("accentsensitive", *raw));
  }
  if (const std::string* raw = get("trimduplicates")) {
    DOCKET_ASSIGN_OR_RETURN(options.request.trim_duplicates, ParseBoolean("trimduplicates", *raw));
  }
  if (const std::string* raw = get("enablesorting")) {
    DOCKET_ASSIGN_OR_RETURN(options.request.enable_sorting, ParseBoolean("enablesorting", *raw));
  }
  if (const std::string* raw = get("refiners")) {
    DOCKET_ASSIGN_OR_RETURN(options.request.refiners, ParseRefinerList(ParseODataString(*raw)));
  }
  if (const std::string* raw = get("refinementfilters")) {
    // GET carries one FQL expression; and(...) combines several (§1.9.3).
    const std::string filter = ParseODataString(*raw);
    if (!TrimWhitespace(filter).empty()) {
      options.request.refinement_filters.push_back(filter);
    }
  }
  DOCKET_RETURN_IF_ERROR(ValidateRefinementFilters(options.request.refinement_filters));
  const std::string* query_template = get("querytemplate");
  const std::string* hidden = get("hiddenconstraints");
  ComposeQueryText(query_template ? ParseODataString(*query_template) : "",
                   hidden ? ParseODataString(*hidden) : "", &options.request);
  // Other documented parameters (culture, sourceid, enablequeryrules, ...) are accepted and
  // ignored: they tune SharePoint features an archive has no use for (§1.3: ignore unknown
  // names).
  return options;
}

Result<QueryOptions> ParsePostQueryBody(std::string_view body) {
  Json parsed = Json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded()) {
    return BodyError("The request body is not valid JSON; send {\"request\":{\"Querytext\":...}}.");
  }
  if (!parsed.is_object()) {
    return BodyError("The request body must be a JSON object {\"request\":{...}}.");
  }
  // Real clients wrap the SearchRequest in "request"; the docs' samples sometimes do not.
  const Json* request = &parsed;
  for (auto it = parsed.begin(); it != parsed.end(); ++it) {
    if (EqualsIgnoreCase(it.key(), "request") && it.value().is_object()) {
      request = &it.value();
      break;
    }
  }

  QueryOptions options;
  bool has_querytext = false;
  std::string query_template;
  std::string hidden;
  for (auto it = request->begin(); it != request->end(); ++it) {
    const std::string& name = it.key();
    const Json& value = it.value();
    const std::string lower = AsciiLower(name);
    if (lower == "__metadata") {
      continue;
    }
    if (!IsSearchRequestProperty(lower)) {
      return BodyError("The property '" + name +
                       "' does not exist on type "
                       "'Microsoft.Office.Server.Search.REST.SearchRequest'. Make sure to only "
                       "use property names that are defined by the type.");
    }
    if (lower == "querytext") {
      DOCKET_ASSIGN_OR_RETURN(options.request.query_text, JsonText(name, value));
      has_querytext = true;
    } else if (lower == "querytemplate") {
      DOCKET_ASSIGN_OR_RETURN(query_template, JsonText(name, value));
    } else if (lower == "hiddenconstraints") {
      DOCKET_ASSIGN_OR_RETURN(hidden, JsonText(name, value));
    } else if (lower == "startrow") {
      DOCKET_ASSIGN_OR_RETURN(options.request.start_row, JsonUnsigned(name, value, kMaxStartRow));
    } else if (lower == "rowlimit") {
      DOCKET_ASSIGN_OR_RETURN(uint32_t row_limit,
                              JsonUnsigned(name, value, std::numeric_limits<uint32_t>::max()));
      options.request.row_limit = std::min(row_limit, kMaxRowLimit);
    } else if (lower == "summarylength") {
      DOCKET_ASSIGN_OR_RETURN(options.request.summary_length, JsonUnsigned(name, value, 10000));
    } else if (lower == "selectproperties") {
      DOCKET_ASSIGN_OR_RETURN(std::vector<std::string> select, JsonStringList(name, value));
      if (!select.empty()) {  // PnPjs always sends []: that means the default cells (§1.5.2)
        options.select_properties = std::move(select);
      }
    } else if (lower == "hithighlightedproperties") {
      // PnPjs always sends [] (the cell stays null); the builder spells it
      // HithighlightedProperties, which matches case-insensitively.
      DOCKET_ASSIGN_OR_RETURN(options.request.hit_highlighted_properties,
                              JsonStringList(name, value));
    } else if (lower == "refinementfilters") {
      DOCKET_ASSIGN_OR_RETURN(options.request.refinement_filters, JsonStringList(name, value));
    } else if (lower == "refiners") {
      DOCKET_ASSIGN_OR_RETURN(std::string refiners, JsonText(name, value));
      DOCKET_ASSIGN_OR_RETURN(options.request.refiners, ParseRefinerList(refiners));
    } else if (lower == "sortlist") {
      DOCKET_ASSIGN_OR_RETURN(std::vector<Json> entries, JsonCollection(name, value));
      std::string list;
      for (const Json& entry : entries) {
        if (!entry.is_object()) {
          return BodyError("SortList entries are {\"Property\":...,\"Direction\":0|1}.");
        }
        std::string property;
        std::string direction;
        for (auto field = entry.begin(); field != entry.end(); ++field) {
          if (EqualsIgnoreCase(field.key(), "property")) {
            DOCKET_ASSIGN_OR_RETURN(property, JsonText("Property", field.value()));
          } else if (EqualsIgnoreCase(field.key(), "direction")) {
            DOCKET_ASSIGN_OR_RETURN(direction, JsonText("Direction", field.value()));
          }
        }
        // Direction 2 (SortDirection.FQLFormula) carries a formula in Property; it sorts
        // ascending, as the ascending-only formula examples of §1.10 do.
        if (direction == "2") {
          property = "[formula:" + property + "]";
          direction = "0";
        }
        list += (list.empty() ? "" : ",") + property + ":" + direction;
      }
      DOCKET_ASSIGN_OR_RETURN(options.request.sort, ParseSortList(list));
    } else if (lower == "enablestemming") {
      DOCKET_ASSIGN_OR_RETURN(options.request.enable_stemming, JsonBool(name, value));
    } else if (lower == "trimduplicates") {
      DOCKET_ASSIGN_OR_RETURN(options.request.trim_duplicates, JsonBool(name, value));
    } else if (lower == "enablesorting") {
      DOCKET_ASSIGN_OR_RETURN(options.request.enable_sorting, JsonBool(name, value));
    } else if (lower == "accentsensitive") {
      DOCKET_ASSIGN_OR_RETURN(options.request.accent_sensitive, JsonBool(name, value));
    }
    // The other documented properties are accepted and ignored, as on GET.
  }
  if (!has_querytext || TrimWhitespace(options.request.query_text).empty()) {
    return Status::InvalidArgument("The property Querytext is required and must not be empty.");
  }
  DOCKET_RETURN_IF_ERROR(ValidateRefinementFilters(options.request.refinement_filters));
  ComposeQueryText(query_template, hidden, &options.request);
  return options;
}

HttpResponse ODataErrorResponse(const HttpRequest& request, int http_status,
                                std::string_view message, std::string_view exception_type) {
  const ODataFormat format = RequestFormat(request);
  HttpResponse response;
  response.status = http_status;
  response.content_type = ODataContentType(format);
  response.body = format == ODataFormat::kXml
                      ? RenderODataErrorXml(message, exception_type)
                      : RenderODataErrorJson(format, message, exception_type);
  response.headers.emplace_back("DataServiceVersion", "3.0");
  return response;
}

namespace {

HttpResponse RunAndRender(const SearchFunction& search, const HttpRequest& request,
                          const RequestContext& context, Result<QueryOptions> options,
                          std::string_view function_name, std::string_view parse_exception) {
  if (!options.ok()) {
    return ODataErrorResponse(request, ToHttpStatus(options.error().code()),
                              options.error().message(), parse_exception);
  }
  Result<SearchResult> result = search(options->request);
  if (!result.ok()) {
    const int http_status = ToHttpStatus(result.error().code());
    if (http_status >= 500) {
      std::fprintf(stderr, "docket serve: request %llu: search failed: %s\n",
                   static_cast<unsigned long long>(request.request_id),
                   result.error().ToString().c_str());
    }
    return ODataErrorResponse(request, http_status, result.error().message());
  }

  const ODataFormat format = RequestFormat(request);
  SearchRenderOptions render;
  render.format = format;
  render.function_name = std::string(function_name);
  render.select_properties = std::move(options->select_properties);
  render.start_row = options->request.start_row;
  render.row_limit = options->request.row_limit;
  render.metadata_url = MetadataUrl(request, context);

  HttpResponse response;
  response.content_type = ODataContentType(format);
  response.body = format == ODataFormat::kXml ? RenderSearchResultXml(*result, render)
                                              : RenderSearchResultJson(*result, render);
  response.headers.emplace_back("DataServiceVersion", "3.0");
  return response;
}

}  // namespace

HttpResponse HandleSearchQuery(const SearchFunction& search, const HttpRequest& request,
                               const RequestContext& context) {
  QueryParams params = ParseFunctionCallArgs(context.call_args);
  params.insert(params.end(), request.query.begin(), request.query.end());
  return RunAndRender(search, request, context, ParseQueryOptions(params), "query",
                      kSearchServiceException);
}

HttpResponse HandlePostQuery(const SearchFunction& search, const HttpRequest& request,
                             const RequestContext& context) {
  // Any body SharePoint's OData reader would refuse (not JSON, wrong shape, unknown property,
  // bad value) is reported as the reader's ODataException; the status is 400 either way.
  return RunAndRender(search, request, context, ParsePostQueryBody(request.body), "postquery",
                      kODataException);
}

HttpResponse HandleSuggest(const SuggestFunction& suggest, const HttpRequest& request,
                           const RequestContext& context) {
  QueryParams params = ParseFunctionCallArgs(context.call_args);
  params.insert(params.end(), request.query.begin(), request.query.end());
  std::map<std::string, std::string> by_name;
  for (const auto& [name, value] : params) {
    by_name.emplace(AsciiLower(TrimWhitespace(name)), value);
  }
  const auto get = [&](std::string_view name) -> const std::string* {
    const auto it = by_name.find(std::string(name));
    return it == by_name.end() ? nullptr : &it->second;
  };
  const auto fail = [&](const Status& status) {
    return ODataErrorResponse(request, ToHttpStatus(status.code()), status.message());
  };
  const std::string* querytext = get("querytext");
  const std::string text = querytext ? ParseODataString(*querytext) : "";
  if (TrimWhitespace(text).empty()) {
    return fail(Status::InvalidArgument("The parameter querytext is required."));
  }
  SuggestOptions options;
  options.query_text = text;
  if (const std::string* raw = get("inumberofquerysuggestions")) {
    Result<uint32_t> n = ParseUnsigned("inumberofquerysuggestions", *raw, 100);
    if (!n.ok()) {
      return fail(n.error());
    }
    options.count = *n;
  }
  const std::pair<const char*, bool*> flags[] = {
      {"fhithighlighting", &options.hit_highlighting},
      {"fcapitalizefirstletters", &options.capitalize},
      {"showpeoplenamesuggestions", &options.people_names},
  };
  for (const auto& [name, field] : flags) {
    if (const std::string* raw = get(name)) {
      Result<bool> b = ParseBoolean(name, ParseODataString(*raw));
      if (!b.ok()) {
        return fail(b.error());
      }
      *field = *b;
    }
  }

  // The last word of the text is completed from the index's words; the words before it are
  // kept as typed.
  std::string_view trimmed = TrimWhitespace(text);
  const size_t space = trimmed.find_last_of(' ');
  const std::string lead(space == std::string_view::npos ? "" : trimmed.substr(0, space + 1));
  const std::string last(space == std::string_view::npos ? trimmed : trimmed.substr(space + 1));
  std::vector<std::string> completions;
  if (suggest && options.count > 0) {
    Result<std::vector<std::string>> words = suggest(last, options.count);
    if (!words.ok()) {
      return fail(words.error());
    }
    completions = std::move(*words);
  }
  SuggestResult result;
  for (std::string& word : completions) {
    if (options.capitalize && !word.empty() && word[0] >= 'a' && word[0] <= 'z') {
      word[0] = static_cast<char>(word[0] - 'a' + 'A');
    }
    std::string query = lead;
    if (options.hit_highlighting && word.size() >= last.size()) {
      query += "<B>" + word.substr(0, last.size()) + "</B>" + word.substr(last.size());
    } else {
      query += word;
    }
    result.queries.push_back(std::move(query));
  }
  result.people_names_null = !options.people_names;

  const ODataFormat format = RequestFormat(request);
  HttpResponse response;
  response.content_type = ODataContentType(format);
  response.body =
      format == ODataFormat::kXml ? RenderSuggestXml(result) : RenderSuggestJson(result, format);
  response.headers.emplace_back("DataServiceVersion", "3.0");
  (void)context;
  return response;
}

namespace {

// SharePoint's digest: 0x, 64 random bytes in upper-case hex, then when it was issued in the
// form "12 Jun 2024 10:00:00 -0000". Clients treat it as opaque and only echo it back.
std::string NewFormDigest(UtcMillis now) {
  thread_local std::mt19937_64 engine{std::random_device{}()};
  std::string digest = "0x";
  for (int i = 0; i < 8; ++i) {
    char hex[17];
    std::snprintf(hex, sizeof hex, "%016llX", static_cast<unsigned long long>(engine()));
    digest += hex;
  }
  static constexpr std::string_view kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                 "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const std::string iso = FormatIso8601(now);  // "2024-06-12T10:00:00Z"
  const int month = std::stoi(iso.substr(5, 2));
  digest += "," + iso.substr(8, 2) + " " + std::string(kMonths[month - 1]) + " " +
            iso.substr(0, 4) + " " + iso.substr(11, 8) + " -0000";
  return digest;
}

}  // namespace

HttpResponse HandleContextInfo(const HttpRequest& request, const RequestContext& context,
                               UtcMillis now) {
  if (now == 0) {
    now = std::chrono::duration_cast<std::chrono::milliseconds>(
              std::chrono::system_clock::now().time_since_epoch())
              .count();
  }
  ContextInfo info;
  info.form_digest = NewFormDigest(now);
  info.web_full_url = SiteUrl(request, context);
  info.site_full_url = info.web_full_url;

  const ODataFormat format = RequestFormat(request);
  HttpResponse response;
  response.content_type = ODataContentType(format);
  response.body = format == ODataFormat::kXml
                      ? RenderContextInfoXml(info)
                      : RenderContextInfoJson(
                            info, format,
                            SiteUrl(request, context) + "/_api/$metadata#SP.ContextWebInformation");
  response.headers.emplace_back("DataServiceVersion", "3.0");
  return response;
}

}  // namespace docket::web
