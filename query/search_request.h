/** @file
 *  @brief SearchRequest: what a caller (CLI, SharePoint REST, web page) asks the searcher for.
 */
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace docket {

struct SortSpec {
  std::string property;  // "Rank", "Write", "Sent", "Size", "Title"
  bool descending = true;
};

struct SearchRequest {
  std::string query_text;  // KQL
  uint32_t start_row = 0;  // zero-based offset into the sorted hits
  uint32_t row_limit = 10;
  std::vector<SortSpec> sort;  // empty: Rank descending
  // Maximum characters of the highlighted summary (SharePoint SummaryLength). Default: 180
  uint32_t summary_length = 180;
};

}  // namespace docket
