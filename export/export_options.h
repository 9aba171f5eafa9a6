/** @file
 *  @brief ExportOptions: what a legal export produces, as `docket export` and POST /api/exports
 *  take it (plain data; parsing of the option words lives here so CLI and HTTP agree).
 */
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"
#include "common/time_util.h"

namespace docket {

/// Which items the package holds (Purview's "indexed / all / unindexed items" choice).
enum class ExportInclude : uint8_t {
  kIndexed,    // the items the query matches (and their families)
  kAll,        // the matches plus every item that could not be fully indexed
  kUnindexed,  // only the items that could not be fully indexed (they cannot match a query)
};

/// Exact duplicates (same SHA-256 family parent, ediscovery.md §6) are never dropped silently:
/// a suppressed copy is listed in Duplicates.csv with the DocID it duplicates.
enum class ExportDedupe : uint8_t {
  kNone,       // one document per place the family was found (every custodian, every source)
  kGlobal,     // one document per family content; other copies in Duplicates.csv
  kCustodian,  // one document per family content and custodian
};

enum class ExportFamilies : uint8_t {
  kInclude,  // a hit brings its whole family: the parent and every attachment, parent first
  kExclude,  // only the items that hit
};

std::string_view ExportIncludeName(ExportInclude include);
std::string_view ExportDedupeName(ExportDedupe dedupe);
std::string_view ExportFamiliesName(ExportFamilies families);
/// Parse the words above ("indexed", "all", "unindexed", ...); InvalidArgument naming the
/// accepted words otherwise.
Result<ExportInclude> ParseExportInclude(std::string_view word);
Result<ExportDedupe> ParseExportDedupe(std::string_view word);
Result<ExportFamilies> ParseExportFamilies(std::string_view word);

struct ExportOptions {
  std::filesystem::path index_dir;
  std::string query;      // KQL; may be empty only with include = kUnindexed
  std::string case_name;  // recorded in the summary and the manifest; optional
  ExportInclude include = ExportInclude::kIndexed;
  // Default kNone: nothing collected is withheld unless legal asks for deduplication.
  ExportDedupe dedupe = ExportDedupe::kNone;
  ExportFamilies families = ExportFamilies::kInclude;
  // Control numbers: prefix + counter zero-padded to `bates_digits` ("DKT0000001").
  std::string bates_prefix = "DKT";
  uint64_t bates_start = 1;
  uint32_t bates_digits = 7;
  // The package. Written as "<out>.partial" beside it and renamed when complete, so a
  // cancelled or killed export never leaves a half package under this name.
  std::filesystem::path out;
  // "Now" for KQL's relative dates (today, last month); 0: the system clock.
  UtcMillis now = 0;
};

/// Checks what can be checked before anything runs: a query or kUnindexed, a Bates prefix of
/// printable ASCII without path or load-file separators, 1..18 digits, a start that leaves room
/// for at least one number, an output name ending in ".zip".
Status ValidateExportOptions(const ExportOptions& options);

}  // namespace docket
