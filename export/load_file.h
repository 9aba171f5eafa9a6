/** @file
 *  @brief Concordance / Relativity delimited load file (loadfile.dat, ediscovery.md §4.2):
 *  þ (U+00FE) around every value, DC4 (U+0014) between values, ® (U+00AE) for line breaks
 *  inside values, ';' between multiple values, UTF-8 with BOM, a header row, CRLF lines.
 */
#pragma once

#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "export/export_record.h"

namespace docket {

/// The columns, in order: BEGBATES, ENDBATES, BEGATTACH, ENDATTACH, PARENT_BATES, ATTACH_IDS,
/// CUSTODIAN, ALL_CUSTODIANS, FROM, TO, CC, BCC, PARTICIPANTS, SUBJECT, DATESENT, DATERCVD,
/// SESSIONID, CONVERSATION_KIND, MSGCOUNT, CONVERSATION_END, MESSAGECLASS, IMPORTANCE,
/// MESSAGEID, AUTHOR, FILENAME, FILEEXT, FILESIZE, LANGUAGE, MD5HASH, SHA1HASH, SHA256HASH,
/// NATIVEPATH, TEXTPATH, SOURCEPATH, INDEXSTATE, INDEXREASON. Dates are ISO-8601 UTC with 'Z'.
const std::vector<std::string>& LoadFileColumns();

/// `value` with CR LF, CR and LF replaced by ®, and þ and DC4 (which would end the value)
/// replaced by '?', the usual convention since the format has no escape.
std::string LoadFileValue(std::string_view value);

/// The line LoadFileWriter::AddDocument writes for `record`, CRLF included. The exporter
/// renders lines on its read-ahead threads and appends them in DocID order.
std::string LoadFileLine(const ExportRecord& record);

class LoadFileWriter {
 public:
  /// Writes the BOM and the header row.
  explicit LoadFileWriter(std::ostream& out);
  /// One line for `record`. Paths are relative with backslashes (".\\NATIVES\\0001\\x.eml"),
  /// as Relativity and Concordance expect.
  void AddDocument(const ExportRecord& record);

 private:
  std::ostream& out_;
};

}  // namespace docket
