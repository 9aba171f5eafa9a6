/** @file
 *  @brief libxml2 adapter: walks the recovered HTML DOM and lays its text out in lines.
 */
#include "indexer/html_text.h"

#include <libxml/HTMLparser.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#include <algorithm>
#include <climits>
#include <cstring>
#include <mutex>
#include <string_view>

#include "common/strings.h"

namespace docket {
namespace {

// libxml2 is thread-safe once xmlInitParser() has run, and it must run on one thread first.
void InitLibxml2Once() {
  static std::once_flag once;
  std::call_once(once, [] { xmlInitParser(); });
}

bool NameIs(const xmlNode* node, std::string_view name) {
  if (node->name == nullptr) {
    return false;
  }
  return EqualsIgnoreCase(name, reinterpret_cast<const char*>(node->name));
}

bool IsOneOf(const xmlNode* node, std::initializer_list<std::string_view> names) {
  return std::any_of(names.begin(), names.end(),
                     [node](std::string_view name) { return NameIs(node, name); });
}

// Elements whose content is not text a reader sees.
bool IsDropped(const xmlNode* node) {
  return IsOneOf(node, {"script", "style", "head", "title", "noscript", "template", "object",
                        "iframe", "svg", "math", "select"});
}

// Elements that start and end a line.
bool IsBlock(const xmlNode* node) {
  return IsOneOf(
      node,
      {"address", "article", "aside",  "blockquote", "body",    "caption", "center",   "dd",
       "details", "dialog",  "dir",    "div",        "dl",      "dt",      "fieldset", "figcaption",
       "figure",  "footer",  "form",   "h1",         "h2",      "h3",      "h4",       "h5",
       "h6",      "header",  "hgroup", "hr",         "html",    "li",      "main",     "menu",
       "nav",     "ol",      "p",      "pre",        "section", "summary", "table",    "tbody",
       "tfoot",   "thead",   "tr",     "ul"});
}

// Accumulates text with '\n' for line breaks and ' ' for any other whitespace, then tidies the
// lines in Finish().
class TextBuilder {
 public:
  void Text(const char* content, bool in_pre) {
    if (content == nullptr) {
      return;
    }
    for (const char* p = content; *p != '\0'; ++p) {
      char c = *p;
      if (c == '\n' && in_pre) {
        raw_ += '\n';
      } else if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v') {
        raw_ += ' ';
      } else if (static_cast<unsigned char>(c) == 0xC2 &&
                 static_cast<unsigned char>(p[1]) == 0xA0) {
        raw_ += ' ';  // U+00A0 NO-BREAK SPACE (&nbsp;)
        ++p;
      } else {
        raw_ += c;
      }
    }
  }
  void Break() { raw_ += '\n'; }
  void Space() { raw_ += ' '; }

  std::string Finish() const {
    std::string out;
    size_t empty_run = 0;
    size_t start = 0;
    while (start <= raw_.size()) {
      size_t end = raw_.find('\n', start);
      if (end == std::string::npos) {
        end = raw_.size();
      }
      std::string line;
      bool pending_space = false;
      for (size_t i = start; i < end; ++i) {
        if (raw_[i] == ' ') {
          pending_space = !line.empty();
        } else {
          if (pending_space) {
            line += ' ';
            pending_space = false;
          }
          line += raw_[i];
        }
      }
      if (line.empty()) {
        ++empty_run;
      } else {
        if (!out.empty()) {
          out += empty_run > 1 ? "\n\n" : "\n";
        }
        out += line;
        empty_run = 0;
      }
      start = end + 1;
    }
    return out;
  }

 private:
  std::string raw_;
};

void AppendNodeText(const xmlNode* root, TextBuilder* text) {
  int pre_depth = 0;
  auto enter = [&](const xmlNode* node) -> bool {  // returns whether to descend
    switch (node->type) {
      case XML_TEXT_NODE:
      case XML_CDATA_SECTION_NODE:
        text->Text(reinterpret_cast<const char*>(node->content), pre_depth > 0);
        return false;
      case XML_ELEMENT_NODE:
        if (IsDropped(node)) {
          return false;
        }
        if (NameIs(node, "br")) {
          text->Break();
          return false;
        }
        if (IsBlock(node)) {
          text->Break();
        }
        if (NameIs(node, "pre")) {
          ++pre_depth;
        }
        return true;
      case XML_DOCUMENT_NODE:
      case XML_HTML_DOCUMENT_NODE:
      case XML_DOCUMENT_FRAG_NODE:
        return true;
      default:
        return false;  // comments, DTDs, processing instructions
    }
  };
  auto leave = [&](const xmlNode* node) {
    if (node->type != XML_ELEMENT_NODE) {
      return;
    }
    if (NameIs(node, "pre")) {
      --pre_depth;
    }
    if (IsBlock(node)) {
      text->Break();
    } else if (IsOneOf(node, {"td", "th"})) {
      text->Space();
    }
  };

  // Iterative pre-order walk: recovered HTML can nest deeper than the stack should.
  const xmlNode* node = root;
  while (node != nullptr) {
    if (enter(node) && node->children != nullptr) {
      node = node->children;
      continue;
    }
    // No descent: leave this node, then climb until a next sibling exists.
    for (;;) {
      if (node->type == XML_ELEMENT_NODE && !IsDropped(node) && !NameIs(node, "br")) {
        leave(node);
      }
      if (node == root) {
        return;
      }
      if (node->next != nullptr) {
        node = node->next;
        break;
      }
      node = node->parent;
      if (node == nullptr) {
        return;
      }
    }
  }
}

}  // namespace

void HtmlDocFree::operator()(_xmlDoc* doc) const { xmlFreeDoc(doc); }

HtmlDocPtr ParseHtmlDocument(std::string_view html_utf8) {
  InitLibxml2Once();
  if (html_utf8.empty()) {
    return nullptr;
  }
  auto size = static_cast<int>(std::min<size_t>(html_utf8.size(), INT_MAX));
  // The caller converted to UTF-8 already, so a <meta charset> must not switch encodings.
  int options = HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_NONET |
                HTML_PARSE_IGNORE_ENC | HTML_PARSE_COMPACT;
  return HtmlDocPtr(htmlReadMemory(html_utf8.data(), size, nullptr, "UTF-8", options));
}

std::string HtmlNodeToText(const _xmlNode* node) {
  if (node == nullptr) {
    return {};
  }
  TextBuilder text;
  AppendNodeText(node, &text);
  return text.Finish();
}

std::string HtmlToText(std::string_view html_utf8) {
  HtmlDocPtr doc = ParseHtmlDocument(html_utf8);
  if (doc == nullptr) {
    return {};
  }
  return HtmlNodeToText(reinterpret_cast<const xmlNode*>(doc.get()));
}

}  // namespace docket
