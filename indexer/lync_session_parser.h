/** @file
 *  @brief Lync / Skype for Business Export-CsArchivingData sessions (ediscovery.md §1.2-§1.4):
 *         file name, headers and the HTML transcript -> one conversation with message lines.
 *
 *  Works on an already parsed MimeMessage (mime_parser.h). The transcript is read with libxml2's
 *  DOM and matched by structure (`<b>SENDER [YYYY-MM-DD hh:mm:ssZ]:</b>` then a DIV), never by
 *  English words, because exports from other locales translate the fixed strings.
 */
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "common/time_util.h"
#include "indexer/mime_parser.h"
#include "storage/item.h"

namespace docket {

/// What an export file name says: `yyyyMMddHHmmssfff_<n>_p2p.eml` / `..._conf.eml`.
struct LyncFileName {
  UtcMillis start = 0;      // session start, UTC, millisecond precision
  int sequence = 0;         // <n> (probably the SQL SessionIdSeq)
  bool conference = false;  // "_conf" rather than "_p2p"
};

/// Matches ^(\d{17})_(\d+)_(p2p|conf)\.eml$ against the last path component of `file_name`
/// (either '/' or '\\' separates; the ".eml" extension may be upper-case). Returns nullopt when
/// it does not match or the 17 digits are not a valid date and time.
std::optional<LyncFileName> ParseLyncFileName(std::string_view file_name);

/// A message is a Lync session when it has a Session-Id header or its file name matches.
bool IsLyncSession(const MimeMessage& message, std::string_view file_name);

struct LyncSession {
  std::string session_id;
  bool conference = false;  // from the file name; false when the name is non-standard
  std::string subject;
  // Normalised SIP addresses: lower-case, "sip:" and any display name stripped.
  std::string from;
  std::vector<std::string> to;
  std::vector<std::string> participants;      // from, to and every sender, de-duplicated, in order
  UtcMillis start = 0;                        // file name time, else the Date: header
  std::vector<ConversationMessage> messages;  // document order; text is NFC
  // Transcript problems only ("non-standard file name ...", "3 transcript lines had no
  // timestamp"); the MimeMessage's own warnings are not copied here.
  std::vector<std::string> warnings;
};

/// Reads the session out of `message.html_body`. Each `<b>SENDER [ts]:</b>` starts a line: a
/// following DIV is a message body; a following `<b>` (no line break between) is an event
/// (subject change, join/leave, upload) stored with is_event = true and the event text. A line
/// whose bracket does not parse as a time gets sent = 0 and is counted in a warning.
/// Fails (kInvalidArgument) only when the message has no HTML part at all.
Result<LyncSession> ParseLyncSession(const MimeMessage& message, std::string_view file_name);

/// "Alice <SIP:Alice@Contoso.com>" -> "alice@contoso.com" (ediscovery.md §1.3).
std::string NormalizeSipAddress(std::string_view address);

}  // namespace docket
