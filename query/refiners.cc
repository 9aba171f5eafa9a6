/** @file
 *  @brief Refiner specs, refinement tokens, the FQL filter subset, and the match spy that
 *         counts refiner bins (sharepoint-search.md §1.9).
 */
#include "query/refiners.h"

#include <xapian.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <map>
#include <tuple>
#include <type_traits>
#include <unordered_set>

#include "common/strings.h"
#include "common/time_util.h"
#include "storage/index_schema.h"
#include "storage/item.h"
#include "storage/text_analyzer.h"

namespace docket {
namespace {

enum class Source { kTerm, kDateSlot, kNumberSlot };
enum class Normalization { kLower, kCustodian, kKind };

struct Refinable {
  std::string_view name;  // lower case
  Source source;
  std::string_view prefix;  // kTerm
  uint32_t slot = 0;        // slots
  Normalization normalization = Normalization::kLower;
  bool addresses_only = false;  // XFROM also holds local parts, domains and name words
};

const std::vector<Refinable>& RefinableTable() {
  static const std::vector<Refinable> kTable = {
      {"filetype", Source::kTerm, schema::kPrefixFileExtension},
      {"fileextension", Source::kTerm, schema::kPrefixFileExtension},
      {"kind", Source::kTerm, schema::kPrefixKind, 0, Normalization::kKind},
      {"custodian", Source::kTerm, schema::kPrefixCustodian, 0, Normalization::kCustodian},
      {"detectedlanguage", Source::kTerm, schema::kPrefixLanguage},
      {"author", Source::kTerm, schema::kPrefixFrom, 0, Normalization::kLower, true},
      {"from", Source::kTerm, schema::kPrefixFrom, 0, Normalization::kLower, true},
      {"size", Source::kNumberSlot, {}, schema::kSlotSize},
      {"write", Source::kDateSlot, {}, schema::kSlotLastActivity},
      {"lastmodifiedtime", Source::kDateSlot, {}, schema::kSlotLastActivity},
      {"sent", Source::kDateSlot, {}, schema::kSlotSent},
      {"created", Source::kDateSlot, {}, schema::kSlotSent},
      {"received", Source::kDateSlot, {}, schema::kSlotSent},
  };
  return kTable;
}

const Refinable* FindRefinable(std::string_view name) {
  const std::string lower = AsciiLower(TrimWhitespace(name));
  for (const Refinable& r : RefinableTable()) {
    if (r.name == lower) {
      return &r;
    }
  }
  return nullptr;
}

Status UnknownProperty(std::string_view what, std::string_view name) {
  return Status::InvalidArgument(
      std::string(what) +
      ": Property doesn't exist or is used in a manner inconsistent with schema settings: '" +
      std::string(name) +
      "' (refinable: FileType, FileExtension, Kind, Custodian, DetectedLanguage, Author, From, "
      "Size, Write, LastModifiedTime, Sent, Created, Received)");
}

// Splits on `separator` outside parentheses and double quotes; pieces are trimmed, empty ones
// dropped.
std::vector<std::string> SplitTopLevel(std::string_view text, char separator) {
  std::vector<std::string> out;
  std::string current;
  int depth = 0;
  bool quoted = false;
  const auto flush = [&] {
    const std::string_view piece = TrimWhitespace(current);
    if (!piece.empty()) {
      out.emplace_back(piece);
    }
    current.clear();
  };
  for (const char c : text) {
    if (c == '"') {
      quoted = !quoted;
    } else if (!quoted && c == '(') {
      ++depth;
    } else if (!quoted && c == ')') {
      --depth;
    }
    if (c == separator && depth == 0 && !quoted) {
      flush();
      continue;
    }
    current.push_back(c);
  }
  flush();
  return out;
}

std::optional<uint64_t> ParseUint(std::string_view text) {
  uint64_t value = 0;
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec != std::errc() || ptr != end) {
    return std::nullopt;
  }
  return value;
}

// A threshold or range bound of a slot property as the number stored in the slot.
Result<double> ParseBound(const Refinable& property, std::string_view raw) {
  std::string text(TrimWhitespace(raw));
  if (text.size() >= 2 && text.front() == '"' && text.back() == '"') {
    text = text.substr(1, text.size() - 2);
  }
  if (property.source == Source::kDateSlot) {
    Result<ParsedUtc> parsed = ParseUtc(text);
    if (!parsed.ok()) {
      return Status::InvalidArgument("'" + text + "' is not a date for " +
                                     std::string(property.name) +
                                     " (use YYYY-MM-DD or YYYY-MM-DDThh:mm:ssZ, UTC)");
    }
    return static_cast<double>(parsed->millis);
  }
  std::optional<uint64_t> number = ParseUint(text);
  if (!number) {
    return Status::InvalidArgument("'" + text + "' is not a non-negative integer for " +
                                   std::string(property.name));
  }
  return static_cast<double>(*number);
}

Status ApplyRefinerOption(const Refinable& property, std::string_view key, std::string_view value,
                          RefinerSpec* spec) {
  const std::string name = AsciiLower(TrimWhitespace(key));
  std::vector<std::string> parts;
  {
    std::string_view rest = TrimWhitespace(value);
    while (true) {
      const size_t slash = rest.find('/');
      parts.emplace_back(TrimWhitespace(rest.substr(0, slash)));
      if (slash == std::string_view::npos) {
        break;
      }
      rest.remove_prefix(slash + 1);
    }
  }
  const std::string where = "refiner " + spec->name + " option " + name + ": ";
  if (name == "discretize") {
    if (parts.empty() || AsciiLower(parts[0]) != "manual" || parts.size() < 2) {
      return Status::InvalidArgument(where + "use discretize=manual/<threshold>/<threshold>...");
    }
    if (property.source == Source::kTerm) {
      return Status::InvalidArgument(where + "only dates and sizes can be discretized");
    }
    double previous = -1;
    for (size_t i = 1; i < parts.size(); ++i) {
      Result<double> bound = ParseBound(property, parts[i]);
      if (!bound.ok()) {
        return Status::InvalidArgument(where + bound.error().message());
      }
      if (*bound <= previous) {
        return Status::InvalidArgument(where + "thresholds must increase");
      }
      previous = *bound;
      spec->thresholds.push_back(parts[i]);
    }
    return Status::OK();
  }
  if (name == "deephits") {
    std::optional<uint64_t> n = ParseUint(parts[0]);
    if (!n || parts.size() != 1) {
      return Status::InvalidArgument(where + "must be a number of hits");
    }
    spec->deep_hits = static_cast<uint32_t>(std::min<uint64_t>(*n, kRefinerDeepHits));
    return Status::OK();
  }
  if (name == "sort") {
    const std::string by = AsciiLower(parts[0]);
    if (by != "frequency" && by != "name" && by != "number") {
      return Status::InvalidArgument(where + "sort by frequency, name or number");
    }
    spec->sort_by = by;
    if (parts.size() > 1) {
      const std::string direction = AsciiLower(parts[1]);
      if (direction != "ascending" && direction != "descending") {
        return Status::InvalidArgument(where + "the direction is ascending or descending");
      }
      spec->sort_descending = direction == "descending";
    } else {
      spec->sort_descending = by == "frequency";
    }
    return Status::OK();
  }
  if (name == "filter") {
    if (parts.size() < 2) {
      return Status::InvalidArgument(where + "use filter=<bins>/<minimum count>/<prefix>");
    }
    std::optional<uint64_t> bins = ParseUint(parts[0]);
    std::optional<uint64_t> freq = ParseUint(parts[1]);
    if (!bins || !freq) {
      return Status::InvalidArgument(where + "bins and minimum count are numbers");
    }
    spec->max_entries = static_cast<uint32_t>(std::min<uint64_t>(*bins, 1000000));
    spec->min_count = std::max<uint64_t>(*freq, 1);
    if (parts.size() > 2 && parts[2] != "*") {
      spec->name_prefix = parts[2];
    }
    return Status::OK();
  }
  if (name == "cutoff") {
    return Status::OK();  // a SharePoint tuning knob for huge refiners; counts stay exact here
  }
  return Status::InvalidArgument(where + "unknown option (deephits, discretize, sort, filter)");
}

// ---- FQL -----------------------------------------------------------------------------------

class FqlParser {
 public:
  explicit FqlParser(std::string_view text) : text_(text) {}

  Result<FqlNode> ParseAll() {
    DOCKET_ASSIGN_OR_RETURN(FqlNode node, ParseExpression());
    SkipBlanks();
    if (pos_ != text_.size()) {
      return Error("unexpected text after the filter");
    }
    return node;
  }

 private:
  Status Error(std::string_view what) const {
    return Status::InvalidArgument("RefinementFilters: " + std::string(what) + " at position " +
                                   std::to_string(pos_ + 1) + " of '" + std::string(text_) + "'");
  }

  void SkipBlanks() {
    while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\t')) {
      ++pos_;
    }
  }

  bool Consume(char c) {
    SkipBlanks();
    if (pos_ < text_.size() && text_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }

  // A name: letters, digits, '-', '_', '.'.
  std::string Word() {
    SkipBlanks();
    const size_t start = pos_;
    while (pos_ < text_.size()) {
      const unsigned char c = static_cast<unsigned char>(text_[pos_]);
      if (std::isalnum(c) || c == '-' || c == '_' || c == '.') {
        ++pos_;
      } else {
        break;
      }
    }
    return std::string(text_.substr(start, pos_ - start));
  }

  // "text" with \" or "" for a quote inside.
  Result<std::string> Quoted() {
    SkipBlanks();
    if (pos_ >= text_.size() || text_[pos_] != '"') {
      return Error("expected a quoted value");
    }
    ++pos_;
    std::string out;
    while (pos_ < text_.size()) {
      const char c = text_[pos_++];
      if (c == '\\' && pos_ < text_.size()) {
        out.push_back(text_[pos_++]);
      } else if (c == '"') {
        if (pos_ < text_.size() && text_[pos_] == '"') {
          out.push_back('"');
          ++pos_;
        } else {
          return out;
        }
      } else {
        out.push_back(c);
      }
    }
    return Error("unterminated quoted value");
  }

  // An unquoted value: up to ',' ')' or a blank that is not followed by more of a date
  // ("2013-09-21T00:00:00Z" has no blanks, so a blank ends it).
  std::string Bare() {
    SkipBlanks();
    const size_t start = pos_;
    while (pos_ < text_.size() && text_[pos_] != ',' && text_[pos_] != ')' && text_[pos_] != ' ' &&
           text_[pos_] != '(') {
      ++pos_;
    }
    return std::string(text_.substr(start, pos_ - start));
  }

  Result<std::string> Value() {
    SkipBlanks();
    if (pos_ < text_.size() && text_[pos_] == '"') {
      DOCKET_ASSIGN_OR_RETURN(std::string raw, Quoted());
      return DecodeToken(raw);
    }
    std::string bare = Bare();
    if (bare.empty()) {
      return Error("expected a value");
    }
    return bare;
  }

  // "ǂǂ646f6378" -> "docx"; anything else as it is.
  Result<std::string> DecodeToken(const std::string& raw) {
    static const std::string kMarker = "\xC7\x82\xC7\x82";
    if (!raw.starts_with(kMarker)) {
      return raw;
    }
    const std::string_view hex = std::string_view(raw).substr(kMarker.size());
    if (hex.size() % 2 != 0) {
      return Error("a refinement token has an odd number of hex digits");
    }
    std::string out;
    for (size_t i = 0; i < hex.size(); i += 2) {
      unsigned value = 0;
      const auto [ptr, ec] = std::from_chars(hex.data() + i, hex.data() + i + 2, value, 16);
      if (ec != std::errc() || ptr != hex.data() + i + 2) {
        return Error("a refinement token holds a character that is not a hex digit");
      }
      out.push_back(static_cast<char>(value));
    }
    return out;
  }

  Result<FqlNode> ParseExpression() {
    const size_t start = pos_;
    const std::string word = Word();
    if (word.empty()) {
      return Error("expected a filter such as FileType:equals(\"docx\") or and(...)");
    }
    SkipBlanks();
    if (pos_ < text_.size() && text_[pos_] == '(') {
      std::optional<FqlNode::Op> op = BooleanOp(word);
      if (!op) {
        pos_ = start;
        return Error("unknown operator '" + word + "' (and, or, any, not, andnot)");
      }
      ++pos_;
      FqlNode node;
      node.op = *op;
      do {
        DOCKET_ASSIGN_OR_RETURN(FqlNode child, ParseExpression());
        node.children.push_back(std::move(child));
      } while (Consume(','));
      if (!Consume(')')) {
        return Error("expected ')'");
      }
      return CheckArity(std::move(node));
    }
    if (!Consume(':')) {
      return Error("expected ':' after the property name '" + word + "'");
    }
    return ParsePropertyValue(word);
  }

  static std::optional<FqlNode::Op> BooleanOp(const std::string& word) {
    const std::string lower = AsciiLower(word);
    if (lower == "and" || lower == "all") {
      return FqlNode::Op::kAnd;
    }
    if (lower == "or" || lower == "any") {
      return FqlNode::Op::kOr;
    }
    if (lower == "not") {
      return FqlNode::Op::kNot;
    }
    if (lower == "andnot") {
      return FqlNode::Op::kAndNot;
    }
    return std::nullopt;
  }

  Result<FqlNode> CheckArity(FqlNode node) {
    if (node.op == FqlNode::Op::kNot && node.children.size() != 1) {
      return Error("not() takes one filter");
    }
    if (node.op == FqlNode::Op::kAndNot && node.children.size() < 2) {
      return Error("andnot() takes a filter and the filters to exclude");
    }
    return node;
  }

  Result<FqlNode> ParsePropertyValue(const std::string& property) {
    SkipBlanks();
    const size_t start = pos_;
    if (pos_ < text_.size() && text_[pos_] != '"') {
      const std::string word = Word();
      SkipBlanks();
      if (!word.empty() && pos_ < text_.size() && text_[pos_] == '(') {
        ++pos_;
        return ParseFunction(property, AsciiLower(word));
      }
      pos_ = start;
    }
    FqlNode leaf;
    leaf.property = property;
    DOCKET_ASSIGN_OR_RETURN(leaf.value, Value());
    return leaf;
  }

  // After "prop:name(".
  Result<FqlNode> ParseFunction(const std::string& property, const std::string& name) {
    FqlNode node;
    node.property = property;
    if (name == "equals" || name == "starts-with" || name == "ends-with") {
      node.op = name == "equals"        ? FqlNode::Op::kEquals
                : name == "starts-with" ? FqlNode::Op::kStartsWith
                                        : FqlNode::Op::kEndsWith;
      DOCKET_ASSIGN_OR_RETURN(node.value, Value());
      if (!Consume(')')) {
        return Error("expected ')' after the value of " + name + "()");
      }
      return node;
    }
    if (name == "range") {
      node.op = FqlNode::Op::kRange;
      DOCKET_ASSIGN_OR_RETURN(node.low, Value());
      if (!Consume(',')) {
        return Error("range() takes a start and an end");
      }
      DOCKET_ASSIGN_OR_RETURN(node.high, Value());
      while (Consume(',')) {
        const std::string option = AsciiLower(Word());
        if (!Consume('=')) {
          return Error("expected from=\"GE\"|\"GT\" or to=\"LE\"|\"LT\"");
        }
        DOCKET_ASSIGN_OR_RETURN(std::string value, Value());
        value = AsciiLower(value);
        if (option == "from" && (value == "ge" || value == "gt")) {
          node.low_inclusive = value == "ge";
        } else if (option == "to" && (value == "le" || value == "lt")) {
          node.high_inclusive = value == "le";
        } else {
          return Error("range() options are from=\"GE\"|\"GT\" and to=\"LE\"|\"LT\"");
        }
      }
      if (!Consume(')')) {
        return Error("expected ')' to close range()");
      }
      return node;
    }
    if (std::optional<FqlNode::Op> op = BooleanOp(name)) {
      // prop:or("ǂǂa","ǂǂb"): the operator applied to values of one property.
      node.op = *op;
      node.property.clear();
      do {
        DOCKET_ASSIGN_OR_RETURN(FqlNode child, ParsePropertyValue(property));
        node.children.push_back(std::move(child));
      } while (Consume(','));
      if (!Consume(')')) {
        return Error("expected ')'");
      }
      return CheckArity(std::move(node));
    }
    return Error("unknown FQL function '" + name +
                 "' (equals, starts-with, ends-with, range, and, or, any, not, andnot)");
  }

  std::string_view text_;
  size_t pos_ = 0;
};

std::string NormalizeTermValue(const Refinable& property, std::string_view value,
                               TextAnalyzer& analyzer) {
  switch (property.normalization) {
    case Normalization::kCustodian:
      return analyzer.Normalize(value);
    case Normalization::kKind:
      if (std::optional<ItemKind> kind = ParseItemKind(AsciiLower(value))) {
        return std::string(ItemKindName(*kind));
      }
      return AsciiLower(value);
    case Normalization::kLower:
      break;
  }
  return AsciiLower(value);
}

constexpr size_t kMaxExpandedTerms = 1000;

Result<Xapian::Query> LeafToXapian(const FqlNode& node, const Xapian::Database& db,
                                   TextAnalyzer& analyzer) {
  const Refinable* property = FindRefinable(node.property);
  if (property == nullptr) {
    return UnknownProperty("RefinementFilters", node.property);
  }
  if (property->source == Source::kTerm) {
    const std::string prefix(property->prefix);
    if (node.op == FqlNode::Op::kRange) {
      return Status::InvalidArgument(
          "RefinementFilters: range() needs a date or size property, not " + node.property);
    }
    const std::string value = NormalizeTermValue(*property, node.value, analyzer);
    if (node.op == FqlNode::Op::kEquals) {
      return Xapian::Query(prefix + value);
    }
    std::vector<Xapian::Query> terms;
    const std::string start = node.op == FqlNode::Op::kStartsWith ? prefix + value : prefix;
    for (auto it = db.allterms_begin(start); it != db.allterms_end(start); ++it) {
      const std::string term = *it;
      if (node.op == FqlNode::Op::kEndsWith &&
          !std::string_view(term).substr(prefix.size()).ends_with(value)) {
        continue;
      }
      if (terms.size() == kMaxExpandedTerms) {
        return Status::ResourceExhausted("RefinementFilters: " + node.ToString() +
                                         " matches more than 1000 values; be more specific");
      }
      terms.emplace_back(term);
    }
    return Xapian::Query(Xapian::Query::OP_OR, terms.begin(), terms.end());
  }
  // Slot properties hold whole numbers (bytes, UTC milliseconds): an exclusive bound is the
  // inclusive bound one unit further in.
  double low = 0;
  double high = 0;
  bool has_low = false;
  bool has_high = false;
  if (node.op == FqlNode::Op::kRange) {
    if (AsciiLower(node.low) != "min") {
      DOCKET_ASSIGN_OR_RETURN(low, ParseBound(*property, node.low));
      low += node.low_inclusive ? 0 : 1;
      has_low = true;
    }
    if (AsciiLower(node.high) != "max") {
      DOCKET_ASSIGN_OR_RETURN(high, ParseBound(*property, node.high));
      high -= node.high_inclusive ? 0 : 1;
      has_high = true;
    }
  } else if (node.op == FqlNode::Op::kEquals) {
    DOCKET_ASSIGN_OR_RETURN(low, ParseBound(*property, node.value));
    high = low;
    has_low = has_high = true;
  } else {
    return Status::InvalidArgument(
        "RefinementFilters: starts-with/ends-with need a text property, not " + node.property);
  }
  const Xapian::valueno slot = property->slot;
  if (has_low && has_high) {
    if (high < low) {
      return Xapian::Query::MatchNothing;
    }
    return Xapian::Query(Xapian::Query::OP_VALUE_RANGE, slot, Xapian::sortable_serialise(low),
                         Xapian::sortable_serialise(high));
  }
  if (has_low) {
    return Xapian::Query(Xapian::Query::OP_VALUE_GE, slot, Xapian::sortable_serialise(low));
  }
  if (has_high) {
    return Xapian::Query(Xapian::Query::OP_VALUE_LE, slot, Xapian::sortable_serialise(high));
  }
  // range(min, max): every item that has the value at all.
  return Xapian::Query(Xapian::Query::OP_VALUE_GE, slot, std::string());
}

// ---- counting ------------------------------------------------------------------------------

std::string Hex(std::string_view bytes) {
  static const char kDigits[] = "0123456789abcdef";
  std::string out;
  for (const unsigned char c : bytes) {
    out.push_back(kDigits[c >> 4]);
    out.push_back(kDigits[c & 0xF]);
  }
  return out;
}

// Default size bins: powers of ten from 1 KB, what a reviewer scans for (chat lines, mails,
// documents, media).
const std::vector<double>& DefaultSizeThresholds() {
  static const std::vector<double> kThresholds = {1e3, 1e4, 1e5, 1e6, 1e7, 1e8};
  return kThresholds;
}

int YearOf(UtcMillis millis) { return std::stoi(FormatIso8601(millis).substr(0, 4)); }

struct Counter {
  RefinerSpec spec;
  const Refinable* property = nullptr;
  uint32_t deep_hits = kRefinerDeepHits;
  std::map<std::string, uint64_t> values;  // term refiners
  std::vector<double> thresholds;          // slot refiners with bins
  std::vector<uint64_t> bins;              // thresholds.size() + 1
  std::map<int, uint64_t> years;           // date refiners without discretize
  bool counted = false;                    // a term refiner already counted from posting lists
};

std::string FormatBound(const Counter& counter, double value) {
  if (counter.property->source == Source::kDateSlot) {
    return FormatIso8601(static_cast<UtcMillis>(value));
  }
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.0f", value);
  return buffer;
}

RefinerEntry RangeEntry(const std::string& low, const std::string& high, uint64_t count) {
  RefinerEntry entry;
  entry.count = count;
  entry.token = "range(" + (low.empty() ? "min" : low) + ", " + (high.empty() ? "max" : high) + ")";
  if (low.empty()) {
    entry.name = "Before " + high;
  } else if (high.empty()) {
    entry.name = "From " + low;
  } else {
    entry.name = "From " + low + " up to " + high;
  }
  entry.value = entry.token;
  return entry;
}

}  // namespace

// ---- public ----------------------------------------------------------------------------------

bool IsRefinableProperty(std::string_view name) { return FindRefinable(name) != nullptr; }

std::string StringRefinementToken(std::string_view value) {
  return "\"\xC7\x82\xC7\x82" + Hex(value) + "\"";
}

Result<std::vector<RefinerSpec>> ParseRefinerList(std::string_view text) {
  std::vector<RefinerSpec> specs;
  for (const std::string& piece : SplitTopLevel(text, ',')) {
    RefinerSpec spec;
    std::string_view options;
    const size_t open = piece.find('(');
    if (open != std::string::npos) {
      if (piece.back() != ')') {
        return Status::InvalidArgument("refiner '" + piece + "': options end with ')'");
      }
      options = std::string_view(piece).substr(open + 1, piece.size() - open - 2);
      spec.name = std::string(TrimWhitespace(std::string_view(piece).substr(0, open)));
    } else {
      spec.name = piece;
    }
    const Refinable* property = FindRefinable(spec.name);
    if (property == nullptr) {
      return UnknownProperty("Refiners", spec.name);
    }
    for (const std::string& option : SplitTopLevel(options, ',')) {
      const size_t eq = option.find('=');
      if (eq == std::string::npos) {
        return Status::InvalidArgument("refiner " + spec.name + ": option '" + option +
                                       "' has no '='");
      }
      DOCKET_RETURN_IF_ERROR(ApplyRefinerOption(*property, std::string_view(option).substr(0, eq),
                                                std::string_view(option).substr(eq + 1), &spec));
    }
    specs.push_back(std::move(spec));
  }
  return specs;
}

std::string FqlNode::ToString() const {
  const auto quoted = [](const std::string& s) { return "\"" + s + "\""; };
  switch (op) {
    case Op::kEquals:
      return property + ":equals(" + quoted(value) + ")";
    case Op::kStartsWith:
      return property + ":starts-with(" + quoted(value) + ")";
    case Op::kEndsWith:
      return property + ":ends-with(" + quoted(value) + ")";
    case Op::kRange:
      return property + ":range(" + low + ", " + high + (low_inclusive ? "" : ", from=\"GT\"") +
             (high_inclusive ? ", to=\"LE\"" : "") + ")";
    case Op::kAnd:
    case Op::kOr:
    case Op::kNot:
    case Op::kAndNot: {
      std::string out = op == Op::kAnd   ? "and("
                        : op == Op::kOr  ? "or("
                        : op == Op::kNot ? "not("
                                         : "andnot(";
      for (size_t i = 0; i < children.size(); ++i) {
        out += (i == 0 ? "" : ", ") + children[i].ToString();
      }
      return out + ")";
    }
  }
  return {};
}

Result<FqlNode> ParseFql(std::string_view text) {
  Result<FqlNode> node = FqlParser(text).ParseAll();
  if (!node.ok()) {
    return node;
  }
  // Unknown properties are refused here, before the searcher, so the 400 names them.
  std::vector<const FqlNode*> stack = {&*node};
  while (!stack.empty()) {
    const FqlNode* n = stack.back();
    stack.pop_back();
    if (!n->property.empty() && n->children.empty() && !IsRefinableProperty(n->property)) {
      return UnknownProperty("RefinementFilters", n->property);
    }
    for (const FqlNode& child : n->children) {
      stack.push_back(&child);
    }
  }
  return node;
}

Result<Xapian::Query> FqlToXapian(const FqlNode& node, const Xapian::Database& db,
                                  TextAnalyzer& analyzer) {
  switch (node.op) {
    case FqlNode::Op::kAnd:
    case FqlNode::Op::kOr: {
      std::vector<Xapian::Query> children;
      for (const FqlNode& child : node.children) {
        DOCKET_ASSIGN_OR_RETURN(Xapian::Query q, FqlToXapian(child, db, analyzer));
        children.push_back(std::move(q));
      }
      return Xapian::Query(
          node.op == FqlNode::Op::kAnd ? Xapian::Query::OP_AND : Xapian::Query::OP_OR,
          children.begin(), children.end());
    }
    case FqlNode::Op::kNot: {
      DOCKET_ASSIGN_OR_RETURN(Xapian::Query q, FqlToXapian(node.children[0], db, analyzer));
      return Xapian::Query(Xapian::Query::OP_AND_NOT, Xapian::Query::MatchAll, q);
    }
    case FqlNode::Op::kAndNot: {
      DOCKET_ASSIGN_OR_RETURN(Xapian::Query kept, FqlToXapian(node.children[0], db, analyzer));
      std::vector<Xapian::Query> excluded;
      for (size_t i = 1; i < node.children.size(); ++i) {
        DOCKET_ASSIGN_OR_RETURN(Xapian::Query q, FqlToXapian(node.children[i], db, analyzer));
        excluded.push_back(std::move(q));
      }
      return Xapian::Query(Xapian::Query::OP_AND_NOT, kept,
                           Xapian::Query(Xapian::Query::OP_OR, excluded.begin(), excluded.end()));
    }
    default:
      return LeafToXapian(node, db, analyzer);
  }
}

namespace {

// Counts `term` for `c` when it is one of c's prefixed terms.
void CountTerm(Counter* c, std::string_view term) {
  const std::string_view prefix = c->property->prefix;
  if (term.size() <= prefix.size() || term.substr(0, prefix.size()) != prefix) {
    return;
  }
  const std::string_view value = term.substr(prefix.size());
  if (c->property->addresses_only && value.find('@') == std::string_view::npos) {
    return;
  }
  ++c->values[std::string(value)];
}

void CountSlotValue(const std::string& raw, Counter* c) {
  if (raw.empty()) {
    return;  // an unknown date or size is in no bin
  }
  const double value = Xapian::sortable_unserialise(raw);
  if (c->property->source == Source::kDateSlot && c->thresholds.empty()) {
    ++c->years[YearOf(static_cast<UtcMillis>(value))];
    return;
  }
  const auto bin = std::upper_bound(c->thresholds.begin(), c->thresholds.end(), value);
  ++c->bins[static_cast<size_t>(bin - c->thresholds.begin())];
}

// Walks `slot`'s value stream over `ids` (ascending), calling `fn(index in ids, value)` for
// each; a document without the value gets an empty one.
template <typename Fn>
void ForEachValue(const Xapian::Database& db, Xapian::valueno slot,
                  const std::vector<Xapian::docid>& ids, Fn&& fn) {
  static const std::string kNone;
  Xapian::ValueIterator it = db.valuestream_begin(slot);
  const Xapian::ValueIterator end = db.valuestream_end(slot);
  for (size_t i = 0; i < ids.size(); ++i) {
    if (it != end && it.get_docid() < ids[i]) {
      it.skip_to(ids[i]);
    }
    if (it != end && it.get_docid() == ids[i]) {
      fn(i, *it);
    } else {
      fn(i, kNone);
    }
  }
}

// Whether `term` (under property.prefix) is one of the property's values: a value starting
// with a capital belongs to a longer prefix (see SearchIndex), and an address property counts
// whole addresses only.
bool IsValueTerm(const Refinable& property, const std::string& term) {
  const size_t prefix = property.prefix.size();
  if (term.size() <= prefix || std::isupper(static_cast<unsigned char>(term[prefix])) != 0) {
    return false;
  }
  return !property.addresses_only || term.find('@', prefix) != std::string::npos;
}

// A value read from the packed refiner slot costs about as much as 16 steps along a posting
// list (measured on a 100,000-item index: ~2.3 us against ~0.11 us per skip_to).
constexpr size_t kPostingStepsPerValueRead = 16;

// The value terms of `c`'s prefix that the packed slot would hold (see SearchIndex: a value
// starting with a capital belongs to a longer prefix), with the cost of intersecting their
// posting lists with `n` matches in *cost, or nullopt when that is more than `budget` steps.
std::optional<std::vector<std::string>> CheapValueTerms(const Xapian::Database& db,
                                                        const Counter& c, size_t n, size_t budget,
                                                        size_t* cost) {
  const std::string prefix(c.property->prefix);
  std::vector<std::string> terms;
  *cost = 0;
  for (auto it = db.allterms_begin(prefix); it != db.allterms_end(prefix); ++it) {
    const std::string term = *it;
    if (!IsValueTerm(*c.property, term)) {
      continue;
    }
    *cost += std::min<size_t>(n, it.get_termfreq());
    if (*cost > budget) {
      return std::nullopt;
    }
    terms.push_back(term);
  }
  return terms;
}

// Counts `terms` for `c` over `chosen` (ascending docids, each with its place in the visiting
// order) by walking each term's posting list alongside the matches.
void CountByPostings(const Xapian::Database& db, const std::vector<std::string>& terms,
                     const std::vector<std::pair<Xapian::docid, uint32_t>>& chosen, Counter* c) {
  const size_t prefix_size = c->property->prefix.size();
  for (const std::string& term : terms) {
    uint64_t count = 0;
    Xapian::PostingIterator p = db.postlist_begin(term);
    const Xapian::PostingIterator end = db.postlist_end(term);
    for (const auto& [id, place] : chosen) {
      if (p == end) {
        break;
      }
      if (*p < id) {
        p.skip_to(id);
        if (p == end) {
          break;
        }
      }
      if (*p == id && place < c->deep_hits) {
        ++count;
      }
    }
    if (count > 0) {
      c->values[term.substr(prefix_size)] += count;
    }
  }
}

// One term property's values per document, in compressed sparse rows: the value indices of
// docid d are ids[offsets[d] .. offsets[d + 1]).
struct Column {
  std::vector<std::string> values;  // value text (the term without its prefix)
  std::vector<uint32_t> offsets;    // lastdocid + 2 entries
  std::vector<uint32_t> ids;
};

// A column larger than this many (document, value) pairs is not built: the posting lists serve
// instead. 64 M pairs are 256 MB per session.
constexpr size_t kMaxColumnPairs = 64u << 20;

// The value terms of `property` (see CheapValueTerms), walked once into a Column; nullopt when
// it would be too large.
std::optional<Column> BuildColumn(const Xapian::Database& db, const Refinable& property) {
  const std::string prefix(property.prefix);
  Column column;
  std::vector<std::pair<Xapian::docid, uint32_t>> pairs;
  for (auto it = db.allterms_begin(prefix); it != db.allterms_end(prefix); ++it) {
    const std::string term = *it;
    if (!IsValueTerm(property, term)) {
      continue;
    }
    if (pairs.size() + it.get_termfreq() > kMaxColumnPairs) {
      return std::nullopt;
    }
    const auto index = static_cast<uint32_t>(column.values.size());
    column.values.push_back(term.substr(prefix.size()));
    for (auto p = db.postlist_begin(term); p != db.postlist_end(term); ++p) {
      pairs.emplace_back(*p, index);
    }
  }
  const Xapian::docid last = db.get_lastdocid();
  column.offsets.assign(static_cast<size_t>(last) + 2, 0);
  for (const auto& [docid, index] : pairs) {
    ++column.offsets[docid + 1];
  }
  for (size_t d = 1; d < column.offsets.size(); ++d) {
    column.offsets[d] += column.offsets[d - 1];
  }
  column.ids.resize(pairs.size());
  std::vector<uint32_t> next(column.offsets.begin(), column.offsets.end() - 1);
  for (const auto& [docid, index] : pairs) {
    column.ids[next[docid]++] = index;
  }
  return column;
}

// Counts `c` over the chosen matches from its column.
void CountByColumn(const Column& column,
                   const std::vector<std::pair<Xapian::docid, uint32_t>>& chosen, Counter* c) {
  std::vector<uint64_t> counts(column.values.size(), 0);
  const size_t documents = column.offsets.size() - 1;
  for (const auto& [id, place] : chosen) {
    if (place >= c->deep_hits || id >= documents) {
      continue;
    }
    for (uint32_t k = column.offsets[id]; k < column.offsets[id + 1]; ++k) {
      ++counts[column.ids[k]];
    }
  }
  for (size_t v = 0; v < counts.size(); ++v) {
    if (counts[v] > 0) {
      c->values[column.values[v]] += counts[v];
    }
  }
  c->counted = true;
}

}  // namespace

struct RefinerColumns::Impl {
  // By (prefix, addresses only); nullopt: too large to build, counted from posting lists.
  std::map<std::pair<std::string, bool>, std::optional<Column>> columns;

  const Column* Get(const Xapian::Database& db, const Refinable& property) {
    const auto key = std::make_pair(std::string(property.prefix), property.addresses_only);
    auto it = columns.find(key);
    if (it == columns.end()) {
      it = columns.emplace(key, BuildColumn(db, property)).first;
    }
    return it->second ? &*it->second : nullptr;
  }
};

RefinerColumns::RefinerColumns() : impl_(std::make_unique<Impl>()) {}
RefinerColumns::~RefinerColumns() = default;
void RefinerColumns::Clear() { impl_->columns.clear(); }

size_t RefinerColumns::bytes() const {
  size_t total = 0;
  for (const auto& [key, column] : impl_->columns) {
    if (column) {
      total += column->offsets.size() * sizeof(uint32_t) + column->ids.size() * sizeof(uint32_t);
      for (const std::string& value : column->values) {
        total += value.size();
      }
    }
  }
  return total;
}

namespace {

// The counting for RefinerCounter::Count over `ids` (every match, ascending). Slot refiners
// count every match. Term refiners count the first deep_hits matches in the order the matcher
// visits them, which in a sharded database is shard by shard (docid d is in shard
// (d - 1) % shards), each from the packed refiner value (schema::kSlotRefinerTerms) or, for
// documents indexed before that value existed, from the term list.
void CountRefiners(const Xapian::Database& db, const std::vector<Xapian::docid>& ids,
                   std::vector<Counter>* counters, RefinerColumns::Impl* columns) {
  uint32_t term_limit = 0;
  for (Counter& c : *counters) {
    if (c.property->source != Source::kTerm) {
      ForEachValue(db, c.property->slot, ids,
                   [&](size_t, const std::string& raw) { CountSlotValue(raw, &c); });
    } else {
      term_limit = std::max(term_limit, c.deep_hits);
    }
  }
  if (term_limit == 0) {
    return;
  }
  // The first term_limit matches in visiting order, then back in docid order for the walk,
  // each with its place in the visiting order (compared with each refiner's deep_hits).
  const Xapian::docid shards = std::max<Xapian::docid>(1, static_cast<Xapian::docid>(db.size()));
  std::vector<std::pair<Xapian::docid, uint32_t>> chosen;  // (docid, place)
  chosen.reserve(std::min<size_t>(ids.size(), term_limit));
  {
    std::vector<Xapian::docid> visiting = ids;
    if (shards > 1) {
      std::stable_sort(visiting.begin(), visiting.end(),
                       [shards](Xapian::docid a, Xapian::docid b) {
                         return (a - 1) % shards < (b - 1) % shards;
                       });
    }
    for (size_t i = 0; i < visiting.size() && i < term_limit; ++i) {
      chosen.emplace_back(visiting[i], static_cast<uint32_t>(i));
    }
    std::sort(chosen.begin(), chosen.end());
  }
  std::vector<Xapian::docid> term_ids;
  term_ids.reserve(chosen.size());
  for (const auto& [id, place] : chosen) {
    term_ids.push_back(id);
  }
  if (columns != nullptr) {
    for (Counter& c : *counters) {
      if (c.property->source != Source::kTerm) {
        continue;
      }
      if (const Column* column = columns->Get(db, *c.property)) {
        CountByColumn(*column, chosen, &c);
      }
    }
  }
  // Without columns, refiners of a property with few values (Kind, DetectedLanguage, Custodian)
  // count cheaper from the values' posting lists than from each match's packed value. The counts
  // are the same: the packed value repeats the terms. Cheapest first, while the total stays below
  // one pass over the packed values; the rest share that pass.
  const size_t value_pass = term_ids.size() * kPostingStepsPerValueRead;
  {
    std::vector<std::tuple<size_t, Counter*, std::vector<std::string>>> cheap;
    for (Counter& c : *counters) {
      if (c.property->source != Source::kTerm || c.counted) {
        continue;
      }
      size_t cost = 0;
      if (std::optional<std::vector<std::string>> terms =
              CheapValueTerms(db, c, term_ids.size(), value_pass, &cost)) {
        cheap.emplace_back(cost, &c, std::move(*terms));
      }
    }
    std::stable_sort(cheap.begin(), cheap.end(),
                     [](const auto& a, const auto& b) { return std::get<0>(a) < std::get<0>(b); });
    size_t spent = 0;
    for (auto& [cost, c, terms] : cheap) {
      if (spent + cost > value_pass) {
        break;
      }
      spent += cost;
      CountByPostings(db, terms, chosen, c);
      c->counted = true;
    }
  }
  bool any_left = false;
  for (const Counter& c : *counters) {
    any_left = any_left || (c.property->source == Source::kTerm && !c.counted);
  }
  if (!any_left) {
    return;
  }
  std::vector<Counter*> wanted;
  ForEachValue(db, schema::kSlotRefinerTerms, term_ids, [&](size_t i, const std::string& packed) {
    wanted.clear();
    for (Counter& c : *counters) {
      if (c.property->source == Source::kTerm && !c.counted && chosen[i].second < c.deep_hits) {
        wanted.push_back(&c);
      }
    }
    if (wanted.empty()) {
      return;
    }
    if (!packed.empty()) {
      for (size_t begin = 0; begin < packed.size();) {
        size_t end = packed.find('\x1f', begin);
        if (end == std::string::npos) {
          end = packed.size();
        }
        const std::string_view term(packed.data() + begin, end - begin);
        for (Counter* c : wanted) {
          CountTerm(c, term);
        }
        begin = end + 1;
      }
      return;
    }
    // Read the term list once, each refiner skipping forward to its prefix in
    // prefix order.
    std::sort(wanted.begin(), wanted.end(), [](const Counter* a, const Counter* b) {
      return a->property->prefix < b->property->prefix;
    });
    Xapian::TermIterator it = db.termlist_begin(term_ids[i]);
    const Xapian::TermIterator end = db.termlist_end(term_ids[i]);
    for (Counter* c : wanted) {
      const std::string prefix(c->property->prefix);
      if (it != end && *it < prefix) {
        it.skip_to(prefix);  // forward only: the refiners come in prefix order
      }
      for (; it != end; ++it) {
        const std::string term = *it;
        if (!term.starts_with(prefix)) {
          break;
        }
        CountTerm(c, term);
      }
    }
  });
}

}  // namespace

struct RefinerCounter::Impl {
  std::vector<Counter> counters;
};

RefinerCounter::RefinerCounter(const std::vector<RefinerSpec>& specs)
    : impl_(std::make_unique<Impl>()) {
  for (const RefinerSpec& spec : specs) {
    Counter c;
    c.spec = spec;
    c.property = FindRefinable(spec.name);
    if (c.property == nullptr) {
      continue;  // ParseRefinerList refuses these; a direct caller gets no entries
    }
    if (spec.deep_hits != 0) {
      c.deep_hits = std::min(spec.deep_hits, kRefinerDeepHits);
    }
    for (const std::string& t : spec.thresholds) {
      Result<double> bound = ParseBound(*c.property, t);
      if (bound.ok()) {
        c.thresholds.push_back(*bound);
      }
    }
    if (c.thresholds.empty() && c.property->source == Source::kNumberSlot) {
      c.thresholds = DefaultSizeThresholds();
    }
    std::sort(c.thresholds.begin(), c.thresholds.end());
    c.bins.assign(c.thresholds.size() + 1, 0);
    impl_->counters.push_back(std::move(c));
  }
}

RefinerCounter::~RefinerCounter() = default;

static_assert(std::is_same_v<Xapian::docid, uint32_t>, "RefinerCounter::Count takes docids");

uint64_t CountDistinctValues(const Xapian::Database& db, uint32_t slot,
                             const std::vector<uint32_t>& matches) {
  std::unordered_set<std::string> values;
  uint64_t without = 0;
  ForEachValue(db, slot, matches, [&](size_t, const std::string& value) {
    if (value.empty()) {
      ++without;
    } else {
      values.insert(value);
    }
  });
  return values.size() + without;
}

void RefinerCounter::Count(const Xapian::Database& db, const std::vector<uint32_t>& matches,
                           RefinerColumns* columns) {
  if (!impl_->counters.empty()) {
    CountRefiners(db, matches, &impl_->counters, columns != nullptr ? columns->impl() : nullptr);
  }
}

std::vector<RefinerResult> RefinerCounter::Results() const {
  std::vector<RefinerResult> results;
  for (const Counter& c : impl_->counters) {
    RefinerResult result;
    result.name = c.spec.name;
    std::vector<RefinerEntry> entries;
    if (c.property->source == Source::kTerm) {
      for (const auto& [value, count] : c.values) {
        RefinerEntry entry;
        entry.count = count;
        entry.name = value;
        entry.value = value;
        entry.token = StringRefinementToken(value);
        entries.push_back(std::move(entry));
      }
      const bool descending = c.spec.sort_descending;
      if (c.spec.sort_by == "frequency") {
        // Ties by name so the order is stable from one request to the next.
        std::stable_sort(entries.begin(), entries.end(), [&](const auto& a, const auto& b) {
          return descending ? a.count > b.count : a.count < b.count;
        });
      } else if (c.spec.sort_by == "number") {
        std::stable_sort(entries.begin(), entries.end(), [&](const auto& a, const auto& b) {
          const double x = std::atof(a.name.c_str());
          const double y = std::atof(b.name.c_str());
          return descending ? x > y : x < y;
        });
      } else if (descending) {
        std::reverse(entries.begin(), entries.end());
      }
    } else if (c.property->source == Source::kDateSlot && c.thresholds.empty()) {
      // No discretize: one bin per calendar year (UTC), oldest first.
      for (const auto& [year, count] : c.years) {
        entries.push_back(RangeEntry(FormatIso8601(UtcFromCivil(year, 1, 1)),
                                     FormatIso8601(UtcFromCivil(year + 1, 1, 1)), count));
      }
    } else {
      for (size_t i = 0; i < c.bins.size(); ++i) {
        if (c.bins[i] == 0) {
          continue;
        }
        const std::string low = i == 0 ? "" : FormatBound(c, c.thresholds[i - 1]);
        const std::string high = i == c.thresholds.size() ? "" : FormatBound(c, c.thresholds[i]);
        entries.push_back(RangeEntry(low, high, c.bins[i]));
      }
    }
    for (RefinerEntry& entry : entries) {
      if (entry.count < c.spec.min_count ||
          (!c.spec.name_prefix.empty() && !entry.name.starts_with(c.spec.name_prefix))) {
        continue;
      }
      if (c.spec.max_entries != 0 && result.entries.size() >= c.spec.max_entries) {
        break;
      }
      result.entries.push_back(std::move(entry));
    }
    results.push_back(std::move(result));
  }
  return results;
}

}  // namespace docket
