/** @file
 *  @brief Directory CSV import and the DocStore-backed IdentityResolver.
 *
 *  Key space (DocStore column family "identities"; keys are TextAnalyzer::NormalizeAddress of a
 *  form, values JSON {"forms": [...]}, sorted and unique):
 *    SMTP or SIP address   -> every form of that person: addresses and display names
 *    display name, alias   -> the union of the forms of everyone with that name or alias
 *  Addresses merge identities (one address is one person); names and aliases never do, because
 *  two people may share a name. A name resolving to both is over-inclusive on purpose: a
 *  compliance search must not miss a custodian's items, and a reviewer discards the extra hits.
 */
#include "storage/directory.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "common/strings.h"
#include "storage/doc_store.h"
#include "storage/text_analyzer.h"

namespace docket {
namespace {

using nlohmann::json;
using Forms = std::set<std::string>;

struct CsvRow {
  size_t line = 0;  // 1-based line the row starts on
  std::vector<std::string> fields;
};

// RFC 4180 with the usual leniencies: LF or CRLF, a quote inside an unquoted field is literal,
// a missing final line break is fine.
std::vector<CsvRow> SplitCsv(std::string_view text) {
  std::vector<CsvRow> rows;
  CsvRow row;
  row.line = 1;
  std::string field;
  bool quoted = false;
  bool field_started = false;
  size_t line = 1;
  const auto end_field = [&] {
    row.fields.push_back(std::move(field));
    field.clear();
    field_started = false;
  };
  const auto end_row = [&] {
    end_field();
    rows.push_back(std::move(row));
    row = CsvRow{};
    row.line = line;
  };
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"') {
        if (i + 1 < text.size() && text[i + 1] == '"') {
          field.push_back('"');
          ++i;
        } else {
          quoted = false;
        }
      } else {
        if (c == '\n') {
          ++line;
        }
        field.push_back(c);
      }
      continue;
    }
    if (c == '"' && !field_started) {
      quoted = true;
      field_started = true;
    } else if (c == ',') {
      end_field();
    } else if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
      continue;  // the '\n' ends the row
    } else if (c == '\n') {
      ++line;
      end_row();
    } else {
      field.push_back(c);
      field_started = true;
    }
  }
  if (field_started || !field.empty() || !row.fields.empty()) {
    end_row();
  }
  return rows;
}

std::string HeaderKey(std::string_view name) {
  std::string key;
  for (char c : TrimWhitespace(name)) {
    if (c == ' ' || c == '_' || c == '-') {
      continue;
    }
    key.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  }
  return key;
}

Forms ParseForms(const std::string& value) {
  json j = json::parse(value, nullptr, /*allow_exceptions=*/false);
  Forms forms;
  if (j.is_object() && j.contains("forms") && j["forms"].is_array()) {
    for (const auto& form : j["forms"]) {
      if (form.is_string()) {
        forms.insert(form.get<std::string>());
      }
    }
  }
  return forms;
}

std::string FormsJson(const Forms& forms) {
  return json{{"forms", std::vector<std::string>(forms.begin(), forms.end())}}.dump();
}

bool IsAddress(const std::string& form) { return form.find('@') != std::string::npos; }

// Reads records through the writes of the current import, so rows of one file merge.
class PendingDirectory {
 public:
  explicit PendingDirectory(DocStore& store) : store_(store) {}

  Result<Forms> Get(const std::string& key) {
    if (auto it = pending_.find(key); it != pending_.end()) {
      return it->second;
    }
    Result<std::string> stored = store_.GetIdentity(key);
    if (!stored.ok()) {
      if (stored.error().code() == StatusCode::kNotFound) {
        return Forms{};
      }
      return stored.error();
    }
    return ParseForms(*stored);
  }

  void Put(const std::string& key, Forms forms) { pending_[key] = std::move(forms); }

  Status Commit() {
    std::vector<std::pair<std::string, std::string>> records;
    records.reserve(pending_.size());
    for (const auto& [key, forms] : pending_) {
      records.emplace_back(key, FormsJson(forms));
    }
    return store_.PutIdentities(records);
  }

 private:
  DocStore& store_;
  std::map<std::string, Forms> pending_;
};

}  // namespace

Result<DirectoryCsv> ParseDirectoryCsv(std::string_view text) {
  if (text.substr(0, 3) == "\xEF\xBB\xBF") {
    text.remove_prefix(3);
  }
  std::vector<CsvRow> rows = SplitCsv(text);
  if (rows.empty()) {
    return Status::InvalidArgument(
        "the directory file is empty; expected a header row "
        "DisplayName,SmtpAddress,SipAddress");
  }
  int name_column = -1;
  int smtp_column = -1;
  int sip_column = -1;
  const std::vector<std::string>& header = rows.front().fields;
  for (size_t i = 0; i < header.size(); ++i) {
    const std::string key = HeaderKey(header[i]);
    const int column = static_cast<int>(i);
    if (key == "displayname" || key == "name") {
      name_column = name_column < 0 ? column : name_column;
    } else if (key == "smtpaddress" || key == "primarysmtpaddress" || key == "emailaddress" ||
               key == "email" || key == "mail") {
      smtp_column = smtp_column < 0 ? column : smtp_column;
    } else if (key == "sipaddress" || key == "sipuri" || key == "sip") {
      sip_column = sip_column < 0 ? column : sip_column;
    }
  }
  if (smtp_column < 0 && sip_column < 0) {
    return Status::InvalidArgument(
        "the directory file's first row names no SmtpAddress or SipAddress column; expected a "
        "header row such as DisplayName,SmtpAddress,SipAddress");
  }
  const auto cell = [](const CsvRow& row, int column) -> std::string {
    if (column < 0 || static_cast<size_t>(column) >= row.fields.size()) {
      return {};
    }
    return std::string(TrimWhitespace(row.fields[static_cast<size_t>(column)]));
  };
  DirectoryCsv out;
  for (size_t r = 1; r < rows.size(); ++r) {
    const CsvRow& row = rows[r];
    const bool blank = std::all_of(row.fields.begin(), row.fields.end(),
                                   [](const std::string& f) { return TrimWhitespace(f).empty(); });
    if (blank) {
      continue;
    }
    DirectoryEntry entry{cell(row, name_column), cell(row, smtp_column), cell(row, sip_column)};
    if (entry.smtp.empty() && entry.sip.empty()) {
      out.problems.push_back("line " + std::to_string(row.line) +
                             ": no SmtpAddress or SipAddress; row skipped");
      continue;
    }
    out.entries.push_back(std::move(entry));
  }
  return out;
}

Result<size_t> ImportDirectory(DocStore& store, const std::vector<DirectoryEntry>& entries,
                               TextAnalyzer& analyzer) {
  PendingDirectory directory(store);
  size_t stored = 0;
  for (const DirectoryEntry& entry : entries) {
    Forms forms;
    for (const std::string* value : {&entry.smtp, &entry.sip, &entry.display_name}) {
      std::string form = analyzer.NormalizeAddress(*value);
      if (!form.empty()) {
        forms.insert(std::move(form));
      }
    }
    if (std::none_of(forms.begin(), forms.end(), IsAddress)) {
      continue;  // nothing that names one person
    }
    // Join every identity an address of this row already belongs to.
    for (const std::string& form : Forms(forms)) {
      if (IsAddress(form)) {
        DOCKET_ASSIGN_OR_RETURN(Forms known, directory.Get(form));
        forms.insert(known.begin(), known.end());
      }
    }
    Forms shared_keys;
    for (const std::string& form : forms) {
      if (IsAddress(form)) {
        directory.Put(form, forms);
        shared_keys.insert(form.substr(0, form.find('@')));  // the alias
      } else {
        shared_keys.insert(form);  // a display name
      }
    }
    for (const std::string& key : shared_keys) {
      if (key.empty()) {
        continue;
      }
      DOCKET_ASSIGN_OR_RETURN(Forms known, directory.Get(key));
      known.insert(forms.begin(), forms.end());
      directory.Put(key, std::move(known));
    }
    ++stored;
  }
  DOCKET_RETURN_IF_ERROR(directory.Commit());
  return stored;
}

std::vector<std::string> StoreIdentityResolver::FormsOf(std::string_view normalized_value) const {
  if (normalized_value.empty()) {
    return {};
  }
  Result<std::string> stored = store_.GetIdentity(normalized_value);
  if (!stored.ok()) {
    return {};  // unknown (or unreadable): the value is searched as typed
  }
  Forms forms = ParseForms(*stored);
  return {forms.begin(), forms.end()};
}

}  // namespace docket
