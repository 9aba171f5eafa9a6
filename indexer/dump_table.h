/** @file
 *  @brief One delimited table file (a SQL Server `bcp` dump or a CSV export), read row by row.
 *
 *  LcsLog dumps (ediscovery.md §2.4) come as bcp character mode (TAB / newline, no header; the
 *  column names live in a format file), bcp -w (the same in UTF-16LE), custom -t/-r terminators,
 *  or CSV with a header row. DumpTable streams the file in chunks and never holds more than the
 *  current rows in memory. Rows with the wrong number of fields are reported in bad_rows() with
 *  their line and skipped, so one damaged row does not lose the table.
 */
#pragma once

#include <cstdint>
#include <filesystem>
#include <istream>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace docket {

/// What a bcp format file says about the data file (non-XML "10.0"-style or XML <BCPFORMAT>).
struct BcpFormat {
  std::vector<std::string> columns;  // one name per field, in file order
  std::string field_terminator;      // terminator of every field but the last ("\t")
  std::string row_terminator;        // terminator of the last field ("\n" or "\r\n")
  bool unicode = false;              // SQLNCHAR / NCharTerm fields: the data file is UTF-16LE
};

/// Reads a bcp format file. Fields without a server column (order 0, or no XML <COLUMN>) get
/// the name "Field<n>". Fails with kUnimplemented for native-mode (prefix length, fixed width)
/// files and for files whose fields use different terminators; kInvalidArgument when the file
/// is not a format file.
Result<BcpFormat> ReadBcpFormatFile(const std::filesystem::path& path);
/// The same, from the format file's bytes (`name` is used in messages).
Result<BcpFormat> ParseBcpFormat(std::string_view bytes, std::string_view name);

enum class DumpEncoding {
  kAuto,      // byte-order mark, else UTF-16LE when the start looks like it, else UTF-8 (a field
              // that is not valid UTF-8 is decoded by detection, with a warning)
  kUtf8,      // UTF-8 (a byte-order mark is skipped)
  kUtf16Le,   // bcp -w / -N
  kCodePage,  // `code_page` (bcp -C / the server's code page), e.g. "windows-1252"
};

enum class HeaderMode {
  kNone,     // every row is data
  kPresent,  // the first row names the columns
  kDetect,   // the first row is a header when it looks like names and one of them is among
             // `columns` (case-insensitive); otherwise it is data
};

struct DumpTableOptions {
  // Column names when the file has no header (or HeaderMode::kDetect finds none). A header row
  // replaces them.
  std::vector<std::string> columns;
  HeaderMode header = HeaderMode::kNone;
  // RFC 4180: fields may be quoted with '"' ("" inside is one quote), quoted fields may hold
  // terminators and line breaks; an unquoted empty field is NULL, a quoted one ("") is "".
  bool csv = false;
  // Default TAB. For csv an empty terminator means: comma, or TAB when the first line has more
  // TABs than commas.
  std::string field_terminator = "\t";
  // Default "\n", which also ends a "\r\n" row (the '\r' is dropped).
  std::string row_terminator = "\n";
  DumpEncoding encoding = DumpEncoding::kAuto;
  std::string code_page;  // for DumpEncoding::kCodePage
};

/// One data row. Field values: a field holding only a NUL byte is "" (bcp writes empty strings
/// so); an empty field is NULL (std::nullopt).
struct DumpRow {
  uint64_t line = 0;  // 1-based line of the row's first character in the file
  std::vector<std::optional<std::string>> fields;
};

/// A row that could not be read, for the exceptions report.
struct DumpBadRow {
  uint64_t line = 0;
  std::string reason;  // "3 fields, expected 9"
};

class DumpTable {
 public:
  /// Opens `path` and reads the header row when there is one. Fails when the file cannot be
  /// read or no column names are known (no header, none given).
  static Result<std::unique_ptr<DumpTable>> Open(const std::filesystem::path& path,
                                                 DumpTableOptions options);
  /// The same over a stream (tests, fuzzing); `name` is used in messages.
  static Result<std::unique_ptr<DumpTable>> Open(std::unique_ptr<std::istream> in, std::string name,
                                                 DumpTableOptions options);
  ~DumpTable();
  DumpTable(const DumpTable&) = delete;
  DumpTable& operator=(const DumpTable&) = delete;

  const std::vector<std::string>& columns() const;
  /// Index of `name` among columns() (case-insensitive), or nullopt.
  std::optional<size_t> ColumnIndex(std::string_view name) const;
  bool has_header() const;

  /// Reads the next good row into `row`: true, or false at the end of the file. Rows with the
  /// wrong field count are added to bad_rows() and skipped. Fails only when the file cannot be
  /// read any more (I/O error).
  Result<bool> Next(DumpRow* row);

  uint64_t rows_read() const;  // good rows returned so far
  /// Bad rows in file order (the first kMaxBadRowsKept; bad_row_count() counts them all).
  const std::vector<DumpBadRow>& bad_rows() const;
  uint64_t bad_row_count() const;
  /// Decoding problems ("line 7: 2 byte sequence(s) invalid in windows-1252 ..."), capped.
  const std::vector<std::string>& warnings() const;

  static constexpr size_t kMaxBadRowsKept = 1000;

 private:
  class Impl;
  explicit DumpTable(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace docket
