/** @file
 *  @brief RocksDB first, Xapian second, replay on open: see commit_coordinator.h.
 *
 *  Each shard is a SearchIndex plus one thread that inserts the documents queued for it, so
 *  insertion (Xapian's in-memory inverter, the costliest part of a write after analysis) runs
 *  on every core. The queue is bounded, so a slow shard slows the writer instead of buffering
 *  without limit. A commit syncs the store, then queues a commit behind each shard's documents;
 *  the shards commit in parallel while the writer goes on, and only Flush() waits for them.
 */
#include "storage/commit_coordinator.h"

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <fstream>
#include <mutex>
#include <thread>
#include <unordered_map>

#include "common/crash_point.h"
#include "storage/index_compaction.h"
#include "storage/search_index.h"
#include "storage/text_analyzer.h"

namespace docket {

class CommitCoordinator::Shard {
 public:
  explicit Shard(std::unique_ptr<SearchIndex> index)
      : index_(std::move(index)), thread_([this] { Run(); }) {}

  ~Shard() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stopping_ = true;
    }
    wake_.notify_all();
    thread_.join();
  }

  uint64_t applied_seq() const { return index_->applied_seq(); }

  /// Queues a replacement (or, for an empty document, a deletion); blocks while the queue is full.
  Status Push(ItemId id, PreparedDocument document) {
    std::unique_lock<std::mutex> lock(mu_);
    room_.wait(lock, [this] { return queue_.size() < kMaxQueued || !error_.ok(); });
    if (!error_.ok()) {
      return error_;
    }
    queue_.push_back({id, std::move(document), 0});
    wake_.notify_all();
    return Status::OK();
  }

  /// Queues a commit recording `seq` as applied; Wait() returns its outcome.
  void PushCommit(uint64_t seq) {
    std::lock_guard<std::mutex> lock(mu_);
    queue_.push_back({kNoItem, PreparedDocument(), seq});
    wake_.notify_all();
  }

  /// Blocks until everything queued so far is done; returns the first error.
  Status Wait() {
    std::unique_lock<std::mutex> lock(mu_);
    idle_.wait(lock, [this] { return (queue_.empty() && !busy_) || !error_.ok(); });
    return error_;
  }

 private:
  static constexpr size_t kMaxQueued = 512;
  struct Op {
    ItemId id;
    PreparedDocument document;
    uint64_t commit_seq;  // non-zero: a commit, not a document
  };

  void Run() {
    for (;;) {
      Op op;
      {
        std::unique_lock<std::mutex> lock(mu_);
        wake_.wait(lock, [this] { return !queue_.empty() || stopping_; });
        if (queue_.empty()) {
          return;
        }
        op = std::move(queue_.front());
        queue_.pop_front();
        busy_ = true;
        room_.notify_all();
      }
      Status status;
      if (error_.ok()) {
        status = op.commit_seq != 0 ? index_->Commit(op.commit_seq)
                                    : index_->Apply(op.id, std::move(op.document));
        if (op.commit_seq != 0) {
          // A test can kill the process here: this shard committed, the others maybe not yet.
          CrashPoint("commit.shard");
        }
      }
      std::lock_guard<std::mutex> lock(mu_);
      busy_ = false;
      if (!status.ok() && error_.ok()) {
        error_ = status;
        room_.notify_all();
      }
      idle_.notify_all();
    }
  }

  std::unique_ptr<SearchIndex> index_;
  std::mutex mu_;
  std::condition_variable wake_;
  std::condition_variable room_;
  std::condition_variable idle_;
  std::deque<Op> queue_;
  bool busy_ = false;
  bool stopping_ = false;
  Status error_;
  std::thread thread_;  // last: starts after the members it uses
};

namespace {

constexpr std::string_view kStubName = "XAPIANDB";

}  // namespace

Result<uint32_t> ExistingShardCount(const IndexLayout& layout) {
  const std::filesystem::path stub = layout.xapian() / std::string(kStubName);
  std::ifstream in(stub);
  if (!in) {
    return Status::NotFound("no search index at " + layout.root().string() +
                            "; run docket ingest first");
  }
  std::string line;
  uint32_t count = 0;
  while (std::getline(in, line)) {
    count += line.rfind("auto ", 0) == 0 ? 1 : 0;
  }
  if (count == 0) {
    return Status::Corruption(stub.string() + " lists no search index shards");
  }
  return count;
}

namespace {

// Reads the shard count from the stub, or writes a stub for `shards` new shards.
Result<uint32_t> ShardCount(const IndexLayout& layout, uint32_t shards) {
  const std::filesystem::path stub = layout.xapian() / std::string(kStubName);
  std::error_code ec;
  if (std::filesystem::exists(stub, ec)) {
    return ExistingShardCount(layout);
  }
  if (std::filesystem::exists(layout.xapian() / "iamglass", ec)) {
    return Status::InvalidArgument(
        "the search index at " + layout.xapian().string() +
        " was made by an older Docket without shards; ingest into a new --index");
  }
  std::filesystem::create_directories(layout.xapian(), ec);
  if (ec) {
    return Status::IOError("cannot create " + layout.xapian().string() + ": " + ec.message());
  }
  const std::filesystem::path temp = stub.string() + ".tmp";
  {
    std::ofstream out(temp, std::ios::trunc);
    for (uint32_t i = 0; i < shards; ++i) {
      out << "auto " << layout.xapian_shard(i).filename().string() << "\n";
    }
    if (!out.flush()) {
      return Status::IOError("cannot write " + temp.string());
    }
  }
  std::filesystem::rename(temp, stub, ec);
  if (ec) {
    return Status::IOError("cannot write " + stub.string() + ": " + ec.message());
  }
  return shards;
}

}  // namespace

CommitCoordinator::CommitCoordinator(CommitOptions options, std::unique_ptr<DocStore> store,
                                     std::vector<std::unique_ptr<Shard>> shards)
    : options_(options),
      store_(std::move(store)),
      shards_(std::move(shards)),
      analyzer_(std::make_unique<TextAnalyzer>()) {}

CommitCoordinator::~CommitCoordinator() {
  // Best effort: whatever is not committed here is replayed from the log on the next open.
  Flush().IgnoreError();
}

Result<std::unique_ptr<CommitCoordinator>> CommitCoordinator::Open(
    const std::filesystem::path& index_dir, const CommitOptions& options) {
  const IndexLayout layout(index_dir);
  DOCKET_ASSIGN_OR_RETURN(auto store, DocStore::Open(layout.store(), DocStoreOptions{}));
  DOCKET_ASSIGN_OR_RETURN(const uint32_t count,
                          ShardCount(layout, std::max<uint32_t>(1, options.shards)));
  DOCKET_RETURN_IF_ERROR(RecoverInterruptedCompaction(layout));
  std::vector<std::unique_ptr<Shard>> shards;
  for (uint32_t i = 0; i < count; ++i) {
    DOCKET_ASSIGN_OR_RETURN(auto index, SearchIndex::OpenWritable(layout.xapian_shard(i)));
    shards.push_back(std::make_unique<Shard>(std::move(index)));
  }
  auto coordinator = std::unique_ptr<CommitCoordinator>(
      new CommitCoordinator(options, std::move(store), std::move(shards)));
  DOCKET_RETURN_IF_ERROR(coordinator->ReplayTail());
  return coordinator;
}

Status CommitCoordinator::Dispatch(ItemId id, PreparedDocument document) {
  return shards_[id % shards_.size()]->Push(id, std::move(document));
}

Status CommitCoordinator::ApplyLogged(const std::vector<ItemId>& ids) {
  for (ItemId logged : ids) {
    if ((logged & kLogDeleteFlag) != 0) {
      DOCKET_RETURN_IF_ERROR(Dispatch(logged & ~kLogDeleteFlag, PreparedDocument()));
      continue;
    }
    DOCKET_ASSIGN_OR_RETURN(Item item, store_->GetItem(logged));
    DOCKET_RETURN_IF_ERROR(Dispatch(logged, SearchIndex::Prepare(item, *analyzer_)));
  }
  return Status::OK();
}

Status CommitCoordinator::ReplayTail() {
  uint64_t applied = store_->last_sequence();
  for (const auto& shard : shards_) {
    applied = std::min(applied, shard->applied_seq());
  }
  uint64_t last = applied;
  DOCKET_RETURN_IF_ERROR(store_->ForEachLogRecord(
      applied, [&](uint64_t seq, const std::vector<ItemId>& ids) -> Status {
        DOCKET_RETURN_IF_ERROR(ApplyLogged(ids));
        last = seq;
        ++replayed_on_open_;
        return Status::OK();
      }));
  pending_seq_ = last;
  if (replayed_on_open_ > 0) {
    writes_since_commit_ = 1;
    return Flush();
  }
  return Status::OK();
}

Result<uint64_t> CommitCoordinator::Write(const WriteSet& set) { return Write(set, {}); }

Result<uint64_t> CommitCoordinator::Write(
    const WriteSet& set, std::vector<std::pair<ItemId, PreparedDocument>> prepared) {
  DOCKET_ASSIGN_OR_RETURN(const uint64_t seq, store_->Write(set));
  std::unordered_map<ItemId, PreparedDocument*> ready;
  for (auto& [id, document] : prepared) {
    ready.emplace(id, &document);
  }
  std::unordered_map<ItemId, const Item*> by_id;
  for (const Item& item : set.items) {
    by_id.emplace(item.id, &item);
  }
  for (ItemId id : set.index_ids) {
    if (auto it = ready.find(id); it != ready.end()) {
      DOCKET_RETURN_IF_ERROR(Dispatch(id, std::move(*it->second)));
    } else if (auto item = by_id.find(id); item != by_id.end()) {
      DOCKET_RETURN_IF_ERROR(Dispatch(id, SearchIndex::Prepare(*item->second, *analyzer_)));
    } else {
      DOCKET_ASSIGN_OR_RETURN(Item stored, store_->GetItem(id));
      DOCKET_RETURN_IF_ERROR(Dispatch(id, SearchIndex::Prepare(stored, *analyzer_)));
    }
  }
  pending_seq_ = seq;
  if (++writes_since_commit_ >= options_.writes_per_commit) {
    // In the background: the writer goes on queueing documents while the shards commit.
    DOCKET_RETURN_IF_ERROR(StartCommit());
  }
  return seq;
}

Result<uint64_t> CommitCoordinator::RollBackFrom(ItemId first_id) {
  uint64_t removed = 0;
  DOCKET_ASSIGN_OR_RETURN(const uint64_t seq, store_->RollBackFrom(first_id, &removed));
  DOCKET_RETURN_IF_ERROR(store_->ForEachLogRecord(
      seq - 1, [&](uint64_t, const std::vector<ItemId>& ids) { return ApplyLogged(ids); }));
  pending_seq_ = seq;
  writes_since_commit_ = 1;
  DOCKET_RETURN_IF_ERROR(Flush());
  return removed;
}

Status CommitCoordinator::StartCommit() {
  // Every document queued so far was written to the store before it was queued, so syncing the
  // store now makes it durable before any shard records pending_seq_ as applied.
  DOCKET_RETURN_IF_ERROR(store_->Sync());
  CrashPoint("commit.synced");
  for (const auto& shard : shards_) {
    shard->PushCommit(pending_seq_);
  }
  writes_since_commit_ = 0;
  return Status::OK();
}

Status CommitCoordinator::Flush() {
  if (writes_since_commit_ != 0) {
    DOCKET_RETURN_IF_ERROR(StartCommit());
  }
  for (const auto& shard : shards_) {
    DOCKET_RETURN_IF_ERROR(shard->Wait());
  }
  return Status::OK();
}

}  // namespace docket
