/** @file
 *  @brief Target splitting, percent-decoding and case-insensitive header lookup.
 */
#include "web/http_types.h"

#include <algorithm>

namespace docket::web {
namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') {
    return c - '0';
  }
  if (c >= 'a' && c <= 'f') {
    return c - 'a' + 10;
  }
  if (c >= 'A' && c <= 'F') {
    return c - 'A' + 10;
  }
  return -1;
}

}  // namespace

void HttpHeaders::Set(std::string_view name, std::string value) {
  std::erase_if(fields_, [&](const auto& field) { return EqualsIgnoreCase(field.first, name); });
  fields_.emplace_back(std::string(name), std::move(value));
}

std::optional<std::string_view> HttpHeaders::Get(std::string_view name) const {
  for (const auto& [field_name, value] : fields_) {
    if (EqualsIgnoreCase(field_name, name)) {
      return std::string_view(value);
    }
  }
  return std::nullopt;
}

std::string UrlDecode(std::string_view text, bool plus_is_space) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '%' && i + 2 < text.size()) {
      const int hi = HexValue(text[i + 1]);
      const int lo = HexValue(text[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out.push_back(static_cast<char>(hi * 16 + lo));
        i += 2;
        continue;
      }
    }
    out.push_back(plus_is_space && c == '+' ? ' ' : c);
  }
  return out;
}

QueryParams ParseQueryString(std::string_view query) {
  QueryParams params;
  while (!query.empty()) {
    const size_t amp = query.find('&');
    const std::string_view part = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (part.empty()) {
      continue;
    }
    const size_t eq = part.find('=');
    if (eq == std::string_view::npos) {
      params.emplace_back(UrlDecode(part, true), std::string());
    } else {
      params.emplace_back(UrlDecode(part.substr(0, eq), true),
                          UrlDecode(part.substr(eq + 1), true));
    }
  }
  return params;
}

Status HttpRequest::SetTarget(std::string_view raw_target) {
  if (raw_target.empty() || raw_target.front() != '/') {
    return Status::InvalidArgument("request target must start with '/'");
  }
  target = std::string(raw_target);
  // A fragment never reaches a server from a browser; drop one if a tool sent it anyway.
  std::string_view rest = raw_target.substr(0, raw_target.find('#'));
  const size_t question = rest.find('?');
  path = UrlDecode(rest.substr(0, question), /*plus_is_space=*/false);
  query = question == std::string_view::npos ? QueryParams()
                                             : ParseQueryString(rest.substr(question + 1));
  return Status::OK();
}

}  // namespace docket::web
