/** @file
 *  @brief Recursive-descent KQL parser over the lexer's tokens.
 *
 *  Precedence, loosest first (sharepoint-search.md §2.7): OR, AND (explicit or implicit), the
 *  prefix operators NOT + -, then parentheses / restrictions / words. NEAR and XRANK will slot in
 *  between AND and the prefix operators and above OR respectively.
 *
 *  Every recursion goes through ParseUnary, which counts depth, so hostile input ("((((...",
 *  "NOT NOT NOT ...") fails with a message instead of overflowing the stack.
 */
#include "query/kql_parser.h"

#include <utility>

namespace docket {
namespace {

class Parser {
 public:
  Parser(const std::vector<KqlToken>& tokens, int max_depth, KqlSyntaxError* error)
      : tokens_(tokens), max_depth_(max_depth), error_(error) {}

  bool ParseQuery(KqlNode* out) {
    if (Peek().kind == KqlTokenKind::kEnd) {
      return Fail(0, "empty query");
    }
    if (!ParseOr(out)) {
      return false;
    }
    if (Peek().kind == KqlTokenKind::kRParen) {
      return Fail(Peek().begin, "unbalanced parenthesis");
    }
    if (Peek().kind != KqlTokenKind::kEnd) {
      return Fail(Peek().begin, "unexpected text");
    }
    return true;
  }

 private:
  // Keeps the nesting depth of the recursion.
  class DepthGuard {
   public:
    explicit DepthGuard(int* depth) : depth_(depth) { ++*depth_; }
    ~DepthGuard() { --*depth_; }
    DepthGuard(const DepthGuard&) = delete;
    DepthGuard& operator=(const DepthGuard&) = delete;

   private:
    int* depth_;
  };

  const KqlToken& Peek() const { return tokens_[index_]; }
  const KqlToken& Next() {
    const KqlToken& token = tokens_[index_];
    if (token.kind != KqlTokenKind::kEnd) {
      ++index_;
    }
    return token;
  }

  bool Fail(size_t position, std::string message) {
    error_->position = position;
    error_->message = std::move(message);
    return false;
  }

  static bool StartsOperand(const KqlToken& token) {
    switch (token.kind) {
      case KqlTokenKind::kWord:
      case KqlTokenKind::kPhrase:
      case KqlTokenKind::kProperty:
      case KqlTokenKind::kLParen:
      case KqlTokenKind::kNot:
      case KqlTokenKind::kPlus:
      case KqlTokenKind::kMinus:
      // Reserved operators reach ParsePrimary, which says they are not supported yet.
      case KqlTokenKind::kNear:
      case KqlTokenKind::kOnear:
      case KqlTokenKind::kXrank:
      case KqlTokenKind::kFunction:
        return true;
      case KqlTokenKind::kRParen:
      case KqlTokenKind::kAnd:
      case KqlTokenKind::kOr:
      case KqlTokenKind::kEnd:
        return false;
    }
    return false;
  }

  static KqlNode Combine(KqlNodeType type, std::vector<KqlNode> operands) {
    if (operands.size() == 1) {
      return std::move(operands.front());
    }
    KqlNode node = MakeKqlNode(type, operands.front().position);
    node.children = std::move(operands);
    return node;
  }

  // or_expr = and_expr { "OR" and_expr }
  bool ParseOr(KqlNode* out) {
    std::vector<KqlNode> operands(1);
    if (!ParseAnd(&operands.back())) {
      return false;
    }
    while (Peek().kind == KqlTokenKind::kOr) {
      const KqlToken& op = Next();
      if (!StartsOperand(Peek())) {
        return Fail(op.begin, "operator OR has nothing on its right");
      }
      operands.emplace_back();
      if (!ParseAnd(&operands.back())) {
        return false;
      }
    }
    *out = Combine(KqlNodeType::kOr, std::move(operands));
    return true;
  }

  // and_expr = unary { ( "AND" | white space ) unary }. Adjacent restrictions on the same
  // property joined by white space are OR'ed first (§2.4.3, §2.7 item 4); an explicit AND
  // always means AND.
  bool ParseAnd(KqlNode* out) {
    std::vector<KqlNode> operands;
    std::string last_property;  // non-empty: operands.back() is a bare restriction (or an OR
                                // of restrictions) on this property, open for merging
    bool first = true;
    while (true) {
      bool implicit = !first;
      if (!first) {
        if (Peek().kind == KqlTokenKind::kAnd) {
          const KqlToken& op = Next();
          if (!StartsOperand(Peek())) {
            return Fail(op.begin, "operator AND has nothing on its right");
          }
          implicit = false;
        } else if (!StartsOperand(Peek())) {
          break;
        }
      }
      first = false;
      const KqlToken& start = Peek();
      std::string property = start.kind == KqlTokenKind::kProperty ? start.text : std::string();
      KqlNode operand;
      if (!ParseUnary(&operand)) {
        return false;
      }
      if (implicit && !property.empty() && property == last_property) {
        KqlNode& previous = operands.back();
        if (previous.type != KqlNodeType::kOr) {
          KqlNode group = MakeKqlNode(KqlNodeType::kOr, previous.position);
          group.children.push_back(std::move(previous));
          previous = std::move(group);
        }
        previous.children.push_back(std::move(operand));
        continue;
      }
      operands.push_back(std::move(operand));
      last_property = std::move(property);
    }
    *out = Combine(KqlNodeType::kAnd, std::move(operands));
    return true;
  }

  // unary = ( "NOT" | "+" | "-" ) unary | primary
  bool ParseUnary(KqlNode* out) {
    DepthGuard guard(&depth_);
    const KqlToken& token = Peek();
    if (depth_ > max_depth_) {
      return Fail(token.begin,
                  "query nests too deeply (more than " + std::to_string(max_depth_) + " levels)");
    }
    switch (token.kind) {
      case KqlTokenKind::kNot:
      case KqlTokenKind::kMinus: {
        Next();
        if (!StartsOperand(Peek())) {
          return Fail(token.begin, token.kind == KqlTokenKind::kNot
                                       ? "operator NOT has nothing on its right"
                                       : "'-' has nothing on its right");
        }
        KqlNode node = MakeKqlNode(KqlNodeType::kNot, token.begin);
        node.children.emplace_back();
        if (!ParseUnary(&node.children.back())) {
          return false;
        }
        *out = std::move(node);
        return true;
      }
      case KqlTokenKind::kPlus:
        // +x is "x is required", which is what AND already means.
        Next();
        return ParseUnary(out);
      default:
        return ParsePrimary(out);
    }
  }

  bool ParseParenthesised(KqlNode* out) {
    const KqlToken& open = Next();
    if (Peek().kind == KqlTokenKind::kEnd) {
      return Fail(open.begin, "unbalanced parenthesis");
    }
    if (Peek().kind == KqlTokenKind::kRParen) {
      return Fail(Peek().begin, "empty parentheses");
    }
    if (!ParseOr(out)) {
      return false;
    }
    if (Peek().kind != KqlTokenKind::kRParen) {
      return Fail(open.begin, "unbalanced parenthesis");
    }
    Next();
    return true;
  }

  static KqlNode WordNode(const KqlToken& token) {
    if (token.kind == KqlTokenKind::kWord && token.text.empty() && token.prefix) {
      return MakeKqlNode(KqlNodeType::kMatchAll, token.begin);
    }
    KqlNode node =
        MakeKqlNode(token.kind == KqlTokenKind::kPhrase ? KqlNodeType::kPhrase : KqlNodeType::kTerm,
                    token.begin, token.text);
    node.prefix = token.prefix;
    return node;
  }

  bool ParsePrimary(KqlNode* out) {
    const KqlToken& token = Peek();
    switch (token.kind) {
      case KqlTokenKind::kLParen:
        return ParseParenthesised(out);
      case KqlTokenKind::kWord:
        Next();
        *out = WordNode(token);
        return true;
      case KqlTokenKind::kPhrase:
        Next();
        *out = MakeKqlNode(KqlNodeType::kPhrase, token.begin, token.text);
        out->prefix = token.prefix;
        return true;
      case KqlTokenKind::kProperty:
        return ParseRestriction(out);
      case KqlTokenKind::kAnd:
        return Fail(token.begin, "operator AND has nothing on its left");
      case KqlTokenKind::kOr:
        return Fail(token.begin, "operator OR has nothing on its left");
      case KqlTokenKind::kRParen:
        return Fail(token.begin, "unbalanced parenthesis");
      case KqlTokenKind::kNear:
      case KqlTokenKind::kOnear:
      case KqlTokenKind::kXrank:
        return Fail(token.begin, "operator " + token.text + " is not supported yet");
      case KqlTokenKind::kFunction:
        return Fail(token.begin, token.text + "(...) is not supported yet");
      case KqlTokenKind::kNot:
      case KqlTokenKind::kPlus:
      case KqlTokenKind::kMinus:
        return ParseUnary(out);
      case KqlTokenKind::kEnd:
        return Fail(token.begin, "the query ends where a term was expected");
    }
    return Fail(token.begin, "unexpected token");
  }

  // restriction = propname propop ( "(" expr ")" | range | value ), no white space inside.
  bool ParseRestriction(KqlNode* out) {
    const KqlToken& property = Next();
    KqlNode node = MakeKqlNode(KqlNodeType::kProperty, property.begin, property.text);
    node.op = property.op;
    const KqlToken& value = Peek();
    if (!value.is_value) {
      return Fail(property.end, "property '" + property.text + "' has no value");
    }
    node.children.emplace_back();
    KqlNode& child = node.children.back();
    if (value.kind == KqlTokenKind::kLParen) {
      if (!ParseParenthesised(&child)) {
        return false;
      }
    } else {
      Next();
      size_t dots = value.kind == KqlTokenKind::kWord ? value.text.find("..") : std::string::npos;
      if (dots != std::string::npos) {
        if (node.op != KqlOp::kContains && node.op != KqlOp::kEquals) {
          return Fail(value.begin, "a range a..b needs the operator ':' or '='");
        }
        std::string low = value.text.substr(0, dots);
        std::string high = value.text.substr(dots + 2);
        if (low.empty() || high.empty() || value.prefix) {
          return Fail(value.begin, "range '" + value.text + (value.prefix ? "*" : "") +
                                       "' needs a value on both sides of '..'");
        }
        child = MakeKqlNode(KqlNodeType::kRange, value.begin, std::move(low));
        child.high = std::move(high);
      } else {
        child = WordNode(value);
      }
    }
    *out = std::move(node);
    return true;
  }

  const std::vector<KqlToken>& tokens_;
  int max_depth_;
  KqlSyntaxError* error_;
  size_t index_ = 0;
  int depth_ = 0;
};

}  // namespace

Result<KqlNode> ParseKql(std::string_view text, const KqlParseOptions& options,
                         KqlSyntaxError* error) {
  KqlSyntaxError local;
  KqlSyntaxError* err = error != nullptr ? error : &local;
  std::vector<KqlToken> tokens;
  if (!LexKql(text, options.lex, &tokens, err)) {
    return err->ToStatus();
  }
  KqlNode root;
  Parser parser(tokens, options.max_depth, err);
  if (!parser.ParseQuery(&root)) {
    return err->ToStatus();
  }
  return root;
}

std::string ParseKqlToString(std::string_view text) {
  KqlSyntaxError error;
  Result<KqlNode> ast = ParseKql(text, {}, &error);
  if (!ast.ok()) {
    return "error@" + std::to_string(error.position) + ": " + error.message;
  }
  return ast->ToString();
}

}  // namespace docket
