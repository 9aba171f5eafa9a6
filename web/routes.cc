/** @file
 *  @brief Every endpoint, with the action name used for audit and (later) authorization.
 */
#include "web/routes.h"

#include "web/search_page.h"

namespace docket::web {

void RegisterRoutes(Router& router, const RouteDependencies& deps) {
  const SearchFunction search = deps.search;

  // SharePoint Search REST (sharepoint-search.md §1.1). "/_api/..." patterns match under any
  // site prefix and in the OData function-call form.
  router.Get("/_api/search/query", "search:query",
             [search](const HttpRequest& request, const RequestContext& context) {
               return HandleSearchQuery(search, request, context);
             });
  router.Post("/_api/search/postquery", "search:postquery",
              [search](const HttpRequest& request, const RequestContext& context) {
                return HandlePostQuery(search, request, context);
              });
  const SuggestFunction suggest = deps.suggest;
  router.Get("/_api/search/suggest", "search:suggest",
             [suggest](const HttpRequest& request, const RequestContext& context) {
               return HandleSuggest(suggest, request, context);
             });
  // The form digest PnPjs's browser presets fetch before every POST (§4.1).
  router.Post("/_api/contextinfo", "site:contextinfo",
              [](const HttpRequest& request, const RequestContext& context) {
                return HandleContextInfo(request, context);
              });
  // Officer search page: static HTML that calls /_api/search/query.
  router.Get("/", "page:search",
             [](const HttpRequest&, const RequestContext&) { return SearchPageResponse(); });

  // 404/405 under /_api/ are OData error bodies, as SharePoint clients expect (§1.12).
  router.SetErrorRenderer(
      "/_api/", [](const HttpRequest& request, int http_status, std::string_view message) {
        return ODataErrorResponse(request, http_status, message, kInvalidClientQueryException);
      });
}

}  // namespace docket::web
