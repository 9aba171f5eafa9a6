/** @file
 *  @brief UTC timestamps: every archive time is UTC and is kept as milliseconds since the epoch.
 */
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/result.h"

namespace docket {

/// Milliseconds since 1970-01-01T00:00:00Z. 0 is used for "unknown".
using UtcMillis = int64_t;

/// The parts of a parsed date, and how precise the text was, so that `sent:2013-06-03`
/// can mean the whole day and `sent:2013-06-03T09:15` the whole minute.
struct ParsedUtc {
  UtcMillis millis = 0;
  /// Length of the span the text names: 86'400'000 for a date, 1000 for seconds, ...
  int64_t span_millis = 0;
};

/// Parses "YYYY-MM-DD", "YYYY-MM-DDThh:mm", "YYYY-MM-DD hh:mm:ss", optional ".fff..." and an
/// optional trailing "Z" (the only zone accepted: archives are UTC). Also "YYYY-MM" and "YYYY".
Result<ParsedUtc> ParseUtc(std::string_view text);

/// Civil date to epoch milliseconds (proleptic Gregorian, UTC).
UtcMillis UtcFromCivil(int year, int month, int day, int hour = 0, int minute = 0, int second = 0,
                       int millis = 0);

/// A UTC calendar day (proleptic Gregorian).
struct CivilDate {
  int year = 0;
  int month = 0;  // 1-12
  int day = 0;    // 1-31
};

/// The UTC calendar day `millis` falls on.
CivilDate CivilDateOf(UtcMillis millis);

/// "2013-06-03T09:15:02Z" (seconds precision; what exports and the CLI print).
std::string FormatIso8601(UtcMillis millis);

/// "2013-06-03T09:15:02.0000000Z": the Edm.DateTime cell form SharePoint clients read.
std::string FormatSharePointDateTime(UtcMillis millis);

}  // namespace docket
