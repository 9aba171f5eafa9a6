/** @file
 *  @brief RunExport: a search's results → one production zip (natives, text, EDRM XML, DAT,
 *  reports), streamed, verified and reproducible. See ARCHITECTURE.md "export/".
 */
#pragma once

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>

#include "common/result.h"
#include "common/time_util.h"
#include "export/export_options.h"

namespace docket {

struct ExportProgress {
  std::string phase;             // "selecting", "writing", "reports", "done"
  uint64_t documents_done = 0;   // documents written to the package so far
  uint64_t documents_total = 0;  // known once selection is done
  uint64_t bytes_written = 0;    // package bytes so far
};

/// What the package holds; the numbers Export Summary.csv reports.
struct ExportCounts {
  uint64_t matched = 0;    // items the query matched
  uint64_t documents = 0;  // documents in the load files (each has a DocID)
  uint64_t families = 0;   // family parents among them
  uint64_t natives = 0;    // natives written
  uint64_t native_bytes = 0;
  uint64_t text_files = 0;  // extracted-text files written
  uint64_t unindexed = 0;   // documents that could not be (fully) indexed
  uint64_t duplicates = 0;  // copies withheld by dedupe (rows of Duplicates.csv)
  uint64_t errors = 0;      // rows of Errors and Warnings.csv of level Error
  uint64_t warnings = 0;    // ... of level Warning
};

struct ExportResult {
  ExportCounts counts;
  std::filesystem::path package;  // the final zip
  uint64_t package_bytes = 0;
  std::string package_sha256;
  UtcMillis started_at = 0;
  UtcMillis finished_at = 0;
};

struct ExportControl {
  // Called from the exporting thread after selection and every few documents.
  std::function<void(const ExportProgress&)> on_progress;
  // Checked between documents; when set, RunExport removes the partial package and returns
  // Cancelled.
  const std::atomic<bool>* cancel = nullptr;
  // The process exits right after RunExport (the CLI): the plan and the store are left to the
  // operating system instead of being freed one allocation at a time, as compilers do
  // (clang -disable-free). Freeing 30,000 planned items and closing the store took a twentieth
  // of a small-document export, after the package was complete.
  bool process_exits_after = false;
};

/// Runs the export. A problem with one item (missing native, hash mismatch) is a row in
/// Errors and Warnings.csv, never a failed export; only bad options, an unreadable index or
/// a write failure of the package itself fail it, and then no file is left under options.out.
Result<ExportResult> RunExport(const ExportOptions& options, const ExportControl& control = {});

}  // namespace docket
