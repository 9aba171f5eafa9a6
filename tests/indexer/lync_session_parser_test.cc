/** @file
 *  @brief Lync Export-CsArchivingData sessions: the ediscovery.md §1.3/§1.4 sample, events,
 *         file names and failure cases.
 */
#include "indexer/lync_session_parser.h"

#include <gtest/gtest.h>

#include "tests/support/lync_fixtures.h"
#include "tests/support/test_env.h"

namespace docket {
namespace {

using testing::SampleSession;

MimeMessage WithHtml(std::string html) {
  MimeMessage m;
  m.from = "sip:Alice@Contoso.com";
  m.to = {"Bob <SIP:bob@contoso.com>", "carol@contoso.com"};
  m.session_id = "s1";
  m.subject = "Conference organized by alice@contoso.com";
  m.date = UtcFromCivil(2013, 6, 3, 9, 0, 0);
  m.html_body = std::move(html);
  return m;
}

TEST(LyncSessionParserTest, ParsesTheDocumentedSample) {
  Result<MimeMessage> mime = ParseMime(SampleSession());
  ASSERT_OK(mime);
  EXPECT_EQ("3c1d9a64-0f0e-4b3a-9d2e-1f2a3b4c5d6e;1a2b;3c4d", mime->session_id);
  ASSERT_TRUE(IsLyncSession(*mime, "x.eml"));
  Result<LyncSession> session = ParseLyncSession(*mime, "export/2013/20130603091502000_1_p2p.eml");
  ASSERT_OK(session);
  EXPECT_EQ("3c1d9a64-0f0e-4b3a-9d2e-1f2a3b4c5d6e;1a2b;3c4d", session->session_id);
  EXPECT_FALSE(session->conference);
  EXPECT_EQ("Conversation between alice@contoso.com and bob@contoso.com", session->subject);
  EXPECT_EQ("alice@contoso.com", session->from);
  EXPECT_EQ(std::vector<std::string>{"bob@contoso.com"}, session->to);
  EXPECT_EQ((std::vector<std::string>{"alice@contoso.com", "bob@contoso.com"}),
            session->participants);
  EXPECT_EQ(UtcFromCivil(2013, 6, 3, 9, 15, 2), session->start);
  EXPECT_TRUE(session->warnings.empty()) << ::testing::PrintToString(session->warnings);
  ASSERT_EQ(2u, session->messages.size());
  EXPECT_EQ("alice@contoso.com", session->messages[0].sender);
  EXPECT_EQ("2013-06-03T09:15:02Z", FormatIso8601(session->messages[0].sent));
  EXPECT_EQ("Hallo Bob & Team, 会议改到周五?", session->messages[0].text);
  EXPECT_FALSE(session->messages[0].is_event);
  EXPECT_EQ("bob@contoso.com", session->messages[1].sender);
  EXPECT_EQ("2013-06-03T09:15:40Z", FormatIso8601(session->messages[1].sent));
  EXPECT_EQ("Ja, Freitag 10:00 passt.", session->messages[1].text);
}

TEST(LyncSessionParserTest, EventsMultilineBodiesAndParticipants) {
  MimeMessage m = WithHtml(
      "<html><body><p><b>Transkript der Chatsitzung:</b> <b>Besprechung</b><br><br>"
      "<b>alice@contoso.com [2013-06-03 09:15:02Z]:</b><b> Changed &lt;subject&gt; to</b> "
      "\"Budget 2014\"<br>"
      "<b>dave@contoso.com [2013-06-03 09:16:00Z]:</b><br><DIV style='margin-left:6.0pt'>"
      "Zeile eins<br>\r\n<b>fett</b> Zeile   zwei</DIV>"
      "<b>bob@contoso.com [2013-06-03 09:17:00Z]:</b><br><DIV>ok</DIV>"
      "</p></body></html>");
  Result<LyncSession> session = ParseLyncSession(m, "20130603091502123_7_conf.eml");
  ASSERT_OK(session);
  EXPECT_TRUE(session->conference);
  EXPECT_EQ(UtcFromCivil(2013, 6, 3, 9, 15, 2, 123), session->start);
  EXPECT_EQ("alice@contoso.com", session->from);
  EXPECT_EQ((std::vector<std::string>{"bob@contoso.com", "carol@contoso.com"}), session->to);
  EXPECT_EQ((std::vector<std::string>{"alice@contoso.com", "bob@contoso.com", "carol@contoso.com",
                                      "dave@contoso.com"}),
            session->participants);
  ASSERT_EQ(3u, session->messages.size());
  EXPECT_TRUE(session->messages[0].is_event);
  EXPECT_EQ("alice@contoso.com", session->messages[0].sender);
  EXPECT_EQ("Changed <subject> to \"Budget 2014\"", session->messages[0].text);
  EXPECT_FALSE(session->messages[1].is_event);
  EXPECT_EQ("Zeile eins\nfett Zeile zwei", session->messages[1].text);
  EXPECT_EQ("ok", session->messages[2].text);
  EXPECT_EQ(UtcFromCivil(2013, 6, 3, 9, 17, 0), session->messages[2].sent);
}

TEST(LyncSessionParserTest, UntimedLinesAndOddNamesAreWarnings) {
  MimeMessage m = WithHtml(
      "<b>alice@contoso.com [gestern]:</b><br><div>eins</div>"
      "<b>bob@contoso.com [??]:</b><br><div>zwei</div>"
      "<b>alice@contoso.com [2013-06-03 09:20:00Z]:</b><br><div>drei</div>");
  Result<LyncSession> session = ParseLyncSession(m, "alice-chat.eml");
  ASSERT_OK(session);
  ASSERT_EQ(3u, session->messages.size());
  EXPECT_EQ(0, session->messages[0].sent);
  EXPECT_EQ("eins", session->messages[0].text);
  EXPECT_EQ(m.date, session->start);
  EXPECT_FALSE(session->conference);
  ASSERT_EQ(2u, session->warnings.size());
  EXPECT_NE(std::string::npos,
            session->warnings[0].find("non-standard file name 'alice-chat.eml'"));
  EXPECT_EQ("2 transcript lines had no timestamp", session->warnings[1]);
}

TEST(LyncSessionParserTest, WrappedTranscriptAndBodyWithoutDiv) {
  MimeMessage m = WithHtml(
      "<div><span><b>alice@contoso.com [2013-06-03 09:15:02Z]:</b><br>plain &amp; simple<br>"
      "</span><b>bob@contoso.com [2013-06-03 09:15:03Z]:</b><br><div><div>nested</div></div>"
      "</div>");
  Result<LyncSession> session = ParseLyncSession(m, "20130603091502000_1_p2p.eml");
  ASSERT_OK(session);
  ASSERT_EQ(2u, session->messages.size());
  EXPECT_EQ("plain & simple", session->messages[0].text);
  EXPECT_EQ("nested", session->messages[1].text);
}

TEST(LyncSessionParserTest, NoHtmlPartFails) {
  MimeMessage m = WithHtml("");
  m.text_body = "just text";
  Result<LyncSession> session = ParseLyncSession(m, "20130603091502000_1_p2p.eml");
  ASSERT_FALSE(session.has_value());
  EXPECT_EQ(StatusCode::kInvalidArgument, session.error().code());
  EXPECT_NE(std::string::npos, session.error().message().find("no HTML transcript"));
}

TEST(LyncSessionParserTest, HtmlWithoutLinesIsAnEmptySessionWithWarning) {
  Result<LyncSession> session =
      ParseLyncSession(WithHtml("<p>nothing here</p>"), "20130603091502000_1_p2p.eml");
  ASSERT_OK(session);
  EXPECT_TRUE(session->messages.empty());
  EXPECT_EQ(std::vector<std::string>{"the transcript has no message lines"}, session->warnings);
}

TEST(LyncSessionParserTest, FileNames) {
  std::optional<LyncFileName> p2p = ParseLyncFileName("20161014102249877_1_p2p.eml");
  ASSERT_TRUE(p2p.has_value());
  EXPECT_EQ(UtcFromCivil(2016, 10, 14, 10, 22, 49, 877), p2p->start);
  EXPECT_EQ(1, p2p->sequence);
  EXPECT_FALSE(p2p->conference);
  std::optional<LyncFileName> conf = ParseLyncFileName("C:\\export\\20161014102337777_12_conf.EML");
  ASSERT_TRUE(conf.has_value());
  EXPECT_TRUE(conf->conference);
  EXPECT_EQ(12, conf->sequence);
  for (std::string_view bad :
       {"2016101410224987_1_p2p.eml", "20161014102249877_1_p2p.txt", "20161014102249877__p2p.eml",
        "20161014102249877_1_group.eml", "20161314102249877_1_p2p.eml",
        "x20161014102249877_1_p2p.eml", "20161014102249877_1_p2p.eml.gz", "", "_p2p.eml"}) {
    EXPECT_FALSE(ParseLyncFileName(bad).has_value()) << bad;
  }
  MimeMessage plain;
  EXPECT_FALSE(IsLyncSession(plain, "mail.eml"));
  EXPECT_TRUE(IsLyncSession(plain, "a/b/20161014102249877_1_p2p.eml"));
  plain.session_id = "x";
  EXPECT_TRUE(IsLyncSession(plain, "mail.eml"));
}

TEST(LyncSessionParserTest, NormalizesSipAddresses) {
  EXPECT_EQ("alice@contoso.com", NormalizeSipAddress(" SIP:Alice@Contoso.COM "));
  EXPECT_EQ("bob@contoso.com", NormalizeSipAddress("Bob Example <sip:bob@contoso.com>"));
  EXPECT_EQ("carol@contoso.com", NormalizeSipAddress("carol@contoso.com"));
}

}  // namespace
}  // namespace docket
