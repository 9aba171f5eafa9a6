/** @file
 *  @brief MboxReader: splitting, ">From " unquoting, the size cap, streaming across blocks.
 */
#include "indexer/mbox_reader.h"

#include <gtest/gtest.h>

#include <vector>

#include "tests/support/subprocess.h"
#include "tests/support/test_env.h"

namespace docket {
namespace {

using testing::TempDir;
using testing::WriteFileOrDie;

std::vector<MboxMessage> ReadAll(MboxReader* reader) {
  std::vector<MboxMessage> messages;
  while (true) {
    MboxMessage message;
    Result<bool> more = reader->Next(&message);
    EXPECT_OK(more);
    if (!more.ok() || !*more) {
      return messages;
    }
    messages.push_back(std::move(message));
  }
}

std::vector<MboxMessage> ReadAllFromMemory(std::string_view bytes,
                                           uint64_t cap = MboxReader::kDefaultMaxMessageBytes) {
  Result<std::unique_ptr<MboxReader>> reader = MboxReader::OpenMemory(bytes, cap);
  EXPECT_OK(reader);
  return reader.ok() ? ReadAll(reader->get()) : std::vector<MboxMessage>();
}

const std::string kMailbox =
    "From alice@contoso.com Mon Jun  3 09:15:02 2013\n"
    "From: alice@contoso.com\n"
    "Subject: first\n"
    "\n"
    "Line one\n"
    ">From the desk of Alice (quoted by the writer)\n"
    ">>From a doubly quoted line\n"
    "From here on the writer forgot to quote; no date, so no split\n"
    "\n"
    "From MAILER-DAEMON Tue Jun  4 10:00:00 +0000 2013\n"
    "From: daemon@contoso.com\n"
    "Subject: 第二\n"
    "\n"
    "zweite Nachricht\n"
    "\n"
    "From bob@contoso.com Wed Jun  5 11:00:00 2013\n"
    "Subject: third, no trailing blank line\n"
    "\n"
    "last";

TEST(MboxReaderTest, SplitsAtPostmarksAndUnquotes) {
  std::vector<MboxMessage> messages = ReadAllFromMemory(kMailbox);
  ASSERT_EQ(3u, messages.size());
  EXPECT_EQ(0u, messages[0].index);
  EXPECT_EQ(0u, messages[0].offset);
  EXPECT_EQ("From alice@contoso.com Mon Jun  3 09:15:02 2013", messages[0].postmark);
  EXPECT_EQ(
      "From: alice@contoso.com\n"
      "Subject: first\n"
      "\n"
      "Line one\n"
      "From the desk of Alice (quoted by the writer)\n"
      ">From a doubly quoted line\n"
      "From here on the writer forgot to quote; no date, so no split\n",
      messages[0].bytes);
  EXPECT_EQ("", messages[0].skipped_reason);

  size_t second_offset = kMailbox.find("From MAILER-DAEMON");
  EXPECT_EQ(1u, messages[1].index);
  EXPECT_EQ(second_offset, messages[1].offset);
  EXPECT_EQ(second_offset, messages[0].size);
  EXPECT_EQ("From: daemon@contoso.com\nSubject: 第二\n\nzweite Nachricht\n", messages[1].bytes);

  EXPECT_EQ(2u, messages[2].index);
  EXPECT_EQ("Subject: third, no trailing blank line\n\nlast", messages[2].bytes);
  EXPECT_EQ(kMailbox.size(), messages[2].offset + messages[2].size);
}

TEST(MboxReaderTest, FileAndMemoryAgree) {
  TempDir dir;
  WriteFileOrDie(dir.path() / "box.mbox", kMailbox);
  Result<std::unique_ptr<MboxReader>> reader = MboxReader::OpenFile(dir.path() / "box.mbox");
  ASSERT_OK(reader);
  std::vector<MboxMessage> from_file = ReadAll(reader->get());
  std::vector<MboxMessage> from_memory = ReadAllFromMemory(kMailbox);
  ASSERT_EQ(from_memory.size(), from_file.size());
  for (size_t i = 0; i < from_file.size(); ++i) {
    EXPECT_EQ(from_memory[i].bytes, from_file[i].bytes);
    EXPECT_EQ(from_memory[i].offset, from_file[i].offset);
  }
}

TEST(MboxReaderTest, OversizeMessageIsSkippedAndTheRestIsRead) {
  std::string big(5000, 'x');
  std::string mailbox =
      "From a@x Mon Jun  3 09:15:02 2013\nSubject: small\n\nok\n\n"
      "From b@x Mon Jun  3 09:16:02 2013\nSubject: big\n\n" +
      big +
      "\n\n"
      "From c@x Mon Jun  3 09:17:02 2013\nSubject: after\n\nstill here\n";
  std::vector<MboxMessage> messages = ReadAllFromMemory(mailbox, /*cap=*/1000);
  ASSERT_EQ(3u, messages.size());
  EXPECT_EQ("Subject: small\n\nok\n", messages[0].bytes);
  EXPECT_EQ("", messages[1].bytes);
  EXPECT_NE(std::string::npos, messages[1].skipped_reason.find("more than the limit of 1000"))
      << messages[1].skipped_reason;
  EXPECT_NE(std::string::npos, messages[1].skipped_reason.find("message 1 at offset"));
  EXPECT_EQ("Subject: after\n\nstill here\n", messages[2].bytes);
}

TEST(MboxReaderTest, TextBeforeTheFirstPostmarkIsKept) {
  std::vector<MboxMessage> messages = ReadAllFromMemory(
      "\n\nSubject: orphan\n\nno postmark\n"
      "From a@x Mon Jun  3 09:15:02 2013\nSubject: real\n\nbody\n");
  ASSERT_EQ(2u, messages.size());
  EXPECT_EQ("", messages[0].postmark);
  EXPECT_EQ("\n\nSubject: orphan\n\nno postmark\n", messages[0].bytes);
  EXPECT_EQ("Subject: real\n\nbody\n", messages[1].bytes);
  // Only blank lines before the first postmark are not a message.
  EXPECT_EQ(1u, ReadAllFromMemory("\n\r\nFrom a@x Mon Jun  3 09:15:02 2013\n\nx\n").size());
}

TEST(MboxReaderTest, EmptyAndMissingMailboxes) {
  EXPECT_TRUE(ReadAllFromMemory("").empty());
  Result<std::unique_ptr<MboxReader>> missing = MboxReader::OpenFile("/nonexistent/box.mbox");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(StatusCode::kIOError, missing.status().code());
}

TEST(MboxReaderTest, StreamsMessagesLargerThanOneReadBlock) {
  // 3 messages of ~1.5 MiB each with CRLF lines, so postmarks and line ends straddle the 1 MiB
  // blocks the file is read in; one line is longer than a block.
  std::string mailbox;
  std::vector<std::string> bodies;
  for (int m = 0; m < 3; ++m) {
    std::string body = "Subject: m" + std::to_string(m) + "\r\n\r\n";
    for (int line = 0; line < 20000; ++line) {
      body += "line " + std::to_string(m) + "." + std::to_string(line) + " padding padding pad\r\n";
    }
    if (m == 1) {
      body += std::string(1500000, 'L') + "\r\n";
    }
    bodies.push_back(body);
    mailbox += "From sender@x Mon Jun  3 09:15:0" + std::to_string(m) + " 2013\r\n" + body + "\r\n";
  }
  TempDir dir;
  WriteFileOrDie(dir.path() / "big.mbox", mailbox);
  Result<std::unique_ptr<MboxReader>> reader = MboxReader::OpenFile(dir.path() / "big.mbox");
  ASSERT_OK(reader);
  std::vector<MboxMessage> messages = ReadAll(reader->get());
  ASSERT_EQ(3u, messages.size());
  for (int m = 0; m < 3; ++m) {
    EXPECT_EQ(bodies[m], messages[m].bytes) << "message " << m;
  }
  EXPECT_EQ(mailbox.size(), messages[2].offset + messages[2].size);
}

TEST(MboxReaderTest, ReadsWhatTheSampleWriterWrites) {
  // data/mail_samples.py make_mbox is an independent mboxrd writer (used by the sample corpus).
  TempDir dir;
  std::filesystem::path out = dir.path() / "samples.mbox";
  testing::CommandResult run =
      testing::RunCommand({"python3", (testing::SourceDir() / "data" / "mail_samples.py").string(),
                           "mbox", out.string()});
  ASSERT_EQ(0, run.exit_code) << run.err;
  Result<std::unique_ptr<MboxReader>> reader = MboxReader::OpenFile(out);
  ASSERT_OK(reader);
  std::vector<MboxMessage> messages = ReadAll(reader->get());
  ASSERT_EQ(2u, messages.size());
  EXPECT_EQ("From: a@x.com\nSubject: one\n\nFrom the start\n>From quoted\n", messages[0].bytes);
  EXPECT_EQ("From: b@x.com\nSubject: two\n\nsecond\n", messages[1].bytes);
}

TEST(MboxReaderTest, LooksLikeMbox) {
  EXPECT_TRUE(LooksLikeMbox("From alice@x.com Mon Jun  3 09:15:02 2013\nSubject: x\n", "a"));
  EXPECT_TRUE(LooksLikeMbox("From 1@xxx Sat Jan 01 00:00:00 +0000 2022\r\n", "takeout"));
  EXPECT_TRUE(LooksLikeMbox("", "Inbox.MBOX"));
  EXPECT_TRUE(LooksLikeMbox("garbage", "old.mbx"));
  EXPECT_FALSE(LooksLikeMbox("From: alice@x.com\nSubject: x\n", "a.eml"));
  EXPECT_FALSE(LooksLikeMbox("From here to eternity\n", "notes.txt"));
}

}  // namespace
}  // namespace docket
