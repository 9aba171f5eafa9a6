/** @file
 *  @brief IngestPipeline over every source kind, with a real store and index: documents and
 *         mailboxes become families with ipaths, conversation history and calendar mail get
 *         their kinds, the same IM session from an export and an LcsLog dump becomes one
 *         conversation, and an exact duplicate from another custodian adds that custodian.
 */
#include <xapian.h>

#include "common/hashing.h"
#include "indexer/ingest_pipeline.h"
#include "storage/commit_coordinator.h"
#include "storage/index_schema.h"
#include "storage/text_analyzer.h"
#include "tests/support/archive_builder.h"
#include "tests/support/ingest_fixture.h"
#include "tests/support/lync_fixtures.h"
#include "tests/support/test_env.h"

namespace docket {
namespace {

using testing::ArchiveFormat;
using testing::BuildArchive;

std::string Base64(std::string_view bytes) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    const uint32_t n = (static_cast<uint8_t>(bytes[i]) << 16) |
                       (static_cast<uint8_t>(bytes[i + 1]) << 8) |
                       static_cast<uint8_t>(bytes[i + 2]);
    out += kAlphabet[n >> 18];
    out += kAlphabet[(n >> 12) & 63];
    out += kAlphabet[(n >> 6) & 63];
    out += kAlphabet[n & 63];
  }
  if (i + 1 == bytes.size()) {
    const uint32_t n = static_cast<uint8_t>(bytes[i]) << 16;
    out += std::string{kAlphabet[n >> 18], kAlphabet[(n >> 12) & 63], '=', '='};
  } else if (i + 2 == bytes.size()) {
    const uint32_t n =
        (static_cast<uint8_t>(bytes[i]) << 16) | (static_cast<uint8_t>(bytes[i + 1]) << 8);
    out +=
        std::string{kAlphabet[n >> 18], kAlphabet[(n >> 12) & 63], kAlphabet[(n >> 6) & 63], '='};
  }
  return out;
}

std::string Docx(const std::string& words) {
  return BuildArchive(
      ArchiveFormat::kZip,
      {{"[Content_Types].xml",
        "<?xml version=\"1.0\"?><Types "
        "xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"><Override "
        "PartName=\"/word/document.xml\" "
        "ContentType=\"application/"
        "vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/></Types>"},
       {"word/document.xml",
        "<?xml version=\"1.0\"?><w:document "
        "xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/"
        "main\"><w:body><w:p><w:r>"
        "<w:t>" +
            words + "</w:t></w:r></w:p></w:body></w:document>"}});
}

std::string MailWith(const std::string& headers, const std::string& body,
                     const std::string& attachment_name = {}, const std::string& attachment = {}) {
  std::string mail = "From: alice@contoso.com\r\nTo: bob@contoso.com\r\n" + headers +
                     "Date: Tue, 04 Jun 2013 10:00:00 +0000\r\nMIME-Version: 1.0\r\n";
  if (attachment_name.empty()) {
    return mail + "Content-Type: text/plain; charset=utf-8\r\n\r\n" + body + "\r\n";
  }
  return mail +
         "Content-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n--b1\r\n"
         "Content-Type: text/plain; charset=utf-8\r\n\r\n" +
         body +
         "\r\n--b1\r\nContent-Type: application/octet-stream\r\n"
         "Content-Disposition: attachment; filename=\"" +
         attachment_name + "\"\r\nContent-Transfer-Encoding: base64\r\n\r\n" + Base64(attachment) +
         "\r\n--b1--\r\n";
}

class IngestSourcesTest : public testing::IngestFixture {};

TEST_F(IngestSourcesTest, OfficeAttachmentsAndArchivesInsideMailAreChildrenWithIpaths) {
  const std::string zip =
      BuildArchive(ArchiveFormat::kZip, {{"inner/plan.docx", Docx("quetzalzipword inside")}});
  const auto folder = dir_.path() / "in";
  testing::WriteFileOrDie(folder / "deck.eml",
                          MailWith("Subject: handout\r\n", "see deck", "deck.docx",
                                   Docx("Umsatzprognose quetzaldocx 合約")));
  testing::WriteFileOrDie(folder / "bundle.eml",
                          MailWith("Subject: bundle\r\n", "see bundle", "bundle.zip", zip));
  Ingest(folder);

  const auto docs = ItemsWhere([](const Item& i) { return i.file_name == "deck.docx"; });
  ASSERT_EQ(docs.size(), 1u);
  EXPECT_EQ(docs[0].ipath, "in/deck.eml!/attachment/deck.docx");
  EXPECT_EQ(docs[0].kind, ItemKind::kAttachment);
  EXPECT_EQ(docs[0].state, IndexState::kIndexed) << docs[0].state_reason;
  EXPECT_NE(docs[0].text.find("quetzaldocx"), std::string::npos);
  // The attachment's words find the email (its family head).
  EXPECT_EQ(Matches("quetzaldocx"), 1u);
  EXPECT_EQ(Matches("合"), 1u);

  const auto inner = ItemsWhere([](const Item& i) { return i.file_name == "plan.docx"; });
  ASSERT_EQ(inner.size(), 1u);
  EXPECT_EQ(inner[0].ipath, "in/bundle.eml!/attachment/bundle.zip!/inner/plan.docx");
  auto zip_item = coordinator_->store().GetItem(inner[0].parent_id);
  ASSERT_OK(zip_item);
  EXPECT_EQ(zip_item->kind, ItemKind::kContainer);
  EXPECT_EQ(zip_item->ipath, "in/bundle.eml!/attachment/bundle.zip");
  EXPECT_TRUE(coordinator_->store().HasNative(inner[0].sha256));
  EXPECT_EQ(Matches("quetzalzipword"), 1u);
}

TEST_F(IngestSourcesTest, MboxMessagesAreChildrenOfTheMailbox) {
  const auto folder = dir_.path() / "in";
  testing::WriteFileOrDie(folder / "box.mbox",
                          "From alice@contoso.com Tue Jun  4 10:00:00 2013\n" +
                              MailWith("Subject: first\r\n", "mboxfirstword") +
                              "\nFrom bob@contoso.com Tue Jun  4 11:00:00 2013\n" +
                              MailWith("Subject: second\r\n", "mboxsecondword\n>From the archive") +
                              "\n");
  Ingest(folder);
  const auto box = ItemsWhere([](const Item& i) { return i.ipath == "in/box.mbox"; });
  ASSERT_EQ(box.size(), 1u);
  EXPECT_EQ(box[0].kind, ItemKind::kContainer);
  const auto second = ItemsWhere([](const Item& i) { return i.ipath == "in/box.mbox!/2"; });
  ASSERT_EQ(second.size(), 1u);
  EXPECT_EQ(second[0].kind, ItemKind::kEmail);
  EXPECT_EQ(second[0].parent_id, box[0].id);
  EXPECT_EQ(second[0].title, "second");
  EXPECT_EQ(Matches("mboxfirstword"), 1u);
  EXPECT_EQ(Matches("mboxsecondword"), 1u);
}

TEST_F(IngestSourcesTest, ConversationHistoryIsImAndCalendarMailIsAMeeting) {
  const auto folder = dir_.path() / "in";
  testing::WriteFileOrDie(
      folder / "history.eml",
      MailWith("Subject: chat\r\nX-Message-Class: IPM.Note.Microsoft.Conversation\r\n",
               "historyword"));
  testing::WriteFileOrDie(
      folder / "invite.eml",
      MailWith("Subject: Review\r\nContent-Class: urn:content-classes:calendarmessage\r\n",
               "inviteword"));
  testing::WriteFileOrDie(folder / "plain.eml", MailWith("Subject: plain\r\n", "plainword"));
  Ingest(folder);
  auto kind_of = [&](const std::string& ipath) {
    const auto items = ItemsWhere([&](const Item& i) { return i.ipath == ipath; });
    return items.size() == 1 ? items[0].kind : ItemKind::kContainer;
  };
  EXPECT_EQ(kind_of("in/history.eml"), ItemKind::kImConversation);
  EXPECT_EQ(kind_of("in/invite.eml"), ItemKind::kMeeting);
  EXPECT_EQ(kind_of("in/plain.eml"), ItemKind::kEmail);
  EXPECT_EQ(Matches(std::string(schema::kPrefixKind) + "im"), 1u);
  EXPECT_EQ(Matches(std::string(schema::kPrefixKind) + "meetings"), 1u);
}

TEST_F(IngestSourcesTest, ConferenceUploadsAreChildrenOfTheMeeting) {
  std::string conf = testing::SampleSession();
  const std::string upload =
      "--MIME_Boundary\r\nContent-Type: application/octet-stream\r\n"
      "Content-Disposition: attachment; filename=\"handout.docx\"\r\n"
      "Content-Transfer-Encoding: base64\r\n\r\n" +
      Base64(Docx("uploadedhandoutword")) + "\r\n";
  conf.insert(conf.rfind("--MIME_Boundary--"), upload);
  const auto folder = dir_.path() / "in";
  testing::WriteFileOrDie(folder / "20130603091502877_1_conf.eml", conf);
  Ingest(folder);
  const auto meetings = ItemsWhere([](const Item& i) { return i.kind == ItemKind::kMeeting; });
  ASSERT_EQ(meetings.size(), 1u);
  const auto uploads = ItemsWhere([](const Item& i) { return i.file_name == "handout.docx"; });
  ASSERT_EQ(uploads.size(), 1u);
  EXPECT_EQ(uploads[0].parent_id, meetings[0].id);
  EXPECT_EQ(uploads[0].ipath, "in/20130603091502877_1_conf.eml!/attachment/handout.docx");
  EXPECT_EQ(Matches("uploadedhandoutword"), 1u);
  // The upload's words are not a participant's: they are in the meeting's text, not its lines.
  for (const Item& line :
       ItemsWhere([](const Item& i) { return i.kind == ItemKind::kImMessage; })) {
    EXPECT_EQ(line.text.find("uploadedhandoutword"), std::string::npos);
  }
}

// The session of lync_fixtures.h as LcsLog rows (CSV with headers), one body as RTF, a toast
// row repeating the first message, and a recipient id missing from Users.
void WriteDumpOfSampleSession(const std::filesystem::path& folder) {
  testing::WriteFileOrDie(folder / "Users.csv",
                          "UserId,UserUri\r\n1,sip:alice@contoso.com\r\n2,sip:bob@contoso.com\r\n");
  testing::WriteFileOrDie(folder / "ContentTypes.csv",
                          "ContentTypeId,ContentType\r\n1,text/plain\r\n3,text/rtf\r\n");
  testing::WriteFileOrDie(
      folder / "Messages.csv",
      "SessionIdTime,SessionIdSeq,MessageIdTime,MessageIdSeq,FromId,ToId,ContentTypeId,Body,"
      "Toast\r\n"
      "2013-06-03 09:15:02.877,1,2013-06-03 09:15:02.877,1,1,2,1,"
      "\"Hallo Bob & Team, 会议改到周五?\",1\r\n"
      "2013-06-03 09:15:02.877,1,2013-06-03 09:15:02.877,2,1,2,1,"
      "\"Hallo Bob & Team, 会议改到周五?\",0\r\n"
      "2013-06-03 09:15:02.877,1,2013-06-03 09:15:40.100,3,2,1,3,"
      "\"{\\rtf1\\ansi\\ansicpg1252 Ja, Freitag 10:00 passt.}\",0\r\n");
}

TEST_F(IngestSourcesTest, TheSameSessionFromAnExportAndAnLcsLogDumpIsOneConversation) {
  const auto exports = dir_.path() / "export";
  testing::WriteFileOrDie(exports / "20130603091502877_1_p2p.eml", testing::SampleSession());
  const auto dump = dir_.path() / "LcsLogDump";
  WriteDumpOfSampleSession(dump);
  Ingest(exports, "Alice");
  const IngestStats second = Ingest(dump, "Bob");
  EXPECT_EQ(second.merged, 1u);

  const auto conversations =
      ItemsWhere([](const Item& i) { return i.kind == ItemKind::kImConversation; });
  ASSERT_EQ(conversations.size(), 1u) << "the dump's copy was stored as a second conversation";
  const Item& conversation = conversations[0];
  EXPECT_EQ(conversation.ipath, "export/20130603091502877_1_p2p.eml");
  EXPECT_EQ(conversation.custodians, (std::vector<std::string>{"Alice", "Bob"}));
  EXPECT_EQ(Matches(std::string(schema::kPrefixCustodian) + TextAnalyzer().Normalize("Bob")), 1u);
  // Both sources are recorded, and the dump's own rendering is kept and leads to the session.
  auto locations = coordinator_->store().GetLocations(conversation.sha256);
  ASSERT_OK(locations);
  bool dump_location = false;
  for (const Location& location : *locations) {
    dump_location |=
        location.ipath.rfind("LcsLogDump/Messages.csv!/", 0) == 0 && location.custodian == "Bob";
  }
  EXPECT_TRUE(dump_location);
  // The table files themselves are recorded as containers.
  EXPECT_EQ(ItemsWhere([](const Item& i) { return i.ipath == "LcsLogDump/Messages.csv"; }).size(),
            1u);
}

TEST_F(IngestSourcesTest, ADumpAloneBuildsTheConversationWithItsLines) {
  const auto dump = dir_.path() / "LcsLogDump";
  WriteDumpOfSampleSession(dump);
  Ingest(dump);
  const auto conversations =
      ItemsWhere([](const Item& i) { return i.kind == ItemKind::kImConversation; });
  ASSERT_EQ(conversations.size(), 1u);
  EXPECT_EQ(conversations[0].from, "alice@contoso.com");
  EXPECT_EQ(conversations[0].message_count, 2u) << "the toast row must not count twice";
  EXPECT_TRUE(coordinator_->store().HasNative(conversations[0].sha256));
  EXPECT_EQ(Matches("freitag"), 1u);  // the RTF body was converted
  EXPECT_EQ(Matches("会"), 1u);
}

TEST_F(IngestSourcesTest, AnExactDuplicateFromAnotherCustodianAddsTheCustodian) {
  const auto first = dir_.path() / "alice";
  const auto second = dir_.path() / "bob";
  testing::WriteFileOrDie(first / "mail.eml", MailWith("Subject: shared\r\n", "sharedword"));
  testing::WriteFileOrDie(second / "copy.eml", MailWith("Subject: shared\r\n", "sharedword"));
  Ingest(first, "Alice");
  const IngestStats stats = Ingest(second, "Bob");
  EXPECT_EQ(stats.duplicates, 1u);
  const auto emails = ItemsWhere([](const Item& i) { return i.kind == ItemKind::kEmail; });
  ASSERT_EQ(emails.size(), 1u);
  EXPECT_EQ(emails[0].custodians, (std::vector<std::string>{"Alice", "Bob"}));
  TextAnalyzer analyzer;
  EXPECT_EQ(Matches(std::string(schema::kPrefixCustodian) + analyzer.Normalize("Bob")), 1u);
  EXPECT_EQ(Matches(std::string(schema::kPrefixCustodian) + analyzer.Normalize("Alice")), 1u);
  auto locations = coordinator_->store().GetLocations(emails[0].sha256);
  ASSERT_OK(locations);
  EXPECT_EQ(locations->size(), 2u);
}

TEST_F(IngestSourcesTest, LinksAndRenamedMembersAreRecordedWithTheirReasons) {
  std::vector<testing::ArchiveMember> members;
  members.push_back({"../../escape.txt", "escapedword"});
  testing::ArchiveMember link;
  link.path = "link";
  link.type = testing::MemberType::kSymlink;
  link.link_target = "/etc/passwd";
  members.push_back(link);
  const auto folder = dir_.path() / "in";
  testing::WriteFileOrDie(folder / "odd.tar", BuildArchive(ArchiveFormat::kTar, members));
  Ingest(folder);
  const auto escaped = ItemsWhere([](const Item& i) { return i.file_name == "escape.txt"; });
  ASSERT_EQ(escaped.size(), 1u);
  EXPECT_EQ(escaped[0].state, IndexState::kPartiallyIndexed);
  EXPECT_NE(escaped[0].state_reason.find("escapes the archive"), std::string::npos);
  EXPECT_EQ(Matches("escapedword"), 1u);
  const auto links = ItemsWhere([](const Item& i) { return i.ipath == "in/odd.tar!/link"; });
  ASSERT_EQ(links.size(), 1u);
  EXPECT_EQ(links[0].state, IndexState::kUnindexed);
  EXPECT_NE(links[0].state_reason.find("symbolic link"), std::string::npos);
}

}  // namespace
}  // namespace docket
