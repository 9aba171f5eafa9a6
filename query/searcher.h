/** @file
 *  @brief Searcher: runs a KQL request against an index directory (Xapian + DocStore, read-only).
 *
 *  Xapian stays inside searcher.cc and kql_to_xapian.cc. The searcher opens the index read-only,
 *  so it can run while `docket ingest` writes; Refresh() picks up later commits.
 */
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "query/search_request.h"
#include "query/search_result.h"
#include "storage/item.h"

namespace docket {

class Searcher {
 public:
  static Result<std::unique_ptr<Searcher>> Open(const std::filesystem::path& index_dir);
  ~Searcher();
  Searcher(const Searcher&) = delete;
  Searcher& operator=(const Searcher&) = delete;

  /// Thread-safe. A malformed query is InvalidArgument with a message naming the position.
  Result<SearchResult> Search(const SearchRequest& request);

  /// Every item id the request's query matches, ascending: what Search would list across all
  /// its pages with trim_duplicates=false. The query, refinement_filters, enable_stemming,
  /// accent_sensitive, the identity directory and `now` count exactly as in Search; paging,
  /// sorting, trim_duplicates and refiners do not. For exports, which must take what the search
  /// page showed and not only its first 500 rows. A malformed query is InvalidArgument, as in
  /// Search. Thread-safe.
  Result<std::vector<ItemId>> MatchingIds(const SearchRequest& request);

  /// Query suggestions (SharePoint /_api/search/suggest): indexed words that start with
  /// `prefix` (folded like indexed text), the words in most items first, at most `limit`.
  /// Looks at no more than the first 10,000 words with the prefix, so a one-letter prefix
  /// stays fast. Thread-safe.
  Result<std::vector<std::string>> Suggest(std::string_view prefix, size_t limit);

  /// Re-reads the latest committed state of the index. Thread-safe.
  Status Refresh();

 private:
  struct Impl;
  explicit Searcher(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace docket
