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
  kNear,  // reserved: NEAR / ONEAR / XRANK, not supported yet
  kOnear,
  kXrank,
  kFunction,  // reserved: WORDS( ALL( ANY( NONE( (text = the name; the '(' is the next token)
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
};

/// Where a syntax error was found and what it is; also rendered as the Status message
/// "position N: <message>".
struct KqlSyntaxError {
  size_t position = 0;
  std::string message;
  Status ToStatus() const;
};

struct KqlLexOptions {
  // Longest query text accepted, in bytes. SharePoint's REST default is 4,096 characters and
  // eDiscovery raises it to 20,480 (sharepoint-search.md §2.1). Default: 20480
  size_t max_query_bytes = 20480;
};

/// Splits `text` into tokens ending with kEnd. Smart quotes count as '"'. Control characters,
/// LRM/RLM marks, unbalanced quotes and a property with no value are errors.
bool LexKql(std::string_view text, const KqlLexOptions& options, std::vector<KqlToken>* tokens,
            KqlSyntaxError* error);

}  // namespace docket
