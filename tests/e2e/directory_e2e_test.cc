/** @file
 *  @brief `docket directory import` and `docket search` through the real binary: an SMTP
 *  address finds an IM recorded under another SIP URI once the directory joins the two.
 */
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "tests/support/lync_fixtures.h"
#include "tests/support/subprocess.h"
#include "tests/support/test_env.h"

namespace docket {
namespace {

using testing::RunCommand;

TEST(DirectoryEndToEndTest, ImportThenSearchBySmtpFindsTheSipSession) {
  testing::TempDir dir;
  const std::string docket = testing::DocketBinary().string();
  const std::string index = (dir.path() / "index").string();
  const auto sessions = dir.path() / "export" / "SQL01_Inst" / "2013" / "06" / "03";
  std::filesystem::create_directories(sessions);
  // The sample session is between sip:alice@contoso.com and sip:bob@contoso.com.
  testing::WriteFileOrDie(sessions / "20130603091502877_1_p2p.eml", testing::SampleSession());
  const auto ingest =
      RunCommand({docket, "ingest", "--index", index, (dir.path() / "export").string()});
  ASSERT_EQ(ingest.exit_code, 0) << ingest.err;

  const auto before =
      RunCommand({docket, "search", "--index", index, "participants:robert.brown@fabrikam.com"});
  ASSERT_EQ(before.exit_code, 0) << before.err;
  EXPECT_EQ(before.out.rfind("0 hits", 0), 0u) << before.out;

  const auto csv = dir.path() / "directory.csv";
  testing::WriteFileOrDie(csv,
                          "\xEF\xBB\xBF"
                          "SipAddress,Title,DisplayName,SmtpAddress\r\n"
                          "sip:bob@contoso.com,\"Sales, EMEA\",Robert Brown,"
                          "robert.brown@fabrikam.com\r\n"
                          ",IT,No Address,\r\n");
  const auto import = RunCommand({docket, "directory", "import", "--index", index, csv.string()});
  ASSERT_EQ(import.exit_code, 0) << import.err;
  EXPECT_NE(import.out.find("stored 1 identity"), std::string::npos) << import.out;
  EXPECT_NE(import.out.find("skipped 1 row"), std::string::npos) << import.out;
  EXPECT_NE(import.err.find("line 3: no SmtpAddress or SipAddress"), std::string::npos)
      << import.err;

  for (const std::string query :
       {"participants:robert.brown@fabrikam.com", "participants:\"Robert Brown\"",
        "to:robert.brown@fabrikam.com"}) {
    const auto after = RunCommand({docket, "search", "--index", index, query});
    ASSERT_EQ(after.exit_code, 0) << after.err;
    EXPECT_EQ(after.out.rfind("1 hit", 0), 0u) << query << ": " << after.out;
  }
  // A quoted prefix value is not expanded.
  const auto prefix =
      RunCommand({docket, "search", "--index", index, "participants:\"robert.brown@fabrik*\""});
  EXPECT_EQ(prefix.out.rfind("0 hits", 0), 0u) << prefix.out;

  const auto usage = RunCommand({docket, "directory", "export", "--index", index});
  EXPECT_EQ(usage.exit_code, 2);
}

// A directory imported while `docket serve` runs is used by its next searches (the server
// reopens its read-only store at least every 2 s), without a restart.
TEST(DirectoryEndToEndTest, ImportReachesARunningServer) {
  testing::TempDir dir;
  const std::string docket = testing::DocketBinary().string();
  const std::string index = (dir.path() / "index").string();
  const auto sessions = dir.path() / "export" / "SQL01_Inst" / "2013" / "06" / "03";
  std::filesystem::create_directories(sessions);
  testing::WriteFileOrDie(sessions / "20130603091502877_1_p2p.eml", testing::SampleSession());
  ASSERT_EQ(
      0,
      RunCommand({docket, "ingest", "--index", index, (dir.path() / "export").string()}).exit_code);
  testing::ChildProcess server({docket, "serve", "--index", index, "--listen", "127.0.0.1:0"});
  const std::string line = server.ReadLine(30000);
  const size_t colon = line.rfind(':');
  ASSERT_NE(std::string::npos, colon) << line;
  const int port = std::stoi(line.substr(colon + 1));
  const auto rows = [port] {
    const auto reply = testing::HttpRequest(
        port, "GET", "/_api/search/query?querytext=%27participants:robert.brown@fabrikam.com%27",
        {{"Accept", "application/json;odata=nometadata"}});
    const size_t at = reply.body.find("\"TotalRows\":");
    return at == std::string::npos ? -1 : std::stoi(reply.body.substr(at + 12));
  };
  EXPECT_EQ(0, rows());
  const auto csv = dir.path() / "directory.csv";
  testing::WriteFileOrDie(csv,
                          "DisplayName,SmtpAddress,SipAddress\n"
                          "Robert Brown,robert.brown@fabrikam.com,sip:bob@contoso.com\n");
  ASSERT_EQ(0,
            RunCommand({docket, "directory", "import", "--index", index, csv.string()}).exit_code);
  int found = 0;
  for (int attempt = 0; attempt < 50 && found != 1; ++attempt) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    found = rows();
  }
  EXPECT_EQ(1, found);
}

}  // namespace
}  // namespace docket
