/** @file
 *  @brief Small ASCII string helpers shared by every module (protocol names, headers, file
 *  extensions). Anything linguistic goes through storage/text_analyzer.h instead.
 */
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace docket {

/// `s` without leading and trailing ASCII white space (space, \t, \n, \v, \f, \r).
std::string_view TrimWhitespace(std::string_view s);

/// A-Z lowered; every other byte (UTF-8 included) unchanged.
std::string AsciiLower(std::string_view s);

/// Equal when compared with A-Z folded to a-z.
bool EqualsIgnoreCase(std::string_view a, std::string_view b);

/// The last component of a path, split on '/' or '\\' ("a/b\\c.eml" -> "c.eml").
std::string_view BaseName(std::string_view path);

/// The lower-cased extension of a file name without the dot ("Report.DOCX" -> "docx"); empty
/// when there is none ("README", ".profile", "name.").
std::string FileExtension(std::string_view file_name);

/// The code point of the well-formed UTF-8 sequence at `pos` and its length in bytes; length 0
/// when the bytes there are not well-formed UTF-8 (a stray continuation byte, a truncated or
/// overlong sequence, a surrogate, a value past U+10FFFF). `pos` must be inside `text`.
struct Utf8Char {
  uint32_t code = 0;
  size_t length = 0;
};
Utf8Char DecodeUtf8At(std::string_view text, size_t pos);

/// True when every byte of `text` belongs to a well-formed UTF-8 sequence.
bool IsValidUtf8(std::string_view text);

/// `values` joined with `separator` ({"a","b"}, ";" -> "a;b").
std::string JoinStrings(const std::vector<std::string>& values, std::string_view separator);

/// One RFC 4180 CSV field: quoted (with inner quotes doubled) when it holds a comma, a quote,
/// CR or LF, or starts or ends with white space; as is otherwise.
std::string CsvField(std::string_view value);

}  // namespace docket
