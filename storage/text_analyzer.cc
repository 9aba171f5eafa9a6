/** @file
 *  @brief ICU-based analyzer: script runs, NFKC_Casefold, folds, CJK unigrams, Hangul prefixes.
 *
 *  Offsets are byte offsets of the caller's UTF-8 text throughout (the BreakIterator runs over
 *  a UTF-8 UText), so the highlighter needs no offset mapping: every term, even one that folding
 *  changed or produced from several characters, points at the original bytes it came from.
 */
#include "storage/text_analyzer.h"

#include <unicode/brkiter.h>
#include <unicode/bytestream.h>
#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/utext.h>
#include <unicode/utf16.h>
#include <unicode/utf8.h>

#include <algorithm>
#include <cctype>
#include <stdexcept>

#include "common/strings.h"
#include "storage/text_folding.h"

namespace docket {
namespace {

bool InRange(UChar32 c, UChar32 first, UChar32 last) { return c >= first && c <= last; }

// Characters indexed one per term. Hangul is not among them: it is written in words.
bool IsCjkUnit(UChar32 c) {
  return InRange(c, 0x3040, 0x309F) ||  // Hiragana (with iteration marks ゝゞ)
         InRange(c, 0x30A0, 0x30FF) ||  // Katakana (with ー, ヽヾ; the middle dot is skipped later)
         InRange(c, 0x31F0, 0x31FF) ||                 // Katakana phonetic extensions
         InRange(c, 0xFF66, 0xFF9D) ||                 // half-width Katakana and ｰ
         c == 0x3005 || c == 0x3006 || c == 0x303B ||  // 々 〆 〻
         InRange(c, 0x2E80, 0x2FDF) ||  // radicals (NFKC maps the Kangxi ones to ideographs)
         InRange(c, 0x3190, 0x319F) ||  // kanbun
         InRange(c, 0x3200, 0x33FF) ||  // enclosed and squared forms: ㈱ -> (株), ㍻ -> 平成
         InRange(c, 0x3400, 0x4DBF) || InRange(c, 0x4E00, 0x9FFF) || InRange(c, 0xF900, 0xFAFF) ||
         InRange(c, 0x20000, 0x3134F);
}

// Voicing marks that belong to the kana before them (ｶﾞ is one character: ガ).
bool IsVoicingMark(UChar32 c) { return c == 0x3099 || c == 0x309A || c == 0xFF9E || c == 0xFF9F; }

bool IsHangulSyllable(UChar32 c) { return InRange(c, 0xAC00, 0xD7A3); }

// Scripts whose ICU dictionaries keep compounds whole. Thai is not among them: its dictionary
// segments into short words already, and looking inside them cost five times the segmentation.
bool IsCompoundDictionaryScript(UChar32 c) {
  return InRange(c, 0x0E80, 0x0EFF) ||  // Lao
         InRange(c, 0x1780, 0x17FF) ||  // Khmer
         InRange(c, 0x1000, 0x109F);    // Myanmar
}

bool IsAscii(std::string_view text) {
  return std::all_of(text.begin(), text.end(), [](char c) { return (c & 0x80) == 0; });
}

std::string StripQuotes(std::string s) {
  if (s.size() >= 2 &&
      ((s.front() == '"' && s.back() == '"') || (s.front() == '\'' && s.back() == '\''))) {
    return std::string(TrimWhitespace(std::string_view(s).substr(1, s.size() - 2)));
  }
  return s;
}

}  // namespace

bool AnalyzedToken::stemmable() const {
  return !cjk && term.size() >= 3 &&
         std::none_of(term.begin(), term.end(), [](char c) { return c >= '0' && c <= '9'; });
}

struct TextAnalyzer::Impl {
  const icu::Normalizer2* normalizer = nullptr;
  std::unique_ptr<icu::BreakIterator> words;
  // For the insides of one word, while `words` is in the middle of the text.
  std::unique_ptr<icu::BreakIterator> inner_words;
  std::unique_ptr<icu::BreakIterator> characters;
  UText* utext = nullptr;
  UText* inner_utext = nullptr;

  ~Impl() {
    utext_close(utext);
    utext_close(inner_utext);
  }

  // NFKC_Casefold of UTF-8 `text` into `scratch`, straight from UTF-8 to UTF-8; returns the
  // text itself when it already is (most words are).
  std::string_view CaseFold(std::string_view text, std::string* scratch) const {
    const icu::StringPiece piece(text.data(), static_cast<int32_t>(text.size()));
    UErrorCode err = U_ZERO_ERROR;
    if (normalizer->isNormalizedUTF8(piece, err) && U_SUCCESS(err)) {
      return text;
    }
    err = U_ZERO_ERROR;
    scratch->clear();
    icu::StringByteSink<std::string> sink(scratch, static_cast<int32_t>(text.size()));
    normalizer->normalizeUTF8(0, piece, sink, nullptr, err);
    return U_FAILURE(err) ? text : std::string_view(*scratch);  // cannot fail on valid input
  }

  // The folded term and, when different, the exact form of a non-ASCII word.
  void Fold(std::string_view word, std::string* term, std::string* exact) const {
    std::string scratch;
    const std::string_view folded = CaseFold(word, &scratch);
    term->clear();
    term->reserve(folded.size());
    exact->clear();
    bool differs = false;
    const auto length = static_cast<int32_t>(folded.size());
    for (int32_t i = 0; i < length;) {
      const int32_t begin = i;
      UChar32 c = 0;
      U8_NEXT(folded.data(), i, length, c);
      if (c < 0) {
        term->append("\xEF\xBF\xBD");  // U+FFFD for a byte ICU left invalid
        if (differs) {
          exact->append("\xEF\xBF\xBD");
        }
        continue;
      }
      const std::string_view original =
          folded.substr(static_cast<size_t>(begin), static_cast<size_t>(i - begin));
      if (IsFoldInvariant(static_cast<char32_t>(c))) {
        term->append(original);
        if (differs) {
          exact->append(original);
        }
        continue;
      }
      const size_t before = term->size();
      AppendFolded(static_cast<char32_t>(c), FoldStrength::kDiacriticInsensitive, term);
      const std::string_view loose(term->data() + before, term->size() - before);
      // The exact folds are a subset of the diacritic-insensitive ones: where the latter left a
      // character alone, so did the former, and the exact form needs no work of its own.
      if (loose == original) {
        if (differs) {
          exact->append(original);
        }
        continue;
      }
      std::string strict;
      AppendFolded(static_cast<char32_t>(c), FoldStrength::kExact, &strict);
      if (!differs && strict != loose) {
        differs = true;
        exact->assign(*term, 0, before);  // the two forms agreed up to here
      }
      if (differs) {
        exact->append(strict);
      }
    }
  }

  std::string Normalize(std::string_view text) const {
    // NFKC_Casefold of ASCII is exactly ASCII lower-casing, and nothing in ASCII folds further:
    // most Latin-script words take this path and skip the UTF-16 round trip.
    if (IsAscii(text)) {
      std::string out(text);
      for (char& c : out) {
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      }
      return out;
    }
    std::string term;
    std::string exact;
    Fold(text, &term, &exact);
    return term;
  }

  // One word of a non-CJK run: [begin, end) of `text`.
  void EmitWord(std::string_view text, size_t begin, size_t end, std::vector<AnalyzedToken>* out) {
    const std::string_view word = text.substr(begin, end - begin);
    AnalyzedToken token;
    token.begin = begin;
    token.end = end;
    if (IsAscii(word)) {
      token.term = Normalize(word);
    } else {
      Fold(word, &token.term, &token.exact);
    }
    if (token.term.empty() || token.term.size() > kMaxTermBytes) {
      return;
    }
    AddHangulPrefixes(&token);
    AddDictionarySubwords(word, &token);
    out->push_back(std::move(token));
  }

  // ភាសាខ្មែរ -> ខ្មែរ and ភាសា (see AnalyzedToken::variants): the dictionary words ICU finds
  // in the compound without its first grapheme cluster, and without its last one. Two
  // segmenter runs per word instead of one per cluster; cuts are at cluster boundaries, so a
  // vowel sign or tone mark is never separated from its consonant.
  void AddDictionarySubwords(std::string_view word, AnalyzedToken* token) {
    int32_t first = 0;
    UChar32 c = 0;
    U8_NEXT(word.data(), first, static_cast<int32_t>(word.size()), c);
    if (!IsCompoundDictionaryScript(c)) {
      return;
    }
    UErrorCode err = U_ZERO_ERROR;
    inner_utext = utext_openUTF8(inner_utext, word.data(), static_cast<int64_t>(word.size()), &err);
    characters->setText(inner_utext, err);
    if (U_FAILURE(err)) {
      return;
    }
    const int32_t first_cluster_end = characters->following(0);
    const int32_t last_cluster_begin = characters->preceding(static_cast<int32_t>(word.size()));
    if (first_cluster_end == icu::BreakIterator::DONE ||
        last_cluster_begin == icu::BreakIterator::DONE || first_cluster_end >= last_cluster_begin) {
      return;  // fewer than three clusters: nothing inside worth a term
    }
    const auto add = [this, token](std::string_view piece) {
      std::string term = Normalize(piece);
      if (!term.empty() && term != token->term &&
          std::find(token->variants.begin(), token->variants.end(), term) ==
              token->variants.end()) {
        token->variants.push_back(std::move(term));
      }
    };
    for (const std::string_view part : {word.substr(static_cast<size_t>(first_cluster_end)),
                                        word.substr(0, static_cast<size_t>(last_cluster_begin))}) {
      err = U_ZERO_ERROR;
      inner_utext =
          utext_openUTF8(inner_utext, part.data(), static_cast<int64_t>(part.size()), &err);
      inner_words->setText(inner_utext, err);
      if (U_FAILURE(err)) {
        continue;
      }
      int32_t from = inner_words->first();
      for (int32_t to = inner_words->next(); to != icu::BreakIterator::DONE;
           from = to, to = inner_words->next()) {
        if (inner_words->getRuleStatus() != UBRK_WORD_NONE) {
          add(part.substr(static_cast<size_t>(from), static_cast<size_t>(to - from)));
        }
      }
    }
  }

  // 회의를 -> 회의, 회: Korean attaches particles and endings to the stem, so every prefix of
  // the word is a term at the word's position.
  static void AddHangulPrefixes(AnalyzedToken* token) {
    const std::string& term = token->term;
    int32_t i = 0;
    const auto length = static_cast<int32_t>(term.size());
    while (i < length) {
      UChar32 c = 0;
      U8_NEXT(term.data(), i, length, c);
      if (!IsHangulSyllable(c)) {
        return;  // only a word that is Hangul from its start
      }
      if (i < length) {
        token->variants.push_back(term.substr(0, static_cast<size_t>(i)));
      }
    }
  }

  // One CJK character [begin, end) of `text` (with its voicing mark): one term per character
  // of its fold (compatibility characters such as ㍻ fold to several).
  void EmitCjk(std::string_view text, size_t begin, size_t end,
               std::vector<AnalyzedToken>* out) const {
    std::string scratch;
    const std::string_view folded = CaseFold(text.substr(begin, end - begin), &scratch);
    const auto length = static_cast<int32_t>(folded.size());
    for (int32_t i = 0; i < length;) {
      UChar32 c = 0;
      U8_NEXT(folded.data(), i, length, c);
      if (c < 0 || (!u_hasBinaryProperty(c, UCHAR_ALPHABETIC) && !u_isdigit(c))) {
        continue;  // the katakana middle dot, brackets from ㈱, ...
      }
      std::string term;
      AppendFolded(static_cast<char32_t>(c), FoldStrength::kDiacriticInsensitive, &term);
      if (!term.empty()) {
        out->push_back({std::move(term), {}, {}, begin, end, true});
      }
    }
  }

  // A run of text without CJK characters: [begin, end) of `text`, through ICU's word breaks.
  void EmitRun(std::string_view text, size_t begin, size_t end, std::vector<AnalyzedToken>* out) {
    if (begin >= end) {
      return;
    }
    UErrorCode err = U_ZERO_ERROR;
    utext = utext_openUTF8(utext, text.data() + begin, static_cast<int64_t>(end - begin), &err);
    if (U_FAILURE(err)) {
      return;
    }
    words->setText(utext, err);
    if (U_FAILURE(err)) {
      return;
    }
    int32_t from = words->first();
    for (int32_t to = words->next(); to != icu::BreakIterator::DONE;
         from = to, to = words->next()) {
      if (words->getRuleStatus() == UBRK_WORD_NONE) {
        continue;  // spaces and punctuation
      }
      EmitWord(text, begin + static_cast<size_t>(from), begin + static_cast<size_t>(to), out);
    }
  }
};

TextAnalyzer::TextAnalyzer() : impl_(std::make_unique<Impl>()) {
  UErrorCode err = U_ZERO_ERROR;
  impl_->normalizer = icu::Normalizer2::getNFKCCasefoldInstance(err);
  impl_->words.reset(icu::BreakIterator::createWordInstance(icu::Locale::getRoot(), err));
  impl_->inner_words.reset(icu::BreakIterator::createWordInstance(icu::Locale::getRoot(), err));
  impl_->characters.reset(icu::BreakIterator::createCharacterInstance(icu::Locale::getRoot(), err));
  if (U_FAILURE(err) || impl_->normalizer == nullptr || impl_->words == nullptr ||
      impl_->inner_words == nullptr || impl_->characters == nullptr) {
    // ICU's data library is missing: the installation is broken, not the input.
    throw std::runtime_error(std::string("ICU could not load its data: ") + u_errorName(err));
  }
}

TextAnalyzer::~TextAnalyzer() = default;

std::string TextAnalyzer::Normalize(std::string_view text) { return impl_->Normalize(text); }

std::vector<AnalyzedToken> TextAnalyzer::Tokenize(std::string_view text) {
  std::vector<AnalyzedToken> tokens;
  size_t run_begin = 0;  // start of the pending non-CJK run
  const auto length = static_cast<int32_t>(text.size());
  int32_t i = 0;
  while (i < length) {
    const auto cp_begin = static_cast<size_t>(i);
    const auto lead = static_cast<unsigned char>(text[cp_begin]);
    if (lead < 0xE2) {
      // Below U+2000 (ASCII, Latin, Cyrillic, Arabic, Thai...): never a CJK unit, skip it
      // without decoding. A stray continuation byte is skipped alone.
      i += lead < 0xC0 ? 1 : (lead < 0xE0 ? 2 : 3);
      i = std::min(i, length);
      continue;
    }
    UChar32 c = 0;
    U8_NEXT(text.data(), i, length, c);
    if (c < 0 || !IsCjkUnit(c)) {
      continue;
    }
    impl_->EmitRun(text, run_begin, cp_begin, &tokens);
    while (i < length) {  // the voicing marks that go with this kana
      int32_t next = i;
      UChar32 mark = 0;
      U8_NEXT(text.data(), next, length, mark);
      if (!IsVoicingMark(mark)) {
        break;
      }
      i = next;
    }
    impl_->EmitCjk(text, cp_begin, static_cast<size_t>(i), &tokens);
    run_begin = static_cast<size_t>(i);
  }
  impl_->EmitRun(text, run_begin, text.size(), &tokens);
  return tokens;
}

std::string TextAnalyzer::NormalizeAddress(std::string_view address) {
  std::string s(TrimWhitespace(address));
  const size_t lt = s.rfind('<');
  const size_t gt = s.rfind('>');
  if (lt != std::string::npos && gt != std::string::npos && gt > lt) {
    s = std::string(TrimWhitespace(std::string_view(s).substr(lt + 1, gt - lt - 1)));
  }
  s = StripQuotes(std::move(s));
  for (std::string_view scheme : {"sip:", "mailto:", "smtp:"}) {
    if (s.size() >= scheme.size() &&
        EqualsIgnoreCase(std::string_view(s).substr(0, scheme.size()), scheme)) {
      s.erase(0, scheme.size());
      break;
    }
  }
  return Normalize(TrimWhitespace(s));
}

std::vector<std::string> TextAnalyzer::AddressTerms(std::string_view address) {
  std::vector<std::string> terms;
  const auto add = [&terms](std::string term) {
    if (term.empty() || term.size() > kMaxTermBytes) {
      return;
    }
    for (const auto& t : terms) {
      if (t == term) {
        return;
      }
    }
    terms.push_back(std::move(term));
  };
  const std::string normalized = NormalizeAddress(address);
  add(normalized);
  const size_t at = normalized.find('@');
  if (at != std::string::npos) {
    const std::string local = normalized.substr(0, at);
    add(local);
    add(normalized.substr(at + 1));
    // "chen.dawen" is also found as "chen" and "dawen". ICU keeps "chen.dawen" as one word, so
    // split on the usual local-part separators first.
    size_t piece_begin = 0;
    for (size_t i = 0; i <= local.size(); ++i) {
      if (i == local.size() || local[i] == '.' || local[i] == '_' || local[i] == '-' ||
          local[i] == '+') {
        for (const auto& token :
             Tokenize(std::string_view(local).substr(piece_begin, i - piece_begin))) {
          add(token.term);
        }
        piece_begin = i + 1;
      }
    }
  }
  const size_t lt = address.rfind('<');
  if (lt != std::string::npos && lt > 0) {
    for (auto& token : Tokenize(StripQuotes(std::string(TrimWhitespace(address.substr(0, lt)))))) {
      add(std::move(token.term));
    }
  }
  return terms;
}

}  // namespace docket
