/** @file
 *  @brief `docket directory import` and `docket search` through the real binary: an SMTP
 *  address finds an IM recorded under another SIP URI once the directory joins the two.
 */
#include <gtest/gtest.h>

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

}  // namespace
}  // namespace docket
