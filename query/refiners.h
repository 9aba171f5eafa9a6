/** @file
 *  @brief SharePoint refiners and refinement filters (sharepoint-search.md §1.9): the refiner
 *         list grammar, refinement tokens and the FQL subset RefinementFilters use.
 *
 *  Everything here is pure text processing; the counting and the Xapian filters built from an
 *  FqlNode live in refiners.cc (Xapian stays out of this header) and are called by the
 *  Searcher.
 *
 *  Refinable properties (names case-insensitive) and where they are counted from:
 *    FileType, FileExtension   the XEXT term        Kind      the XKIND term
 *    Custodian                 the XCUST term (normalised, lower case)
 *    DetectedLanguage          the XLANG term       Author, From   the XFROM address terms
 *    Size                      the size slot        Write, LastModifiedTime   last-activity slot
 *    Sent, Created, Received   the sent slot
 *  Term refiners read each matching document's refiner terms, so they count over at most
 *  kRefinerDeepHits matches (deephits= lowers it); slot refiners count every match.
 */
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "query/search_request.h"
#include "query/search_result.h"

namespace Xapian {
class Database;
class Query;
}  // namespace Xapian

namespace docket {

class TextAnalyzer;

/// Term refiners (FileType, Kind, Custodian, DetectedLanguage, Author) count the first this
/// many matches in index order: reading a term list costs a few microseconds, so 5000 keeps a
/// refined search within a few tens of milliseconds on a large match set. Slot refiners (Size,
/// Write, Sent) read one value per match and count every match.
inline constexpr uint32_t kRefinerDeepHits = 5000;

/// Parses SharePoint's `Refiners` text, "FileType,Write(discretize=manual/2013-01-01/2014-01-01)"
/// (commas inside parentheses do not split). InvalidArgument for a property that cannot be
/// refined on and for malformed options, with a message naming them.
Result<std::vector<RefinerSpec>> ParseRefinerList(std::string_view text);

/// True when `name` (any case) is a refinable property (the table above).
bool IsRefinableProperty(std::string_view name);

/// A string refinement token: "\"ǂǂ" + lower-case hex of the UTF-8 bytes + "\"" (§1.9.2).
std::string StringRefinementToken(std::string_view value);

/// One node of a RefinementFilters expression.
struct FqlNode {
  enum class Op { kAnd, kOr, kNot, kAndNot, kEquals, kStartsWith, kEndsWith, kRange };
  Op op = Op::kEquals;
  std::string property;  // leaf ops: the managed property as written
  std::string value;     // kEquals/kStartsWith/kEndsWith: the decoded text ("ǂǂ" hex undone)
  // kRange: "min"/"max" or a number or date as written; bounds' inclusiveness from from=/to=.
  std::string low = "min";
  std::string high = "max";
  bool low_inclusive = true;      // from="GE" (default) vs "GT"
  bool high_inclusive = false;    // to="LT" (default) vs "LE"
  std::vector<FqlNode> children;  // kAnd/kOr/kNot/kAndNot

  /// A compact rendering for tests and QueryModification: and(kind:equals("im"), ...).
  std::string ToString() const;
};

/// Parses one RefinementFilters entry: `FileType:"ǂǂ646f6378"`, `fileExtension:equals("docx")`,
/// `Write:range(2013-09-21T00:00:00Z, max, to="LE")`, `and(...)`, `or(...)`, `not(...)`,
/// `andnot(a, b)`, `any(...)`, `prop:or("ǂǂa","ǂǂb")`. Keywords are case-insensitive.
/// InvalidArgument with the position for malformed text or a property that cannot be filtered.
Result<FqlNode> ParseFql(std::string_view text);

/// The Xapian filter for a parsed RefinementFilters entry (boolean: it never changes ranks).
/// Term values are normalised as the indexer wrote them (custodians through `analyzer`);
/// starts-with/ends-with expand over the index's terms of the property (at most 1000 terms,
/// ResourceExhausted beyond). InvalidArgument for a range on a text property or a malformed
/// bound. Only refiners.cc and searcher.cc call it (Xapian types).
Result<Xapian::Query> FqlToXapian(const FqlNode& node, const Xapian::Database& db,
                                  TextAnalyzer& analyzer);

/// The number of distinct values of `slot` among `matches` (Xapian docids, ascending); each
/// match without the value counts alone (TotalRows with TrimDuplicates: an item without a
/// SHA-256 is never collapsed). Throws Xapian::Error.
uint64_t CountDistinctValues(const Xapian::Database& db, uint32_t slot,
                             const std::vector<uint32_t>& matches);

/// The value terms of each refinable term property, per document, in memory: docid -> the
/// values it holds, so counting a refiner over N matches is N array reads instead of N posting
/// list skips for every value (as Lucene's doc values and Typesense's facet index do). A column
/// is built from its prefix's posting lists the first time a refiner needs it, then reused
/// until Clear(): the searcher keeps one per session and clears it when the index changes.
/// Not thread-safe (one per session, as the Xapian::Database it reads).
class RefinerColumns {
 public:
  RefinerColumns();
  ~RefinerColumns();
  RefinerColumns(const RefinerColumns&) = delete;
  RefinerColumns& operator=(const RefinerColumns&) = delete;

  /// Forgets every column (the index changed).
  void Clear();
  /// Memory held by the columns, in bytes (for tests and diagnostics).
  size_t bytes() const;

  struct Impl;  // refiners.cc (its counting reads the columns directly)
  Impl* impl() { return impl_.get(); }

 private:
  std::unique_ptr<Impl> impl_;
};

/// Counts the requested refiners over a query's matches, then builds the SharePoint entries.
/// One counter per search.
class RefinerCounter {
 public:
  explicit RefinerCounter(const std::vector<RefinerSpec>& specs);
  ~RefinerCounter();
  RefinerCounter(const RefinerCounter&) = delete;
  RefinerCounter& operator=(const RefinerCounter&) = delete;

  /// Counts the refiners over `matches`: every match's Xapian docid, ascending, before
  /// TrimDuplicates collapses copies (as SharePoint counts). Call once, before Results.
  /// Term refiners read `columns` (built here on first use) when given, else the posting lists.
  /// Throws Xapian::Error (the searcher converts it).
  void Count(const Xapian::Database& db, const std::vector<uint32_t>& matches,
             RefinerColumns* columns = nullptr);
  /// One result per spec, in request order.
  std::vector<RefinerResult> Results() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace docket
