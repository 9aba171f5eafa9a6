/** @file
 *  @brief SharePoint Search REST: GET {site}/_api/search/query, POST {site}/_api/search/postquery,
 *         GET {site}/_api/search/suggest and POST {site}/_api/contextinfo
 *         (sharepoint-search.md §1.1–1.12).
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
#include "common/time_util.h"
#include "query/search_request.h"
#include "query/search_result.h"
#include "web/http_types.h"
#include "web/router.h"
#include "web/sharepoint_json.h"

namespace docket::web {

/// What the API needs from the query layer; Searcher::Search in production, a fake in tests.
using SearchFunction = std::function<Result<SearchResult>(const SearchRequest&)>;

/// Completes a prefix from the index's words: at most `limit` words, most frequent first.
using SuggestFunction =
    std::function<Result<std::vector<std::string>>(std::string_view prefix, size_t limit)>;

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
/// unknown sort property or direction, a bad [formula:...] (the message names the position in
/// the formula) or [random:seed=N]. RowLimit above kMaxRowLimit is capped, not refused.
Result<QueryOptions> ParseQueryOptions(const QueryParams& params);

/// Converts a postquery body (§1.5): {"request":{...}} or the SearchRequest itself, verbose
/// ({"results":[...]} collections, "__metadata") or JSON light (plain arrays); property names
/// case-insensitive; numbers and booleans also as strings; empty collections mean "not
/// specified". InvalidArgument for invalid JSON, a wrong shape, an unknown property (named as
/// SharePoint names it) and the same bad values as ParseQueryOptions.
Result<QueryOptions> ParsePostQueryBody(std::string_view body);

/// GET /_api/search/query (plain and function-call forms).
HttpResponse HandleSearchQuery(const SearchFunction& search, const HttpRequest& request,
                               const RequestContext& context);

/// POST /_api/search/postquery. Verbose answers are keyed "postquery" (PnPjs reads that).
HttpResponse HandlePostQuery(const SearchFunction& search, const HttpRequest& request,
                             const RequestContext& context);

/// GET /_api/search/suggest (§1.11). Query suggestions complete the last word of querytext
/// from the index's words by prefix, most frequent first (`<B>` marks the typed part when
/// fhithighlighting, the default); PersonalResults and PopularResults are empty, PeopleNames
/// is empty (null when showpeoplenamesuggestions=false). `suggest` may be empty (no index).
HttpResponse HandleSuggest(const SuggestFunction& suggest, const HttpRequest& request,
                           const RequestContext& context);

/// POST {site}/_api/contextinfo (§1.1, §4.1): a fresh form digest that nothing checks (POSTs
/// are accepted with or without X-RequestDigest), plus the site's URLs, so PnPjs's browser
/// and SPFx presets, which fetch a digest before every POST, work unchanged. JSON light is
/// flat, verbose is d.GetContextWebInformation, no JSON in Accept gives XML. `now` dates the
/// digest; 0 means the system clock.
HttpResponse HandleContextInfo(const HttpRequest& request, const RequestContext& context,
                               UtcMillis now = 0);

/// An OData error response (§1.12) in the format the request's Accept asks for: JSON light,
/// verbose JSON or XML. Used as the router's error renderer for /_api/.
HttpResponse ODataErrorResponse(const HttpRequest& request, int http_status,
                                std::string_view message,
                                std::string_view exception_type = kSearchServiceException);

}  // namespace docket::web
