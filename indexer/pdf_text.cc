/** @file
 *  @brief poppler-cpp adapter: opens the document from memory, reads pages, Info and
 *         attachments, and turns poppler's silent failures into statuses and warnings.
 */
#include "indexer/pdf_text.h"

#include <poppler-document.h>
#include <poppler-embedded-file.h>
#include <poppler-global.h>
#include <poppler-page.h>

#include <algorithm>
#include <climits>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/strings.h"

namespace docket {
namespace {

// Poppler reports problems through one process-wide callback (by default to stderr). The
// callback runs on the thread that is parsing, so a thread-local sink gives each extraction
// its own messages.
thread_local std::vector<std::string>* t_poppler_messages = nullptr;
constexpr size_t kMaxKeptMessages = 16;

void CollectPopplerMessage(const std::string& message, void* /*closure*/) {
  if (t_poppler_messages != nullptr && t_poppler_messages->size() < kMaxKeptMessages) {
    t_poppler_messages->push_back(std::string(TrimWhitespace(message)));
  }
}

void SilencePopplerOnce() {
  static std::once_flag once;
  std::call_once(once, [] { poppler::set_debug_error_function(CollectPopplerMessage, nullptr); });
}

class PopplerMessageScope {
 public:
  explicit PopplerMessageScope(std::vector<std::string>* sink) { t_poppler_messages = sink; }
  ~PopplerMessageScope() { t_poppler_messages = nullptr; }
  PopplerMessageScope(const PopplerMessageScope&) = delete;
  PopplerMessageScope& operator=(const PopplerMessageScope&) = delete;
};

void AppendUtf8(char32_t code_point, std::string* out) {
  if (code_point < 0x80) {
    *out += static_cast<char>(code_point);
  } else if (code_point < 0x800) {
    *out += static_cast<char>(0xC0 | (code_point >> 6));
    *out += static_cast<char>(0x80 | (code_point & 0x3F));
  } else if (code_point < 0x10000) {
    *out += static_cast<char>(0xE0 | (code_point >> 12));
    *out += static_cast<char>(0x80 | ((code_point >> 6) & 0x3F));
    *out += static_cast<char>(0x80 | (code_point & 0x3F));
  } else {
    *out += static_cast<char>(0xF0 | (code_point >> 18));
    *out += static_cast<char>(0x80 | ((code_point >> 12) & 0x3F));
    *out += static_cast<char>(0x80 | ((code_point >> 6) & 0x3F));
    *out += static_cast<char>(0x80 | (code_point & 0x3F));
  }
}

// UTF-16 code units (poppler::ustring, or big-endian bytes decoded by the caller) to UTF-8;
// an unpaired surrogate becomes U+FFFD.
template <typename Units>
std::string Utf16ToUtf8(const Units& units) {
  std::string out;
  out.reserve(units.size());
  for (size_t i = 0; i < units.size(); ++i) {
    const char32_t unit = static_cast<char16_t>(units[i]);
    if (unit >= 0xD800 && unit <= 0xDBFF && i + 1 < units.size()) {
      const char32_t low = static_cast<char16_t>(units[i + 1]);
      if (low >= 0xDC00 && low <= 0xDFFF) {
        AppendUtf8(0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00), &out);
        ++i;
        continue;
      }
    }
    AppendUtf8(unit >= 0xD800 && unit <= 0xDFFF ? U'\uFFFD' : unit, &out);
  }
  return out;
}

std::string ToUtf8(const poppler::ustring& text) { return Utf16ToUtf8(text); }

// A PDF text string as poppler hands it over raw: UTF-16BE after a byte-order mark, else
// PDFDocEncoding, which matches Latin-1 for the characters file names use.
std::string PdfStringToUtf8(std::string_view raw) {
  if (raw.size() >= 2 && static_cast<unsigned char>(raw[0]) == 0xFE &&
      static_cast<unsigned char>(raw[1]) == 0xFF) {
    std::u16string units;
    for (size_t i = 2; i + 1 < raw.size(); i += 2) {
      units += static_cast<char16_t>((static_cast<unsigned char>(raw[i]) << 8) |
                                     static_cast<unsigned char>(raw[i + 1]));
    }
    return Utf16ToUtf8(units);
  }
  if (IsValidUtf8(raw)) {
    return std::string(raw);
  }
  std::string out;
  for (char c : raw) {
    AppendUtf8(static_cast<unsigned char>(c), &out);
  }
  return out;
}

std::string PageList(const std::vector<int>& pages) {
  constexpr size_t kListed = 20;
  std::string out;
  for (size_t i = 0; i < pages.size() && i < kListed; ++i) {
    out += i == 0 ? "" : ", ";
    out += std::to_string(pages[i]);
  }
  if (pages.size() > kListed) {
    out += " and " + std::to_string(pages.size() - kListed) + " more";
  }
  return out;
}

// Reading order: poppler's default text flow (columns are followed), not the physical layout
// (which pads with spaces and interleaves columns line by line, breaking phrases) and not the
// raw content-stream order (which is whatever order the producer drew in).
std::string PageText(const poppler::page& page) {
  return ToUtf8(page.text(poppler::rectf(), poppler::page::non_raw_non_physical_layout));
}

// Poppler rebuilds a broken cross-reference table by scanning for objects, but gives up when
// no trailer survives, as in a download cut short. Such a file is given a trailer naming the
// catalog found by the same kind of scan; nullopt when there is no catalog object to name.
std::optional<std::string> WithTrailerAppended(std::string_view bytes) {
  for (size_t at = bytes.rfind("/Catalog"); at != std::string_view::npos && at > 0;
       at = bytes.rfind("/Catalog", at - 1)) {
    // The object header "N G obj" nearest before the name, skipping "endobj".
    size_t obj = bytes.rfind("obj", at);
    while (obj != std::string_view::npos && obj >= 3 && bytes.substr(obj - 3, 3) == "end") {
      obj = obj == 0 ? std::string_view::npos : bytes.rfind("obj", obj - 1);
    }
    if (obj == std::string_view::npos || obj == 0) {
      continue;
    }
    size_t end = obj;
    auto skip_spaces = [&] {
      while (end > 0 &&
             (bytes[end - 1] == ' ' || bytes[end - 1] == '\r' || bytes[end - 1] == '\n')) {
        --end;
      }
    };
    auto read_number = [&]() -> std::string_view {
      const size_t number_end = end;
      while (end > 0 && bytes[end - 1] >= '0' && bytes[end - 1] <= '9') {
        --end;
      }
      return bytes.substr(end, number_end - end);
    };
    skip_spaces();
    const std::string_view generation = read_number();
    skip_spaces();
    const std::string_view number = read_number();
    if (number.empty() || generation.empty() || number.size() > 10 || generation.size() > 5) {
      continue;
    }
    return std::string(bytes) + "\ntrailer\n<< /Root " + std::string(number) + " " +
           std::string(generation) + " R >>\n%%EOF\n";
  }
  return std::nullopt;
}

void ReadEmbeddedFiles(const poppler::document& document, DocumentText* result) {
  if (!document.has_embedded_files()) {
    return;
  }
  int unnamed = 0;
  for (poppler::embedded_file* file : document.embedded_files()) {
    if (file == nullptr || !file->is_valid()) {
      result->warnings.push_back("an attached file could not be read");
      continue;
    }
    EmbeddedFile embedded;
    embedded.name = std::string(BaseName(PdfStringToUtf8(file->name())));
    if (embedded.name.empty()) {
      embedded.name = "attachment-" + std::to_string(++unnamed);
    }
    embedded.media_type = AsciiLower(file->mime_type());
    const poppler::byte_array data = file->data();
    embedded.bytes.assign(data.begin(), data.end());
    result->embedded.push_back(std::move(embedded));
  }
}

Result<DocumentText> Extract(std::string_view bytes) {
  if (bytes.size() > static_cast<size_t>(INT_MAX)) {
    return Status::ResourceExhausted("PDF is larger than poppler reads (2 GiB)");
  }
  SilencePopplerOnce();
  std::vector<std::string> messages;
  PopplerMessageScope scope(&messages);

  // load_from_raw_data reads the bytes in place; `bytes` and `repaired` outlive the document.
  std::unique_ptr<poppler::document> document(
      poppler::document::load_from_raw_data(bytes.data(), static_cast<int>(bytes.size())));
  std::optional<std::string> repaired;
  if (document == nullptr && bytes.size() < static_cast<size_t>(INT_MAX) - 64 &&
      (repaired = WithTrailerAppended(bytes))) {
    document.reset(poppler::document::load_from_raw_data(repaired->data(),
                                                         static_cast<int>(repaired->size())));
  }
  if (document == nullptr) {
    return Status::Corruption("not a readable PDF" +
                              (messages.empty() ? std::string() : ": " + messages.front()));
  }
  if (document->is_locked()) {
    return Status::Unimplemented("PDF is encrypted; no password was given");
  }
  const bool damaged_on_open = !messages.empty();
  const std::string first_problem = damaged_on_open ? messages.front() : "";

  DocumentText result;
  result.title = std::string(TrimWhitespace(ToUtf8(document->get_title())));
  result.author = std::string(TrimWhitespace(ToUtf8(document->get_author())));
  const time_t created = document->get_creation_date_t();
  if (created > 0) {
    result.created = static_cast<UtcMillis>(created) * 1000;
  }

  const int page_count = document->pages();
  const int pages_read = std::min(page_count, kMaxPdfPages);
  std::vector<int> without_text;
  std::vector<int> unreadable;
  bool any_text = false;
  for (int index = 0; index < pages_read; ++index) {
    if (index > 0) {
      result.text += kPdfPageSeparator;
    }
    std::unique_ptr<poppler::page> page(document->create_page(index));
    if (page == nullptr) {
      unreadable.push_back(index + 1);
      continue;
    }
    const std::string text = PageText(*page);
    const std::string_view trimmed = TrimWhitespace(text);
    if (trimmed.empty()) {
      without_text.push_back(index + 1);
      continue;
    }
    any_text = true;
    result.text += trimmed;
  }
  if (!any_text) {
    result.text.clear();
  }

  if (damaged_on_open) {
    result.warnings.push_back("PDF is damaged; poppler repaired what it could (" + first_problem +
                              ")");
  }
  if (!unreadable.empty()) {
    result.warnings.push_back(std::string(unreadable.size() == 1 ? "page " : "pages ") +
                              PageList(unreadable) + " could not be read");
  }
  if (!without_text.empty() && any_text) {
    result.warnings.push_back(
        std::string(without_text.size() == 1 ? "page " : "pages ") + PageList(without_text) +
        (without_text.size() == 1 ? " has" : " have") + " no text layer (scanned images?)");
  }
  if (page_count > pages_read) {
    result.warnings.push_back("only the first " + std::to_string(pages_read) + " of " +
                              std::to_string(page_count) + " pages were read");
  }
  ReadEmbeddedFiles(*document, &result);

  if (!any_text && result.embedded.empty()) {
    if (page_count == 0 || unreadable.size() == static_cast<size_t>(pages_read)) {
      return Status::Corruption(
          "not a readable PDF: no page could be read" +
          (first_problem.empty() ? std::string() : " (" + first_problem + ")"));
    }
    return Status::InvalidArgument("PDF has no text layer (image-only; OCR is not available)");
  }
  if (!any_text) {
    result.warnings.push_back("PDF has no text layer (image-only; OCR is not available)");
  }
  return result;
}

}  // namespace

bool LooksLikePdf(std::string_view head) {
  return head.substr(0, 1024).find("%PDF-") != std::string_view::npos;
}

Result<DocumentText> ExtractPdfText(std::string_view bytes) {
  // Poppler is written not to throw, but allocation failures and library bugs on hostile input
  // must stop here, at the library boundary.
  try {
    return Extract(bytes);
  } catch (const std::bad_alloc&) {
    return Status::ResourceExhausted("out of memory reading the PDF");
  } catch (const std::exception& e) {
    return Status::Internal(std::string("poppler failed reading the PDF: ") + e.what());
  } catch (...) {
    return Status::Internal("poppler failed reading the PDF");
  }
}

}  // namespace docket
