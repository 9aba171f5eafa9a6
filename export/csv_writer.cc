/** @file
 *  @brief See csv_writer.h.
 */
#include "export/csv_writer.h"

namespace docket {
namespace {

// OWASP "CSV Injection": a cell starting with one of these is evaluated as a formula by Excel,
// LibreOffice and Google Sheets. Tab and CR are on OWASP's list too (Excel strips a leading
// tab or CR and evaluates what follows).
bool StartsLikeFormula(std::string_view value) {
  if (value.empty()) {
    return false;
  }
  switch (value.front()) {
    case '=':
    case '+':
    case '-':
    case '@':
    case '\t':
    case '\r':
      return true;
    default:
      return false;
  }
}

}  // namespace

std::string CsvReportField(std::string_view value) {
  std::string text;
  text.reserve(value.size() + 3);
  if (StartsLikeFormula(value)) {
    // The apostrophe is the spreadsheet's own "this is text" marker; it is shown in the cell
    // editor but not in the cell, and a reviewer can still see the original value.
    text += '\'';
  }
  text.append(value);
  if (text.find_first_of(",\"\r\n") == std::string::npos) {
    return text;
  }
  std::string quoted = "\"";
  quoted.reserve(text.size() + 8);
  for (char c : text) {
    if (c == '"') {
      quoted += '"';
    }
    quoted += c;
  }
  quoted += '"';
  return quoted;
}

CsvWriter::CsvWriter(std::ostream& out, bool byte_order_mark) : out_(out) {
  if (byte_order_mark) {
    out_ << "\xEF\xBB\xBF";
  }
}

std::string CsvReportRow(const std::vector<std::string>& fields) {
  std::string row;
  for (size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) {
      row += ',';
    }
    row += CsvReportField(fields[i]);
  }
  row += "\r\n";
  return row;
}

void CsvWriter::WriteRow(const std::vector<std::string>& fields) { out_ << CsvReportRow(fields); }

}  // namespace docket
