/** @file
 *  @brief jemalloc's options for the `docket` binary, and the per-subcommand switches that keep
 *  huge pages and freed pages to the export.
 *
 *  On the virtual machines we measure on, memory a process touches for the first time costs far
 *  more than its use, most likely because the guest hands free pages back to the host and
 *  taking them again costs the host a fault each: 256 MB of 4 KiB pages took 200 ms to touch,
 *  and the 24 MB transcript of the bench corpus took a core 125 ms to read for planning, nearly
 *  all of it zeroing fresh pages.
 *
 *  Huge pages: an export builds a plan of every item it produces and a pipeline of documents,
 *  and touches all of it for every document; with 4 KiB pages a tenth of its CPU went to page
 *  faults and TLB misses. With jemalloc backing its memory, its own metadata included, with
 *  transparent huge pages, bench/export (N=20000, 9 alternating runs) went from 2.49 to 2.17 s
 *  (median) and 3.98 to 3.56 CPU-seconds, for about 40 MB more peak RSS.
 *
 *  Freed pages: by default jemalloc returns freed pages to the kernel over ten seconds, so an
 *  export that frees a store block or a native and later needs as much again faulted fresh
 *  pages in. `docket export` is a batch process that exits when the package is done, so it
 *  keeps what it frees: 129 huge-page faults per export of the bench corpus instead of 166 (74 MB
 *  less memory taken fresh), for a peak RSS of 309 MB instead of 280. In three alternating runs
 *  of 9-11 exports each, the median export took 7% and 5% less time in two and the same in the
 *  third; `--large` did not change (its freed natives were reused either way).
 *
 *  The other subcommands get neither: an ingest was not faster with huge pages (29.1 s against
 *  32.5 s, one run each) and grew by 50 MB, and `serve` runs for days, where huge pages would
 *  keep more memory resident than it uses and freed memory must go back. Debian's kernel gives
 *  huge pages only to memory that asks for them (transparent_hugepage=madvise); jemalloc asks
 *  for all of it when `thp` is "always", and prctl(PR_SET_THP_DISABLE) makes the kernel ignore
 *  the asking for the whole process (jemalloc's first metadata blocks, a few MB allocated before
 *  main(), stay huge). None of this changes what any subcommand computes.
 */
#include "app/allocator.h"

#include <sys/prctl.h>
#include <sys/types.h>

// Read by jemalloc when it initialises, before main(); ignored by other allocators (sanitizer
// builds). MALLOC_CONF in the environment still applies on top.
extern "C" {
// NOLINTNEXTLINE: the name and type are jemalloc's interface.
const char* malloc_conf = "thp:always,metadata_thp:always";
// jemalloc's control interface; weak, so that a build with another allocator links without it
// and finds it null.
int mallctl(const char* name, void* old_value, size_t* old_length, void* new_value,
            size_t new_length) __attribute__((weak));
}

namespace docket {
namespace {

// Never return freed pages: for arenas created from now on, and for those that exist (4096 is
// jemalloc's MALLCTL_ARENAS_ALL).
void KeepFreedPages() {
  if (mallctl == nullptr) {
    return;
  }
  for (const char* setting : {"arenas.dirty_decay_ms", "arenas.muzzy_decay_ms",
                              "arena.4096.dirty_decay_ms", "arena.4096.muzzy_decay_ms"}) {
    ssize_t never = -1;
    mallctl(setting, nullptr, nullptr, &never, sizeof(never));  // a hint: failure is harmless
  }
}

}  // namespace

void ConfigureHeapFor(std::string_view command) {
  if (command == "export") {
    KeepFreedPages();
  } else {
    prctl(PR_SET_THP_DISABLE, 1, 0, 0, 0);
  }
}

}  // namespace docket
