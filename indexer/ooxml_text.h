/** @file
 *  @brief Text, metadata and embedded files of Office Open XML documents (Word .docx,
 *         PowerPoint .pptx, Excel .xlsx and their macro/template variants).
 *
 *  Meeting handouts and mail attachments are mostly Office files, and reviewers search their
 *  words like any message. An OOXML file is a zip of XML parts: the zip is read with
 *  ArchiveReader (so ArchiveLimits apply to a hostile document exactly as to an archive) and
 *  each part is streamed through libxml2's SAX parser with no network, no DTD and no entity
 *  expansion. libxml2 and libarchive stay in ooxml_text.cc.
 *
 *  What is read:
 *  - Word: the body (word/document.xml), then footnotes, endnotes, headers, footers and
 *    comments. One line per paragraph; tabs and breaks kept; field codes (w:instrText),
 *    deleted revisions (w:delText) and the fallback copy of alternate content are not text.
 *  - PowerPoint: slides in presentation order (ppt/presentation.xml; numeric order of the part
 *    names when it cannot be read), each followed by its speaker notes.
 *  - Excel: sheets in workbook order; for each the sheet name on its own line, then one line
 *    per row with cells separated by '\t'. Shared and inline strings are resolved; numbers are
 *    kept as written in the file (dates stay serial numbers), booleans read TRUE/FALSE.
 *  - docProps/core.xml: dc:title, dc:creator, dcterms:created.
 *  - Files under word/, ppt/ or xl/embeddings/ become DocumentText::embedded, named by their
 *    path below the top folder ("embeddings/oleObject1.bin"). Pictures and media are skipped.
 */
#pragma once

#include <string_view>

#include "common/result.h"
#include "indexer/archive_limits.h"
#include "indexer/document_text.h"

namespace docket {

/// True for the OOXML extensions (.docx .docm .dotx .dotm .pptx .pptm .potx .potm .ppsx .ppsm
/// .xlsx .xlsm .xltx .xltm, any case), or, when the name says nothing, for a zip whose local
/// headers within `head` (the first few KB) name a word/, ppt/ or xl/ part. Other OPC packages
/// (XPS, Visio) and plain zips are not OOXML documents here.
bool LooksLikeOoxml(std::string_view head, std::string_view file_name);

/// Reads an OOXML document held in memory. `file_name` is used only in messages.
/// - Not a zip, or a zip without a Word, PowerPoint or Excel main part: InvalidArgument
///   "not an Office Open XML document: ...". A password-protected Office file (an OLE2
///   container holding an EncryptedPackage): Unimplemented "Office document is encrypted; no
///   password was given".
/// - A part that is malformed XML, or a zip cut short: the text read before the damage is kept
///   and a warning names the part ("word/footnotes.xml: malformed XML at line 3: ...").
/// - Corruption when damage left no text and no embedded file at all.
/// - ResourceExhausted when the zip breaks an ArchiveLimits cap before the main part was read.
Result<DocumentText> ExtractOoxmlText(std::string_view bytes, std::string_view file_name,
                                      const ArchiveLimits& limits);

}  // namespace docket
