/** @file
 *  @brief See load_file.h.
 */
#include "export/load_file.h"

#include <array>
#include <cassert>
#include <initializer_list>
#include <string>

#include "common/strings.h"
#include "common/time_util.h"

namespace docket {
namespace {

// The format's delimiters as UTF-8: in a Unicode load file they are code points, not the
// single bytes of the Windows-1252 files the convention started with (ediscovery.md §4.2).
constexpr std::string_view kQualifier = "\xC3\xBE";  // þ U+00FE
constexpr std::string_view kSeparator = "\x14";      // DC4 U+0014
constexpr std::string_view kNewline = "\xC2\xAE";    // ® U+00AE
constexpr std::string_view kByteOrderMark = "\xEF\xBB\xBF";

std::string Join(const std::vector<std::string>& values) { return JoinStrings(values, ";"); }

// Unknown dates stay empty: a review platform would load 1970-01-01 as a real date.
std::string Date(UtcMillis millis) { return millis == 0 ? std::string() : FormatIso8601(millis); }

// ".\NATIVES\0001\DKT0000001.eml": relative to the load file, which sits at the package root.
std::string WindowsRelativePath(const std::optional<PackageFile>& file) {
  if (!file.has_value() || file->path.empty()) {
    return {};
  }
  std::string path = ".\\";
  for (char c : file->path) {
    path += c == '/' ? '\\' : c;
  }
  return path;
}

}  // namespace

const std::vector<std::string>& LoadFileColumns() {
  static const std::vector<std::string> kColumns = {
      "BEGBATES",     "ENDBATES",   "BEGATTACH",         "ENDATTACH",  "PARENT_BATES",
      "ATTACH_IDS",   "CUSTODIAN",  "ALL_CUSTODIANS",    "FROM",       "TO",
      "CC",           "BCC",        "PARTICIPANTS",      "SUBJECT",    "DATESENT",
      "DATERCVD",     "SESSIONID",  "CONVERSATION_KIND", "MSGCOUNT",   "CONVERSATION_END",
      "MESSAGECLASS", "IMPORTANCE", "MESSAGEID",         "AUTHOR",     "FILENAME",
      "FILEEXT",      "FILESIZE",   "LANGUAGE",          "MD5HASH",    "SHA1HASH",
      "SHA256HASH",   "NATIVEPATH", "TEXTPATH",          "SOURCEPATH", "INDEXSTATE",
      "INDEXREASON"};
  return kColumns;
}

namespace {

// The bytes LoadFileValue replaces: CR, LF, the separator and the first byte of þ (0xC3, which
// also starts other two-byte characters). A table: most values have none of them.
constexpr auto kSpecialBytes = [] {
  std::array<bool, 256> special{};
  for (const char c : {'\r', '\n', kSeparator[0], kQualifier[0]}) {
    special[static_cast<unsigned char>(c)] = true;
  }
  return special;
}();

// LoadFileValue's escaping, appended to `out`: runs without a special byte are copied whole (a
// byte-at-a-time copy was most of rendering a DAT line).
void AppendLoadFileValue(std::string& out, std::string_view value) {
  size_t run = 0;  // start of the bytes not yet copied
  for (size_t i = 0; i < value.size(); ++i) {
    const char c = value[i];
    if (!kSpecialBytes[static_cast<unsigned char>(c)]) {
      continue;
    }
    std::string_view replacement;
    size_t skip = 0;  // bytes consumed beyond c
    if (c == '\r') {
      replacement = kNewline;
      skip = i + 1 < value.size() && value[i + 1] == '\n' ? 1 : 0;  // CR LF is one line break
    } else if (c == '\n') {
      replacement = kNewline;
    } else if (c == kSeparator[0]) {
      replacement = "?";
    } else if (value.substr(i, kQualifier.size()) == kQualifier) {
      replacement = "?";
      skip = kQualifier.size() - 1;
    } else {
      continue;  // the first byte of another two-byte character
    }
    out.append(value.substr(run, i - run));
    out.append(replacement);
    i += skip;
    run = i + 1;
  }
  out.append(value.substr(run));
}

// One DAT line: each value qualified and escaped, separated, CRLF-terminated.
std::string RenderLine(std::initializer_list<std::string_view> values) {
  assert(values.size() == LoadFileColumns().size());
  std::string line;
  line.reserve(1024);
  bool first = true;
  for (const std::string_view value : values) {
    if (!first) {
      line += kSeparator;
    }
    first = false;
    line += kQualifier;
    AppendLoadFileValue(line, value);
    line += kQualifier;
  }
  line += "\r\n";
  return line;
}

}  // namespace

std::string LoadFileValue(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  AppendLoadFileValue(out, value);
  return out;
}

LoadFileWriter::LoadFileWriter(std::ostream& out) : out_(out) {
  out_ << kByteOrderMark;
  const std::vector<std::string>& columns = LoadFileColumns();
  for (size_t i = 0; i < columns.size(); ++i) {
    if (i > 0) {
      out_ << kSeparator;
    }
    out_ << kQualifier << columns[i] << kQualifier;
  }
  out_ << "\r\n";
}

void LoadFileWriter::AddDocument(const ExportRecord& record) { out_ << LoadFileLine(record); }

std::string LoadFileLine(const ExportRecord& record) {
  // The digests of the bytes in the package when the native was written; the ingest digests
  // otherwise, so a document whose native is missing still carries its identity.
  const NativeDigests& digests =
      record.native.has_value() ? record.native->digests : record.ingest_digests;
  // Views of the record's own strings where it has them (a line is rendered for every
  // document); the temporaries live until RenderLine returns.
  return RenderLine({
      record.doc_id,
      record.doc_id,
      record.begin_attach,
      record.end_attach,
      record.parent_doc_id,
      Join(record.attachment_ids),
      record.custodian,
      Join(record.all_custodians),
      record.from,
      Join(record.to),
      Join(record.cc),
      Join(record.bcc),
      Join(record.participants),
      record.subject,
      Date(record.sent),
      Date(record.received),
      record.session_id,
      record.conversation_kind,
      // Only conversations and meetings have messages; 0 on an email would read as "empty".
      record.message_count == 0 ? std::string() : std::to_string(record.message_count),
      Date(record.session_end),
      record.message_class,
      record.importance,
      record.message_id,
      record.author,
      record.file_name,
      record.file_extension,
      std::to_string(record.file_size),
      record.language,
      digests.md5,
      digests.sha1,
      digests.sha256,
      WindowsRelativePath(record.native),
      WindowsRelativePath(record.text),
      record.source_path,
      record.index_state,
      record.state_reason,
  });
}

}  // namespace docket
