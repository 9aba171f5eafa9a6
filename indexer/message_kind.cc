/** @file
 *  @brief Item class / Content-Class -> ItemKind tables (ediscovery.md §1.5).
 */
#include "indexer/message_kind.h"

#include <array>
#include <utility>

#include "common/strings.h"

namespace docket {
namespace {

// True when `item_class` is `base` or a subclass of it ("IPM.Note.Microsoft.Missed.Voice" is
// under "IPM.Note.Microsoft.Missed"); "IPM.Appointment" is not under "IPM.App".
bool IsClassOrSubclass(std::string_view item_class, std::string_view base) {
  if (item_class.size() < base.size() ||
      !EqualsIgnoreCase(item_class.substr(0, base.size()), base)) {
    return false;
  }
  return item_class.size() == base.size() || item_class[base.size()] == '.';
}

bool EndsWithSegment(std::string_view item_class, std::string_view segment) {
  return item_class.size() > segment.size() + 1 &&
         item_class[item_class.size() - segment.size() - 1] == '.' &&
         EqualsIgnoreCase(item_class.substr(item_class.size() - segment.size()), segment);
}

constexpr std::array<std::string_view, 6> kImClasses = {
    "IPM.Note.Microsoft.Conversation", "IPM.Note.Microsoft.Missed",  "IPM.Note.Microsoft.Voicemail",
    "IPM.Note.Microsoft.VoiceMessage", "IM.Note.MissedConversation", "IPM.SkypeTeams.Message",
};

constexpr std::array<std::string_view, 2> kMeetingClasses = {"IPM.Schedule.Meeting",
                                                             "IPM.Appointment"};

constexpr std::array<std::pair<std::string_view, std::string_view>, 10> kContentClasses = {{
    {"voice-uc", "IPM.Note.Microsoft.Conversation.Voice"},
    {"missedcall", "IPM.Note.Microsoft.Missed.Voice"},
    {"voice", "IPM.Note.Microsoft.Voicemail.UM"},
    {"voice-ca", "IPM.Note.Microsoft.Voicemail.UM.CA"},
    {"fax", "IPM.Note.Microsoft.Fax"},
    {"fax-ca", "IPM.Note.Microsoft.Fax.CA"},
    {"conversation", "IPM.Note.Microsoft.Conversation"},
    {"missedconversation", "IPM.Note.Microsoft.Missed"},
    {"calendarmessage", "IPM.Schedule.Meeting.Request"},
    {"message", "IPM.Note"},
}};

}  // namespace

std::string ItemClassFromContentClass(std::string_view content_class) {
  std::string_view value = TrimWhitespace(content_class);
  constexpr std::string_view kUrnPrefix = "urn:content-classes:";
  if (value.size() > kUrnPrefix.size() &&
      EqualsIgnoreCase(value.substr(0, kUrnPrefix.size()), kUrnPrefix)) {
    value.remove_prefix(kUrnPrefix.size());
  }
  for (const auto& [name, item_class] : kContentClasses) {
    if (EqualsIgnoreCase(value, name)) {
      return std::string(item_class);
    }
  }
  return {};
}

ItemKind KindOfMessage(std::string_view item_class, std::string_view content_class,
                       bool has_calendar_part) {
  std::string from_content_class;
  item_class = TrimWhitespace(item_class);
  if (item_class.empty()) {
    from_content_class = ItemClassFromContentClass(content_class);
    item_class = from_content_class;
  }
  for (std::string_view base : kImClasses) {
    if (IsClassOrSubclass(item_class, base)) {
      return ItemKind::kImConversation;
    }
  }
  if (EndsWithSegment(item_class, "Voice")) {
    return ItemKind::kImConversation;
  }
  for (std::string_view base : kMeetingClasses) {
    if (IsClassOrSubclass(item_class, base)) {
      return ItemKind::kMeeting;
    }
  }
  // An item class from the store wins over the header, but an invitation saved as a plain note
  // still carries its calendar: both make it a meeting.
  if (ItemClassFromContentClass(content_class) == "IPM.Schedule.Meeting.Request" ||
      has_calendar_part) {
    return ItemKind::kMeeting;
  }
  return ItemKind::kEmail;
}

}  // namespace docket
