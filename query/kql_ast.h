/** @file
 *  @brief KqlNode: the parsed form of a KQL query (pure data, no Xapian, no analyzer).
 *
 *  The parser (kql_parser.h) builds it; the planner (kql_to_xapian.h) turns it into a
 *  Xapian::Query. Tests compare its printed form (ToString), e.g.
 *  `AND(PROP(from, TERM(alice)), PHRASE(合約審查))`.
 *
 *  Texts are kept as typed (no case folding, no tokenising): what a term means is decided by the
 *  planner with the one TextAnalyzer, so the parser cannot disagree with the indexer.
 *
 *  ALL/ANY/NONE (sharepoint-search.md §2.6) need no node of their own: the parser writes them as
 *  AND, OR and NOT(OR) over their values.
 */
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace docket {

enum class KqlNodeType {
  kTerm,      // a free-text word, or the value of a restriction; `prefix` = trailing '*'
  kPhrase,    // "quoted words"; `prefix` = '*' on the last word ("Advanced Sear*" or "x"*)
  kMatchAll,  // '*' alone: every item (or, as a restriction value, "the property has a value")
  kAnd,       // children: two or more operands, all required
  kOr,        // children: two or more operands, any
  kNot,       // children: exactly one operand; NOT x, -x
  kProperty,  // text = lower-case property name, op, children[0] = value (a term, phrase,
              // match-all, range, or a grouped expression for prop:(...))
  kRange,     // restriction value "a..b": text = a, high = b (inclusive at both ends)
  kNear,      // children: two operands, TERM/PHRASE, or on the left a NEAR/ONEAR (a chain,
              // applied pairwise: each operand is near the next); `distance`
  kOnear,     // kNear, and the left operand comes first
  kWords,     // WORDS(t1, t2, ...): children TERM/PHRASE, any of them, ranked as one term
  kXrank,     // children: [match, rank]; `xrank` holds the boosts. Matches what `match` does.
};

/// XRANK(cb=..., nb=..., ...) parameters (sharepoint-search.md §2.6); all default to 0.
struct KqlXrankParams {
  double cb = 0;  // constant boost
  double nb = 0;  // normalised boost
  double rb = 0;  // range boost
  double pb = 0;  // percentage boost
  double avgb = 0;
  double stdb = 0;
  int n = 0;  // results the statistics are computed from; 0 = all
};

/// Property operator (sharepoint-search.md §2.3).
enum class KqlOp {
  kContains,  // ':'
  kEquals,    // '='
  kNotEqual,  // '<>'
  kLess,      // '<'
  kLessEqual,
  kGreater,
  kGreaterEqual,
};

/// "<=", ":", ...
std::string_view KqlOpSpelling(KqlOp op);

struct KqlNode {
  KqlNodeType type = KqlNodeType::kTerm;
  /// Byte offset in the query text where this node starts (error messages point here).
  size_t position = 0;
  /// kTerm/kPhrase: the text without quotes and without the trailing '*'.
  /// kProperty: the property name, lower-cased. kRange: the low bound.
  std::string text;
  /// kRange: the high bound.
  std::string high;
  /// kTerm/kPhrase: a trailing '*' asks for prefix matching.
  bool prefix = false;
  /// kProperty only.
  KqlOp op = KqlOp::kContains;
  /// kNear/kOnear: the most tokens allowed between the two operands. Default: 8 (§2.6)
  int distance = 8;
  /// kXrank only.
  KqlXrankParams xrank;
  std::vector<KqlNode> children;

  /// The printed form used by tests and SearchResult::query_modification:
  /// TERM(fal*), PHRASE(budget review), MATCHALL, AND(a, b), OR(a, b), NOT(a),
  /// PROP(from, TERM(alice)), PROP(sent, >=, TERM(2013-06-01)), PROP(size, RANGE(1, 10)),
  /// NEAR(8, TERM(a), TERM(b)), ONEAR(3, ...), WORDS(TERM(a), TERM(b)),
  /// XRANK(cb=100, nb=0.5, <match>, <rank>) (only the parameters that are not 0).
  std::string ToString() const;
};

KqlNode MakeKqlNode(KqlNodeType type, size_t position, std::string text = {});

}  // namespace docket
