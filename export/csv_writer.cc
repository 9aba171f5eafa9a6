/** @file
 *  @brief See csv_writer.h.
 */
#include "export/csv_writer.h"

#include <array>

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

// Whether a field holding `value` must be quoted: a byte-table scan (string_view's
// find_first_of compares every byte with each of the four).
bool NeedsQuotes(std::string_view value) {
  static constexpr auto kQuoted = [] {
    std::array<bool, 256> quoted{};
    for (const unsigned char c : {',', '"', '\r', '\n'}) {
      quoted[c] = true;
    }
    return quoted;
  }();
  for (const char c : value) {
    if (kQuoted[static_cast<unsigned char>(c)]) {
      return true;
    }
  }
  return false;
}

// CsvReportField, appended to `out` without a string of its own per field.
void AppendCsvReportField(std::string& out, std::string_view value) {
  const bool formula = StartsLikeFormula(value);
  if (!NeedsQuotes(value)) {
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

namespace {

template <typename Fields>
std::string RenderRow(const Fields& fields) {
  std::string row;
  row.reserve(512);
  bool first = true;
  for (const auto& field : fields) {
    if (!first) {
      row += ',';
    }
    first = false;
    AppendCsvReportField(row, field);
  }
  row += "\r\n";
  return row;
}

}  // namespace

std::string CsvReportRow(std::initializer_list<std::string_view> fields) {
  return RenderRow(fields);
}

std::string CsvReportRow(const std::vector<std::string>& fields) { return RenderRow(fields); }

void CsvWriter::WriteRow(std::initializer_list<std::string_view> fields) {
  out_ << CsvReportRow(fields);
}

void CsvWriter::WriteRow(const std::vector<std::string>& fields) { out_ << CsvReportRow(fields); }

}  // namespace docket
