/** @file
 *  @brief Chooses the summary window and marks the matches (no Xapian: MSet::snippet cannot
 *  see our CJK unigrams as runs, nor count code points).
 *
 *  Steps: tokenize the text with the index's analyzer (tokens carry byte offsets), a piece at a
 *  time until the best window is found; mark matched tokens; slide a window of `summary_length`
 * code points over the matches to find the one with the most distinct terms; widen it to show
 * context on both sides, snapping to token boundaries so words are not cut; then emit escaped text
 * with <c0> runs.
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

namespace {

// Tokenizing is most of a summary's cost (ICU word breaks, then folding every word), and a
// page shows ten summaries, so the text is tokenized a piece at a time and the scan stops once
// the best window cannot get better (see Scan::Complete).
constexpr size_t kPieceBytes = 128;

// The tokens of a prefix of the text, which of them match and under which key, and the code
// point offsets of their boundaries.
struct Scan {
  std::string_view text;
  const HighlightTerms& terms;
  size_t limit;  // the window, in code points
  size_t max_keys;
  std::vector<AnalyzedToken> tokens;
  std::vector<bool> matched;
  std::vector<std::string> keys;
  std::vector<Match> matches;
  std::vector<size_t> cp_begin;
  std::vector<size_t> cp_end;
  size_t scanned = 0;     // bytes of text tokenized
  size_t scanned_cp = 0;  // code points in text[0, scanned)
  // The best window so far: matches [best_first, best_last], with best_distinct keys.
  size_t best_first = 0;
  size_t best_last = 0;
  size_t best_distinct = 0;
  size_t best_count = 0;
  size_t matches_at_best = 0;  // matches.size() when the best window was last found

  Scan(std::string_view t, const HighlightTerms& ht, size_t window)
      : text(t),
        terms(ht),
        limit(window),
        max_keys(ht.terms.size() + ht.prefixes.size() + ht.phrases.size() + ht.stems.size()) {}

  // Tokenizes the next piece, cut after white space so that no word is split (a cut inside a
  // run without spaces, long CJK text, waits for the next space or the end).
  void Next(TextAnalyzer& analyzer) {
    size_t end = std::min(text.size(), scanned + kPieceBytes);
    while (end < text.size() && !IsSpace(text[end - 1])) {
      ++end;
    }
    const size_t first_new = tokens.size();
    for (AnalyzedToken& token : analyzer.Tokenize(text.substr(scanned, end - scanned))) {
      token.begin += scanned;
      token.end += scanned;
      tokens.push_back(std::move(token));
    }
    Offsets(first_new, end);
    Mark(first_new);
    // The search is over every match, so it runs again only when the matches have doubled
    // (and at the end): a long text full of one term of a two-term query stays linear. The
    // scan stops only on a fresh search (Complete), so it may read a little further than
    // needed, and the window chosen is the one a search over every match so far finds.
    if (scanned >= text.size() ||
        (matches.size() > matches_at_best && matches.size() >= 2 * matches_at_best)) {
      FindBestWindow();
      matches_at_best = matches.size();
    }
  }

  // The window cannot get better once it shows every key the query has, and the tokens reach
  // far enough past its first match to fill and snap it.
  bool Complete() const {
    if (scanned >= text.size()) {
      return true;
    }
    if (max_keys == 0) {
      return scanned_cp >= limit;  // nothing to find: the start of the text
    }
    // Only a window found over every match so far is final (see Next).
    return best_distinct == max_keys && matches_at_best == matches.size() &&
           scanned_cp >= cp_begin[matches[best_first].token] + limit;
  }

 private:
  // Code point offsets of the new tokens' boundaries (tokens are in text order within a
  // piece, which starts where the last one ended).
  void Offsets(size_t first_new, size_t end) {
    cp_begin.resize(tokens.size());
    cp_end.resize(tokens.size());
    std::vector<std::pair<size_t, size_t*>> marks;  // (byte offset, where to store)
    marks.reserve((tokens.size() - first_new) * 2);
    for (size_t i = first_new; i < tokens.size(); ++i) {
      marks.emplace_back(tokens[i].begin, &cp_begin[i]);
      marks.emplace_back(tokens[i].end, &cp_end[i]);
    }
    std::stable_sort(marks.begin(), marks.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    size_t m = 0;
    size_t pos = scanned;
    while (pos < end) {
      while (m < marks.size() && marks[m].first <= pos) {
        *marks[m++].second = scanned_cp;
      }
      pos += UnitLength(text, pos);
      ++scanned_cp;
    }
    for (; m < marks.size(); ++m) {
      *marks[m].second = scanned_cp;
    }
    scanned = pos;
  }

  // Which of the new tokens match, and under which key; phrases may start in earlier pieces.
  void Mark(size_t first_new) {
    matched.resize(tokens.size(), false);
    keys.resize(tokens.size());
    for (size_t i = first_new; i < tokens.size(); ++i) {
      MarkToken(i);
    }
    for (size_t p = 0; p < terms.phrases.size(); ++p) {
      const auto& phrase = terms.phrases[p];
      const size_t first_start = first_new + 1 >= phrase.size() ? first_new + 1 - phrase.size() : 0;
      for (size_t i = first_start; i + phrase.size() <= tokens.size(); ++i) {
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
    // A phrase may have marked tokens of an earlier piece: rebuild the list from the first
    // token a phrase could have reached.
    size_t longest = 1;
    for (const auto& phrase : terms.phrases) {
      longest = std::max(longest, phrase.size());
    }
    const size_t redo = first_new + 1 >= longest ? first_new + 1 - longest : 0;
    while (!matches.empty() && matches.back().token >= redo) {
      matches.pop_back();
    }
    for (size_t i = redo; i < tokens.size(); ++i) {
      if (matched[i]) {
        matches.push_back({i, keys[i]});
      }
    }
  }

  void MarkToken(size_t i) {
    const std::string& term = tokens[i].term;
    if (terms.terms.count(term) > 0) {
      matched[i] = true;
      keys[i] = term;
      return;
    }
    // A Hangul word found by its stem (회의 in 회의를) is highlighted whole.
    for (const std::string& stem : tokens[i].variants) {
      if (terms.terms.count(stem) > 0) {
        matched[i] = true;
        keys[i] = stem;
        return;
      }
    }
    if (!terms.stems.empty() && tokens[i].stemmable()) {
      for (const std::string& language : terms.stem_languages) {
        std::string stem = StemWord(language, term);
        if (terms.stems.count(stem) > 0) {
          matched[i] = true;
          keys[i] = "~" + stem;
          return;
        }
      }
    }
    for (const std::string& prefix : terms.prefixes) {
      if (term.compare(0, prefix.size(), prefix) == 0) {
        matched[i] = true;
        keys[i] = prefix + "*";
        return;
      }
    }
  }

  // Slides a window of `limit` code points over the matches: the most distinct keys, then the
  // most matches, the earliest among equals.
  void FindBestWindow() {
    best_first = best_last = best_distinct = best_count = 0;
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
  }
};

// Code points in text[from, end).
size_t CountUnits(std::string_view text, size_t from) {
  size_t count = 0;
  for (size_t pos = from; pos < text.size(); pos += UnitLength(text, pos)) {
    ++count;
  }
  return count;
}

}  // namespace

std::string HighlightSummary(std::string_view text, const HighlightTerms& terms,
                             TextAnalyzer& analyzer, uint32_t summary_length) {
  if (text.empty() || summary_length == 0) {
    return {};
  }
  const size_t limit = summary_length;

  // 1-2. Tokens, matches and their code point offsets, piece by piece.
  Scan scan(text, terms, limit);
  do {
    scan.Next(analyzer);
  } while (!scan.Complete());
  const std::vector<AnalyzedToken>& tokens = scan.tokens;
  const std::vector<bool>& matched = scan.matched;
  const std::vector<Match>& matches = scan.matches;
  const std::vector<size_t>& cp_begin = scan.cp_begin;
  const std::vector<size_t>& cp_end = scan.cp_end;
  const size_t total_cps = scan.scanned_cp + CountUnits(text, scan.scanned);

  // 3. The best window [start_cp, start_cp + limit) over the matches.
  size_t start_cp = 0;
  if (!matches.empty()) {
    const size_t best_first = scan.best_first;
    const size_t best_last = scan.best_last;
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
