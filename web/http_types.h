/** @file
 *  @brief HttpRequest / HttpResponse: plain structs, so handlers are unit-testable without Beast.
 *
 *  Only web/http_session.cc converts between these and Beast's messages. Everything else in web/
 *  (router, SharePoint API, the search page) sees only these types.
 */
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/result.h"
#include "common/strings.h"

namespace docket::web {

/// Header fields in arrival order. Lookup ignores ASCII case, as HTTP field names do.
class HttpHeaders {
 public:
  void Add(std::string name, std::string value) {
    fields_.emplace_back(std::move(name), std::move(value));
  }
  /// Replaces every field called `name` with one field (case-insensitive).
  void Set(std::string_view name, std::string value);
  /// The first field called `name`, or nullopt.
  std::optional<std::string_view> Get(std::string_view name) const;
  bool Has(std::string_view name) const { return Get(name).has_value(); }

  const std::vector<std::pair<std::string, std::string>>& fields() const { return fields_; }

 private:
  std::vector<std::pair<std::string, std::string>> fields_;
};

/// Query-string parameters, percent-decoded, in arrival order, names kept as sent.
using QueryParams = std::vector<std::pair<std::string, std::string>>;

struct HttpRequest {
  std::string method;  // "GET", "POST", ... as sent (HTTP methods are case-sensitive)
  std::string target;  // raw request-target: "/sites/x/_api/search/query?querytext=%27a%27"
  std::string path;    // percent-decoded path part of the target ('+' stays '+')
  QueryParams query;   // decoded query parameters ('+' means space there)
  HttpHeaders headers;
  std::string body;
  uint64_t request_id = 0;  // assigned by the session; appears in logs and 500 bodies

  /// Sets target, path and query from a raw request-target. InvalidArgument when the target
  /// does not start with '/' (absolute-form and authority-form targets are not served).
  Status SetTarget(std::string_view raw_target);
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // extra fields (Allow, ...)
  // When set, the body is this file instead of `body`: the session streams it from disk with
  // its Content-Length (an export package may be gigabytes; it is never read into memory). If
  // the file cannot be opened when the response is sent (removed in between), the client gets
  // a 404 or 500 instead.
  std::filesystem::path body_file;
};

/// Percent-decodes `text`. With `plus_is_space` ('application/x-www-form-urlencoded' query
/// components) '+' becomes ' '. A malformed escape ("%zz", a trailing "%") is kept literally:
/// leniency here costs nothing and real clients do send stray '%'.
std::string UrlDecode(std::string_view text, bool plus_is_space);

/// Splits "a=1&b=%27x%27" into decoded pairs. A parameter without '=' has an empty value.
QueryParams ParseQueryString(std::string_view query);

// ASCII case-insensitive helpers (HTTP field names, SharePoint parameter names) come from
// common/strings.h.
using ::docket::AsciiLower;
using ::docket::EqualsIgnoreCase;

}  // namespace docket::web
