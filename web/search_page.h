/** @file
 *  @brief The officer search page served at "/": one self-contained HTML document.
 */
#pragma once

#include <string_view>

#include "web/http_types.h"

namespace docket::web {

/// The page's HTML (inline CSS and vanilla JS, no external URLs). It calls
/// ./_api/search/query with Accept: application/json;odata=nometadata.
std::string_view SearchPageHtml();

/// 200 text/html with the page.
HttpResponse SearchPageResponse();

}  // namespace docket::web
