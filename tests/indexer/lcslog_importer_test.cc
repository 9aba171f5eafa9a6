/** @file
 *  @brief LcsLogImporter over dumps written at test time: the three generator variants
 *         (bcp char with format files, bcp -w, CSV) checked message by message against the
 *         export transcript of the same sessions, plus hand-written tables for toast rows,
 *         unresolved users, bad rows, undecodable bodies and the default column lists.
 */
#include "indexer/lcslog_importer.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <map>

#include "indexer/lync_session_parser.h"
#include "indexer/mime_parser.h"
#include "tests/support/test_env.h"

namespace docket {
namespace {

using ::docket::testing::ReadFileOrDie;
using ::docket::testing::SourceDir;
using ::docket::testing::TempDir;
using ::docket::testing::WriteFileOrDie;

std::vector<LcsLogSession> ReadAll(const std::filesystem::path& folder,
                                   std::unique_ptr<LcsLogImporter>* keep = nullptr) {
  std::vector<LcsLogSession> sessions;
  Result<std::unique_ptr<LcsLogImporter>> importer = LcsLogImporter::Open(folder);
  EXPECT_OK(importer);
  if (!importer.has_value()) {
    return sessions;
  }
  for (;;) {
    LcsLogSession session;
    Result<bool> more = (*importer)->Next(&session);
    EXPECT_OK(more);
    if (!more.has_value() || !*more) {
      break;
    }
    sessions.push_back(std::move(session));
  }
  if (keep != nullptr) {
    *keep = std::move(*importer);
  }
  return sessions;
}

const LcsLogTableReport* Report(const LcsLogImporter& importer, std::string_view table) {
  for (const LcsLogTableReport& report : importer.tables()) {
    if (report.table == table) {
      return &report;
    }
  }
  return nullptr;
}

bool AnyContains(const std::vector<std::string>& lines, std::string_view part) {
  for (const std::string& line : lines) {
    if (line.find(part) != std::string::npos) {
      return true;
    }
  }
  return false;
}

// Writes the planted sessions of data/generate_samples.py as an LcsLog dump (variant) and each
// session's export transcript as exports/<export file name>.html.
void WriteGeneratedDump(const std::filesystem::path& out, const std::string& variant) {
  const std::filesystem::path script = out / "make_dump.py";
  WriteFileOrDie(script,
                 "import os, random, sys\n"
                 "sys.path.insert(0, sys.argv[1])\n"
                 "import generate_samples as g, lcslog_dump as d\n"
                 "sessions = g.planted_sessions()\n"
                 "d.write_lcslog_dump(os.path.join(sys.argv[2], 'dump'), sessions, sys.argv[3],\n"
                 "                    random.Random(7))\n"
                 "os.makedirs(os.path.join(sys.argv[2], 'exports'))\n"
                 "for s in sessions:\n"
                 "    with open(os.path.join(sys.argv[2], 'exports', s.file_name() + '.html'),\n"
                 "              'w', encoding='utf-8') as f:\n"
                 "        f.write(g.transcript_html(s.subject, s.lines))\n");
  const std::string command = "python3 '" + script.string() + "' '" +
                              (SourceDir() / "data").string() + "' '" + out.string() + "' " +
                              variant;
  ASSERT_EQ(0, std::system(command.c_str())) << command;
}

class LcsLogGeneratedTest : public ::testing::TestWithParam<std::string> {};

TEST_P(LcsLogGeneratedTest, MessagesMatchTheExportTranscript) {
  TempDir dir;
  ASSERT_NO_FATAL_FAILURE(WriteGeneratedDump(dir.path(), GetParam()));
  EXPECT_TRUE(LooksLikeLcsLogDump(dir.path() / "dump"));

  std::unique_ptr<LcsLogImporter> importer;
  std::vector<LcsLogSession> sessions = ReadAll(dir.path() / "dump", &importer);
  ASSERT_EQ(4u, sessions.size());  // three p2p sessions and one conference
  ASSERT_TRUE(importer != nullptr);
  for (const LcsLogTableReport& report : importer->tables()) {
    EXPECT_EQ(0u, report.bad_row_count) << report.path << ": " << report.bad_rows[0].reason;
    EXPECT_TRUE(report.warnings.empty()) << report.path << ": " << report.warnings[0];
  }
  const LcsLogTableReport* messages = Report(*importer, "Messages");
  ASSERT_NE(nullptr, messages);
  const LcsLogTableReport* recipients = Report(*importer, "ConferenceMessageRecipientList");
  ASSERT_NE(nullptr, recipients);
  if (GetParam() == "csv") {
    EXPECT_EQ("header row", messages->columns_from);
    EXPECT_EQ("header row", recipients->columns_from);
  } else {
    EXPECT_EQ("format file Messages.fmt", messages->columns_from);
    EXPECT_EQ("format file ConferenceMessages.xml",
              Report(*importer, "ConferenceMessages")->columns_from);
    EXPECT_EQ("Lync 2013 defaults", recipients->columns_from);
  }

  size_t unresolved = 0;
  for (size_t i = 0; i < sessions.size(); ++i) {
    const LcsLogSession& session = sessions[i];
    if (i > 0) {
      EXPECT_LT(sessions[i - 1].start, session.start);  // emitted in start order
    }
    const std::string name = session.native_name.substr(0, session.native_name.size() - 4);
    EXPECT_EQ(session.conference ? "_conf" : "_p2p", name.substr(name.rfind('_')));
    const std::filesystem::path html = dir.path() / "exports" / (name + ".eml.html");
    ASSERT_TRUE(std::filesystem::exists(html)) << html;

    MimeMessage export_message;
    export_message.html_body = ReadFileOrDie(html);
    Result<LyncSession> exported = ParseLyncSession(export_message, name + ".eml");
    ASSERT_OK(exported);
    EXPECT_EQ(exported->start, session.start);
    EXPECT_EQ(exported->conference, session.conference);
    std::vector<ConversationMessage> expected;
    for (const ConversationMessage& line : exported->messages) {
      if (!line.is_event) {  // subject changes exist only in exports
        expected.push_back(line);
      }
    }
    ASSERT_EQ(expected.size(), session.messages.size()) << name;
    for (size_t m = 0; m < expected.size(); ++m) {
      EXPECT_EQ(expected[m].text, session.messages[m].text) << name << " message " << m;
      EXPECT_EQ(expected[m].sender, session.messages[m].sender) << name << " message " << m;
      EXPECT_EQ(expected[m].sent / 1000, session.messages[m].sent / 1000) << name << " " << m;
    }
    EXPECT_EQ(expected.front().sender, session.from);
    if (session.conference) {
      EXPECT_EQ("Conference organized by " + session.from, session.subject);
      EXPECT_EQ(4u, session.participants.size());
    } else {
      EXPECT_EQ("Conversation between " + session.from + " and " + session.to.at(0),
                session.subject);
    }
    if (AnyContains(session.warnings, "unresolved user id 9999 (kept as 'userid:9999')")) {
      ++unresolved;
      EXPECT_NE(session.participants.end(),
                std::find(session.participants.begin(), session.participants.end(), "userid:9999"));
    }
    EXPECT_NE(std::string::npos, session.native.find("table\tline\t")) << session.native;
  }
  EXPECT_EQ(1u, unresolved);
}

INSTANTIATE_TEST_SUITE_P(LcsLog, LcsLogGeneratedTest, ::testing::Values("bcp-char", "bcp-w", "csv"),
                         [](const auto& param_info) {
                           std::string name = param_info.param;
                           name.erase(std::remove(name.begin(), name.end(), '-'), name.end());
                           return name;
                         });

constexpr const char* kUsersCsv =
    "UserId,UserUri\r\n"
    "1,sip:Alice@Contoso.com\r\n"
    "2,bob@contoso.com\r\n";
// Ids on purpose not the ones other databases use: the importer must join.
constexpr const char* kContentTypesCsv =
    "ContentTypeId,ContentType\r\n"
    "7,text/rtf\r\n"
    "8,text/plain\r\n"
    "9,text/html\r\n";

TEST(LcsLogImporterTest, ToastRowsAreNotCountedTwice) {
  TempDir dir;
  WriteFileOrDie(dir.path() / "Users.csv", kUsersCsv);
  WriteFileOrDie(dir.path() / "ContentTypes.csv", kContentTypesCsv);
  WriteFileOrDie(
      dir.path() / "Messages.csv",
      "SessionIdTime,SessionIdSeq,MessageIdTime,FromId,ToId,ContentTypeId,Toast,Body\r\n"
      // Session 1: the toast repeats the first message (once as HTML, once as plain text).
      "2013-06-03 09:15:02.231,1,2013-06-03 09:15:02.233,1,2,9,1,<b>Hallo</b>  Bob\r\n"
      "2013-06-03 09:15:02.231,1,2013-06-03 09:15:02.240,1,2,8,0,Hallo Bob\r\n"
      "2013-06-03 09:15:02.231,1,2013-06-03 09:15:40.000,2,1,8,0,Ja.\r\n"
      // Session 2: only the toast was archived.
      "2013-06-04 10:00:00.000,1,2013-06-04 10:00:00.003,2,1,8,1,Nur der Toast\r\n"
      // Session 3: a toast whose text no Toast=0 row repeats is kept.
      "2013-06-05 11:00:00.000,3,2013-06-05 11:00:00.003,1,2,8,1,Invitation text\r\n"
      "2013-06-05 11:00:00.000,3,2013-06-05 11:00:05.000,1,2,8,0,Something else\r\n");
  std::vector<LcsLogSession> sessions = ReadAll(dir.path());
  ASSERT_EQ(3u, sessions.size());

  ASSERT_EQ(2u, sessions[0].messages.size());
  EXPECT_EQ("Hallo Bob", sessions[0].messages[0].text);
  EXPECT_EQ("alice@contoso.com", sessions[0].messages[0].sender);
  EXPECT_EQ(UtcFromCivil(2013, 6, 3, 9, 15, 2, 240), sessions[0].messages[0].sent);
  EXPECT_EQ("Ja.", sessions[0].messages[1].text);
  EXPECT_EQ("alice@contoso.com", sessions[0].from);
  EXPECT_EQ(std::vector<std::string>{"bob@contoso.com"}, sessions[0].to);
  EXPECT_EQ("Conversation between alice@contoso.com and bob@contoso.com", sessions[0].subject);
  EXPECT_EQ(UtcFromCivil(2013, 6, 3, 9, 15, 2, 231), sessions[0].start);
  EXPECT_EQ(1, sessions[0].sequence);
  EXPECT_EQ("20130603091502231_1_p2p.tsv", sessions[0].native_name);
  EXPECT_EQ("Messages.csv", sessions[0].table_path);
  EXPECT_TRUE(sessions[0].warnings.empty()) << sessions[0].warnings[0];

  ASSERT_EQ(1u, sessions[1].messages.size());
  EXPECT_EQ("Nur der Toast", sessions[1].messages[0].text);
  EXPECT_EQ("bob@contoso.com", sessions[1].from);

  ASSERT_EQ(2u, sessions[2].messages.size());
  EXPECT_EQ("Invitation text", sessions[2].messages[0].text);
  EXPECT_EQ(3, sessions[2].sequence);

  // The native lists the session's rows and the users and content types they use.
  const std::string& native = sessions[0].native;
  EXPECT_NE(std::string::npos,
            native.find("table\tline\tSessionIdTime\tSessionIdSeq\tMessageIdTime\tFromId\tToId\t"
                        "ContentTypeId\tToast\tBody\n"))
      << native;
  EXPECT_NE(std::string::npos, native.find("Messages.csv\t2\t2013-06-03 09:15:02.231\t1\t"));
  EXPECT_NE(std::string::npos, native.find("Users.csv\t2\t1\tsip:Alice@Contoso.com\n"));
  EXPECT_NE(std::string::npos, native.find("ContentTypes.csv\t3\t8\ttext/plain\n"));
  EXPECT_EQ(std::string::npos, native.find("Nur der Toast"));
}

TEST(LcsLogImporterTest, RtfBodiesDecodeAndBrokenOnesAreKeptRaw) {
  TempDir dir;
  WriteFileOrDie(dir.path() / "Users.csv", kUsersCsv);
  WriteFileOrDie(dir.path() / "ContentTypes.csv", kContentTypesCsv);
  WriteFileOrDie(dir.path() / "Messages.csv",
                 "SessionIdTime,SessionIdSeq,MessageIdTime,FromId,ToId,ContentTypeId,Toast,Body\r\n"
                 "2013-06-03 09:15:02.231,1,2013-06-03 09:15:03.000,1,2,7,0,"
                 "\"{\\rtf1\\ansi\\ansicpg936{\\fonttbl{\\f0\\fcharset134 SimSun;}}\\f0 "
                 "\\'bb\\'e1\\'d2\\'e9\\par \\u25913?\\u21040?\\'d6\\'dc\\'ce\\'e5}\"\r\n"
                 "2013-06-03 09:15:02.231,1,2013-06-03 09:15:04.000,2,1,7,0,not rtf at all\r\n"
                 "2013-06-03 09:15:02.231,1,2013-06-03 09:15:05.000,2,1,7,0,{\\rtf1 cut off\r\n");
  std::vector<LcsLogSession> sessions = ReadAll(dir.path());
  ASSERT_EQ(1u, sessions.size());
  const LcsLogSession& session = sessions[0];
  ASSERT_EQ(3u, session.messages.size());
  EXPECT_EQ("会议 改到周五", session.messages[0].text);
  EXPECT_EQ("not rtf at all", session.messages[1].text);
  EXPECT_EQ("cut off", session.messages[2].text);
  EXPECT_TRUE(AnyContains(session.warnings,
                          "message at Messages.csv line 3: body could not be decoded (stored "
                          "raw)"));
  EXPECT_TRUE(AnyContains(session.warnings, "message at Messages.csv line 4: RTF body partly"));
}

TEST(LcsLogImporterTest, HeaderlessDefaultsUnresolvedUsersAndBadRows) {
  TempDir dir;
  // No Users or ContentTypes table; Lync 2013 default columns; a name with schema prefix.
  // Line 2 has too few fields, line 3 a bad date; line 4-5 is a body with a line break.
  WriteFileOrDie(dir.path() / "LcsLog.dbo.Messages.txt",
                 "2013-06-03 09:15:02.231\t1\t2013-06-03 09:15:03.000\t1\t5\t6\t1\tHallo\t0\n"
                 "2013-06-03 09:15:02.231\t1\n"
                 "yesterday\t1\t2013-06-03 09:15:04.000\t1\t5\t6\t1\tbad\t0\n"
                 "2013-06-03 09:15:02.231\t1\t2013-06-03 09:15:05.000\t2\t6\t5\t1\tzwei\n"
                 "Zeilen\t0\n");
  EXPECT_TRUE(LooksLikeLcsLogDump(dir.path()));
  std::unique_ptr<LcsLogImporter> importer;
  std::vector<LcsLogSession> sessions = ReadAll(dir.path(), &importer);
  ASSERT_EQ(1u, sessions.size());
  const LcsLogSession& session = sessions[0];
  ASSERT_EQ(2u, session.messages.size());
  EXPECT_EQ("userid:5", session.messages[0].sender);
  EXPECT_EQ("Hallo", session.messages[0].text);
  EXPECT_EQ("zwei Zeilen", session.messages[1].text);
  EXPECT_EQ("userid:5", session.from);
  EXPECT_EQ((std::vector<std::string>{"userid:5", "userid:6"}), session.participants);
  EXPECT_TRUE(AnyContains(session.warnings, "unresolved user id 5 (kept as 'userid:5')"));
  EXPECT_TRUE(AnyContains(session.warnings, "unresolved user id 6 (kept as 'userid:6')"));
  EXPECT_TRUE(AnyContains(importer->warnings(), "no Users table"));

  const LcsLogTableReport* report = Report(*importer, "Messages");
  ASSERT_NE(nullptr, report);
  EXPECT_EQ("LcsLog.dbo.Messages.txt", report->path);
  EXPECT_EQ("Lync 2013 defaults", report->columns_from);
  EXPECT_EQ(3u, report->rows_read);
  ASSERT_EQ(2u, report->bad_row_count);
  EXPECT_EQ(2u, report->bad_rows[0].line);
  EXPECT_EQ("2 fields, expected 9", report->bad_rows[0].reason);
  EXPECT_EQ(3u, report->bad_rows[1].line);
  EXPECT_EQ("SessionIdTime 'yesterday' is not a date and time", report->bad_rows[1].reason);
}

TEST(LcsLogImporterTest, ConferencesWithoutSequenceTakeTheConferenceRow) {
  TempDir dir;
  WriteFileOrDie(dir.path() / "Users.csv", kUsersCsv + std::string("3,carol@contoso.com\r\n"));
  WriteFileOrDie(dir.path() / "Conferences.csv",
                 "SessionIdTime,SessionIdSeq,ConferenceUri,OrganizerId\r\n"
                 "2013-06-12 14:00:00.407,2,sip:alice@contoso.com;gruu;opaque=app:conf,1\r\n");
  WriteFileOrDie(dir.path() / "ConferenceMessages.csv",
                 "MessageId,SessionIdTime,Date,FromId,ContentTypeId,Body\r\n"
                 "11,2013-06-12 14:00:20.000,2013-06-12 14:00:21.000,2,,Second session\r\n"
                 "10,2013-06-12 14:00:00.407,2013-06-12 14:00:05.000,3,,Guten Tag\r\n");
  WriteFileOrDie(dir.path() / "ConferenceMessageRecipientList.csv",
                 "MessageId,UserId,SessionIdTime\r\n"
                 "10,1,2013-06-12 14:00:00.407\r\n"
                 "10,2,2013-06-12 14:00:00.407\r\n");
  std::vector<LcsLogSession> sessions = ReadAll(dir.path());
  ASSERT_EQ(2u, sessions.size());
  EXPECT_TRUE(sessions[0].conference);
  EXPECT_EQ(2, sessions[0].sequence);
  EXPECT_EQ("Conference organized by alice@contoso.com", sessions[0].subject);
  EXPECT_EQ("alice@contoso.com", sessions[0].from);
  EXPECT_EQ((std::vector<std::string>{"bob@contoso.com", "carol@contoso.com"}), sessions[0].to);
  EXPECT_EQ("20130612140000407_2_conf.tsv", sessions[0].native_name);
  EXPECT_NE(std::string::npos, sessions[0].native.find("ConferenceMessageRecipientList.csv\t2"));
  // No Conferences row: no organizer, sequence 0.
  EXPECT_EQ(0, sessions[1].sequence);
  EXPECT_EQ("Conference 2013-06-12T14:00:20Z", sessions[1].subject);
  EXPECT_EQ("bob@contoso.com", sessions[1].messages.at(0).sender);
}

TEST(LcsLogImporterTest, FoldersWithoutMessageTablesAreNotDumps) {
  TempDir dir;
  WriteFileOrDie(dir.path() / "Users.csv", kUsersCsv);
  WriteFileOrDie(dir.path() / "Messages.pdf", "not a table");
  EXPECT_FALSE(LooksLikeLcsLogDump(dir.path()));
  EXPECT_FALSE(LooksLikeLcsLogDump(dir.path() / "missing"));
  Result<std::unique_ptr<LcsLogImporter>> importer = LcsLogImporter::Open(dir.path());
  ASSERT_FALSE(importer.has_value());
  EXPECT_EQ(StatusCode::kNotFound, importer.status().code());
}

TEST(LcsLogImporterTest, MissingKeyColumnIsAnActionableError) {
  TempDir dir;
  WriteFileOrDie(dir.path() / "Messages.csv", "When,Who,Body\r\n2013-06-03,1,x\r\n");
  Result<std::unique_ptr<LcsLogImporter>> importer = LcsLogImporter::Open(dir.path());
  ASSERT_FALSE(importer.has_value());
  // The header names the columns, and none of them is SessionIdTime.
  EXPECT_EQ(StatusCode::kInvalidArgument, importer.status().code()) << importer.status().ToString();
}

}  // namespace
}  // namespace docket
