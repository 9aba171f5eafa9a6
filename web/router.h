/** @file
 *  @brief Router: (method, path) → handler plus an action name used for audit and authorization.
 *
 *  Two kinds of pattern (Typesense's route table, SharePoint's URL rules):
 *  - "/_api/..." patterns match on the SUFFIX of the path, whatever site prefix precedes it:
 *    "/_api/search/query" matches "/sites/ediscovery/_api/search/query" and also the OData
 *    function-call form "/_api/search/query(querytext='x',rowlimit=5)". The comparison ignores
 *    ASCII case, as SharePoint does.
 *  - any other pattern matches the whole path exactly, except that a segment written "{name}"
 *    matches any one non-empty path segment and hands it to the handler as a path parameter:
 *    "/api/exports/{id}/download" matches "/api/exports/3fa9.../download" with id "3fa9...".
 *    Literal segments compare exactly (case-sensitive), as REST paths usually do.
 *  Every route is registered in one place: RegisterRoutes() in web/routes.cc.
 */
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "web/http_types.h"

namespace docket::web {

/// What the router learned from the path, handed to the handler with the request.
struct RequestContext {
  std::string action;       // "search:query", "page:search", ...
  std::string site_prefix;  // "/sites/x" for "/sites/x/_api/search/query"; "" at the root
  // Text between the parentheses of the OData function-call form, still quoted:
  // "querytext='x',rowlimit=5". Empty when the plain form was used.
  std::string call_args;
  // Values of the pattern's "{name}" segments, in pattern order (already percent-decoded).
  std::vector<std::pair<std::string, std::string>> path_params;

  /// The value of path parameter `name`; empty when the pattern has no such parameter.
  std::string_view PathParam(std::string_view name) const;
};

using Handler = std::function<HttpResponse(const HttpRequest&, const RequestContext&)>;
/// Renders a 404/405 (and similar router-level errors) for one family of endpoints, so the
/// SharePoint API answers with OData error bodies and the web page with plain text.
using ErrorRenderer =
    std::function<HttpResponse(const HttpRequest&, int http_status, std::string_view message)>;

struct Route {
  std::string method;   // "GET", "POST"
  std::string pattern;  // "/_api/search/query", "/"
  std::string action;   // "search:query"
  Handler handler;
};

class Router {
 public:
  void Get(std::string pattern, std::string action, Handler handler);
  void Post(std::string pattern, std::string action, Handler handler);
  void Delete(std::string pattern, std::string action, Handler handler);
  void Add(std::string method, std::string pattern, std::string action, Handler handler);

  /// Errors for paths containing `marker` ("/_api/") are rendered by `renderer`; others get
  /// text/plain bodies. The first matching marker wins.
  void SetErrorRenderer(std::string marker, ErrorRenderer renderer);

  struct MatchResult {
    const Route* route = nullptr;  // null: no route for this method (see allowed_methods)
    RequestContext context;
    std::vector<std::string> allowed_methods;  // methods the path does accept (405 Allow)
  };
  /// Pure matching, for tests and for Dispatch.
  MatchResult Match(std::string_view method, std::string_view path) const;

  /// Runs the matching handler; 404 when no route has the path, 405 (with Allow) when routes
  /// have the path but not the method. Handler exceptions propagate to the session.
  HttpResponse Dispatch(const HttpRequest& request) const;

  const std::vector<Route>& routes() const { return routes_; }

 private:
  HttpResponse RenderError(const HttpRequest& request, int http_status,
                           std::string_view message) const;

  std::vector<Route> routes_;
  std::vector<std::pair<std::string, ErrorRenderer>> error_renderers_;
};

/// Matches `path` against `pattern` (rules above). On success fills site_prefix, call_args and
/// path_params.
bool MatchRoutePattern(std::string_view pattern, std::string_view path, RequestContext* context);

}  // namespace docket::web
