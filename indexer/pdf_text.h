/** @file
 *  @brief Text, metadata and attached files of PDF documents, with poppler-cpp.
 *
 *  Handouts uploaded to meetings and attachments to mail are very often PDFs. Text comes from
 *  poppler's text layer in reading order (what pdftotext prints without -layout); a page that
 *  has none (a scan) is reported, since OCR is out of scope. Poppler's own messages are kept off
 *  stderr; poppler's headers stay in pdf_text.cc.
 */
#pragma once

#include <string_view>

#include "common/result.h"
#include "indexer/document_text.h"

namespace docket {

/// Pages are read up to this many; text layout costs poppler milliseconds per page, and a
/// hostile file can claim millions of pages. The rest are skipped with a warning.
inline constexpr int kMaxPdfPages = 5'000;

/// Between the text of two pages in DocumentText::text: a form feed on a line of its own, as
/// pdftotext separates pages, so a page can be found again in the text.
inline constexpr std::string_view kPdfPageSeparator = "\n\f\n";

/// True when "%PDF-" occurs within the first 1024 bytes of `head` (readers accept junk before
/// the header, and so do we).
bool LooksLikePdf(std::string_view head);

/// Reads a PDF held in memory.
/// - text: each page's text (trimmed) joined by kPdfPageSeparator; title, author, created from
///   the Info dictionary; every file attached through the EmbeddedFiles name tree in
///   `embedded` (named by its file name, without folders).
/// - warnings: pages without a text layer ("pages 3, 5 have no text layer (scanned images?)"),
///   pages past kMaxPdfPages, a damaged file that poppler could repair only in part.
/// - Errors: Unimplemented "PDF is encrypted; no password was given" when a password is needed
///   to open it; Corruption "not a readable PDF: ..." when poppler cannot open it at all;
///   InvalidArgument "PDF has no text layer (image-only; OCR is not available)" when no page
///   has text and nothing is attached; ResourceExhausted past 2 GiB.
/// Never throws; poppler's exceptions and failures are turned into these statuses.
Result<DocumentText> ExtractPdfText(std::string_view bytes);

}  // namespace docket
