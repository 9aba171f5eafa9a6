/** @file
 *  @brief CompactIndex and its crash recovery (see index_compaction.h).
 */
#include "storage/index_compaction.h"

#include <fcntl.h>
#include <unistd.h>
#include <xapian.h>

#include <memory>
#include <string>
#include <system_error>
#include <vector>

#include "storage/commit_coordinator.h"

namespace docket {
namespace {

namespace fs = std::filesystem;

fs::path Sibling(const fs::path& shard, const char* suffix) {
  return fs::path(shard.string() + suffix);
}

uint64_t BytesUnder(const fs::path& dir) {
  uint64_t total = 0;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::end(it);
       it.increment(ec)) {
    if (it->is_regular_file(ec)) {
      total += it->file_size(ec);
    }
  }
  return total;
}

// Makes the renames in `dir` durable.
Status SyncDirectory(const fs::path& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0 || ::fsync(fd) != 0) {
    const std::error_code ec(errno, std::generic_category());
    if (fd >= 0) {
      ::close(fd);
    }
    return Status::IOError("cannot sync " + dir.string() + ": " + ec.message());
  }
  ::close(fd);
  return Status::OK();
}

Status Rename(const fs::path& from, const fs::path& to) {
  std::error_code ec;
  fs::rename(from, to, ec);
  if (ec) {
    return Status::IOError("cannot rename " + from.string() + " to " + to.string() + ": " +
                           ec.message());
  }
  return Status::OK();
}

}  // namespace

Status RecoverInterruptedCompaction(const IndexLayout& layout) {
  Result<uint32_t> shards = ExistingShardCount(layout);
  if (!shards.ok()) {
    return Status::OK();  // no index yet: nothing was compacted
  }
  std::error_code ec;
  for (uint32_t i = 0; i < *shards; ++i) {
    const fs::path shard = layout.xapian_shard(i);
    const fs::path compacted = Sibling(shard, ".compact");
    const fs::path old = Sibling(shard, ".old");
    if (!fs::exists(shard, ec)) {
      // Between the two renames: the compacted copy was complete before the first one.
      if (fs::exists(compacted, ec)) {
        DOCKET_RETURN_IF_ERROR(Rename(compacted, shard));
      } else if (fs::exists(old, ec)) {
        DOCKET_RETURN_IF_ERROR(Rename(old, shard));
      } else {
        continue;  // not ours to repair: opening the index will say what is missing
      }
    }
    // shard-N is in place: a .compact beside it never got swapped in (maybe incomplete), and
    // an .old is the copy it replaced.
    fs::remove_all(compacted, ec);
    fs::remove_all(old, ec);
  }
  return SyncDirectory(layout.xapian());
}

Result<CompactionReport> CompactIndex(const fs::path& index_dir) {
  const IndexLayout layout(index_dir);
  DOCKET_ASSIGN_OR_RETURN(const uint32_t count, ExistingShardCount(layout));
  DOCKET_RETURN_IF_ERROR(RecoverInterruptedCompaction(layout));
  CompactionReport report;
  report.shards = count;
  try {
    // The writer locks, held until the swaps are done: no ingest writes meanwhile.
    std::vector<std::unique_ptr<Xapian::WritableDatabase>> locks;
    for (uint32_t i = 0; i < count; ++i) {
      const fs::path shard = layout.xapian_shard(i);
      try {
        locks.push_back(
            std::make_unique<Xapian::WritableDatabase>(shard.string(), Xapian::DB_OPEN));
      } catch (const Xapian::DatabaseLockError&) {
        return Status::IOError("the search index at " + index_dir.string() +
                               " is being written by an ingest; compact it when that ends");
      }
      report.bytes_before += BytesUnder(shard);
    }
    for (uint32_t i = 0; i < count; ++i) {
      const fs::path shard = layout.xapian_shard(i);
      const fs::path compacted = Sibling(shard, ".compact");
      std::error_code ec;
      fs::remove_all(compacted, ec);
      // The last committed revision, read as any reader does; user metadata is copied, and
      // document ids are kept (nothing relies on them, but a compaction should change nothing).
      Xapian::Database(shard.string())
          .compact(compacted.string(), Xapian::Compactor::FULLER | Xapian::DBCOMPACT_NO_RENUMBER);
      report.bytes_after += BytesUnder(compacted);
    }
    for (uint32_t i = 0; i < count; ++i) {
      const fs::path shard = layout.xapian_shard(i);
      DOCKET_RETURN_IF_ERROR(Rename(shard, Sibling(shard, ".old")));
      DOCKET_RETURN_IF_ERROR(Rename(Sibling(shard, ".compact"), shard));
    }
    DOCKET_RETURN_IF_ERROR(SyncDirectory(layout.xapian()));
    for (auto& lock : locks) {
      lock->close();
    }
  } catch (const Xapian::Error& e) {
    return Status::IOError("compacting the search index at " + index_dir.string() + ": " +
                           e.get_description());
  }
  DOCKET_RETURN_IF_ERROR(RecoverInterruptedCompaction(layout));  // removes the .old copies
  return report;
}

}  // namespace docket
