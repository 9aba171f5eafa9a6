/** @file
 *  @brief SearchRequest: what a caller (CLI, SharePoint REST, web page) asks the searcher for.
 */
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/time_util.h"

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
  // SharePoint EnableStemming: a word also matches the words sharing its Snowball stem in the
  // languages the index holds ("contracts" finds "contract"). Phrases stay exact. Default: true
  bool enable_stemming = true;
  // Diacritics the query carries must be in the text ("résumé" no longer finds "resume").
  // Default: false, diacritic-insensitive like SharePoint (storage/text_analyzer.h).
  bool accent_sensitive = false;
  // "Now" for the relative date words of KQL (today, "this week", "last month", ...), so tests
  // and `docket serve --now` can fix the clock; 0 means the system clock. Default: 0
  UtcMillis now = 0;
};

}  // namespace docket
