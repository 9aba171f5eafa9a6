/** @file
 *  @brief ParseTnef / DecompressRtf on winmail.dat streams written at test time by
 *         data/mail_samples.py (an independent writer following [MS-OXTNEF]).
 */
#include "indexer/tnef_reader.h"

#include <gtest/gtest.h>

#include "tests/support/subprocess.h"
#include "tests/support/test_env.h"

namespace docket {
namespace {

using std::string_literals::operator""s;
using testing::ReadFileOrDie;
using testing::RunCommand;
using testing::SourceDir;
using testing::TempDir;

bool AnyWarningContains(const TnefContent& content, std::string_view needle) {
  for (const std::string& warning : content.warnings) {
    if (warning.find(needle) != std::string::npos) {
      return true;
    }
  }
  return false;
}

class TnefReaderTest : public ::testing::Test {
 protected:
  // The fixture test_tnef() in data/mail_samples.py describes.
  static std::string WinmailDat() {
    TempDir dir;
    std::filesystem::path out = dir.path() / "winmail.dat";
    testing::CommandResult run = RunCommand(
        {"python3", (SourceDir() / "data" / "mail_samples.py").string(), "tnef", out.string()});
    EXPECT_EQ(0, run.exit_code) << run.err;
    return run.exit_code == 0 ? ReadFileOrDie(out) : std::string();
  }
};

TEST_F(TnefReaderTest, ReadsMessageBodiesAndAttachments) {
  std::string bytes = WinmailDat();
  ASSERT_TRUE(LooksLikeTnef(bytes));
  Result<TnefContent> parsed = ParseTnef(bytes);
  ASSERT_OK(parsed);
  const TnefContent& c = *parsed;
  EXPECT_EQ("IPM.Microsoft Mail.Note", c.message_class);
  // PR_SUBJECT (Unicode) wins over the lossy 8-bit attSubject.
  EXPECT_EQ("Quarterly report – Q2 报告", c.subject);
  EXPECT_EQ(UtcFromCivil(2013, 6, 3, 9, 15, 2), c.sent);
  EXPECT_EQ("Hallo Bob, der Bericht für Q2 ist angehängt.\r\n季度报告见附件。", c.body_text);
  EXPECT_EQ("<html><body><p>Hallo <b>Bob</b></p></body></html>", c.html_body);
  EXPECT_EQ("{\\rtf1\\ansi Hallo RTF Bob\\par}", c.rtf_body);
  ASSERT_EQ(2u, c.attachments.size());
  // The long file name, not the 8.3 attAttachTitle "Quarterly Re".
  EXPECT_EQ("Quarterly Report 2013.xlsx", c.attachments[0].name);
  EXPECT_EQ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            c.attachments[0].media_type);
  EXPECT_EQ("PK\x03\x04 fake xlsx bytes", c.attachments[0].bytes);
  EXPECT_EQ("notes.txt", c.attachments[1].name);
  EXPECT_EQ("", c.attachments[1].media_type);
  EXPECT_EQ("plain attachment\n", c.attachments[1].bytes);
  EXPECT_TRUE(c.warnings.empty()) << c.warnings.front();
}

// libytnef printf()s a parse trace when its Debug field is non-zero, and `docket ingest` prints
// its summary on the same stdout that scripts read.
TEST_F(TnefReaderTest, ParsingPrintsNothing) {
  std::string bytes = WinmailDat();
  ASSERT_FALSE(bytes.empty());
  ::testing::internal::CaptureStdout();
  for (int i = 0; i < 20; ++i) {
    ASSERT_OK(ParseTnef(bytes));
  }
  EXPECT_EQ("", ::testing::internal::GetCapturedStdout());
}

TEST_F(TnefReaderTest, TruncatedStreamKeepsWhatCameBefore) {
  std::string bytes = WinmailDat();
  ASSERT_FALSE(bytes.empty());
  // Cut inside the second attachment's data: the message and the first attachment survive.
  size_t cut = bytes.find("plain attachment");
  ASSERT_NE(std::string::npos, cut);
  Result<TnefContent> parsed = ParseTnef(std::string_view(bytes).substr(0, cut + 5));
  ASSERT_OK(parsed);
  EXPECT_EQ("Quarterly report – Q2 报告", parsed->subject);
  ASSERT_GE(parsed->attachments.size(), 1u);
  EXPECT_EQ("Quarterly Report 2013.xlsx", parsed->attachments[0].name);
  EXPECT_TRUE(AnyWarningContains(*parsed, "TNEF stream truncated at offset"))
      << (parsed->warnings.empty() ? "no warnings" : parsed->warnings.front());
  EXPECT_TRUE(AnyWarningContains(*parsed, "claims"));
}

TEST_F(TnefReaderTest, WrongChecksumIsReportedNotFatal) {
  std::string bytes = WinmailDat();
  // Inside the 8-bit attBody (PR_BODY is UTF-16): its checksum no longer fits.
  size_t body = bytes.find("Hallo Bob, der");
  ASSERT_NE(std::string::npos, body);
  bytes[body] = 'h';
  Result<TnefContent> parsed = ParseTnef(bytes);
  ASSERT_OK(parsed);
  EXPECT_EQ(2u, parsed->attachments.size());
  EXPECT_TRUE(AnyWarningContains(*parsed, "wrong checksum"));
}

TEST_F(TnefReaderTest, NotTnefAndNothingReadable) {
  Result<TnefContent> not_tnef = ParseTnef("From: a@x.com\r\n\r\nhi");
  ASSERT_FALSE(not_tnef.ok());
  EXPECT_EQ(StatusCode::kInvalidArgument, not_tnef.status().code());

  Result<TnefContent> garbage = ParseTnef("\x78\x9f\x3e\x22\x00\x00\x07garbage-garbage"s);
  ASSERT_FALSE(garbage.ok());
  EXPECT_EQ(StatusCode::kCorruption, garbage.status().code());
  EXPECT_NE(std::string::npos, garbage.status().message().find("unknown level 7"))
      << garbage.status().message();

  EXPECT_TRUE(LooksLikeTnef("\x78\x9f\x3e\x22"s));
  EXPECT_FALSE(LooksLikeTnef("\x22\x3e\x9f\x78"s));
  EXPECT_FALSE(LooksLikeTnef("x"));
}

TEST(DecompressRtfTest, SpecificationExample) {
  // [MS-OXRTFCP] 4.1: a stream with dictionary references, including into the preset text.
  const std::string compressed =
      "\x2d\x00\x00\x00\x2b\x00\x00\x00\x4c\x5a\x46\x75\xf1\xc5\xc7\xa7"
      "\x03\x00\x0a\x00\x72\x63\x70\x67\x31\x32\x35\x42\x32\x0a\xf3\x20"
      "\x68\x65\x6c\x09\x00\x20\x62\x77\x05\xb0\x6c\x64\x7d\x0a\x80\x0f\xa0"s;
  Result<std::string> rtf = DecompressRtf(compressed);
  ASSERT_OK(rtf);
  EXPECT_EQ("{\\rtf1\\ansi\\ansicpg1252\\pard hello world}\r\n", *rtf);
}

TEST(DecompressRtfTest, StoredAndDamagedStreams) {
  std::string stored = "\x10\x00\x00\x00\x04\x00\x00\x00MELA\x00\x00\x00\x00{\\rt"s;
  Result<std::string> plain = DecompressRtf(stored);
  ASSERT_OK(plain);
  EXPECT_EQ("{\\rt", *plain);

  EXPECT_EQ(StatusCode::kCorruption, DecompressRtf("short").status().code());
  // COMPSIZE larger than the bytes present.
  Result<std::string> lying =
      DecompressRtf("\xff\x00\x00\x00\x04\x00\x00\x00LZFu\x00\x00\x00\x00\x00"s);
  ASSERT_FALSE(lying.ok());
  EXPECT_NE(std::string::npos, lying.status().message().find("claims 255 bytes"));
  EXPECT_EQ(StatusCode::kCorruption,
            DecompressRtf("\x0c\x00\x00\x00\x00\x00\x00\x00XXXX\x00\x00\x00\x00"s).status().code());
  // A reference cut in half.
  Result<std::string> cut =
      DecompressRtf("\x0e\x00\x00\x00\x04\x00\x00\x00LZFu\x00\x00\x00\x00\x01\x00"s);
  EXPECT_EQ(StatusCode::kCorruption, cut.status().code());
}

}  // namespace
}  // namespace docket
