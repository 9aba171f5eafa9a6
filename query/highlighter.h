/** @file
 *  @brief SharePoint HitHighlightedSummary (sharepoint-search.md §1.7.3).
 *
 *  The summary is one window of the item's text: the window of at most `summary_length`
 *  characters (Unicode code points of the text; the markup is not counted) holding the most
 *  distinct matched query terms, then the most matches, earliest first. The text is
 *  HTML-escaped, each match is wrapped in <c0>...</c0> (a run of adjacent matched CJK
 *  characters is one <c0> run), and <ddd/> marks that the text goes on after the window.
 *  With no match it is the start of the text. The output is always valid UTF-8: a window
 *  never splits a character and invalid input bytes come out as U+FFFD.
 *
 *  Matching uses the same TextAnalyzer as the index, so "ＢＵＤＧＥＴ" highlights for budget.
 */
#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "query/kql_ast.h"
#include "storage/item.h"

namespace docket {

class TextAnalyzer;

/// What to highlight, as analysed (normalised) terms.
struct HighlightTerms {
  std::set<std::string> terms;                    // single terms
  std::vector<std::string> prefixes;              // from word* ("fal" highlights "falcon")
  std::vector<std::vector<std::string>> phrases;  // consecutive terms ("budget review", 合約)
  // Stemmed matches: a word whose stem in one of `stem_languages` is among `stems` ("contract"
  // for the query "contracts"). Filled by AddStems.
  std::set<std::string> stems;
  std::vector<std::string> stem_languages;

  bool empty() const {
    return terms.empty() && prefixes.empty() && phrases.empty() && stems.empty();
  }
};

/// The free-text and subject terms of a query that an item matched because of them; terms
/// under NOT / '-' and address, kind, date and size restrictions are not highlighted.
HighlightTerms CollectHighlightTerms(const KqlNode& ast, TextAnalyzer& analyzer);

/// Adds the stems of the single words in `terms` in each of `languages` (DetectedLanguage codes),
/// so that the words a stemmed search matched are highlighted too.
void AddStems(const std::vector<std::string>& languages, HighlightTerms* terms);

/// The summary of `text` for `terms` (see the file comment).
std::string HighlightSummary(std::string_view text, const HighlightTerms& terms,
                             TextAnalyzer& analyzer, uint32_t summary_length);

/// SharePoint HitHighlightedProperties (§1.7.3) for the properties a request named
/// (HitHighlightedProperties / hithighlightedproperties), in request order: one
/// `<HHName>value</HHName>` fragment per named property the item has a value for, joined with
/// "\n". Values are highlighted like the summary (HTML-escaped, <c0> runs, at most
/// `max_length` characters with <ddd/> when cut) and are included even without a match, as
/// SharePoint's HHUrl is. Names are matched case-insensitively: Title (Subject), Author,
/// From, To, Cc, Bcc, Participants, Recipients, FileName, AttachmentNames, Path (element
/// HHUrl, as SharePoint names it), OriginalPath, Custodian; others are skipped, as unknown
/// SelectProperties are. Multi-valued properties are ';'-joined, as their cells are. Empty
/// when nothing was named or the item has none of them.
std::string HighlightProperties(const Item& item, const std::vector<std::string>& names,
                                const HighlightTerms& terms, TextAnalyzer& analyzer,
                                uint32_t max_length);

}  // namespace docket
