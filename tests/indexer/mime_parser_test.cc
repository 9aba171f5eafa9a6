/** @file
 *  @brief ParseMime: headers, bodies, attachments, RFC 2047, charsets, non-messages.
 */
#include "indexer/mime_parser.h"

#include <gtest/gtest.h>

#include "tests/support/test_env.h"

namespace docket {
namespace {

using std::string_literals::operator""s;

bool AnyWarningContains(const MimeMessage& m, std::string_view needle) {
  for (const std::string& w : m.warnings) {
    if (w.find(needle) != std::string::npos) {
      return true;
    }
  }
  return false;
}

TEST(MimeParserTest, PlainBodyAndBase64Attachment) {
  const std::string eml =
      "From: \"Alice Example\" <alice@contoso.com>\r\n"
      "To: bob@contoso.com, \"Carol\" <carol@contoso.com>\r\n"
      "Cc: dave@contoso.com\r\n"
      "Subject: Quarterly report\r\n"
      "Date: Mon, 03 Jun 2013 11:15:02 +0200\r\n"
      "Message-ID: <abc123@contoso.com>\r\n"
      "MIME-Version: 1.0\r\n"
      "Content-Type: multipart/mixed; boundary=\"XYZ\"\r\n"
      "\r\n"
      "preamble\r\n"
      "--XYZ\r\n"
      "Content-Type: text/plain; charset=utf-8\r\n"
      "Content-Transfer-Encoding: quoted-printable\r\n"
      "\r\n"
      "Hallo Bob, der Bericht f=C3=BCr Q2 ist angeh=C3=A4ngt.\r\n"
      "--XYZ\r\n"
      "Content-Type: application/pdf; name=\"report.pdf\"\r\n"
      "Content-Disposition: attachment; filename=\"report.pdf\"\r\n"
      "Content-Transfer-Encoding: base64\r\n"
      "\r\n"
      "JVBERi0xLjQKAAEC/yBiaW5hcnk=\r\n"
      "--XYZ--\r\n";
  Result<MimeMessage> parsed = ParseMime(eml);
  ASSERT_OK(parsed);
  const MimeMessage& m = *parsed;
  EXPECT_EQ("Alice Example <alice@contoso.com>", m.from);
  ASSERT_EQ(2u, m.to.size());
  EXPECT_EQ("bob@contoso.com", m.to[0]);
  EXPECT_EQ("Carol <carol@contoso.com>", m.to[1]);
  ASSERT_EQ(1u, m.cc.size());
  EXPECT_EQ("dave@contoso.com", m.cc[0]);
  EXPECT_EQ("Quarterly report", m.subject);
  EXPECT_EQ(1370250902000, m.date);  // 09:15:02Z
  EXPECT_EQ("abc123@contoso.com", m.message_id);
  EXPECT_EQ("", m.session_id);
  // The CRLF before a boundary belongs to the boundary (RFC 2046).
  EXPECT_EQ("Hallo Bob, der Bericht für Q2 ist angehängt.", m.text_body);
  EXPECT_EQ("", m.html_body);
  ASSERT_EQ(1u, m.attachments.size());
  EXPECT_EQ("report.pdf", m.attachments[0].file_name);
  EXPECT_EQ("application/pdf", m.attachments[0].media_type);
  EXPECT_EQ("%PDF-1.4\n\x00\x01\x02\xff binary"s, m.attachments[0].bytes);
  EXPECT_TRUE(m.warnings.empty());
}

TEST(MimeParserTest, Rfc2047ChineseSubjectAndDisplayName) {
  const std::string eml =
      "From: =?UTF-8?B?5Lya6K6u?= <li.wei@contoso.com>\r\n"
      "To: bob@contoso.com\r\n"
      "Subject: =?UTF-8?B?5Lya6K6u5pS55Yiw5ZGo5LqU?= (Q2)\r\n"
      "\r\n"
      "body\r\n";
  Result<MimeMessage> parsed = ParseMime(eml);
  ASSERT_OK(parsed);
  EXPECT_EQ("会议改到周五 (Q2)", parsed->subject);
  EXPECT_EQ("会议 <li.wei@contoso.com>", parsed->from);
  EXPECT_EQ("body\r\n", parsed->text_body);
}

TEST(MimeParserTest, BogusCharsetIsAWarningAndTheTextIsDecoded) {
  const std::string eml =
      "From: a@x.com\r\n"
      "Subject: bogus\r\n"
      "Content-Type: text/plain; charset=\"x-bogus-42\"\r\n"
      "Content-Transfer-Encoding: 8bit\r\n"
      "\r\n"
      "Sehr geehrte Damen und Herren, viele Gr\xfc\xdf"
      "e aus M\xfc"
      "nchen. Wir freuen uns "
      "\xfc"
      "ber Ihre Nachricht und m\xf6"
      "chten Ihnen mitteilen, dass die Besprechung am "
      "Freitag stattfindet. Die Unterlagen f\xfc"
      "r die Sitzung liegen im B\xfc"
      "ro bereit.\r\n";
  Result<MimeMessage> parsed = ParseMime(eml);
  ASSERT_OK(parsed);
  EXPECT_NE(std::string::npos, parsed->text_body.find("Grüße aus München")) << parsed->text_body;
  EXPECT_TRUE(AnyWarningContains(*parsed, "x-bogus-42"))
      << ::testing::PrintToString(parsed->warnings);
}

TEST(MimeParserTest, AlternativePrefersPlainAndKeepsHtml) {
  const std::string eml =
      "From: a@x.com\r\n"
      "Content-Type: multipart/alternative; boundary=b1\r\n"
      "\r\n"
      "--b1\r\n"
      "Content-Type: text/plain; charset=us-ascii\r\n"
      "\r\n"
      "plain version\r\n"
      "--b1\r\n"
      "Content-Type: text/html; charset=windows-1252\r\n"
      "\r\n"
      "<p>html \x93version\x94</p>\r\n"
      "--b1--\r\n";
  Result<MimeMessage> parsed = ParseMime(eml);
  ASSERT_OK(parsed);
  EXPECT_EQ("plain version", parsed->text_body);
  EXPECT_EQ("<p>html “version”</p>", parsed->html_body);
  EXPECT_TRUE(parsed->attachments.empty());
}

TEST(MimeParserTest, HtmlOnlyBodyGivesTextThroughHtmlToText) {
  const std::string eml =
      "From: a@x.com\r\n"
      "Content-Type: text/html; charset=utf-8\r\n"
      "\r\n"
      "<html><body><div>one &amp; two</div><div>three</div></body></html>\r\n";
  Result<MimeMessage> parsed = ParseMime(eml);
  ASSERT_OK(parsed);
  EXPECT_EQ("one & two\nthree", parsed->text_body);
}

TEST(MimeParserTest, AttachedMessageIsOneAttachmentWithItsBytes) {
  const std::string eml =
      "From: a@x.com\r\n"
      "Session-Id: <tok;1;2>\r\n"
      "Content-Class: voice-uc\r\n"
      "Content-Type: multipart/mixed; boundary=outer\r\n"
      "\r\n"
      "--outer\r\n"
      "Content-Type: text/plain\r\n"
      "\r\n"
      "see attached\r\n"
      "--outer\r\n"
      "Content-Type: message/rfc822\r\n"
      "Content-Disposition: attachment; filename=\"fwd.eml\"\r\n"
      "\r\n"
      "From: inner@x.com\r\n"
      "Subject: inner subject\r\n"
      "\r\n"
      "inner body\r\n"
      "--outer--\r\n";
  Result<MimeMessage> parsed = ParseMime(eml);
  ASSERT_OK(parsed);
  EXPECT_EQ("<tok;1;2>", parsed->session_id);
  EXPECT_EQ("voice-uc", parsed->content_class);
  EXPECT_EQ("see attached", parsed->text_body);
  ASSERT_EQ(1u, parsed->attachments.size());
  EXPECT_EQ("message/rfc822", parsed->attachments[0].media_type);
  EXPECT_EQ("fwd.eml", parsed->attachments[0].file_name);
  EXPECT_NE(std::string::npos, parsed->attachments[0].bytes.find("Subject: inner subject"));
  EXPECT_NE(std::string::npos, parsed->attachments[0].bytes.find("inner body"));
  Result<MimeMessage> inner = ParseMime(parsed->attachments[0].bytes);
  ASSERT_OK(inner);
  EXPECT_EQ("inner subject", inner->subject);
}

TEST(MimeParserTest, NotAMessageIsInvalidArgument) {
  Result<MimeMessage> empty = ParseMime("");
  ASSERT_FALSE(empty.has_value());
  EXPECT_EQ(StatusCode::kInvalidArgument, empty.error().code());
  std::string binary = "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"s;
  Result<MimeMessage> png = ParseMime(binary);
  if (!png.has_value()) {
    EXPECT_EQ(StatusCode::kInvalidArgument, png.error().code());
  }
}

TEST(MimeParserTest, MboxFromLineIsSkipped) {
  Result<MimeMessage> parsed =
      ParseMime("From alice@x.com Mon Jun  3 09:15:02 2013\nSubject: mbox\n\nbody\n");
  ASSERT_OK(parsed);
  EXPECT_EQ("mbox", parsed->subject);
}

TEST(MimeParserTest, TruncatedMultipartStillParses) {
  const std::string eml =
      "From: a@x.com\r\n"
      "Content-Type: multipart/mixed; boundary=cut\r\n"
      "\r\n"
      "--cut\r\n"
      "Content-Type: text/plain\r\n"
      "\r\n"
      "first part\r\n"
      "--cut\r\n"
      "Content-Type: application/octet-stream\r\n"
      "Content-Transfer-Encoding: base64\r\n"
      "\r\n"
      "AAECAwQFBgcICQ";
  Result<MimeMessage> parsed = ParseMime(eml);
  ASSERT_OK(parsed);
  EXPECT_EQ("first part", parsed->text_body);
}

TEST(MimeParserTest, MeetingRequestCalendarPartIsSearchable) {
  const std::string eml =
      "From: Organizer <org@contoso.com>\r\n"
      "To: bob@contoso.com\r\n"
      "Bcc: audit@contoso.com, \"Hidden\" <hidden@contoso.com>\r\n"
      "Subject: Budget review\r\n"
      "Content-Class: urn:content-classes:calendarmessage\r\n"
      "In-Reply-To: <prev@contoso.com>\r\n"
      "References: <root@contoso.com>\r\n <prev@contoso.com>\r\n"
      "Content-Type: multipart/alternative; boundary=\"b\"\r\n"
      "\r\n"
      "--b\r\n"
      "Content-Type: text/plain; charset=utf-8\r\n"
      "\r\n"
      "Please join.\r\n"
      "--b\r\n"
      "Content-Type: text/calendar; charset=utf-8; method=REQUEST\r\n"
      "\r\n"
      "BEGIN:VCALENDAR\r\n"
      "METHOD:REQUEST\r\n"
      "BEGIN:VTIMEZONE\r\n"
      "TZID:W. Europe Standard Time\r\n"
      "BEGIN:STANDARD\r\n"
      "DTSTART:16010101T030000\r\n"
      "END:STANDARD\r\n"
      "END:VTIMEZONE\r\n"
      "BEGIN:VEVENT\r\n"
      "ORGANIZER;CN=\"Org, Anne\":mailto:org@contoso.com\r\n"
      "SUMMARY:Budget review \\, Q3\r\n"
      "LOCATION:Raum 4.12 / 会议室\r\n"
      "DTSTART;TZID=W. Europe Standard Time:20130603T091500\r\n"
      "DTEND:20130603T101500Z\r\n"
      "DESCRIPTION:Agenda:\\n1. Forecast\\n2. Hir\r\n"
      " ing plan\r\n"
      "END:VEVENT\r\n"
      "END:VCALENDAR\r\n"
      "--b--\r\n";
  Result<MimeMessage> parsed = ParseMime(eml);
  ASSERT_OK(parsed);
  const MimeMessage& m = *parsed;
  EXPECT_TRUE(m.has_calendar_part);
  EXPECT_EQ("IPM.Schedule.Meeting.Request", m.item_class);
  EXPECT_EQ(std::vector<std::string>({"audit@contoso.com", "Hidden <hidden@contoso.com>"}), m.bcc);
  EXPECT_EQ("prev@contoso.com", m.in_reply_to);
  EXPECT_EQ(std::vector<std::string>({"root@contoso.com", "prev@contoso.com"}), m.references);
  EXPECT_EQ(
      "Please join.\n\n"
      "Org, Anne <org@contoso.com>\n"
      "Budget review , Q3\n"
      "Raum 4.12 / 会议室\n"
      "2013-06-03 09:15 (W. Europe Standard Time)\n"
      "2013-06-03 10:15 UTC\n"
      "Agenda:\n1. Forecast\n2. Hiring plan",
      m.text_body);
  // The calendar part stays available as a part of its own.
  ASSERT_EQ(1u, m.attachments.size());
  EXPECT_EQ("text/calendar", m.attachments[0].media_type);
}

TEST(MimeParserTest, AttachedIcsFileIsNotAnInvitation) {
  const std::string eml =
      "From: a@x.com\r\n"
      "Subject: dates\r\n"
      "Content-Type: multipart/mixed; boundary=\"b\"\r\n"
      "\r\n"
      "--b\r\n"
      "Content-Type: text/plain\r\n"
      "\r\n"
      "see file\r\n"
      "--b\r\n"
      "Content-Type: text/calendar\r\n"
      "Content-Disposition: attachment; filename=\"holidays.ics\"\r\n"
      "\r\n"
      "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nSUMMARY:Holiday\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
      "--b--\r\n";
  Result<MimeMessage> parsed = ParseMime(eml);
  ASSERT_OK(parsed);
  EXPECT_FALSE(parsed->has_calendar_part);
  EXPECT_EQ("see file", parsed->text_body);
  EXPECT_EQ("", parsed->item_class);
}

TEST(MimeParserTest, ItemClassFromHeaderOrContentClass) {
  Result<MimeMessage> with_header = ParseMime(
      "From: a@x.com\r\nX-Message-Class: IPM.Note.Microsoft.Conversation\r\n"
      "Content-Class: voice-uc\r\n\r\nhi\r\n");
  ASSERT_OK(with_header);
  EXPECT_EQ("IPM.Note.Microsoft.Conversation", with_header->item_class);
  EXPECT_FALSE(with_header->has_calendar_part);

  Result<MimeMessage> content_class_only =
      ParseMime("From: a@x.com\r\nContent-Class: MissedCall\r\n\r\nhi\r\n");
  ASSERT_OK(content_class_only);
  EXPECT_EQ("MissedCall", content_class_only->content_class);
  EXPECT_EQ("IPM.Note.Microsoft.Missed.Voice", content_class_only->item_class);
}

TEST(MimeParserTest, ImportanceAndReceivedDate) {
  Result<MimeMessage> high = ParseMime(
      "Received: from mx.contoso.com by mbx.contoso.com; Wed, 05 Jun 2013 08:00:00 +0000\r\n"
      "Received: from client by mx.contoso.com; Tue, 04 Jun 2013 23:59:00 +0000\r\n"
      "From: a@x.com\r\nDate: Tue, 04 Jun 2013 23:58:00 +0000\r\nImportance: High\r\n"
      "X-Priority: 5\r\n\r\nhi\r\n");
  ASSERT_OK(high);
  EXPECT_EQ("high", high->importance);  // Importance wins over X-Priority
  // The topmost Received: is the mailbox server's, the delivery time.
  EXPECT_EQ(UtcFromCivil(2013, 6, 5, 8, 0), high->received);

  Result<MimeMessage> low = ParseMime(
      "From: a@x.com\r\nX-Priority: 5 (Lowest)\r\n"
      "Delivery-Date: Thu, 06 Jun 2013 10:00:00 +0200\r\n"
      "Received: by mx; Fri, 07 Jun 2013 08:00:00 +0000\r\n\r\nhi\r\n");
  ASSERT_OK(low);
  EXPECT_EQ("low", low->importance);
  EXPECT_EQ(UtcFromCivil(2013, 6, 6, 8, 0), low->received);  // Delivery-Date first

  Result<MimeMessage> normal = ParseMime("From: a@x.com\r\nX-Priority: 3\r\n\r\nhi\r\n");
  ASSERT_OK(normal);
  EXPECT_EQ("medium", normal->importance);
  EXPECT_EQ(0, normal->received);

  Result<MimeMessage> none = ParseMime("From: a@x.com\r\nImportance: whatever\r\n\r\nhi\r\n");
  ASSERT_OK(none);
  EXPECT_EQ("", none->importance);
}

}  // namespace
}  // namespace docket
