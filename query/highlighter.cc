/** @file
 *  @brief Chooses the summary window and marks the matches (no Xapian: MSet::snippet cannot
 *  see our CJK unigrams as runs, nor count code points).
 *
 *  Steps: tokenize the text with the index's analyzer (tokens carry byte offsets); mark matched
 *  tokens; slide a window of `summary_length` code points over the matches to find the one
 *  with the most distinct terms; widen it to show context on both sides, snapping to token
 *  boundaries so words are not cut; then emit escaped text with <c0> runs.
 */
#include "query/highlighter.h"

#include <algorithm>
#include <map>
#include <optional>
#include <utility>

#include "common/strings.h"
#include "query/property_map.h"
#include "storage/language_detector.h"
#include "storage/text_analyzer.h"

namespace docket {
namespace {

// Advances over one unit: a valid character, or one invalid byte (shown as U+FFFD).
size_t UnitLength(std::string_view s, size_t pos) {
  size_t n = DecodeUtf8At(s, pos).length;
  return n == 0 ? 1 : n;
}

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }

void AppendEscaped(std::string_view unit, bool valid, std::string* out) {
  if (!valid) {
    out->append("\xEF\xBF\xBD");  // U+FFFD
    return;
  }
  switch (unit.front()) {
    case '&':
      out->append("&amp;");
      return;
    case '<':
      out->append("&lt;");
      return;
    case '>':
      out->append("&gt;");
      return;
    case '"':
      out->append("&quot;");
      return;
    case '\'':
      out->append("&#39;");
      return;
    default:
      out->append(unit);
  }
}

struct Match {
  size_t token = 0;  // index into the tokens
  std::string key;   // what counts as one distinct term for the window score
};

void Collect(const KqlNode& node, bool text_field, TextAnalyzer& analyzer, HighlightTerms* out) {
  switch (node.type) {
    case KqlNodeType::kTerm:
    case KqlNodeType::kPhrase: {
      if (!text_field) {
        return;
      }
      std::vector<AnalyzedToken> tokens = analyzer.Tokenize(node.text);
      if (tokens.size() == 1) {
        if (node.prefix) {
          out->prefixes.push_back(tokens.front().term);
        } else {
          out->terms.insert(tokens.front().term);
        }
      } else if (tokens.size() > 1) {
        std::vector<std::string> phrase;
        for (auto& token : tokens) {
          phrase.push_back(std::move(token.term));
        }
        out->phrases.push_back(std::move(phrase));
      }
      return;
    }
    case KqlNodeType::kNot:
    case KqlNodeType::kMatchAll:
    case KqlNodeType::kRange:
      return;
    case KqlNodeType::kAnd:
    case KqlNodeType::kOr:
    case KqlNodeType::kNear:
    case KqlNodeType::kOnear:
    case KqlNodeType::kWords:
    case KqlNodeType::kXrank:
      for (const KqlNode& child : node.children) {
        Collect(child, text_field, analyzer, out);
      }
      return;
    case KqlNodeType::kProperty: {
      std::optional<PropertyInfo> info = PropertyMap::Default().Find(node.text);
      if (info && info->kind == PropertyKind::kText && !node.children.empty() &&
          (node.op == KqlOp::kContains || node.op == KqlOp::kEquals)) {
        Collect(node.children.front(), /*text_field=*/true, analyzer, out);
      }
      return;
    }
  }
}

}  // namespace

void AddStems(const std::vector<std::string>& languages, HighlightTerms* terms) {
  for (const std::string& language : languages) {
    bool has_stemmer = false;
    for (const std::string& term : terms->terms) {
      std::string stem = StemWord(language, term);
      if (!stem.empty()) {
        has_stemmer = true;
        terms->stems.insert(std::move(stem));
      }
    }
    if (has_stemmer) {
      terms->stem_languages.push_back(language);
    }
  }
}

HighlightTerms CollectHighlightTerms(const KqlNode& ast, TextAnalyzer& analyzer) {
  HighlightTerms out;
  Collect(ast, /*text_field=*/true, analyzer, &out);
  return out;
}

std::string HighlightSummary(std::string_view text, const HighlightTerms& terms,
                             TextAnalyzer& analyzer, uint32_t summary_length) {
  if (text.empty() || summary_length == 0) {
    return {};
  }
  const size_t limit = summary_length;
  std::vector<AnalyzedToken> tokens = analyzer.Tokenize(text);

  // 1. Which tokens match, and under which key.
  std::vector<bool> matched(tokens.size(), false);
  std::vector<std::string> keys(tokens.size());
  for (size_t i = 0; i < tokens.size(); ++i) {
    const std::string& term = tokens[i].term;
    if (terms.terms.count(term) > 0) {
      matched[i] = true;
      keys[i] = term;
      continue;
    }
    // A Hangul word found by its stem (회의 in 회의를) is highlighted whole.
    for (const std::string& stem : tokens[i].variants) {
      if (terms.terms.count(stem) > 0) {
        matched[i] = true;
        keys[i] = stem;
        break;
      }
    }
    if (matched[i]) {
      continue;
    }
    if (!terms.stems.empty() && tokens[i].stemmable()) {
      for (const std::string& language : terms.stem_languages) {
        if (terms.stems.count(StemWord(language, term)) > 0) {
          matched[i] = true;
          keys[i] = "~" + StemWord(language, term);
          break;
        }
      }
      if (matched[i]) {
        continue;
      }
    }
    for (const std::string& prefix : terms.prefixes) {
      if (term.compare(0, prefix.size(), prefix) == 0) {
        matched[i] = true;
        keys[i] = prefix + "*";
        break;
      }
    }
  }
  for (size_t p = 0; p < terms.phrases.size(); ++p) {
    const auto& phrase = terms.phrases[p];
    for (size_t i = 0; i + phrase.size() <= tokens.size(); ++i) {
      bool all = true;
      for (size_t k = 0; k < phrase.size() && all; ++k) {
        const AnalyzedToken& token = tokens[i + k];
        all = token.term == phrase[k] || std::find(token.variants.begin(), token.variants.end(),
                                                   phrase[k]) != token.variants.end();
      }
      if (!all) {
        continue;
      }
      for (size_t k = 0; k < phrase.size(); ++k) {
        matched[i + k] = true;
        keys[i + k] = "\"" + std::to_string(p);
      }
    }
  }
  std::vector<Match> matches;
  for (size_t i = 0; i < tokens.size(); ++i) {
    if (matched[i]) {
      matches.push_back({i, keys[i]});
    }
  }

  // 2. Code point offsets of token boundaries (tokens are in text order).
  std::vector<size_t> cp_begin(tokens.size());
  std::vector<size_t> cp_end(tokens.size());
  size_t total_cps = 0;
  {
    // Walk the text once; record the code point index at each token boundary.
    std::vector<std::pair<size_t, size_t*>> marks;  // (byte offset, where to store)
    marks.reserve(tokens.size() * 2);
    for (size_t i = 0; i < tokens.size(); ++i) {
      marks.emplace_back(tokens[i].begin, &cp_begin[i]);
      marks.emplace_back(tokens[i].end, &cp_end[i]);
    }
    std::stable_sort(marks.begin(), marks.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    size_t m = 0;
    size_t pos = 0;
    while (pos < text.size()) {
      while (m < marks.size() && marks[m].first <= pos) {
        *marks[m++].second = total_cps;
      }
      pos += UnitLength(text, pos);
      ++total_cps;
    }
    for (; m < marks.size(); ++m) {
      *marks[m].second = total_cps;
    }
  }

  // 3. The best window [start_cp, start_cp + limit) over the matches.
  size_t start_cp = 0;
  if (!matches.empty()) {
    size_t best_first = 0;
    size_t best_last = 0;
    size_t best_distinct = 0;
    size_t best_count = 0;
    std::map<std::string, size_t> counts;
    size_t last = 0;  // one past the last match in the window
    for (size_t first = 0; first < matches.size(); ++first) {
      if (last < first) {
        last = first;
      }
      const size_t window_end = cp_begin[matches[first].token] + limit;
      while (last < matches.size() && cp_end[matches[last].token] <= window_end) {
        ++counts[matches[last].key];
        ++last;
      }
      const size_t count = last > first ? last - first : 0;
      if (counts.size() > best_distinct || (counts.size() == best_distinct && count > best_count)) {
        best_distinct = counts.size();
        best_count = count;
        best_first = first;
        best_last = last > first ? last - 1 : first;
      }
      if (last > first) {
        auto it = counts.find(matches[first].key);
        if (--it->second == 0) {
          counts.erase(it);
        }
      }
    }
    // Context: share the slack on both sides, then start at a token so no word is cut.
    const size_t span_begin = cp_begin[matches[best_first].token];
    const size_t span_end = std::max(span_begin, cp_end[matches[best_last].token]);
    const size_t slack = limit > span_end - span_begin ? limit - (span_end - span_begin) : 0;
    const size_t lead = std::min(slack / 2, span_begin);
    // Near the end of the text, move the window back so it stays full.
    const size_t tail_start = total_cps > limit ? total_cps - limit : 0;
    start_cp = std::min(span_begin - lead, tail_start);
    if (start_cp > 0) {
      for (size_t i = 0; i < tokens.size(); ++i) {
        if (cp_begin[i] >= start_cp) {
          start_cp = std::min(cp_begin[i], span_begin);
          break;
        }
      }
    }
  }
  size_t end_cp = std::min(total_cps, start_cp + limit);
  if (end_cp < total_cps) {
    // Do not cut a word: end at the last token ending inside the window, if there is one
    // after the matches.
    size_t snapped = start_cp;
    for (size_t i = 0; i < tokens.size(); ++i) {
      if (cp_end[i] <= end_cp && cp_end[i] > snapped) {
        snapped = cp_end[i];
      }
    }
    if (snapped > start_cp) {
      end_cp = snapped;
    }
  }

  // 4. Highlight runs (byte ranges): adjacent matched CJK characters form one run.
  std::vector<std::pair<size_t, size_t>> runs;
  for (const Match& match : matches) {
    const AnalyzedToken& token = tokens[match.token];
    if (!runs.empty() && token.cjk && runs.back().second == token.begin && match.token > 0 &&
        tokens[match.token - 1].cjk && matched[match.token - 1]) {
      runs.back().second = token.end;
    } else {
      runs.emplace_back(token.begin, token.end);
    }
  }

  // 5. Emit [start_cp, end_cp).
  std::string out;
  size_t pos = 0;
  size_t cp = 0;
  size_t run = 0;
  bool open = false;
  bool pending_space = false;
  while (pos < text.size() && cp < end_cp) {
    const size_t n = DecodeUtf8At(text, pos).length;
    const size_t unit = n == 0 ? 1 : n;
    if (cp >= start_cp) {
      if (open && pos >= runs[run].second) {
        out.append("</c0>");
        open = false;
        ++run;
      }
      while (!open && run < runs.size() && runs[run].second <= pos) {
        ++run;
      }
      if (IsSpace(text[pos])) {
        pending_space = !out.empty();
      } else {
        if (pending_space) {
          out.push_back(' ');
          pending_space = false;
        }
        if (!open && run < runs.size() && runs[run].first <= pos) {
          out.append("<c0>");
          open = true;
        }
        AppendEscaped(text.substr(pos, unit), n != 0, &out);
      }
    }
    pos += unit;
    ++cp;
  }
  if (open) {
    out.append("</c0>");
  }
  if (end_cp < total_cps) {
    out.append(" <ddd/>");
  }
  return out;
}

namespace {

std::string JoinValues(const std::vector<std::string>& values) {
  std::string out;
  for (const std::string& value : values) {
    if (value.empty()) {
      continue;
    }
    out += (out.empty() ? "" : ";") + value;
  }
  return out;
}

// The element name and the text of one highlightable property; the values are those of the
// cells of the same name (web/sharepoint_json.cc), so what is highlighted is what is shown.
std::optional<std::pair<std::string_view, std::string>> PropertyText(const Item& item,
                                                                     std::string_view name) {
  using Text = std::pair<std::string_view, std::string>;
  const std::string lower = AsciiLower(name);
  if (lower == "title" || lower == "subject") {
    return Text{"HHTitle", item.title.empty() ? item.file_name : item.title};
  }
  if (lower == "author") {
    return Text{"HHAuthor", item.from};
  }
  if (lower == "from") {
    return Text{"HHFrom", item.from};
  }
  if (lower == "to") {
    return Text{"HHTo", JoinValues(item.to)};
  }
  if (lower == "cc") {
    return Text{"HHCc", JoinValues(item.cc)};
  }
  if (lower == "bcc") {
    return Text{"HHBcc", JoinValues(item.bcc)};
  }
  if (lower == "participants") {
    return Text{"HHParticipants", JoinValues(item.participants)};
  }
  if (lower == "recipients") {
    std::vector<std::string> all = item.to;
    all.insert(all.end(), item.cc.begin(), item.cc.end());
    all.insert(all.end(), item.bcc.begin(), item.bcc.end());
    return Text{"HHRecipients", JoinValues(all)};
  }
  if (lower == "filename") {
    return Text{"HHFileName", item.file_name};
  }
  if (lower == "attachmentnames") {
    return Text{"HHAttachmentNames", JoinValues(item.attachment_names)};
  }
  if (lower == "path") {
    return Text{"HHUrl", item.ipath};
  }
  if (lower == "originalpath") {
    return Text{"HHOriginalPath", item.ipath};
  }
  if (lower == "custodian") {
    return Text{"HHCustodian", item.custodian};
  }
  return std::nullopt;
}

}  // namespace

std::string HighlightProperties(const Item& item, const std::vector<std::string>& names,
                                const HighlightTerms& terms, TextAnalyzer& analyzer,
                                uint32_t max_length) {
  std::string out;
  std::vector<std::string_view> done;  // "Title,title" gives one HHTitle
  for (const std::string& name : names) {
    std::optional<std::pair<std::string_view, std::string>> property = PropertyText(item, name);
    if (!property || property->second.empty() ||
        std::find(done.begin(), done.end(), property->first) != done.end()) {
      continue;
    }
    done.push_back(property->first);
    const std::string element(property->first);
    out += (out.empty() ? "<" : "\n<") + element + ">" +
           HighlightSummary(property->second, terms, analyzer, max_length) + "</" + element + ">";
  }
  return out;
}

}  // namespace docket
