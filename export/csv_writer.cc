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

namespace {

// CsvReportField, appended to `out` without a string of its own per field.
void AppendCsvReportField(std::string& out, std::string_view value) {
  const bool formula = StartsLikeFormula(value);
  if (value.find_first_of(",\"\r\n") == std::string_view::npos) {
    if (formula) {
      // The apostrophe is the spreadsheet's own "this is text" marker; it is shown in the cell
      // editor but not in the cell, and a reviewer can still see the original value.
      out += '\'';
    }
    out.append(value);
    return;
  }
  out += '"';
  if (formula) {
    out += '\'';
  }
  size_t run = 0;
  for (size_t quote = value.find('"'); quote != std::string_view::npos;
       quote = value.find('"', quote + 1)) {
    out.append(value.substr(run, quote + 1 - run));
    out += '"';
    run = quote + 1;
  }
  out.append(value.substr(run));
  out += '"';
}

}  // namespace

std::string CsvReportField(std::string_view value) {
  std::string text;
  text.reserve(value.size() + 3);
  AppendCsvReportField(text, value);
  return text;
}

CsvWriter::CsvWriter(std::ostream& out, bool byte_order_mark) : out_(out) {
  if (byte_order_mark) {
    out_ << "\xEF\xBB\xBF";
  }
}

std::string CsvReportRow(const std::vector<std::string>& fields) {
  std::string row;
  row.reserve(512);
  for (size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) {
      row += ',';
    }
    AppendCsvReportField(row, fields[i]);
  }
  row += "\r\n";
  return row;
}

void CsvWriter::WriteRow(const std::vector<std::string>& fields) { out_ << CsvReportRow(fields); }

}  // namespace docket
