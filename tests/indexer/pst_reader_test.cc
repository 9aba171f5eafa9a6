/** @file
 *  @brief PstReader on files that are not PSTs or are damaged: a value, never a crash.
 *
 *  A readable PST fixture needs a PST writer (data/pst_writer.py, not written yet); until then
 *  these tests pin the failure paths.
 */
#include "indexer/pst_reader.h"

#include <gtest/gtest.h>

#include "tests/support/test_env.h"

namespace docket {
namespace {

using std::string_literals::operator""s;
using testing::TempDir;
using testing::WriteFileOrDie;

TEST(PstReaderTest, LooksLikePst) {
  EXPECT_TRUE(LooksLikePst("!BDN\x01\x02"s));
  EXPECT_FALSE(LooksLikePst("!BD"));
  EXPECT_FALSE(LooksLikePst("From: a@x.com\r\n"));
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
