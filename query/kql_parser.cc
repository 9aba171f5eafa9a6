/** @file
 *  @brief Recursive-descent KQL parser over the lexer's tokens.
 *
 *  Precedence, loosest first (sharepoint-search.md §2.7): XRANK, OR, AND (explicit or implicit),
 *  the prefix operators NOT + -, NEAR/ONEAR, then parentheses / restrictions / WORDS(...) / words.
 *
 *  Every recursion goes through ParseUnary, which counts depth, so hostile input ("((((...",
 *  "NOT NOT NOT ...") fails with a message instead of overflowing the stack.
 */
#include "query/kql_parser.h"

#include <charconv>
#include <cmath>
#include <utility>

namespace docket {
namespace {

class Parser {
 public:
  Parser(const std::vector<KqlToken>& tokens, const KqlParseOptions& options, KqlSyntaxError* error)
      : tokens_(tokens),
        max_depth_(options.max_depth),
        max_terms_(options.max_terms),
        error_(error) {}

  bool ParseQuery(KqlNode* out) {
    if (Peek().kind == KqlTokenKind::kEnd) {
      return Fail(0, "empty query");
    }
    if (!ParseXrank(out)) {
      return false;
    }
    if (Peek().kind == KqlTokenKind::kRParen) {
      return Fail(Peek().begin, "unbalanced parenthesis");
    }
    if (Peek().kind != KqlTokenKind::kEnd) {
      return Fail(Peek().begin, "unexpected text");
    }
    // "+", "- +": a query of nothing but operators is invalid (§2.1), though "+ a" has a
    // '+' term that the planner ignores.
    for (const KqlToken& token : tokens_) {
      if (token.kind == KqlTokenKind::kWord &&
          (token.prefix || token.text.find_first_not_of("+-") != std::string::npos)) {
        return true;
      }
      if (token.kind == KqlTokenKind::kPhrase || token.kind == KqlTokenKind::kProperty ||
          token.kind == KqlTokenKind::kFunction) {
        return true;
      }
    }
    return Fail(0, "the query has only operators and no term to search for");
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
      // A NEAR with nothing on its left reaches ParsePrimary, which says so.
      case KqlTokenKind::kNear:
      case KqlTokenKind::kOnear:
      case KqlTokenKind::kFunction:
        return true;
      case KqlTokenKind::kXrank:
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

  // xrank = or_expr { "XRANK" "(" params ")" or_expr }, left-associative: several XRANKs on one
  // level add up. The rank side may not hold another XRANK (§2.6).
  bool ParseXrank(KqlNode* out) {
    if (Peek().kind == KqlTokenKind::kXrank) {
      return Fail(Peek().begin, "XRANK needs a query on its left: <match> XRANK(cb=100) <rank>");
    }
    if (!ParseOr(out)) {
      return false;
    }
    while (Peek().kind == KqlTokenKind::kXrank) {
      const KqlToken& op = Next();
      KqlNode node = MakeKqlNode(KqlNodeType::kXrank, out->position);
      if (!ParseXrankParams(op, &node.xrank)) {
        return false;
      }
      if (!StartsOperand(Peek())) {
        return Fail(op.begin, "XRANK needs a query on its right: <match> XRANK(cb=100) <rank>");
      }
      node.children.push_back(std::move(*out));
      node.children.emplace_back();
      if (!ParseOr(&node.children.back())) {
        return false;
      }
      if (const KqlNode* nested = FindXrank(node.children.back())) {
        return Fail(nested->position,
                    "XRANK is not allowed in the rank expression of another XRANK; nest it in "
                    "the match expression instead: (a XRANK(cb=1) b) XRANK(cb=2) c");
      }
      *out = std::move(node);
    }
    return true;
  }

  static const KqlNode* FindXrank(const KqlNode& node) {
    if (node.type == KqlNodeType::kXrank) {
      return &node;
    }
    for (const KqlNode& child : node.children) {
      if (const KqlNode* found = FindXrank(child)) {
        return found;
      }
    }
    return nullptr;
  }

  // "cb=100, nb=0.5, n=20": at least one boost other than n (§2.6).
  bool ParseXrankParams(const KqlToken& op, KqlXrankParams* params) {
    if (!op.has_params) {
      return Fail(op.begin, "XRANK needs a boost, like XRANK(cb=100)");
    }
    std::string_view text = op.params;
    size_t offset = 0;
    bool boost = false;
    while (offset <= text.size()) {
      size_t comma = text.find(',', offset);
      if (comma == std::string_view::npos) {
        comma = text.size();
      }
      std::string_view item = Trim(text.substr(offset, comma - offset));
      const size_t position = op.params_begin + offset;
      size_t eq = item.find('=');
      if (eq == std::string_view::npos) {
        return Fail(position,
                    "XRANK parameter '" + std::string(item) + "' needs a value, like cb=100");
      }
      std::string name(Trim(item.substr(0, eq)));
      for (char& c : name) {
        c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
      }
      std::string_view number = Trim(item.substr(eq + 1));
      double value = 0;
      auto [end, ec] = std::from_chars(number.data(), number.data() + number.size(), value);
      if (number.empty() || ec != std::errc() || end != number.data() + number.size() ||
          !std::isfinite(value)) {
        return Fail(position, "XRANK parameter '" + name + "' needs a number, not '" +
                                  std::string(number) + "'");
      }
      double* slot = name == "cb"     ? &params->cb
                     : name == "nb"   ? &params->nb
                     : name == "rb"   ? &params->rb
                     : name == "pb"   ? &params->pb
                     : name == "avgb" ? &params->avgb
                     : name == "stdb" ? &params->stdb
                                      : nullptr;
      if (slot != nullptr) {
        *slot = value;
        boost = boost || value != 0;
      } else if (name == "n") {
        if (value < 0 || value > 1e9 || value != std::floor(value)) {
          return Fail(position, "XRANK parameter n needs a whole number of results, not '" +
                                    std::string(number) + "'");
        }
        params->n = static_cast<int>(value);
      } else {
        return Fail(position,
                    "XRANK parameter '" + name + "' is not one of cb, nb, rb, pb, avgb, stdb, n");
      }
      offset = comma + 1;
    }
    if (!boost) {
      return Fail(op.begin, "XRANK needs a boost other than n, like XRANK(cb=100)");
    }
    return true;
  }

  static std::string_view Trim(std::string_view text) {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) {
      text.remove_prefix(1);
    }
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) {
      text.remove_suffix(1);
    }
    return text;
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
        return ParseProximity(out);
    }
  }

  static bool IsNearOperand(const KqlNode& node) {
    return (node.type == KqlNodeType::kTerm || node.type == KqlNodeType::kPhrase) &&
           !node.text.empty();
  }

  // prox = primary { ( "NEAR" | "ONEAR" ) [ "(" ["n" "="] int ")" ] primary }, on terms and
  // phrases only (§2.6); a chain nests to the left and applies pairwise.
  bool ParseProximity(KqlNode* out) {
    if (!ParsePrimary(out)) {
      return false;
    }
    while (Peek().kind == KqlTokenKind::kNear || Peek().kind == KqlTokenKind::kOnear) {
      const KqlToken& op = Next();
      if (!IsNearOperand(*out) && out->type != KqlNodeType::kNear &&
          out->type != KqlNodeType::kOnear) {
        return Fail(op.begin,
                    op.text + " needs a term or phrase on its left, not " + Describe(*out));
      }
      KqlNode node = MakeKqlNode(
          op.kind == KqlTokenKind::kNear ? KqlNodeType::kNear : KqlNodeType::kOnear, out->position);
      if (op.has_params && !ParseNearDistance(op, &node.distance)) {
        return false;
      }
      const KqlToken& next = Peek();
      if (next.kind != KqlTokenKind::kWord && next.kind != KqlTokenKind::kPhrase) {
        return Fail(op.begin, op.text + " needs a term or phrase on both sides");
      }
      node.children.push_back(std::move(*out));
      node.children.emplace_back();
      if (!ParsePrimary(&node.children.back())) {
        return false;
      }
      if (!IsNearOperand(node.children.back())) {
        return Fail(next.begin, op.text + " needs a term or phrase on both sides");
      }
      *out = std::move(node);
    }
    return true;
  }

  static std::string Describe(const KqlNode& node) {
    switch (node.type) {
      case KqlNodeType::kMatchAll:
        return "'*'";
      case KqlNodeType::kProperty:
        return "a property restriction (NEAR works on free text only)";
      default:
        return "an expression";
    }
  }

  // "n=3" or "3".
  bool ParseNearDistance(const KqlToken& op, int* distance) {
    std::string_view text = Trim(op.params);
    if (text.size() >= 1 && (text[0] == 'n' || text[0] == 'N')) {
      text = Trim(text.substr(1));
      if (text.empty() || text[0] != '=') {
        return Fail(op.params_begin, op.text + "(...) takes a distance, like " + op.text +
                                         "(n=3) or " + op.text + "(3)");
      }
      text = Trim(text.substr(1));
    }
    int value = -1;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || ec != std::errc() || end != text.data() + text.size() || value < 0 ||
        value > kKqlMaxNearDistance) {
      return Fail(op.params_begin, op.text + "(...) takes a distance from 0 to " +
                                       std::to_string(kKqlMaxNearDistance) + " words, like " +
                                       op.text + "(n=3)");
    }
    *distance = value;
    return true;
  }

  // words = WORDS "(" value { "," value } ")"; setop = (ALL|ANY|NONE) "(" value { value } ")".
  // Values are separated by commas and/or white space in all four.
  bool ParseFunction(KqlNode* out) {
    const KqlToken& name = Next();
    const KqlToken& open = Next();  // the lexer made sure '(' follows
    std::vector<KqlNode> values;
    while (Peek().kind != KqlTokenKind::kRParen) {
      const KqlToken& token = Peek();
      if (token.kind == KqlTokenKind::kEnd) {
        return Fail(open.begin, "unbalanced parenthesis");
      }
      if (token.kind == KqlTokenKind::kPhrase) {
        values.push_back(MakeKqlNode(KqlNodeType::kPhrase, token.begin, token.text));
        values.back().prefix = token.prefix;
      } else if (token.kind == KqlTokenKind::kWord) {
        // "a,b" and "a," are one word to the lexer.
        size_t start = 0;
        while (start <= token.text.size()) {
          size_t comma = token.text.find(',', start);
          if (comma == std::string::npos) {
            comma = token.text.size();
          }
          std::string piece = token.text.substr(start, comma - start);
          bool prefix = comma == token.text.size() && token.prefix;
          while (!piece.empty() && piece.back() == '*') {
            piece.pop_back();
            prefix = true;
          }
          if (!piece.empty()) {
            values.push_back(MakeKqlNode(KqlNodeType::kTerm, token.begin + start, piece));
            values.back().prefix = prefix;
          }
          start = comma + 1;
        }
      } else {
        return Fail(token.begin, name.text + "(...) takes terms and phrases only");
      }
      Next();
      if (!CountTerm(token.begin)) {
        return false;
      }
    }
    Next();
    if (values.empty()) {
      return Fail(name.begin, name.text + "(...) needs at least one term");
    }
    if (name.text == "WORDS") {
      *out = MakeKqlNode(KqlNodeType::kWords, name.begin);
      out->children = std::move(values);
    } else if (name.text == "ALL") {
      *out = Combine(KqlNodeType::kAnd, std::move(values));
    } else {
      *out = Combine(KqlNodeType::kOr, std::move(values));
      if (name.text == "NONE") {
        KqlNode negation = MakeKqlNode(KqlNodeType::kNot, name.begin);
        negation.children.push_back(std::move(*out));
        *out = std::move(negation);
      }
    }
    return true;
  }

  // Counts one term or clause against max_terms_.
  bool CountTerm(size_t position) {
    if (++terms_ > max_terms_) {
      return Fail(position, "the query has more than " + std::to_string(max_terms_) +
                                " terms and clauses; split it into several searches");
    }
    return true;
  }

  bool ParseParenthesised(KqlNode* out) {
    const KqlToken& open = Next();
    if (Peek().kind == KqlTokenKind::kEnd) {
      return Fail(open.begin, "unbalanced parenthesis");
    }
    if (Peek().kind == KqlTokenKind::kRParen) {
      return Fail(Peek().begin, "empty parentheses");
    }
    if (!ParseXrank(out)) {
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

  // A '+' or '-' standing alone ("a + b": white space after it) is no operator (§2.5).
  static bool IsLoneSign(const KqlToken& token) {
    return token.kind == KqlTokenKind::kWord && !token.prefix && !token.text.empty() &&
           token.text.find_first_not_of("+-") == std::string::npos;
  }

  // "keyword1 + keyword2": the spec (sharepoint-search.md §2.5) says Exchange treats this as
  // the literal phrase, not as AND, so the words on both sides of a lone sign become one
  // phrase ("a + b - c" is the phrase "a b c": the signs are not words, the analyzer drops
  // them). An officer pasting "Smith + Jones" from an Exchange search gets the same, narrower,
  // hits there and here. Only free-text words and phrases join, and only when the left one
  // has no trailing '*' (a phrase may be a prefix on its last word only); anywhere else
  // ("+ a", "a + (b)", "a + from:x") the sign is a TERM the planner ignores.
  bool JoinAcrossLoneSigns(KqlNode* out) {
    while (index_ + 1 < tokens_.size() && IsLoneSign(Peek()) && !out->prefix &&
           (out->type == KqlNodeType::kTerm || out->type == KqlNodeType::kPhrase) &&
           out->text.find_first_not_of("+-") != std::string::npos &&
           !IsLoneSign(tokens_[index_ + 1])) {
      const KqlToken& next = tokens_[index_ + 1];
      const bool word = next.kind == KqlTokenKind::kWord && !next.text.empty();
      if (!word && next.kind != KqlTokenKind::kPhrase) {
        break;
      }
      Next();
      Next();
      out->type = KqlNodeType::kPhrase;
      out->text += " " + next.text;
      out->prefix = next.prefix;
      if (!CountTerm(next.begin)) {
        return false;
      }
    }
    return true;
  }

  bool ParsePrimary(KqlNode* out) {
    const KqlToken& token = Peek();
    switch (token.kind) {
      case KqlTokenKind::kLParen:
        return ParseParenthesised(out);
      case KqlTokenKind::kWord:
        Next();
        *out = WordNode(token);
        return CountTerm(token.begin) && JoinAcrossLoneSigns(out);
      case KqlTokenKind::kPhrase:
        Next();
        *out = MakeKqlNode(KqlNodeType::kPhrase, token.begin, token.text);
        out->prefix = token.prefix;
        return CountTerm(token.begin) && JoinAcrossLoneSigns(out);
      case KqlTokenKind::kProperty:
        return CountTerm(token.begin) && ParseRestriction(out);
      case KqlTokenKind::kAnd:
        return Fail(token.begin, "operator AND has nothing on its left");
      case KqlTokenKind::kOr:
        return Fail(token.begin, "operator OR has nothing on its left");
      case KqlTokenKind::kRParen:
        return Fail(token.begin, "unbalanced parenthesis");
      case KqlTokenKind::kNear:
      case KqlTokenKind::kOnear:
        return Fail(token.begin, token.text + " needs a term or phrase on both sides");
      case KqlTokenKind::kXrank:
        return Fail(token.begin, "XRANK needs a query on its left: <match> XRANK(cb=100) <rank>");
      case KqlTokenKind::kFunction:
        return ParseFunction(out);
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
  int max_terms_;
  KqlSyntaxError* error_;
  size_t index_ = 0;
  int depth_ = 0;
  int terms_ = 0;
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
  Parser parser(tokens, options, err);
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
