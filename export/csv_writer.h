/** @file
 *  @brief CsvWriter: RFC 4180 rows for the package's reports (Results.csv, Export Summary.csv,
 *  ...), UTF-8 with a byte-order mark so spreadsheet programs show CJK and Arabic correctly.
 */
#pragma once

#include <initializer_list>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace docket {

class CsvWriter {
 public:
  /// Writes the UTF-8 BOM when `byte_order_mark` is set.
  explicit CsvWriter(std::ostream& out, bool byte_order_mark = true);

  /// One row, CRLF-terminated. A field with a comma, quote, CR or LF is quoted and its quotes
  /// doubled. A field starting with = + - @ (a spreadsheet formula; also tab or CR, which
  /// OWASP lists too) gets a leading apostrophe, so a hostile subject line cannot run as a
  /// formula in the officer's spreadsheet (OWASP CSV injection).
  void WriteRow(std::initializer_list<std::string_view> fields);
  void WriteRow(const std::vector<std::string>& fields);

 private:
  std::ostream& out_;
};

/// The field as CsvWriter writes it (quoted and neutralised as above). Not named CsvField:
/// common/strings.h has that one (plain RFC 4180, no formula neutralisation) for the ingest
/// logs, and two definitions of one name in namespace docket would not link.
std::string CsvReportField(std::string_view value);

/// The row CsvWriter::WriteRow writes, CRLF included (the exporter renders rows off the
/// writing thread).
/// A row is rendered for every document: from views, so no field is copied to make the row.
std::string CsvReportRow(std::initializer_list<std::string_view> fields);
std::string CsvReportRow(const std::vector<std::string>& fields);

}  // namespace docket
