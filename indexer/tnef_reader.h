/** @file
 *  @brief TNEF (winmail.dat, application/ms-tnef) -> subject, bodies and attachments, with
 *         libytnef.
 *
 *  Outlook wraps a message's rich content in TNEF when it sends to a non-Exchange recipient; the
 *  attachments inside are invisible to a MIME parser. The pipeline calls ParseTnef on such a
 *  part and turns each attachment into a child item. A damaged stream gives what comes before
 *  the damage plus a warning. libytnef's headers stay in tnef_reader.cc.
 */
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "common/time_util.h"
#include "indexer/document_text.h"

namespace docket {

/// True when `head` starts with the TNEF signature 0x223E9F78 (little-endian).
bool LooksLikeTnef(std::string_view head);

struct TnefContent {
  std::string message_class;  // "IPM.Note", "IPM.Microsoft Mail.Note", "IPM.Schedule.Meeting..."
  std::string subject;        // UTF-8 (PR_SUBJECT when present, else attSubject in the code page)
  UtcMillis sent = 0;         // attDateSent, 0 when absent
  // UTF-8 plain text: PR_BODY, else attBody, else HtmlToText(html_body). Empty when the message
  // only has an RTF body: the pipeline converts `rtf_body` (ExtractRtfText).
  std::string body_text;
  std::string html_body;  // PR_HTML converted to UTF-8, if present
  std::string rtf_body;   // PR_RTF_COMPRESSED decompressed (RTF text), if present
  // One per attachment, in stream order. `name` is PR_ATTACH_LONG_FILENAME, else the 8.3
  // attAttachTitle, else "attachment-N". An attached Outlook message (PR_ATTACH_DATA_OBJ) comes
  // out as "<name>.tnef" with media type application/ms-tnef, to be parsed again.
  std::vector<EmbeddedFile> attachments;
  // What could not be read: "stream truncated at offset 412: attribute 0x00069005 claims 900
  // bytes, 37 remain", bad checksums, an undecodable RTF body, ...
  std::vector<std::string> warnings;
};

/// Reads a TNEF stream. Fails with kInvalidArgument when the signature is missing and with
/// kCorruption when nothing at all could be read; everything else becomes `warnings`.
Result<TnefContent> ParseTnef(std::string_view bytes);

/// PR_RTF_COMPRESSED ([MS-OXRTFCP]: "LZFu" compressed or "MELA" stored) -> the RTF text. A CRC
/// mismatch is tolerated (the text is returned); a header that does not fit the bytes, an
/// unknown type or a reference outside the data fails with kCorruption. libytnef has its own
/// decompressor, but it exits the process on a corrupt stream, so this one is used instead.
Result<std::string> DecompressRtf(std::string_view compressed);

}  // namespace docket
