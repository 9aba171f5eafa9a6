/** @file
 *  @brief CommitCoordinator: the crash-safe protocol between RocksDB (truth) and Xapian (view).
 *
 *  1. DocStore::Write stores the items, natives and an ingest-log record [seq N] atomically.
 *  2. SearchIndex::Apply replaces the documents; Flush() commits Xapian with applied_seq = N in
 *     the same commit.
 *  On Open(), log records past the index's applied_seq are replayed. Replay is idempotent
 *  because documents are replaced by their unique id term, so a crash anywhere loses nothing.
 *
 *  The search index is split into shards (xapian/shard-N, item id modulo the shard count), each
 *  inserted into by its own thread, because one Xapian writer keeps only one core busy. A stub
 *  file xapian/XAPIANDB lists the shards, so every reader opens xapian/ as one database. Every
 *  shard commits the same applied_seq at each Flush; replay starts from the lowest.
 */
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <utility>
#include <vector>

#include "common/result.h"
#include "storage/doc_store.h"

namespace docket {

class SearchIndex;
class TextAnalyzer;
class PreparedDocument;

/// Where the parts of an index live inside the directory the user names with --index.
struct IndexLayout {
  explicit IndexLayout(std::filesystem::path root) : root_(std::move(root)) {}
  std::filesystem::path store() const { return root_ / "store"; }
  /// The search index as readers open it (a Xapian stub database listing the shards).
  std::filesystem::path xapian() const { return root_ / "xapian"; }
  std::filesystem::path xapian_shard(uint32_t shard) const {
    return xapian() / ("shard-" + std::to_string(shard));
  }
  const std::filesystem::path& root() const { return root_; }

 private:
  std::filesystem::path root_;
};

/// The number of shards the stub of an existing index lists; NotFound without one.
Result<uint32_t> ExistingShardCount(const IndexLayout& layout);

struct CommitOptions {
  // Commit Xapian after this many writes. Larger batches ingest faster; a crash replays at most
  // this many from the log. Default: 2000
  uint32_t writes_per_commit = 2000;
  // Search index shards of a new index (an existing index keeps the count it was made with).
  // One insertion thread each. Default: 2 (the machines we target have two or more cores)
  uint32_t shards = 2;
};

class CommitCoordinator {
 public:
  /// Opens (creating) the store and the index under `index_dir` and replays the log tail.
  static Result<std::unique_ptr<CommitCoordinator>> Open(const std::filesystem::path& index_dir,
                                                         const CommitOptions& options);
  ~CommitCoordinator();
  CommitCoordinator(const CommitCoordinator&) = delete;
  CommitCoordinator& operator=(const CommitCoordinator&) = delete;

  DocStore& store() { return *store_; }

  /// Stores `set` and applies its index_ids to the search index (durable in Xapian at the next
  /// Flush, which happens by itself every writes_per_commit writes). `prepared` holds documents
  /// already analysed for some of the index_ids (SearchIndex::Prepare); the others are prepared
  /// here from the items in `set` or the store.
  Result<uint64_t> Write(const WriteSet& set);
  Result<uint64_t> Write(const WriteSet& set,
                         std::vector<std::pair<ItemId, PreparedDocument>> prepared);

  /// Removes every item from `first_id` on (an interrupted ingest; DocStore::RollBackFrom) from
  /// the store and the search index. Returns the number of items removed.
  Result<uint64_t> RollBackFrom(ItemId first_id);

  /// Commits the search index up to the last write and waits until every shard has.
  Status Flush();

  /// Log records replayed by Open().
  uint64_t replayed_on_open() const { return replayed_on_open_; }

 private:
  class Shard;
  CommitCoordinator(CommitOptions options, std::unique_ptr<DocStore> store,
                    std::vector<std::unique_ptr<Shard>> shards);
  Status ReplayTail();
  // Sends the document of `id` (or its deletion) to its shard.
  Status Dispatch(ItemId id, PreparedDocument document);
  Status ApplyLogged(const std::vector<ItemId>& ids);
  // Syncs the store and queues a commit on every shard without waiting for it.
  Status StartCommit();

  CommitOptions options_;
  std::unique_ptr<DocStore> store_;
  std::vector<std::unique_ptr<Shard>> shards_;
  std::unique_ptr<TextAnalyzer> analyzer_;
  uint64_t pending_seq_ = 0;
  uint32_t writes_since_commit_ = 0;
  uint64_t replayed_on_open_ = 0;
};

}  // namespace docket
