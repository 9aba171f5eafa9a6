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

namespace docket {

class Searcher {
 public:
  static Result<std::unique_ptr<Searcher>> Open(const std::filesystem::path& index_dir);
  ~Searcher();
  Searcher(const Searcher&) = delete;
  Searcher& operator=(const Searcher&) = delete;

  /// Thread-safe. A malformed query is InvalidArgument with a message naming the position.
  Result<SearchResult> Search(const SearchRequest& request);

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
