/** @file
 *  @brief SearchResult → the OData v3 XML SharePoint answers when no JSON is asked for
 *         (sharepoint-search.md §1.2, §1.6.4), and the XML error and suggest bodies.
 *
 *  Not an Atom feed: a complex-type return value whose root element is the function name
 *  (d:query, d:postquery, d:suggest). Collection items are <d:element>, complex values carry
 *  m:type, nulls are m:null="true", non-string primitives carry m:type="Edm.X". XML scrapers
 *  select rows with //d:Table/d:Rows/d:element[@m:type="SP.SimpleDataRow"]/d:Cells.
 */
#pragma once

#include <string>
#include <string_view>

#include "web/sharepoint_json.h"

namespace docket::web {

/// The whole body, with the XML declaration. Cells and refiners as in the JSON forms.
std::string RenderSearchResultXml(const SearchResult& result, const SearchRenderOptions& options);

/// <m:error><m:code>-1, TYPE</m:code><m:message xml:lang="en-US">…</m:message></m:error>
std::string RenderODataErrorXml(std::string_view message,
                                std::string_view exception_type = kSearchServiceException);

/// <d:suggest m:type="…QuerySuggestionResults">…</d:suggest>
std::string RenderSuggestXml(const SuggestResult& result);

/// <d:GetContextWebInformation m:type="SP.ContextWebInformation">…: the XML form of contextinfo.
std::string RenderContextInfoXml(const ContextInfo& info);

/// Text escaped for XML character data and attribute values; bytes that are not valid UTF-8
/// and characters XML 1.0 forbids (control characters) become U+FFFD.
std::string XmlEscape(std::string_view text);

}  // namespace docket::web
