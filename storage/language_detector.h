/** @file
 *  @brief DetectedLanguage of a text with CLD2, and the Snowball stemmer that goes with it.
 *
 *  One language per item: the one CLD2 finds most of, when it is sure. A message in two
 *  languages gets the stems of its main one; its other words are still found exactly. CLD2 is
 *  small, fast and in Debian; it needs no model download and is deterministic, so the same text
 *  always gets the same language (re-ingesting gives the same index).
 */
#pragma once

#include <string>
#include <string_view>

namespace docket {

/// CLD2's code for the main language of `text` ("en", "de", "zh", "zh-Hant", "ja", "ko", "ar",
/// ...), or "" when CLD2 is not reliable (short or mixed text). Only the first 64 KiB are read.
/// Thread-safe.
std::string DetectLanguage(std::string_view text);

/// The Xapian (Snowball) stemmer name for a DetectLanguage code ("en" -> "english"), or "" for
/// a language without one (Chinese, Japanese, Korean, Thai, ...).
std::string_view StemmerForLanguage(std::string_view code);

/// The Snowball stem of an analysed term in the language of `code` ("contracts" -> "contract"),
/// or "" when the language has no stemmer. Thread-safe (one stemmer per thread and language).
std::string StemWord(std::string_view code, const std::string& term);

}  // namespace docket
