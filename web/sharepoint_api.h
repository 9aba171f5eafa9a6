/** @file
 *  @brief SharePoint Search REST: GET {site}/_api/search/query (sharepoint-search.md §1.1–1.4).
 *
 *  Parameter names are matched case-insensitively; string values are OData string literals
 *  ('…' with '' for an apostrophe), unquoted values are taken as-is. The Accept header picks
 *  the JSON flavour (§1.2). Errors are OData error bodies (§1.12).
 */
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "query/search_request.h"
#include "query/search_result.h"
#include "web/http_types.h"
#include "web/router.h"
#include "web/sharepoint_json.h"

namespace docket::web {

/// What the API needs from the query layer; Searcher::Search in production, a fake in tests.
using SearchFunction = std::function<Result<SearchResult>(const SearchRequest&)>;

/// Largest RowLimit served in one response (SharePoint Online's cap); larger values are capped.
inline constexpr uint32_t kMaxRowLimit = 500;
/// Largest StartRow accepted (SharePoint Online's documented cap); larger is a 400.
inline constexpr uint32_t kMaxStartRow = 50000;

/// Picks the response format from an Accept header (§1.2). Media ranges are parsed loosely:
/// spaces, case and extra parameters (charset, q) are tolerated; among JSON ranges the one with
/// the highest q wins (ties: first). No JSON range (absent, */*, application/xml) → kXml.
ODataFormat NegotiateODataFormat(std::string_view accept);

/// The Content-Type sent for `format`.
std::string ODataContentType(ODataFormat format);

/// An already URL-decoded OData string literal → its text: "'O''Neil'" → "O'Neil". A value not
/// wrapped in quotes is returned as-is (some clients omit them). Surrounding blanks are ignored.
std::string ParseODataString(std::string_view value);

/// Splits the argument list of the function-call form, "querytext='a,b',rowlimit=5", into
/// name/value pairs. ',' and '&' separate arguments outside quoted literals.
QueryParams ParseFunctionCallArgs(std::string_view args);

/// A GET query's parameters, parsed and validated.
struct QueryOptions {
  SearchRequest request;
  std::optional<std::vector<std::string>> select_properties;  // as sent (casing kept)
};

/// Validates and converts parameters (names case-insensitive, the first occurrence wins).
/// InvalidArgument with a message naming the parameter for: missing or empty querytext, a
/// negative or non-numeric startrow/rowlimit/summarylength, startrow > kMaxStartRow, an
/// unknown sort property or direction. RowLimit above kMaxRowLimit is capped, not refused.
Result<QueryOptions> ParseQueryOptions(const QueryParams& params);

/// GET /_api/search/query (plain and function-call forms).
HttpResponse HandleSearchQuery(const SearchFunction& search, const HttpRequest& request,
                               const RequestContext& context);

/// An OData error response in the format the request's Accept asks for (JSON light for XML
/// requests until the XML writer exists). Used as the router's error renderer for /_api/.
HttpResponse ODataErrorResponse(const HttpRequest& request, int http_status,
                                std::string_view message,
                                std::string_view exception_type = kSearchServiceException);

}  // namespace docket::web
