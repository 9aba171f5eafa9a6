/** @file
 *  @brief CompactIndex: rewrites every search index shard with full B-tree blocks (Xapian's
 *  compaction, as `xapian-compact --fuller` does), for an index that has finished a bulk load.
 *
 *  Why: an index written by ingest has blocks about half full, because documents arrive in
 *  item order and their terms' posting lists grow all over the B-tree. Compacted, the posting
 *  and position tables shrink by about half, and a search reads a third fewer blocks (each a
 *  pread and an 8 KB copy; Xapian 1.4 has no block cache of its own). The documents, their
 *  ids, and the metadata (applied sequence, date-term mark) are unchanged, so later ingests
 *  and the crash-safe replay go on as before; they fill blocks half again until the next
 *  compaction.
 *
 *  Safety: the shards' writer locks are held throughout, so an ingest cannot write meanwhile
 *  (it fails with "in use by another writer"). Each shard is compacted into shard-N.compact,
 *  complete before anything is renamed; then shard-N becomes shard-N.old and shard-N.compact
 *  becomes shard-N, and the old copy is removed. A crash between the two renames leaves no
 *  shard-N: RecoverInterruptedCompaction (run by CompactIndex and CommitCoordinator::Open)
 *  puts the complete copy in place. A `docket serve` running during a compaction reopens the
 *  new shards on its next search (query/searcher.cc).
 */
#pragma once

#include <cstdint>
#include <filesystem>

#include "common/result.h"

namespace docket {

struct IndexLayout;

struct CompactionReport {
  uint32_t shards = 0;
  uint64_t bytes_before = 0;  // the shards' files on disk
  uint64_t bytes_after = 0;
};

/// Compacts the search index under `index_dir` (see the file comment). NotFound without an
/// index; IOError while an ingest holds it, naming what to do.
Result<CompactionReport> CompactIndex(const std::filesystem::path& index_dir);

/// Puts back a shard that a crash during CompactIndex left renamed, and removes the leftovers of
/// a compaction that did not finish. OK when there is nothing to do.
Status RecoverInterruptedCompaction(const IndexLayout& layout);

}  // namespace docket
