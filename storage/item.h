/** @file
 *  @brief Item: one document Docket knows about (plain data, no library headers).
 *
 *  Every item knows its container (Recoll's ipath / parent_udi): an IM session inside an .eml
 *  inside a zip has parent_id = the zip's item and an ipath such as
 *  "export.zip!/2013/03/15/20130315091502123_1_p2p.eml". Holds, deletes and exports work on
 *  whole families through parent_id.
 */
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/time_util.h"

namespace docket {

using ItemId = uint64_t;
inline constexpr ItemId kNoItem = 0;

enum class ItemKind : uint8_t {
  kContainer = 0,       // an archive or folder we opened; its members are items of their own
  kImConversation = 1,  // an Export-CsArchivingData p2p session: one searchable conversation
  kMeeting = 2,         // an Export-CsArchivingData conference session (_conf.eml)
  kImMessage = 3,       // one line of a conversation or meeting (child record, not indexed alone)
  kEmail = 4,           // an ordinary RFC 5322 message
  kAttachment = 5,      // a MIME attachment of an email or a meeting (child of it)
  kFile = 6,            // any other file we stored (unknown type, loose document)
};

/// The value users type after `kind:` and see in results: "im", "meetings", "email", ...
std::string_view ItemKindName(ItemKind kind);
/// Inverse of ItemKindName; also accepts the singular "meeting" and "message".
std::optional<ItemKind> ParseItemKind(std::string_view name);

enum class IndexState : uint8_t {
  kIndexed = 0,           // every part was read
  kPartiallyIndexed = 1,  // indexed as far as it could be; `state_reason` says what was lost
  kUnindexed = 2,         // nothing could be read; the native is kept and exported anyway
};

std::string_view IndexStateName(IndexState state);

/// The importance a value names, as `importance:` indexes and matches it: "high", "medium" or
/// "low". Takes Importance header values (high, normal, low), X-Priority (1-2 high, 3 normal,
/// 4-5 low, "1 (Highest)") and "urgent"/"non-urgent"; PR_IMPORTANCE (0 low, 1 normal, 2 high)
/// differs from X-Priority, so its readers map it themselves. "normal" is "medium"
/// (sharepoint-search.md §2.10). Empty for anything else.
std::string_view ImportanceName(std::string_view value);

/// One message line of an IM session or meeting (stored as a kImMessage child item too).
struct ConversationMessage {
  std::string sender;  // normalised SIP address ("alice@contoso.com")
  UtcMillis sent = 0;
  std::string text;       // plain text, NFC
  bool is_event = false;  // join/leave/subject change: a system event, not someone's words
};

struct Item {
  /// Adds `name` to custodians (and sets `custodian` when it was empty); false when present.
  bool AddCustodian(const std::string& name);

  ItemId id = kNoItem;
  ItemId parent_id = kNoItem;  // kNoItem for a top-level source
  ItemKind kind = ItemKind::kFile;
  IndexState state = IndexState::kIndexed;
  std::string state_reason;  // why partially indexed or unindexed; empty when kIndexed

  std::string ipath;      // human-readable path inside its source: "a.zip!/dir/x.eml!/attachment/2"
  std::string file_name;  // last component of the ipath, or the attachment's file name
  std::string media_type;  // "message/rfc822", "application/zip", ...
  std::string custodian;   // whose data this is, as given to `docket ingest --custodian`
  // Every custodian the item was collected for, `custodian` first. An exact duplicate or the
  // same IM session found in another custodian's data adds its custodian here instead of being
  // stored twice, so `custodian:` finds it for each of them.
  std::vector<std::string> custodians;

  std::string title;                      // subject of a conversation, meeting or email
  std::string from;                       // normalised sender / session initiator / organizer
  std::vector<std::string> to;            // normalised recipients
  std::vector<std::string> participants;  // everyone in the conversation, from and to included
  std::vector<std::string> cc;            // Cc of an email, addresses as given
  std::vector<std::string> bcc;           // Bcc (sent items, drafts, PST renderings)
  UtcMillis sent = 0;                     // session start or Date: header; 0 when unknown
  UtcMillis last_activity = 0;            // last message time of a conversation (SharePoint Write)
  // When the message reached the mailbox (Delivery-Date, else the newest Received: hop). 0 when
  // unknown; `received:` then uses `sent`, as for IM and meetings, which are filed when sent.
  UtcMillis received = 0;
  std::string session_id;  // Lync Session-Id header
  std::string message_id;  // RFC 5322 Message-ID, when present
  // Identity of an IM session across sources (an export .eml and an LcsLog dump of the same
  // session give the same key; see indexer/conversation_key.h). Empty for other items.
  std::string conversation_key;

  uint64_t size = 0;   // bytes of the native
  std::string sha256;  // hex SHA-256 of the native; natives are stored under it
  // Lower-case hex MD5 and SHA-1 of the same native bytes, computed at ingest beside the SHA-256
  // because review platforms and the other side's dedup lists still speak them (ediscovery.md §6
  // "Hashing"). Empty when there were no native bytes (a conversation line, a member that could
  // not be read) and for items ingested before these were kept; export re-hashes natives anyway.
  std::string md5;
  std::string sha1;
  std::string text;  // extracted plain text (NFC), what the index is built from
  // DetectedLanguage: the ISO 639-1 code ("en", "de", "zh", "ja", ...; CLD2's code otherwise) of
  // the text's main language, or empty when the text is too short or mixed to tell
  // (storage/language_detector.h). Decides which Snowball stems the item is indexed with.
  std::string language;
  // The charset the text was decoded with when it had to be guessed because the label was
  // missing or wrong ("windows-1251"); empty when the label was right.
  std::string detected_charset;
  std::vector<ConversationMessage> messages;  // conversation lines, in document order
  uint32_t message_count = 0;
  uint32_t attachment_count = 0;

  // eDiscovery properties (sharepoint-search.md §2.10).
  // "high", "medium" or "low" (Importance / X-Priority / PR_IMPORTANCE); empty means medium.
  std::string importance;
  // MAPI message class: "IPM.Note", "IPM.Note.Microsoft.Conversation", "IPM.Schedule.Meeting...";
  // empty for loose files.
  std::string item_class;
  // Document author from OOXML/PDF metadata; empty for mail and IM, whose author is `from`.
  std::string author;
  // File names of the attachments (and of a conference's uploads), in document order.
  std::vector<std::string> attachment_names;
};

}  // namespace docket
