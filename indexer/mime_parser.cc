/** @file
 *  @brief GMime 3 adapter: walks the MIME tree, decodes transfer encodings, hands charsets to
 *         ICU.
 */
#include "indexer/mime_parser.h"

#include <gmime/gmime.h>

#include <algorithm>
#include <mutex>

#include "common/strings.h"
#include "indexer/charset_converter.h"
#include "indexer/html_text.h"
#include "indexer/message_kind.h"
#include "storage/item.h"

namespace docket {
namespace {

// Deepest multipart / message nesting we walk; deeper parts are skipped with a warning.
constexpr int kMaxMimeDepth = 64;

void InitGMimeOnce() {
  static std::once_flag once;
  // Never shut down: other threads may be parsing while the process exits.
  std::call_once(once, [] { g_mime_init(); });
}

// g_object_unref on scope exit.
template <typename T>
struct GObjectPtr {
  T* ptr = nullptr;
  explicit GObjectPtr(T* p) : ptr(p) {}
  ~GObjectPtr() {
    if (ptr != nullptr) {
      g_object_unref(ptr);
    }
  }
  GObjectPtr(const GObjectPtr&) = delete;
  GObjectPtr& operator=(const GObjectPtr&) = delete;
  T* get() const { return ptr; }
};

std::string TakeGString(char* s) {
  if (s == nullptr) {
    return {};
  }
  std::string out(s);
  g_free(s);
  return out;
}

std::string HeaderValue(GMimeObject* object, const char* name) {
  if (object == nullptr) {
    return {};
  }
  const char* value = g_mime_object_get_header(object, name);
  return value == nullptr ? std::string() : std::string(TrimWhitespace(value));
}

// An RFC 5322 date-time -> UtcMillis; 0 when empty or unparseable.
UtcMillis HeaderDate(std::string_view text) {
  const std::string value(TrimWhitespace(text));
  if (value.empty()) {
    return 0;
  }
  GDateTime* date = g_mime_utils_header_decode_date(value.c_str());
  if (date == nullptr) {
    return 0;
  }
  const UtcMillis millis = static_cast<UtcMillis>(g_date_time_to_unix(date)) * 1000 +
                           g_date_time_get_microsecond(date) / 1000;
  g_date_time_unref(date);
  return millis;
}

void AppendAddresses(InternetAddressList* list, std::vector<std::string>* out) {
  if (list == nullptr) {
    return;
  }
  int n = internet_address_list_length(list);
  for (int i = 0; i < n; ++i) {
    InternetAddress* address = internet_address_list_get_address(list, i);
    if (INTERNET_ADDRESS_IS_GROUP(address)) {
      AppendAddresses(internet_address_group_get_members(INTERNET_ADDRESS_GROUP(address)), out);
      continue;
    }
    std::string text = TakeGString(internet_address_to_string(address, nullptr, FALSE));
    if (!text.empty()) {
      out->push_back(std::move(text));
    }
  }
}

// Decoded content of a leaf part (transfer encoding undone; charset untouched).
std::string PartBytes(GMimePart* part) {
  GMimeDataWrapper* content = g_mime_part_get_content(part);
  if (content == nullptr) {
    return {};
  }
  GObjectPtr<GMimeStream> stream(g_mime_stream_mem_new());
  g_mime_data_wrapper_write_to_stream(content, stream.get());
  GByteArray* array = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(stream.get()));
  if (array == nullptr || array->len == 0) {
    return {};
  }
  return std::string(reinterpret_cast<const char*>(array->data), array->len);
}

std::string ObjectBytes(GMimeObject* object) {
  GObjectPtr<GMimeStream> stream(g_mime_stream_mem_new());
  g_mime_object_write_to_stream(object, nullptr, stream.get());
  GByteArray* array = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(stream.get()));
  if (array == nullptr || array->len == 0) {
    return {};
  }
  return std::string(reinterpret_cast<const char*>(array->data), array->len);
}

std::string MediaType(GMimeObject* object) {
  GMimeContentType* type = g_mime_object_get_content_type(object);
  if (type == nullptr) {
    return "application/octet-stream";
  }
  return AsciiLower(TakeGString(g_mime_content_type_get_mime_type(type)));
}

// RFC 5545 §3.3.11 TEXT escapes: "\n" is a line break, "\," "\;" "\\" the character.
std::string UnescapeIcalText(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (size_t i = 0; i < value.size(); ++i) {
    if (value[i] == '\\' && i + 1 < value.size()) {
      char next = value[++i];
      out += (next == 'n' || next == 'N') ? '\n' : next;
    } else {
      out += value[i];
    }
  }
  return out;
}

// "20130603T091500Z" -> "2013-06-03 09:15 UTC"; "20130603" -> "2013-06-03"; other values as is.
// A TZID parameter is kept in brackets: the wall-clock time means nothing without it.
std::string ReadableIcalTime(std::string_view value, std::string_view tzid) {
  auto digits = [&](size_t from, size_t n) {
    for (size_t i = from; i < from + n; ++i) {
      if (i >= value.size() || value[i] < '0' || value[i] > '9') {
        return false;
      }
    }
    return true;
  };
  std::string out;
  if (value.size() >= 8 && digits(0, 8)) {
    out = std::string(value.substr(0, 4)) + "-" + std::string(value.substr(4, 2)) + "-" +
          std::string(value.substr(6, 2));
    if (value.size() >= 13 && value[8] == 'T' && digits(9, 4)) {
      out += " " + std::string(value.substr(9, 2)) + ":" + std::string(value.substr(11, 2));
      if (value.ends_with("Z")) {
        out += " UTC";
      }
    }
  } else {
    out = std::string(value);
  }
  if (!tzid.empty()) {
    out += " (" + std::string(tzid) + ")";
  }
  return out;
}

// The searchable part of an iCalendar object: for each VEVENT its summary, location, start,
// end, organizer and description, one per line. Lines are unfolded first (RFC 5545 §3.1).
std::string CalendarText(std::string_view ics) {
  std::string unfolded;
  unfolded.reserve(ics.size());
  for (size_t i = 0; i < ics.size(); ++i) {
    if (ics[i] == '\r') {
      continue;
    }
    if (ics[i] == '\n' && i + 1 < ics.size() && (ics[i + 1] == ' ' || ics[i + 1] == '\t')) {
      ++i;  // a folded continuation: drop the line break and the one white-space character
      continue;
    }
    unfolded += ics[i];
  }
  std::string out;
  int event_depth = 0;
  std::string_view rest = unfolded;
  while (!rest.empty()) {
    size_t eol = rest.find('\n');
    std::string_view line = rest.substr(0, eol);
    rest = eol == std::string_view::npos ? std::string_view() : rest.substr(eol + 1);
    size_t colon = line.find(':');
    if (colon == std::string_view::npos) {
      continue;
    }
    std::string_view name_and_params = line.substr(0, colon);
    std::string_view value = TrimWhitespace(line.substr(colon + 1));
    size_t semicolon = name_and_params.find(';');
    std::string name = AsciiLower(name_and_params.substr(0, semicolon));
    std::string_view params = semicolon == std::string_view::npos
                                  ? std::string_view()
                                  : name_and_params.substr(semicolon);
    if (name == "begin" && EqualsIgnoreCase(value, "VEVENT")) {
      ++event_depth;
      continue;
    }
    if (name == "end" && EqualsIgnoreCase(value, "VEVENT")) {
      event_depth = std::max(0, event_depth - 1);
      continue;
    }
    // A VTIMEZONE has DTSTARTs of its own that are no meeting times.
    if (event_depth == 0 || value.empty()) {
      continue;
    }
    auto param = [&](std::string_view key) -> std::string_view {
      std::string lowered = AsciiLower(params);
      size_t at = lowered.find(";" + AsciiLower(key) + "=");
      if (at == std::string::npos) {
        return {};
      }
      std::string_view v = params.substr(at + key.size() + 2);
      v = v.substr(0, v.find(';'));
      if (v.size() >= 2 && v.front() == '"' && v.back() == '"') {
        v = v.substr(1, v.size() - 2);
      }
      return v;
    };
    std::string text;
    if (name == "summary" || name == "location" || name == "description") {
      text = UnescapeIcalText(value);
    } else if (name == "dtstart" || name == "dtend") {
      text = ReadableIcalTime(value, param("TZID"));
    } else if (name == "organizer") {
      std::string_view address = value;
      if (address.size() > 7 && EqualsIgnoreCase(address.substr(0, 7), "mailto:")) {
        address.remove_prefix(7);
      }
      std::string_view common_name = param("CN");
      text = common_name.empty() ? std::string(address)
                                 : std::string(common_name) + " <" + std::string(address) + ">";
    } else {
      continue;
    }
    if (!text.empty()) {
      out += (out.empty() ? "" : "\n") + text;
    }
  }
  return out;
}

class Walker {
 public:
  explicit Walker(MimeMessage* message) : message_(message) {}

  void Walk(GMimeObject* object, int depth) {
    if (object == nullptr) {
      return;
    }
    if (depth > kMaxMimeDepth) {
      if (!warned_depth_) {
        message_->warnings.push_back("MIME parts nested deeper than " +
                                     std::to_string(kMaxMimeDepth) + " levels were skipped");
        warned_depth_ = true;
      }
      return;
    }
    if (GMIME_IS_MESSAGE_PART(object)) {
      MimeAttachment attachment;
      const char* name = g_mime_object_get_content_disposition_parameter(object, "filename");
      attachment.file_name = name != nullptr ? name : "";
      attachment.media_type = "message/rfc822";
      GMimeMessage* inner = g_mime_message_part_get_message(GMIME_MESSAGE_PART(object));
      if (inner != nullptr) {
        attachment.bytes = ObjectBytes(GMIME_OBJECT(inner));
      }
      message_->attachments.push_back(std::move(attachment));
      return;
    }
    if (GMIME_IS_MULTIPART(object)) {
      if (GMIME_IS_MULTIPART_ENCRYPTED(object)) {
        message_->warnings.push_back("multipart/encrypted content was not decrypted");
      }
      GMimeMultipart* multipart = GMIME_MULTIPART(object);
      int n = g_mime_multipart_get_count(multipart);
      for (int i = 0; i < n; ++i) {
        Walk(g_mime_multipart_get_part(multipart, i), depth + 1);
      }
      return;
    }
    if (GMIME_IS_PART(object)) {
      Leaf(GMIME_PART(object));
    }
  }

  void Finish() {
    if (message_->text_body.empty() && !message_->html_body.empty()) {
      message_->text_body = HtmlToText(message_->html_body);
    }
    if (!calendar_text_.empty()) {
      if (!message_->text_body.empty()) {
        message_->text_body += "\n\n";
      }
      message_->text_body += calendar_text_;
    }
  }

 private:
  void Leaf(GMimePart* part) {
    GMimeObject* object = GMIME_OBJECT(part);
    std::string media_type = MediaType(object);
    const char* file_name = g_mime_part_get_filename(part);
    bool is_attachment = g_mime_part_is_attachment(part) || file_name != nullptr;
    bool is_plain = media_type == "text/plain";
    bool is_html = media_type == "text/html";
    if (!is_attachment && (is_plain || (is_html && message_->html_body.empty()))) {
      std::string text = Decode(object, PartBytes(part), media_type);
      if (is_html) {
        message_->html_body = std::move(text);
      } else if (message_->text_body.empty()) {
        message_->text_body = std::move(text);
      } else {
        message_->text_body += "\n" + text;  // a second inline text part (e.g. a list footer)
      }
      return;
    }
    MimeAttachment attachment;
    attachment.file_name = file_name != nullptr ? file_name : "";
    attachment.bytes = PartBytes(part);
    // An invitation carries its calendar inline; an .ics file attached to a note does not make
    // the note a meeting.
    if (media_type == "text/calendar" && !g_mime_part_is_attachment(part)) {
      message_->has_calendar_part = true;
      std::string text = CalendarText(Decode(object, attachment.bytes, media_type));
      if (!text.empty()) {
        calendar_text_ += (calendar_text_.empty() ? "" : "\n") + text;
      }
    }
    attachment.media_type = std::move(media_type);
    message_->attachments.push_back(std::move(attachment));
  }

  std::string Decode(GMimeObject* object, const std::string& bytes, const std::string& what) {
    const char* charset = g_mime_object_get_content_type_parameter(object, "charset");
    Result<DecodedText> decoded = ConvertToUtf8(bytes, charset != nullptr ? charset : "");
    if (!decoded.has_value()) {
      message_->warnings.push_back(what +
                                   " part could not be decoded: " + decoded.error().message());
      return {};
    }
    if (!decoded->warning.empty()) {
      message_->warnings.push_back(what + " part: " + decoded->warning);
    }
    if (decoded->detected && message_->detected_charset.empty()) {
      message_->detected_charset = decoded->charset;
    }
    return std::move(decoded->utf8);
  }

  MimeMessage* message_;
  std::string calendar_text_;
  bool warned_depth_ = false;
};

// "<a@x> <b@y>" -> {"a@x", "b@y"}; bare ids separated by white space are accepted too.
std::vector<std::string> SplitMessageIds(std::string_view value) {
  std::vector<std::string> ids;
  size_t i = 0;
  while (i < value.size()) {
    while (i < value.size() && (value[i] == ' ' || value[i] == '\t' || value[i] == ',' ||
                                value[i] == '\r' || value[i] == '\n')) {
      ++i;
    }
    if (i >= value.size()) {
      break;
    }
    size_t end;
    if (value[i] == '<') {
      end = value.find('>', i);
      end = end == std::string_view::npos ? value.size() : end;
      std::string_view id = TrimWhitespace(value.substr(i + 1, end - i - 1));
      if (!id.empty()) {
        ids.emplace_back(id);
      }
      i = end + 1;
      continue;
    }
    end = value.find_first_of(" \t,\r\n", i);
    end = end == std::string_view::npos ? value.size() : end;
    ids.emplace_back(value.substr(i, end - i));
    i = end;
  }
  return ids;
}

std::string FirstMessageId(std::string_view value) {
  std::vector<std::string> ids = SplitMessageIds(value);
  return ids.empty() ? std::string() : ids.front();
}

// Skips an mbox "From " separator line, which is not a header.
std::string_view SkipMboxFromLine(std::string_view bytes) {
  if (bytes.starts_with("From ")) {
    size_t eol = bytes.find('\n');
    return eol == std::string_view::npos ? std::string_view() : bytes.substr(eol + 1);
  }
  return bytes;
}

}  // namespace

Result<MimeMessage> ParseMime(std::string_view bytes) {
  InitGMimeOnce();
  bytes = SkipMboxFromLine(bytes);
  if (TrimWhitespace(bytes.substr(0, std::min<size_t>(bytes.size(), 4096))).empty()) {
    return Status::InvalidArgument("not a MIME message: the input is empty");
  }
  // GMime is lenient enough to find "headers" in random bytes; an RFC 5322 message must open
  // with a header field: a name of printable ASCII (no colon, no space) and a colon.
  {
    size_t name_end = 0;
    while (name_end < bytes.size() && name_end <= 76 && bytes[name_end] != ':' &&
           bytes[name_end] > ' ' && static_cast<unsigned char>(bytes[name_end]) < 127) {
      ++name_end;
    }
    if (name_end == 0 || name_end >= bytes.size() || bytes[name_end] != ':') {
      return Status::InvalidArgument(
          "not a MIME message: the input does not start with a header field (\"Name: value\")");
    }
  }
  // The memory stream copies the bytes; GMime cannot borrow them.
  GObjectPtr<GMimeStream> stream(g_mime_stream_mem_new_with_buffer(bytes.data(), bytes.size()));
  GObjectPtr<GMimeParser> parser(g_mime_parser_new_with_stream(stream.get()));
  g_mime_parser_set_format(parser.get(), GMIME_FORMAT_MESSAGE);
  GObjectPtr<GMimeMessage> gmessage(g_mime_parser_construct_message(parser.get(), nullptr));
  if (gmessage.get() == nullptr) {
    return Status::InvalidArgument(
        "not a MIME message: GMime found no header block at the start of the input");
  }
  GMimeObject* object = GMIME_OBJECT(gmessage.get());
  GMimeHeaderList* headers = g_mime_object_get_header_list(object);
  if (headers == nullptr || g_mime_header_list_get_count(headers) == 0) {
    return Status::InvalidArgument("not a MIME message: no headers before the body");
  }

  MimeMessage message;
  std::vector<std::string> from;
  AppendAddresses(g_mime_message_get_from(gmessage.get()), &from);
  for (size_t i = 0; i < from.size(); ++i) {
    message.from += (i > 0 ? ", " : "") + from[i];
  }
  if (message.from.empty()) {
    message.from = HeaderValue(object, "From");  // not parseable as addresses: keep the text
  }
  AppendAddresses(g_mime_message_get_addresses(gmessage.get(), GMIME_ADDRESS_TYPE_TO), &message.to);
  AppendAddresses(g_mime_message_get_addresses(gmessage.get(), GMIME_ADDRESS_TYPE_CC), &message.cc);
  AppendAddresses(g_mime_message_get_addresses(gmessage.get(), GMIME_ADDRESS_TYPE_BCC),
                  &message.bcc);
  const char* subject = g_mime_message_get_subject(gmessage.get());
  message.subject = subject != nullptr ? TrimWhitespace(subject) : "";
  if (GDateTime* date = g_mime_message_get_date(gmessage.get()); date != nullptr) {
    message.date = static_cast<UtcMillis>(g_date_time_to_unix(date)) * 1000 +
                   g_date_time_get_microsecond(date) / 1000;
  }
  message.received = HeaderDate(HeaderValue(object, "Delivery-Date"));
  if (message.received == 0) {
    // The topmost Received: is the last hop, written by the receiving mailbox server; its date
    // follows the last ';' (RFC 5322 §3.6.7).
    const std::string received = HeaderValue(object, "Received");
    if (const size_t semicolon = received.rfind(';'); semicolon != std::string::npos) {
      message.received = HeaderDate(received.substr(semicolon + 1));
    }
  }
  for (const char* header : {"Importance", "X-Priority", "Priority", "X-MSMail-Priority"}) {
    message.importance = std::string(ImportanceName(HeaderValue(object, header)));
    if (!message.importance.empty()) {
      break;
    }
  }
  message.session_id = HeaderValue(object, "Session-Id");
  const char* message_id = g_mime_message_get_message_id(gmessage.get());
  message.message_id = message_id != nullptr ? TrimWhitespace(message_id) : "";
  message.content_class = HeaderValue(object, "Content-Class");
  if (message.content_class.empty()) {
    // GMime files every "Content-*" header of the top block under the message's MIME part.
    message.content_class =
        HeaderValue(g_mime_message_get_mime_part(gmessage.get()), "Content-Class");
  }

  message.item_class = HeaderValue(object, "X-Message-Class");
  if (message.item_class.empty()) {
    message.item_class = ItemClassFromContentClass(message.content_class);
  }
  message.in_reply_to = FirstMessageId(HeaderValue(object, "In-Reply-To"));
  message.references = SplitMessageIds(HeaderValue(object, "References"));

  Walker walker(&message);
  walker.Walk(g_mime_message_get_mime_part(gmessage.get()), 0);
  walker.Finish();
  return message;
}

}  // namespace docket
