/** @file
 *  @brief KindOfMessage / ItemClassFromContentClass: the ediscovery.md §1.5 tables.
 */
#include "indexer/message_kind.h"

#include <gtest/gtest.h>

namespace docket {
namespace {

TEST(MessageKindTest, ConversationHistoryClassesAreIm) {
  for (const char* item_class :
       {"IPM.Note.Microsoft.Conversation", "IPM.Note.Microsoft.Conversation.Voice",
        "IPM.Note.Microsoft.Missed", "IPM.Note.Microsoft.Missed.Voice",
        "IPM.Note.Microsoft.Voicemail.UM", "IPM.Note.Microsoft.Voicemail.UM.CA",
        "IPM.Note.Microsoft.VoiceMessage.UA", "ipm.note.microsoft.conversation",
        "IM.Note.MissedConversation", "IPM.SkypeTeams.Message", "IPM.Note.Custom.Voice"}) {
    EXPECT_EQ(ItemKind::kImConversation, KindOfMessage(item_class, "", false)) << item_class;
  }
}

TEST(MessageKindTest, MeetingClassesAndCalendarSignals) {
  for (const char* item_class :
       {"IPM.Schedule.Meeting.Request", "IPM.Schedule.Meeting.Canceled",
        "IPM.Schedule.Meeting.Resp.Pos", "IPM.Appointment", "IPM.Appointment.Occurrence"}) {
    EXPECT_EQ(ItemKind::kMeeting, KindOfMessage(item_class, "", false)) << item_class;
  }
  EXPECT_EQ(ItemKind::kMeeting, KindOfMessage("", "urn:content-classes:calendarmessage", false));
  EXPECT_EQ(ItemKind::kMeeting, KindOfMessage("IPM.Note", "", true));
  EXPECT_EQ(ItemKind::kMeeting, KindOfMessage("", "", true));
}

TEST(MessageKindTest, EverythingElseIsEmail) {
  EXPECT_EQ(ItemKind::kEmail, KindOfMessage("IPM.Note", "", false));
  EXPECT_EQ(ItemKind::kEmail, KindOfMessage("", "", false));
  EXPECT_EQ(ItemKind::kEmail, KindOfMessage("IPM.Note.Microsoft.Fax", "", false));
  EXPECT_EQ(ItemKind::kEmail, KindOfMessage("", "urn:content-classes:message", false));
  // Whole dotted segments only: these merely share a prefix with IM classes.
  EXPECT_EQ(ItemKind::kEmail, KindOfMessage("IPM.Note.Microsoft.ConversationLog", "", false));
  EXPECT_EQ(ItemKind::kEmail, KindOfMessage("IPM.Note.Voicemail", "", false));
  EXPECT_EQ(ItemKind::kEmail, KindOfMessage("IPM.AppointmentX", "", false));
}

TEST(MessageKindTest, ContentClassWhenItemClassIsMissing) {
  EXPECT_EQ(ItemKind::kImConversation, KindOfMessage("", "voice-uc", false));
  EXPECT_EQ(ItemKind::kImConversation, KindOfMessage("", "MissedCall", false));
  EXPECT_EQ(ItemKind::kImConversation, KindOfMessage("", "urn:content-classes:voice-ca", false));
  // The store's item class wins over the header.
  EXPECT_EQ(ItemKind::kEmail, KindOfMessage("IPM.Note", "voice-uc", false));
}

TEST(MessageKindTest, ItemClassFromContentClassTable) {
  EXPECT_EQ("IPM.Note.Microsoft.Conversation.Voice", ItemClassFromContentClass("voice-uc"));
  EXPECT_EQ("IPM.Note.Microsoft.Missed.Voice", ItemClassFromContentClass("missedcall"));
  EXPECT_EQ("IPM.Note.Microsoft.Voicemail.UM", ItemClassFromContentClass(" voice "));
  EXPECT_EQ("IPM.Note.Microsoft.Voicemail.UM.CA", ItemClassFromContentClass("voice-ca"));
  EXPECT_EQ("IPM.Note.Microsoft.Fax", ItemClassFromContentClass("fax"));
  EXPECT_EQ("IPM.Schedule.Meeting.Request",
            ItemClassFromContentClass("urn:content-classes:calendarmessage"));
  EXPECT_EQ("IPM.Note.Microsoft.Conversation",
            ItemClassFromContentClass("URN:Content-Classes:Conversation"));
  EXPECT_EQ("", ItemClassFromContentClass("urn:content-classes:"));
  EXPECT_EQ("", ItemClassFromContentClass("something-else"));
  EXPECT_EQ("", ItemClassFromContentClass(""));
}

}  // namespace
}  // namespace docket
