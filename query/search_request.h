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
  // "Rank", "Write", "Sent", "Received", "Size", "Title" (any SortList name query/sort_key.h
  // takes), or a special sort: "[random:seed=5432]", "[formula:abs(2000-size)]".
  std::string property;
  bool descending = true;
};

/// One refiner of SharePoint's `Refiners` (sharepoint-search.md §1.9.1), already parsed.
struct RefinerSpec {
  std::string name;  // as requested ("FileType", "write"); echoed as Refiner.Name
  // discretize=manual/t1/t2/...: bin thresholds as written (dates or numbers). Empty: default
  // bins (calendar years for dates, powers of ten from 1 KB for sizes).
  std::vector<std::string> thresholds;
  // deephits=n: count over at most n matches (0: the searcher's default, kRefinerDeepHits).
  uint32_t deep_hits = 0;
  // sort=frequency|name|number / ascending|descending (string refiners).
  std::string sort_by = "frequency";
  bool sort_descending = true;
  // filter=bins/freq/prefix: at most max_entries, only counts >= min_count, names starting
  // with prefix ("" = all).
  uint32_t max_entries = 0;  // 0: no limit
  uint64_t min_count = 1;
  std::string name_prefix;
};

struct SearchRequest {
  std::string query_text;  // KQL
  uint32_t start_row = 0;  // zero-based offset into the sorted hits
  uint32_t row_limit = 10;
  std::vector<SortSpec> sort;  // empty: Rank descending
  // Maximum characters of the highlighted summary (SharePoint SummaryLength). Default: 180
  uint32_t summary_length = 180;
  // SharePoint HitHighlightedProperties: the properties each hit's HitHighlightedProperties
  // cell highlights (query/highlighter.h HighlightProperties). Empty: the cell is null.
  std::vector<std::string> hit_highlighted_properties;
  // SharePoint EnableStemming: a word also matches the words sharing its Snowball stem in the
  // languages the index holds ("contracts" finds "contract"). Phrases stay exact. Default: true
  bool enable_stemming = true;
  // Diacritics the query carries must be in the text ("résumé" no longer finds "resume").
  // Default: false, diacritic-insensitive like SharePoint (storage/text_analyzer.h).
  bool accent_sensitive = false;
  // SharePoint Refiners: facets counted over the matches (query/refiners.h). Empty: none.
  std::vector<RefinerSpec> refiners;
  // SharePoint RefinementFilters: FQL expressions ANDed with the query (query/refiners.h).
  std::vector<std::string> refinement_filters;
  // SharePoint TrimDuplicates: items with the same SHA-256 content are shown once (the best
  // ranked); TotalRows counts them once. Default: true, as in SharePoint (§1.3).
  bool trim_duplicates = true;
  // SharePoint EnableSorting: false returns the matches unsorted (index order; `sort` ignored).
  bool enable_sorting = true;
  // "Now" for the relative date words of KQL (today, "this week", "last month", ...), so tests
  // and `docket serve --now` can fix the clock; 0 means the system clock. Default: 0
  UtcMillis now = 0;
};

}  // namespace docket
