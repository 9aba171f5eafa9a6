/** @file
 *  @brief DocStore: RocksDB, the source of truth for items, natives, ingest state and the log.
 *
 *  Everything searchable in Xapian can be rebuilt from here. Key grammar: storage/doc_store.cc.
 *  A WriteSet is written in one RocksDB WriteBatch together with its ingest-log record, so an
 *  item is never stored without the log entry that makes the search index apply it.
 */
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/result.h"
#include "storage/item.h"

namespace docket {

struct DocStoreOptions {
  // Create the store when the directory is empty. Default: true
  bool create_if_missing = true;
  // Open without taking the writer lock; writes fail. Used by `search` and `serve`, so they
  // can run beside an ingest. Default: false
  bool read_only = false;
};

/// What we know about one input file (a top-level PATH or a file inside a folder PATH).
struct SourceRecord {
  std::string sha256;  // of the whole file: the key
  std::string path;    // as given on the command line
  std::string custodian;
  uint64_t items = 0;     // items stored from it
  bool complete = false;  // every member was processed; a re-ingest can skip the file
  UtcMillis ingested_at = 0;
};

/// One place a native was found. Exact duplicates are stored once but every location is kept,
/// so a production can say where each copy came from and whose it was.
struct Location {
  std::string sha256;
  std::string ipath;
  std::string custodian;
};

/// A child as the children index lists it.
struct ChildEntry {
  ItemId id = kNoItem;
  // Unknown (nullopt) for children stored before kinds were recorded beside them.
  std::optional<ItemKind> kind;
};

/// Written when an ingest starts a top-level source and cleared when the source completes. If
/// the process dies in between, the next ingest rolls back every item from `first_id` on
/// (DocStore::RollBackFrom) and reads the source again, so the result is the same as an
/// uninterrupted run: item ids are allocated in input order by one writer.
struct IngestMarker {
  std::string path;
  std::string sha256;
  ItemId first_id = kNoItem;
};

/// One atomic write: a family of items, their natives and the log record naming what the search
/// index must (re)build.
struct WriteSet {
  std::vector<Item> items;
  std::vector<std::pair<std::string, std::string>> natives;  // sha256 -> bytes
  std::vector<ItemId> index_ids;  // items whose search documents must be (re)built
  std::optional<SourceRecord> source;
  // Further places of natives already stored (duplicates). Every stored item's own place is
  // recorded by Write() itself.
  std::vector<Location> locations;
  // Natives that belong to an item stored earlier under another hash (the same IM session from
  // another source, merged by conversation key): sha256 -> that item, so FindByContent finds it.
  std::vector<std::pair<std::string, ItemId>> content_aliases;
  // Set when a top-level source starts; cleared by a `source` record with complete = true.
  std::optional<IngestMarker> begin_source;
};

/// Ingest-log records name item ids to re-index; an id with this bit set names an item whose
/// search document must be deleted (written by RollBackFrom).
inline constexpr uint64_t kLogDeleteFlag = 1ull << 63;

class DocStore {
 public:
  static Result<std::unique_ptr<DocStore>> Open(const std::filesystem::path& dir,
                                                const DocStoreOptions& options);
  /// What a read-only open of `dir` would see, summed up cheaply: the names, sizes and
  /// modification times of the store's write-ahead logs, manifests and CURRENT. Every write
  /// that reaches the disk changes it. A read-only open is a snapshot that replays the logs
  /// (tens of milliseconds on a freshly ingested store), so a reader compares this first and
  /// reopens only when it changed. Empty when the directory cannot be listed.
  static std::string DiskState(const std::filesystem::path& dir);
  ~DocStore();
  DocStore(const DocStore&) = delete;
  DocStore& operator=(const DocStore&) = delete;

  /// A fresh item id (never 0). Thread-safe. Persisted by the next Write().
  ItemId AllocateId();
  /// The id AllocateId() will return next.
  ItemId next_id() const;

  /// Writes `set` atomically and returns its ingest-log sequence number.
  Result<uint64_t> Write(const WriteSet& set);

  /// Makes every write so far durable on disk (fsync of the write-ahead log). Called before the
  /// search index commits, so Xapian never records a sequence the store could lose.
  Status Sync();

  /// Writes every column family's memtable to table files and waits for them. A read-only open
  /// replays the write-ahead logs that memtables still depend on; at the end of an ingest those
  /// held most of the last batches (54 MB on a 20k-conversation corpus), which every later
  /// `search`, `serve` reopen and `export` replayed again, each into memory of its own. A no-op
  /// on a read-only store.
  Status FlushMemtables();

  Result<Item> GetItem(ItemId id) const;
  /// Only the item's text, without decoding the rest (exports read the metadata once and the
  /// text when they write it).
  Result<std::string> GetItemText(ItemId id) const;
  Result<std::string> GetNative(const std::string& sha256) const;
  bool HasNative(const std::string& sha256) const;
  /// The first item stored with this native content (deduplication), or NotFound.
  Result<ItemId> FindByContent(const std::string& sha256) const;
  Result<SourceRecord> GetSource(const std::string& sha256) const;
  /// Every place the native with this hash was found, in key order (ipath, then custodian).
  Result<std::vector<Location>> GetLocations(const std::string& sha256) const;
  /// The item holding this IM conversation key (Item::conversation_key), or NotFound.
  Result<ItemId> FindByConversationKey(const std::string& key) const;
  /// The marker of a source whose ingest did not complete, if any.
  Result<std::optional<IngestMarker>> GetIngestMarker() const;
  /// Deletes every item with id >= first_id with the natives, content and conversation keys and
  /// locations only they had, clears the ingest marker, resets the id counter to first_id and
  /// logs the deletions for the search index, in one atomic write. Sets *removed to the number
  /// of items removed. Only an ingest that is resuming after a crash calls this.
  Result<uint64_t> RollBackFrom(ItemId first_id, uint64_t* removed);

  /// Direct children of `parent`, in id order.
  Result<std::vector<ItemId>> GetChildren(ItemId parent) const;
  /// Direct children of `parent` with their kinds, in id order, without reading the items.
  Result<std::vector<ChildEntry>> GetChildEntries(ItemId parent) const;

  /// Highest sequence written so far (0 when empty).
  uint64_t last_sequence() const { return last_sequence_.load(); }

  /// Calls `fn(seq, index_ids)` (ids may carry kLogDeleteFlag) for each log record with sequence >
  /// `after`, in order.
  Status ForEachLogRecord(
      uint64_t after, const std::function<Status(uint64_t, const std::vector<ItemId>&)>& fn) const;
  /// The identity directory's records (storage/directory.cc defines keys and values; the store
  /// keeps them opaque). NotFound for an unknown key or a store without a directory.
  Result<std::string> GetIdentity(std::string_view key) const;
  /// Writes identity records in one atomic batch and makes them durable.
  Status PutIdentities(const std::vector<std::pair<std::string, std::string>>& records);

  /// Calls `fn(item)` for every item in id order until it returns false.
  Status ForEachItem(const std::function<bool(const Item&)>& fn) const;
  /// Calls `fn(location)` for every location in key order (by hash, then ipath, custodian)
  /// until it returns false: one pass, for callers that need the places of most contents.
  Status ForEachLocation(const std::function<bool(const Location&)>& fn) const;
  /// RocksDB's estimate of how many locations are recorded (cheap; may be off by a fraction).
  uint64_t EstimateLocationCount() const;
  /// Calls `fn(parent, child)` for every entry of the children index in key order (by parent,
  /// then child id) until it returns false.
  Status ForEachChildEntry(const std::function<bool(ItemId, const ChildEntry&)>& fn) const;
  /// RocksDB's estimate of the entries in the children index.
  uint64_t EstimateChildCount() const;

  /// Lookups for one thread that reads many keys, best in ascending order (planning an export).
  /// It keeps one RocksDB iterator per column family where DocStore's own methods open one per
  /// call: opening them, and seeking each from scratch, was most of planning a large export. It
  /// sees the store as it was when created, like a read-only open. Not thread-safe: one each.
  class Reader {
   public:
    ~Reader();
    Reader(const Reader&) = delete;
    Reader& operator=(const Reader&) = delete;

    /// DocStore::GetItem, except that a text longer than `max_text` bytes is left out (the
    /// item's text is then empty; DocStore::GetItemText reads it).
    Result<Item> GetItem(ItemId id, size_t max_text = SIZE_MAX);
    /// As DocStore::GetChildEntries.
    Result<std::vector<ChildEntry>> GetChildEntries(ItemId parent);
    /// As DocStore::GetLocations.
    Result<std::vector<Location>> GetLocations(const std::string& sha256);

   private:
    friend class DocStore;
    struct State;
    explicit Reader(std::unique_ptr<State> state);
    std::unique_ptr<State> state_;
  };
  std::unique_ptr<Reader> NewReader() const;

 private:
  struct Impl;
  explicit DocStore(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
  std::atomic<uint64_t> last_sequence_{0};
};

}  // namespace docket
