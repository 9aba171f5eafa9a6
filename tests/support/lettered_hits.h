/** @file
 *  @brief Result-set tests over a small index whose items are named by letters: the hits of a
 *         search as a string of letters ("acd"), so a table row states its exact expected set.
 */
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <string>

#include "common/result.h"
#include "query/search_result.h"
#include "query/searcher.h"
#include "storage/item.h"
#include "tests/support/test_env.h"

namespace docket::testing {

/// The letters of the hits, in hit order.
inline std::string HitLetters(const SearchResult& result, const std::map<ItemId, char>& letters) {
  std::string out;
  for (const SearchHit& hit : result.hits) {
    out.push_back(letters.at(hit.item.id));
  }
  return out;
}

/// The set of letters `result` matched, sorted; "error: ..." when the search failed. Every hit
/// must be on the page (a missing item would prove nothing), which `kql` names on failure.
inline std::string MatchedLetters(const Result<SearchResult>& result,
                                  const std::map<ItemId, char>& letters, const std::string& kql) {
  if (!result.ok()) {
    return "error: " + result.error().ToString();
  }
  std::string out = HitLetters(*result, letters);
  std::sort(out.begin(), out.end());
  EXPECT_EQ(out.size(), result->total_rows) << kql;
  return out;
}

/// A suite over one index built once (Derived::SetUpTestSuite fills dir_ and letters_) and a
/// Searcher per test. Derived provides `Result<SearchResult> Run(const std::string& kql)`.
template <typename Derived>
class LetteredIndexTest : public ::testing::Test {
 protected:
  static void TearDownTestSuite() {
    delete dir_;
    dir_ = nullptr;
  }

  void SetUp() override {
    auto searcher = Searcher::Open(dir_->path());
    ASSERT_OK(searcher);
    searcher_ = std::move(searcher).value();
  }

  static std::string Letters(const SearchResult& result) { return HitLetters(result, letters_); }

  std::string Matches(const std::string& kql) {
    return MatchedLetters(static_cast<Derived*>(this)->Run(kql), letters_, kql);
  }

  static inline TempDir* dir_ = nullptr;
  static inline std::map<ItemId, char> letters_;
  std::unique_ptr<Searcher> searcher_;
};

}  // namespace docket::testing
