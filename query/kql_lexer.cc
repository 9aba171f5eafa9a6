/** @file
 *  @brief KQL lexer: bytes in, tokens with offsets out.
 *
 *  Works on bytes: every special character of KQL is ASCII, and the few non-ASCII characters it
 *  cares about (smart quotes, LRM/RLM, NBSP, the ideographic space typed by CJK users) are
 *  matched as whole UTF-8 sequences, so a multi-byte character is never split.
 */
#include "query/kql_lexer.h"

#include <cctype>

#include "common/strings.h"

namespace docket {

Status KqlSyntaxError::ToStatus() const {
  return Status::InvalidArgument("position " + std::to_string(position) + ": " + message);
}

namespace {

bool StartsWith(std::string_view text, size_t pos, std::string_view what) {
  return text.substr(pos, what.size()) == what;
}

bool IsContinuationByte(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

// UTF-8 code points (bytes that do not continue a sequence); invalid bytes count as one each.
size_t CountChars(std::string_view text) {
  size_t n = 0;
  for (char c : text) {
    n += IsContinuationByte(c) ? 0 : 1;
  }
  return n;
}

class Lexer {
 public:
  Lexer(std::string_view text, const KqlLexOptions& options, std::vector<KqlToken>* tokens,
        KqlSyntaxError* error)
      : text_(text), options_(options), tokens_(tokens), error_(error) {}

  bool Run() {
    bool space = false;
    while (true) {
      size_t n = SpaceAt(pos_);
      if (n > 0) {
        pos_ += n;
        space = true;
        continue;
      }
      if (pos_ >= text_.size()) {
        Push(KqlTokenKind::kEnd, pos_, pos_, {}, space);
        return true;
      }
      if (!CheckAllowed(pos_)) {
        return false;
      }
      if (!LexOne(space)) {
        return false;
      }
      space = false;
    }
  }

 private:
  // Length of the white space character at `pos`, or 0.
  size_t SpaceAt(size_t pos) const {
    if (pos >= text_.size()) {
      return 0;
    }
    char c = text_[pos];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
      return 1;
    }
    if (StartsWith(text_, pos, "\xC2\xA0")) {  // U+00A0 NO-BREAK SPACE
      return 2;
    }
    if (StartsWith(text_, pos, "\xE3\x80\x80")) {  // U+3000 IDEOGRAPHIC SPACE
      return 3;
    }
    return 0;
  }

  // Length of the quotation mark at `pos`, or 0. Smart quotes are normalised to '"'
  // (sharepoint-search.md §2.1: normalise or reject consistently; we normalise).
  size_t QuoteAt(size_t pos) const {
    if (pos >= text_.size()) {
      return 0;
    }
    if (text_[pos] == '"') {
      return 1;
    }
    for (std::string_view q : {"\xE2\x80\x9C", "\xE2\x80\x9D", "\xE2\x80\x9E"}) {  // “ ” „
      if (StartsWith(text_, pos, q)) {
        return 3;
      }
    }
    return 0;
  }

  // Control characters and the invisible direction marks are rejected, as eDiscovery tools do.
  bool CheckAllowed(size_t pos) {
    auto c = static_cast<unsigned char>(text_[pos]);
    if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7F) {
      return Fail(pos, "control character " + Hex(c) + " is not allowed");
    }
    if (StartsWith(text_, pos, "\xE2\x80\x8E") || StartsWith(text_, pos, "\xE2\x80\x8F")) {
      return Fail(pos, "invisible direction mark (LRM/RLM) is not allowed");
    }
    return true;
  }

  static std::string Hex(unsigned char c) {
    static constexpr char kDigits[] = "0123456789ABCDEF";
    std::string out = "0x";
    out.push_back(kDigits[c >> 4]);
    out.push_back(kDigits[c & 0xF]);
    return out;
  }

  bool Fail(size_t pos, std::string message) {
    error_->position = pos;
    error_->message = std::move(message);
    return false;
  }

  KqlToken& Push(KqlTokenKind kind, size_t begin, size_t end, std::string text, bool space) {
    KqlToken token;
    token.kind = kind;
    token.begin = begin;
    token.end = end;
    token.text = std::move(text);
    token.space_before = space;
    tokens_->push_back(std::move(token));
    return tokens_->back();
  }

  // True when the character at `pos` ends a word: white space, a parenthesis, a quote, the end.
  bool EndsWord(size_t pos) const {
    return pos >= text_.size() || SpaceAt(pos) > 0 || QuoteAt(pos) > 0 || text_[pos] == '(' ||
           text_[pos] == ')';
  }

  bool LexOne(bool space) {
    char c = text_[pos_];
    if (c == '(' || c == ')') {
      Push(c == '(' ? KqlTokenKind::kLParen : KqlTokenKind::kRParen, pos_, pos_ + 1, {}, space);
      ++pos_;
      return true;
    }
    if (QuoteAt(pos_) > 0) {
      return LexPhrase(space, /*is_value=*/false);
    }
    // '+'/'-' are operators only when they touch their operand (§2.5); a lone one is a word
    // here, and the parser joins "a + b" into the phrase Exchange reads it as.
    if ((c == '+' || c == '-') && pos_ + 1 < text_.size() && SpaceAt(pos_ + 1) == 0 &&
        text_[pos_ + 1] != ')') {
      Push(c == '+' ? KqlTokenKind::kPlus : KqlTokenKind::kMinus, pos_, pos_ + 1, {}, space);
      ++pos_;
      return true;
    }
    return LexWordOrProperty(space);
  }

  bool LexPhrase(bool space, bool is_value) {
    size_t begin = pos_;
    size_t content = pos_ + QuoteAt(pos_);
    size_t close = content;
    while (close < text_.size() && QuoteAt(close) == 0) {
      if (!CheckAllowed(close)) {
        return false;
      }
      ++close;
    }
    if (close >= text_.size()) {
      return Fail(begin, "unbalanced quotation mark");
    }
    std::string body(text_.substr(content, close - content));
    pos_ = close + QuoteAt(close);
    bool prefix = false;
    // Prefix matching works on the last word of a phrase: "Advanced Sear*" and "x"* (§2.2).
    while (!body.empty() && body.back() == '*') {
      body.pop_back();
      prefix = true;
    }
    while (pos_ < text_.size() && text_[pos_] == '*') {
      ++pos_;
      prefix = true;
    }
    KqlToken& token = Push(KqlTokenKind::kPhrase, begin, pos_, std::move(body), space);
    token.prefix = prefix;
    token.is_value = is_value;
    return true;
  }

  // Scans a word from pos_ to the next white space, parenthesis or quote.
  bool ScanWord(size_t* end) {
    size_t p = pos_;
    while (!EndsWord(p)) {
      if (!CheckAllowed(p)) {
        return false;
      }
      ++p;
    }
    *end = p;
    return true;
  }

  // Length of the property operator at `pos` and its meaning, or 0.
  size_t OpAt(size_t pos, KqlOp* op) const {
    static constexpr struct {
      std::string_view spelling;
      KqlOp op;
    } kOps[] = {{"<>", KqlOp::kNotEqual}, {"<=", KqlOp::kLessEqual}, {">=", KqlOp::kGreaterEqual},
                {":", KqlOp::kContains},  {"=", KqlOp::kEquals},     {"<", KqlOp::kLess},
                {">", KqlOp::kGreater}};
    for (const auto& candidate : kOps) {
      if (StartsWith(text_, pos, candidate.spelling)) {
        *op = candidate.op;
        return candidate.spelling.size();
      }
    }
    return 0;
  }

  bool LexWordOrProperty(bool space) {
    size_t begin = pos_;
    // propname = letter { letter | digit | "_" }, followed directly by an operator.
    size_t name_end = pos_;
    if (std::isalpha(static_cast<unsigned char>(text_[name_end])) != 0) {
      while (name_end < text_.size() &&
             (std::isalnum(static_cast<unsigned char>(text_[name_end])) != 0 ||
              text_[name_end] == '_')) {
        ++name_end;
      }
      KqlOp op = KqlOp::kContains;
      size_t op_len = OpAt(name_end, &op);
      if (op_len > 0) {
        return LexProperty(space, begin, name_end, op, name_end + op_len);
      }
    }
    size_t end = 0;
    if (!ScanWord(&end)) {
      return false;
    }
    std::string word(text_.substr(begin, end - begin));
    pos_ = end;
    KqlTokenKind kind = KqlTokenKind::kWord;
    // Operators are upper case and whole words only: "and" and "ANDROID" are terms (§2.1).
    if (word == "AND") {
      kind = KqlTokenKind::kAnd;
    } else if (word == "OR") {
      kind = KqlTokenKind::kOr;
    } else if (word == "NOT") {
      kind = KqlTokenKind::kNot;
    } else if (word == "NEAR") {
      kind = KqlTokenKind::kNear;
    } else if (word == "ONEAR") {
      kind = KqlTokenKind::kOnear;
    } else if (word == "XRANK") {
      kind = KqlTokenKind::kXrank;
    } else if ((word == "WORDS" || word == "ALL" || word == "ANY" || word == "NONE") &&
               pos_ < text_.size() && text_[pos_] == '(') {
      kind = KqlTokenKind::kFunction;
    }
    bool prefix = false;
    if (kind == KqlTokenKind::kWord) {
      while (!word.empty() && word.back() == '*') {
        word.pop_back();
        prefix = true;
      }
    }
    // NEAR(n=3), ONEAR(3), XRANK(cb=100, nb=0.5): the parameters touch the keyword (§2.8).
    std::string params;
    size_t params_begin = 0;
    const bool has_params = (kind == KqlTokenKind::kNear || kind == KqlTokenKind::kOnear ||
                             kind == KqlTokenKind::kXrank) &&
                            pos_ < text_.size() && text_[pos_] == '(';
    if (has_params) {
      params_begin = pos_ + 1;
      size_t close = params_begin;
      while (close < text_.size() && text_[close] != ')') {
        if (text_[close] == '(' || QuoteAt(close) > 0) {
          return Fail(close, "the parameters of " + word + "(...) are numbers, like " + word +
                                 (kind == KqlTokenKind::kXrank ? "(cb=100)" : "(n=3)"));
        }
        if (!CheckAllowed(close)) {
          return false;
        }
        ++close;
      }
      if (close >= text_.size()) {
        return Fail(pos_, "unbalanced parenthesis after " + word);
      }
      params = std::string(text_.substr(params_begin, close - params_begin));
      pos_ = close + 1;
      end = pos_;
    }
    KqlToken& token = Push(kind, begin, end, std::move(word), space);
    token.prefix = prefix;
    token.has_params = has_params;
    token.params = std::move(params);
    token.params_begin = params_begin;
    return true;
  }

  // A restriction's value longer than options_.max_value_chars is an error (§2.1).
  bool CheckValueLength(size_t begin, std::string_view value) {
    if (CountChars(value) > options_.max_value_chars) {
      return Fail(begin, "the value of a property restriction is longer than " +
                             std::to_string(options_.max_value_chars) + " characters");
    }
    return true;
  }

  bool LexProperty(bool space, size_t begin, size_t name_end, KqlOp op, size_t value_begin) {
    std::string_view name = text_.substr(begin, name_end - begin);
    // White space after the operator turns the restriction into free text (§2.3):
    // `author: "John Smith"` is the term `author` and a phrase. With nothing after it at all
    // it is a property with no value.
    size_t p = value_begin;
    bool spaced = false;
    while (size_t n = SpaceAt(p)) {
      p += n;
      spaced = true;
    }
    if (p >= text_.size() || text_[p] == ')') {
      return Fail(value_begin, "property '" + std::string(name) + "' has no value");
    }
    if (spaced) {
      Push(KqlTokenKind::kWord, begin, name_end, std::string(name), space);
      pos_ = value_begin;
      return true;
    }
    KqlToken& prop = Push(KqlTokenKind::kProperty, begin, value_begin, AsciiLower(name), space);
    prop.op = op;
    pos_ = value_begin;
    if (QuoteAt(pos_) > 0) {
      return LexPhrase(/*space=*/false, /*is_value=*/true) &&
             CheckValueLength(value_begin, tokens_->back().text);
    }
    if (text_[pos_] == '(') {
      Push(KqlTokenKind::kLParen, pos_, pos_ + 1, {}, false).is_value = true;
      ++pos_;
      return true;
    }
    size_t end = 0;
    if (!ScanWord(&end)) {
      return false;
    }
    std::string value(text_.substr(pos_, end - pos_));
    bool prefix = false;
    while (!value.empty() && value.back() == '*') {
      value.pop_back();
      prefix = true;
    }
    KqlToken& token = Push(KqlTokenKind::kWord, pos_, end, std::move(value), false);
    token.prefix = prefix;
    token.is_value = true;
    pos_ = end;
    return CheckValueLength(value_begin, token.text);
  }

  std::string_view text_;
  const KqlLexOptions& options_;
  std::vector<KqlToken>* tokens_;
  KqlSyntaxError* error_;
  size_t pos_ = 0;
};

}  // namespace

bool LexKql(std::string_view text, const KqlLexOptions& options, std::vector<KqlToken>* tokens,
            KqlSyntaxError* error) {
  tokens->clear();
  size_t chars = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    if (!IsContinuationByte(text[i]) && ++chars > options.max_query_chars) {
      error->position = i;
      error->message = "the query is longer than " + std::to_string(options.max_query_chars) +
                       " characters; split it into several searches";
      return false;
    }
  }
  return Lexer(text, options, tokens, error).Run();
}

}  // namespace docket
