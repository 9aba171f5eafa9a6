/** @file
 *  @brief GET /_api/search/query: OData literals, parameter validation, Accept negotiation.
 */
#include "web/sharepoint_api.h"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <limits>
#include <map>

#include "common/strings.h"
#include "web/http_status.h"

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

// Sort properties the searcher can sort by (query/property_map.cc: date and number properties
// with a value slot, plus Rank), with the SharePoint names that mean the same for archived
// items (sharepoint-search.md §1.10). Keep in step with the property map; the searcher still
// refuses anything it cannot sort by, so a gap here only changes the error message.
std::optional<std::string> CanonicalSortProperty(std::string_view name) {
  static const std::map<std::string, std::string> kSortable = {
      {"rank", "Rank"}, {"write", "Write"},  {"lastmodifiedtime", "Write"},
      {"sent", "Sent"}, {"created", "Sent"}, {"received", "Sent"},
      {"size", "Size"},
  };
  const auto it = kSortable.find(AsciiLower(name));
  if (it == kSortable.end()) {
    return std::nullopt;
  }
  return it->second;
}

Result<std::vector<SortSpec>> ParseSortList(std::string_view raw) {
  std::vector<SortSpec> sort;
  for (const std::string& entry : SplitList(ParseODataString(raw), ',')) {
    std::string_view property = entry;
    std::string_view direction;
    if (const size_t colon = entry.rfind(':'); colon != std::string::npos) {
      property = TrimWhitespace(std::string_view(entry).substr(0, colon));
      direction = TrimWhitespace(std::string_view(entry).substr(colon + 1));
    }
    if (property.starts_with('[')) {
      return Status::InvalidArgument("sortlist: " + std::string(property) +
                                     " (formula and random sorts) is not supported");
    }
    std::optional<std::string> canonical = CanonicalSortProperty(property);
    if (!canonical) {
      return Status::InvalidArgument(
          "sortlist: Property doesn't exist or is used in a manner inconsistent with schema "
          "settings: '" +
          std::string(property) +
          "' (sortable: Rank, Write, LastModifiedTime, Sent, Created, Received, Size)");
    }
    SortSpec spec;
    spec.property = *canonical;
    // SharePoint always sends a direction; without one we sort ascending, as SQL does.
    if (direction.empty() || EqualsIgnoreCase(direction, "ascending")) {
      spec.descending = false;
    } else if (EqualsIgnoreCase(direction, "descending")) {
      spec.descending = true;
    } else {
      return Status::InvalidArgument("sortlist: direction must be ascending or descending, got '" +
                                     std::string(direction) + "'");
    }
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

std::string MetadataUrl(const HttpRequest& request, const RequestContext& context) {
  std::string url;
  if (std::optional<std::string_view> host = request.headers.Get("Host")) {
    url = "http://" + std::string(*host);
  }
  return url + context.site_prefix +
         "/_api/$metadata#Microsoft.Office.Server.Search.REST.SearchResult";
}

// The XML writer (§1.6.4) comes in a later issue. Until then a request without a JSON Accept
// (the SharePoint default, XML) gets nometadata JSON, labelled as such in Content-Type so a
// client can tell what it received.
ODataFormat RenderableFormat(ODataFormat format) {
  return format == ODataFormat::kXml ? ODataFormat::kNoMetadata : format;
}

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
  if (const std::string* raw = get("enablestemming")) {
    DOCKET_ASSIGN_OR_RETURN(options.request.enable_stemming, ParseBoolean("enablestemming", *raw));
  }
  // Docket's own (SharePoint has no per-request switch): diacritics typed in the query must
  // be in the text. See SearchRequest::accent_sensitive.
  if (const std::string* raw = get("accentsensitive")) {
    DOCKET_ASSIGN_OR_RETURN(options.request.accent_sensitive,
                            ParseBoolean("accentsensitive", *raw));
  }
  // Other documented parameters (refiners, trimduplicates, culture, ...) are accepted and
  // ignored until the features behind them exist (§1.3: ignore unknown names).
  return options;
}

HttpResponse ODataErrorResponse(const HttpRequest& request, int http_status,
                                std::string_view message, std::string_view exception_type) {
  const ODataFormat format =
      RenderableFormat(NegotiateODataFormat(request.headers.Get("Accept").value_or("")));
  HttpResponse response;
  response.status = http_status;
  response.content_type = ODataContentType(format);
  response.body = RenderODataErrorJson(format, message, exception_type);
  response.headers.emplace_back("DataServiceVersion", "3.0");
  return response;
}

HttpResponse HandleSearchQuery(const SearchFunction& search, const HttpRequest& request,
                               const RequestContext& context) {
  QueryParams params = ParseFunctionCallArgs(context.call_args);
  params.insert(params.end(), request.query.begin(), request.query.end());
  Result<QueryOptions> options = ParseQueryOptions(params);
  if (!options.ok()) {
    return ODataErrorResponse(request, ToHttpStatus(options.error().code()),
                              options.error().message());
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

  const ODataFormat format =
      RenderableFormat(NegotiateODataFormat(request.headers.Get("Accept").value_or("")));
  SearchRenderOptions render;
  render.format = format;
  render.function_name = "query";
  render.select_properties = std::move(options->select_properties);
  render.start_row = options->request.start_row;
  render.row_limit = options->request.row_limit;
  render.metadata_url = MetadataUrl(request, context);

  HttpResponse response;
  response.content_type = ODataContentType(format);
  response.body = RenderSearchResultJson(*result, render);
  response.headers.emplace_back("DataServiceVersion", "3.0");
  return response;
}

}  // namespace docket::web
