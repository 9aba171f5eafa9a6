/** @file
 *  @brief CLD2 behind DetectLanguage, Xapian's Snowball stemmers behind StemWord.
 */
#include "storage/language_detector.h"

#include <cld2/public/compact_lang_det.h>
#include <xapian.h>

#include <algorithm>
#include <array>
#include <cstdio>  // compact_lang_det.h uses FILE without including it
#include <map>
#include <utility>

namespace docket {

std::string DetectLanguage(std::string_view text) {
  constexpr size_t kMaxBytes = 64 * 1024;
  if (text.size() > kMaxBytes) {
    size_t cut = kMaxBytes;
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) {
      --cut;  // never hand CLD2 half a character
    }
    text = text.substr(0, cut);
  }
  CLD2::Language top3[3];
  int percent3[3];
  int text_bytes = 0;
  bool reliable = false;
  const CLD2::Language language =
      CLD2::DetectLanguageSummary(text.data(), static_cast<int>(text.size()),
                                  /*is_plain_text=*/true, top3, percent3, &text_bytes, &reliable);
  if (!reliable || language == CLD2::UNKNOWN_LANGUAGE) {
    return {};
  }
  return CLD2::LanguageCode(language);
}

std::string_view StemmerForLanguage(std::string_view code) {
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 25> kStemmers{{
      {"ar", "arabic"},     {"ca", "catalan"},   {"da", "danish"},     {"de", "german"},
      {"en", "english"},    {"es", "spanish"},   {"eu", "basque"},     {"fi", "finnish"},
      {"fr", "french"},     {"ga", "irish"},     {"hu", "hungarian"},  {"hy", "armenian"},
      {"id", "indonesian"}, {"it", "italian"},   {"lt", "lithuanian"}, {"ne", "nepali"},
      {"nl", "dutch"},      {"nn", "norwegian"}, {"no", "norwegian"},  {"pt", "portuguese"},
      {"ro", "romanian"},   {"ru", "russian"},   {"sv", "swedish"},    {"ta", "tamil"},
      {"tr", "turkish"},
  }};
  const auto it = std::find_if(kStemmers.begin(), kStemmers.end(),
                               [code](const auto& entry) { return entry.first == code; });
  return it != kStemmers.end() ? it->second : std::string_view();
}

std::string StemWord(std::string_view code, const std::string& term) {
  const std::string_view name = StemmerForLanguage(code);
  if (name.empty()) {
    return {};
  }
  // Xapian::Stem is not thread-safe, and building one per word would cost more than stemming.
  thread_local std::map<std::string, Xapian::Stem, std::less<>> stemmers;
  auto it = stemmers.find(name);
  if (it == stemmers.end()) {
    it = stemmers.emplace(std::string(name), Xapian::Stem(std::string(name))).first;
  }
  return it->second(term);
}

}  // namespace docket
