/** @file
 *  @brief DocStore on RocksDB column families.
 *
 *  Key grammar (ids and sequences are fixed-width big-endian so key order is numeric order):
 *    default   "meta/next_id" -> be64, "meta/last_seq" -> be64
 *    items     be64(item_id) -> Item as JSON (messages are stored as kImMessage children)
 *    children  be64(parent) be64(child) -> ""
 *    natives   sha256 hex -> bytes (BlobDB: large values live in blob files, not the LSM)
 *    content   sha256 hex -> be64(first item stored with that native)   (deduplication)
 *    sources   sha256 hex -> SourceRecord as JSON                      (ingest state)
 *    log       be64(seq) -> be64(item_id)*                             (ingest log)
 *    locations sha256 hex \0 ipath \0 custodian -> ""                (every place a native
 *              was found; the key makes recording a location twice a no-op)
 *    keys      conversation key -> be64(item id)                       (IM sessions across sources)
 *    default   "meta/ingest_marker" -> IngestMarker as JSON while a source is being ingested
 *  JSON keeps stored items readable with ldb and tolerant of new fields; it is not the hot
 *  path (Xapian is).
 */
#include "storage/doc_store.h"

#include <rocksdb/db.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/options.h>
#include <rocksdb/table.h>
#include <rocksdb/write_batch.h>
#include <simdjson.h>

#include <algorithm>
#include <mutex>
#include <nlohmann/json.hpp>

namespace docket {
namespace {

using nlohmann::json;

constexpr const char* kFamilies[] = {"default", "items", "children",  "natives", "content",
                                     "sources", "log",   "locations", "keys",    "identities"};
enum Family {
  kDefault = 0,
  kItems,
  kChildren,
  kNatives,
  kContent,
  kSources,
  kLog,
  kLocations,
  kKeys,
  kIdentities,  // the identity directory: normalised form -> identity record (directory.cc)
  kFamilyCount
};

std::string LocationKey(const Location& location) {
  std::string key = location.sha256;
  key.push_back('\0');
  key += location.ipath;
  key.push_back('\0');
  key += location.custodian;
  return key;
}

// LocationKey read back.
Location LocationFromKey(std::string_view key) {
  const size_t first = key.find('\0');
  const size_t second = first == std::string_view::npos ? first : key.find('\0', first + 1);
  Location location;
  location.sha256 = std::string(key.substr(0, first));
  if (first != std::string_view::npos) {
    location.ipath = std::string(key.substr(first + 1, second - first - 1));
    location.custodian =
        second == std::string_view::npos ? "" : std::string(key.substr(second + 1));
  }
  return location;
}

constexpr std::string_view kMetaNextId = "meta/next_id";
constexpr std::string_view kMetaLastSeq = "meta/last_seq";
constexpr std::string_view kMetaIngestMarker = "meta/ingest_marker";

std::string Be64(uint64_t v) {
  std::string out(8, '\0');
  for (int i = 7; i >= 0; --i) {
    out[static_cast<size_t>(i)] = static_cast<char>(v & 0xFF);
    v >>= 8;
  }
  return out;
}

uint64_t FromBe64(std::string_view s, size_t offset = 0) {
  uint64_t v = 0;
  for (size_t i = 0; i < 8 && offset + i < s.size(); ++i) {
    v = (v << 8) | static_cast<unsigned char>(s[offset + i]);
  }
  return v;
}

Status FromRocks(const rocksdb::Status& s, std::string_view what) {
  if (s.ok()) {
    return Status::OK();
  }
  if (s.IsNotFound()) {
    return Status::NotFound(std::string(what) + " not found");
  }
  if (s.IsCorruption()) {
    return Status::Corruption(std::string(what) + ": " + s.ToString());
  }
  return Status::IOError(std::string(what) + ": " + s.ToString());
}

json ItemToJson(const Item& item) {
  json j{{"id", item.id},
         {"parent", item.parent_id},
         {"kind", static_cast<int>(item.kind)},
         {"state", static_cast<int>(item.state)},
         {"reason", item.state_reason},
         {"ipath", item.ipath},
         {"name", item.file_name},
         {"type", item.media_type},
         {"custodian", item.custodian},
         {"custodians", item.custodians},
         {"ckey", item.conversation_key},
         {"title", item.title},
         {"from", item.from},
         {"to", item.to},
         {"participants", item.participants},
         {"sent", item.sent},
         {"last", item.last_activity},
         {"session", item.session_id},
         {"msgid", item.message_id},
         {"size", item.size},
         {"sha256", item.sha256},
         {"lang", item.language},
         {"charset", item.detected_charset},
         {"messages", item.message_count},
         {"attachments", item.attachment_count},
         {"cc", item.cc},
         {"bcc", item.bcc},
         {"received", item.received},
         {"importance", item.importance},
         {"class", item.item_class},
         {"author", item.author},
         {"attnames", item.attachment_names}};
  // Only items with a native have these; conversation lines, the bulk of a store, do not, and
  // every byte here is written on the single writer thread.
  if (!item.md5.empty()) {
    j["md5"] = item.md5;
  }
  if (!item.sha1.empty()) {
    j["sha1"] = item.sha1;
  }
  return j;
}

json SourceToJson(const SourceRecord& s) {
  return json{{"sha256", s.sha256}, {"path", s.path},         {"custodian", s.custodian},
              {"items", s.items},   {"complete", s.complete}, {"at", s.ingested_at}};
}

SourceRecord SourceFromJson(const json& j) {
  SourceRecord s;
  s.sha256 = j.value("sha256", "");
  s.path = j.value("path", "");
  s.custodian = j.value("custodian", "");
  s.items = j.value("items", uint64_t{0});
  s.complete = j.value("complete", false);
  s.ingested_at = j.value("at", int64_t{0});
  return s;
}

// An item is stored as its JSON header, a newline, then its text as raw UTF-8. JSON text never
// holds a raw newline, so the first one ends the header. Keeping the text out of the JSON spares
// escaping and validating every character of every transcript on the single writer thread, which
// was a third of its time. Values without a newline are items written before this layout, whose
// text is the header's "text" field.
std::string EncodeItem(const Item& item) {
  std::string value = ItemToJson(item).dump();
  value.reserve(value.size() + 1 + item.text.size());
  value += '\n';
  value += item.text;
  return value;
}

// Stored bytes that fail to parse are corruption, reported as a Status, never thrown.
template <typename T, typename Fn>
Result<T> ParseStored(const std::string& bytes, std::string_view what, Fn&& from_json) {
  json j = json::parse(bytes, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) {
    return Status::Corruption(std::string(what) + " is not valid JSON in the store");
  }
  return from_json(j);
}

// The members of an item's JSON header (ItemToJson's keys) and where each goes.
enum class Numeric { kNone, kU64, kI64, kU32, kKind, kState };
struct HeaderField {
  std::string_view key;
  std::string Item::*text = nullptr;
  std::vector<std::string> Item::*list = nullptr;
  Numeric numeric = Numeric::kNone;
  uint64_t Item::*u64 = nullptr;
  int64_t Item::*i64 = nullptr;
  uint32_t Item::*u32 = nullptr;
};

const HeaderField* FindHeaderField(std::string_view k) {
  using S = std::string Item::*;
  using L = std::vector<std::string> Item::*;
  static const HeaderField kFields[] = {
      {"id", nullptr, nullptr, Numeric::kU64, &Item::id},
      {"parent", nullptr, nullptr, Numeric::kU64, &Item::parent_id},
      {"kind", nullptr, nullptr, Numeric::kKind},
      {"state", nullptr, nullptr, Numeric::kState},
      {"reason", S{&Item::state_reason}},
      {"ipath", S{&Item::ipath}},
      {"name", S{&Item::file_name}},
      {"type", S{&Item::media_type}},
      {"custodian", S{&Item::custodian}},
      {"custodians", nullptr, L{&Item::custodians}},
      {"ckey", S{&Item::conversation_key}},
      {"title", S{&Item::title}},
      {"from", S{&Item::from}},
      {"to", nullptr, L{&Item::to}},
      {"participants", nullptr, L{&Item::participants}},
      {"sent", nullptr, nullptr, Numeric::kI64, nullptr, &Item::sent},
      {"last", nullptr, nullptr, Numeric::kI64, nullptr, &Item::last_activity},
      {"session", S{&Item::session_id}},
      {"msgid", S{&Item::message_id}},
      {"size", nullptr, nullptr, Numeric::kU64, &Item::size},
      {"sha256", S{&Item::sha256}},
      {"md5", S{&Item::md5}},
      {"sha1", S{&Item::sha1}},
      {"text", S{&Item::text}},
      {"lang", S{&Item::language}},
      {"charset", S{&Item::detected_charset}},
      {"messages", nullptr, nullptr, Numeric::kU32, nullptr, nullptr, &Item::message_count},
      {"attachments", nullptr, nullptr, Numeric::kU32, nullptr, nullptr, &Item::attachment_count},
      {"cc", nullptr, L{&Item::cc}},
      {"bcc", nullptr, L{&Item::bcc}},
      {"received", nullptr, nullptr, Numeric::kI64, nullptr, &Item::received},
      {"importance", S{&Item::importance}},
      {"class", S{&Item::item_class}},
      {"author", S{&Item::author}},
      {"attnames", nullptr, L{&Item::attachment_names}},
  };
  for (const HeaderField& field : kFields) {
    if (field.key == k) {
      return &field;
    }
  }
  return nullptr;
}

template <typename T>
void SetNumeric(Item& item, const HeaderField& field, T v) {
  switch (field.numeric) {
    case Numeric::kNone:
      break;
    case Numeric::kU64:
      item.*field.u64 = static_cast<uint64_t>(v);
      break;
    case Numeric::kI64:
      item.*field.i64 = static_cast<int64_t>(v);
      break;
    case Numeric::kU32:
      item.*field.u32 = static_cast<uint32_t>(v);
      break;
    case Numeric::kKind:
      item.kind = static_cast<ItemKind>(static_cast<int>(v));
      break;
    case Numeric::kState:
      item.state = static_cast<IndexState>(static_cast<int>(v));
      break;
  }
}

// Reads one member's value into the item. A value of an unexpected type leaves the field at its
// default, as a missing member does (items stored before md5, sha1, or with "text" in the
// header); simdjson skips a value that is not read.
simdjson::error_code ReadHeaderField(Item& item, const HeaderField& field,
                                     simdjson::ondemand::value value) {
  if (field.text != nullptr) {
    std::string_view text;
    if (value.get_string().get(text) == simdjson::SUCCESS) {
      (item.*field.text).assign(text);
    }
    return simdjson::SUCCESS;
  }
  if (field.list != nullptr) {
    simdjson::ondemand::array array;
    if (value.get_array().get(array) != simdjson::SUCCESS) {
      return simdjson::SUCCESS;
    }
    std::vector<std::string>& list = item.*field.list;
    list.clear();
    for (auto element : array) {
      std::string_view text;
      const simdjson::error_code error = element.get_string().get(text);
      if (error == simdjson::SUCCESS) {
        list.emplace_back(text);
      } else if (error != simdjson::INCORRECT_TYPE) {
        return error;
      }
    }
    return simdjson::SUCCESS;
  }
  simdjson::ondemand::number number;
  if (value.get_number().get(number) != simdjson::SUCCESS) {
    return simdjson::SUCCESS;
  }
  if (number.is_int64()) {
    SetNumeric(item, field, number.get_int64());
  } else if (number.is_uint64()) {
    SetNumeric(item, field, number.get_uint64());
  } else {
    SetNumeric(item, field, number.get_double());
  }
  return simdjson::SUCCESS;
}

// Reads an item's JSON header into an Item in one pass with simdjson's on-demand parser,
// without building a tree. A search page decodes one header per hit and an export plan one per
// item; nlohmann's SAX lexer, which this replaced, was a fifth of planning an export.
simdjson::error_code ReadHeader(std::string_view header, Item& item) {
  // simdjson reads in 64-byte strides and needs that much readable padding past the end.
  thread_local std::string padded;
  thread_local simdjson::ondemand::parser parser;
  padded.assign(header);
  padded.append(simdjson::SIMDJSON_PADDING, ' ');
  simdjson::ondemand::document document;
  if (auto error = parser.iterate(padded.data(), header.size(), padded.size()).get(document)) {
    return error;
  }
  simdjson::ondemand::object object;
  if (auto error = document.get_object().get(object)) {
    return error;
  }
  for (auto member : object) {
    std::string_view key;
    if (auto error = member.unescaped_key().get(key)) {
      return error;
    }
    const HeaderField* field = FindHeaderField(key);
    if (field == nullptr) {
      continue;
    }
    simdjson::ondemand::value value;
    if (auto error = member.value().get(value)) {
      return error;
    }
    if (auto error = ReadHeaderField(item, *field, value)) {
      return error;
    }
  }
  return simdjson::SUCCESS;
}

// `max_text`: a text longer than this is left out (Reader::GetItem).
Result<Item> DecodeItem(std::string_view value, std::string_view what, size_t max_text = SIZE_MAX) {
  const size_t newline = value.find('\n');
  const std::string_view header = value.substr(0, newline);
  Item item;
  // A header without them reads as these, as it always has.
  item.kind = static_cast<ItemKind>(6);
  item.state = static_cast<IndexState>(0);
  if (ReadHeader(header, item) != simdjson::SUCCESS) {
    return Status::Corruption(std::string(what) + " is not valid JSON in the store");
  }
  if (newline != std::string_view::npos && value.size() - newline - 1 <= max_text) {
    item.text.assign(value.substr(newline + 1));
  }
  return item;
}

// The children index's entry `it` is on: be64(parent) be64(child) -> the child's kind (one
// byte; nothing in stores written before kinds were recorded).
ChildEntry ChildEntryAt(const rocksdb::Iterator& it) {
  ChildEntry child;
  child.id = FromBe64(it.key().ToStringView(), 8);
  if (it.value().size() == 1) {
    const auto kind = static_cast<uint8_t>(it.value()[0]);
    if (kind <= static_cast<uint8_t>(ItemKind::kFile)) {
      child.kind = static_cast<ItemKind>(kind);
    }
  }
  return child;
}

// The children index's entries of one parent, from `it` positioned at or after its first key.
Result<std::vector<ChildEntry>> ReadChildEntries(rocksdb::Iterator& it, const std::string& prefix) {
  std::vector<ChildEntry> children;
  for (; it.Valid() && it.key().starts_with(prefix); it.Next()) {
    children.push_back(ChildEntryAt(it));
  }
  DOCKET_RETURN_IF_ERROR(FromRocks(it.status(), "listing children"));
  return children;
}

// The locations of one native, from `it` positioned at or after the first key with `prefix`
// (sha256 and a NUL).
Result<std::vector<Location>> ReadLocations(rocksdb::Iterator& it, const std::string& prefix) {
  std::vector<Location> locations;
  for (; it.Valid() && it.key().starts_with(prefix); it.Next()) {
    locations.push_back(LocationFromKey(it.key().ToStringView()));
  }
  DOCKET_RETURN_IF_ERROR(FromRocks(it.status(), "listing locations"));
  return locations;
}

}  // namespace

struct DocStore::Impl {
  std::unique_ptr<rocksdb::DB> db;
  std::vector<rocksdb::ColumnFamilyHandle*> families;
  bool read_only = false;
  std::atomic<uint64_t> next_id{1};
  std::mutex write_mutex;  // orders sequence numbers with their batches

  ~Impl() {
    for (auto* handle : families) {
      if (handle != nullptr) {
        db->DestroyColumnFamilyHandle(handle).PermitUncheckedError();
      }
    }
  }

  // nullptr for a family a read-only open found missing (a store written by an older build).
  rocksdb::ColumnFamilyHandle* cf(Family f) const { return families[static_cast<size_t>(f)]; }

  // RocksDB's estimate of the keys in `f` (0 for a family a read-only open found missing).
  uint64_t EstimateKeys(Family f) const {
    uint64_t count = 0;
    if (cf(f) == nullptr || !db->GetIntProperty(cf(f), "rocksdb.estimate-num-keys", &count)) {
      return 0;
    }
    return count;
  }

  // `Value`: a std::string, or a rocksdb::PinnableSlice that avoids the copy into one.
  template <typename Value>
  Status Get(Family f, std::string_view key, Value* value, std::string_view what) const {
    if (cf(f) == nullptr) {
      return Status::NotFound(std::string(what) + " not found");
    }
    return FromRocks(
        db->Get(rocksdb::ReadOptions(), cf(f), rocksdb::Slice(key.data(), key.size()), value),
        what);
  }
};

DocStore::DocStore(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
DocStore::~DocStore() {
  // With manual_wal_flush the last writes may still sit in RocksDB's buffer: hand them to the
  // operating system so that a clean exit never loses them.
  if (impl_ != nullptr && impl_->db != nullptr && !impl_->read_only) {
    impl_->db->FlushWAL(/*sync=*/true).PermitUncheckedError();
  }
}

std::string DocStore::DiskState(const std::filesystem::path& dir) {
  std::vector<std::string> files;
  std::error_code ec;
  for (std::filesystem::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    std::string name = it->path().filename().string();
    // Table and blob files are immutable and named in the manifest, so the logs (every write),
    // the manifests (flushes, compactions) and CURRENT (a new manifest) tell all.
    if (!name.ends_with(".log") && !name.starts_with("MANIFEST-") && name != "CURRENT") {
      continue;
    }
    std::error_code size_ec;
    std::error_code time_ec;
    const uintmax_t size = it->file_size(size_ec);
    const auto written = it->last_write_time(time_ec);
    name += ':' + std::to_string(size_ec ? 0 : size) + ':' +
            std::to_string(time_ec ? 0 : written.time_since_epoch().count());
    files.push_back(std::move(name));
  }
  if (ec) {
    return {};
  }
  std::sort(files.begin(), files.end());  // directory order is unspecified
  std::string state;
  for (const std::string& file : files) {
    state += file;
    state += '\n';
  }
  return state;
}

Result<std::unique_ptr<DocStore>> DocStore::Open(const std::filesystem::path& dir,
                                                 const DocStoreOptions& options) {
  auto impl = std::make_unique<Impl>();
  impl->read_only = options.read_only;

  rocksdb::DBOptions db_options;
  db_options.create_if_missing = options.create_if_missing;
  db_options.create_missing_column_families = true;
  db_options.max_background_jobs = 2;
  // An open loads every table file's handler, and RocksDB starts max_file_opening_threads - 1
  // threads for it per column family: with its default of 16, an export's two opens started
  // about 300 threads, a tenth of a second before the query could run on two cores. Two keep
  // a second read in flight for a store that is not in the page cache. `docket search` on the
  // bench corpus: 0.07-0.08 s -> 0.05 s.
  db_options.max_file_opening_threads = 2;
  // One small memtable budget for all column families together. Per family (the default,
  // 64 MiB x 2 for each of a dozen families) the memtables filled up only on a large corpus, so
  // peak memory grew with the corpus: 204 MB at 20k conversations, 338 MB at 100k. With one
  // shared budget the largest family is flushed when the total reaches it; small enough that a
  // 20k corpus reaches it too, so peak memory no longer depends on the corpus size (151 MB at
  // 20k, 165 MB at 100k). 32 MiB was 4% faster but 159 -> 178 MB.
  db_options.db_write_buffer_size = 16 << 20;
  // The write-ahead log stays in RocksDB's buffer until Sync(): a write() per family cost the
  // single writer thread a syscall each. Durability is unchanged, because a store write was never
  // durable before Sync() and recovery already assumes everything after the last Sync() may be
  // lost (the ingest marker rolls the source back).
  db_options.manual_wal_flush = true;
  // Files are read with pread, never mapped (allow_mmap_reads). Mapped, an export of the bench
  // corpus took 5.3-6.5 s instead of 3.9-4.1 s when the store was not in the page cache (the
  // usual case for a store larger than memory: pages fault in one at a time, without RocksDB's
  // readahead), and was no faster when it was.

  rocksdb::ColumnFamilyOptions defaults;
  defaults.compression = rocksdb::kLZ4Compression;
  // Bloom filters (10 bits a key, 1% false positives): a point lookup reads a data block only
  // in the table files that may hold its key. Natives and content are keyed by hash, so every
  // level and level-0 file overlaps every key; without filters each GetNative read a block in
  // each of them (two for one native on the bench corpus). Written into new table files only.
  rocksdb::BlockBasedTableOptions table;
  table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  defaults.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  rocksdb::ColumnFamilyOptions natives = defaults;
  // Natives are large, written once and read for export: keep them out of compaction.
  natives.enable_blob_files = true;
  natives.min_blob_size = 4096;
  // LZ4, not ZSTD: every native is decompressed again for each export and preview, and on this
  // class of machine ZSTD decodes mail natives at ~650 MB/s against LZ4's ~3 GB/s (it was a
  // seventh of an export's CPU, bench/export --large). LZ4 also compresses them 4x faster at
  // ingest. The price is disk: 1.8x instead of 2.9x on mail (a quarter more store than before).
  // Each blob file records its own compression, so stores written with ZSTD stay readable.
  natives.blob_compression_type = rocksdb::kLZ4Compression;

  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  for (int f = 0; f < kFamilyCount; ++f) {
    descriptors.emplace_back(kFamilies[f], f == kNatives ? natives : defaults);
  }
  std::error_code ec;
  if (!options.read_only && options.create_if_missing) {
    std::filesystem::create_directories(dir, ec);
  }
  if (!std::filesystem::exists(dir / "CURRENT")) {
    if (options.read_only || !options.create_if_missing) {
      return Status::NotFound("no document store at " + dir.string() +
                              "; run `docket ingest --index ...` first");
    }
  }
  rocksdb::DB* raw = nullptr;
  rocksdb::Status s;
  if (options.read_only) {
    // A read-only open cannot create families, so open the ones the store has; families added
    // by a later build read as empty until the next `docket ingest` creates them.
    std::vector<std::string> existing;
    s = rocksdb::DB::ListColumnFamilies(db_options, dir.string(), &existing);
    std::vector<rocksdb::ColumnFamilyDescriptor> present;
    std::vector<int> present_index;
    for (int f = 0; s.ok() && f < kFamilyCount; ++f) {
      if (std::find(existing.begin(), existing.end(), kFamilies[f]) != existing.end()) {
        present.push_back(descriptors[static_cast<size_t>(f)]);
        present_index.push_back(f);
      }
    }
    std::vector<rocksdb::ColumnFamilyHandle*> handles;
    if (s.ok()) {
      s = rocksdb::DB::OpenForReadOnly(db_options, dir.string(), present, &handles, &raw);
    }
    impl->families.assign(kFamilyCount, nullptr);
    for (size_t i = 0; s.ok() && i < handles.size(); ++i) {
      impl->families[static_cast<size_t>(present_index[i])] = handles[i];
    }
  } else {
    s = rocksdb::DB::Open(db_options, dir.string(), descriptors, &impl->families, &raw);
  }
  if (!s.ok()) {
    if (s.IsIOError() && s.ToString().find("lock") != std::string::npos) {
      return Status::IOError("the index at " + dir.string() + " is in use by another writer (" +
                             s.ToString() + ")");
    }
    return FromRocks(s, "opening document store " + dir.string());
  }
  impl->db.reset(raw);

  auto store = std::unique_ptr<DocStore>(new DocStore(std::move(impl)));
  std::string value;
  if (store->impl_->Get(kDefault, kMetaNextId, &value, "next id").ok()) {
    store->impl_->next_id = FromBe64(value);
  }
  if (store->impl_->Get(kDefault, kMetaLastSeq, &value, "last sequence").ok()) {
    store->last_sequence_ = FromBe64(value);
  }
  return store;
}

ItemId DocStore::AllocateId() { return impl_->next_id.fetch_add(1); }
ItemId DocStore::next_id() const { return impl_->next_id.load(); }

Result<ItemId> DocStore::FindByConversationKey(const std::string& key) const {
  std::string value;
  DOCKET_RETURN_IF_ERROR(impl_->Get(kKeys, key, &value, "conversation key"));
  return FromBe64(value);
}

Result<std::optional<IngestMarker>> DocStore::GetIngestMarker() const {
  std::string value;
  const Status status = impl_->Get(kDefault, kMetaIngestMarker, &value, "ingest marker");
  if (status.IsNotFound()) {
    return std::optional<IngestMarker>();
  }
  DOCKET_RETURN_IF_ERROR(status);
  const json j = json::parse(value, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) {
    return Status::Corruption("the ingest marker in the store is not valid JSON");
  }
  IngestMarker marker;
  marker.path = j.value("path", "");
  marker.sha256 = j.value("sha256", "");
  marker.first_id = j.value("first_id", uint64_t{0});
  return std::optional<IngestMarker>(std::move(marker));
}

Result<uint64_t> DocStore::RollBackFrom(ItemId first_id, uint64_t* removed) {
  if (impl_->read_only) {
    return Status::PermissionDenied("the document store is open read-only");
  }
  std::lock_guard<std::mutex> lock(impl_->write_mutex);
  rocksdb::WriteBatch batch;
  std::string log_value;
  *removed = 0;
  std::unique_ptr<rocksdb::Iterator> it(
      impl_->db->NewIterator(rocksdb::ReadOptions(), impl_->cf(kItems)));
  for (it->Seek(Be64(first_id)); it->Valid(); it->Next()) {
    auto item = DecodeItem(it->value().ToStringView(), "item");
    if (!item.ok()) {
      return item.error();
    }
    batch.Delete(impl_->cf(kItems), it->key());
    if (item->parent_id != kNoItem) {
      batch.Delete(impl_->cf(kChildren), Be64(item->parent_id) + Be64(item->id));
    }
    std::string first;
    // Content first stored by a rolled-back item was only ever stored by rolled-back items
    // (ids grow), so its native and every location of it go too.
    if (!item->sha256.empty() && impl_->Get(kContent, item->sha256, &first, "content").ok() &&
        FromBe64(first) >= first_id) {
      batch.Delete(impl_->cf(kContent), item->sha256);
      batch.Delete(impl_->cf(kNatives), item->sha256);
      const std::string prefix = item->sha256 + std::string(1, '\0');
      std::unique_ptr<rocksdb::Iterator> loc(
          impl_->db->NewIterator(rocksdb::ReadOptions(), impl_->cf(kLocations)));
      for (loc->Seek(prefix); loc->Valid() && loc->key().starts_with(prefix); loc->Next()) {
        batch.Delete(impl_->cf(kLocations), loc->key());
      }
    }
    if (!item->conversation_key.empty() &&
        impl_->Get(kKeys, item->conversation_key, &first, "key").ok() &&
        FromBe64(first) >= first_id) {
      batch.Delete(impl_->cf(kKeys), item->conversation_key);
    }
    log_value += Be64(item->id | kLogDeleteFlag);
    ++*removed;
  }
  DOCKET_RETURN_IF_ERROR(FromRocks(it->status(), "listing items to roll back"));
  const uint64_t seq = last_sequence_.load() + 1;
  batch.Put(impl_->cf(kLog), Be64(seq), log_value);
  batch.Delete(impl_->cf(kDefault), kMetaIngestMarker);
  batch.Put(impl_->cf(kDefault), kMetaLastSeq, Be64(seq));
  batch.Put(impl_->cf(kDefault), kMetaNextId, Be64(first_id));
  DOCKET_RETURN_IF_ERROR(
      FromRocks(impl_->db->Write(rocksdb::WriteOptions(), &batch), "rolling back"));
  DOCKET_RETURN_IF_ERROR(Sync());
  impl_->next_id = first_id;
  last_sequence_ = seq;
  return seq;
}

Result<uint64_t> DocStore::Write(const WriteSet& set) {
  if (impl_->read_only) {
    return Status::PermissionDenied("the document store is open read-only");
  }
  std::lock_guard<std::mutex> lock(impl_->write_mutex);
  const uint64_t seq = last_sequence_.load() + 1;
  rocksdb::WriteBatch batch;
  std::string log_value;
  for (const Item& item : set.items) {
    const std::string key = Be64(item.id);
    batch.Put(impl_->cf(kItems), key, EncodeItem(item));
    if (item.parent_id != kNoItem) {
      // The value is the child's kind, so a family can be walked without decoding every
      // conversation line (DocStore::GetChildEntries). Stores written before it hold "".
      batch.Put(impl_->cf(kChildren), Be64(item.parent_id) + key,
                std::string(1, static_cast<char>(item.kind)));
    }
    if (!item.sha256.empty() && item.kind != ItemKind::kImMessage) {
      batch.Put(impl_->cf(kLocations), LocationKey({item.sha256, item.ipath, item.custodian}), "");
      std::string existing;
      if (impl_->Get(kContent, item.sha256, &existing, "content").IsNotFound()) {
        batch.Put(impl_->cf(kContent), item.sha256, key);
      }
    }
    if (!item.conversation_key.empty()) {
      std::string existing;
      if (impl_->Get(kKeys, item.conversation_key, &existing, "key").IsNotFound()) {
        batch.Put(impl_->cf(kKeys), item.conversation_key, key);
      }
    }
  }
  for (const auto& [sha, bytes] : set.natives) {
    if (!HasNative(sha)) {
      batch.Put(impl_->cf(kNatives), sha, bytes);
    }
  }
  for (const auto& [sha, id] : set.content_aliases) {
    std::string existing;
    if (impl_->Get(kContent, sha, &existing, "content").IsNotFound()) {
      batch.Put(impl_->cf(kContent), sha, Be64(id));
    }
  }
  for (const Location& location : set.locations) {
    batch.Put(impl_->cf(kLocations), LocationKey(location), "");
  }
  for (ItemId id : set.index_ids) {
    log_value += Be64(id);
  }
  batch.Put(impl_->cf(kLog), Be64(seq), log_value);
  if (set.begin_source) {
    const json marker{{"path", set.begin_source->path},
                      {"sha256", set.begin_source->sha256},
                      {"first_id", set.begin_source->first_id}};
    batch.Put(impl_->cf(kDefault), kMetaIngestMarker, marker.dump());
  }
  if (set.source) {
    batch.Put(impl_->cf(kSources), set.source->sha256, SourceToJson(*set.source).dump());
    if (set.source->complete) {
      batch.Delete(impl_->cf(kDefault), kMetaIngestMarker);
    }
  }
  batch.Put(impl_->cf(kDefault), kMetaLastSeq, Be64(seq));
  batch.Put(impl_->cf(kDefault), kMetaNextId, Be64(impl_->next_id.load()));
  DOCKET_RETURN_IF_ERROR(FromRocks(impl_->db->Write(rocksdb::WriteOptions(), &batch), "write"));
  last_sequence_ = seq;
  return seq;
}

Status DocStore::Sync() {
  if (impl_->read_only) {
    return Status::OK();
  }
  return FromRocks(impl_->db->FlushWAL(/*sync=*/true), "syncing the write-ahead log");
}

Status DocStore::FlushMemtables() {
  if (impl_->read_only) {
    return Status::OK();
  }
  rocksdb::FlushOptions options;
  options.wait = true;
  return FromRocks(impl_->db->Flush(options, impl_->families), "flushing the memtables");
}

Result<Item> DocStore::GetItem(ItemId id) const {
  std::string value;
  DOCKET_RETURN_IF_ERROR(impl_->Get(kItems, Be64(id), &value, "item " + std::to_string(id)));
  return DecodeItem(value, "item " + std::to_string(id));
}

Result<std::string> DocStore::GetItemText(ItemId id) const {
  // Pinned, and copied once from behind the header: copied into a string first and then erased
  // from its front, a 24 MB transcript cost two more passes over its text. (Reading it past the
  // block cache, as planning does, measured 2% slower on bench/export --large, three times.)
  rocksdb::PinnableSlice value;
  DOCKET_RETURN_IF_ERROR(impl_->Get(kItems, Be64(id), &value, "item " + std::to_string(id)));
  const std::string_view stored = value.ToStringView();
  if (const size_t newline = stored.find('\n'); newline != std::string_view::npos) {
    return std::string(stored.substr(newline + 1));
  }
  DOCKET_ASSIGN_OR_RETURN(Item item, DecodeItem(stored, "item " + std::to_string(id)));
  return std::move(item.text);
}

Result<std::string> DocStore::GetNative(const std::string& sha256) const {
  std::string value;
  DOCKET_RETURN_IF_ERROR(impl_->Get(kNatives, sha256, &value, "native " + sha256));
  return value;
}

bool DocStore::HasNative(const std::string& sha256) const {
  rocksdb::PinnableSlice value;
  std::string unused;
  if (!impl_->db->KeyMayExist(rocksdb::ReadOptions(), impl_->cf(kNatives), sha256, &unused)) {
    return false;
  }
  return impl_->db->Get(rocksdb::ReadOptions(), impl_->cf(kNatives), sha256, &value).ok();
}

Result<ItemId> DocStore::FindByContent(const std::string& sha256) const {
  std::string value;
  DOCKET_RETURN_IF_ERROR(impl_->Get(kContent, sha256, &value, "content " + sha256));
  return FromBe64(value);
}

Result<std::vector<Location>> DocStore::GetLocations(const std::string& sha256) const {
  if (impl_->cf(kLocations) == nullptr) {
    return std::vector<Location>{};
  }
  const std::string prefix = sha256 + std::string(1, '\0');
  std::unique_ptr<rocksdb::Iterator> it(
      impl_->db->NewIterator(rocksdb::ReadOptions(), impl_->cf(kLocations)));
  it->Seek(prefix);
  return ReadLocations(*it, prefix);
}

Result<SourceRecord> DocStore::GetSource(const std::string& sha256) const {
  std::string value;
  DOCKET_RETURN_IF_ERROR(impl_->Get(kSources, sha256, &value, "source " + sha256));
  return ParseStored<SourceRecord>(value, "source " + sha256, SourceFromJson);
}

Result<std::vector<ItemId>> DocStore::GetChildren(ItemId parent) const {
  std::vector<ItemId> children;
  const std::string prefix = Be64(parent);
  std::unique_ptr<rocksdb::Iterator> it(
      impl_->db->NewIterator(rocksdb::ReadOptions(), impl_->cf(kChildren)));
  for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
    children.push_back(FromBe64(it->key().ToStringView(), 8));
  }
  DOCKET_RETURN_IF_ERROR(FromRocks(it->status(), "listing children"));
  return children;
}

Result<std::vector<ChildEntry>> DocStore::GetChildEntries(ItemId parent) const {
  const std::string prefix = Be64(parent);
  std::unique_ptr<rocksdb::Iterator> it(
      impl_->db->NewIterator(rocksdb::ReadOptions(), impl_->cf(kChildren)));
  it->Seek(prefix);
  return ReadChildEntries(*it, prefix);
}

struct DocStore::Reader::State {
  const DocStore::Impl* impl = nullptr;
  // Created on first use; every iterator pins the store as it was when the reader was made.
  std::unique_ptr<rocksdb::Iterator> items;
  std::unique_ptr<rocksdb::Iterator> children;
  std::unique_ptr<rocksdb::Iterator> locations;
  const rocksdb::Snapshot* snapshot = nullptr;

  ~State() {
    items.reset();
    children.reset();
    locations.reset();
    if (snapshot != nullptr) {
      impl->db->ReleaseSnapshot(snapshot);
    }
  }

  rocksdb::Iterator& Iterator(std::unique_ptr<rocksdb::Iterator>& it, Family family) {
    if (it == nullptr) {
      rocksdb::ReadOptions options;
      options.snapshot = snapshot;
      // A reader goes forward through a family once, so a block it has read is not read again
      // soon: keeping it would evict blocks other readers still need and cost an insertion
      // each. Without caching, one pass over the 158 MB items family of the bench corpus took
      // 180 ms instead of 390.
      options.fill_cache = false;
      it.reset(impl->db->NewIterator(options, impl->cf(family)));
    }
    return *it;
  }

  // Positions `it` at the first key >= `key`. Keys asked in ascending order are usually the
  // next one, which Next() reaches without seeking from the top of every level again.
  static void SeekForward(rocksdb::Iterator& it, const rocksdb::Slice& key) {
    if (it.Valid() && it.key().compare(key) < 0) {
      it.Next();
      if (!it.Valid() || it.key().compare(key) >= 0) {
        return;
      }
    }
    if (!it.Valid() || it.key().compare(key) != 0) {
      it.Seek(key);
    }
  }
};

DocStore::Reader::Reader(std::unique_ptr<State> state) : state_(std::move(state)) {}
DocStore::Reader::~Reader() = default;

std::unique_ptr<DocStore::Reader> DocStore::NewReader() const {
  auto state = std::make_unique<Reader::State>();
  state->impl = impl_.get();
  state->snapshot = impl_->db->GetSnapshot();
  return std::unique_ptr<Reader>(new Reader(std::move(state)));
}

Result<Item> DocStore::Reader::GetItem(ItemId id, size_t max_text) {
  const std::string key = Be64(id);
  rocksdb::Iterator& it = state_->Iterator(state_->items, kItems);
  State::SeekForward(it, key);
  DOCKET_RETURN_IF_ERROR(FromRocks(it.status(), "reading item " + std::to_string(id)));
  if (!it.Valid() || it.key() != rocksdb::Slice(key)) {
    return Status::NotFound("item " + std::to_string(id) + " not found");
  }
  return DecodeItem(it.value().ToStringView(), "item " + std::to_string(id), max_text);
}

Result<std::vector<ChildEntry>> DocStore::Reader::GetChildEntries(ItemId parent) {
  const std::string prefix = Be64(parent);
  rocksdb::Iterator& it = state_->Iterator(state_->children, kChildren);
  State::SeekForward(it, prefix);
  return ReadChildEntries(it, prefix);
}

Result<std::vector<Location>> DocStore::Reader::GetLocations(const std::string& sha256) {
  if (state_->impl->cf(kLocations) == nullptr) {
    return std::vector<Location>{};
  }
  const std::string prefix = sha256 + std::string(1, '\0');
  rocksdb::Iterator& it = state_->Iterator(state_->locations, kLocations);
  it.Seek(prefix);  // in hash order, not the caller's: nothing to gain from Next()
  return ReadLocations(it, prefix);
}

Result<std::string> DocStore::GetIdentity(std::string_view key) const {
  std::string value;
  DOCKET_RETURN_IF_ERROR(impl_->Get(kIdentities, key, &value, "identity"));
  return value;
}

Status DocStore::PutIdentities(const std::vector<std::pair<std::string, std::string>>& records) {
  if (impl_->read_only || impl_->cf(kIdentities) == nullptr) {
    return Status::Internal(
        "the identity directory cannot be written: the store is open read-only");
  }
  rocksdb::WriteBatch batch;
  for (const auto& [key, value] : records) {
    DOCKET_RETURN_IF_ERROR(FromRocks(batch.Put(impl_->cf(kIdentities), key, value), "identity"));
  }
  rocksdb::WriteOptions options;
  DOCKET_RETURN_IF_ERROR(
      FromRocks(impl_->db->Write(options, &batch), "writing the identity directory"));
  return FromRocks(impl_->db->FlushWAL(/*sync=*/true), "syncing the identity directory");
}

Status DocStore::ForEachLogRecord(
    uint64_t after, const std::function<Status(uint64_t, const std::vector<ItemId>&)>& fn) const {
  std::unique_ptr<rocksdb::Iterator> it(
      impl_->db->NewIterator(rocksdb::ReadOptions(), impl_->cf(kLog)));
  for (it->Seek(Be64(after + 1)); it->Valid(); it->Next()) {
    const std::string_view value = it->value().ToStringView();
    std::vector<ItemId> ids;
    for (size_t offset = 0; offset + 8 <= value.size(); offset += 8) {
      ids.push_back(FromBe64(value, offset));
    }
    DOCKET_RETURN_IF_ERROR(fn(FromBe64(it->key().ToStringView()), ids));
  }
  return FromRocks(it->status(), "reading the ingest log");
}

Status DocStore::ForEachItem(const std::function<bool(const Item&)>& fn) const {
  std::unique_ptr<rocksdb::Iterator> it(
      impl_->db->NewIterator(rocksdb::ReadOptions(), impl_->cf(kItems)));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    auto item = DecodeItem(it->value().ToStringView(), "item");
    if (!item.ok()) {
      return item.error();
    }
    if (!fn(*item)) {
      break;
    }
  }
  return FromRocks(it->status(), "listing items");
}

Status DocStore::ForEachLocation(const std::function<bool(const Location&)>& fn) const {
  if (impl_->cf(kLocations) == nullptr) {
    return Status::OK();
  }
  rocksdb::ReadOptions options;
  options.fill_cache = false;  // one pass: keep the cache for the lookups around it
  std::unique_ptr<rocksdb::Iterator> it(impl_->db->NewIterator(options, impl_->cf(kLocations)));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    if (!fn(LocationFromKey(it->key().ToStringView()))) {
      break;
    }
  }
  return FromRocks(it->status(), "listing locations");
}

uint64_t DocStore::EstimateLocationCount() const { return impl_->EstimateKeys(kLocations); }

Status DocStore::ForEachChildEntry(const std::function<bool(ItemId, const ChildEntry&)>& fn) const {
  rocksdb::ReadOptions options;
  options.fill_cache = false;  // one pass: keep the cache for the lookups around it
  std::unique_ptr<rocksdb::Iterator> it(impl_->db->NewIterator(options, impl_->cf(kChildren)));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    if (it->key().size() != 16) {
      continue;  // not an entry of this grammar
    }
    if (!fn(FromBe64(it->key().ToStringView()), ChildEntryAt(*it))) {
      break;
    }
  }
  return FromRocks(it->status(), "listing children");
}

uint64_t DocStore::EstimateChildCount() const { return impl_->EstimateKeys(kChildren); }

}  // namespace docket
