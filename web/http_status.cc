/** @file
 *  @brief StatusCode → HTTP status, reason phrases, plain error bodies.
 */
#include "web/http_status.h"

#include <string>

namespace docket::web {

int ToHttpStatus(StatusCode code) {
  switch (code) {
    case StatusCode::kOk:
      return 200;
    case StatusCode::kInvalidArgument:
      return 400;
    case StatusCode::kUnauthenticated:
      return 401;
    case StatusCode::kPermissionDenied:
      return 403;
    case StatusCode::kNotFound:
      return 404;
    case StatusCode::kResourceExhausted:
      return 413;
    case StatusCode::kCancelled:
      return 409;  // the resource (an export job) is in a state that forbids the request
    default:
      // Corruption, IOError, Internal, ...: the server's problem, not the caller's.
      return 500;
  }
}

std::string_view HttpReasonPhrase(int http_status) {
  switch (http_status) {
    case 200:
      return "OK";
    case 201:
      return "Created";
    case 202:
      return "Accepted";
    case 204:
      return "No Content";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 408:
      return "Request Timeout";
    case 409:
      return "Conflict";
    case 410:
      return "Gone";
    case 413:
      return "Payload Too Large";
    case 431:
      return "Request Header Fields Too Large";
    case 500:
      return "Internal Server Error";
    case 503:
      return "Service Unavailable";
    default:
      return "Unknown";
  }
}

HttpResponse PlainErrorResponse(int http_status, std::string_view message) {
  HttpResponse response;
  response.status = http_status;
  response.content_type = "text/plain; charset=utf-8";
  response.body = std::string(message) + "\n";
  return response;
}

}  // namespace docket::web
