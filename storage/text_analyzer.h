/** @file
 *  @brief The one analyzer: how text becomes index terms, at index time AND at query time.
 *
 *  Because the indexer, the query planner and the highlighter all call this class, they cannot
 *  disagree about what a word is or how it folds.
 *
 *  Every word is normalised with ICU NFKC_Casefold (full-width Latin and digits, half-width
 *  katakana, ligatures, compatibility ideographs, case, ß -> ss, final sigma, bidi controls and
 *  other default-ignorable characters), then folded (storage/text_folding.h): Traditional to
 *  Simplified Chinese, and diacritics, Turkish ı, Cyrillic ё, Arabic, Persian and Hebrew
 *  variants. The folded form is the index term; the unfolded (exact) form, when different, is
 *  kept beside it for accent-sensitive search.
 *
 *  Words:
 *  - Han, Hiragana and Katakana are one term per character at consecutive positions, so any
 *    contiguous run is a phrase of its characters whatever a segmenter would have decided
 *    ("议改" inside "会议改到", "天开" inside "明天开会"), including runs next to Latin or digits
 *    (iPhone手机, 第3季度). They never reach ICU's dictionary segmenter. A base kana and its
 *    (half-width) voicing mark are one character (ｶﾞ -> ガ). Punctuation between them, such as
 *    the katakana middle dot, takes no position, so データ・ベース is the phrase データベース.
 *  - Hangul words (space separated, particles attached) are indexed with every prefix of
 *    the word at the same position, so a stem finds its inflections (회의 finds 회의를, 회의에서)
 *    but not a word that merely contains it (교회의).
 *  - Everything else uses ICU's word BreakIterator, whose dictionaries segment Thai, Lao,
 *    Khmer and Myanmar. The Khmer, Lao and Myanmar dictionaries keep some compounds whole
 *    (ភាសាខ្មែរ, "the Khmer language"), so a word of these scripts also carries, at its
 *    position, the dictionary words ICU finds inside it (ភាសា, ខ្មែរ).
 */
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace docket {

struct AnalyzedToken {
  std::string term;   // normalised, diacritic-insensitive term (UTF-8): what search matches
  std::string exact;  // the same word with its diacritics, when that differs from `term`
  // Other terms at the same position: a Hangul word's shorter prefixes (stems before
  // particles), the dictionary words inside a Lao, Khmer or Myanmar compound.
  std::vector<std::string> variants;
  size_t begin = 0;  // byte range in the analysed input the term came from (for highlighting)
  size_t end = 0;
  bool cjk = false;  // a single Han/Kana character; neighbours form phrases

  /// A word a Snowball stemmer should see: at least three bytes, no digits, not CJK.
  bool stemmable() const;
};

/// Not thread-safe (it owns ICU iterators); give each thread its own. Cheap to construct
/// relative to a document, so an instance per ingest worker or per request is fine.
class TextAnalyzer {
 public:
  TextAnalyzer();
  ~TextAnalyzer();
  TextAnalyzer(const TextAnalyzer&) = delete;
  TextAnalyzer& operator=(const TextAnalyzer&) = delete;

  /// NFKC_Casefold of `text` with the diacritic-insensitive fold, as one string (for keyword
  /// values such as custodian names). Invalid UTF-8 sequences become U+FFFD, never a failure.
  std::string Normalize(std::string_view text);

  /// The index terms of `text` in reading order; a term's position is its index in the vector.
  /// Punctuation and white space produce no terms. Terms longer than kMaxTermBytes are dropped
  /// (Xapian's limit is 245 bytes including the prefix).
  std::vector<AnalyzedToken> Tokenize(std::string_view text);

  /// The terms under which an address field is indexed and matched: the whole normalised
  /// address, its local part, its domain, and the words of a display name
  /// ("Alice Smith <sip:Alice@Contoso.com>" -> alice@contoso.com, alice, contoso.com, alice,
  /// smith).
  std::vector<std::string> AddressTerms(std::string_view address);

  /// "sip:Alice@Contoso.COM" / "Alice <alice@contoso.com>" -> "alice@contoso.com". Text without
  /// an '@' is returned normalised and trimmed.
  std::string NormalizeAddress(std::string_view address);

  static constexpr size_t kMaxTermBytes = 200;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace docket
