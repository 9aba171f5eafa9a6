/** @file
 *  @brief DumpTable: chunked reading, encoding detection, bcp and RFC 4180 record splitting,
 *         and bcp format files (the XML kind read with libxml2).
 */
#include "indexer/dump_table.h"

#include <libxml/parser.h>
#include <libxml/tree.h>

#include <algorithm>
#include <fstream>
#include <mutex>
#include <sstream>

#include "common/strings.h"
#include "indexer/charset_converter.h"

namespace docket {
namespace {

constexpr size_t kChunkBytes = 64 * 1024;
// bcp does not escape line breaks inside values, so a row with too few fields is joined with
// the lines after it (a Body with CR/LF). This caps how far one row may reach.
constexpr size_t kMaxContinuationLines = 1000;
constexpr size_t kMaxWarnings = 100;

// ---------------------------------------------------------------------------------------------
// Format files

// Terminators are written with C escapes ("\t", "\r\n"); UTF-16 files show "\t\0".
std::string UnescapeTerminator(std::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '\\' || i + 1 == text.size()) {
      out += text[i];
      continue;
    }
    switch (text[++i]) {
      case 't':
        out += '\t';
        break;
      case 'n':
        out += '\n';
        break;
      case 'r':
        out += '\r';
        break;
      case '0':
        break;  // the high byte of a UTF-16 terminator: we compare decoded text
      default:
        out += text[i];
        break;
    }
  }
  return out;
}

// Splits a non-XML format line into tokens; "..." is one token (escapes kept for the caller).
std::vector<std::string> Tokenize(std::string_view line) {
  std::vector<std::string> tokens;
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t' || line[i] == '\r')) {
      ++i;
    }
    if (i >= line.size()) {
      break;
    }
    std::string token;
    if (line[i] == '"') {
      ++i;
      while (i < line.size() && line[i] != '"') {
        if (line[i] == '\\' && i + 1 < line.size()) {
          token += line[i++];
        }
        token += line[i++];
      }
      ++i;
      tokens.push_back(std::move(token));
      continue;
    }
    while (i < line.size() && line[i] != ' ' && line[i] != '\t' && line[i] != '\r') {
      token += line[i++];
    }
    tokens.push_back(std::move(token));
  }
  return tokens;
}

bool ParseInt(std::string_view text, long long* value) {
  if (text.empty() || text.size() > 18) {
    return false;
  }
  long long v = 0;
  for (char c : text) {
    if (c < '0' || c > '9') {
      return false;
    }
    v = v * 10 + (c - '0');
  }
  *value = v;
  return true;
}

struct FieldSpec {
  std::string name;
  std::string terminator;
  bool unicode = false;
};

Result<BcpFormat> Assemble(std::vector<FieldSpec> fields, std::string_view name) {
  if (fields.empty()) {
    return Status::InvalidArgument("bcp format file '" + std::string(name) + "' lists no fields");
  }
  BcpFormat format;
  format.row_terminator = fields.back().terminator;
  format.field_terminator = fields.size() > 1 ? fields.front().terminator : "\t";
  format.unicode = std::all_of(fields.begin(), fields.end(),
                               [](const FieldSpec& field) { return field.unicode; });
  for (size_t i = 0; i < fields.size(); ++i) {
    if (fields[i].terminator.empty()) {
      return Status::Unimplemented("bcp format file '" + std::string(name) + "': field " +
                                   std::to_string(i + 1) +
                                   " has no terminator (fixed-width or native bcp data); "
                                   "re-export with bcp -c or -w");
    }
    if (i + 1 < fields.size() && fields[i].terminator != format.field_terminator) {
      return Status::Unimplemented("bcp format file '" + std::string(name) +
                                   "': fields use different terminators; re-export with one "
                                   "field terminator (-t)");
    }
    format.columns.push_back(std::move(fields[i].name));
  }
  if (format.row_terminator == format.field_terminator) {
    return Status::Unimplemented("bcp format file '" + std::string(name) +
                                 "': the row terminator equals the field terminator");
  }
  return format;
}

Result<BcpFormat> ParseNonXmlFormat(std::string_view bytes, std::string_view name) {
  std::vector<std::string_view> lines;
  for (std::string_view rest = bytes; !rest.empty();) {
    size_t eol = rest.find('\n');
    std::string_view line = TrimWhitespace(rest.substr(0, eol));
    if (!line.empty()) {
      lines.push_back(line);
    }
    rest = eol == std::string_view::npos ? std::string_view() : rest.substr(eol + 1);
  }
  long long count = 0;
  const auto not_a_format = [&](std::string why) {
    return Status::InvalidArgument("'" + std::string(name) + "' is not a bcp format file: " + why);
  };
  if (lines.size() < 2 || lines[0].find_first_not_of("0123456789.") != std::string_view::npos) {
    return not_a_format("the first line must be a version such as 10.0");
  }
  if (!ParseInt(lines[1], &count) || count < 1 || static_cast<size_t>(count) + 2 > lines.size()) {
    return not_a_format("the second line must be the number of fields that follow");
  }
  std::vector<FieldSpec> fields;
  for (long long i = 0; i < count; ++i) {
    std::vector<std::string> tokens = Tokenize(lines[static_cast<size_t>(i) + 2]);
    long long prefix = 0;
    long long server_order = 0;
    if (tokens.size() < 7 || !ParseInt(tokens[2], &prefix) || !ParseInt(tokens[5], &server_order)) {
      return not_a_format("field line " + std::to_string(i + 1) +
                          " needs order, type, prefix, length, terminator, column and name");
    }
    if (prefix != 0) {
      return Status::Unimplemented("bcp format file '" + std::string(name) +
                                   "' describes native-mode data (prefix length " +
                                   std::to_string(prefix) + "); re-export with bcp -c or -w");
    }
    FieldSpec field;
    field.name = server_order == 0 ? "Field" + std::to_string(i + 1) : tokens[6];
    field.terminator = UnescapeTerminator(tokens[4]);
    field.unicode = EqualsIgnoreCase(tokens[1], "SQLNCHAR");
    fields.push_back(std::move(field));
  }
  return Assemble(std::move(fields), name);
}

void InitLibxml2Once() {
  static std::once_flag once;
  std::call_once(once, [] { xmlInitParser(); });
}

struct XmlDocFree {
  void operator()(xmlDoc* doc) const { xmlFreeDoc(doc); }
};

bool ElementNamed(const xmlNode* node, const char* name) {
  return node->type == XML_ELEMENT_NODE && node->name != nullptr &&
         EqualsIgnoreCase(reinterpret_cast<const char*>(node->name), name);
}

std::string Attribute(const xmlNode* node, const char* name) {
  xmlChar* value = xmlGetProp(node, reinterpret_cast<const xmlChar*>(name));
  if (value == nullptr) {
    return "";
  }
  std::string out(reinterpret_cast<const char*>(value));
  xmlFree(value);
  return out;
}

Result<BcpFormat> ParseXmlFormat(std::string_view bytes, std::string_view name) {
  InitLibxml2Once();
  std::unique_ptr<xmlDoc, XmlDocFree> doc(
      xmlReadMemory(bytes.data(), static_cast<int>(std::min<size_t>(bytes.size(), INT32_MAX)),
                    nullptr, nullptr, XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING));
  const xmlNode* root = doc == nullptr ? nullptr : xmlDocGetRootElement(doc.get());
  if (root == nullptr || !ElementNamed(root, "BCPFORMAT")) {
    return Status::InvalidArgument("'" + std::string(name) +
                                   "' is not a bcp XML format file (no <BCPFORMAT> root)");
  }
  struct XmlField {
    std::string id;
    FieldSpec spec;
  };
  std::vector<XmlField> fields;
  std::vector<std::pair<std::string, std::string>> columns;  // SOURCE, NAME
  for (const xmlNode* section = root->children; section != nullptr; section = section->next) {
    const bool record = ElementNamed(section, "RECORD");
    const bool row = ElementNamed(section, "ROW");
    for (const xmlNode* node = section->children; (record || row) && node != nullptr;
         node = node->next) {
      if (record && ElementNamed(node, "FIELD")) {
        const std::string type = Attribute(node, "type");  // xsi:type
        if (!EqualsIgnoreCase(type, "CharTerm") && !EqualsIgnoreCase(type, "NCharTerm")) {
          return Status::Unimplemented("bcp format file '" + std::string(name) + "': field " +
                                       Attribute(node, "ID") + " is " + type +
                                       " (fixed-width or native data); re-export with bcp -c "
                                       "or -w");
        }
        XmlField field;
        field.id = Attribute(node, "ID");
        field.spec.terminator = UnescapeTerminator(Attribute(node, "TERMINATOR"));
        field.spec.unicode = EqualsIgnoreCase(type, "NCharTerm");
        fields.push_back(std::move(field));
      } else if (row && ElementNamed(node, "COLUMN")) {
        columns.emplace_back(Attribute(node, "SOURCE"), Attribute(node, "NAME"));
      }
    }
  }
  std::vector<FieldSpec> specs;
  for (size_t i = 0; i < fields.size(); ++i) {
    auto it = std::find_if(columns.begin(), columns.end(),
                           [&](const auto& column) { return column.first == fields[i].id; });
    fields[i].spec.name =
        it != columns.end() && !it->second.empty() ? it->second : "Field" + std::to_string(i + 1);
    specs.push_back(std::move(fields[i].spec));
  }
  return Assemble(std::move(specs), name);
}

// ---------------------------------------------------------------------------------------------
// Data files

bool IsIdentifierLike(std::string_view name) {
  if (name.empty() || name.size() > 128) {
    return false;
  }
  const auto letter = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
  };
  if (!letter(name.front())) {
    return false;
  }
  return std::all_of(name.begin(), name.end(), [&](char c) {
    return letter(c) || (c >= '0' && c <= '9') || c == ' ' || c == '.' || c == '$' || c == '#';
  });
}

// "[Body]" and " Body " name the column Body.
std::string CleanColumnName(std::string_view name) {
  if (name.starts_with("\xEF\xBB\xBF")) {
    name.remove_prefix(3);
  }
  name = TrimWhitespace(name);
  if (name.size() >= 2 && name.front() == '[' && name.back() == ']') {
    name = name.substr(1, name.size() - 2);
  }
  return std::string(name);
}

bool LooksLikeUtf16Le(std::string_view head) {
  const size_t n = std::min<size_t>(head.size(), 4096) & ~size_t{1};
  if (n < 4) {
    return false;
  }
  size_t odd_zero = 0;
  size_t even_zero = 0;
  for (size_t i = 0; i < n; i += 2) {
    even_zero += head[i] == '\0';
    odd_zero += head[i + 1] == '\0';
  }
  const size_t units = n / 2;
  return odd_zero * 10 > units * 3 && even_zero * 20 < units;
}

enum class Parse { kRecord, kBlank, kBad, kNeedMore, kEnd };

}  // namespace

Result<BcpFormat> ParseBcpFormat(std::string_view bytes, std::string_view name) {
  if (bytes.starts_with("\xEF\xBB\xBF")) {
    bytes.remove_prefix(3);
  }
  if (TrimWhitespace(bytes).starts_with("<")) {
    return ParseXmlFormat(bytes, name);
  }
  return ParseNonXmlFormat(bytes, name);
}

Result<BcpFormat> ReadBcpFormatFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return Status::IOError("cannot open bcp format file '" + path.string() + "'");
  }
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return ParseBcpFormat(bytes.str(), path.filename().string());
}

class DumpTable::Impl {
 public:
  Impl(std::unique_ptr<std::istream> in, std::string name, DumpTableOptions options)
      : in_(std::move(in)), name_(std::move(name)), options_(std::move(options)) {}

  Status Start() {
    std::string head(kChunkBytes, '\0');
    DOCKET_RETURN_IF_ERROR(ReadRaw(&head));
    // The encoding is settled once, from the byte-order mark or the first bytes.
    if (head.starts_with("\xFF\xFE") && options_.encoding != DumpEncoding::kCodePage) {
      utf16_ = true;
      head.erase(0, 2);
    } else if (head.starts_with("\xEF\xBB\xBF") && options_.encoding != DumpEncoding::kCodePage &&
               options_.encoding != DumpEncoding::kUtf16Le) {
      head.erase(0, 3);
    } else if (options_.encoding == DumpEncoding::kUtf16Le ||
               (options_.encoding == DumpEncoding::kAuto && LooksLikeUtf16Le(head))) {
      utf16_ = true;
    }
    Append(std::move(head));
    if (options_.csv && options_.field_terminator.empty()) {
      DOCKET_RETURN_IF_ERROR(FillFirstLine());
      std::string_view first = std::string_view(buffer_).substr(0, buffer_.find('\n'));
      options_.field_terminator =
          std::count(first.begin(), first.end(), '\t') > std::count(first.begin(), first.end(), ',')
              ? "\t"
              : ",";
    }
    if (options_.field_terminator.empty() || options_.row_terminator.empty() ||
        options_.field_terminator == options_.row_terminator) {
      return Status::InvalidArgument("table '" + name_ +
                                     "': field and row terminators must be non-empty and differ");
    }
    columns_ = options_.columns;
    if (options_.header != HeaderMode::kNone) {
      DOCKET_RETURN_IF_ERROR(ReadHeader());
    }
    if (columns_.empty()) {
      return Status::InvalidArgument("table '" + name_ +
                                     "' has no header row and no column names were given "
                                     "(supply a bcp format file or a column list)");
    }
    return Status::OK();
  }

  Result<bool> Next(DumpRow* row) {
    for (;;) {
      std::vector<std::optional<std::string>> fields;
      size_t end = 0;
      size_t first_line_fields = 0;
      const Parse outcome = ParseRecord(columns_.size(), &fields, &end, &first_line_fields);
      if (outcome == Parse::kNeedMore) {
        DOCKET_RETURN_IF_ERROR(Fill());
        continue;
      }
      if (outcome == Parse::kEnd) {
        return false;
      }
      const uint64_t line = line_;
      Consume(end);
      if (outcome == Parse::kBlank) {
        continue;
      }
      if (outcome == Parse::kBad || fields.size() != columns_.size()) {
        const size_t count = outcome == Parse::kBad ? first_line_fields : fields.size();
        AddBadRow(line, outcome == Parse::kBad && bad_reason_.size() > 0
                            ? bad_reason_
                            : std::to_string(count) + " field" + (count == 1 ? "" : "s") +
                                  ", expected " + std::to_string(columns_.size()));
        continue;
      }
      row->line = line;
      row->fields.clear();
      for (auto& field : fields) {
        row->fields.push_back(Decode(std::move(field), line));
      }
      ++rows_read_;
      return true;
    }
  }

  std::vector<std::string> columns_;
  bool has_header_ = false;
  uint64_t rows_read_ = 0;
  uint64_t bad_row_count_ = 0;
  std::vector<DumpBadRow> bad_rows_;
  std::vector<std::string> warnings_;

 private:
  Status ReadRaw(std::string* chunk) {
    in_->read(chunk->data(), static_cast<std::streamsize>(chunk->size()));
    if (in_->bad()) {
      return Status::IOError("reading table '" + name_ + "' failed");
    }
    chunk->resize(static_cast<size_t>(in_->gcount()));
    if (in_->eof() || chunk->empty()) {
      eof_ = true;
    }
    return Status::OK();
  }

  // Appends raw bytes to the text buffer, decoding UTF-16LE on the way. UTF-16 is cut only
  // between whole characters, so a surrogate pair or an odd byte waits for the next chunk.
  void Append(std::string raw) {
    if (!utf16_) {
      buffer_ += raw;
      return;
    }
    std::string units = std::move(utf16_carry_);
    units += raw;
    utf16_carry_.clear();
    size_t cut = eof_ ? units.size() : units.size() & ~size_t{1};
    if (!eof_ && cut >= 2) {
      const auto high = static_cast<unsigned char>(units[cut - 1]);
      if (high >= 0xD8 && high <= 0xDB) {
        cut -= 2;
      }
    }
    utf16_carry_ = units.substr(cut);
    units.resize(cut);
    if (units.empty()) {
      return;
    }
    if (!first_utf16_chunk_ && units.starts_with("\xFF\xFE")) {
      buffer_ += "\xEF\xBB\xBF";  // a U+FEFF inside the text, which the converter would drop
    }
    first_utf16_chunk_ = false;
    Result<DecodedText> decoded = ConvertToUtf8(units, "UTF-16LE");
    if (!decoded.has_value()) {
      Warn(decoded.error().message());
      return;
    }
    if (!decoded->warning.empty()) {
      Warn("near line " + std::to_string(line_) + ": " + decoded->warning);
    }
    buffer_ += decoded->utf8;
  }

  Status Fill() {
    if (eof_) {
      // Parsers finish at the end of input; asking for more there would loop forever.
      return Status::Internal("table '" + name_ + "': the reader asked for input past the end");
    }
    buffer_.erase(0, pos_);
    pos_ = 0;
    // Grow geometrically so a very long row is rescanned a logarithmic number of times.
    std::string chunk(std::max(kChunkBytes, buffer_.size()), '\0');
    DOCKET_RETURN_IF_ERROR(ReadRaw(&chunk));
    Append(std::move(chunk));
    return Status::OK();
  }

  Status FillFirstLine() {
    while (!eof_ && buffer_.find('\n') == std::string::npos && buffer_.size() < 1024 * 1024) {
      DOCKET_RETURN_IF_ERROR(Fill());
    }
    return Status::OK();
  }

  Status ReadHeader() {
    for (;;) {
      std::vector<std::optional<std::string>> fields;
      size_t end = 0;
      size_t first_line_fields = 0;
      const Parse outcome = ParseRecord(0, &fields, &end, &first_line_fields);
      if (outcome == Parse::kNeedMore) {
        DOCKET_RETURN_IF_ERROR(Fill());
        continue;
      }
      if (outcome != Parse::kRecord) {
        if (outcome == Parse::kBlank) {
          Consume(end);
          continue;
        }
        return Status::OK();  // empty file: no header, no rows
      }
      std::vector<std::string> names;
      bool all_names = true;
      bool any_known = false;
      for (auto& field : fields) {
        std::optional<std::string> value = Decode(std::move(field), line_);
        std::string name = CleanColumnName(value.value_or(""));
        all_names = all_names && IsIdentifierLike(name);
        any_known = any_known || std::any_of(options_.columns.begin(), options_.columns.end(),
                                             [&](const std::string& known) {
                                               return EqualsIgnoreCase(known, name);
                                             });
        names.push_back(std::move(name));
      }
      if (options_.header == HeaderMode::kPresent || (all_names && any_known)) {
        columns_ = std::move(names);
        has_header_ = true;
        Consume(end);
      }
      return Status::OK();
    }
  }

  void Consume(size_t end) {
    line_ +=
        static_cast<uint64_t>(std::count(buffer_.begin() + static_cast<std::ptrdiff_t>(pos_),
                                         buffer_.begin() + static_cast<std::ptrdiff_t>(end), '\n'));
    pos_ = end;
  }

  Parse ParseRecord(size_t expected, std::vector<std::optional<std::string>>* fields, size_t* end,
                    size_t* first_line_fields) {
    bad_reason_.clear();
    if (pos_ >= buffer_.size()) {
      return eof_ ? Parse::kEnd : Parse::kNeedMore;
    }
    return options_.csv ? ParseCsv(fields, end)
                        : ParseBcp(expected, fields, end, first_line_fields);
  }

  Parse ParseBcp(size_t expected, std::vector<std::optional<std::string>>* fields, size_t* end,
                 size_t* first_line_fields) {
    const std::string& ft = options_.field_terminator;
    const std::string& rt = options_.row_terminator;
    const bool crlf_tolerant = rt == "\n";
    // A blank line between rows (or a trailing one) is not a row.
    if (buffer_.compare(pos_, rt.size(), rt) == 0 ||
        (crlf_tolerant && buffer_.compare(pos_, 2, "\r\n") == 0)) {
      *end = pos_ + (buffer_[pos_] == '\r' ? 2 : rt.size());
      return Parse::kBlank;
    }
    size_t cur = pos_;
    size_t field_start = pos_;
    size_t first_row_end = std::string::npos;
    size_t continuations = 0;
    for (;;) {
      const size_t f = buffer_.find(ft, cur);
      const size_t r = buffer_.find(rt, cur);
      if (r == std::string::npos && !eof_) {
        return Parse::kNeedMore;
      }
      if (f != std::string::npos && (r == std::string::npos || f < r)) {
        fields->push_back(buffer_.substr(field_start, f - field_start));
        cur = field_start = f + ft.size();
        continue;
      }
      const size_t field_end = r == std::string::npos ? buffer_.size() : r;
      const size_t record_end = r == std::string::npos ? buffer_.size() : r + rt.size();
      const size_t count = fields->size() + 1;
      if (first_row_end == std::string::npos) {
        *first_line_fields = count;
      }
      if (expected > 0 && count < expected && r != std::string::npos &&
          continuations < kMaxContinuationLines) {
        // Too few fields: the row terminator was part of a value (a Body with a line break).
        if (first_row_end == std::string::npos) {
          first_row_end = record_end;
        }
        ++continuations;
        cur = record_end;
        continue;
      }
      std::string last = buffer_.substr(field_start, field_end - field_start);
      if (crlf_tolerant && last.ends_with('\r')) {
        last.pop_back();
      }
      fields->push_back(std::move(last));
      if (expected > 0 && count != expected && first_row_end != std::string::npos) {
        // Joining lines did not make a row either: report the first line alone and resume
        // after it, so the rows it swallowed are read again.
        *end = first_row_end;
        return Parse::kBad;
      }
      *end = record_end;
      if (expected > 1 && count == expected && r != std::string::npos) {
        return JoinTrailingLines(field_start, fields, end) ? Parse::kRecord : Parse::kNeedMore;
      }
      return Parse::kRecord;
    }
  }

  // A complete row whose last value has line breaks (a Body in the last column) is followed by
  // lines without any field terminator; such a line can never be a row of its own, so it is
  // joined to the row. Blank lines count only when such a line follows them. False when more
  // input is needed to decide.
  bool JoinTrailingLines(size_t field_start, std::vector<std::optional<std::string>>* fields,
                         size_t* end) {
    const std::string& ft = options_.field_terminator;
    const std::string& rt = options_.row_terminator;
    size_t scan = *end;
    size_t joined_end = *end;
    for (size_t lines = 0; lines < kMaxContinuationLines && scan < buffer_.size(); ++lines) {
      size_t r = buffer_.find(rt, scan);
      if (r == std::string::npos && !eof_) {
        return false;
      }
      const size_t line_end = r == std::string::npos ? buffer_.size() : r;
      const std::string_view line = std::string_view(buffer_).substr(scan, line_end - scan);
      if (line.find(ft) != std::string_view::npos) {
        break;
      }
      scan = r == std::string::npos ? buffer_.size() : r + rt.size();
      if (!TrimWhitespace(line).empty()) {
        joined_end = scan;
      }
    }
    if (joined_end != *end) {
      std::string last = buffer_.substr(field_start, joined_end - field_start);
      if (last.ends_with(rt)) {
        last.resize(last.size() - rt.size());
      }
      if (rt == "\n" && last.ends_with('\r')) {
        last.pop_back();
      }
      fields->back() = std::move(last);
      *end = joined_end;
    }
    return true;
  }

  Parse ParseCsv(std::vector<std::optional<std::string>>* fields, size_t* end) {
    const std::string& ft = options_.field_terminator;
    if (buffer_[pos_] == '\n' || buffer_.compare(pos_, 2, "\r\n") == 0) {
      *end = pos_ + (buffer_[pos_] == '\n' ? 1 : 2);
      return Parse::kBlank;
    }
    size_t cur = pos_;
    for (;;) {
      std::optional<std::string> value;
      if (cur < buffer_.size() && buffer_[cur] == '"') {
        std::string text;
        size_t j = cur + 1;
        for (;;) {
          const size_t q = buffer_.find('"', j);
          if (q == std::string::npos || (q + 1 == buffer_.size() && !eof_)) {
            if (!eof_) {
              return Parse::kNeedMore;
            }
            bad_reason_ = "a quoted field is never closed";
            *end = buffer_.size();
            return Parse::kBad;
          }
          text.append(buffer_, j, q - j);
          if (q + 1 < buffer_.size() && buffer_[q + 1] == '"') {
            text += '"';
            j = q + 2;
            continue;
          }
          cur = q + 1;
          break;
        }
        // Text between the closing quote and the delimiter is kept, as lenient readers do.
        while (cur < buffer_.size() && buffer_.compare(cur, ft.size(), ft) != 0 &&
               buffer_[cur] != '\n' && buffer_.compare(cur, 2, "\r\n") != 0) {
          text += buffer_[cur++];
        }
        value = std::move(text);
      } else {
        size_t stop = cur;
        while (stop < buffer_.size() && buffer_.compare(stop, ft.size(), ft) != 0 &&
               buffer_[stop] != '\n') {
          ++stop;
        }
        if (stop == buffer_.size() && !eof_) {
          return Parse::kNeedMore;
        }
        std::string text = buffer_.substr(cur, stop - cur);
        if (stop < buffer_.size() && buffer_[stop] == '\n' && text.ends_with('\r')) {
          text.pop_back();
        }
        if (!text.empty()) {
          value = std::move(text);
        }
        cur = stop;
      }
      if (cur >= buffer_.size() && !eof_) {
        return Parse::kNeedMore;
      }
      fields->push_back(std::move(value));
      if (cur < buffer_.size() && buffer_.compare(cur, ft.size(), ft) == 0) {
        cur += ft.size();
        if (cur >= buffer_.size() && eof_) {
          fields->push_back(std::nullopt);  // "a,b," at the very end: the last field is empty
          *end = cur;
          return Parse::kRecord;
        }
        continue;
      }
      if (cur < buffer_.size() && buffer_[cur] == '\r') {
        ++cur;
      }
      *end = cur < buffer_.size() ? cur + 1 : cur;  // past the '\n', or the end of the file
      return Parse::kRecord;
    }
  }

  std::optional<std::string> Decode(std::optional<std::string> raw, uint64_t line) {
    if (!raw.has_value()) {
      return std::nullopt;
    }
    std::string value = std::move(*raw);
    if (value == std::string(1, '\0')) {
      return std::string();  // bcp writes an empty string as one NUL
    }
    if (value.empty()) {
      return options_.csv ? std::optional<std::string>(std::string()) : std::nullopt;
    }
    if (utf16_ || std::all_of(value.begin(), value.end(),
                              [](char c) { return static_cast<unsigned char>(c) < 0x80; })) {
      return value;
    }
    std::string label;
    if (options_.encoding == DumpEncoding::kCodePage) {
      label = options_.code_page;
    } else if (options_.encoding == DumpEncoding::kUtf8) {
      label = "UTF-8";
    }
    Result<DecodedText> decoded = ConvertToUtf8(value, label);
    if (!decoded.has_value()) {
      Warn("line " + std::to_string(line) + ": " + decoded.error().message());
      return value;
    }
    if (!decoded->warning.empty()) {
      Warn("line " + std::to_string(line) + ": " + decoded->warning);
    }
    return std::move(decoded->utf8);
  }

  void AddBadRow(uint64_t line, std::string reason) {
    ++bad_row_count_;
    if (bad_rows_.size() < kMaxBadRowsKept) {
      bad_rows_.push_back({line, std::move(reason)});
    }
  }

  void Warn(std::string warning) {
    if (warnings_.size() < kMaxWarnings) {
      warnings_.push_back(std::move(warning));
    }
  }

  std::unique_ptr<std::istream> in_;
  std::string name_;
  DumpTableOptions options_;
  bool eof_ = false;
  bool utf16_ = false;
  bool first_utf16_chunk_ = true;
  std::string utf16_carry_;
  std::string buffer_;  // decoded text (UTF-8, or raw bytes in a single/double-byte encoding)
  size_t pos_ = 0;      // start of the next record in buffer_
  uint64_t line_ = 1;   // line number at pos_
  std::string bad_reason_;
};

DumpTable::DumpTable(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
DumpTable::~DumpTable() = default;

Result<std::unique_ptr<DumpTable>> DumpTable::Open(const std::filesystem::path& path,
                                                   DumpTableOptions options) {
  auto in = std::make_unique<std::ifstream>(path, std::ios::binary);
  if (!*in) {
    return Status::IOError("cannot open table file '" + path.string() + "'");
  }
  return Open(std::move(in), path.filename().string(), std::move(options));
}

Result<std::unique_ptr<DumpTable>> DumpTable::Open(std::unique_ptr<std::istream> in,
                                                   std::string name, DumpTableOptions options) {
  auto impl = std::make_unique<Impl>(std::move(in), std::move(name), std::move(options));
  DOCKET_RETURN_IF_ERROR(impl->Start());
  return std::unique_ptr<DumpTable>(new DumpTable(std::move(impl)));
}

const std::vector<std::string>& DumpTable::columns() const { return impl_->columns_; }

std::optional<size_t> DumpTable::ColumnIndex(std::string_view name) const {
  for (size_t i = 0; i < impl_->columns_.size(); ++i) {
    if (EqualsIgnoreCase(impl_->columns_[i], name)) {
      return i;
    }
  }
  return std::nullopt;
}

bool DumpTable::has_header() const { return impl_->has_header_; }
Result<bool> DumpTable::Next(DumpRow* row) { return impl_->Next(row); }
uint64_t DumpTable::rows_read() const { return impl_->rows_read_; }
const std::vector<DumpBadRow>& DumpTable::bad_rows() const { return impl_->bad_rows_; }
uint64_t DumpTable::bad_row_count() const { return impl_->bad_row_count_; }
const std::vector<std::string>& DumpTable::warnings() const { return impl_->warnings_; }

}  // namespace docket
