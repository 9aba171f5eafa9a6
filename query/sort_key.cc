/** @file
 *  @brief SortList parsing and the [formula:...] evaluator: a small recursive-descent parser
 *         into a flat node array, evaluated recursively (depth is capped while parsing).
 */
#include "query/sort_key.h"

#include <charconv>
#include <cmath>
#include <optional>
#include <utility>

#include "common/strings.h"
#include "query/property_map.h"

namespace docket {

struct SortFormula::Node {
  enum class Op {
    kNumber,
    kVariable,
    kNegate,
    kAdd,
    kSubtract,
    kMultiply,
    kDivide,
    kFunction,
  };
  Op op = Op::kNumber;
  double number = 0;                              // kNumber
  double SortFormulaInputs::*variable = nullptr;  // kVariable
  std::string function;                           // kFunction, lower case
  std::vector<size_t> args;                       // indices into the node array
};

namespace {

using Node = SortFormula::Node;

constexpr int kMaxFormulaDepth = 32;

struct FunctionInfo {
  std::string_view name;
  size_t min_args;
  size_t max_args;
};

constexpr FunctionInfo kFunctions[] = {
    {"sqrt", 1, 1},      {"exp", 1, 1},       {"log", 1, 1},  {"abs", 1, 1}, {"ceil", 1, 1},
    {"floor", 1, 1},     {"round", 1, 1},     {"sin", 1, 1},  {"cos", 1, 1}, {"tan", 1, 1},
    {"asin", 1, 1},      {"acos", 1, 1},      {"atan", 1, 1}, {"pow", 2, 2}, {"atan2", 2, 2},
    {"errtolast", 1, 1}, {"bucket", 2, 1000},
};

const FunctionInfo* FindFunction(std::string_view name) {
  for (const FunctionInfo& info : kFunctions) {
    if (info.name == name) {
      return &info;
    }
  }
  return nullptr;
}

double SortFormulaInputs::*FindVariable(std::string_view name) {
  if (name == "rank") {
    return &SortFormulaInputs::rank;
  }
  if (name == "size") {
    return &SortFormulaInputs::size;
  }
  if (name == "write" || name == "lastmodifiedtime") {
    return &SortFormulaInputs::write;
  }
  if (name == "sent" || name == "created") {
    return &SortFormulaInputs::sent;
  }
  if (name == "received") {
    return &SortFormulaInputs::received;
  }
  return nullptr;
}

class FormulaParser {
 public:
  explicit FormulaParser(std::string_view text) : text_(text) {}

  Result<size_t> ParseAll(std::vector<Node>* nodes, bool* uses_rank) {
    nodes_ = nodes;
    DOCKET_ASSIGN_OR_RETURN(size_t root, ParseSum(0));
    SkipBlanks();
    if (pos_ != text_.size()) {
      return Error(pos_, "unexpected '" + std::string(1, text_[pos_]) + "'");
    }
    *uses_rank = uses_rank_;
    return root;
  }

 private:
  Status Error(size_t position, const std::string& message) const {
    return Status::InvalidArgument("sortlist: [formula:" + std::string(text_) + "]: position " +
                                   std::to_string(position) + ": " + message);
  }

  void SkipBlanks() {
    while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\t')) {
      ++pos_;
    }
  }

  size_t Add(Node node) {
    nodes_->push_back(std::move(node));
    return nodes_->size() - 1;
  }

  size_t Binary(Node::Op op, size_t left, size_t right) {
    Node node;
    node.op = op;
    node.args = {left, right};
    return Add(std::move(node));
  }

  // sum = product { ('+' | '-') product }
  Result<size_t> ParseSum(int depth) {
    DOCKET_ASSIGN_OR_RETURN(size_t left, ParseProduct(depth));
    for (;;) {
      SkipBlanks();
      if (pos_ >= text_.size() || (text_[pos_] != '+' && text_[pos_] != '-')) {
        return left;
      }
      const Node::Op op = text_[pos_] == '+' ? Node::Op::kAdd : Node::Op::kSubtract;
      ++pos_;
      DOCKET_ASSIGN_OR_RETURN(size_t right, ParseProduct(depth));
      left = Binary(op, left, right);
    }
  }

  // product = unary { ('*' | '/') unary }
  Result<size_t> ParseProduct(int depth) {
    DOCKET_ASSIGN_OR_RETURN(size_t left, ParseUnary(depth));
    for (;;) {
      SkipBlanks();
      if (pos_ >= text_.size() || (text_[pos_] != '*' && text_[pos_] != '/')) {
        return left;
      }
      const Node::Op op = text_[pos_] == '*' ? Node::Op::kMultiply : Node::Op::kDivide;
      ++pos_;
      DOCKET_ASSIGN_OR_RETURN(size_t right, ParseUnary(depth));
      left = Binary(op, left, right);
    }
  }

  // unary = '-' unary | primary
  Result<size_t> ParseUnary(int depth) {
    if (depth > kMaxFormulaDepth) {
      return Error(
          pos_, "the formula nests more than " + std::to_string(kMaxFormulaDepth) + " levels deep");
    }
    SkipBlanks();
    if (pos_ < text_.size() && text_[pos_] == '-') {
      ++pos_;
      DOCKET_ASSIGN_OR_RETURN(size_t operand, ParseUnary(depth + 1));
      Node node;
      node.op = Node::Op::kNegate;
      node.args = {operand};
      return Add(std::move(node));
    }
    return ParsePrimary(depth);
  }

  // primary = number | name | name '(' sum { ',' sum } ')' | '(' sum ')'
  Result<size_t> ParsePrimary(int depth) {
    SkipBlanks();
    const size_t start = pos_;
    if (pos_ >= text_.size()) {
      return Error(pos_, "the formula ends where a number, property or function was expected");
    }
    const char c = text_[pos_];
    if (c == '(') {
      ++pos_;
      DOCKET_ASSIGN_OR_RETURN(size_t inner, ParseSum(depth + 1));
      SkipBlanks();
      if (pos_ >= text_.size() || text_[pos_] != ')') {
        return Error(start, "unbalanced parenthesis");
      }
      ++pos_;
      return inner;
    }
    if ((c >= '0' && c <= '9') || c == '.') {
      double value = 0;
      const auto [end, ec] =
          std::from_chars(text_.data() + pos_, text_.data() + text_.size(), value);
      if (ec != std::errc() || !std::isfinite(value)) {
        return Error(start, "bad number");
      }
      pos_ = static_cast<size_t>(end - text_.data());
      Node node;
      node.number = value;
      return Add(std::move(node));
    }
    if (!IsNameChar(c)) {
      return Error(start, "unexpected '" + std::string(1, c) + "'");
    }
    while (pos_ < text_.size() && IsNameChar(text_[pos_])) {
      ++pos_;
    }
    const std::string name = AsciiLower(text_.substr(start, pos_ - start));
    SkipBlanks();
    if (pos_ < text_.size() && text_[pos_] == '(') {
      return ParseCall(name, start, depth);
    }
    double SortFormulaInputs::*variable = FindVariable(name);
    if (variable == nullptr) {
      return Error(start, "'" + name +
                              "' is not a number the formula can read; use rank, size, write "
                              "(lastmodifiedtime), sent (created) or received");
    }
    uses_rank_ = uses_rank_ || name == "rank";
    Node node;
    node.op = Node::Op::kVariable;
    node.variable = variable;
    return Add(std::move(node));
  }

  Result<size_t> ParseCall(const std::string& name, size_t start, int depth) {
    const FunctionInfo* info = FindFunction(name);
    if (info == nullptr) {
      return Error(start, "unknown function '" + name +
                              "'; use sqrt exp log abs ceil floor round sin cos tan asin acos "
                              "atan pow atan2 bucket errtolast");
    }
    ++pos_;  // '('
    Node node;
    node.op = Node::Op::kFunction;
    node.function = name;
    SkipBlanks();
    if (pos_ < text_.size() && text_[pos_] == ')') {
      ++pos_;
    } else {
      for (;;) {
        DOCKET_ASSIGN_OR_RETURN(size_t arg, ParseSum(depth + 1));
        node.args.push_back(arg);
        SkipBlanks();
        if (pos_ < text_.size() && text_[pos_] == ',') {
          ++pos_;
          continue;
        }
        if (pos_ < text_.size() && text_[pos_] == ')') {
          ++pos_;
          break;
        }
        return Error(start, "unbalanced parenthesis in " + name + "(...)");
      }
    }
    if (node.args.size() < info->min_args || node.args.size() > info->max_args) {
      const std::string wanted = info->min_args == info->max_args
                                     ? std::to_string(info->min_args)
                                     : "at least " + std::to_string(info->min_args);
      return Error(start, name + "(...) takes " + wanted + " argument" +
                              (info->max_args == 1 ? "" : "s") + ", not " +
                              std::to_string(node.args.size()));
    }
    return Add(std::move(node));
  }

  static bool IsNameChar(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  }

  std::string_view text_;
  size_t pos_ = 0;
  std::vector<Node>* nodes_ = nullptr;
  bool uses_rank_ = false;
};

double Evaluate(const std::vector<Node>& nodes, size_t index, const SortFormulaInputs& in) {
  const Node& node = nodes[index];
  const auto arg = [&](size_t i) { return Evaluate(nodes, node.args[i], in); };
  switch (node.op) {
    case Node::Op::kNumber:
      return node.number;
    case Node::Op::kVariable:
      return in.*node.variable;
    case Node::Op::kNegate:
      return -arg(0);
    case Node::Op::kAdd:
      return arg(0) + arg(1);
    case Node::Op::kSubtract:
      return arg(0) - arg(1);
    case Node::Op::kMultiply:
      return arg(0) * arg(1);
    case Node::Op::kDivide:
      return arg(0) / arg(1);  // x/0 is ±inf or NaN: sorted last (see the header)
    case Node::Op::kFunction:
      break;
  }
  const std::string& f = node.function;
  if (f == "bucket") {
    const double x = arg(0);
    double count = 0;
    for (size_t i = 1; i < node.args.size(); ++i) {
      count += x >= arg(i) ? 1 : 0;
    }
    return count;
  }
  if (f == "pow") {
    return std::pow(arg(0), arg(1));
  }
  if (f == "atan2") {
    return std::atan2(arg(0), arg(1));
  }
  using Unary = double (*)(double);
  static const std::pair<std::string_view, Unary> kUnary[] = {
      {"sqrt", [](double x) { return std::sqrt(x); }},
      {"exp", [](double x) { return std::exp(x); }},
      {"log", [](double x) { return std::log(x); }},
      {"abs", [](double x) { return std::fabs(x); }},
      {"ceil", [](double x) { return std::ceil(x); }},
      {"floor", [](double x) { return std::floor(x); }},
      {"round", [](double x) { return std::round(x); }},
      {"sin", [](double x) { return std::sin(x); }},
      {"cos", [](double x) { return std::cos(x); }},
      {"tan", [](double x) { return std::tan(x); }},
      {"asin", [](double x) { return std::asin(x); }},
      {"acos", [](double x) { return std::acos(x); }},
      {"atan", [](double x) { return std::atan(x); }},
  };
  const double x = arg(0);
  for (const auto& [name, fn] : kUnary) {
    if (name == f) {
      return fn(x);
    }
  }
  return x;  // errtolast: every non-finite value already sorts last
}

// "seed=5432" or "seed=5432:hashfield=Path" → the seed.
Result<uint64_t> ParseRandomParams(std::string_view params, const std::string& whole) {
  const auto fail = [&](const std::string& why) {
    return Status::InvalidArgument("sortlist: " + whole + ": " + why +
                                   "; write it as [random:seed=5432]");
  };
  std::optional<uint64_t> seed;
  while (!params.empty()) {
    const size_t colon = params.find(':');
    std::string_view item = TrimWhitespace(params.substr(0, colon));
    params = colon == std::string_view::npos ? std::string_view() : params.substr(colon + 1);
    const size_t eq = item.find('=');
    if (eq == std::string_view::npos) {
      return fail("'" + std::string(item) + "' needs a value");
    }
    const std::string name = AsciiLower(TrimWhitespace(item.substr(0, eq)));
    const std::string_view value = TrimWhitespace(item.substr(eq + 1));
    if (name == "seed") {
      uint64_t parsed = 0;
      const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), parsed);
      if (value.empty() || ec != std::errc() || end != value.data() + value.size()) {
        return fail("the seed must be a non-negative integer, not '" + std::string(value) + "'");
      }
      seed = parsed;
    } else if (name != "hashfield") {
      return fail("unknown parameter '" + name + "'");
    }
  }
  if (!seed) {
    return fail("the seed is missing");
  }
  return *seed;
}

}  // namespace

Result<SortFormula> SortFormula::Parse(std::string_view text) {
  if (text.size() > kMaxSortFormulaChars) {
    return Status::InvalidArgument("sortlist: a formula may have at most " +
                                   std::to_string(kMaxSortFormulaChars) + " characters");
  }
  if (TrimWhitespace(text).empty()) {
    return Status::InvalidArgument(
        "sortlist: [formula:] is empty; write e.g. "
        "[formula:abs(2000-size)]");
  }
  auto nodes = std::make_shared<std::vector<Node>>();
  SortFormula formula;
  FormulaParser parser(text);
  DOCKET_ASSIGN_OR_RETURN(size_t root, parser.ParseAll(nodes.get(), &formula.uses_rank_));
  // The root is the last node added: every node's arguments come before it.
  if (root + 1 != nodes->size()) {
    return Status::Internal("sort formula root is not the last node");
  }
  formula.nodes_ = std::move(nodes);
  return formula;
}

double SortFormula::Evaluate(const SortFormulaInputs& inputs) const {
  if (!nodes_ || nodes_->empty()) {
    return 0;
  }
  return docket::Evaluate(*nodes_, nodes_->size() - 1, inputs);
}

std::string_view SortablePropertyNames() {
  return "Rank, Write, LastModifiedTime, Created, Sent, Received, Size, Title, "
         "[random:seed=N], [formula:<expr>]";
}

uint64_t RandomSortKey(uint64_t seed, uint64_t item_id) {
  // SplitMix64 of seed and id: cheap, well mixed, and the same on every machine.
  uint64_t z = seed * 0x9E3779B97F4A7C15ULL + item_id + 0x9E3779B97F4A7C15ULL;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

Result<SortKey> ParseSortKey(const SortSpec& spec) {
  SortKey key;
  key.descending = spec.descending;
  const std::string_view property = TrimWhitespace(spec.property);
  const std::string lower = AsciiLower(property);
  if (property.starts_with('[')) {
    const std::string whole(property);
    if (!property.ends_with(']')) {
      return Status::InvalidArgument("sortlist: " + whole + " has no closing ']'");
    }
    const std::string_view inner = property.substr(1, property.size() - 2);
    if (lower.starts_with("[formula:")) {
      key.kind = SortKey::Kind::kFormula;
      DOCKET_ASSIGN_OR_RETURN(key.formula, SortFormula::Parse(inner.substr(8)));
      return key;
    }
    if (lower.starts_with("[random:") || lower == "[random]") {
      key.kind = SortKey::Kind::kRandom;
      DOCKET_ASSIGN_OR_RETURN(key.seed,
                              ParseRandomParams(inner.size() > 6 ? inner.substr(7) : "", whole));
      return key;
    }
    return Status::InvalidArgument("sortlist: " + whole +
                                   " is not a special sort; use [random:seed=N] or "
                                   "[formula:<expr>]");
  }
  if (lower == "rank") {
    key.kind = SortKey::Kind::kRank;
    return key;
  }
  if (lower == "title") {
    key.kind = SortKey::Kind::kTitle;
    return key;
  }
  // Created is when an archived item came into being: its sent time.
  std::optional<uint32_t> slot =
      PropertyMap::Default().SortSlot(lower == "created" ? "sent" : lower);
  if (!slot) {
    return Status::InvalidArgument(
        "sortlist: Property doesn't exist or is used in a manner inconsistent with schema "
        "settings: '" +
        std::string(property) + "' (sortable: " + std::string(SortablePropertyNames()) + ")");
  }
  key.kind = SortKey::Kind::kValue;
  key.slot = *slot;
  return key;
}

}  // namespace docket
