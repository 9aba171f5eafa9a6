/** @file
 *  @brief The unindexed list: every item not fully indexed, its reason, size and source file.
 */
#include "indexer/unindexed_log.h"

#include <sstream>

#include "indexer/ingest_pipeline.h"
#include "storage/commit_coordinator.h"
#include "tests/support/archive_builder.h"
#include "tests/support/lync_fixtures.h"
#include "tests/support/test_env.h"

namespace docket {
namespace {

TEST(UnindexedLogTest, ListsEachItemWithItsSourceFileAsCsv) {
  testing::TempDir dir;
  auto coordinator = CommitCoordinator::Open(dir.path() / "index", {});
  ASSERT_OK(coordinator);
  // An archive holding a readable session, a nested archive with an unreadable file, and a
  // loose file, ingested as one folder.
  const std::string inner = testing::BuildArchive(
      testing::ArchiveFormat::kZip, {{"deep/blob.bin", std::string("\x00\x01\x02", 3)}});
  const auto folder = dir.path() / "custodian, A";
  testing::WriteFileOrDie(
      folder / "export.zip",
      testing::BuildArchive(
          testing::ArchiveFormat::kZip,
          {{"s/20130603091502877_1_p2p.eml", testing::SampleSession()}, {"n/inner.zip", inner}}));
  testing::WriteFileOrDie(folder / "loose.bin", std::string("\x7f\x00\x01", 3));
  IngestPipeline pipeline(**coordinator, {});
  ASSERT_OK(pipeline.IngestPath(folder));
  ASSERT_OK(pipeline.Finish());

  std::vector<UnindexedEntry> entries;
  ASSERT_OK(ForEachUnindexed((*coordinator)->store(),
                             [&](const UnindexedEntry& e) { entries.push_back(e); }));
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[0].item.ipath, "custodian, A/export.zip!/n/inner.zip!/deep/blob.bin");
  EXPECT_EQ(entries[0].source, (folder / "export.zip").string());
  EXPECT_EQ(entries[1].item.ipath, "custodian, A/loose.bin");
  EXPECT_EQ(entries[1].source, (folder / "loose.bin").string());

  std::ostringstream csv;
  WriteUnindexedCsvHeader(csv);
  WriteUnindexedCsvRow(csv, entries[1]);
  EXPECT_EQ(csv.str(), "state,id,source,ipath,size,reason\r\nunindexed," +
                           std::to_string(entries[1].item.id) + ",\"" +
                           (folder / "loose.bin").string() +
                           "\",\"custodian, A/loose.bin\",3,no text extractor for this file type "
                           "(application/octet-stream)\r\n");
}

}  // namespace
}  // namespace docket
