/** @file
 *  @brief Printed form of the KQL AST (the contract of the parser's table tests).
 */
#include "query/kql_ast.h"

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

void Print(const KqlNode& node, std::string* out) {
  auto list = [&](std::string_view name) {
    out->append(name);
    out->push_back('(');
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
