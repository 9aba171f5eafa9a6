/** @file
 *  @brief The one analyzer: how text becomes index terms, at index time AND at query time.
 *
 *  Normalisation is ICU NFKC + case folding (so "ＡＢＣ", "ABC" and "abc" are one term, and
 *  German "Straße" matches "STRASSE"). Words are found with ICU's word BreakIterator, so the
 *  analyzer needs no language hint. Han, Hiragana and Katakana are indexed one character per
 *  term at consecutive positions: any contiguous run of CJK characters is then searchable as a
 *  phrase of those characters, whatever a word segmenter would have decided (a dictionary
 *  segmenter can split "会议改到" so that "议改" would never match; unigrams cannot miss).
 *  Hangul, Thai and other scripts keep ICU's word boundaries.
 *
 *  Because the indexer and the query parser both call this class there is no way for them to
 *  disagree about normalisation.
 */
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace docket {

struct AnalyzedToken {
  std::string term;  // normalised term (UTF-8)
  size_t begin = 0;  // byte range in the analysed input the term came from (for highlighting)
  size_t end = 0;
  bool cjk = false;  // a single Han/Kana character; neighbours form phrases
};

/// Not thread-safe (it owns ICU iterators); give each thread its own. Cheap to construct
/// relative to a document, so an instance per ingest worker or per request is fine.
class TextAnalyzer {
 public:
  TextAnalyzer();
  ~TextAnalyzer();
  TextAnalyzer(const TextAnalyzer&) = delete;
  TextAnalyzer& operator=(const TextAnalyzer&) = delete;

  /// NFKC_Casefold of `text`. Invalid UTF-8 sequences become U+FFFD rather than failing.
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
