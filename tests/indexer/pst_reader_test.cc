/** @file
 *  @brief PstReader on a PST written at test time by data/pst_writer.py (an independent writer
 *         following [MS-PST]), and on files that are not PSTs or are damaged: a value, never a
 *         crash.
 */
#include "indexer/pst_reader.h"

#include <gtest/gtest.h>

#include "common/time_util.h"
#include "tests/support/subprocess.h"
#include "tests/support/test_env.h"

namespace docket {
namespace {

using std::string_literals::operator""s;
using testing::ReadFileOrDie;
using testing::RunCommand;
using testing::SourceDir;
using testing::TempDir;
using testing::WriteFileOrDie;

TEST(PstReaderTest, LooksLikePst) {
  EXPECT_TRUE(LooksLikePst("!BDN\x01\x02"s));
  EXPECT_FALSE(LooksLikePst("!BD"));
  EXPECT_FALSE(LooksLikePst("From: a@x.com\r\n"));
}

// The sample SAMPLE_FOLDERS in data/pst_writer.py describes: "Inbox" with a German note carrying
// two attachments and a windows-1252 HTML body, a Chinese note with transport headers and an Arabic
// meeting request, then "Conversation History" with one Lync conversation (plain and HTML bodies).
class PstReaderSampleTest : public ::testing::Test {
 protected:
  std::filesystem::path WriteSample(const std::string& name) {
    std::filesystem::path out = dir_.path() / name;
    testing::CommandResult run =
        RunCommand({"python3", (SourceDir() / "data" / "pst_writer.py").string(), out.string()});
    EXPECT_EQ(0, run.exit_code) << run.err;
    return out;
  }

  // Every item of the PST at `path`, in walk order; fails the test when it cannot be opened.
  static std::vector<PstItem> ReadAll(const std::filesystem::path& path) {
    std::vector<PstItem> items;
    Result<std::unique_ptr<PstReader>> reader = PstReader::OpenFile(path);
    EXPECT_OK(reader);
    if (!reader.ok()) {
      return items;
    }
    PstItem item;
    for (int guard = 0; guard < 100; ++guard) {
      Result<bool> more = (*reader)->Next(&item);
      EXPECT_OK(more);
      if (!more.ok() || !*more) {
        break;
      }
      items.push_back(std::move(item));
    }
    return items;
  }

  TempDir dir_;
};

TEST_F(PstReaderSampleTest, WalksFoldersAndItemsInStoredOrder) {
  std::filesystem::path pst = WriteSample("sample.pst");
  EXPECT_TRUE(LooksLikePst(ReadFileOrDie(pst).substr(0, 4)));
  std::vector<PstItem> items = ReadAll(pst);
  ASSERT_EQ(4u, items.size());
  const std::vector<std::pair<std::string, std::string>> expected = {
      {"Top of Personal Folders/Inbox", "IPM.Note"},
      {"Top of Personal Folders/Inbox", "IPM.Note"},
      {"Top of Personal Folders/Inbox", "IPM.Schedule.Meeting.Request"},
      {"Top of Personal Folders/Conversation History", "IPM.Note.Microsoft.Conversation"},
  };
  for (size_t i = 0; i < items.size(); ++i) {
    SCOPED_TRACE(i);
    EXPECT_EQ(expected[i].first, items[i].folder_path);
    EXPECT_EQ(expected[i].second, items[i].item_class);
    EXPECT_EQ(expected[i].second, items[i].message.item_class);
    EXPECT_NE(std::string::npos, items[i].eml.find("X-Message-Class: " + expected[i].second));
    EXPECT_TRUE(items[i].skipped_reason.empty()) << items[i].skipped_reason;
    EXPECT_TRUE(items[i].warnings.empty()) << items[i].warnings[0];
    EXPECT_TRUE(items[i].message.warnings.empty()) << items[i].message.warnings[0];
  }
  // Node ids of normal messages (type 4), as the writer numbers them.
  EXPECT_EQ(0x200004u, items[0].identifier);
  EXPECT_EQ(0x200064u, items[3].identifier);
}

TEST_F(PstReaderSampleTest, RendersNoteFromPropertiesWithRecipientsAndAttachments) {
  std::vector<PstItem> items = ReadAll(WriteSample("sample.pst"));
  ASSERT_EQ(4u, items.size());
  const MimeMessage& m = items[0].message;
  EXPECT_EQ("Quartalsbericht Q3 – Prüfung", m.subject);
  EXPECT_EQ("Jürgen Müller <juergen.mueller@example.de>", m.from);
  EXPECT_EQ(
      (std::vector<std::string>{"Alice Smith <alice@example.com>", "王伟 <wang.wei@example.cn>"}),
      m.to);
  EXPECT_EQ(UtcFromCivil(2013, 6, 3, 9, 15, 2), m.date);
  EXPECT_EQ("q3-review@example.de", m.message_id);
  EXPECT_EQ("Hallo Alice,\r\nanbei die Prüfnotizen für das dritte Quartal.\r\nGrüße, Jürgen",
            m.text_body);
  // Stored as windows-1252 bytes (PR_INTERNET_CPID 1252), as Outlook often does; libpff hands
  // them out unconverted, so this pins PstReader's conversion.
  EXPECT_EQ("<html><body><p>Hallo Alice, anbei die Prüfnotizen.</p></body></html>", m.html_body);
  ASSERT_EQ(2u, m.attachments.size());
  EXPECT_EQ("Prüfnotizen.txt", m.attachments[0].file_name);
  EXPECT_EQ("text/plain", m.attachments[0].media_type);
  EXPECT_EQ("Prüfnotizen Q3\r\n1. Umsatz +4 %\r\n2. 风险: 低\r\n", m.attachments[0].bytes);
  EXPECT_EQ("bytes.bin", m.attachments[1].file_name);
  EXPECT_EQ("application/octet-stream", m.attachments[1].media_type);
  EXPECT_EQ("\x00\x01\x02\xff"s, m.attachments[1].bytes);
}

TEST_F(PstReaderSampleTest, ReceivedMailKeepsItsTransportHeaders) {
  std::vector<PstItem> items = ReadAll(WriteSample("sample.pst"));
  ASSERT_EQ(4u, items.size());
  const PstItem& item = items[1];
  EXPECT_TRUE(item.eml.starts_with("Received: from mail.example.cn by mx.example.com;"))
      << item.eml.substr(0, 200);
  // The stored Content-Type and MIME-Version are replaced by the rendering's own.
  EXPECT_EQ(std::string::npos, item.eml.find("Content-Type: text/plain; charset=utf-8\r\n\r\n"));
  EXPECT_EQ(item.eml.find("MIME-Version:"), item.eml.rfind("MIME-Version:"));
  EXPECT_EQ("项目进度更新", item.message.subject);
  EXPECT_EQ("progress-80@example.cn", item.message.message_id);
  EXPECT_EQ(UtcFromCivil(2013, 6, 4, 2, 30, 0), item.message.date);
  EXPECT_EQ("Alice 你好，\r\n项目已完成百分之八十。\r\n王伟", item.message.text_body);
}

TEST_F(PstReaderSampleTest, MeetingRequestAndConversationHistory) {
  std::vector<PstItem> items = ReadAll(WriteSample("sample.pst"));
  ASSERT_EQ(4u, items.size());
  const MimeMessage& meeting = items[2].message;
  EXPECT_EQ("اجتماع مراجعة الميزانية", meeting.subject);
  EXPECT_EQ("Omar Haddad <omar.haddad@example.ae>", meeting.from);
  EXPECT_EQ("يرجى حضور اجتماع مراجعة الميزانية يوم الخميس.", meeting.text_body);

  const MimeMessage& conversation = items[3].message;
  EXPECT_EQ("Conversation with Alice Smith", conversation.subject);
  EXPECT_EQ("Alice Smith <alice@example.com>", conversation.from);
  EXPECT_EQ(std::vector<std::string>{"Bob Jones <bob@example.com>"}, conversation.to);
  EXPECT_EQ(UtcFromCivil(2013, 6, 3, 9, 16, 40), conversation.date);
  EXPECT_EQ(
      "Alice Smith [09:15]: Did the Q3 numbers arrive?\r\nBob Jones [09:16]: Yes, Jürgen sent "
      "them.",
      conversation.text_body);
  EXPECT_NE(std::string::npos, conversation.html_body.find("<p>Yes, Jürgen sent them.</p>"));
  EXPECT_TRUE(conversation.html_body.starts_with("<html>"));
  EXPECT_TRUE(conversation.attachments.empty());
}

TEST_F(PstReaderSampleTest, RenderingIsDeterministic) {
  std::filesystem::path first = WriteSample("first.pst");
  std::filesystem::path second = WriteSample("second.pst");
  // The writer is deterministic too, so two PSTs and two reads must all agree.
  EXPECT_EQ(ReadFileOrDie(first), ReadFileOrDie(second));
  std::vector<PstItem> a = ReadAll(first);
  std::vector<PstItem> b = ReadAll(first);
  std::vector<PstItem> c = ReadAll(second);
  ASSERT_EQ(4u, a.size());
  ASSERT_EQ(a.size(), b.size());
  ASSERT_EQ(a.size(), c.size());
  for (size_t i = 0; i < a.size(); ++i) {
    SCOPED_TRACE(i);
    EXPECT_FALSE(a[i].eml.empty());
    EXPECT_EQ(a[i].eml, b[i].eml);
    EXPECT_EQ(a[i].eml, c[i].eml);
  }
}

TEST(PstReaderTest, MissingFileIsIoError) {
  Result<std::unique_ptr<PstReader>> reader = PstReader::OpenFile("/nonexistent/mail.pst");
  ASSERT_FALSE(reader.ok());
  EXPECT_EQ(StatusCode::kIOError, reader.status().code());
}

TEST(PstReaderTest, NotAPstIsInvalidArgument) {
  TempDir dir;
  WriteFileOrDie(dir.path() / "mail.pst", "From: a@x.com\r\nSubject: not a pst\r\n\r\nhi\r\n");
  Result<std::unique_ptr<PstReader>> reader = PstReader::OpenFile(dir.path() / "mail.pst");
  ASSERT_FALSE(reader.ok());
  EXPECT_EQ(StatusCode::kInvalidArgument, reader.status().code()) << reader.status().ToString();
  EXPECT_NE(std::string::npos, reader.status().message().find("!BDN"));
}

TEST(PstReaderTest, DamagedPstsAreCorruptionNotCrashes) {
  TempDir dir;
  // Signature only; a header cut short; a full-size header of deterministic noise.
  std::string noise(64 * 1024, '\0');
  uint32_t state = 12345;
  for (char& c : noise) {
    state = state * 1103515245u + 12345u;
    c = static_cast<char>(state >> 24);
  }
  const std::vector<std::string> files = {"!BDN"s, "!BDN"s + std::string(100, '\0'),
                                          "!BDN"s + noise};
  for (size_t i = 0; i < files.size(); ++i) {
    std::filesystem::path path = dir.path() / ("damaged" + std::to_string(i) + ".pst");
    WriteFileOrDie(path, files[i]);
    Result<std::unique_ptr<PstReader>> reader = PstReader::OpenFile(path);
    if (!reader.ok()) {
      EXPECT_EQ(StatusCode::kCorruption, reader.status().code()) << reader.status().ToString();
      EXPECT_NE(std::string::npos, reader.status().message().find(path.string()));
      continue;
    }
    // If libpff accepts the header, walking must still end without a crash.
    PstItem item;
    for (int guard = 0; guard < 10000; ++guard) {
      Result<bool> more = (*reader)->Next(&item);
      ASSERT_OK(more);
      if (!*more) {
        break;
      }
    }
  }
}

}  // namespace
}  // namespace docket
