/** @file
 *  @brief ArchiveLimits: the caps that keep a hostile or broken archive from exhausting the host.
 *
 *  Passed explicitly to ArchiveReader and to the ingest pipeline (no globals). Every limit is
 *  counted from bytes actually decompressed, never from sizes the archive claims (style.md §c.12).
 */
#pragma once

#include <cstdint>

namespace docket {

struct ArchiveLimits {
  // Deepest nesting the ingest pipeline opens (zip in eml in zip ...). Recoll caps its handler
  // stack at 20; we choose a tighter cap. ArchiveReader itself reads one level; the pipeline
  // enforces this when it recurses.
  // Default: 8
  int max_depth = 8;

  // Most entry headers (files, directories, links) read from one archive before giving up.
  // Default: 1'000'000
  uint64_t max_entries = 1'000'000;

  // Largest expanded size of one member. Members are returned in memory, so this also bounds
  // the memory one ArchiveEntry can take.
  // Default: 1 GiB
  uint64_t max_entry_bytes = 1ull << 30;

  // Largest expanded size of all members of one archive together.
  // Default: 64 GiB
  uint64_t max_total_bytes = 64ull << 30;

  // Largest ratio of expanded bytes to compressed bytes. libarchive does not report a member's
  // compressed size for every format, so ArchiveReader compares the bytes expanded so far with
  // the size of the whole archive input (known for files and memory buffers). The check starts
  // only past 1 MiB of output, so small, very compressible members are not refused.
  // Default: 200
  uint64_t max_ratio = 200;
};

}  // namespace docket
