/** @file
 *  @brief KQL text -> KqlNode (sharepoint-search.md §2.8 grammar, precedence per §2.7).
 *
 *  Pure: no Xapian, no analyzer, no schema. The parser knows operators and syntax only; whether
 *  a property exists or a date is valid is decided by the planner (kql_to_xapian.h), which
 *  reports such errors with the position stored in the node.
 *
 *  Supported now: terms, "phrases", trailing '*', '*' alone, AND/OR/NOT (upper case only),
 *  implicit AND, +x/-x, parentheses, property restrictions with : = <> < <= > >= and a..b,
 *  prop:(group), and the same-property-OR rule for adjacent restrictions (§2.4.3).
 *  NEAR/ONEAR/XRANK/WORDS/ALL/ANY/NONE are recognised and rejected as not supported yet.
 */
#pragma once

#include <string_view>

#include "common/result.h"
#include "query/kql_ast.h"
#include "query/kql_lexer.h"

namespace docket {

struct KqlParseOptions {
  KqlLexOptions lex;
  // Deepest nesting of parentheses and prefix operators; deeper input is an error rather than
  // a stack overflow. Default: 64
  int max_depth = 64;
};

/// Parses a KQL query. A malformed query (empty, unbalanced quotes or parentheses, dangling
/// operator, property with no value, ...) is InvalidArgument "position N: <what>"; when `error`
/// is given it also receives the position and message separately.
Result<KqlNode> ParseKql(std::string_view text, const KqlParseOptions& options = {},
                         KqlSyntaxError* error = nullptr);

/// The printed AST, or "error@N: <message>" (the form the parser's table tests compare).
std::string ParseKqlToString(std::string_view text);

}  // namespace docket
