// Tests for storage/index_compaction.h: the same index, smaller, readable throughout, writable
// after, locked against a running ingest, and recovered after a crash between the renames.
#include "storage/index_compaction.h"

#include <xapian.h>

#include <set>
#include <string>

#include "query/searcher.h"
#include "storage/commit_coordinator.h"
#include "storage/index_schema.h"
#include "tests/support/test_env.h"

namespace docket {
namespace {

namespace fs = std::filesystem;

constexpr int kItems = 3000;

// kItems items in a new index; item n says "word<n % 50>" and "common".
void Fill(const fs::path& dir) {
  auto coordinator = CommitCoordinator::Open(dir, {});
  ASSERT_OK(coordinator);
  for (int batch = 0; batch < 3; ++batch) {
    WriteSet set;
    for (int n = batch * kItems / 3; n < (batch + 1) * kItems / 3; ++n) {
      Item item;
      item.id = (*coordinator)->store().AllocateId();
      item.kind = n % 2 == 0 ? ItemKind::kEmail : ItemKind::kImConversation;
      item.title = "item " + std::to_string(n);
      item.text =
          "common word" + std::to_string(n % 50) + " and some filler text " + std::to_string(n);
      item.sent = UtcFromCivil(2013, 1, 1) + n * 3'600'000LL;
      item.sha256 = "sha" + std::to_string(n);
      set.items.push_back(std::move(item));
      set.index_ids.push_back(set.items.back().id);
    }
    ASSERT_OK((*coordinator)->Write(set));
    ASSERT_OK((*coordinator)->Flush());
  }
}

// The ids a query matches and its total, through a searcher.
std::pair<std::set<ItemId>, uint64_t> Answer(Searcher& searcher, const std::string& kql) {
  SearchRequest request;
  request.query_text = kql;
  Result<std::vector<ItemId>> ids = searcher.MatchingIds(request);
  EXPECT_OK(ids);
  Result<SearchResult> page = searcher.Search(request);
  EXPECT_OK(page);
  return {std::set<ItemId>(ids->begin(), ids->end()), page->total_rows};
}

std::string Metadata(const fs::path& shard, std::string_view key) {
  return Xapian::Database(shard.string()).get_metadata(std::string(key));
}

TEST(IndexCompactionTest, SameAnswersFromASmallerIndexReadableThroughoutAndWritableAfter) {
  testing::TempDir dir;
  Fill(dir.path());
  const IndexLayout layout(dir.path());
  const std::string applied = Metadata(layout.xapian_shard(0), schema::kMetaAppliedSeq);
  ASSERT_FALSE(applied.empty());
  const std::vector<std::string> queries = {"common",
                                            "word7",
                                            "\"filler text\"",
                                            "word7 OR word8",
                                            "sent>=2013-02-01 AND sent<2013-02-15",
                                            "kind:im AND word3"};
  auto searcher = Searcher::Open(dir.path());
  ASSERT_OK(searcher);
  std::vector<std::pair<std::set<ItemId>, uint64_t>> before;
  for (const std::string& q : queries) {
    before.push_back(Answer(**searcher, q));
  }
  ASSERT_EQ(before[0].second, static_cast<uint64_t>(kItems));

  Result<CompactionReport> report = CompactIndex(dir.path());
  ASSERT_OK(report);
  EXPECT_EQ(report->shards, 2u);
  EXPECT_LT(report->bytes_after, report->bytes_before);
  for (uint32_t i = 0; i < 2; ++i) {
    EXPECT_TRUE(fs::exists(layout.xapian_shard(i)));
    EXPECT_FALSE(fs::exists(layout.xapian_shard(i).string() + ".old"));
    EXPECT_FALSE(fs::exists(layout.xapian_shard(i).string() + ".compact"));
    EXPECT_EQ(Metadata(layout.xapian_shard(i), schema::kMetaAppliedSeq), applied);
    EXPECT_EQ(Metadata(layout.xapian_shard(i), schema::kMetaDateTerms), "1");
  }
  // The searcher that was open while the shards were swapped, and a new one, answer the same.
  auto fresh = Searcher::Open(dir.path());
  ASSERT_OK(fresh);
  for (size_t q = 0; q < queries.size(); ++q) {
    EXPECT_EQ(Answer(**searcher, queries[q]), before[q]) << queries[q] << " (open searcher)";
    EXPECT_EQ(Answer(**fresh, queries[q]), before[q]) << queries[q] << " (new searcher)";
  }
  // An ingest afterwards adds to the compacted index; nothing is replayed twice or lost.
  {
    auto coordinator = CommitCoordinator::Open(dir.path(), {});
    ASSERT_OK(coordinator);
    Item item;
    item.id = (*coordinator)->store().AllocateId();
    item.kind = ItemKind::kEmail;
    item.title = "late arrival";
    item.text = "common zebra";
    ASSERT_OK((*coordinator)->Write({.items = {item}, .index_ids = {item.id}}));
    ASSERT_OK((*coordinator)->Flush());
  }
  EXPECT_EQ(Answer(**searcher, "zebra").second, 1u);
  EXPECT_EQ(Answer(**searcher, "common").second, static_cast<uint64_t>(kItems + 1));
}

TEST(IndexCompactionTest, RefusesWhileAnIngestWritesAndWithoutAnIndex) {
  testing::TempDir dir;
  Result<CompactionReport> none = CompactIndex(dir.path());
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.error().code(), StatusCode::kNotFound);

  Fill(dir.path());
  auto coordinator = CommitCoordinator::Open(dir.path(), {});
  ASSERT_OK(coordinator);
  Result<CompactionReport> busy = CompactIndex(dir.path());
  ASSERT_FALSE(busy.ok());
  EXPECT_NE(busy.error().message().find("being written by an ingest"), std::string::npos)
      << busy.error().message();
  coordinator->reset();
  EXPECT_OK(CompactIndex(dir.path()));
}

// A crash between "shard-N -> shard-N.old" and "shard-N.compact -> shard-N" leaves no shard-N;
// opening the index for the next ingest (or compacting again) puts the complete copy in place.
TEST(IndexCompactionTest, ACrashBetweenTheRenamesIsRecoveredOnOpen) {
  testing::TempDir dir;
  Fill(dir.path());
  const IndexLayout layout(dir.path());
  const fs::path shard = layout.xapian_shard(1);
  fs::copy(shard, shard.string() + ".compact", fs::copy_options::recursive);
  fs::rename(shard, shard.string() + ".old");
  {
    auto coordinator = CommitCoordinator::Open(dir.path(), {});
    ASSERT_OK(coordinator);
  }
  EXPECT_TRUE(fs::exists(shard));
  EXPECT_FALSE(fs::exists(shard.string() + ".old"));
  EXPECT_FALSE(fs::exists(shard.string() + ".compact"));
  auto searcher = Searcher::Open(dir.path());
  ASSERT_OK(searcher);
  EXPECT_EQ(Answer(**searcher, "common").second, static_cast<uint64_t>(kItems));

  // A compaction that died before its renames leaves a partial .compact: removed, not used.
  fs::create_directories(shard.string() + ".compact");
  ASSERT_OK(RecoverInterruptedCompaction(layout));
  EXPECT_FALSE(fs::exists(shard.string() + ".compact"));
  EXPECT_EQ(Answer(**searcher, "common").second, static_cast<uint64_t>(kItems));
}

}  // namespace
}  // namespace docket
