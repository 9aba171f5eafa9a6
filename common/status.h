/** @file
 *  @brief Status: the value every expected failure travels in (bad input, not found, limits).
 *
 *  Modelled on rocksdb::Status. Exceptions are reserved for process boundaries (main(), the HTTP
 *  session); everything below returns a Status or a Result<T> whose message a person can act on.
 */
#pragma once

#include <string>
#include <string_view>

namespace docket {

enum class StatusCode {
  kOk = 0,
  kInvalidArgument,    // the caller's input is malformed (bad query, bad flag, bad archive member)
  kNotFound,           // the thing asked for does not exist
  kAlreadyExists,      // a create found the thing there already
  kCorruption,         // stored or supplied bytes are damaged (truncated archive, bad MIME)
  kIOError,            // the operating system refused a read or write
  kResourceExhausted,  // a limit was hit (archive bomb, entry too large, nesting too deep)
  kUnimplemented,      // a format or feature we recognise but do not handle yet
  kPermissionDenied,   // authenticated but not allowed
  kUnauthenticated,    // no valid credentials
  kInternal,           // a bug or an unexpected library error; logged with context
  kCancelled,          // the caller asked a long operation (an export) to stop
};

/// Short stable name of a code ("InvalidArgument"), used in logs and error bodies.
std::string_view StatusCodeName(StatusCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status OK() { return Status(); }
  static Status InvalidArgument(std::string msg) {
    return {StatusCode::kInvalidArgument, std::move(msg)};
  }
  static Status NotFound(std::string msg) { return {StatusCode::kNotFound, std::move(msg)}; }
  static Status AlreadyExists(std::string msg) {
    return {StatusCode::kAlreadyExists, std::move(msg)};
  }
  static Status Corruption(std::string msg) { return {StatusCode::kCorruption, std::move(msg)}; }
  static Status IOError(std::string msg) { return {StatusCode::kIOError, std::move(msg)}; }
  static Status ResourceExhausted(std::string msg) {
    return {StatusCode::kResourceExhausted, std::move(msg)};
  }
  static Status Unimplemented(std::string msg) {
    return {StatusCode::kUnimplemented, std::move(msg)};
  }
  static Status PermissionDenied(std::string msg) {
    return {StatusCode::kPermissionDenied, std::move(msg)};
  }
  static Status Unauthenticated(std::string msg) {
    return {StatusCode::kUnauthenticated, std::move(msg)};
  }
  static Status Internal(std::string msg) { return {StatusCode::kInternal, std::move(msg)}; }
  static Status Cancelled(std::string msg) { return {StatusCode::kCancelled, std::move(msg)}; }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }
  bool IsNotFound() const { return code_ == StatusCode::kNotFound; }

  /// "InvalidArgument: <message>", or "OK".
  std::string ToString() const;

  /// Returns a copy whose message is prefixed with `context` ("opening store: ...").
  Status WithContext(std::string_view context) const;

  /// Swallowing an error is spelled out so it can be found with grep (rocksdb's
  /// PermitUncheckedError): `audit.Append(e).IgnoreError();  // best effort because ...`
  void IgnoreError() const {}

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

}  // namespace docket

#define DOCKET_CONCAT_INNER(a, b) a##b
#define DOCKET_CONCAT(a, b) DOCKET_CONCAT_INNER(a, b)

/// Returns early with the status of `expr` when it is not OK. (__COUNTER__ keeps nested uses,
/// e.g. inside a lambda passed to another use, from shadowing each other.)
#define DOCKET_RETURN_IF_ERROR(expr) DOCKET_RETURN_IF_ERROR_IMPL(expr, __COUNTER__)
#define DOCKET_RETURN_IF_ERROR_IMPL(expr, n)                     \
  do {                                                           \
    ::docket::Status DOCKET_CONCAT(_docket_status_, n) = (expr); \
    if (!DOCKET_CONCAT(_docket_status_, n).ok()) {               \
      return DOCKET_CONCAT(_docket_status_, n);                  \
    }                                                            \
  } while (false)
