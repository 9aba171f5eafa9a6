/** @file
 *  @brief Result<T>: a value or a non-OK Status, shaped like std::expected.
 *
 *  GCC 12 has std::expected only under -std=c++2b; the member names match it (has_value(),
 *  value(), error(), operator*) so moving to std::expected later is a rename.
 */
#pragma once

#include <cassert>
#include <utility>
#include <variant>

#include "common/status.h"

namespace docket {

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : data_(std::move(value)) {}        // NOLINT(google-explicit-constructor)
  Result(Status status) : data_(std::move(status)) {  // NOLINT(google-explicit-constructor)
    assert(!std::get<Status>(data_).ok() && "Result built from an OK status has no value");
  }

  bool has_value() const { return std::holds_alternative<T>(data_); }
  bool ok() const { return has_value(); }
  explicit operator bool() const { return has_value(); }

  T& value() & { return std::get<T>(data_); }
  const T& value() const& { return std::get<T>(data_); }
  T&& value() && { return std::get<T>(std::move(data_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  /// The failure; OK when the result holds a value.
  Status status() const { return has_value() ? Status::OK() : std::get<Status>(data_); }
  const Status& error() const { return std::get<Status>(data_); }

 private:
  std::variant<T, Status> data_;
};

}  // namespace docket

/// `DOCKET_ASSIGN_OR_RETURN(auto x, Compute());` returns the status when Compute() failed.
#define DOCKET_ASSIGN_OR_RETURN(lhs, expr) DOCKET_ASSIGN_OR_RETURN_IMPL(lhs, expr, __COUNTER__)
#define DOCKET_ASSIGN_OR_RETURN_IMPL(lhs, expr, n)      \
  auto DOCKET_CONCAT(_docket_result_, n) = (expr);      \
  if (!DOCKET_CONCAT(_docket_result_, n).has_value()) { \
    return DOCKET_CONCAT(_docket_result_, n).error();   \
  }                                                     \
  lhs = std::move(DOCKET_CONCAT(_docket_result_, n)).value()
