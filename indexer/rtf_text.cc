/** @file
 *  @brief RTF reader: one pass over the bytes with a stack of group states; characters are
 *         routed to the body, the \info title or author, or dropped, and code-page bytes are
 *         collected in runs and decoded by charset_converter.
 */
#include "indexer/rtf_text.h"

#include <algorithm>
#include <array>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "common/strings.h"
#include "indexer/charset_converter.h"

namespace docket {
namespace {

// Deeper groups are skipped: real documents stay far below this, and the state stack is the
// only memory that grows with nesting.
constexpr size_t kMaxGroupDepth = 512;
// A \ucN larger than this is treated as this: no writer needs more bytes per fallback.
constexpr int kMaxFallbackChars = 16;
// Words longer than this are not RTF control words (the spec caps them at 32 letters).
constexpr size_t kMaxControlWord = 32;
// Distinct warnings kept per document; a damaged file should not produce thousands.
constexpr size_t kMaxWarnings = 20;

enum class Sink { kNone, kText, kTitle, kAuthor };

struct GroupState {
  Sink sink = Sink::kText;
  bool in_font_table = false;
  int fallback_chars = 1;  // \ucN
  int font = -1;           // \fN; -1 means the document's default font
  bool in_info = false;    // inside \info, where \title and \author are metadata
};

// Destinations whose content is not text a reader sees (RTF 1.9.1 and the writers we know).
bool IsSkippedDestination(std::string_view word) {
  static const std::set<std::string_view> kSkipped = {"colortbl",
                                                      "stylesheet",
                                                      "pict",
                                                      "object",
                                                      "objdata",
                                                      "themedata",
                                                      "datastore",
                                                      "latentstyles",
                                                      "listtable",
                                                      "listoverridetable",
                                                      "rsidtbl",
                                                      "generator",
                                                      "xmlnstbl",
                                                      "mmathPr",
                                                      "fldinst",
                                                      "filetbl",
                                                      "revtbl",
                                                      "bkmkstart",
                                                      "bkmkend",
                                                      "private",
                                                      "pgdsctbl",
                                                      "sn",
                                                      "sv",
                                                      "nonshppict",
                                                      "colorschememapping",
                                                      "fchars",
                                                      "lchars",
                                                      "wgrffmtfilter",
                                                      "template",
                                                      "userprops",
                                                      "xe",
                                                      "tc",
                                                      "atnid",
                                                      "atnauthor",
                                                      "annotation",
                                                      "blipuid",
                                                      "passwordhash"};
  return kSkipped.contains(word);
}

// \fcharsetN -> Windows code page; 0 means "the document's \ansicpg".
int CodePageOfCharset(int charset) {
  switch (charset) {
    case 77:
      return 10000;
    case 128:
      return 932;
    case 129:
      return 949;
    case 130:
      return 1361;
    case 134:
      return 936;
    case 136:
      return 950;
    case 161:
      return 1253;
    case 162:
      return 1254;
    case 163:
      return 1258;
    case 177:
      return 1255;
    case 178:
      return 1256;
    case 186:
      return 1257;
    case 204:
      return 1251;
    case 222:
      return 874;
    case 238:
      return 1250;
    case 254:
      return 437;
    case 255:
      return 850;
    default:
      return 0;  // ANSI, default, symbol and unknown charsets use the document code page
  }
}

std::string CodePageLabel(int code_page) {
  switch (code_page) {
    case 65001:
      return "UTF-8";
    case 10000:
      return "macintosh";
    case 437:
      return "cp437";
    case 850:
      return "cp850";
    case 20127:
      return "US-ASCII";
    case 28591:
      return "ISO-8859-1";
    default:
      return "windows-" + std::to_string(code_page);
  }
}

void AppendUtf8(std::string* out, char32_t c) {
  if (c < 0x80) {
    *out += static_cast<char>(c);
  } else if (c < 0x800) {
    *out += static_cast<char>(0xC0 | (c >> 6));
    *out += static_cast<char>(0x80 | (c & 0x3F));
  } else if (c < 0x10000) {
    *out += static_cast<char>(0xE0 | (c >> 12));
    *out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    *out += static_cast<char>(0x80 | (c & 0x3F));
  } else {
    *out += static_cast<char>(0xF0 | (c >> 18));
    *out += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
    *out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    *out += static_cast<char>(0x80 | (c & 0x3F));
  }
}

bool IsAsciiLetter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

int HexValue(char c) {
  if (IsDigit(c)) {
    return c - '0';
  }
  if (c >= 'a' && c <= 'f') {
    return c - 'a' + 10;
  }
  if (c >= 'A' && c <= 'F') {
    return c - 'A' + 10;
  }
  return -1;
}

std::string TrimmedCopy(std::string_view s) { return std::string(TrimWhitespace(s)); }

class RtfReader {
 public:
  explicit RtfReader(std::string_view rtf) : in_(rtf) {}

  DocumentText Run() {
    while (pos_ < in_.size() && !finished_) {
      if (deep_skip_ > 0) {
        SkipDeepGroupByte();
        continue;
      }
      const char c = in_[pos_];
      if (c == '{') {
        ++pos_;
        OpenGroup();
      } else if (c == '}') {
        ++pos_;
        CloseGroup();
      } else if (c == '\\') {
        ControlSequence();
      } else if (c == '\r' || c == '\n' || c == '\0') {
        ++pos_;  // line breaks in RTF source are not text
      } else {
        ++pos_;
        if (!ConsumeFallback()) {
          TextByte(static_cast<unsigned char>(c));
        }
      }
    }
    Flush();
    FlushSurrogate();
    if (finished_ && TrimWhitespace(in_.substr(pos_)).size() > 0) {
      Warn("text after the end of the RTF document (byte offset " + std::to_string(pos_) +
           ") was ignored");
    }
    if (!finished_) {
      const size_t open = stack_.size() + deep_skip_;
      Warn("the RTF ends inside " + std::to_string(open) + " open group" + (open == 1 ? "" : "s") +
           "; the input looks cut off");
    }
    if (unbalanced_closes_ > 0) {
      Warn(std::to_string(unbalanced_closes_) + " unbalanced '}' ignored (first at byte offset " +
           std::to_string(first_unbalanced_close_) + ")");
    }
    DocumentText out;
    out.text = TrimmedCopy(text_);
    out.title = TrimmedCopy(title_);
    out.author = TrimmedCopy(author_);
    out.warnings = std::move(warnings_);
    return out;
  }

 private:
  void Warn(std::string warning) {
    if (warnings_.size() < kMaxWarnings &&
        std::find(warnings_.begin(), warnings_.end(), warning) == warnings_.end()) {
      warnings_.push_back(std::move(warning));
    }
  }

  // Inside a group past kMaxGroupDepth: only braces (and escaped braces) matter.
  void SkipDeepGroupByte() {
    const char c = in_[pos_++];
    if (c == '\\') {
      ++pos_;  // \{ \} \\ must not count as braces
    } else if (c == '{') {
      ++deep_skip_;
    } else if (c == '}') {
      --deep_skip_;
    }
  }

  void OpenGroup() {
    Flush();
    FlushSurrogate();
    pending_fallback_ = 0;
    if (stack_.size() >= kMaxGroupDepth) {
      Warn("groups nested deeper than " + std::to_string(kMaxGroupDepth) + " levels were skipped");
      deep_skip_ = 1;
      return;
    }
    stack_.push_back(state_);
    started_ = true;
  }

  void CloseGroup() {
    Flush();
    FlushSurrogate();
    pending_fallback_ = 0;
    if (stack_.empty()) {
      if (unbalanced_closes_++ == 0) {
        first_unbalanced_close_ = pos_ - 1;
      }
      return;
    }
    state_ = stack_.back();
    stack_.pop_back();
    if (stack_.empty() && started_) {
      finished_ = true;  // the root group closed: the document is over
    }
  }

  // After \uN the next \ucN characters are the fallback for readers without Unicode.
  bool ConsumeFallback() {
    if (pending_fallback_ > 0) {
      --pending_fallback_;
      return true;
    }
    return false;
  }

  int CurrentCodePage() const {
    const int font = state_.font >= 0 ? state_.font : default_font_;
    auto it = font_code_pages_.find(font);
    if (it != font_code_pages_.end() && it->second != 0) {
      return it->second;
    }
    return document_code_page_;
  }

  void TextByte(unsigned char byte) {
    if (state_.sink == Sink::kNone) {
      return;
    }
    const int code_page = CurrentCodePage();
    if (!pending_bytes_.empty() &&
        (pending_sink_ != state_.sink || pending_code_page_ != code_page)) {
      Flush();
    }
    if (pending_bytes_.empty() && byte < 0x80) {
      FlushSurrogate();
      Target(state_.sink)->push_back(static_cast<char>(byte));
      return;
    }
    FlushSurrogate();
    pending_sink_ = state_.sink;
    pending_code_page_ = code_page;
    pending_bytes_.push_back(static_cast<char>(byte));
  }

  void Emit(char32_t c) {
    if (state_.sink == Sink::kNone) {
      return;
    }
    Flush();
    FlushSurrogate();
    AppendUtf8(Target(state_.sink), c);
  }

  void EmitUtf16Unit(char16_t unit) {
    if (state_.sink == Sink::kNone) {
      return;
    }
    Flush();
    if (unit >= 0xD800 && unit <= 0xDBFF) {
      FlushSurrogate();
      high_surrogate_ = unit;
      surrogate_sink_ = state_.sink;
      return;
    }
    if (unit >= 0xDC00 && unit <= 0xDFFF) {
      if (high_surrogate_ != 0 && surrogate_sink_ == state_.sink) {
        const char32_t c = 0x10000 + ((static_cast<char32_t>(high_surrogate_) - 0xD800) << 10) +
                           (static_cast<char32_t>(unit) - 0xDC00);
        high_surrogate_ = 0;
        AppendUtf8(Target(state_.sink), c);
        return;
      }
      FlushSurrogate();
      AppendUtf8(Target(state_.sink), U'\uFFFD');
      return;
    }
    FlushSurrogate();
    AppendUtf8(Target(state_.sink), unit);
  }

  // A high surrogate with no low one after it is not a character.
  void FlushSurrogate() {
    if (high_surrogate_ != 0) {
      high_surrogate_ = 0;
      AppendUtf8(Target(surrogate_sink_), U'\uFFFD');
    }
  }

  void Flush() {
    if (pending_bytes_.empty()) {
      return;
    }
    const std::string label = CodePageLabel(pending_code_page_);
    Result<DecodedText> decoded = ConvertToUtf8(pending_bytes_, label);
    if (decoded.has_value()) {
      *Target(pending_sink_) += decoded->utf8;
      if (!decoded->warning.empty()) {
        Warn("code page " + std::to_string(pending_code_page_) + ": " + decoded->warning);
      }
    } else {
      Warn("code page " + std::to_string(pending_code_page_) +
           " bytes could not be decoded: " + decoded.error().message());
    }
    pending_bytes_.clear();
  }

  std::string* Target(Sink sink) {
    switch (sink) {
      case Sink::kTitle:
        return &title_;
      case Sink::kAuthor:
        return &author_;
      default:
        return &text_;
    }
  }

  void ControlSequence() {
    const size_t start = pos_;
    ++pos_;  // the backslash
    if (pos_ >= in_.size()) {
      Warn("the RTF ends with a lone backslash");
      return;
    }
    const char c = in_[pos_];
    if (IsAsciiLetter(c)) {
      ControlWord();
      return;
    }
    ++pos_;
    if (c == '\'') {
      if (pos_ + 2 > in_.size() || HexValue(in_[pos_]) < 0 || HexValue(in_[pos_ + 1]) < 0) {
        Warn("\\' at byte offset " + std::to_string(start) + " is not followed by two hex digits");
        if (pos_ < in_.size() && HexValue(in_[pos_]) >= 0) {
          ++pos_;  // the one hex digit there is part of the broken escape, not text
        }
        return;
      }
      const int byte = HexValue(in_[pos_]) * 16 + HexValue(in_[pos_ + 1]);
      pos_ += 2;
      if (!ConsumeFallback()) {
        TextByte(static_cast<unsigned char>(byte));
      }
      return;
    }
    if (ConsumeFallback()) {
      return;
    }
    switch (c) {
      case '\\':
      case '{':
      case '}':
        TextByte(static_cast<unsigned char>(c));
        break;
      case '~':
        Emit(U'\u00A0');
        break;
      case '_':
        Emit(U'\u2011');
        break;
      case '*':
        state_.sink = Sink::kNone;  // an ignorable destination we do not know: skip its group
        break;
      case '\r':
      case '\n':
        Emit(U'\n');  // "\<newline>" is \par
        break;
      default:
        break;  // \- optional hyphen, \| \: formula and index marks
    }
  }

  void ControlWord() {
    const size_t word_start = pos_;
    while (pos_ < in_.size() && IsAsciiLetter(in_[pos_])) {
      ++pos_;
    }
    const std::string_view word =
        in_.substr(word_start, std::min(pos_ - word_start, kMaxControlWord));
    bool has_param = false;
    bool negative = false;
    int64_t param = 0;
    if (pos_ < in_.size() && in_[pos_] == '-' && pos_ + 1 < in_.size() && IsDigit(in_[pos_ + 1])) {
      negative = true;
      ++pos_;
    }
    while (pos_ < in_.size() && IsDigit(in_[pos_])) {
      has_param = true;
      if (param < 1'000'000'000) {  // writers use 16-bit values; clamp rather than overflow
        param = param * 10 + (in_[pos_] - '0');
      }
      ++pos_;
    }
    if (negative) {
      param = -param;
    }
    if (pos_ < in_.size() && in_[pos_] == ' ') {
      ++pos_;  // the delimiter space belongs to the control word
    }
    if (word == "bin") {
      SkipBinary(has_param ? param : 0);
      return;
    }
    if (ConsumeFallback()) {
      return;
    }
    HandleWord(word, has_param, static_cast<int>(param));
  }

  void SkipBinary(int64_t length) {
    if (length < 0) {
      length = 0;
    }
    const size_t remaining = in_.size() - pos_;
    if (static_cast<uint64_t>(length) > remaining) {
      Warn("\\bin at byte offset " + std::to_string(pos_) + " claims " + std::to_string(length) +
           " bytes but only " + std::to_string(remaining) + " remain");
      pos_ = in_.size();
      return;
    }
    pos_ += static_cast<size_t>(length);
    ConsumeFallback();  // binary data counts as one fallback character
  }

  void HandleWord(std::string_view word, bool has_param, int param) {
    if (state_.in_font_table) {
      if (word == "f" && has_param) {
        defining_font_ = param;
      } else if (word == "fcharset" && has_param && defining_font_ >= 0) {
        const int code_page = CodePageOfCharset(param);
        if (code_page != 0 || !font_code_pages_.contains(defining_font_)) {
          font_code_pages_[defining_font_] = code_page;
        }
      } else if (word == "cpg" && has_param && defining_font_ >= 0) {
        font_code_pages_[defining_font_] = param;
      }
      return;
    }
    if (word == "par" || word == "line" || word == "sect" || word == "page" || word == "row") {
      Emit(U'\n');
    } else if (word == "tab" || word == "cell" || word == "nestcell") {
      Emit(U'\t');
    } else if (word == "u" && has_param) {
      EmitUtf16Unit(static_cast<char16_t>(param < 0 ? param + 65536 : param));
      pending_fallback_ = state_.fallback_chars;
    } else if (word == "uc" && has_param) {
      state_.fallback_chars = std::clamp(param, 0, kMaxFallbackChars);
    } else if (word == "f" && has_param) {
      Flush();
      state_.font = param;
    } else if (word == "plain") {
      Flush();
      state_.font = -1;
    } else if (word == "ansicpg" && has_param && param > 0) {
      document_code_page_ = param;
    } else if (word == "ansi") {
      document_code_page_ = 1252;
    } else if (word == "mac") {
      document_code_page_ = 10000;
    } else if (word == "pc") {
      document_code_page_ = 437;
    } else if (word == "pca") {
      document_code_page_ = 850;
    } else if (word == "deff" && has_param) {
      default_font_ = param;
    } else if (word == "fonttbl") {
      state_.sink = Sink::kNone;
      state_.in_font_table = true;
    } else if (word == "info") {
      state_.sink = Sink::kNone;
      state_.in_info = true;
    } else if (word == "title" && state_.in_info) {
      state_.sink = Sink::kTitle;
    } else if (word == "author" && state_.in_info) {
      state_.sink = Sink::kAuthor;
    } else if (IsSkippedDestination(word)) {
      state_.sink = Sink::kNone;
    } else {
      EmitSymbol(word);
    }
  }

  void EmitSymbol(std::string_view word) {
    static const std::map<std::string_view, char32_t> kSymbols = {
        {"emdash", U'\u2014'},    {"endash", U'\u2013'},  {"emspace", U'\u2003'},
        {"enspace", U'\u2002'},   {"qmspace", U'\u2005'}, {"bullet", U'\u2022'},
        {"lquote", U'\u2018'},    {"rquote", U'\u2019'},  {"ldblquote", U'\u201C'},
        {"rdblquote", U'\u201D'}, {"zwnbo", U'\u2060'},   {"ltrmark", U'\u200E'},
        {"rtlmark", U'\u200F'},   {"zwj", U'\u200D'},     {"zwnj", U'\u200C'},
        {"zwbo", U'\u200B'},
    };
    auto it = kSymbols.find(word);
    if (it != kSymbols.end()) {
      Emit(it->second);
    }
  }

  std::string_view in_;
  size_t pos_ = 0;
  bool started_ = false;
  bool finished_ = false;
  size_t deep_skip_ = 0;
  size_t unbalanced_closes_ = 0;
  size_t first_unbalanced_close_ = 0;

  GroupState state_;
  std::vector<GroupState> stack_;
  int document_code_page_ = 1252;
  int default_font_ = -1;
  int defining_font_ = -1;
  std::map<int, int> font_code_pages_;
  int pending_fallback_ = 0;

  std::string pending_bytes_;
  Sink pending_sink_ = Sink::kText;
  int pending_code_page_ = 1252;
  char16_t high_surrogate_ = 0;
  Sink surrogate_sink_ = Sink::kText;

  std::string text_;
  std::string title_;
  std::string author_;
  std::vector<std::string> warnings_;
};

}  // namespace

bool LooksLikeRtf(std::string_view head) {
  if (head.starts_with("\xEF\xBB\xBF")) {
    head.remove_prefix(3);
  }
  head = TrimWhitespace(head);
  return head.starts_with("{\\rtf");
}

Result<DocumentText> ExtractRtfText(std::string_view rtf) {
  if (!LooksLikeRtf(rtf.substr(0, 1024))) {
    return Status::InvalidArgument("not RTF: the data does not start with \"{\\rtf\" (" +
                                   std::to_string(rtf.size()) + " bytes)");
  }
  if (rtf.starts_with("\xEF\xBB\xBF")) {
    rtf.remove_prefix(3);
  }
  return RtfReader(rtf).Run();
}

}  // namespace docket
