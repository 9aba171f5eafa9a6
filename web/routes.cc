/** @file
 *  @brief Every endpoint, with the action name used for audit and (later) authorization.
 */
#include "web/routes.h"

#include "web/exports_api.h"
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

  // Legal exports (ediscovery.md §5.3): background jobs that outlive the request.
  ExportJobs* exports = deps.exports;
  router.Post("/api/exports", "export:create",
              [exports, now = deps.now](const HttpRequest& request, const RequestContext&) {
                return HandleCreateExport(exports, now, request);
              });
  router.Get("/api/exports", "export:list",
             [exports](const HttpRequest& request, const RequestContext&) {
               return HandleListExports(exports, request);
             });
  router.Get("/api/exports/{id}", "export:read",
             [exports](const HttpRequest& request, const RequestContext& context) {
               return HandleGetExport(exports, request, context);
             });
  router.Delete("/api/exports/{id}", "export:cancel",
                [exports](const HttpRequest& request, const RequestContext& context) {
                  return HandleDeleteExport(exports, request, context);
                });
  router.Get("/api/exports/{id}/download", "export:download",
             [exports](const HttpRequest& request, const RequestContext& context) {
               return HandleDownloadExport(exports, request, context);
             });

  // 404/405 under /_api/ are OData error bodies, as SharePoint clients expect (§1.12).
  router.SetErrorRenderer(
      "/_api/", [](const HttpRequest& request, int http_status, std::string_view message) {
        return ODataErrorResponse(request, http_status, message, kInvalidClientQueryException);
      });
  // ... and under /api/ the JSON error body of that API.
  router.SetErrorRenderer(
      "/api/", [](const HttpRequest&, int http_status, std::string_view message) {
        return ExportsErrorResponse(http_status,
                                    http_status == 405 ? "MethodNotAllowed" : "NotFound", message);
      });
}

}  // namespace docket::web
