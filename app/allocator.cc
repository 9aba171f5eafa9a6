/** @file
 *  @brief jemalloc's options for the `docket` binary, and the switch that keeps huge pages to
 *  the export.
 *
 *  An export builds a plan of every item it produces, a 128 MiB block cache and a pipeline of
 *  documents, and touches all of it for every document; with 4 KiB pages a tenth of its CPU
 *  went to page faults and TLB misses. With jemalloc backing its memory, its own metadata
 *  included, with transparent huge pages, bench/export (N=20000, 9 alternating runs) went from
 *  2.49 to 2.17 s (median) and 3.98 to 3.56 CPU-seconds, for about 40 MB more peak RSS.
 *
 *  The other subcommands do not get them: an ingest was not faster with them (29.1 s against
 *  32.5 s, one run each) and grew by 50 MB, and `serve` runs for days, where huge pages would
 *  keep more memory resident than it uses. Debian's kernel gives huge pages only to memory that
 *  asks for them (transparent_hugepage=madvise); jemalloc asks for all of it when `thp` is
 *  "always", and prctl(PR_SET_THP_DISABLE) makes the kernel ignore the asking for the whole
 *  process (jemalloc's first metadata blocks, a few MB allocated before main(), stay huge).
 *  Neither changes what any subcommand computes.
 */
#include "app/allocator.h"

#include <sys/prctl.h>

// Read by jemalloc when it initialises, before main(); ignored by other allocators (sanitizer
// builds). MALLOC_CONF in the environment still applies on top.
extern "C" {
// NOLINTNEXTLINE: the name and type are jemalloc's interface.
const char* malloc_conf = "thp:always,metadata_thp:always";
}

namespace docket {

void DisableHugePages() { prctl(PR_SET_THP_DISABLE, 1, 0, 0, 0); }

}  // namespace docket
