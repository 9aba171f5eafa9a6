/** @file
 *  @brief CommitCoordinator: the crash-safe protocol between RocksDB (truth) and Xapian (view).
 *
 *  1. DocStore::Write stores the items, natives and an ingest-log record [seq N] atomically.
 *  2. SearchIndex::Apply replaces the documents; Flush() commits Xapian with applied_seq = N in
 *     the same commit.
 *  On Open(), log records past the index's applied_seq are replayed. Replay is idempotent
 *  because documents are replaced by their unique id term, so a crash anywhere loses nothing.
 */
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>

#include "common/result.h"
#include "storage/doc_store.h"

namespace docket {

class SearchIndex;
class TextAnalyzer;

/// Where the parts of an index live inside the directory the user names with --index.
struct IndexLayout {
  explicit IndexLayout(std::filesystem::path root) : root_(std::move(root)) {}
  std::filesystem::path store() const { return root_ / "store"; }
  std::filesystem::path xapian() const { return root_ / "xapian"; }
  const std::filesystem::path& root() const { return root_; }

 private:
  std::filesystem::path root_;
};

struct CommitOptions {
  // Commit Xapian after this many writes. Larger batches ingest faster; a crash replays at most
  // this many from the log. Default: 2000
  uint32_t writes_per_commit = 2000;
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
  /// Flush, which happens by itself every writes_per_commit writes).
  Result<uint64_t> Write(const WriteSet& set);

  /// Commits the search index up to the last write.
  Status Flush();

  /// Log records replayed by Open().
  uint64_t replayed_on_open() const { return replayed_on_open_; }

 private:
  CommitCoordinator(CommitOptions options, std::unique_ptr<DocStore> store,
                    std::unique_ptr<SearchIndex> index);
  Status ReplayTail();
  Status ApplyIds(const std::vector<ItemId>& ids);

  CommitOptions options_;
  std::unique_ptr<DocStore> store_;
  std::unique_ptr<SearchIndex> index_;
  std::unique_ptr<TextAnalyzer> analyzer_;
  uint64_t pending_seq_ = 0;
  uint32_t writes_since_commit_ = 0;
  uint64_t replayed_on_open_ = 0;
};

}  // namespace docket
