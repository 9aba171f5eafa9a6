/** @file
 *  @brief RocksDB first, Xapian second, replay on open: see commit_coordinator.h.
 */
#include "storage/commit_coordinator.h"

#include <unordered_map>

#include "storage/search_index.h"
#include "storage/text_analyzer.h"

namespace docket {

CommitCoordinator::CommitCoordinator(CommitOptions options, std::unique_ptr<DocStore> store,
                                     std::unique_ptr<SearchIndex> index)
    : options_(options),
      store_(std::move(store)),
      index_(std::move(index)),
      analyzer_(std::make_unique<TextAnalyzer>()) {}

CommitCoordinator::~CommitCoordinator() {
  // Best effort: whatever is not committed here is replayed from the log on the next open.
  Flush().IgnoreError();
}

Result<std::unique_ptr<CommitCoordinator>> CommitCoordinator::Open(
    const std::filesystem::path& index_dir, const CommitOptions& options) {
  const IndexLayout layout(index_dir);
  DOCKET_ASSIGN_OR_RETURN(auto store, DocStore::Open(layout.store(), DocStoreOptions{}));
  DOCKET_ASSIGN_OR_RETURN(auto index, SearchIndex::OpenWritable(layout.xapian()));
  auto coordinator = std::unique_ptr<CommitCoordinator>(
      new CommitCoordinator(options, std::move(store), std::move(index)));
  DOCKET_RETURN_IF_ERROR(coordinator->ReplayTail());
  return coordinator;
}

Status CommitCoordinator::ReplayTail() {
  const uint64_t applied = index_->applied_seq();
  uint64_t last = applied;
  DOCKET_RETURN_IF_ERROR(store_->ForEachLogRecord(
      applied, [&](uint64_t seq, const std::vector<ItemId>& ids) -> Status {
        for (ItemId id : ids) {
          DOCKET_ASSIGN_OR_RETURN(Item item, store_->GetItem(id));
          DOCKET_RETURN_IF_ERROR(index_->Apply(item, *analyzer_));
        }
        last = seq;
        ++replayed_on_open_;
        return Status::OK();
      }));
  if (last != applied) {
    pending_seq_ = last;
    return index_->Commit(last);
  }
  pending_seq_ = applied;
  return Status::OK();
}

Result<uint64_t> CommitCoordinator::Write(const WriteSet& set) {
  DOCKET_ASSIGN_OR_RETURN(const uint64_t seq, store_->Write(set));
  std::unordered_map<ItemId, const Item*> by_id;
  for (const Item& item : set.items) {
    by_id.emplace(item.id, &item);
  }
  for (ItemId id : set.index_ids) {
    if (auto it = by_id.find(id); it != by_id.end()) {
      DOCKET_RETURN_IF_ERROR(index_->Apply(*it->second, *analyzer_));
    } else {
      DOCKET_ASSIGN_OR_RETURN(Item item, store_->GetItem(id));
      DOCKET_RETURN_IF_ERROR(index_->Apply(item, *analyzer_));
    }
  }
  pending_seq_ = seq;
  if (++writes_since_commit_ >= options_.writes_per_commit) {
    DOCKET_RETURN_IF_ERROR(Flush());
  }
  return seq;
}

Status CommitCoordinator::Flush() {
  if (writes_since_commit_ == 0) {
    return Status::OK();
  }
  // The store must be durable before Xapian records the sequence as applied.
  DOCKET_RETURN_IF_ERROR(store_->Sync());
  DOCKET_RETURN_IF_ERROR(index_->Commit(pending_seq_));
  writes_since_commit_ = 0;
  return Status::OK();
}

}  // namespace docket
