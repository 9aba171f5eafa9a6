/** @file
 *  @brief SortList entries (sharepoint-search.md §1.10) parsed into what the searcher sorts by:
 *         Rank, a value slot, Title, `[random:seed=N]` or `[formula:<expr>]`.
 *
 *  Pure (no Xapian): the web layer parses a SortList with it before searching, so a bad formula
 *  is a 400 naming its position, and the searcher parses the same text again to sort.
 *
 *  Formulas are SharePoint's numeric sort expressions over the sortable numbers of an item:
 *  `rank` (the relevance weight), `size` (bytes), `write`/`lastmodifiedtime`, `sent`/`created`
 *  and `received` (UtcMillis, milliseconds since 1970; 0 when unknown), numbers, + - * / and
 *  unary minus, parentheses, and the documented functions sqrt exp log abs ceil floor round sin
 *  cos tan asin acos atan (one argument), pow atan2 (two), bucket(x, t1, ..., tn) (how many of
 *  the ascending thresholds t are <= x, so 0..n) and errtolast(x). A value that is not a
 *  finite number (log(0), 1/0, sqrt(-1)) sorts after every number whatever the direction,
 *  which is what errtolast asks for; SharePoint leaves it undefined without errtolast, and last
 *  is the least surprising place. Blanks are allowed although SharePoint's docs write none.
 */
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "query/search_request.h"

namespace docket {

/// The numbers a formula can read, for one hit.
struct SortFormulaInputs {
  double rank = 0;
  double size = 0;
  double write = 0;
  double sent = 0;
  double received = 0;
};

/// A parsed `[formula:...]` expression.
class SortFormula {
 public:
  /// `text` is the expression inside "[formula:" and "]". InvalidArgument naming the position
  /// (0-based, in `text`) for a syntax error, an unknown function or property, or a wrong
  /// number of arguments. At most kMaxSortFormulaChars characters.
  static Result<SortFormula> Parse(std::string_view text);

  double Evaluate(const SortFormulaInputs& inputs) const;
  /// True when the formula reads `rank` (the searcher then needs the relevance weights).
  bool uses_rank() const { return uses_rank_; }

  struct Node;  // defined in sort_key.cc

 private:
  std::shared_ptr<const std::vector<Node>> nodes_;  // nodes_->back() is the root
  bool uses_rank_ = false;
};

inline constexpr size_t kMaxSortFormulaChars = 1024;

/// One SortList entry, parsed.
struct SortKey {
  enum class Kind {
    kRank,     // relevance
    kValue,    // a date or number value slot: Write, Sent, Received, Size, ...
    kTitle,    // Title (the file name when there is none), case- and accent-insensitive
    kRandom,   // [random:seed=N]: a fixed shuffle per seed, stable across searches
    kFormula,  // [formula:<expr>]
  };
  Kind kind = Kind::kRank;
  bool descending = true;
  uint32_t slot = 0;    // kValue
  uint64_t seed = 0;    // kRandom
  SortFormula formula;  // kFormula
};

/// Parses `spec.property`: a sortable property name (any case; Created is Sent and
/// LastModifiedTime is Write for archived items) or one of the bracketed special sorts,
/// "[random:seed=5432]" (an optional ":hashfield=<property>" is accepted and ignored: the
/// shuffle always hashes the item id) and "[formula:abs(2000-size)]". InvalidArgument with a
/// message a person can act on otherwise.
Result<SortKey> ParseSortKey(const SortSpec& spec);

/// The sort property names ParseSortKey takes, for messages: "Rank, Write, ...".
std::string_view SortablePropertyNames();

/// A 64-bit mix of `seed` and `item_id` (SplitMix64): the order key of [random:seed=N].
uint64_t RandomSortKey(uint64_t seed, uint64_t item_id);

}  // namespace docket
