/** @file
 *  @brief Export-CsArchivingData transcript parser: flattens the recovered DOM into tokens, then
 *         reads the transcript grammar of ediscovery.md §1.4 from them.
 */
#include "indexer/lync_session_parser.h"

#include <libxml/tree.h>

#include <algorithm>
#include <cstring>
#include <unordered_set>

#include "common/strings.h"
#include "indexer/charset_converter.h"
#include "indexer/html_text.h"

namespace docket {
namespace {

bool AllDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

int Digits(std::string_view s) {
  int value = 0;
  for (char c : s) {
    value = value * 10 + (c - '0');
  }
  return value;
}

// The transcript, flattened in document order. libxml2's HTML parser moves a <DIV> out of an
// enclosing <p> (a div start tag closes an open p), so the grammar cannot rely on siblings.
enum class TokenKind { kHeader, kBody, kBreak, kBold, kText };

struct Token {
  TokenKind kind;
  std::string text;  // body / bold / text content; sender for a header
  bool has_time = false;
  UtcMillis time = 0;  // header only
};

// "SENDER [2013-06-03 09:15:02Z]:" -> sender and time. False when the text is not shaped so.
bool ParseHeaderText(std::string_view text, Token* token) {
  text = TrimWhitespace(text);
  if (text.find('\n') != std::string_view::npos || !text.ends_with(':')) {
    return false;
  }
  text = TrimWhitespace(text.substr(0, text.size() - 1));
  if (!text.ends_with(']')) {
    return false;
  }
  size_t open = text.rfind('[');
  if (open == std::string_view::npos) {
    return false;
  }
  std::string_view sender = TrimWhitespace(text.substr(0, open));
  std::string_view stamp = TrimWhitespace(text.substr(open + 1, text.size() - open - 2));
  if (sender.empty()) {
    return false;
  }
  token->kind = TokenKind::kHeader;
  token->text = NormalizeSipAddress(sender);
  Result<ParsedUtc> parsed = ParseUtc(stamp);
  token->has_time = parsed.has_value();
  token->time = parsed.has_value() ? parsed->millis : 0;
  return true;
}

bool NameIs(const xmlNode* node, const char* name) {
  return node->type == XML_ELEMENT_NODE && node->name != nullptr &&
         EqualsIgnoreCase(reinterpret_cast<const char*>(node->name), name);
}

bool IsBold(const xmlNode* node) { return NameIs(node, "b") || NameIs(node, "strong"); }

bool IsSkipped(const xmlNode* node) {
  return NameIs(node, "script") || NameIs(node, "style") || NameIs(node, "head") ||
         NameIs(node, "title");
}

// Next node in document order after `node`'s subtree, staying inside `root`.
const xmlNode* NextAfterSubtree(const xmlNode* node, const xmlNode* root) {
  while (node != nullptr && node != root) {
    if (node->next != nullptr) {
      return node->next;
    }
    node = node->parent;
  }
  return nullptr;
}

const xmlNode* NextInOrder(const xmlNode* node, const xmlNode* root) {
  if (node->children != nullptr) {
    return node->children;
  }
  return NextAfterSubtree(node, root);
}

// A DIV that wraps transcript lines (rather than being one message body) is descended into.
bool ContainsHeader(const xmlNode* root) {
  for (const xmlNode* node = root->children; node != nullptr; node = NextInOrder(node, root)) {
    if (IsBold(node)) {
      Token token{TokenKind::kText, {}, false, 0};
      if (ParseHeaderText(HtmlNodeToText(node), &token)) {
        return true;
      }
    }
  }
  return false;
}

std::vector<Token> Tokenize(const xmlNode* root) {
  std::vector<Token> tokens;
  const xmlNode* node = root;
  while (node != nullptr) {
    bool descend = false;
    if (node->type == XML_TEXT_NODE || node->type == XML_CDATA_SECTION_NODE) {
      std::string text = HtmlNodeToText(node);
      if (!text.empty()) {
        tokens.push_back({TokenKind::kText, std::move(text)});
      }
    } else if (node->type == XML_ELEMENT_NODE) {
      if (IsSkipped(node)) {
        // nothing
      } else if (NameIs(node, "br")) {
        tokens.push_back({TokenKind::kBreak, {}});
      } else if (IsBold(node)) {
        std::string text = HtmlNodeToText(node);
        Token token{TokenKind::kBold, text};
        if (!ParseHeaderText(text, &token)) {
          token = Token{TokenKind::kBold, std::move(text)};
        }
        tokens.push_back(std::move(token));
      } else if (NameIs(node, "div") && !ContainsHeader(node)) {
        tokens.push_back({TokenKind::kBody, HtmlNodeToText(node)});
      } else {
        descend = true;
      }
    } else if (node->type == XML_DOCUMENT_NODE || node->type == XML_HTML_DOCUMENT_NODE) {
      descend = true;
    }
    node = descend && node->children != nullptr ? node->children : NextAfterSubtree(node, root);
  }
  return tokens;
}

std::string CollapseSpaces(std::string_view text) {
  std::string out;
  bool space = false;
  for (char c : text) {
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
      space = !out.empty();
    } else {
      if (space) {
        out += ' ';
        space = false;
      }
      out += c;
    }
  }
  return out;
}

}  // namespace

std::string NormalizeSipAddress(std::string_view address) {
  address = TrimWhitespace(address);
  size_t open = address.rfind('<');
  if (open != std::string_view::npos) {
    size_t close = address.find('>', open);
    address = address.substr(
        open + 1, close == std::string_view::npos ? std::string_view::npos : close - open - 1);
    address = TrimWhitespace(address);
  }
  std::string out = AsciiLower(address);
  if (out.starts_with("sip:")) {
    out.erase(0, 4);
  }
  return out;
}

std::optional<LyncFileName> ParseLyncFileName(std::string_view file_name) {
  std::string_view name = BaseName(file_name);
  if (name.size() < 4 || !EqualsIgnoreCase(name.substr(name.size() - 4), ".eml")) {
    return std::nullopt;
  }
  name.remove_suffix(4);
  // <17 digits>_<n>_<p2p|conf>
  size_t first = name.find('_');
  size_t last = name.rfind('_');
  if (first == std::string_view::npos || first == last) {
    return std::nullopt;
  }
  std::string_view stamp = name.substr(0, first);
  std::string_view sequence = name.substr(first + 1, last - first - 1);
  std::string_view kind = name.substr(last + 1);
  if (stamp.size() != 17 || !AllDigits(stamp) || !AllDigits(sequence) || sequence.size() > 9 ||
      (kind != "p2p" && kind != "conf")) {
    return std::nullopt;
  }
  int year = Digits(stamp.substr(0, 4));
  int month = Digits(stamp.substr(4, 2));
  int day = Digits(stamp.substr(6, 2));
  int hour = Digits(stamp.substr(8, 2));
  int minute = Digits(stamp.substr(10, 2));
  int second = Digits(stamp.substr(12, 2));
  int millis = Digits(stamp.substr(14, 3));
  static constexpr int kDaysInMonth[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month < 1 || month > 12 || day < 1 || day > kDaysInMonth[month - 1] || hour > 23 ||
      minute > 59 || second > 60) {
    return std::nullopt;
  }
  LyncFileName out;
  out.start = UtcFromCivil(year, month, day, hour, minute, second, millis);
  out.sequence = Digits(sequence);
  out.conference = kind == "conf";
  return out;
}

bool IsLyncSession(const MimeMessage& message, std::string_view file_name) {
  return !message.session_id.empty() || ParseLyncFileName(file_name).has_value();
}

Result<LyncSession> ParseLyncSession(const MimeMessage& message, std::string_view file_name) {
  if (message.html_body.empty()) {
    return Status::InvalidArgument(
        "Lync session " +
        (file_name.empty() ? std::string("message")
                           : "'" + std::string(BaseName(file_name)) + "'") +
        " has no HTML transcript part (expected a text/html part, ediscovery.md §1.3)");
  }
  LyncSession session;
  session.session_id = message.session_id;
  session.subject = message.subject;

  std::optional<LyncFileName> name = ParseLyncFileName(file_name);
  if (name.has_value()) {
    session.start = name->start;
    session.conference = name->conference;
  } else {
    session.start = message.date;
    session.warnings.push_back(
        (file_name.empty() ? std::string("no file name")
                           : "non-standard file name '" + std::string(BaseName(file_name)) + "'") +
        "; session start taken from the Date: header and kind assumed p2p");
  }

  session.from = NormalizeSipAddress(message.from);
  for (const std::string& to : message.to) {
    std::string normalized = NormalizeSipAddress(to);
    if (!normalized.empty()) {
      session.to.push_back(std::move(normalized));
    }
  }

  HtmlDocPtr doc = ParseHtmlDocument(message.html_body);
  std::vector<Token> tokens;
  if (doc != nullptr) {
    tokens = Tokenize(reinterpret_cast<const xmlNode*>(doc.get()));
  }

  size_t untimed = 0;
  size_t i = 0;
  while (i < tokens.size()) {
    if (tokens[i].kind != TokenKind::kHeader) {
      ++i;  // the "Transcript for ..." title and subject lines, stray text
      continue;
    }
    const Token& header = tokens[i];
    ConversationMessage line;
    line.sender = header.text;
    line.sent = header.time;
    if (!header.has_time) {
      ++untimed;
    }
    size_t j = i + 1;
    bool saw_break = false;
    while (j < tokens.size() && tokens[j].kind == TokenKind::kBreak) {
      saw_break = true;
      ++j;
    }
    if (j < tokens.size() && tokens[j].kind == TokenKind::kBody) {
      line.text = tokens[j].text;
      ++j;
    } else if (j < tokens.size() && tokens[j].kind == TokenKind::kBold && !saw_break) {
      // Event: <b>SENDER [ts]:</b><b>EVENT-TEXT</b> QUOTED-VALUE, up to the next line break.
      line.is_event = true;
      std::string text;
      while (j < tokens.size() &&
             (tokens[j].kind == TokenKind::kBold || tokens[j].kind == TokenKind::kText)) {
        text += " " + tokens[j].text;
        ++j;
      }
      line.text = CollapseSpaces(text);
    } else {
      // A body that is not in a DIV: everything up to the next header.
      std::string text;
      while (j < tokens.size() && tokens[j].kind != TokenKind::kHeader) {
        text += tokens[j].kind == TokenKind::kBreak ? "\n" : " " + tokens[j].text;
        ++j;
      }
      std::string tidy;
      for (std::string_view rest = text; !rest.empty();) {
        size_t eol = rest.find('\n');
        std::string one = CollapseSpaces(rest.substr(0, eol));
        if (!one.empty()) {
          tidy += (tidy.empty() ? "" : "\n") + one;
        }
        rest = eol == std::string_view::npos ? std::string_view() : rest.substr(eol + 1);
      }
      line.text = std::move(tidy);
    }
    line.text = ToNfc(line.text);
    session.messages.push_back(std::move(line));
    i = j;
  }

  // Participants: from, to, then every sender, each once, in order of appearance.
  std::unordered_set<std::string> seen;
  auto add = [&](const std::string& who) {
    if (!who.empty() && seen.insert(who).second) {
      session.participants.push_back(who);
    }
  };
  add(session.from);
  for (const std::string& to : session.to) {
    add(to);
  }
  for (const ConversationMessage& line : session.messages) {
    add(line.sender);
  }

  if (untimed > 0) {
    session.warnings.push_back(std::to_string(untimed) + " transcript line" +
                               (untimed == 1 ? "" : "s") + " had no timestamp");
  }
  if (session.messages.empty()) {
    session.warnings.push_back("the transcript has no message lines");
  }
  return session;
}

}  // namespace docket
