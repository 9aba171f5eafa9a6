/** @file
 *  @brief Which `kind:` a mail item is: Lync/Skype conversation history (im), meeting (meetings)
 *         or ordinary mail (email), from its MAPI item class, MIME Content-Class and parts.
 *
 *  Mail reaches Docket from EML, MBOX, PST and TNEF, and each carries its type differently: a PST
 *  item has a MAPI message class, an EML exported from Exchange often only a Content-Class header,
 *  an iCalendar invitation only a text/calendar part. This is the one place those are reconciled
 *  (ediscovery.md §1.5), so `kind:im` finds conversation history from every source alike.
 */
#pragma once

#include <string>
#include <string_view>

#include "storage/item.h"

namespace docket {

/// The kind a message is indexed as:
/// - kImConversation: IPM.Note.Microsoft.Conversation*, IPM.Note.Microsoft.Missed* (missed IM and
///   missed call), IPM.Note.Microsoft.Voicemail* / VoiceMessage*, any class ending in ".Voice",
///   IM.Note.MissedConversation and IPM.SkypeTeams.Message.
/// - kMeeting: IPM.Schedule.Meeting.*, IPM.Appointment*, Content-Class
///   urn:content-classes:calendarmessage, or a text/calendar part.
/// - kEmail: everything else (faxes included: they are not conversations).
/// Class names are compared case-insensitively and by whole dotted segments. When `item_class`
/// is empty the class implied by `content_class` is used.
ItemKind KindOfMessage(std::string_view item_class, std::string_view content_class,
                       bool has_calendar_part);

/// The MAPI item class Exchange gives a message with this MIME Content-Class (ediscovery.md §1.5,
/// as gromox maps it): "voice-uc" -> "IPM.Note.Microsoft.Conversation.Voice", "missedcall" ->
/// "IPM.Note.Microsoft.Missed.Voice", "voice" -> "IPM.Note.Microsoft.Voicemail.UM", "voice-ca"
/// -> "IPM.Note.Microsoft.Voicemail.UM.CA", "fax" / "fax-ca" -> "IPM.Note.Microsoft.Fax[.CA]",
/// "conversation" -> "IPM.Note.Microsoft.Conversation", "missedconversation" ->
/// "IPM.Note.Microsoft.Missed", "calendarmessage" -> "IPM.Schedule.Meeting.Request",
/// "message" -> "IPM.Note". The "urn:content-classes:" prefix is optional and case is ignored.
/// Returns "" when the value is empty or unknown.
std::string ItemClassFromContentClass(std::string_view content_class);

}  // namespace docket
