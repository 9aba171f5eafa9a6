/** @file
 *  @brief The only place a StatusCode becomes an HTTP status.
 */
#pragma once

#include <string_view>

#include "common/status.h"
#include "web/http_types.h"

namespace docket::web {

/// InvalidArgument 400, Unauthenticated 401, PermissionDenied 403, NotFound 404,
/// ResourceExhausted 413, Cancelled 409, anything else 500.
int ToHttpStatus(StatusCode code);

/// "Bad Request", "Not Found", ...; "Unknown" for codes we never send.
std::string_view HttpReasonPhrase(int http_status);

/// A text/plain error response for endpoints that have no protocol-specific error body.
HttpResponse PlainErrorResponse(int http_status, std::string_view message);

}  // namespace docket::web
