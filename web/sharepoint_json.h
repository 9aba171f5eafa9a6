/** @file
 *  @brief SearchResult → SharePoint REST JSON (nometadata / minimalmetadata / verbose) and
 *         OData error bodies. See docs sharepoint-search.md §1.6, §1.7, §1.12.
 *
 *  Cells are built here from the stored Item of each hit; which managed properties exist and how
 *  each maps onto an Item is the property table in sharepoint_json.cc.
 */
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "query/search_result.h"

namespace docket::web {

/// The response formats of sharepoint-search.md §1.2.
enum class ODataFormat {
  kXml,              // no JSON in Accept: OData v3 XML (web/sharepoint_xml.h)
  kNoMetadata,       // application/json;odata=nometadata: flat object, plain arrays
  kMinimalMetadata,  // application/json[;odata=minimalmetadata]: flat + "odata.metadata"
  kVerbose,          // application/json;odata=verbose: {"d":{"query":...}}, {"results":[...]}
};

/// One SP.KeyValue cell. `value` is nullopt for a null (ValueType "Null").
struct Cell {
  std::string key;
  std::optional<std::string> value;
  std::string value_type;  // "Edm.String", "Edm.Int64", "Edm.Double", "Edm.DateTime", ...
};

/// The cells of one hit. Without `select` the default cell set (DefaultCellNames()), in that
/// order and schema casing. With `select`: the selected properties in request order, keyed in
/// the casing the request used; unknown names are omitted (SharePoint does the same).
///
/// Mapping choices for archived items: Author = `from` (sender, session initiator or
/// organizer); the full participant list is the Participants cell (';'-joined). Write =
/// last_activity, or sent when that is unknown. Path = the item's ipath. IsDocument is "true"
/// only for loose files and attachments.
std::vector<Cell> BuildCells(const SearchHit& hit,
                             const std::optional<std::vector<std::string>>& select);

/// The default cell names in order.
const std::vector<std::string_view>& DefaultCellNames();

/// True when `name` (any case) is a managed property we can return.
bool IsKnownProperty(std::string_view name);

struct SearchRenderOptions {
  ODataFormat format = ODataFormat::kNoMetadata;  // JSON flavours; XML: sharepoint_xml.h
  // The key under "d" in verbose mode: "query" (GET) or "postquery" (POST).
  std::string function_name = "query";
  std::optional<std::vector<std::string>> select_properties;  // nullopt: default cell set
  uint32_t start_row = 0;   // echoed as RelevantResults.Properties StartRecord
  uint32_t row_limit = 10;  // echoed as Properties RowLimit
  std::string query_id;     // empty: a fresh random GUID
  // minimalmetadata only: the value of "odata.metadata".
  std::string metadata_url = "/_api/$metadata#Microsoft.Office.Server.Search.REST.SearchResult";
};

/// The whole response body (UTF-8; invalid bytes in stored data become U+FFFD).
/// RefinementResults is null unless the result carries refiners (they were requested).
std::string RenderSearchResultJson(const SearchResult& result, const SearchRenderOptions& options);

inline constexpr std::string_view kSearchServiceException =
    "Microsoft.Office.Server.Search.REST.SearchServiceException";
inline constexpr std::string_view kInvalidClientQueryException =
    "Microsoft.SharePoint.Client.InvalidClientQueryException";

/// §1.12: {"odata.error":{"code":"-1, <type>","message":{"lang":"en-US","value":…}}} or, in
/// verbose mode, the same under "error".
std::string RenderODataErrorJson(ODataFormat format, std::string_view message,
                                 std::string_view exception_type = kSearchServiceException);

/// What /_api/search/suggest answers (§1.11).
struct SuggestResult {
  std::vector<std::string> queries;       // Queries[].Query, IsPersonal false
  std::vector<std::string> people_names;  // PeopleNames
  bool people_names_null = false;         // showpeoplenamesuggestions=false
};

std::string RenderSuggestJson(const SuggestResult& result, ODataFormat format);

/// The SharePoint 2013 SP1 server version contextinfo reports: clients that branch on it (PnP,
/// CSOM) then take their SharePoint 2013 REST paths, which are the ones Docket serves.
inline constexpr std::string_view kLibraryVersion = "15.0.4569.1000";

/// What POST {site}/_api/contextinfo answers (SP.ContextWebInformation, §1.1 and §4.1).
struct ContextInfo {
  std::string form_digest;  // "0x<128 hex digits>,12 Jun 2024 10:00:00 -0000"
  uint32_t timeout_seconds = 1800;
  std::string web_full_url;   // "http://host/sites/x"
  std::string site_full_url;  // the same: every site prefix is its own site collection here
};

/// JSON light is flat (PnPjs reads FormDigestValue at the top level, without OData
/// unwrapping); minimalmetadata adds "odata.metadata" = `metadata_url` first; verbose is
/// {"d":{"GetContextWebInformation":{...}}}.
std::string RenderContextInfoJson(const ContextInfo& info, ODataFormat format,
                                  std::string_view metadata_url);

/// A random (version 4) GUID in lower-case 8-4-4-4-12 form.
std::string NewGuid();

}  // namespace docket::web
