/** @file
 *  @brief RTF -> plain text: LcsLog message bodies (ediscovery.md §2.2) and loose .rtf files.
 *
 *  A tokenizer with a group stack, not a regex: RTF hides text in fallbacks (\uN followed by
 *  \ucN replacement characters), code-page bytes (\'hh under \ansicpg or a font's \fcharset)
 *  and destinations that must be skipped (font and colour tables, pictures, objects). Bytes are
 *  decoded in runs through charset_converter (ICU ucnv), so double-byte code pages such as
 *  cp936, cp950 and cp932 decode whole characters. Broken RTF keeps the text that could be read
 *  and says what was wrong in DocumentText::warnings.
 */
#pragma once

#include <string_view>

#include "common/result.h"
#include "indexer/document_text.h"

namespace docket {

/// True when `head` starts with "{\rtf" (after optional white space), the signature every RTF
/// writer emits. A few bytes are enough.
bool LooksLikeRtf(std::string_view head);

/// The text of an RTF document, with \info \title and \author as title and author.
/// - \par \line \sect \page \row -> '\n'; \tab \cell -> '\t'; typographic symbols (\emdash,
///   \lquote, \bullet, ...) -> their Unicode characters.
/// - Ignorable destinations (\*\...), font/colour/style/list tables, pictures, object data,
///   field instructions and theme data are skipped; \binN data is skipped by length.
/// - Groups nested deeper than 512 levels are skipped (and warned about).
/// - Unbalanced braces, input that ends inside a group, unknown code pages and undecodable
///   bytes add warnings; the text read so far is kept.
/// Fails (kInvalidArgument) only when the input is not RTF at all.
Result<DocumentText> ExtractRtfText(std::string_view rtf);

}  // namespace docket
