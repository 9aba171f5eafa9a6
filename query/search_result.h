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
};

struct SearchResult {
  uint64_t total_rows = 0;         // all matches, exact
  std::vector<SearchHit> hits;     // rows [start_row, start_row + row_limit)
  std::string query_modification;  // the query as the searcher understood it (for diagnostics)
  int64_t elapsed_ms = 0;
};

}  // namespace docket
