/** @file
 *  @brief KQL text -> KqlNode (sharepoint-search.md §2.8 grammar, precedence per §2.7).
 *
 *  Pure: no Xapian, no analyzer, no schema. The parser knows operators and syntax only; whether
 *  a property exists or a date is valid is decided by the planner (kql_to_xapian.h), which
 *  reports such errors with the position stored in the node.
 *
 *  All of §2: terms, "phrases", trailing '*', '*' alone, AND/OR/NOT (upper case only, NOT also
 *  infix), implicit AND, +x/-x (a lone sign, "a + b", is no operator: the words around it
 *  form the phrase "a b", as Exchange reads it), parentheses, property restrictions with : = <> <
 * <= > >= and a..b, prop:(group), the same-property-OR rule for adjacent restrictions (§2.4.3),
 *  NEAR/ONEAR with (n=k) or (k), WORDS(...), ALL/ANY/NONE(...) and XRANK(params).
 *
 *  Limits (all InvalidArgument "position N: ...", which the web layer answers with 400):
 *    query length      4,096 characters (KqlLexOptions::max_query_chars, SharePoint's default)
 *    restriction value 2,048 characters (KqlLexOptions::max_value_chars)
 *    terms and clauses 256 (KqlParseOptions::max_terms: every term, phrase, '*' and restriction)
 *    nesting depth     32 (KqlParseOptions::max_depth: parentheses and prefix operators)
 *    NEAR distance     0..1000 (kKqlMaxNearDistance)
 *  The planner adds one: a `word*` expanding to more than 10,000 index terms
 *  (kql_to_xapian.h, kKqlMaxPrefixTerms).
 */
#pragma once

#include <string_view>

#include "common/result.h"
#include "query/kql_ast.h"
#include "query/kql_lexer.h"

namespace docket {

/// The largest k of NEAR(n=k) / ONEAR(n=k).
inline constexpr int kKqlMaxNearDistance = 1000;

struct KqlParseOptions {
  KqlLexOptions lex;
  // Deepest nesting of parentheses and prefix operators; deeper input is an error rather than
  // a stack overflow. Default: 32
  int max_depth = 32;
  // Most terms, phrases, '*' and property restrictions in one query; bounds the planned query
  // (and so the work of one search) whatever the text. Default: 256
  int max_terms = 256;
};

/// Parses a KQL query. A malformed query (empty, unbalanced quotes or parentheses, dangling
/// operator, property with no value, ...) is InvalidArgument "position N: <what>"; when `error`
/// is given it also receives the position and message separately.
Result<KqlNode> ParseKql(std::string_view text, const KqlParseOptions& options = {},
                         KqlSyntaxError* error = nullptr);

/// The printed AST, or "error@N: <message>" (the form the parser's table tests compare).
std::string ParseKqlToString(std::string_view text);

}  // namespace docket
