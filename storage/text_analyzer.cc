/** @file
 *  @brief ICU-based analyzer: NFKC_Casefold, word boundaries, CJK unigrams.
 *
 *  The word BreakIterator runs over a UTF-8 UText, so its boundaries are byte offsets of the
 *  caller's text and highlighting needs no offset mapping. Each word is then normalised on its
 *  own; CJK code points are emitted one per term from the original text so that their byte
 *  ranges stay exact.
 */
#include "storage/text_analyzer.h"

#include <unicode/brkiter.h>
#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/uscript.h>
#include <unicode/utext.h>
#include <unicode/utf8.h>

#include <algorithm>
#include <cctype>
#include <stdexcept>

#include "common/strings.h"

namespace docket {
namespace {

bool IsCjk(UChar32 c) {
  if (c == 0x30FC || c == 0x3005) {  // prolonged sound mark, ideographic iteration mark
    return true;
  }
  UErrorCode err = U_ZERO_ERROR;
  const UScriptCode script = uscript_getScript(c, &err);
  if (U_FAILURE(err)) {
    return false;
  }
  return script == USCRIPT_HAN || script == USCRIPT_HIRAGANA || script == USCRIPT_KATAKANA;
}

std::string StripQuotes(std::string s) {
  if (s.size() >= 2 &&
      ((s.front() == '"' && s.back() == '"') || (s.front() == '\'' && s.back() == '\''))) {
    return std::string(TrimWhitespace(std::string_view(s).substr(1, s.size() - 2)));
  }
  return s;
}

}  // namespace

struct TextAnalyzer::Impl {
  const icu::Normalizer2* normalizer = nullptr;
  std::unique_ptr<icu::BreakIterator> words;

  std::string Normalize(std::string_view text) const {
    // NFKC_Casefold of ASCII is exactly ASCII lower-casing; most terms in Latin-script text
    // take this path and skip two UTF-16 conversions.
    if (std::all_of(text.begin(), text.end(), [](char c) { return (c & 0x80) == 0; })) {
      std::string out(text);
      for (char& c : out) {
        if (c >= 'A' && c <= 'Z') {
          c = static_cast<char>(c - 'A' + 'a');
        }
      }
      return out;
    }
    const icu::UnicodeString source = icu::UnicodeString::fromUTF8(
        icu::StringPiece(text.data(), static_cast<int32_t>(text.size())));
    UErrorCode err = U_ZERO_ERROR;
    const icu::UnicodeString folded = normalizer->normalize(source, err);
    std::string out;
    if (U_FAILURE(err)) {
      source.toUTF8String(out);  // normalisation cannot fail on valid UTF-16; keep the text
      return out;
    }
    folded.toUTF8String(out);
    return out;
  }

  // Emits the terms of one word segment [begin, end) of `text`.
  void EmitSegment(std::string_view text, size_t begin, size_t end,
                   std::vector<AnalyzedToken>* out) const {
    size_t run_begin = begin;  // start of the pending non-CJK run
    size_t pos = begin;
    const auto flush_run = [&](size_t run_end) {
      if (run_end > run_begin) {
        std::string term = Normalize(text.substr(run_begin, run_end - run_begin));
        if (!term.empty() && term.size() <= kMaxTermBytes) {
          out->push_back({std::move(term), run_begin, run_end, false});
        }
      }
    };
    while (pos < end) {
      const size_t cp_begin = pos;
      UChar32 c = 0;
      int32_t i = static_cast<int32_t>(pos);
      U8_NEXT(text.data(), i, static_cast<int32_t>(end), c);
      pos = static_cast<size_t>(i);
      if (c >= 0 && IsCjk(c)) {
        flush_run(cp_begin);
        std::string term = Normalize(text.substr(cp_begin, pos - cp_begin));
        if (!term.empty()) {
          out->push_back({std::move(term), cp_begin, pos, true});
        }
        run_begin = pos;
      }
    }
    flush_run(end);
  }
};

TextAnalyzer::TextAnalyzer() : impl_(std::make_unique<Impl>()) {
  UErrorCode err = U_ZERO_ERROR;
  impl_->normalizer = icu::Normalizer2::getNFKCCasefoldInstance(err);
  impl_->words.reset(icu::BreakIterator::createWordInstance(icu::Locale::getRoot(), err));
  if (U_FAILURE(err) || impl_->normalizer == nullptr || impl_->words == nullptr) {
    // ICU's data library is missing: the installation is broken, not the input.
    throw std::runtime_error(std::string("ICU could not load its data: ") + u_errorName(err));
  }
}

TextAnalyzer::~TextAnalyzer() = default;

std::string TextAnalyzer::Normalize(std::string_view text) { return impl_->Normalize(text); }

std::vector<AnalyzedToken> TextAnalyzer::Tokenize(std::string_view text) {
  std::vector<AnalyzedToken> tokens;
  if (text.empty()) {
    return tokens;
  }
  UErrorCode err = U_ZERO_ERROR;
  UText* utext = utext_openUTF8(nullptr, text.data(), static_cast<int64_t>(text.size()), &err);
  if (U_FAILURE(err)) {
    return tokens;
  }
  impl_->words->setText(utext, err);
  if (U_FAILURE(err)) {
    utext_close(utext);
    return tokens;
  }
  int32_t begin = impl_->words->first();
  for (int32_t end = impl_->words->next(); end != icu::BreakIterator::DONE;
       begin = end, end = impl_->words->next()) {
    if (impl_->words->getRuleStatus() == UBRK_WORD_NONE) {
      continue;  // spaces and punctuation
    }
    impl_->EmitSegment(text, static_cast<size_t>(begin), static_cast<size_t>(end), &tokens);
  }
  // The iterator keeps a shallow clone pointing into `text`; it is re-pointed by the next
  // setText() before any further use, so closing our UText here is safe.
  utext_close(utext);
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
