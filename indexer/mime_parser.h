/** @file
 *  @brief RFC 5322 / MIME messages (.eml, Lync session exports) -> headers, body text and
 *         attachments, with GMime 3.
 *
 *  GMime decodes structure, RFC 2047 headers and transfer encodings; charsets of body parts are
 *  converted by charset_converter (ICU), not by GMime, so every charset guess is reported in
 *  `warnings`. GMime's headers stay in mime_parser.cc.
 */
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "common/time_util.h"

namespace docket {

struct MimeAttachment {
  std::string file_name;   // Content-Disposition filename (or Content-Type name); may be empty
  std::string media_type;  // lower-case "type/subtype"
  std::string bytes;       // decoded content (base64 / quoted-printable undone)
};

struct MimeMessage {
  // Addresses as given, RFC 2047 decoded: "Alice <alice@x.com>" or "alice@x.com". Groups are
  // flattened into their members.
  std::string from;
  std::vector<std::string> to;
  std::vector<std::string> cc;
  std::vector<std::string> bcc;  // present in sent items, drafts and PST renderings
  std::string subject;           // RFC 2047 decoded
  UtcMillis date = 0;            // Date: header; 0 when absent or unparseable
  // When the message reached the mailbox: Delivery-Date, else the date of the topmost (newest)
  // Received: header; 0 when neither gives one.
  UtcMillis received = 0;
  // ImportanceName() of the Importance header, else X-Priority, else Priority (urgent,
  // non-urgent); empty when none says.
  std::string importance;
  std::string session_id;     // Lync Session-Id header, trimmed
  std::string message_id;     // Message-ID without angle brackets
  std::string content_class;  // Content-Class header (Exchange/UC voice mail, missed call, ...)
  // MAPI message class ("IPM.Note.Microsoft.Conversation"): the X-Message-Class header that PST
  // exporters (and PstReader's renderings) write, else the class Exchange gives the Content-Class
  // (ItemClassFromContentClass), else empty. Feeds KindOfMessage.
  std::string item_class;
  // Threading (ediscovery.md §6): In-Reply-To without angle brackets, References as listed.
  std::string in_reply_to;
  std::vector<std::string> references;
  // True when the message carries an inline text/calendar part (an invitation, a response or a
  // cancellation); its SUMMARY, LOCATION, DTSTART, DTEND, ORGANIZER and DESCRIPTION are appended
  // to text_body so the meeting is searchable. The part is still listed in `attachments`.
  bool has_calendar_part = false;
  // UTF-8 plain text: the text/plain body part(s), else HtmlToText of the HTML body.
  std::string text_body;
  // UTF-8 HTML of the first text/html body part, if any.
  std::string html_body;
  // Non-body leaf parts with decoded bytes. An attached message/rfc822 is one attachment with
  // media_type "message/rfc822" and the attached message's bytes (not parsed further here).
  std::vector<MimeAttachment> attachments;
  // Anything read only in part: unknown charset, undecodable bytes, nesting cut off, ...
  std::vector<std::string> warnings;
  // The charset a text part was decoded with when its label was missing or wrong and it had
  // to be detected (the first such part's); empty when every label was right.
  std::string detected_charset;
};

/// Parses one message. Fails with kInvalidArgument only when the bytes are not a MIME message
/// at all (no header block); charset and part problems become `warnings`. A leading mbox
/// "From " line is skipped.
Result<MimeMessage> ParseMime(std::string_view bytes);

}  // namespace docket
