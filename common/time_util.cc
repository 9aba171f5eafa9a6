/** @file
 *  @brief UTC date parsing and formatting without a time-zone database (archives are UTC).
 */
#include "common/time_util.h"

#include <cctype>
#include <cstdio>

namespace docket {
namespace {

// Howard Hinnant's days_from_civil: exact for the proleptic Gregorian calendar.
int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

void CivilFromDays(int64_t z, int* year, int* month, int* day) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t y = static_cast<int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  *year = static_cast<int>(y + (m <= 2));
  *month = static_cast<int>(m);
  *day = static_cast<int>(d);
}

// Reads exactly `digits` decimal digits at text[*pos].
bool ReadNumber(std::string_view text, size_t* pos, int digits, int* out) {
  if (*pos + digits > text.size()) {
    return false;
  }
  int value = 0;
  for (int i = 0; i < digits; ++i) {
    const char c = text[*pos + i];
    if (!std::isdigit(static_cast<unsigned char>(c))) {
      return false;
    }
    value = value * 10 + (c - '0');
  }
  *pos += digits;
  *out = value;
  return true;
}

bool Expect(std::string_view text, size_t* pos, char c) {
  if (*pos < text.size() && text[*pos] == c) {
    ++*pos;
    return true;
  }
  return false;
}

}  // namespace

UtcMillis UtcFromCivil(int year, int month, int day, int hour, int minute, int second, int millis) {
  const int64_t days =
      DaysFromCivil(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
  return ((days * 24 + hour) * 60 + minute) * 60'000 + static_cast<int64_t>(second) * 1000 + millis;
}

Result<ParsedUtc> ParseUtc(std::string_view text) {
  const auto bad = [&] {
    return Status::InvalidArgument("'" + std::string(text) +
                                   "' is not a UTC date; use YYYY-MM-DD or YYYY-MM-DDThh:mm:ssZ");
  };
  size_t pos = 0;
  int year = 0, month = 1, day = 1, hour = 0, minute = 0, second = 0, millis = 0;
  int64_t span = 0;
  if (!ReadNumber(text, &pos, 4, &year)) {
    return bad();
  }
  int64_t year_span_days = 365;
  if (Expect(text, &pos, '-')) {
    if (!ReadNumber(text, &pos, 2, &month) || month < 1 || month > 12) {
      return bad();
    }
    if (Expect(text, &pos, '-')) {
      if (!ReadNumber(text, &pos, 2, &day) || day < 1 || day > 31) {
        return bad();
      }
      span = 86'400'000;
    } else {
      const int next_year = month == 12 ? year + 1 : year;
      const int next_month = month == 12 ? 1 : month + 1;
      span = UtcFromCivil(next_year, next_month, 1) - UtcFromCivil(year, month, 1);
    }
  } else {
    year_span_days = (UtcFromCivil(year + 1, 1, 1) - UtcFromCivil(year, 1, 1)) / 86'400'000;
    span = year_span_days * 86'400'000;
  }
  if (pos < text.size() && (text[pos] == 'T' || text[pos] == ' ') && span == 86'400'000) {
    ++pos;
    if (!ReadNumber(text, &pos, 2, &hour) || hour > 23 || !Expect(text, &pos, ':') ||
        !ReadNumber(text, &pos, 2, &minute) || minute > 59) {
      return bad();
    }
    span = 60'000;
    if (Expect(text, &pos, ':')) {
      if (!ReadNumber(text, &pos, 2, &second) || second > 60) {
        return bad();
      }
      span = 1000;
      if (Expect(text, &pos, '.')) {
        int scale = 100;
        size_t digits = 0;
        while (pos < text.size() && std::isdigit(static_cast<unsigned char>(text[pos]))) {
          millis += (text[pos] - '0') * scale;
          scale /= 10;
          ++pos;
          ++digits;
        }
        if (digits == 0) {
          return bad();
        }
        span = 1;
      }
    }
  }
  if (pos < text.size() && (text[pos] == 'Z' || text[pos] == 'z')) {
    ++pos;
  }
  if (pos != text.size()) {
    return bad();
  }
  return ParsedUtc{UtcFromCivil(year, month, day, hour, minute, second, millis), span};
}

CivilDate CivilDateOf(UtcMillis millis) {
  const int64_t seconds = millis >= 0 ? millis / 1000 : (millis - 999) / 1000;
  const int64_t days = seconds >= 0 ? seconds / 86400 : (seconds - 86399) / 86400;
  CivilDate date;
  CivilFromDays(days, &date.year, &date.month, &date.day);
  return date;
}

std::string FormatIso8601(UtcMillis millis) {
  int64_t seconds = millis >= 0 ? millis / 1000 : (millis - 999) / 1000;
  int64_t days = seconds >= 0 ? seconds / 86400 : (seconds - 86399) / 86400;
  const int64_t rem = seconds - days * 86400;
  int year = 0, month = 0, day = 0;
  CivilFromDays(days, &year, &month, &day);
  const int hour = static_cast<int>(rem / 3600);
  const int minute = static_cast<int>(rem / 60 % 60);
  const int second = static_cast<int>(rem % 60);
  if (year >= 0 && year <= 9999) {
    // Every date cell of a search response comes through here: digits by hand, not snprintf.
    std::string out = "0000-00-00T00:00:00Z";
    const auto put = [&out](size_t at, int value, int digits) {
      for (int d = digits - 1; d >= 0; --d, value /= 10) {
        out[at + static_cast<size_t>(d)] = static_cast<char>('0' + value % 10);
      }
    };
    put(0, year, 4);
    put(5, month, 2);
    put(8, day, 2);
    put(11, hour, 2);
    put(14, minute, 2);
    put(17, second, 2);
    return out;
  }
  char buf[64];  // room for any int year, so the output is never truncated
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02dZ", year, month, day, hour, minute,
                second);
  return buf;
}

std::string FormatSharePointDateTime(UtcMillis millis) {
  std::string out = FormatIso8601(millis);
  const int fraction = static_cast<int>(((millis % 1000) + 1000) % 1000);
  out.pop_back();  // the 'Z'
  out.push_back('.');
  out.push_back(static_cast<char>('0' + fraction / 100));
  out.push_back(static_cast<char>('0' + fraction / 10 % 10));
  out.push_back(static_cast<char>('0' + fraction % 10));
  out.append("0000Z");  // SharePoint prints 7 fractional digits
  return out;
}

}  // namespace docket
