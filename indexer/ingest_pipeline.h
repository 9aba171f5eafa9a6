/** @file
 *  @brief IngestPipeline: one ingest job, from PATHs on disk to items in the store and index.
 *
 *  A PATH is a folder (walked in name order; a folder of LcsLog table dumps is imported as
 *  such), an archive (zip, tar, tar.gz, 7z, ...; nested archives are opened in memory up to
 *  ArchiveLimits::max_depth), a mailbox (MBOX, PST) or a single file. What each file becomes is
 *  decided in family_builder.h. Nothing is lost: an item that cannot be parsed is stored with
 *  its native bytes as kUnindexed with the reason; one read only partly is kPartiallyIndexed.
 *
 *  Three stages (style.md: parse in parallel, write from one place):
 *    1. the walker (the calling thread) reads files and archives in order and cuts them into
 *       tasks, each with a sequence number;
 *    2. worker threads turn tasks into families (parse, extract, analyse for the index);
 *    3. one writer takes the families back in sequence order, decides duplicates, allocates
 *       item ids and writes them through the CommitCoordinator.
 *  Because ids are allocated by the writer in input order, a run that was killed and resumed
 *  gives the same ids as one that was not: an ingest marker names the source in progress, and
 *  the next run rolls back what that source had written and reads it again.
 *
 *  Deduplication: a source file already ingested completely from the same place for the same
 *  custodian is skipped; an item whose native SHA-256 is already stored, or an IM session whose
 *  conversation key is (the same session from an export and an LcsLog dump), is not stored
 *  again: its location (ipath, custodian) is recorded and its custodian added to the stored item.
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

struct IngestOptions {
  // Custodian recorded on every item of this run (`docket ingest --custodian`). Default: ""
  std::string custodian;
  ArchiveLimits limits;
  // Largest native we keep for an item that failed as a whole (e.g. a truncated 40 GB
  // archive): above this the reason says the native was too large to keep. Default: 2 GiB
  uint64_t max_unindexed_native_bytes = 2ull << 30;
  // Threads that parse and analyse. Default: 0 = one per core
  unsigned worker_threads = 0;
  // Private scratch folder for the rare file a library can only read from disk (a PST inside
  // an archive). `docket ingest` uses INDEX/tmp, so nothing is written outside the index.
  // Default: empty (such files are recorded as unindexed)
  std::filesystem::path temp_dir;
};

struct IngestStats {
  uint64_t items = 0;     // new items stored (message lines are counted in `messages`)
  uint64_t messages = 0;  // new conversation lines stored
  uint64_t bytes = 0;     // bytes of input read from disk
  uint64_t unindexed = 0;
  uint64_t partially_indexed = 0;
  uint64_t duplicates = 0;   // items already in the index (whole sources or single items)
  uint64_t sources = 0;      // files read from disk
  uint64_t merged = 0;       // IM sessions found again in another source (counted in duplicates)
  uint64_t rolled_back = 0;  // items of an interrupted earlier run removed before resuming
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

  /// Totals so far (exact once Finish() returned).
  IngestStats stats() const;

  /// Called from the writer thread after each stored family with the running totals and the
  /// family's ipath. Set it before the first IngestPath.
  void set_progress(std::function<void(const IngestStats&, std::string_view)> progress);

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

/// "summary items=12 messages=96 bytes=123456 unindexed=1 partially_indexed=1 duplicates=0
/// seconds=0.52 items_per_s=23.1": the line `docket ingest` ends with (scripts parse it).
std::string FormatIngestSummary(const IngestStats& stats, double seconds);

}  // namespace docket
