/** @file
 *  @brief The SharePoint search JSON shapes, byte-for-byte in key order (sharepoint-search.md
 * §1.6).
 *
 *  nlohmann::ordered_json keeps keys in insertion order: verbose `__metadata` must come first and
 *  the flat shape follows the order of captured SharePoint responses.
 */
#include "web/sharepoint_json.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <random>

#include "common/strings.h"
#include "common/time_util.h"
#include "web/http_types.h"

namespace docket::web {
namespace {

using Json = nlohmann::ordered_json;

constexpr std::string_view kEdmString = "Edm.String";
constexpr std::string_view kEdmInt32 = "Edm.Int32";
constexpr std::string_view kEdmInt64 = "Edm.Int64";
constexpr std::string_view kEdmDouble = "Edm.Double";
constexpr std::string_view kEdmBoolean = "Edm.Boolean";
constexpr std::string_view kEdmDateTime = "Edm.DateTime";

using Getter = std::optional<std::string> (*)(const SearchHit&);

struct PropertyDef {
  std::string_view name;  // schema casing
  std::string_view type;  // ValueType when the value is not null
  Getter get;
};

std::optional<std::string> NonEmpty(const std::string& text) {
  if (text.empty()) {
    return std::nullopt;
  }
  return text;
}

std::optional<std::string> Joined(const std::vector<std::string>& values) {
  std::string out;
  for (const std::string& value : values) {
    if (!out.empty()) {
      out += ';';
    }
    out += value;
  }
  return NonEmpty(out);
}

std::optional<std::string> DateTime(UtcMillis millis) {
  if (millis == 0) {
    return std::nullopt;  // 0 is "unknown" (common/time_util.h)
  }
  return FormatSharePointDateTime(millis);
}

std::optional<std::string> WriteTime(const SearchHit& hit) {
  return DateTime(hit.item.last_activity != 0 ? hit.item.last_activity : hit.item.sent);
}

std::optional<std::string> Extension(const SearchHit& hit) {
  std::string extension = FileExtension(hit.item.file_name);
  if (extension.empty()) {
    return std::nullopt;
  }
  return extension;
}

std::string FormatRank(double rank) {
  if (!std::isfinite(rank)) {
    return "0";
  }
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.15g", rank);
  return buffer;
}

bool IsExchangeLike(ItemKind kind) {
  return kind == ItemKind::kImConversation || kind == ItemKind::kMeeting ||
         kind == ItemKind::kImMessage || kind == ItemKind::kEmail;
}

// Every managed property we can return. The first block, in this order, is the default cell
// set (sharepoint-search.md §1.7.2: the properties clients actually read, then our eDiscovery
// extras); the rest are returned only when selected.
const std::vector<PropertyDef>& Properties() {
  static const std::vector<PropertyDef> kProperties = {
      {"Rank", kEdmDouble,
       [](const SearchHit& h) -> std::optional<std::string> { return FormatRank(h.rank); }},
      {"DocId", kEdmInt64,
       [](const SearchHit& h) -> std::optional<std::string> { return std::to_string(h.item.id); }},
      {"WorkId", kEdmInt64,
       [](const SearchHit& h) -> std::optional<std::string> { return std::to_string(h.item.id); }},
      {"Title", kEdmString,
       [](const SearchHit& h) {
         return h.item.title.empty() ? NonEmpty(h.item.file_name) : NonEmpty(h.item.title);
       }},
      {"Author", kEdmString, [](const SearchHit& h) { return NonEmpty(h.item.from); }},
      {"Size", kEdmInt64,
       [](const SearchHit& h) -> std::optional<std::string> {
         return std::to_string(h.item.size);
       }},
      {"Path", kEdmString, [](const SearchHit& h) { return NonEmpty(h.item.ipath); }},
      {"Description", kEdmString,
       [](const SearchHit&) -> std::optional<std::string> { return std::nullopt; }},
      {"Write", kEdmDateTime, WriteTime},
      {"HitHighlightedSummary", kEdmString,
       [](const SearchHit& h) -> std::optional<std::string> { return h.highlighted_summary; }},
      {"HitHighlightedProperties", kEdmString,
       [](const SearchHit& h) { return NonEmpty(h.highlighted_properties); }},
      {"contentclass", kEdmString,
       [](const SearchHit& h) -> std::optional<std::string> {
         return std::string(IsExchangeLike(h.item.kind) ? "ExchangeItem" : "DocketFile");
       }},
      {"FileExtension", kEdmString, Extension},
      {"IsDocument", kEdmBoolean,
       [](const SearchHit& h) -> std::optional<std::string> {
         const bool document =
             h.item.kind == ItemKind::kFile || h.item.kind == ItemKind::kAttachment;
         return std::string(document ? "true" : "false");
       }},
      {"LastModifiedTime", kEdmDateTime, WriteTime},
      {"FileType", kEdmString, Extension},
      {"Kind", kEdmString,
       [](const SearchHit& h) -> std::optional<std::string> {
         return std::string(ItemKindName(h.item.kind));
       }},
      {"Participants", kEdmString, [](const SearchHit& h) { return Joined(h.item.participants); }},
      {"Custodian", kEdmString, [](const SearchHit& h) { return NonEmpty(h.item.custodian); }},
      {"Sent", kEdmDateTime, [](const SearchHit& h) { return DateTime(h.item.sent); }},
      // ---- selectable only ----
      {"From", kEdmString, [](const SearchHit& h) { return NonEmpty(h.item.from); }},
      {"To", kEdmString, [](const SearchHit& h) { return Joined(h.item.to); }},
      {"Created", kEdmDateTime, [](const SearchHit& h) { return DateTime(h.item.sent); }},
      {"OriginalPath", kEdmString, [](const SearchHit& h) { return NonEmpty(h.item.ipath); }},
      {"FileName", kEdmString, [](const SearchHit& h) { return NonEmpty(h.item.file_name); }},
      {"MediaType", kEdmString, [](const SearchHit& h) { return NonEmpty(h.item.media_type); }},
      {"DetectedLanguage", kEdmString,
       [](const SearchHit& h) { return NonEmpty(h.item.language); }},
      // The charset Docket guessed because the item's label was missing or wrong.
      {"DetectedCharset", kEdmString,
       [](const SearchHit& h) { return NonEmpty(h.item.detected_charset); }},
      {"ParentId", kEdmInt64,
       [](const SearchHit& h) -> std::optional<std::string> {
         if (h.item.parent_id == kNoItem) {
           return std::nullopt;
         }
         return std::to_string(h.item.parent_id);
       }},
      {"IndexState", kEdmString,
       [](const SearchHit& h) -> std::optional<std::string> {
         return std::string(IndexStateName(h.item.state));
       }},
      {"IndexStateReason", kEdmString,
       [](const SearchHit& h) { return NonEmpty(h.item.state_reason); }},
      {"SessionId", kEdmString, [](const SearchHit& h) { return NonEmpty(h.item.session_id); }},
      {"MessageId", kEdmString, [](const SearchHit& h) { return NonEmpty(h.item.message_id); }},
      {"MessageCount", kEdmInt32,
       [](const SearchHit& h) -> std::optional<std::string> {
         return std::to_string(h.item.message_count);
       }},
      {"AttachmentCount", kEdmInt32,
       [](const SearchHit& h) -> std::optional<std::string> {
         return std::to_string(h.item.attachment_count);
       }},
      {"Sha256", kEdmString, [](const SearchHit& h) { return NonEmpty(h.item.sha256); }},
  };
  return kProperties;
}

constexpr size_t kDefaultCellCount = 20;  // the first block of Properties()

const PropertyDef* FindProperty(std::string_view name) {
  for (const PropertyDef& def : Properties()) {
    if (EqualsIgnoreCase(def.name, name)) {
      return &def;
    }
  }
  return nullptr;
}

Cell MakeCell(std::string key, const PropertyDef& def, const SearchHit& hit) {
  Cell cell;
  cell.key = std::move(key);
  cell.value = def.get(hit);
  cell.value_type = cell.value ? std::string(def.type) : "Null";
  return cell;
}

// ---- JSON building blocks; `verbose` adds __metadata and wraps collections -------------------

class Builder {
 public:
  explicit Builder(bool verbose) : verbose_(verbose) {}

  // An object that carries {"__metadata":{"type":...}} first in verbose mode.
  Json Object(std::string_view type) const {
    Json object = Json::object();
    if (verbose_) {
      object["__metadata"] = Json{{"type", type}};
    }
    return object;
  }

  // A collection: a plain array, or {"__metadata":…?, "results":[…]} in verbose mode.
  // `collection_type` empty: no collection-level __metadata (Rows, Cells; as observed).
  Json Collection(Json items, std::string_view collection_type) const {
    if (!verbose_) {
      return items;
    }
    Json wrapper = Json::object();
    if (!collection_type.empty()) {
      wrapper["__metadata"] = Json{{"type", collection_type}};
    }
    wrapper["results"] = std::move(items);
    return wrapper;
  }

  Json KeyValue(std::string_view key, const std::optional<std::string>& value,
                std::string_view value_type) const {
    Json kv = Object("SP.KeyValue");
    kv["Key"] = key;
    if (value) {
      kv["Value"] = *value;
      kv["ValueType"] = value_type;
    } else {
      kv["Value"] = nullptr;
      kv["ValueType"] = "Null";
    }
    return kv;
  }

 private:
  bool verbose_;
};

// ---- the result rows, written directly ------------------------------------------------------
// A page of rows is 20 cells of three members each per hit: building them as ordered_json
// objects and dumping them was most of the rendering time. RowsText writes the same bytes
// Dump would (compact, keys in the same order, strings escaped as nlohmann escapes them, with
// invalid UTF-8 left to nlohmann's replacement).

void AppendJsonString(std::string_view text, std::string* out) {
  if (!IsValidUtf8(text)) {
    *out += Json(std::string(text)).dump(-1, ' ', false, Json::error_handler_t::replace);
    return;
  }
  out->push_back('"');
  // Runs of characters that need no escape are appended whole: most of a response.
  size_t run = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x20 && c != '"' && c != '\\') {
      continue;
    }
    out->append(text.data() + run, i - run);
    run = i + 1;
    switch (c) {
      case '"':
        out->append("\\\"");
        break;
      case '\\':
        out->append("\\\\");
        break;
      case '\b':
        out->append("\\b");
        break;
      case '\f':
        out->append("\\f");
        break;
      case '\n':
        out->append("\\n");
        break;
      case '\r':
        out->append("\\r");
        break;
      case '\t':
        out->append("\\t");
        break;
      default: {
        char buffer[8];
        std::snprintf(buffer, sizeof buffer, "\\u%04x", static_cast<unsigned>(c));
        out->append(buffer);
      }
    }
  }
  out->append(text.data() + run, text.size() - run);
  out->push_back('"');
}

// RelevantResults.Table.Rows as Builder::Collection(rows, "") of Builder::Object rows would be.
std::string RowsText(const SearchResult& result, const SearchRenderOptions& options, bool verbose) {
  std::string out;
  out.reserve(result.hits.size() * 2600);
  out += verbose ? "{\"results\":[" : "[";
  for (size_t h = 0; h < result.hits.size(); ++h) {
    out += h == 0 ? "{" : ",{";
    if (verbose) {
      out += "\"__metadata\":{\"type\":\"SP.SimpleDataRow\"},";
    }
    out += verbose ? "\"Cells\":{\"results\":[" : "\"Cells\":[";
    const std::vector<Cell> cells = BuildCells(result.hits[h], options.select_properties);
    for (size_t i = 0; i < cells.size(); ++i) {
      const Cell& cell = cells[i];
      out += i == 0 ? "{" : ",{";
      if (verbose) {
        out += "\"__metadata\":{\"type\":\"SP.KeyValue\"},";
      }
      out += "\"Key\":";
      AppendJsonString(cell.key, &out);
      out += ",\"Value\":";
      if (cell.value) {
        AppendJsonString(*cell.value, &out);
        out += ",\"ValueType\":";
        AppendJsonString(cell.value_type, &out);
      } else {
        out += "null,\"ValueType\":\"Null\"";
      }
      out += "}";
    }
    out += verbose ? "]}}" : "]}";
  }
  out += verbose ? "]}" : "]";
  return out;
}

// Stands in for the rows in the tree until they are spliced into the dumped text. Dumped as
// "Rows":"\u0001…": inside any other string a '"' is escaped, so the dump holds this key and
// value only where the placeholder is.
constexpr std::string_view kRowsPlaceholder =
    "\x01"
    "docket-rows\x01";
constexpr std::string_view kRowsPlaceholderDumped = "\"Rows\":\"\\u0001docket-rows\\u0001\"";

std::string Dump(const Json& json) {
  // Stored text and echoed request values may hold invalid UTF-8; replace rather than throw.
  return json.dump(-1, ' ', false, Json::error_handler_t::replace);
}

}  // namespace

const std::vector<std::string_view>& DefaultCellNames() {
  static const std::vector<std::string_view> kNames = [] {
    std::vector<std::string_view> names;
    for (size_t i = 0; i < kDefaultCellCount; ++i) {
      names.push_back(Properties()[i].name);
    }
    return names;
  }();
  return kNames;
}

bool IsKnownProperty(std::string_view name) { return FindProperty(name) != nullptr; }

std::vector<Cell> BuildCells(const SearchHit& hit,
                             const std::optional<std::vector<std::string>>& select) {
  std::vector<Cell> cells;
  if (!select) {
    for (size_t i = 0; i < kDefaultCellCount; ++i) {
      const PropertyDef& def = Properties()[i];
      cells.push_back(MakeCell(std::string(def.name), def, hit));
    }
    return cells;
  }
  for (const std::string& name : *select) {
    if (const PropertyDef* def = FindProperty(name)) {
      cells.push_back(MakeCell(name, *def, hit));  // keyed in the request's casing (§1.7.1)
    }
  }
  return cells;
}

std::string NewGuid() {
  thread_local std::mt19937_64 engine{std::random_device{}()};
  uint64_t hi = engine();
  uint64_t lo = engine();
  hi = (hi & 0xFFFFFFFFFFFF0FFFULL) | 0x0000000000004000ULL;  // version 4
  lo = (lo & 0x3FFFFFFFFFFFFFFFULL) | 0x8000000000000000ULL;  // RFC 4122 variant
  char buffer[40];
  std::snprintf(buffer, sizeof buffer, "%08llx-%04llx-%04llx-%04llx-%012llx",
                static_cast<unsigned long long>(hi >> 32),
                static_cast<unsigned long long>((hi >> 16) & 0xFFFF),
                static_cast<unsigned long long>(hi & 0xFFFF),
                static_cast<unsigned long long>(lo >> 48),
                static_cast<unsigned long long>(lo & 0xFFFFFFFFFFFFULL));
  return buffer;
}

std::string RenderSearchResultJson(const SearchResult& result, const SearchRenderOptions& options) {
  const bool verbose = options.format == ODataFormat::kVerbose;
  const Builder b(verbose);

  Json relevant = b.Object("Microsoft.Office.Server.Search.REST.RelevantResults");
  relevant["GroupTemplateId"] = nullptr;
  relevant["ItemTemplateId"] = nullptr;
  Json relevant_properties = Json::array();
  relevant_properties.push_back(
      b.KeyValue("StartRecord", std::to_string(options.start_row), kEdmInt32));
  relevant_properties.push_back(
      b.KeyValue("QueryModification", result.query_modification, kEdmString));
  relevant_properties.push_back(
      b.KeyValue("ExecutionTimeMs", std::to_string(result.elapsed_ms), kEdmInt32));
  relevant["Properties"] = b.Collection(std::move(relevant_properties), "Collection(SP.KeyValue)");
  relevant["ResultTitle"] = nullptr;
  relevant["ResultTitleUrl"] = nullptr;
  relevant["RowCount"] = result.hits.size();
  Json table = b.Object("SP.SimpleDataTable");
  table["Rows"] = std::string(kRowsPlaceholder);  // RowsText, spliced in below
  relevant["Table"] = std::move(table);
  relevant["TotalRows"] = result.total_rows;
  relevant["TotalRowsIncludingDuplicates"] =
      std::max(result.total_rows_including_duplicates, result.total_rows);

  Json primary = b.Object("Microsoft.Office.Server.Search.REST.QueryResult");
  primary["CustomResults"] =
      b.Collection(Json::array(), "Collection(Microsoft.Office.Server.Search.REST.CustomResult)");
  primary["QueryId"] = options.query_id.empty() ? NewGuid() : options.query_id;
  primary["QueryRuleId"] = "00000000-0000-0000-0000-000000000000";
  if (result.refiners.empty()) {
    primary["RefinementResults"] = nullptr;
  } else {
    Json refiners = Json::array();
    for (const RefinerResult& refiner : result.refiners) {
      Json entries = Json::array();
      for (const RefinerEntry& entry : refiner.entries) {
        Json e = b.Object("Microsoft.Office.Server.Search.REST.RefinerEntry");
        e["RefinementCount"] = std::to_string(entry.count);  // Edm.Int64: a string (§1.9.2)
        e["RefinementName"] = entry.name;
        e["RefinementToken"] = entry.token;
        e["RefinementValue"] = entry.value;
        entries.push_back(std::move(e));
      }
      Json r = b.Object("Microsoft.Office.Server.Search.REST.Refiner");
      r["Name"] = refiner.name;
      r["Entries"] = b.Collection(std::move(entries),
                                  "Collection(Microsoft.Office.Server.Search.REST.RefinerEntry)");
      refiners.push_back(std::move(r));
    }
    Json refinement = b.Object("Microsoft.Office.Server.Search.REST.RefinementResults");
    refinement["GroupTemplateId"] = nullptr;
    refinement["ItemTemplateId"] = nullptr;
    refinement["Properties"] = b.Collection(Json::array(), "Collection(SP.KeyValue)");
    refinement["Refiners"] = b.Collection(
        std::move(refiners), "Collection(Microsoft.Office.Server.Search.REST.Refiner)");
    refinement["ResultTitle"] = nullptr;
    refinement["ResultTitleUrl"] = nullptr;
    primary["RefinementResults"] = std::move(refinement);
  }
  primary["RelevantResults"] = std::move(relevant);
  primary["SpecialTermResults"] = nullptr;

  Json top = b.Object("Microsoft.Office.Server.Search.REST.SearchResult");
  if (options.format == ODataFormat::kMinimalMetadata) {
    top["odata.metadata"] = options.metadata_url;
  }
  top["ElapsedTime"] = result.elapsed_ms;
  top["PrimaryQueryResult"] = std::move(primary);
  Json properties = Json::array();
  properties.push_back(b.KeyValue("RowLimit", std::to_string(options.row_limit), kEdmInt32));
  top["Properties"] = b.Collection(std::move(properties), "Collection(SP.KeyValue)");
  top["SecondaryQueryResults"] =
      b.Collection(Json::array(), "Collection(Microsoft.Office.Server.Search.REST.QueryResult)");
  top["SpellingSuggestion"] = "";
  top["TriggeredRules"] = b.Collection(Json::array(), "Collection(Edm.Guid)");

  std::string text;
  if (!verbose) {
    text = Dump(top);
  } else {
    Json d = Json::object();
    d[options.function_name] = std::move(top);
    Json wrapper = Json::object();
    wrapper["d"] = std::move(d);
    text = Dump(wrapper);
  }
  const size_t at = text.find(kRowsPlaceholderDumped);
  if (at != std::string::npos) {
    text.replace(at, kRowsPlaceholderDumped.size(),
                 "\"Rows\":" + RowsText(result, options, verbose));
  }
  return text;
}

std::string RenderSuggestJson(const SuggestResult& result, ODataFormat format) {
  const bool verbose = format == ODataFormat::kVerbose;
  const Builder b(verbose);
  Json top = b.Object("Microsoft.SharePoint.Client.Search.Query.QuerySuggestionResults");
  if (result.people_names_null) {
    top["PeopleNames"] = nullptr;
  } else {
    top["PeopleNames"] = b.Collection(Json(result.people_names), "Collection(Edm.String)");
  }
  top["PersonalResults"] =
      b.Collection(Json::array(),
                   "Collection(Microsoft.SharePoint.Client.Search.Query.PersonalResultSuggestion)");
  top["PopularResults"] =
      b.Collection(Json::array(),
                   "Collection(Microsoft.SharePoint.Client.Search.Query.PersonalResultSuggestion)");
  Json queries = Json::array();
  for (const std::string& query : result.queries) {
    Json q = b.Object("Microsoft.SharePoint.Client.Search.Query.QuerySuggestionQuery");
    q["IsPersonal"] = false;
    q["Query"] = query;
    queries.push_back(std::move(q));
  }
  top["Queries"] =
      b.Collection(std::move(queries),
                   "Collection(Microsoft.SharePoint.Client.Search.Query.QuerySuggestionQuery)");
  if (!verbose) {
    return Dump(top);
  }
  Json wrapper = Json::object();
  wrapper["d"] = Json::object();
  wrapper["d"]["suggest"] = std::move(top);
  return Dump(wrapper);
}

std::string RenderODataErrorJson(ODataFormat format, std::string_view message,
                                 std::string_view exception_type) {
  Json error = Json::object();
  error["code"] = "-1, " + std::string(exception_type);
  Json text = Json::object();
  text["lang"] = "en-US";
  text["value"] = message;
  error["message"] = std::move(text);
  Json body = Json::object();
  body[format == ODataFormat::kVerbose ? "error" : "odata.error"] = std::move(error);
  return Dump(body);
}

std::string RenderContextInfoJson(const ContextInfo& info, ODataFormat format,
                                  std::string_view metadata_url) {
  const bool verbose = format == ODataFormat::kVerbose;
  const Builder b(verbose);
  Json top = b.Object("SP.ContextWebInformation");
  if (format == ODataFormat::kMinimalMetadata) {
    top["odata.metadata"] = metadata_url;
  }
  // Key order of a captured SharePoint Online answer.
  top["FormDigestTimeoutSeconds"] = info.timeout_seconds;
  top["FormDigestValue"] = info.form_digest;
  top["LibraryVersion"] = kLibraryVersion;
  top["SiteFullUrl"] = info.site_full_url;
  top["SupportedSchemaVersions"] =
      b.Collection(Json::array({"14.0.0.0", "15.0.0.0"}), "Collection(Edm.String)");
  top["WebFullUrl"] = info.web_full_url;
  if (!verbose) {
    return Dump(top);
  }
  Json wrapper = Json::object();
  wrapper["d"] = Json::object();
  wrapper["d"]["GetContextWebInformation"] = std::move(top);
  return Dump(wrapper);
}

}  // namespace docket::web
