// Tests for export/staging.h: a staged file holds exactly what was streamed into it, and the
// digest it reports is the file's SHA-256 as sha256sum computes it; a file that cannot be
// written is an error naming it, never a digest.
#include "export/staging.h"

#include <gtest/gtest.h>
#include <sys/resource.h>

#include <csignal>
#include <string>

#include "tests/support/subprocess.h"
#include "tests/support/test_env.h"

namespace docket {
namespace {

using ::docket::testing::CommandResult;
using ::docket::testing::ReadFileOrDie;
using ::docket::testing::RunCommand;
using ::docket::testing::TempDir;

TEST(StagingTest, DigestIsTheSha256OfTheFileAsWritten) {
  TempDir dir;
  Staging staging(dir.path() / "staging");
  ASSERT_TRUE(staging.Create().ok());
  Result<std::ostream*> stream = staging.Open("manifest.xml");
  ASSERT_TRUE(stream.ok()) << stream.status().ToString();
  std::string expected;
  // Single characters, short lines and a block larger than the buffer, in turns, so writes
  // end exactly at, just before and across the buffer's end.
  const std::string big(3 * 1024 * 1024 + 17, 'x');
  for (int round = 0; round < 3; ++round) {
    **stream << 'a';
    expected += 'a';
    const std::string line = "<Tag TagName=\"#Subject\" TagValue=\"合同审查 مراجعة\"/>\n";
    **stream << line;
    expected += line;
    stream.value()->write(big.data(), static_cast<std::streamsize>(big.size()));
    expected += big;
  }
  Result<StagedFileDigest> digest = staging.Close("manifest.xml");
  ASSERT_TRUE(digest.ok()) << digest.status().ToString();
  const std::filesystem::path path = staging.PathOf("manifest.xml");
  EXPECT_EQ(ReadFileOrDie(path), expected);
  EXPECT_EQ(digest->size, expected.size());
  const CommandResult sum = RunCommand({"sha256sum", path.string()});
  ASSERT_EQ(sum.exit_code, 0) << sum.err;
  EXPECT_EQ(digest->sha256, sum.out.substr(0, 64));
}

TEST(StagingTest, AnEmptyFileHasTheDigestOfNothing) {
  TempDir dir;
  Staging staging(dir.path() / "staging");
  ASSERT_TRUE(staging.Create().ok());
  ASSERT_TRUE(staging.Open("Duplicates.csv").ok());
  Result<StagedFileDigest> digest = staging.Close("Duplicates.csv");
  ASSERT_TRUE(digest.ok());
  EXPECT_EQ(digest->size, 0u);
  EXPECT_EQ(digest->sha256, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(StagingTest, TheFolderIsRemovedWithTheStaging) {
  TempDir dir;
  const std::filesystem::path folder = dir.path() / "out.zip.staging";
  {
    Staging staging(folder);
    ASSERT_TRUE(staging.Create().ok());
    Result<std::ostream*> stream = staging.Open("loadfile.dat");
    ASSERT_TRUE(stream.ok());
    **stream << "line\n";  // left open: destruction must still clean up
    EXPECT_TRUE(std::filesystem::exists(folder / "loadfile.dat"));
  }
  EXPECT_FALSE(std::filesystem::exists(folder));
}

TEST(StagingTest, AFileThatCannotBeWrittenIsAnErrorNamingIt) {
  TempDir dir;
  Staging staging(dir.path() / "staging");
  ASSERT_TRUE(staging.Create().ok());
  Result<std::ostream*> stream = staging.Open("Results.csv");
  ASSERT_TRUE(stream.ok());
  // A file size limit makes write() fail with EFBIG, as a full disk fails it with ENOSPC.
  rlimit saved{};
  ASSERT_EQ(getrlimit(RLIMIT_FSIZE, &saved), 0);
  const auto previous = std::signal(SIGXFSZ, SIG_IGN);
  rlimit limited = saved;
  limited.rlim_cur = 4096;
  ASSERT_EQ(setrlimit(RLIMIT_FSIZE, &limited), 0);
  const std::string block(2 * 1024 * 1024, 'r');
  stream.value()->write(block.data(), static_cast<std::streamsize>(block.size()));
  Result<StagedFileDigest> digest = staging.Close("Results.csv");
  setrlimit(RLIMIT_FSIZE, &saved);
  std::signal(SIGXFSZ, previous);
  ASSERT_FALSE(digest.ok());
  EXPECT_EQ(digest.status().code(), StatusCode::kIOError);
  EXPECT_NE(digest.status().message().find("Results.csv"), std::string::npos)
      << digest.status().ToString();
}

TEST(StagingTest, ClosingAFileNeverOpenedIsAnError) {
  TempDir dir;
  Staging staging(dir.path() / "staging");
  ASSERT_TRUE(staging.Create().ok());
  EXPECT_FALSE(staging.Close("manifest.xml").ok());
}

}  // namespace
}  // namespace docket
