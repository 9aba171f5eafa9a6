/** @file
 *  @brief Character folds (see text_folding.h): ICU for decompositions and scripts, OpenCC's
 *         TSCharacters dictionary for Traditional -> Simplified Chinese.
 */
#include "storage/text_folding.h"

#include <unicode/normalizer2.h>
#include <unicode/utf16.h>
#include <unicode/utf8.h>

#include <cstdio>
#include <memory>
#include <mutex>
#include <opencc/Lexicon.hpp>
#include <opencc/MarisaDict.hpp>
#include <unordered_map>
#include <vector>

#ifndef DOCKET_OPENCC_DATA_DIR
#define DOCKET_OPENCC_DATA_DIR "/usr/share/opencc"
#endif

namespace docket {
namespace {

bool InRange(char32_t c, char32_t first, char32_t last) { return c >= first && c <= last; }

void AppendCodePoint(char32_t c, std::string* out) {
  char buffer[U8_MAX_LENGTH];
  int32_t length = 0;
  UBool error = false;
  U8_APPEND(buffer, length, U8_MAX_LENGTH, static_cast<UChar32>(c), error);
  if (!error) {
    out->append(buffer, static_cast<size_t>(length));
  }
}

bool IsHan(char32_t c) {
  return InRange(c, 0x3400, 0x4DBF) || InRange(c, 0x4E00, 0x9FFF) || InRange(c, 0xF900, 0xFAFF) ||
         InRange(c, 0x20000, 0x3134F);
}

// Combining marks that only ever accent a letter: removed by the diacritic-insensitive fold.
bool IsAccentMark(char32_t c) {
  return InRange(c, 0x0300, 0x036F) || InRange(c, 0x1AB0, 0x1AFF) || InRange(c, 0x1DC0, 0x1DFF) ||
         InRange(c, 0xFE20, 0xFE2F);
}

bool IsArabicMark(char32_t c) {
  return InRange(c, 0x0610, 0x061A) || InRange(c, 0x064B, 0x065F) || c == 0x0670 ||
         InRange(c, 0x06D6, 0x06DC) || InRange(c, 0x06DF, 0x06E4) || InRange(c, 0x06E7, 0x06E8) ||
         InRange(c, 0x06EA, 0x06ED) || (InRange(c, 0x08D3, 0x08FF) && c != 0x08E2);
}

bool IsHebrewPoint(char32_t c) {
  return InRange(c, 0x0591, 0x05BD) || c == 0x05BF || c == 0x05C1 || c == 0x05C2 || c == 0x05C4 ||
         c == 0x05C5 || c == 0x05C7;
}

// Arabic and Persian letter variants written interchangeably (the unification Lucene's
// ArabicNormalizer and PersianNormalizer apply); 0 when `c` is not one.
char32_t ArabicLetterFold(char32_t c) {
  switch (c) {
    case 0x0622:  // alef with madda above
    case 0x0623:  // alef with hamza above
    case 0x0625:  // alef with hamza below
    case 0x0671:  // alef wasla
    case 0x0672:
    case 0x0673:
      return 0x0627;  // alef
    case 0x0649:      // alef maksura
    case 0x06CC:      // Farsi yeh
    case 0x0626:      // yeh with hamza above
      return 0x064A;  // yeh
    case 0x06A9:      // keheh (Persian kaf)
      return 0x0643;  // kaf
    case 0x0624:      // waw with hamza above
      return 0x0648;  // waw
    case 0x0629:      // teh marbuta
    case 0x06C0:      // heh with yeh above
    case 0x06C1:      // heh goal
    case 0x06D5:      // ae
      return 0x0647;  // heh
    default:
      return 0;
  }
}

const icu::Normalizer2* Nfd() {
  UErrorCode err = U_ZERO_ERROR;
  static const icu::Normalizer2* nfd = icu::Normalizer2::getNFDInstance(err);
  return nfd;
}

// The base letter and the marks of a precomposed Latin or Greek letter, marks dropped.
// False when `c` has no canonical decomposition.
bool AppendWithoutAccents(char32_t c, std::string* out) {
  const icu::Normalizer2* nfd = Nfd();
  icu::UnicodeString decomposition;
  if (nfd == nullptr || !nfd->getDecomposition(static_cast<UChar32>(c), decomposition)) {
    return false;
  }
  for (int32_t i = 0; i < decomposition.length();) {
    const UChar32 part = decomposition.char32At(i);
    i += U16_LENGTH(part);
    if (!IsAccentMark(static_cast<char32_t>(part))) {
      AppendCodePoint(static_cast<char32_t>(part), out);
    }
  }
  return true;
}

struct HanTable {
  std::vector<char32_t> bmp;  // indexed by c - kBmpFirst; 0 = no mapping
  std::unordered_map<char32_t, char32_t> supplementary;
  std::string error;

  static constexpr char32_t kBmpFirst = 0x3400;
  static constexpr char32_t kBmpLast = 0xFAFF;

  HanTable() : bmp(kBmpLast - kBmpFirst + 1, 0) {
    const std::string path = std::string(DOCKET_OPENCC_DATA_DIR) + "/TSCharacters.ocd2";
    std::unique_ptr<FILE, int (*)(FILE*)> file(std::fopen(path.c_str(), "rb"), &std::fclose);
    if (file == nullptr) {
      error = "cannot open " + path + " (install the Debian package libopencc1.1)";
      return;
    }
    try {
      const opencc::MarisaDictPtr dict = opencc::MarisaDict::NewFromFile(file.get());
      for (const auto& entry : *dict->GetLexicon()) {
        const char32_t from = SingleCodePoint(entry->Key());
        const char32_t to = SingleCodePoint(entry->GetDefault());
        if (from == 0 || to == 0 || from == to) {
          continue;  // phrases and identities are not character folds
        }
        if (InRange(from, kBmpFirst, kBmpLast)) {
          bmp[from - kBmpFirst] = to;
        } else {
          supplementary.emplace(from, to);
        }
      }
    } catch (const std::exception& e) {
      error = "cannot read " + path + ": " + e.what();
    } catch (...) {
      error = "cannot read " + path;
    }
  }

  // The code point of a one-character UTF-8 string; 0 otherwise.
  static char32_t SingleCodePoint(const std::string& utf8) {
    int32_t i = 0;
    UChar32 c = 0;
    U8_NEXT(utf8.data(), i, static_cast<int32_t>(utf8.size()), c);
    return (c > 0 && static_cast<size_t>(i) == utf8.size()) ? static_cast<char32_t>(c) : 0;
  }

  char32_t Fold(char32_t c) const {
    if (InRange(c, kBmpFirst, kBmpLast)) {
      const char32_t to = bmp[c - kBmpFirst];
      return to != 0 ? to : c;
    }
    const auto it = supplementary.find(c);
    return it != supplementary.end() ? it->second : c;
  }
};

const HanTable& Han() {
  static const HanTable table;
  return table;
}

}  // namespace

char32_t SimplifiedHan(char32_t c) { return Han().Fold(c); }

bool IsFoldInvariant(char32_t c) {
  if (c < 0x80) {
    return true;
  }
  if (InRange(c, 0x0430, 0x044F) || InRange(c, 0x0452, 0x045F)) {
    return true;  // lower-case Cyrillic (ѐ and ё are folded)
  }
  if (InRange(c, 0x0627, 0x063A) || InRange(c, 0x0641, 0x0648) || c == 0x064A) {
    return c != 0x0629;  // Arabic letters; teh marbuta folds to heh
  }
  return InRange(c, 0x05D0, 0x05EA) ||  // Hebrew letters
         InRange(c, 0x0E01, 0x0E30) ||  // Thai consonants and leading vowels
         InRange(c, 0x3040, 0x30FF) ||  // kana
         InRange(c, 0xAC00, 0xD7A3);    // Hangul syllables
}

bool ChineseFoldingAvailable(std::string* why) {
  const HanTable& table = Han();
  if (why != nullptr) {
    *why = table.error;
  }
  return table.error.empty();
}

bool AppendFolded(char32_t c, FoldStrength strength, std::string* out) {
  if (c < 0x80) {
    out->push_back(static_cast<char>(c));
    return true;
  }
  if (c == 0x0640) {  // tatweel: stretches a word, never changes it
    return false;
  }
  if (IsHan(c)) {
    AppendCodePoint(SimplifiedHan(c), out);
    return true;
  }
  if (strength == FoldStrength::kExact) {
    AppendCodePoint(c, out);
    return true;
  }
  if (IsAccentMark(c) || IsArabicMark(c) || IsHebrewPoint(c)) {
    // A combining mark that NFKC could not compose with its base: Russian stress marks,
    // tones typed as combining characters, tashkeel, niqqud.
    return false;
  }
  if (c == 0x0131) {  // Turkish dotless i
    out->push_back('i');
    return true;
  }
  if (const char32_t arabic = ArabicLetterFold(c); arabic != 0) {
    AppendCodePoint(arabic, out);
    return true;
  }
  if (c == 0x0450 || c == 0x0451) {  // ѐ ё
    AppendCodePoint(0x0435, out);
    return true;
  }
  const bool latin = InRange(c, 0x00C0, 0x024F) || InRange(c, 0x1E00, 0x1EFF);
  const bool greek = InRange(c, 0x0370, 0x03FF) || InRange(c, 0x1F00, 0x1FFF);
  if ((latin || greek) && AppendWithoutAccents(c, out)) {
    return true;
  }
  AppendCodePoint(c, out);
  return true;
}

}  // namespace docket
