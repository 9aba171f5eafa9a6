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
 *  Extension points for the rest of KQL (sharepoint-search.md §2.6): NEAR/ONEAR become node types
 *  with a `distance`, WORDS/ALL/ANY/NONE become n-ary nodes over TERM/PHRASE children, and XRANK
 *  a binary node with its boost parameters.
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
  std::vector<KqlNode> children;

  /// The printed form used by tests and SearchResult::query_modification:
  /// TERM(fal*), PHRASE(budget review), MATCHALL, AND(a, b), OR(a, b), NOT(a),
  /// PROP(from, TERM(alice)), PROP(sent, >=, TERM(2013-06-01)), PROP(size, RANGE(1, 10)).
  std::string ToString() const;
};

KqlNode MakeKqlNode(KqlNodeType type, size_t position, std::string text = {});

}  // namespace docket
