/** @file
 *  @brief ArchiveLimits: the caps that keep a hostile or broken archive from exhausting the host.
 *
 *  Passed explicitly to ArchiveReader and to the ingest pipeline (no globals). Every limit is
 *  counted from bytes actually decompressed, never from sizes the archive claims (style.md §c.12).
 *
 *  Two kinds of limit: max_entry_bytes is about one member, and passing it costs only that
 *  member (it is listed without its bytes; the rest of the archive is still read).
 *  max_entries, max_total_bytes and max_ratio are about the archive as a whole: passing one
 *  means a decompression bomb or something like it, and ends that archive with
 *  kResourceExhausted (the members returned before stay). max_depth is the pipeline's.
 */
#pragma once

#include <cstdint>

namespace docket {

struct ArchiveLimits {
  // Deepest nesting the ingest pipeline opens (zip in eml in zip ...). Recoll caps its handler
  // stack at 20; we choose a tighter cap, because every open level holds one member in memory
  // (up to max_entry_bytes), and real exports nest three or four deep (export zip → day folder
  // zip → message → attached zip). ArchiveReader itself reads one level; the pipeline enforces
  // this when it recurses, and lists a member nested deeper as unindexed.
  // Default: 8
  int max_depth = 8;

  // Most entry headers (files, directories, links) read from one archive before giving up.
  // Final for the archive. A year of Lync/Skype for Business archiving exports tens of
  // thousands of files; a million leaves room for that while bounding the time spent on an
  // archive of millions of empty entries (a zip entry can take under 100 bytes).
  // Default: 1'000'000
  uint64_t max_entries = 1'000'000;

  // Largest expanded size of one member. Members are returned in memory whole (to hash, sniff
  // and parse them), so this bounds the memory one ArchiveEntry can take. A larger member is
  // not final: it is returned with no bytes, complete = false and a problem saying so, and
  // the walk goes on. Its data is still read and dropped, so it counts towards the two limits
  // below. 1 GiB is far above any message, transcript or document we extract text from.
  // Default: 1 GiB
  uint64_t max_entry_bytes = 1ull << 30;

  // Largest expanded size of all members of one archive together (holes of sparse files
  // included). Final for the archive. It catches a bomb made of many members each under
  // max_entry_bytes, and is far above real custodian exports (a few GiB).
  // Default: 64 GiB
  uint64_t max_total_bytes = 64ull << 30;

  // Largest ratio of expanded bytes to compressed bytes. Final for the archive. Mail and
  // text compress 3-10x and repetitive logs rarely past 100x, while zeros deflate about
  // 1000x and crafted bombs far more. libarchive does not report a member's compressed size
  // for every format, so ArchiveReader compares the bytes expanded so far with the size of
  // the whole archive input (known for files and memory buffers). The check starts only past
  // 1 MiB of output, so small, very compressible members are not refused.
  // Default: 200
  uint64_t max_ratio = 200;
};

}  // namespace docket
