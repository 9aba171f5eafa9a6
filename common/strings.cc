/** @file
 *  @brief ASCII string helpers.
 */
#include "common/strings.h"

#include <algorithm>

namespace docket {
namespace {

bool IsAsciiSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

char LowerAscii(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

}  // namespace

std::string_view TrimWhitespace(std::string_view s) {
  while (!s.empty() && IsAsciiSpace(s.front())) {
    s.remove_prefix(1);
  }
  while (!s.empty() && IsAsciiSpace(s.back())) {
    s.remove_suffix(1);
  }
  return s;
}

std::string AsciiLower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), LowerAscii);
  return out;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return LowerAscii(x) == LowerAscii(y);
         });
}

std::string_view BaseName(std::string_view path) {
  const size_t slash = path.find_last_of("/\\");
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

std::string FileExtension(std::string_view file_name) {
  const size_t slash = file_name.find_last_of('/');
  if (slash != std::string_view::npos) {
    file_name.remove_prefix(slash + 1);
  }
  const size_t dot = file_name.rfind('.');
  if (dot == std::string_view::npos || dot == 0 || dot + 1 == file_name.size()) {
    return {};
  }
  return AsciiLower(file_name.substr(dot + 1));
}

std::string CsvField(std::string_view value) {
  const bool quote =
      value.find_first_of(",\"\r\n") != std::string_view::npos ||
      (!value.empty() && (IsAsciiSpace(value.front()) || IsAsciiSpace(value.back())));
  if (!quote) {
    return std::string(value);
  }
  std::string out = "\"";
  for (char c : value) {
    if (c == '"') {
      out += '"';
    }
    out += c;
  }
  out += '"';
  return out;
}

}  // namespace docket
