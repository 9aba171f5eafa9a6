/** @file
 *  @brief LcsLog importer: finds the table files, loads the small tables into maps and the
 *         message tables into compact rows, groups rows into sessions (ediscovery.md §2.3) and
 *         turns each group into text, participants and a native.
 */
#include "indexer/lcslog_importer.h"

#include <algorithm>
#include <array>
#include <map>
#include <optional>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include "common/strings.h"
#include "indexer/charset_converter.h"
#include "indexer/html_text.h"
#include "indexer/lync_session_parser.h"
#include "indexer/rtf_text.h"

namespace docket {
namespace {

namespace fs = std::filesystem;

constexpr std::array<std::string_view, 7> kTables = {"Users",
                                                     "ContentTypes",
                                                     "SessionDetails",
                                                     "Messages",
                                                     "Conferences",
                                                     "ConferenceMessages",
                                                     "ConferenceMessageRecipientList"};
constexpr int64_t kNoId = INT64_MIN;

bool IsDumpExtension(std::string_view extension) {
  return extension.empty() || extension == "csv" || extension == "tsv" || extension == "txt" ||
         extension == "dat" || extension == "bcp";
}

// "LcsLog.dbo.Messages.dat" -> "Messages"; "" when the file is not a table dump we know.
std::string TableOfFile(const std::string& file_name) {
  std::string extension = FileExtension(file_name);
  std::string_view stem = file_name;
  if (IsDumpExtension(extension)) {
    if (!extension.empty()) {
      stem.remove_suffix(extension.size() + 1);
    }
  } else {
    // "LcsLog.dbo.Messages" has the extension "messages", which names the table.
    extension.clear();
  }
  size_t dot = stem.rfind('.');
  std::string_view table = dot == std::string_view::npos ? stem : stem.substr(dot + 1);
  for (std::string_view known : kTables) {
    if (EqualsIgnoreCase(known, table)) {
      return std::string(known);
    }
  }
  return "";
}

// The data file's name without its dump extension: the stem format files are named after.
std::string DataStem(const std::string& file_name) {
  std::string extension = FileExtension(file_name);
  if (!extension.empty() && IsDumpExtension(extension)) {
    return file_name.substr(0, file_name.size() - extension.size() - 1);
  }
  return file_name;
}

// ---------------------------------------------------------------------------------------------
// Compact rows: all fields of a row in one string, each as a varint (length + 1, 0 for NULL)
// followed by the bytes.

void PutVarint(std::string* out, uint64_t value) {
  while (value >= 0x80) {
    out->push_back(static_cast<char>((value & 0x7F) | 0x80));
    value >>= 7;
  }
  out->push_back(static_cast<char>(value));
}

uint64_t GetVarint(std::string_view packed, size_t* pos) {
  uint64_t value = 0;
  for (int shift = 0; *pos < packed.size() && shift < 64; shift += 7) {
    const auto byte = static_cast<unsigned char>(packed[(*pos)++]);
    value |= static_cast<uint64_t>(byte & 0x7F) << shift;
    if ((byte & 0x80) == 0) {
      break;
    }
  }
  return value;
}

std::string Pack(const std::vector<std::optional<std::string>>& fields) {
  std::string out;
  for (const auto& field : fields) {
    PutVarint(&out, field.has_value() ? field->size() + 1 : 0);
    if (field.has_value()) {
      out += *field;
    }
  }
  return out;
}

std::vector<std::optional<std::string>> Unpack(std::string_view packed) {
  std::vector<std::optional<std::string>> fields;
  size_t pos = 0;
  while (pos < packed.size()) {
    const uint64_t length = GetVarint(packed, &pos);
    if (length == 0) {
      fields.emplace_back(std::nullopt);
      continue;
    }
    const size_t size = std::min<size_t>(length - 1, packed.size() - pos);
    fields.emplace_back(std::string(packed.substr(pos, size)));
    pos += size;
  }
  return fields;
}

struct SourceRow {
  uint64_t line = 0;
  std::string packed;
};

// ---------------------------------------------------------------------------------------------
// Values

std::optional<std::string_view> Field(const DumpRow& row, std::optional<size_t> index) {
  if (!index.has_value() || *index >= row.fields.size() || !row.fields[*index].has_value()) {
    return std::nullopt;
  }
  std::string_view value = TrimWhitespace(*row.fields[*index]);
  if (value.empty() || EqualsIgnoreCase(value, "NULL")) {
    return std::nullopt;  // SSMS grid exports write NULL as the word
  }
  return value;
}

std::optional<int64_t> ParseInteger(std::string_view text) {
  bool negative = text.starts_with('-');
  if (negative) {
    text.remove_prefix(1);
  }
  if (text.empty() || text.size() > 18) {
    return std::nullopt;
  }
  int64_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') {
      return std::nullopt;
    }
    value = value * 10 + (c - '0');
  }
  return negative ? -value : value;
}

// bcp writes datetime as "2013-06-03 09:15:02.231"; a bare date is not a session time.
std::optional<UtcMillis> ParseSqlTime(std::string_view text) {
  Result<ParsedUtc> parsed = ParseUtc(text);
  if (!parsed.has_value() || parsed->span_millis > 60'000) {
    return std::nullopt;
  }
  return parsed->millis;
}

bool ParseFlag(std::optional<std::string_view> text) {
  return text.has_value() && (*text == "1" || EqualsIgnoreCase(*text, "true"));
}

std::string EscapeNativeValue(const std::optional<std::string>& value) {
  if (!value.has_value()) {
    return "\\N";
  }
  std::string out;
  for (char c : *value) {
    switch (c) {
      case '\\':
        out += "\\\\";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      default:
        out += c;
    }
  }
  return out;
}

// Plain and RTF bodies are laid out as the export transcript shows them: the transcript puts
// the text in an HTML DIV, where every run of white space (line breaks included) is one space.
std::string CollapseWhitespace(std::string_view text) {
  std::string out;
  bool space = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    const bool nbsp = static_cast<unsigned char>(c) == 0xC2 && i + 1 < text.size() &&
                      static_cast<unsigned char>(text[i + 1]) == 0xA0;
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v' || nbsp) {
      space = !out.empty();
      i += nbsp ? 1 : 0;
      continue;
    }
    if (space) {
      out += ' ';
      space = false;
    }
    out += c;
  }
  return out;
}

// Lync 2013 column lists (ediscovery.md §2.2): our assumption for headerless dumps.
const std::map<std::string, std::vector<std::string>, std::less<>>& DefaultColumns() {
  static const auto* kColumns = new std::map<std::string, std::vector<std::string>, std::less<>>{
      {"Users", {"UserId", "UserUri"}},
      {"ContentTypes", {"ContentTypeId", "ContentType"}},
      {"SessionDetails",
       {"SessionIdTime", "SessionIdSeq", "StartTime", "EndTime", "User1Id", "User2Id",
        "ResponseCode", "User1MessageCount", "User2MessageCount", "User1ClientVerId",
        "User2ClientVerId"}},
      {"Messages",
       {"SessionIdTime", "SessionIdSeq", "MessageIdTime", "MessageIdSeq", "FromId", "ToId",
        "ContentTypeId", "Body", "Toast"}},
      {"Conferences",
       {"SessionIdTime", "SessionIdSeq", "ConferenceUri", "OrganizerId", "ConferenceStartTime",
        "ConferenceEndTime"}},
      {"ConferenceMessages",
       {"MessageId", "SessionIdTime", "Date", "FromId", "ContentTypeId", "Body"}},
      {"ConferenceMessageRecipientList", {"MessageId", "UserId", "SessionIdTime"}},
  };
  return *kColumns;
}

struct SessionKey {
  UtcMillis start = 0;
  int sequence = 0;
  bool conference = false;
  auto operator<=>(const SessionKey&) const = default;
};

// One Messages or ConferenceMessages row, reduced to what grouping and ordering need.
struct MessageRow {
  SessionKey key;
  UtcMillis sent = 0;
  int64_t from_id = kNoId;
  int64_t to_id = kNoId;
  int64_t content_type_id = kNoId;
  bool toast = false;
  SourceRow source;
};

struct TableFile {
  std::string table;
  fs::path path;
  std::string relative;
  std::vector<std::string> columns;
  size_t report = 0;  // index into reports_
};

}  // namespace

const std::vector<std::string>& LcsLogDefaultColumns(std::string_view table) {
  static const std::vector<std::string> kNone;
  auto it = DefaultColumns().find(table);
  return it == DefaultColumns().end() ? kNone : it->second;
}

bool LooksLikeLcsLogDump(const fs::path& folder) {
  std::error_code ec;
  fs::directory_iterator it(folder, ec);
  if (ec) {
    return false;
  }
  for (const fs::directory_entry& entry : it) {
    if (!entry.is_regular_file(ec)) {
      continue;
    }
    const std::string table = TableOfFile(entry.path().filename().string());
    if (table == "Messages" || table == "ConferenceMessages") {
      return true;
    }
  }
  return false;
}

class LcsLogImporter::Impl {
 public:
  Status Open(const fs::path& folder) {
    folder_ = folder;
    std::map<std::string, std::vector<fs::path>> by_table;
    std::map<std::string, fs::path> by_lower_name;
    std::error_code ec;
    fs::directory_iterator it(folder, ec);
    if (ec) {
      return Status::IOError("cannot list LcsLog dump folder '" + folder.string() +
                             "': " + ec.message());
    }
    for (const fs::directory_entry& entry : it) {
      if (!entry.is_regular_file(ec)) {
        continue;
      }
      const std::string name = entry.path().filename().string();
      by_lower_name[AsciiLower(name)] = entry.path();
      const std::string table = TableOfFile(name);
      if (!table.empty()) {
        by_table[table].push_back(entry.path());
      }
    }
    if (!by_table.contains("Messages") && !by_table.contains("ConferenceMessages")) {
      return Status::NotFound("'" + folder.string() +
                              "' has no Messages or ConferenceMessages table file; not an "
                              "LcsLog dump");
    }
    for (std::string_view table : kTables) {
      auto found = by_table.find(std::string(table));
      if (found == by_table.end()) {
        continue;
      }
      std::sort(found->second.begin(), found->second.end());
      for (size_t i = 1; i < found->second.size(); ++i) {
        warnings_.push_back("table " + std::string(table) + " has several files; read '" +
                            found->second[0].filename().string() + "', ignored '" +
                            found->second[i].filename().string() + "'");
      }
      DOCKET_RETURN_IF_ERROR(LoadTable(std::string(table), found->second[0], by_lower_name));
    }
    if (!by_table.contains("Users")) {
      warnings_.push_back("no Users table: every user id stays unresolved");
    }
    if (!by_table.contains("ContentTypes")) {
      warnings_.push_back(
          "no ContentTypes table: bodies starting with {\\rtf are read as RTF, others as plain "
          "text");
    }
    GroupSessions();
    return Status::OK();
  }

  Result<bool> Next(LcsLogSession* session) {
    if (next_session_ == sessions_.end()) {
      return false;
    }
    *session = BuildSession(next_session_->first, next_session_->second);
    ++next_session_;
    return true;
  }

  std::vector<LcsLogTableReport> reports_;
  std::vector<std::string> warnings_;

 private:
  Status LoadTable(const std::string& table, const fs::path& path,
                   const std::map<std::string, fs::path>& by_lower_name) {
    LcsLogTableReport report;
    report.table = table;
    report.path = path.filename().string();
    DumpTableOptions options;
    options.columns = LcsLogDefaultColumns(table);
    options.header = HeaderMode::kDetect;
    report.columns_from = "Lync 2013 defaults";
    const std::string stem = AsciiLower(DataStem(path.filename().string()));
    for (const std::string& candidate : {stem + ".fmt", stem + ".xml", stem + ".fmt.xml"}) {
      auto format_path = by_lower_name.find(candidate);
      if (format_path == by_lower_name.end()) {
        continue;
      }
      DOCKET_ASSIGN_OR_RETURN(BcpFormat format, ReadBcpFormatFile(format_path->second));
      options.columns = format.columns;
      options.field_terminator = format.field_terminator;
      options.row_terminator = format.row_terminator;
      options.encoding = format.unicode ? DumpEncoding::kUtf16Le : DumpEncoding::kAuto;
      report.columns_from = "format file " + format_path->second.filename().string();
      break;
    }
    if (FileExtension(path.filename().string()) == "csv") {
      options.csv = true;
      options.field_terminator.clear();  // comma or TAB, from the first line
    }
    Result<std::unique_ptr<DumpTable>> opened = DumpTable::Open(path, options);
    if (!opened.has_value()) {
      return opened.error().WithContext("LcsLog table " + table);
    }
    DumpTable& dump = **opened;
    if (dump.has_header()) {
      report.columns_from = "header row";
    }
    TableFile file{table, path, report.path, dump.columns(), reports_.size()};
    reports_.push_back(std::move(report));
    files_[table] = file;

    const auto column = [&](std::initializer_list<std::string_view> names) {
      for (std::string_view name : names) {
        if (auto index = dump.ColumnIndex(name)) {
          return index;
        }
      }
      return std::optional<size_t>();
    };
    const auto require = [&](std::initializer_list<std::string_view> names) -> Status {
      if (!column(names).has_value()) {
        std::string list;
        for (const std::string& name : dump.columns()) {
          list += (list.empty() ? "" : ", ") + name;
        }
        return Status::InvalidArgument("LcsLog table " + table + " ('" + file.relative +
                                       "') has no " + std::string(*names.begin()) +
                                       " column (columns: " + list + ")");
      }
      return Status::OK();
    };
    DumpRow row;
    auto reject = [&](std::string reason) {
      LcsLogTableReport& r = reports_[file.report];
      ++r.bad_row_count;
      if (r.bad_rows.size() < DumpTable::kMaxBadRowsKept) {
        r.bad_rows.push_back({row.line, std::move(reason)});
      }
    };
    const auto session_time = column({"SessionIdTime"});
    const auto session_seq = column({"SessionIdSeq"});
    const auto read_key = [&](bool conference, SessionKey* key) {
      std::optional<std::string_view> time = Field(row, session_time);
      std::optional<UtcMillis> start = time ? ParseSqlTime(*time) : std::nullopt;
      if (!start.has_value()) {
        reject("SessionIdTime '" + std::string(time.value_or("")) + "' is not a date and time");
        return false;
      }
      key->start = *start;
      key->conference = conference;
      key->sequence = -1;  // "the table has no SessionIdSeq"
      if (auto seq = Field(row, session_seq)) {
        std::optional<int64_t> value = ParseInteger(*seq);
        if (!value.has_value() || *value < 0 || *value > INT32_MAX) {
          reject("SessionIdSeq '" + std::string(*seq) + "' is not a number");
          return false;
        }
        key->sequence = static_cast<int>(*value);
      }
      return true;
    };
    // Calls `body` for each row of the table; a bad row is the body's to reject and skip.
    const auto each_row = [&](const auto& body) -> Status {
      while (true) {
        DOCKET_ASSIGN_OR_RETURN(bool more, dump.Next(&row));
        if (!more) {
          return Status::OK();
        }
        body();
      }
    };
    const auto id_of = [&](std::optional<size_t> index) {
      std::optional<std::string_view> text = Field(row, index);
      std::optional<int64_t> id = text ? ParseInteger(*text) : std::nullopt;
      return id.value_or(kNoId);
    };

    if (table == "Users") {
      const auto id = column({"UserId"});
      const auto uri = column({"UserUri", "Uri"});
      DOCKET_RETURN_IF_ERROR(require({"UserId"}));
      DOCKET_RETURN_IF_ERROR(require({"UserUri", "Uri"}));
      DOCKET_RETURN_IF_ERROR(each_row([&] {
        const int64_t user = id_of(id);
        std::optional<std::string_view> address = Field(row, uri);
        if (user == kNoId || !address.has_value()) {
          reject("a Users row needs a numeric UserId and a UserUri");
          return;
        }
        users_[user] = {NormalizeSipAddress(*address), {row.line, Pack(row.fields)}};
      }));
    } else if (table == "ContentTypes") {
      const auto id = column({"ContentTypeId"});
      const auto type = column({"ContentType"});
      DOCKET_RETURN_IF_ERROR(require({"ContentTypeId"}));
      DOCKET_RETURN_IF_ERROR(require({"ContentType"}));
      DOCKET_RETURN_IF_ERROR(each_row([&] {
        const int64_t content_type = id_of(id);
        if (content_type == kNoId) {
          reject("a ContentTypes row needs a numeric ContentTypeId");
          return;
        }
        content_types_[content_type] = {AsciiLower(Field(row, type).value_or("")),
                                        {row.line, Pack(row.fields)}};
      }));
    } else if (table == "SessionDetails") {
      DOCKET_RETURN_IF_ERROR(require({"SessionIdTime"}));
      const auto user1 = column({"User1Id"});
      const auto user2 = column({"User2Id"});
      DOCKET_RETURN_IF_ERROR(each_row([&] {
        SessionKey key;
        if (read_key(false, &key)) {
          details_[key] = {id_of(user1), id_of(user2), {row.line, Pack(row.fields)}};
        }
      }));
    } else if (table == "Conferences") {
      DOCKET_RETURN_IF_ERROR(require({"SessionIdTime"}));
      const auto uri = column({"ConferenceUri", "ConfUri"});
      const auto organizer = column({"OrganizerId", "OrganizerUserId"});
      DOCKET_RETURN_IF_ERROR(each_row([&] {
        SessionKey key;
        if (read_key(true, &key)) {
          conferences_[key] = {std::string(Field(row, uri).value_or("")),
                               id_of(organizer),
                               {row.line, Pack(row.fields)}};
        }
      }));
    } else if (table == "ConferenceMessageRecipientList") {
      DOCKET_RETURN_IF_ERROR(require({"SessionIdTime"}));
      DOCKET_RETURN_IF_ERROR(require({"UserId"}));
      const auto user = column({"UserId"});
      DOCKET_RETURN_IF_ERROR(each_row([&] {
        SessionKey key;
        if (read_key(true, &key)) {
          recipients_[key].push_back({id_of(user), {row.line, Pack(row.fields)}});
        }
      }));
    } else {  // Messages, ConferenceMessages
      const bool conference = table == "ConferenceMessages";
      DOCKET_RETURN_IF_ERROR(require({"SessionIdTime"}));
      DOCKET_RETURN_IF_ERROR(require({"FromId"}));
      const auto sent = conference ? column({"Date", "MessageIdTime"}) : column({"MessageIdTime"});
      const auto from = column({"FromId"});
      const auto to = column({"ToId"});
      const auto content_type = column({"ContentTypeId"});
      const auto toast = column({"Toast", "IsToast"});
      auto& rows = conference ? conference_rows_ : message_rows_;
      body_column_[table] = column({"Body"});
      DOCKET_RETURN_IF_ERROR(each_row([&] {
        MessageRow message;
        if (!read_key(conference, &message.key)) {
          return;
        }
        std::optional<std::string_view> time = Field(row, sent);
        std::optional<UtcMillis> when = time ? ParseSqlTime(*time) : std::nullopt;
        if (!when.has_value()) {
          reject("message time '" + std::string(time.value_or("")) + "' is not a date and time");
          return;
        }
        message.sent = *when;
        message.from_id = id_of(from);
        if (message.from_id == kNoId) {
          reject("FromId '" + std::string(Field(row, from).value_or("")) + "' is not a number");
          return;
        }
        message.to_id = id_of(to);
        message.content_type_id = id_of(content_type);
        message.toast = ParseFlag(Field(row, toast));
        message.source = {row.line, Pack(row.fields)};
        rows.push_back(std::move(message));
      }));
    }
    LcsLogTableReport& done = reports_[file.report];
    done.rows_read = dump.rows_read();
    done.bad_row_count += dump.bad_row_count();
    done.bad_rows.insert(done.bad_rows.end(), dump.bad_rows().begin(), dump.bad_rows().end());
    std::stable_sort(done.bad_rows.begin(), done.bad_rows.end(),
                     [](const DumpBadRow& a, const DumpBadRow& b) { return a.line < b.line; });
    done.warnings = dump.warnings();
    return Status::OK();
  }

  // A conference message table without SessionIdSeq takes the sequence of the one conference
  // that started at that time; p2p rows without it use 0.
  int ResolveSequence(const SessionKey& key) const {
    if (key.sequence >= 0) {
      return key.sequence;
    }
    if (key.conference) {
      auto it = conferences_.lower_bound(SessionKey{key.start, INT32_MIN, true});
      std::optional<int> found;
      for (; it != conferences_.end() && it->first.start == key.start; ++it) {
        if (it->first.conference && it->first.sequence >= 0) {
          if (found.has_value()) {
            return 0;  // ambiguous
          }
          found = it->first.sequence;
        }
      }
      return found.value_or(0);
    }
    return 0;
  }

  void GroupSessions() {
    for (auto* rows : {&message_rows_, &conference_rows_}) {
      for (uint32_t i = 0; i < rows->size(); ++i) {
        MessageRow& row = (*rows)[i];
        row.key.sequence = ResolveSequence(row.key);
        sessions_[row.key].push_back({rows == &conference_rows_, i});
      }
    }
    next_session_ = sessions_.begin();
  }

  struct RowRef {
    bool conference = false;
    uint32_t index = 0;
  };

  const MessageRow& RowOf(RowRef ref) const {
    return ref.conference ? conference_rows_[ref.index] : message_rows_[ref.index];
  }

  // The normalised address of a user id, or "userid:<n>" with a warning when Users lacks it.
  std::string UserName(int64_t id, std::set<int64_t>* referenced, LcsLogSession* session,
                       std::set<int64_t>* warned) const {
    if (id == kNoId) {
      return "";
    }
    auto it = users_.find(id);
    if (it != users_.end()) {
      referenced->insert(id);
      return it->second.uri;
    }
    const std::string kept = "userid:" + std::to_string(id);
    if (warned->insert(id).second) {
      session->warnings.push_back("unresolved user id " + std::to_string(id) + " (kept as '" +
                                  kept + "')");
    }
    return kept;
  }

  // Body -> the text the export transcript would show for it.
  std::string BodyText(const MessageRow& row, const std::string& table, LcsLogSession* session,
                       std::set<int64_t>* content_types_used) const {
    std::optional<size_t> body_index = body_column_.at(table);
    std::vector<std::optional<std::string>> fields = Unpack(row.source.packed);
    const std::string body = body_index.has_value() && *body_index < fields.size()
                                 ? fields[*body_index].value_or("")
                                 : "";
    const std::string where =
        "message at " + files_.at(table).relative + " line " + std::to_string(row.source.line);
    std::string type;
    if (row.content_type_id != kNoId) {
      auto it = content_types_.find(row.content_type_id);
      if (it != content_types_.end()) {
        type = it->second.type;
        content_types_used->insert(row.content_type_id);
      } else if (!content_types_.empty()) {
        session->warnings.push_back(where + ": unknown content type id " +
                                    std::to_string(row.content_type_id));
      }
    }
    const bool rtf = type.find("rtf") != std::string::npos || (type.empty() && LooksLikeRtf(body));
    const bool html = !rtf && type.find("html") != std::string::npos;
    if (rtf) {
      Result<DocumentText> text = ExtractRtfText(body);
      if (!text.has_value()) {
        session->warnings.push_back(
            where + ": body could not be decoded (stored raw): " + text.error().message());
        return ToNfc(CollapseWhitespace(body));
      }
      if (!text->warnings.empty()) {
        session->warnings.push_back(where + ": RTF body partly decoded: " + text->warnings[0]);
      }
      return ToNfc(CollapseWhitespace(text->text));
    }
    if (html) {
      return ToNfc(HtmlToText(body));
    }
    return ToNfc(CollapseWhitespace(body));
  }

  LcsLogSession BuildSession(const SessionKey& key, std::vector<RowRef> refs) const {
    LcsLogSession session;
    session.conference = key.conference;
    session.start = key.start;
    session.sequence = key.sequence;
    const std::string table = key.conference ? "ConferenceMessages" : "Messages";
    session.table_path = files_.at(table).relative;
    std::stable_sort(refs.begin(), refs.end(), [&](const RowRef& a, const RowRef& b) {
      return RowOf(a).sent < RowOf(b).sent;
    });

    std::set<int64_t> users_used;
    std::set<int64_t> content_types_used;
    std::set<int64_t> warned;
    std::unordered_set<std::string> seen;
    const auto add_participant = [&](const std::string& who) {
      if (!who.empty() && seen.insert(who).second) {
        session.participants.push_back(who);
      }
    };
    const auto name = [&](int64_t id) { return UserName(id, &users_used, &session, &warned); };

    // Texts first: a toast is dropped only when a Toast=0 row from the same sender says the
    // same thing (§2.2: the toast repeats the first message); a toast with its own text, or the
    // only row of a session, is a message.
    std::vector<std::string> texts;
    std::set<std::pair<int64_t, std::string>> spoken;
    for (const RowRef& ref : refs) {
      texts.push_back(BodyText(RowOf(ref), table, &session, &content_types_used));
      if (!RowOf(ref).toast) {
        spoken.insert({RowOf(ref).from_id, texts.back()});
      }
    }

    const SourceRow* header_row = nullptr;
    std::string header_table;
    if (!key.conference) {
      int64_t initiator = kNoId;
      int64_t target = kNoId;
      auto details = details_.find(SessionKey{key.start, key.sequence, false});
      if (details == details_.end()) {
        details = details_.find(SessionKey{key.start, -1, false});
      }
      if (details != details_.end()) {
        initiator = details->second.user1;
        target = details->second.user2;
        header_row = &details->second.source;
        header_table = "SessionDetails";
      }
      const MessageRow* opener = &RowOf(refs.front());
      for (const RowRef& ref : refs) {
        if (RowOf(ref).toast) {
          opener = &RowOf(ref);  // the invitation names the initiator
          break;
        }
      }
      if (initiator == kNoId) {
        initiator = opener->from_id;
      }
      if (target == kNoId) {
        target = opener->to_id;
      }
      session.from = name(initiator);
      if (target != kNoId) {
        session.to.push_back(name(target));
      }
      add_participant(session.from);
      for (const std::string& to : session.to) {
        add_participant(to);
      }
      for (const RowRef& ref : refs) {
        add_participant(name(RowOf(ref).from_id));
        add_participant(name(RowOf(ref).to_id));
      }
      session.subject = "Conversation between " + session.from + " and " +
                        (session.to.empty() ? session.from : session.to.front());
    } else {
      std::string uri;
      int64_t organizer = kNoId;
      auto conference = conferences_.find(key);
      if (conference == conferences_.end()) {
        conference = conferences_.find(SessionKey{key.start, -1, true});
      }
      if (conference != conferences_.end()) {
        uri = conference->second.uri;
        organizer = conference->second.organizer;
        header_row = &conference->second.source;
        header_table = "Conferences";
      }
      session.from = name(organizer);
      add_participant(session.from);
      for (const Recipient& recipient : RecipientsOf(key)) {
        add_participant(name(recipient.user));
      }
      for (const RowRef& ref : refs) {
        add_participant(name(RowOf(ref).from_id));
      }
      for (const std::string& who : session.participants) {
        if (who != session.from) {
          session.to.push_back(who);
        }
      }
      if (!session.from.empty()) {
        session.subject = "Conference organized by " + session.from;
      } else if (!uri.empty()) {
        session.subject = uri;
      } else {
        session.subject = "Conference " + FormatIso8601(key.start);
      }
    }

    for (size_t i = 0; i < refs.size(); ++i) {
      const MessageRow& row = RowOf(refs[i]);
      if (row.toast && spoken.contains({row.from_id, texts[i]})) {
        continue;
      }
      ConversationMessage message;
      message.sender = name(row.from_id);
      message.sent = row.sent;
      message.text = std::move(texts[i]);
      session.messages.push_back(std::move(message));
    }

    session.native_name = NativeName(key);
    session.native =
        RenderNative(key, refs, header_row, header_table, users_used, content_types_used);
    return session;
  }

  struct Recipient {
    int64_t user = kNoId;
    SourceRow source;
  };

  std::vector<Recipient> RecipientsOf(const SessionKey& key) const {
    std::vector<Recipient> out;
    for (const SessionKey& candidate : {key, SessionKey{key.start, -1, true}}) {
      auto it = recipients_.find(candidate);
      if (it != recipients_.end()) {
        out.insert(out.end(), it->second.begin(), it->second.end());
      }
      if (key.sequence == -1) {
        break;
      }
    }
    return out;
  }

  static std::string NativeName(const SessionKey& key) {
    // 17 digits of UTC start, like the export's file names.
    std::string iso = FormatIso8601(key.start);  // 2013-06-03T09:15:02Z
    std::string digits;
    for (char c : iso) {
      if (c >= '0' && c <= '9') {
        digits += c;
      }
    }
    const int64_t millis = ((key.start % 1000) + 1000) % 1000;
    std::string ms = std::to_string(millis);
    digits += std::string(3 - ms.size(), '0') + ms;
    return digits + "_" + std::to_string(key.sequence) + (key.conference ? "_conf" : "_p2p") +
           ".tsv";
  }

  void RenderBlock(const std::string& table, const std::vector<const SourceRow*>& rows,
                   std::string* out) const {
    auto file = files_.find(table);
    if (rows.empty() || file == files_.end()) {
      return;
    }
    if (!out->empty()) {
      *out += '\n';
    }
    *out += "table\tline";
    for (const std::string& column : file->second.columns) {
      *out += '\t' + EscapeNativeValue(column);
    }
    *out += '\n';
    for (const SourceRow* row : rows) {
      *out += EscapeNativeValue(file->second.relative) + '\t' + std::to_string(row->line);
      for (const auto& value : Unpack(row->packed)) {
        *out += '\t' + EscapeNativeValue(value);
      }
      *out += '\n';
    }
  }

  std::string RenderNative(const SessionKey& key, const std::vector<RowRef>& refs,
                           const SourceRow* header_row, const std::string& header_table,
                           const std::set<int64_t>& users_used,
                           const std::set<int64_t>& content_types_used) const {
    std::string out;
    if (header_row != nullptr) {
      RenderBlock(header_table, {header_row}, &out);
    }
    // Messages in file order, so the native reads like the dump.
    std::vector<const SourceRow*> rows;
    for (const RowRef& ref : refs) {
      rows.push_back(&RowOf(ref).source);
    }
    std::sort(rows.begin(), rows.end(),
              [](const SourceRow* a, const SourceRow* b) { return a->line < b->line; });
    RenderBlock(key.conference ? "ConferenceMessages" : "Messages", rows, &out);
    if (key.conference) {
      std::vector<Recipient> recipients = RecipientsOf(key);
      rows.clear();
      for (const Recipient& recipient : recipients) {
        rows.push_back(&recipient.source);
      }
      RenderBlock("ConferenceMessageRecipientList", rows, &out);
    }
    rows.clear();
    for (int64_t id : users_used) {
      rows.push_back(&users_.at(id).source);
    }
    RenderBlock("Users", rows, &out);
    rows.clear();
    for (int64_t id : content_types_used) {
      rows.push_back(&content_types_.at(id).source);
    }
    RenderBlock("ContentTypes", rows, &out);
    return out;
  }

  struct User {
    std::string uri;
    SourceRow source;
  };
  struct ContentType {
    std::string type;  // lower case
    SourceRow source;
  };
  struct Details {
    int64_t user1 = kNoId;
    int64_t user2 = kNoId;
    SourceRow source;
  };
  struct Conference {
    std::string uri;
    int64_t organizer = kNoId;
    SourceRow source;
  };

  fs::path folder_;
  std::map<std::string, TableFile> files_;
  std::map<std::string, std::optional<size_t>> body_column_;
  std::unordered_map<int64_t, User> users_;
  std::unordered_map<int64_t, ContentType> content_types_;
  std::map<SessionKey, Details> details_;
  std::map<SessionKey, Conference> conferences_;
  std::map<SessionKey, std::vector<Recipient>> recipients_;
  std::vector<MessageRow> message_rows_;
  std::vector<MessageRow> conference_rows_;
  std::map<SessionKey, std::vector<RowRef>> sessions_;
  std::map<SessionKey, std::vector<RowRef>>::const_iterator next_session_;
};

LcsLogImporter::LcsLogImporter(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
LcsLogImporter::~LcsLogImporter() = default;

Result<std::unique_ptr<LcsLogImporter>> LcsLogImporter::Open(const fs::path& folder) {
  auto impl = std::make_unique<Impl>();
  DOCKET_RETURN_IF_ERROR(impl->Open(folder));
  return std::unique_ptr<LcsLogImporter>(new LcsLogImporter(std::move(impl)));
}

Result<bool> LcsLogImporter::Next(LcsLogSession* session) { return impl_->Next(session); }

const std::vector<LcsLogTableReport>& LcsLogImporter::tables() const { return impl_->reports_; }

const std::vector<std::string>& LcsLogImporter::warnings() const { return impl_->warnings_; }

}  // namespace docket
