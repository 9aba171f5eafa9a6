/** @file
 *  @brief ICU adapter for charset conversion and detection: the indexer's only UErrorCode user.
 */
#include "indexer/charset_converter.h"

#include <unicode/normalizer2.h>
#include <unicode/ucnv.h>
#include <unicode/ucnv_err.h>
#include <unicode/ucsdet.h>
#include <unicode/unistr.h>
#include <unicode/utf8.h>

#include <algorithm>
#include <memory>
#include <optional>
#include <vector>

#include "common/strings.h"

namespace docket {
namespace {

// ucsdet reads at most this much; detection does not improve with more and costs time.
constexpr size_t kDetectBytes = 64 * 1024;
// Size of the UTF-16 chunk ucnv_toUnicode fills per call.
constexpr size_t kChunkUChars = 16 * 1024;

struct ConverterCloser {
  void operator()(UConverter* c) const { ucnv_close(c); }
};
using ConverterPtr = std::unique_ptr<UConverter, ConverterCloser>;

struct DetectorCloser {
  void operator()(UCharsetDetector* d) const { ucsdet_close(d); }
};

std::string Trimmed(std::string_view label) {
  auto is_junk = [](char c) {
    return c == ' ' || c == '\t' || c == '"' || c == '\'' || c == '\r' || c == '\n';
  };
  while (!label.empty() && is_junk(label.front())) {
    label.remove_prefix(1);
  }
  while (!label.empty() && is_junk(label.back())) {
    label.remove_suffix(1);
  }
  return std::string(label);
}

// Labels mailers use for a superset: decode with the superset so real-world bytes survive.
std::string EffectiveLabel(const std::string& label) {
  std::string lower = AsciiLower(label);
  if (lower == "gb2312" || lower == "gbk" || lower == "x-gbk" || lower == "cp936" ||
      lower == "euc-cn" || lower == "x-euc-cn") {
    return "windows-936";
  }
  if (lower == "ks_c_5601-1987" || lower == "euc-kr" || lower == "ks_c_5601") {
    return "windows-949";
  }
  return label;
}

// The name people know a converter by: "windows-1251", not "ibm-5347_P100-1998".
std::string StandardName(UConverter* conv) {
  UErrorCode status = U_ZERO_ERROR;
  const char* internal = ucnv_getName(conv, &status);
  if (U_FAILURE(status) || internal == nullptr) {
    return "unknown";
  }
  for (const char* standard : {"MIME", "IANA"}) {
    status = U_ZERO_ERROR;
    const char* name = ucnv_getStandardName(internal, standard, &status);
    if (U_SUCCESS(status) && name != nullptr) {
      return name;
    }
  }
  return internal;
}

ConverterPtr OpenConverter(const std::string& label) {
  if (label.empty()) {
    return nullptr;
  }
  UErrorCode status = U_ZERO_ERROR;
  ConverterPtr conv(ucnv_open(label.c_str(), &status));
  if (U_FAILURE(status)) {
    return nullptr;
  }
  return conv;
}

// Counts what the substitute callback replaces, so the warning can say how much was lost.
struct InvalidCounter {
  const char* base = nullptr;  // start of the input, to report offsets
  uint64_t count = 0;
  uint64_t first_offset = 0;
  UConverterToUCallback next = nullptr;
  const void* next_context = nullptr;
};

void CountingToUCallback(const void* context, UConverterToUnicodeArgs* args, const char* code_units,
                         int32_t length, UConverterCallbackReason reason, UErrorCode* err) {
  if (reason == UCNV_RESET || reason == UCNV_CLOSE || reason == UCNV_CLONE) {
    return;  // lifecycle calls, not conversion errors; `context` may be gone by now
  }
  auto* counter = static_cast<InvalidCounter*>(const_cast<void*>(context));
  if (reason == UCNV_ILLEGAL || reason == UCNV_IRREGULAR || reason == UCNV_UNASSIGNED) {
    if (counter->count == 0 && args->source != nullptr && counter->base != nullptr) {
      counter->first_offset = static_cast<uint64_t>(args->source - counter->base) -
                              static_cast<uint64_t>(std::max(length, 0));
    }
    ++counter->count;
  }
  UCNV_TO_U_CALLBACK_SUBSTITUTE(counter->next_context, args, code_units, length, reason, err);
}

struct Conversion {
  std::string utf8;
  uint64_t invalid = 0;
  uint64_t first_invalid_offset = 0;
};

std::optional<Conversion> Convert(UConverter* conv, std::string_view bytes) {
  InvalidCounter counter;
  counter.base = bytes.data();
  UErrorCode status = U_ZERO_ERROR;
  ucnv_setToUCallBack(conv, CountingToUCallback, &counter, &counter.next, &counter.next_context,
                      &status);
  if (U_FAILURE(status)) {
    return std::nullopt;
  }
  std::u16string utf16;
  std::vector<UChar> chunk(kChunkUChars);
  const char* source = bytes.data();
  const char* source_limit = bytes.data() + bytes.size();
  for (;;) {
    UChar* target = chunk.data();
    status = U_ZERO_ERROR;
    ucnv_toUnicode(conv, &target, chunk.data() + chunk.size(), &source, source_limit, nullptr,
                   /*flush=*/true, &status);
    utf16.append(chunk.data(), static_cast<size_t>(target - chunk.data()));
    if (status == U_BUFFER_OVERFLOW_ERROR) {
      continue;
    }
    if (U_FAILURE(status)) {
      return std::nullopt;
    }
    break;
  }
  // Restore ICU's callback so the converter no longer points at `counter`.
  status = U_ZERO_ERROR;
  ucnv_setToUCallBack(conv, counter.next, counter.next_context, nullptr, nullptr, &status);
  Conversion out;
  out.invalid = counter.count;
  out.first_invalid_offset = counter.first_offset;
  icu::UnicodeString text(false, utf16.data(), static_cast<int32_t>(utf16.size()));
  if (!text.isEmpty() && text.charAt(0) == 0xFEFF) {
    text.remove(0, 1);
  }
  text.toUTF8String(out.utf8);
  return out;
}

struct Detection {
  std::string name;
  int32_t confidence = 0;
};

std::optional<Detection> Detect(std::string_view bytes) {
  UErrorCode status = U_ZERO_ERROR;
  std::unique_ptr<UCharsetDetector, DetectorCloser> detector(ucsdet_open(&status));
  if (U_FAILURE(status)) {
    return std::nullopt;
  }
  size_t n = std::min(bytes.size(), kDetectBytes);
  ucsdet_setText(detector.get(), bytes.data(), static_cast<int32_t>(n), &status);
  const UCharsetMatch* match = ucsdet_detect(detector.get(), &status);
  if (U_FAILURE(status) || match == nullptr) {
    return std::nullopt;
  }
  Detection d;
  const char* name = ucsdet_getName(match, &status);
  d.confidence = ucsdet_getConfidence(match, &status);
  if (U_FAILURE(status) || name == nullptr) {
    return std::nullopt;
  }
  d.name = name;
  return d;
}

void AppendWarning(std::string* warning, const std::string& more) {
  if (!warning->empty()) {
    *warning += "; ";
  }
  *warning += more;
}

}  // namespace

namespace {

bool HasNonAscii(std::string_view bytes) {
  return std::any_of(bytes.begin(), bytes.end(), [](char c) { return (c & 0x80) != 0; });
}

// Why the label's own decoding is not to be trusted, or "" when it is. A label lies when its
// charset cannot decode the bytes, or when it is a one-byte charset (which decodes anything)
// and the bytes are clearly something else: valid multi-byte UTF-8 (the most common mislabel),
// or a multi-byte charset ucsdet is confident about.
std::string DistrustOfLabel(UConverter* conv, std::string_view bytes, const Conversion& converted,
                            const std::optional<Detection>& detection) {
  constexpr int32_t kLikely = 50;
  if (converted.invalid > 0) {
    // A few bad bytes in otherwise good text are damage, not a wrong label: only a confident
    // detection overrules the label.
    if (detection.has_value() && detection->confidence >= kLikely) {
      return std::to_string(converted.invalid) + " byte sequence(s) are invalid in it";
    }
    return {};
  }
  if (ucnv_getMaxCharSize(conv) != 1 || !HasNonAscii(bytes)) {
    return {};
  }
  if (IsValidUtf8(bytes)) {
    return "the bytes are valid UTF-8";
  }
  constexpr int32_t kConfident = 70;
  if (detection.has_value() && detection->confidence >= kConfident) {
    ConverterPtr detected = OpenConverter(detection->name);
    if (detected != nullptr && ucnv_getMaxCharSize(detected.get()) > 1) {
      return "the bytes look like " + detection->name + " (confidence " +
             std::to_string(detection->confidence) + ")";
    }
  }
  return {};
}

}  // namespace

Result<DecodedText> ConvertToUtf8(std::string_view bytes, std::string_view declared_charset) {
  DecodedText out;
  std::string label = Trimmed(declared_charset);
  ConverterPtr conv = OpenConverter(EffectiveLabel(label));
  std::optional<Conversion> converted;

  if (conv != nullptr) {
    out.charset = StandardName(conv.get());
    converted = Convert(conv.get(), bytes);
    if (!converted.has_value()) {
      return Status::Internal("ICU failed converting " + std::to_string(bytes.size()) +
                              " bytes from " + out.charset);
    }
    std::optional<Detection> detection;
    if (converted->invalid > 0 || (ucnv_getMaxCharSize(conv.get()) == 1 && HasNonAscii(bytes))) {
      detection = Detect(bytes);
    }
    const std::string distrust = DistrustOfLabel(conv.get(), bytes, *converted, detection);
    if (!distrust.empty()) {
      // Decode again with what the bytes are, and keep that only if it reads them cleanly.
      const std::string guess =
          distrust == "the bytes are valid UTF-8" ? "UTF-8" : (detection ? detection->name : "");
      ConverterPtr retry = guess.empty() ? nullptr : OpenConverter(guess);
      std::optional<Conversion> reconverted =
          retry != nullptr ? Convert(retry.get(), bytes) : std::nullopt;
      if (reconverted.has_value() && reconverted->invalid == 0) {
        out.detected = true;
        out.charset = StandardName(retry.get());
        out.warning = "charset label '" + label + "' is wrong (" + distrust + "); decoded as " +
                      out.charset + " by detection";
        out.utf8 = std::move(reconverted->utf8);
        return out;
      }
    }
  } else {
    // ISO-2022-JP/KR/CN are 7-bit and so valid UTF-8; their escape sequences give them away.
    const bool iso2022 = bytes.find("\x1B$") != std::string_view::npos ||
                         bytes.find("\x1B(J") != std::string_view::npos;
    if (label.empty() && !iso2022 && IsValidUtf8(bytes)) {
      conv = OpenConverter("UTF-8");
    } else {
      // Unknown label, or no label and not UTF-8: let ucsdet guess. windows-1252 is the last
      // resort because every byte decodes in it.
      std::optional<Detection> detection = Detect(bytes);
      std::string guess = detection.has_value() ? detection->name : "windows-1252";
      conv = OpenConverter(guess);
      if (conv == nullptr) {
        guess = "windows-1252";
        conv = OpenConverter(guess);
      }
      out.detected = true;
      std::string how = detection.has_value() && guess == detection->name
                            ? "decoded as " + guess + " by detection (confidence " +
                                  std::to_string(detection->confidence) + ")"
                            : "detection failed; decoded as windows-1252";
      out.warning = label.empty() ? "no charset label and the text is not UTF-8; " + how
                                  : "charset label '" + label + "' is unknown; " + how;
    }
    if (conv == nullptr) {
      return Status::Internal("ICU could not open a UTF-8 or windows-1252 converter");
    }
    out.charset = StandardName(conv.get());
    converted = Convert(conv.get(), bytes);
    if (!converted.has_value()) {
      return Status::Internal("ICU failed converting " + std::to_string(bytes.size()) +
                              " bytes from " + out.charset);
    }
  }
  out.utf8 = std::move(converted->utf8);
  if (converted->invalid > 0) {
    AppendWarning(&out.warning, std::to_string(converted->invalid) +
                                    " byte sequence(s) invalid in " + out.charset +
                                    " were replaced with U+FFFD (first at byte offset " +
                                    std::to_string(converted->first_invalid_offset) + ")");
  }
  return out;
}

std::string ToNfc(std::string_view utf8) {
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* nfc = icu::Normalizer2::getNFCInstance(status);
  if (U_FAILURE(status) || nfc == nullptr) {
    return std::string(utf8);
  }
  icu::UnicodeString text = icu::UnicodeString::fromUTF8(icu::StringPiece(
      utf8.data(), static_cast<int32_t>(std::min<size_t>(utf8.size(), INT32_MAX))));
  icu::UnicodeString normalized = nfc->normalize(text, status);
  if (U_FAILURE(status)) {
    return std::string(utf8);
  }
  std::string out;
  normalized.toUTF8String(out);
  return out;
}

}  // namespace docket
