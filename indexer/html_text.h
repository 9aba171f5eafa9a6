/** @file
 *  @brief HTML -> plain text with libxml2's HTML parser (ediscovery.md rule 2: never regex).
 *
 *  Rules: <br> and the end of block elements (p, div, li, tr, h1 ...) become '\n'; entities are
 *  decoded; script, style, head and other non-content elements are dropped; runs of whitespace
 *  collapse to one space per line; lines are trimmed; at most one empty line in a row.
 */
#pragma once

#include <memory>
#include <string>
#include <string_view>

// libxml2's node and document types, forward-declared so this header stays free of libxml2.
struct _xmlNode;
struct _xmlDoc;

namespace docket {

/// Plain text of an HTML document or fragment given as UTF-8 (a <meta charset> is ignored: the
/// caller has already converted to UTF-8). Never fails; unparseable input gives what libxml2
/// recovered, possibly "".
std::string HtmlToText(std::string_view html_utf8);

/// For DOM-based parsers (lync_session_parser): the parsed document, freed by the deleter.
struct HtmlDocFree {
  void operator()(_xmlDoc* doc) const;
};
using HtmlDocPtr = std::unique_ptr<_xmlDoc, HtmlDocFree>;

/// Parses UTF-8 HTML with the options HtmlToText uses (RECOVER|NOERROR|NOWARNING|NONET).
/// Returns null only for input libxml2 cannot start on (e.g. empty).
HtmlDocPtr ParseHtmlDocument(std::string_view html_utf8);

/// Text of one DOM node and its descendants, by the rules above.
std::string HtmlNodeToText(const _xmlNode* node);

}  // namespace docket
