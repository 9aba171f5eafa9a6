/** @file
 *  @brief Route matching: exact paths with "{name}" segments, and SharePoint "/_api/..." suffixes
 *         with function-call args.
 */
#include "web/router.h"

#include <algorithm>
#include <utility>

#include "web/http_status.h"

namespace docket::web {
namespace {

constexpr std::string_view kApiMarker = "/_api/";

// Case-insensitive find of `needle` in `haystack`.
size_t FindIgnoreCase(std::string_view haystack, std::string_view needle) {
  if (needle.size() > haystack.size()) {
    return std::string_view::npos;
  }
  for (size_t i = 0; i + needle.size() <= haystack.size(); ++i) {
    if (EqualsIgnoreCase(haystack.substr(i, needle.size()), needle)) {
      return i;
    }
  }
  return std::string_view::npos;
}

// Splits "/a/b" after each '/': "", "a", "b". A trailing '/' gives a last empty segment, so
// "/api/exports/" never matches "/api/exports/{id}".
std::vector<std::string_view> SplitSegments(std::string_view path) {
  std::vector<std::string_view> segments;
  while (true) {
    const size_t slash = path.find('/');
    segments.push_back(path.substr(0, slash));
    if (slash == std::string_view::npos) {
      return segments;
    }
    path.remove_prefix(slash + 1);
  }
}

bool IsPlaceholder(std::string_view segment) {
  return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

// Exact match, with "{name}" segments taking any one non-empty segment.
bool MatchExactPattern(std::string_view pattern, std::string_view path,
                       std::vector<std::pair<std::string, std::string>>* params) {
  if (pattern.find('{') == std::string_view::npos) {
    return path == pattern;  // the common case, without splitting
  }
  const std::vector<std::string_view> want = SplitSegments(pattern);
  const std::vector<std::string_view> have = SplitSegments(path);
  if (want.size() != have.size()) {
    return false;
  }
  std::vector<std::pair<std::string, std::string>> found;
  for (size_t i = 0; i < want.size(); ++i) {
    if (IsPlaceholder(want[i])) {
      if (have[i].empty()) {
        return false;
      }
      found.emplace_back(want[i].substr(1, want[i].size() - 2), have[i]);
    } else if (want[i] != have[i]) {
      return false;
    }
  }
  *params = std::move(found);
  return true;
}

}  // namespace

std::string_view RequestContext::PathParam(std::string_view name) const {
  for (const auto& [param, value] : path_params) {
    if (param == name) {
      return value;
    }
  }
  return {};
}

bool MatchRoutePattern(std::string_view pattern, std::string_view path, RequestContext* context) {
  if (!pattern.starts_with(kApiMarker)) {
    std::vector<std::pair<std::string, std::string>> params;
    if (!MatchExactPattern(pattern, path, &params)) {
      return false;
    }
    context->site_prefix.clear();
    context->call_args.clear();
    context->path_params = std::move(params);
    return true;
  }
  // The first "/_api/" splits the site prefix from the API path. A site whose own path contains
  // "/_api/" cannot exist in SharePoint (the name is reserved), so the first one is the real one.
  const size_t marker = FindIgnoreCase(path, kApiMarker);
  if (marker == std::string_view::npos) {
    return false;
  }
  std::string_view api_path = path.substr(marker);
  if (api_path.size() < pattern.size() ||
      !EqualsIgnoreCase(api_path.substr(0, pattern.size()), pattern)) {
    return false;
  }
  std::string_view rest = api_path.substr(pattern.size());
  std::string call_args;
  if (!rest.empty()) {
    // Only the OData function-call form may follow: "(p1=v1,p2=v2)" up to the end of the path.
    if (rest.front() != '(' || rest.back() != ')') {
      return false;
    }
    call_args = std::string(rest.substr(1, rest.size() - 2));
  }
  context->site_prefix = std::string(path.substr(0, marker));
  context->call_args = std::move(call_args);
  context->path_params.clear();
  return true;
}

void Router::Get(std::string pattern, std::string action, Handler handler) {
  Add("GET", std::move(pattern), std::move(action), std::move(handler));
}

void Router::Post(std::string pattern, std::string action, Handler handler) {
  Add("POST", std::move(pattern), std::move(action), std::move(handler));
}

void Router::Delete(std::string pattern, std::string action, Handler handler) {
  Add("DELETE", std::move(pattern), std::move(action), std::move(handler));
}

void Router::Add(std::string method, std::string pattern, std::string action, Handler handler) {
  routes_.push_back(
      Route{std::move(method), std::move(pattern), std::move(action), std::move(handler)});
}

void Router::SetErrorRenderer(std::string marker, ErrorRenderer renderer) {
  error_renderers_.emplace_back(std::move(marker), std::move(renderer));
}

Router::MatchResult Router::Match(std::string_view method, std::string_view path) const {
  MatchResult result;
  for (const Route& route : routes_) {
    RequestContext context;
    if (!MatchRoutePattern(route.pattern, path, &context)) {
      continue;
    }
    if (route.method == method) {
      context.action = route.action;
      result.route = &route;
      result.context = std::move(context);
      return result;
    }
    if (std::find(result.allowed_methods.begin(), result.allowed_methods.end(), route.method) ==
        result.allowed_methods.end()) {
      result.allowed_methods.push_back(route.method);
    }
  }
  return result;
}

HttpResponse Router::Dispatch(const HttpRequest& request) const {
  MatchResult match = Match(request.method, request.path);
  if (match.route != nullptr) {
    return match.route->handler(request, match.context);
  }
  if (match.allowed_methods.empty()) {
    return RenderError(request, 404, "no such endpoint: " + request.path);
  }
  std::string allow;
  for (const std::string& method : match.allowed_methods) {
    allow += allow.empty() ? method : ", " + method;
  }
  HttpResponse response =
      RenderError(request, 405, "method " + request.method + " is not allowed here; use " + allow);
  response.headers.emplace_back("Allow", allow);
  return response;
}

HttpResponse Router::RenderError(const HttpRequest& request, int http_status,
                                 std::string_view message) const {
  for (const auto& [marker, renderer] : error_renderers_) {
    if (FindIgnoreCase(request.path, marker) != std::string_view::npos) {
      return renderer(request, http_status, message);
    }
  }
  return PlainErrorResponse(http_status, message);
}

}  // namespace docket::web
