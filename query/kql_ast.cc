/** @file
 *  @brief Printed form of the KQL AST (the contract of the parser's table tests).
 */
#include "query/kql_ast.h"

#include <charconv>
#include <string>
#include <utility>

namespace docket {

std::string_view KqlOpSpelling(KqlOp op) {
  switch (op) {
    case KqlOp::kContains:
      return ":";
    case KqlOp::kEquals:
      return "=";
    case KqlOp::kNotEqual:
      return "<>";
    case KqlOp::kLess:
      return "<";
    case KqlOp::kLessEqual:
      return "<=";
    case KqlOp::kGreater:
      return ">";
    case KqlOp::kGreaterEqual:
      return ">=";
  }
  return ":";
}

KqlNode MakeKqlNode(KqlNodeType type, size_t position, std::string text) {
  KqlNode node;
  node.type = type;
  node.position = position;
  node.text = std::move(text);
  return node;
}

namespace {

void AppendNumber(double value, std::string* out) {
  char buffer[32];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof(buffer), value);
  out->append(buffer, ec == std::errc() ? end : buffer);
}

void Print(const KqlNode& node, std::string* out) {
  auto list = [&](std::string_view name, std::string_view head = {}) {
    out->append(name);
    out->push_back('(');
    out->append(head);
    for (size_t i = 0; i < node.children.size(); ++i) {
      if (i > 0) {
        out->append(", ");
      }
      Print(node.children[i], out);
    }
    out->push_back(')');
  };
  switch (node.type) {
    case KqlNodeType::kTerm:
    case KqlNodeType::kPhrase:
      out->append(node.type == KqlNodeType::kTerm ? "TERM(" : "PHRASE(");
      out->append(node.text);
      if (node.prefix) {
        out->push_back('*');
      }
      out->push_back(')');
      return;
    case KqlNodeType::kMatchAll:
      out->append("MATCHALL");
      return;
    case KqlNodeType::kAnd:
      list("AND");
      return;
    case KqlNodeType::kOr:
      list("OR");
      return;
    case KqlNodeType::kNot:
      list("NOT");
      return;
    case KqlNodeType::kProperty:
      out->append("PROP(");
      out->append(node.text);
      out->append(", ");
      if (node.op != KqlOp::kContains) {
        out->append(KqlOpSpelling(node.op));
        out->append(", ");
      }
      if (!node.children.empty()) {
        Print(node.children.front(), out);
      }
      out->push_back(')');
      return;
    case KqlNodeType::kNear:
    case KqlNodeType::kOnear:
      list(node.type == KqlNodeType::kNear ? "NEAR" : "ONEAR",
           std::to_string(node.distance) + ", ");
      return;
    case KqlNodeType::kWords:
      list("WORDS");
      return;
    case KqlNodeType::kXrank: {
      std::string head;
      const KqlXrankParams& p = node.xrank;
      for (auto [name, value] : {std::pair<const char*, double>{"cb", p.cb},
                                 {"nb", p.nb},
                                 {"rb", p.rb},
                                 {"pb", p.pb},
                                 {"avgb", p.avgb},
                                 {"stdb", p.stdb},
                                 {"n", static_cast<double>(p.n)}}) {
        if (value != 0) {
          head += name;
          head += '=';
          AppendNumber(value, &head);
          head += ", ";
        }
      }
      list("XRANK", head);
      return;
    }
    case KqlNodeType::kRange:
      out->append("RANGE(");
      out->append(node.text);
      out->append(", ");
      out->append(node.high);
      out->push_back(')');
      return;
  }
}

}  // namespace

std::string KqlNode::ToString() const {
  std::string out;
  Print(*this, &out);
  return out;
}

}  // namespace docket
