/** @file
 *  @brief KQL tokens with byte offsets (sharepoint-search.md §2.1, §2.8 tokenizer notes).
 *
 *  The lexer decides everything that depends on white space, so the parser never looks at
 *  characters: whether `+`/`-` touch their operand, whether `name:value` is a property
 *  restriction (no white space anywhere in it) or free text (`author: "John Smith"`), and
 *  whether two operands were joined by white space (the implicit operator).
 */
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "query/kql_ast.h"

namespace docket {

enum class KqlTokenKind {
  kWord,      // a free-text word, or the bare value right after a property token
  kPhrase,    // "...": text is the content without quotes
  kProperty,  // `name` followed by an operator with no white space: text = name (lower case)
  kLParen,
  kRParen,
  kAnd,  // the upper-case keywords are operators only as whole words
  kOr,
  kNot,
  kNear,   // NEAR, ONEAR, XRANK; with "(...)" touching the keyword, `params` holds what is
  kOnear,  // between the parentheses ("n=3", "cb=100, nb=0.5") and `has_params` is set
  kXrank,
  kFunction,  // WORDS( ALL( ANY( NONE( (text = the name; the '(' is the next token)
  kPlus,      // '+' touching its operand
  kMinus,     // '-' touching its operand
  kEnd,
};

struct KqlToken {
  KqlTokenKind kind = KqlTokenKind::kEnd;
  size_t begin = 0;  // byte offsets in the query text
  size_t end = 0;
  std::string text;
  bool prefix = false;          // kWord/kPhrase: ended with '*' (not part of `text`)
  KqlOp op = KqlOp::kContains;  // kProperty only
  bool space_before = false;    // white space separates it from the previous token
  bool is_value = false;        // kWord/kPhrase/kLParen right after a kProperty
  bool has_params = false;      // kNear/kOnear/kXrank written with "(...)"
  std::string params;           // the text between those parentheses
  size_t params_begin = 0;      // its byte offset in the query text
};

/// Where a syntax error was found and what it is; also rendered as the Status message
/// "position N: <message>".
struct KqlSyntaxError {
  size_t position = 0;
  std::string message;
  Status ToStatus() const;
};

struct KqlLexOptions {
  // Longest query text accepted, in characters (UTF-8 code points). SharePoint's REST default
  // is 4,096 characters; eDiscovery can raise it to 20,480 (sharepoint-search.md §2.1).
  // Default: 4096
  size_t max_query_chars = 4096;
  // Longest value of one property restriction, in characters (§2.1). Default: 2048
  size_t max_value_chars = 2048;
};

/// Splits `text` into tokens ending with kEnd. Smart quotes count as '"'. Control characters,
/// LRM/RLM marks, unbalanced quotes, a property with no value, an overlong query or value, and
/// a query of nothing but operators ("AND", "+ -") are errors.
bool LexKql(std::string_view text, const KqlLexOptions& options, std::vector<KqlToken>* tokens,
            KqlSyntaxError* error);

}  // namespace docket
