/** @file
 *  @brief Bytes in a declared (or unknown) charset -> UTF-8, with ICU ucnv and ucsdet.
 *
 *  Mail and transcripts carry charset labels that are wrong, missing or invented. This never
 *  fails on input: unknown labels are replaced by detection and undecodable bytes by U+FFFD,
 *  and each such guess is reported in DecodedText::warning so the item can be marked
 *  partially indexed. ICU's UErrorCode stays in charset_converter.cc.
 */
#pragma once

#include <string>
#include <string_view>

#include "common/result.h"

namespace docket {

struct DecodedText {
  std::string utf8;       // the text, UTF-8 (a leading byte-order mark is removed)
  std::string charset;    // the charset actually used, by its IANA/MIME name ("windows-1251")
  bool detected = false;  // true when `charset` was guessed by ucsdet, not taken from the label
  std::string warning;    // empty when the label was known and every byte decoded
};

/// Converts `bytes` declared as `declared_charset` (may be empty; quotes and spaces are
/// ignored) to UTF-8.
/// - Known label: decoded with it. GB2312/GBK labels decode as GBK (the superset mailers mean).
/// - Empty label: UTF-8 when the bytes are valid UTF-8, else detected (warning set).
/// - Unknown label: detected with ucsdet, e.g. warning "charset label 'x-bogus-42' is unknown;
///   decoded as ISO-8859-1 by detection (confidence 31)".
/// - Bytes invalid for the charset become U+FFFD and the warning counts them and gives the
///   first offset.
/// Returns a Status (kInternal) only for ICU internal errors, never for bad input.
Result<DecodedText> ConvertToUtf8(std::string_view bytes, std::string_view declared_charset);

/// Unicode NFC of UTF-8 text (what the doc store keeps; ediscovery.md §1.4). Invalid UTF-8
/// sequences become U+FFFD.
std::string ToNfc(std::string_view utf8);

}  // namespace docket
