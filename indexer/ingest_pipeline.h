/** @file
 *  @brief IngestPipeline: one ingest job, from PATHs on disk to items in the store and index.
 *
 *  A PATH is a folder (walked in name order), an archive (zip, tar, tar.gz, 7z, ...; nested
 *  archives are opened in memory up to ArchiveLimits::max_depth) or a single file. Every file
 *  becomes items:
 *    - an Export-CsArchivingData session (.eml with Session-Id or a yyyyMMddHHmmssfff_n_p2p/conf
 *      name) -> one conversation or meeting item plus one kImMessage child per transcript line;
 *    - any other RFC 5322 message -> one email item plus one kAttachment child per attachment
 *      (text attachments are folded into the email's searchable text);
 *    - anything else -> a file item (text when it is text, unindexed otherwise).
 *  Nothing is lost: an item that cannot be parsed is stored with its native bytes as
 *  kUnindexed with the reason; one read only partly is kPartiallyIndexed with the reason.
 *  Deduplication: a source file already ingested completely from the same place for the same
 *  custodian is skipped; an individual item whose native SHA-256 is already stored is counted as
 *  a duplicate and not stored again, but its location (ipath, custodian) is recorded. Archives
 *  are always opened, even when their bytes are known, so their members' locations are kept.
 */
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "common/status.h"
#include "indexer/archive_limits.h"
#include "storage/item.h"

namespace docket {

class CommitCoordinator;
struct WriteSet;

struct IngestOptions {
  // Custodian recorded on every item of this run (`docket ingest --custodian`). Default: ""
  std::string custodian;
  ArchiveLimits limits;
  // Largest native we keep for an item that failed as a whole (e.g. a truncated 40 GB
  // archive): above this the reason says the native was too large to keep. Default: 2 GiB
  uint64_t max_unindexed_native_bytes = 2ull << 30;
};

struct IngestStats {
  uint64_t items = 0;     // new items stored (message lines are counted in `messages`)
  uint64_t messages = 0;  // new conversation lines stored
  uint64_t bytes = 0;     // bytes of input read from disk
  uint64_t unindexed = 0;
  uint64_t partially_indexed = 0;
  uint64_t duplicates = 0;  // items already in the index (whole sources or single items)
  uint64_t sources = 0;     // files read from disk
};

class IngestPipeline {
 public:
  IngestPipeline(CommitCoordinator& coordinator, IngestOptions options);
  ~IngestPipeline();
  IngestPipeline(const IngestPipeline&) = delete;
  IngestPipeline& operator=(const IngestPipeline&) = delete;

  /// Ingests a folder, archive or file. Problems with the input become unindexed items; the
  /// Status is non-OK only when the path cannot be read at all or the store fails.
  Status IngestPath(const std::filesystem::path& path);

  /// Waits for queued writes and commits the search index; call once at the end of the run.
  Status Finish();

  const IngestStats& stats() const { return stats_; }

  /// Called after each stored item with the running totals and the current ipath.
  void set_progress(std::function<void(const IngestStats&, std::string_view)> progress) {
    progress_ = std::move(progress);
  }

 private:
  class Writer;
  // Whether a native with this SHA-256 is stored or on its way to the store.
  bool Known(const std::string& sha256);
  // Whether this native is already recorded at `ipath` for this run's custodian.
  bool AlreadyAt(const std::string& sha256, const std::string& ipath);
  // Counts a duplicate and records its location (the native itself is stored once).
  Status RecordDuplicate(const std::string& sha256, const std::string& ipath);
  Status IngestFile(const std::filesystem::path& path, const std::string& ipath);
  Status IngestArchive(std::string in_memory, const std::filesystem::path* file, Item container,
                       int depth);
  // `sha` is the SHA-256 of `bytes`; callers have already checked it is not Known().
  Status IngestLeaf(std::string bytes, std::string sha, const std::string& ipath, ItemId parent);
  Status IngestMime(std::string bytes, const std::string& sha, const std::string& ipath,
                    ItemId parent);
  Status StoreUnindexed(Item item, std::string native, const std::string& reason);
  // Stores one family (a parent and its children, with their natives) as one atomic write.
  Status Store(WriteSet family);
  Item NewItem(ItemKind kind, const std::string& ipath, ItemId parent);

  CommitCoordinator& coordinator_;
  IngestOptions options_;
  IngestStats stats_;
  std::function<void(const IngestStats&, std::string_view)> progress_;
  std::unique_ptr<Writer> writer_;  // last: its thread stops before the members above go
};

/// "summary items=12 messages=96 bytes=123456 unindexed=1 partially_indexed=1 duplicates=0
/// seconds=0.52 items_per_s=23.1": the line `docket ingest` ends with (scripts parse it).
std::string FormatIngestSummary(const IngestStats& stats, double seconds);

}  // namespace docket
