/** @file
 *  @brief SearchResult: hits with their stored items and highlighted summaries.
 */
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "storage/item.h"

namespace docket {

struct SearchHit {
  Item item;  // from the DocStore; `text` holds the extracted text
  double rank = 0;
  // Plain-text snippet, HTML-escaped, matched terms wrapped in <c0>...</c0>, fragments joined
  // with <ddd/> (SharePoint HitHighlightedSummary).
  std::string highlighted_summary;
  // "<HHTitle>…<c0>term</c0>…</HHTitle>\n<HHUrl>…</HHUrl>" for the properties the request
  // named (SharePoint HitHighlightedProperties); empty (a null cell) when none was named.
  std::string highlighted_properties;
};

/// One bin of a refiner (SharePoint RefinerEntry, §1.9.2).
struct RefinerEntry {
  uint64_t count = 0;  // RefinementCount: matches in the bin, duplicates included
  std::string name;    // RefinementName: "docx", "From 2013-01-01T00:00:00Z up to ..."
  std::string token;   // RefinementToken: "\"ǂǂ646f6378\"" or "range(a, b)"
  std::string value;   // RefinementValue
};

struct RefinerResult {
  std::string name;  // as requested
  std::vector<RefinerEntry> entries;
};

struct SearchResult {
  uint64_t total_rows = 0;  // all matches after duplicate trimming, exact
  uint64_t total_rows_including_duplicates = 0;
  // One per requested refiner, in request order (empty when none was requested).
  std::vector<RefinerResult> refiners;
  std::vector<SearchHit> hits;     // rows [start_row, start_row + row_limit)
  std::string query_modification;  // the query as the searcher understood it (for diagnostics)
  int64_t elapsed_ms = 0;
};

}  // namespace docket
