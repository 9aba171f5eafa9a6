/** @file
 *  @brief libpff adapter: walks folders with an explicit stack (a hostile PST can nest folders
 *         arbitrarily deep) and renders each item as RFC 5322 text.
 */
#include "indexer/pst_reader.h"

#include <glib.h>  // g_base64_encode: GMime's GLib is linked already
// Debian's libpff-dev announces libbfio support but does not depend on libbfio-dev, so
// <libpff.h> would include a header that is not installed; the libbfio entry points are not
// used here (see PstReader::OpenFile).
#include <libpff/features.h>
#undef LIBPFF_HAVE_BFIO
#include <libpff.h>

#include <algorithm>
#include <cstring>
#include <ctime>
#include <fstream>

#include "common/strings.h"
#include "indexer/charset_converter.h"

namespace docket {
namespace {

// Attached items inside attached items are rendered this deep, then listed by name only.
constexpr int kMaxEmbeddedDepth = 8;
// Folders deeper than this are not walked (a loop in a damaged folder tree ends here).
constexpr size_t kMaxFolderDepth = 64;
// An attachment larger than this is left out of the rendering with a warning.
constexpr uint64_t kMaxAttachmentBytes = uint64_t{512} << 20;

// PR_INTERNET_MESSAGE_ID, PR_ATTACH_MIME_TAG and PR_INTERNET_CPID: libpff's mapi.h has no names
// for them.
constexpr uint32_t kPrInternetMessageId = 0x1035;
constexpr uint32_t kPrAttachMimeTag = 0x370E;
constexpr uint32_t kPrInternetCpid = 0x3FDE;
constexpr uint32_t kCodePageUtf8 = 65001;

std::string TakeError(libpff_error_t** error) {
  if (error == nullptr || *error == nullptr) {
    return "libpff gave no reason";
  }
  std::string text(512, '\0');
  int written = libpff_error_sprint(*error, text.data(), text.size());
  text.resize(written > 0 ? std::min(static_cast<size_t>(written), text.size()) : 0);
  libpff_error_free(error);
  // libpff stacks one line per call level; the first says what failed.
  text = std::string(TrimWhitespace(text.substr(0, text.find('\n'))));
  return text.empty() ? "libpff gave no reason" : text;
}

struct ItemFree {
  void operator()(libpff_item_t* item) const { libpff_item_free(&item, nullptr); }
};
using ItemPtr = std::unique_ptr<libpff_item_t, ItemFree>;

// Reads a UTF-8 string with libpff's size-then-value protocol. Empty when absent or unreadable.
template <typename SizeFn, typename ValueFn>
std::string ReadUtf8(SizeFn size_fn, ValueFn value_fn) {
  size_t size = 0;
  libpff_error_t* error = nullptr;
  if (size_fn(&size, &error) != 1 || size == 0) {
    libpff_error_free(&error);
    return {};
  }
  std::string value(size, '\0');
  if (value_fn(reinterpret_cast<uint8_t*>(value.data()), size, &error) != 1) {
    libpff_error_free(&error);
    return {};
  }
  value.resize(strnlen(value.data(), value.size()));  // the size includes the terminator
  return value;
}

std::string MessageString(libpff_item_t* message, uint32_t entry_type) {
  return ReadUtf8(
      [&](size_t* size, libpff_error_t** error) {
        return libpff_message_get_entry_value_utf8_string_size(message, entry_type, size, error);
      },
      [&](uint8_t* value, size_t size, libpff_error_t** error) {
        return libpff_message_get_entry_value_utf8_string(message, entry_type, value, size, error);
      });
}

struct RecordSetFree {
  void operator()(libpff_record_set_t* set) const { libpff_record_set_free(&set, nullptr); }
};
struct RecordEntryFree {
  void operator()(libpff_record_entry_t* entry) const { libpff_record_entry_free(&entry, nullptr); }
};
using RecordEntryPtr = std::unique_ptr<libpff_record_entry_t, RecordEntryFree>;

// One property of row `row` of a table item (the recipients table); null when absent.
RecordEntryPtr TableEntry(libpff_item_t* table, int row, uint32_t entry_type) {
  libpff_error_t* error = nullptr;
  libpff_record_set_t* raw_set = nullptr;
  if (libpff_item_get_record_set_by_index(table, row, &raw_set, &error) != 1) {
    libpff_error_free(&error);
    return nullptr;
  }
  std::unique_ptr<libpff_record_set_t, RecordSetFree> set(raw_set);
  libpff_record_entry_t* entry = nullptr;
  if (libpff_record_set_get_entry_by_type(set.get(), entry_type, 0, &entry,
                                          LIBPFF_ENTRY_VALUE_FLAG_MATCH_ANY_VALUE_TYPE,
                                          &error) != 1) {
    libpff_error_free(&error);
    return nullptr;
  }
  return RecordEntryPtr(entry);
}

std::string TableString(libpff_item_t* table, int row, uint32_t entry_type) {
  RecordEntryPtr entry = TableEntry(table, row, entry_type);
  if (entry == nullptr) {
    return {};
  }
  return ReadUtf8(
      [&](size_t* size, libpff_error_t** error) {
        return libpff_record_entry_get_data_as_utf8_string_size(entry.get(), size, error);
      },
      [&](uint8_t* value, size_t size, libpff_error_t** error) {
        return libpff_record_entry_get_data_as_utf8_string(entry.get(), value, size, error);
      });
}

std::string FolderName(libpff_item_t* folder) {
  return ReadUtf8(
      [&](size_t* size, libpff_error_t** error) {
        return libpff_folder_get_utf8_name_size(folder, size, error);
      },
      [&](uint8_t* value, size_t size, libpff_error_t** error) {
        return libpff_folder_get_utf8_name(folder, value, size, error);
      });
}

// A message body: libpff returns plain text as UTF-8 (converted from the item's code page), RTF
// decompressed, and HTML as the stored bytes (see HtmlAsUtf8).
using BodySizeFn = int (*)(libpff_item_t*, size_t*, libpff_error_t**);
using BodyFn = int (*)(libpff_item_t*, uint8_t*, size_t, libpff_error_t**);
std::string Body(libpff_item_t* message, BodySizeFn size_fn, BodyFn body_fn, const char* what,
                 std::vector<std::string>* warnings) {
  size_t size = 0;
  libpff_error_t* error = nullptr;
  int has = size_fn(message, &size, &error);
  if (has == -1) {
    warnings->push_back(std::string(what) + " body could not be read: " + TakeError(&error));
    return {};
  }
  if (has == 0 || size == 0) {
    return {};
  }
  std::string body(size, '\0');
  if (body_fn(message, reinterpret_cast<uint8_t*>(body.data()), size, &error) != 1) {
    warnings->push_back(std::string(what) + " body could not be read: " + TakeError(&error));
    return {};
  }
  while (!body.empty() && body.back() == '\0') {
    body.pop_back();
  }
  return body;
}

// The charset label of a Windows code page, for ConvertToUtf8.
std::string CodePageCharset(uint32_t code_page) {
  switch (code_page) {
    case 874:
      return "windows-874";
    case 932:
      return "Shift_JIS";
    case 936:
      return "GBK";
    case 949:
      return "windows-949";
    case 950:
      return "Big5";
    case 20127:
      return "US-ASCII";
    case 20866:
      return "KOI8-R";
    case 21866:
      return "KOI8-U";
    case 50220:
      return "ISO-2022-JP";
    case 51932:
      return "EUC-JP";
    case 51949:
      return "EUC-KR";
    case 52936:
      return "HZ-GB-2312";
    case 54936:
      return "GB18030";
    default:
      break;
  }
  if (code_page >= 1250 && code_page <= 1258) {
    return "windows-" + std::to_string(code_page);
  }
  if (code_page >= 28591 && code_page <= 28605) {
    return "ISO-8859-" + std::to_string(code_page - 28590);
  }
  return {};  // unknown: ConvertToUtf8 keeps valid UTF-8, else detects
}

// PR_HTML is binary in the code page PR_INTERNET_CPID names (Outlook often writes windows-1252),
// and libpff hands out the stored bytes unconverted. Converts them to UTF-8.
std::string HtmlAsUtf8(libpff_item_t* message, std::string html,
                       std::vector<std::string>* warnings) {
  uint32_t code_page = kCodePageUtf8;
  // The message's properties are its record set 0 (the libpff_item_get_entry_value_* getters
  // are deprecated).
  if (RecordEntryPtr entry = TableEntry(message, 0, kPrInternetCpid); entry != nullptr) {
    libpff_error_t* error = nullptr;
    if (libpff_record_entry_get_data_as_32bit_integer(entry.get(), &code_page, &error) != 1) {
      libpff_error_free(&error);
      code_page = kCodePageUtf8;
    }
  }
  if (html.empty() || code_page == kCodePageUtf8) {
    return html;
  }
  Result<DecodedText> decoded = ConvertToUtf8(html, CodePageCharset(code_page));
  if (!decoded.ok()) {
    warnings->push_back("HTML body in code page " + std::to_string(code_page) +
                        " could not be converted: " + decoded.error().message());
    return html;
  }
  if (!decoded->warning.empty()) {
    warnings->push_back("HTML body in code page " + std::to_string(code_page) + ": " +
                        decoded->warning);
  }
  return std::move(decoded->utf8);
}

std::string Base64Lines(std::string_view bytes) {
  std::string out;
  if (bytes.empty()) {
    return out;
  }
  gchar* encoded = g_base64_encode(reinterpret_cast<const guchar*>(bytes.data()), bytes.size());
  std::string_view text(encoded);
  out.reserve(text.size() + text.size() / 76 * 2 + 2);
  for (size_t i = 0; i < text.size(); i += 76) {
    out.append(text.substr(i, 76));
    out += "\r\n";
  }
  g_free(encoded);
  return out;
}

bool IsPlainAscii(std::string_view text) {
  return std::all_of(text.begin(), text.end(), [](char c) {
    return c >= ' ' && c < 127;  // no control characters either: they would break the header
  });
}

// An unstructured header value: as is when printable ASCII, else RFC 2047 "B" encoded-words
// of at most 45 bytes of UTF-8 each (whole characters), folded onto continuation lines.
std::string EncodeHeaderText(std::string_view text) {
  if (IsPlainAscii(text)) {
    return std::string(text);
  }
  std::string out;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = std::min(text.size(), start + 45);
    while (end < text.size() && end > start + 1 &&
           (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) {
      --end;  // never split a UTF-8 sequence
    }
    gchar* encoded =
        g_base64_encode(reinterpret_cast<const guchar*>(text.data() + start), end - start);
    out += (out.empty() ? "" : "\r\n ") + std::string("=?UTF-8?B?") + encoded + "?=";
    g_free(encoded);
    start = end;
  }
  return out;
}

// "Name <address>" with the display name quoted or encoded as needed.
std::string Mailbox(std::string_view name, std::string_view address) {
  name = TrimWhitespace(name);
  address = TrimWhitespace(address);
  bool usable_address = address.find('@') != std::string_view::npos && IsPlainAscii(address);
  if (name.empty()) {
    return usable_address ? std::string(address) : EncodeHeaderText(address);
  }
  std::string display;
  if (IsPlainAscii(name)) {
    display = "\"";
    for (char c : name) {
      if (c == '"' || c == '\\') {
        display += '\\';
      }
      display += c;
    }
    display += "\"";
  } else {
    display = EncodeHeaderText(name);
  }
  // An Exchange DN ("/O=CONTOSO/OU=...") is not an address; keep the name only.
  return usable_address ? display + " <" + std::string(address) + ">" : display;
}

// RFC 2231 file name parameter, so non-ASCII names survive.
std::string FileNameParameter(std::string_view name) {
  if (IsPlainAscii(name) && name.find('"') == std::string_view::npos &&
      name.find('\\') == std::string_view::npos) {
    return "filename=\"" + std::string(name) + "\"";
  }
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out = "filename*=UTF-8''";
  for (unsigned char c : name) {
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
        c == '-' || c == '_') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 0xF];
    }
  }
  return out;
}

std::string Rfc5322Date(uint64_t filetime) {
  // FILETIME counts 100 ns ticks since 1601-01-01.
  constexpr uint64_t kEpochDifferenceSeconds = 11644473600ULL;
  uint64_t seconds = filetime / 10000000ULL;
  if (seconds < kEpochDifferenceSeconds) {
    return {};
  }
  std::time_t unix_time = static_cast<std::time_t>(seconds - kEpochDifferenceSeconds);
  std::tm utc{};
  if (gmtime_r(&unix_time, &utc) == nullptr) {
    return {};
  }
  static constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  char text[64];
  std::snprintf(text, sizeof(text), "%s, %02d %s %04d %02d:%02d:%02d +0000", kDays[utc.tm_wday],
                utc.tm_mday, kMonths[utc.tm_mon], utc.tm_year + 1900, utc.tm_hour, utc.tm_min,
                utc.tm_sec);
  return text;
}

// Transport headers describe the message as it was sent; its MIME structure is ours now, so
// the Content-* and MIME-Version fields (and their continuation lines) are dropped.
std::string HeadersWithoutMimeFields(std::string_view headers) {
  std::string out;
  bool dropping = false;
  while (!headers.empty()) {
    size_t eol = headers.find('\n');
    std::string_view line = headers.substr(0, eol);
    headers = eol == std::string_view::npos ? std::string_view() : headers.substr(eol + 1);
    if (line.ends_with('\r')) {
      line.remove_suffix(1);
    }
    if (line.empty()) {
      break;  // the end of the header block
    }
    bool continuation = line[0] == ' ' || line[0] == '\t';
    if (!continuation) {
      std::string name = AsciiLower(line.substr(0, line.find(':')));
      dropping =
          name.starts_with("content-") || name == "mime-version" || name == "x-message-class";
    }
    if (!dropping) {
      out.append(line);
      out += "\r\n";
    }
  }
  return out;
}

struct Recipients {
  std::vector<std::string> to, cc, bcc;
};

Recipients ReadRecipients(libpff_item_t* message, std::vector<std::string>* warnings) {
  Recipients recipients;
  libpff_item_t* raw = nullptr;
  libpff_error_t* error = nullptr;
  int has = libpff_message_get_recipients(message, &raw, &error);
  if (has != 1) {
    if (has == -1) {
      warnings->push_back("recipients could not be read: " + TakeError(&error));
    }
    return recipients;
  }
  ItemPtr table(raw);
  int count = 0;
  if (libpff_item_get_number_of_record_sets(table.get(), &count, &error) != 1) {
    warnings->push_back("recipients could not be read: " + TakeError(&error));
    return recipients;
  }
  for (int i = 0; i < count; ++i) {
    std::string name = TableString(table.get(), i, LIBPFF_ENTRY_TYPE_DISPLAY_NAME);
    std::string address = TableString(table.get(), i, LIBPFF_ENTRY_TYPE_EMAIL_ADDRESS);
    if (name.empty() && address.empty()) {
      continue;
    }
    uint32_t type = LIBPFF_RECIPIENT_TYPE_TO;
    if (RecordEntryPtr entry = TableEntry(table.get(), i, LIBPFF_ENTRY_TYPE_RECIPIENT_TYPE);
        entry != nullptr &&
        libpff_record_entry_get_data_as_32bit_integer(entry.get(), &type, &error) != 1) {
      libpff_error_free(&error);
      type = LIBPFF_RECIPIENT_TYPE_TO;
    }
    std::string mailbox = Mailbox(name, address);
    switch (type & 0x0F) {  // the high bits are flags (e.g. "sendable")
      case LIBPFF_RECIPIENT_TYPE_CC:
        recipients.cc.push_back(std::move(mailbox));
        break;
      case LIBPFF_RECIPIENT_TYPE_BCC:
        recipients.bcc.push_back(std::move(mailbox));
        break;
      default:
        recipients.to.push_back(std::move(mailbox));
    }
  }
  return recipients;
}

void AppendAddressHeader(std::string* eml, const char* name,
                         const std::vector<std::string>& mailboxes) {
  if (mailboxes.empty()) {
    return;
  }
  *eml += name;
  *eml += ": ";
  for (size_t i = 0; i < mailboxes.size(); ++i) {
    *eml += (i > 0 ? ",\r\n " : "") + mailboxes[i];
  }
  *eml += "\r\n";
}

class Renderer {
 public:
  Renderer(uint32_t identifier, std::vector<std::string>* warnings)
      : identifier_(identifier), warnings_(warnings) {}

  // The whole RFC 5322 text of `message`; `depth` counts attached-item nesting.
  std::string Render(libpff_item_t* message, const std::string& item_class, int depth) {
    std::string eml;
    std::string headers = MessageString(message, LIBPFF_ENTRY_TYPE_MESSAGE_TRANSPORT_HEADERS);
    headers = HeadersWithoutMimeFields(headers);
    if (headers.find(':') != std::string::npos) {
      eml = headers;
    } else {
      eml = HeadersFromProperties(message);
    }
    eml += "X-Message-Class: " + EncodeHeaderText(item_class) + "\r\n";
    eml += ImportanceHeader(message);
    eml += "MIME-Version: 1.0\r\n";

    std::string plain = Body(message, libpff_message_get_plain_text_body_size,
                             libpff_message_get_plain_text_body, "plain text", warnings_);
    std::string html = HtmlAsUtf8(message,
                                  Body(message, libpff_message_get_html_body_size,
                                       libpff_message_get_html_body, "HTML", warnings_),
                                  warnings_);
    std::string rtf;
    if (plain.empty() && html.empty()) {
      rtf = Body(message, libpff_message_get_rtf_body_size, libpff_message_get_rtf_body, "RTF",
                 warnings_);
    }
    std::vector<std::string> parts;
    if (!plain.empty() || (html.empty() && rtf.empty())) {
      parts.push_back(LeafPart("text/plain; charset=utf-8", plain, ""));
    }
    if (!html.empty()) {
      parts.push_back(LeafPart("text/html; charset=utf-8", html, ""));
    }
    if (!rtf.empty()) {
      parts.push_back(LeafPart("text/rtf", rtf, ""));
    }
    std::string body = parts.size() == 1 ? parts[0] : Multipart("alternative", parts);

    std::vector<std::string> attachments = Attachments(message, depth);
    if (!attachments.empty()) {
      attachments.insert(attachments.begin(), body);
      body = Multipart("mixed", attachments);
    }
    return eml + body;
  }

 private:
  // PR_IMPORTANCE (0 low, 1 normal, 2 high) as an Importance header, for `importance:`. Normal
  // is left out: it is what a message without the header means. Transport headers come first,
  // so an Importance header the message travelled with is the one the parser reads.
  static std::string ImportanceHeader(libpff_item_t* message) {
    RecordEntryPtr entry = TableEntry(message, 0, LIBPFF_ENTRY_TYPE_MESSAGE_IMPORTANCE);
    if (entry == nullptr) {
      return {};
    }
    uint32_t importance = 1;
    libpff_error_t* error = nullptr;
    if (libpff_record_entry_get_data_as_32bit_integer(entry.get(), &importance, &error) != 1) {
      libpff_error_free(&error);
      return {};
    }
    if (importance == 2) {
      return "Importance: High\r\n";
    }
    if (importance == 0) {
      return "Importance: Low\r\n";
    }
    return {};
  }

  std::string HeadersFromProperties(libpff_item_t* message) {
    std::string eml;
    std::string sender_name = MessageString(message, LIBPFF_ENTRY_TYPE_MESSAGE_SENDER_NAME);
    std::string sender_address =
        MessageString(message, LIBPFF_ENTRY_TYPE_MESSAGE_SENDER_EMAIL_ADDRESS);
    if (!sender_name.empty() || !sender_address.empty()) {
      eml += "From: " + Mailbox(sender_name, sender_address) + "\r\n";
    }
    Recipients recipients = ReadRecipients(message, warnings_);
    if (recipients.to.empty() && recipients.cc.empty() && recipients.bcc.empty()) {
      // No recipient table (drafts, some exports): the display list is all there is.
      std::string display_to = MessageString(message, LIBPFF_ENTRY_TYPE_MESSAGE_DISPLAY_TO);
      if (!display_to.empty()) {
        eml += "To: " + EncodeHeaderText(display_to) + "\r\n";
      }
    }
    AppendAddressHeader(&eml, "To", recipients.to);
    AppendAddressHeader(&eml, "Cc", recipients.cc);
    AppendAddressHeader(&eml, "Bcc", recipients.bcc);
    std::string subject = MessageString(message, LIBPFF_ENTRY_TYPE_MESSAGE_SUBJECT);
    // PR_SUBJECT may start with a two-character prefix marker (0x01, length) from old stores.
    if (subject.size() >= 2 && subject[0] == '\x01') {
      subject.erase(0, 2);
    }
    if (!subject.empty()) {
      eml += "Subject: " + EncodeHeaderText(subject) + "\r\n";
    }
    uint64_t filetime = 0;
    libpff_error_t* error = nullptr;
    if (libpff_message_get_client_submit_time(message, &filetime, &error) == 1) {
      std::string date = Rfc5322Date(filetime);
      if (!date.empty()) {
        eml += "Date: " + date + "\r\n";
      }
    } else {
      libpff_error_free(&error);
    }
    std::string message_id = MessageString(message, kPrInternetMessageId);
    if (!message_id.empty() && IsPlainAscii(message_id)) {
      eml += "Message-ID: " + message_id + "\r\n";
    }
    return eml;
  }

  std::string Boundary() {
    return "docket-pst-" + std::to_string(identifier_) + "-" + std::to_string(++boundaries_);
  }

  // A part's header and its base64 body (base64 even for text: bodies may have long lines and
  // bare CRs that would not survive as 8bit).
  static std::string LeafPart(const std::string& content_type, std::string_view bytes,
                              const std::string& disposition) {
    std::string part = "Content-Type: " + content_type + "\r\n";
    if (!disposition.empty()) {
      part += "Content-Disposition: " + disposition + "\r\n";
    }
    part += "Content-Transfer-Encoding: base64\r\n\r\n" + Base64Lines(bytes);
    return part;
  }

  std::string Multipart(const std::string& subtype, const std::vector<std::string>& parts) {
    std::string boundary = Boundary();
    std::string out =
        "Content-Type: multipart/" + subtype + "; boundary=\"" + boundary + "\"\r\n\r\n";
    for (const std::string& part : parts) {
      out += "--" + boundary + "\r\n" + part;
      if (!part.ends_with("\r\n")) {
        out += "\r\n";
      }
    }
    out += "--" + boundary + "--\r\n";
    return out;
  }

  std::vector<std::string> Attachments(libpff_item_t* message, int depth) {
    std::vector<std::string> parts;
    int count = 0;
    libpff_error_t* error = nullptr;
    if (libpff_message_get_number_of_attachments(message, &count, &error) != 1) {
      warnings_->push_back("attachments could not be listed: " + TakeError(&error));
      return parts;
    }
    for (int i = 0; i < count; ++i) {
      std::string what = "attachment " + std::to_string(i + 1);
      libpff_item_t* raw = nullptr;
      if (libpff_message_get_attachment(message, i, &raw, &error) != 1) {
        warnings_->push_back(what + " could not be read: " + TakeError(&error));
        continue;
      }
      ItemPtr attachment(raw);
      std::string name =
          MessageString(attachment.get(), LIBPFF_ENTRY_TYPE_ATTACHMENT_FILENAME_LONG);
      if (name.empty()) {
        name = MessageString(attachment.get(), LIBPFF_ENTRY_TYPE_ATTACHMENT_FILENAME_SHORT);
      }
      if (name.empty()) {
        name = MessageString(attachment.get(), LIBPFF_ENTRY_TYPE_DISPLAY_NAME);
      }
      int type = LIBPFF_ATTACHMENT_TYPE_UNDEFINED;
      if (libpff_attachment_get_type(attachment.get(), &type, &error) != 1) {
        warnings_->push_back(what + " has no readable type: " + TakeError(&error));
        continue;
      }
      if (type == LIBPFF_ATTACHMENT_TYPE_DATA) {
        std::string part = DataPart(attachment.get(), name, what);
        if (!part.empty()) {
          parts.push_back(std::move(part));
        }
      } else if (type == LIBPFF_ATTACHMENT_TYPE_ITEM) {
        std::string part = ItemPart(attachment.get(), name, what, depth);
        if (!part.empty()) {
          parts.push_back(std::move(part));
        }
      } else {
        warnings_->push_back(what + (name.empty() ? "" : " (" + name + ")") +
                             " is a reference to a file outside the PST; only its name is known");
      }
    }
    return parts;
  }

  std::string DataPart(libpff_item_t* attachment, const std::string& name,
                       const std::string& what) {
    size64_t size = 0;
    libpff_error_t* error = nullptr;
    if (libpff_attachment_get_data_size(attachment, &size, &error) != 1) {
      warnings_->push_back(what + " data size could not be read: " + TakeError(&error));
      return {};
    }
    if (size > kMaxAttachmentBytes) {
      warnings_->push_back(what + " (" + name + ") is " + std::to_string(size) +
                           " bytes, more than the limit of " + std::to_string(kMaxAttachmentBytes) +
                           "; it was left out");
      return {};
    }
    std::string data(static_cast<size_t>(size), '\0');
    size_t filled = 0;
    while (filled < data.size()) {
      ssize_t got = libpff_attachment_data_read_buffer(
          attachment, reinterpret_cast<uint8_t*>(data.data() + filled), data.size() - filled,
          &error);
      if (got <= 0) {
        if (got < 0) {
          warnings_->push_back(what + " data could not be read after " + std::to_string(filled) +
                               " bytes: " + TakeError(&error));
        }
        data.resize(filled);
        break;
      }
      filled += static_cast<size_t>(got);
    }
    std::string media_type =
        AsciiLower(TrimWhitespace(MessageString(attachment, kPrAttachMimeTag)));
    if (media_type.find('/') == std::string::npos || !IsPlainAscii(media_type)) {
      media_type = "application/octet-stream";
    }
    std::string file_name = name.empty() ? "attachment" : name;
    return LeafPart(media_type, data, "attachment; " + FileNameParameter(file_name));
  }

  std::string ItemPart(libpff_item_t* attachment, const std::string& name, const std::string& what,
                       int depth) {
    if (depth >= kMaxEmbeddedDepth) {
      warnings_->push_back(what + " is an attached item nested deeper than " +
                           std::to_string(kMaxEmbeddedDepth) + " levels; it was left out");
      return {};
    }
    libpff_item_t* raw = nullptr;
    libpff_error_t* error = nullptr;
    if (libpff_attachment_get_item(attachment, &raw, &error) != 1) {
      warnings_->push_back(what + " (an attached item) could not be read: " + TakeError(&error));
      return {};
    }
    ItemPtr embedded(raw);
    std::string item_class = MessageString(embedded.get(), LIBPFF_ENTRY_TYPE_MESSAGE_CLASS);
    std::string rendered =
        Render(embedded.get(), item_class.empty() ? "IPM.Note" : item_class, depth + 1);
    std::string disposition = "attachment";
    if (!name.empty()) {
      disposition += "; " + FileNameParameter(name + ".eml");
    }
    return "Content-Type: message/rfc822\r\nContent-Disposition: " + disposition + "\r\n\r\n" +
           rendered;
  }

  uint32_t identifier_;
  std::vector<std::string>* warnings_;
  int boundaries_ = 0;
};

struct FileFree {
  void operator()(libpff_file_t* file) const {
    libpff_file_close(file, nullptr);
    libpff_file_free(&file, nullptr);
  }
};

}  // namespace

struct PstReader::Impl {
  struct Frame {
    ItemPtr folder;
    std::string path;
    int messages = 0;
    int next_message = 0;
    int folders = 0;
    int next_folder = 0;
  };
  std::unique_ptr<libpff_file_t, FileFree> file;
  std::vector<Frame> stack;
};

bool LooksLikePst(std::string_view head) { return head.starts_with("!BDN"); }

PstReader::PstReader(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
PstReader::~PstReader() = default;

Result<std::unique_ptr<PstReader>> PstReader::OpenFile(const std::filesystem::path& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    return Status::IOError("cannot open PST " + path.string() + ": not a readable file");
  }
  libpff_error_t* error = nullptr;
  libpff_file_t* raw_file = nullptr;
  if (libpff_file_initialize(&raw_file, &error) != 1) {
    return Status::Internal("libpff could not start: " + TakeError(&error));
  }
  auto impl = std::make_unique<Impl>();
  if (libpff_file_open(raw_file, path.c_str(), LIBPFF_OPEN_READ, &error) != 1) {
    libpff_file_free(&raw_file, nullptr);
    std::string reason = TakeError(&error);
    {
      std::ifstream in(path, std::ios::binary);
      char head[4] = {};
      in.read(head, sizeof(head));
      if (!LooksLikePst(std::string_view(head, static_cast<size_t>(in.gcount())))) {
        return Status::InvalidArgument("not a PST file: " + path.string() +
                                       " does not start with \"!BDN\"");
      }
    }
    return Status::Corruption("PST " + path.string() + " could not be opened: " + reason);
  }
  impl->file.reset(raw_file);
  libpff_item_t* root = nullptr;
  int has_root = libpff_file_get_root_folder(raw_file, &root, &error);
  if (has_root != 1) {
    std::string reason = has_root == 0 ? "the PST has no root folder" : TakeError(&error);
    return Status::Corruption("PST " + path.string() + " has no readable folders: " + reason);
  }
  Impl::Frame frame;
  frame.folder.reset(root);
  if (libpff_folder_get_number_of_sub_messages(root, &frame.messages, &error) != 1) {
    libpff_error_free(&error);
    frame.messages = 0;
  }
  if (libpff_folder_get_number_of_sub_folders(root, &frame.folders, &error) != 1) {
    libpff_error_free(&error);
    frame.folders = 0;
  }
  impl->stack.push_back(std::move(frame));
  return std::unique_ptr<PstReader>(new PstReader(std::move(impl)));
}

Result<bool> PstReader::Next(PstItem* item) {
  libpff_error_t* error = nullptr;
  while (!impl_->stack.empty()) {
    Impl::Frame& frame = impl_->stack.back();
    if (frame.next_message < frame.messages) {
      int index = frame.next_message++;
      *item = PstItem();
      item->folder_path = frame.path;
      libpff_item_t* raw = nullptr;
      if (libpff_folder_get_sub_message(frame.folder.get(), index, &raw, &error) != 1) {
        item->skipped_reason = "item " + std::to_string(index + 1) + " of folder \"" + frame.path +
                               "\" could not be read: " + TakeError(&error);
        return true;
      }
      ItemPtr message(raw);
      if (libpff_item_get_identifier(message.get(), &item->identifier, &error) != 1) {
        libpff_error_free(&error);
      }
      item->item_class = MessageString(message.get(), LIBPFF_ENTRY_TYPE_MESSAGE_CLASS);
      if (item->item_class.empty()) {
        item->item_class = "IPM.Note";
      }
      Renderer renderer(item->identifier, &item->warnings);
      item->eml = renderer.Render(message.get(), item->item_class, 0);
      Result<MimeMessage> parsed = ParseMime(item->eml);
      if (parsed.ok()) {
        item->message = std::move(*parsed);
      } else {
        item->warnings.push_back("the rendering could not be parsed: " + parsed.error().message());
      }
      item->message.item_class = item->item_class;
      return true;
    }
    if (frame.next_folder < frame.folders && impl_->stack.size() < kMaxFolderDepth) {
      int index = frame.next_folder++;
      libpff_item_t* raw = nullptr;
      if (libpff_folder_get_sub_folder(frame.folder.get(), index, &raw, &error) != 1) {
        *item = PstItem();
        item->folder_path = frame.path;
        item->skipped_reason = "subfolder " + std::to_string(index + 1) + " of \"" + frame.path +
                               "\" could not be opened: " + TakeError(&error);
        return true;
      }
      Impl::Frame child;
      child.folder.reset(raw);
      std::string name = FolderName(raw);
      child.path = frame.path.empty() ? name : frame.path + "/" + name;
      if (libpff_folder_get_number_of_sub_messages(raw, &child.messages, &error) != 1) {
        libpff_error_free(&error);
        child.messages = 0;
      }
      if (libpff_folder_get_number_of_sub_folders(raw, &child.folders, &error) != 1) {
        libpff_error_free(&error);
        child.folders = 0;
      }
      impl_->stack.push_back(std::move(child));
      continue;
    }
    if (frame.next_folder < frame.folders) {
      *item = PstItem();
      item->folder_path = frame.path;
      item->skipped_reason = "folders nested deeper than " + std::to_string(kMaxFolderDepth) +
                             " levels under \"" + frame.path + "\" were not read";
      frame.next_folder = frame.folders;
      return true;
    }
    impl_->stack.pop_back();
  }
  return false;
}

}  // namespace docket
