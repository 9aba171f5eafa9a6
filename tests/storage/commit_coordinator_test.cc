// Tests for storage/commit_coordinator.h: RocksDB first, Xapian second, replay on open.
#include "storage/commit_coordinator.h"

#include <xapian.h>

#include "storage/index_schema.h"
#include "storage/search_index.h"
#include "tests/support/test_env.h"

namespace docket {
namespace {

Item Conversation(ItemId id, std::string text) {
  Item item;
  item.id = id;
  item.kind = ItemKind::kImConversation;
  item.title = "Conversation between alice@contoso.com and bob@contoso.com";
  item.from = "alice@contoso.com";
  item.to = {"bob@contoso.com"};
  item.text = std::move(text);
  item.file_name = "20130603091502877_1_p2p.eml";
  return item;
}

Xapian::doccount CountMatches(const std::filesystem::path& xapian_dir, const std::string& term) {
  Xapian::Database db(xapian_dir.string());
  Xapian::Enquire enquire(db);
  enquire.set_query(Xapian::Query(term));
  return enquire.get_mset(0, 100).size();
}

TEST(CommitCoordinatorTest, WritesAreSearchableAfterFlush) {
  testing::TempDir dir;
  auto coordinator = CommitCoordinator::Open(dir.path(), {});
  ASSERT_OK(coordinator);
  DocStore& store = (*coordinator)->store();
  const ItemId id = store.AllocateId();
  ASSERT_OK((*coordinator)
                ->Write({.items = {Conversation(id, "合約審查 next Friday")}, .index_ids = {id}}));
  ASSERT_OK((*coordinator)->Flush());
  const IndexLayout layout(dir.path());
  EXPECT_EQ(CountMatches(layout.xapian(), "审"), 1u);
  EXPECT_EQ(CountMatches(layout.xapian(), "friday"), 1u);
  EXPECT_EQ(CountMatches(layout.xapian(), "XFROMalice"), 1u);
  EXPECT_EQ(CountMatches(layout.xapian(), "XPARTbob@contoso.com"), 1u);
  EXPECT_EQ(CountMatches(layout.xapian(), "XKINDim"), 1u);
  Xapian::Database db(layout.xapian().string());
  EXPECT_EQ(db.get_metadata(std::string(schema::kMetaAppliedSeq)), "1");
}

TEST(CommitCoordinatorTest, ReplaysTheLogAfterACrashBeforeTheIndexCommit) {
  testing::TempDir dir;
  const IndexLayout layout(dir.path());
  ItemId first = 0;
  ItemId second = 0;
  {
    // Simulate a crash between step 1 and step 2: the store has two writes, Xapian one.
    auto coordinator = CommitCoordinator::Open(dir.path(), {});
    ASSERT_OK(coordinator);
    first = (*coordinator)->store().AllocateId();
    ASSERT_OK(
        (*coordinator)->Write({.items = {Conversation(first, "alpha")}, .index_ids = {first}}));
    ASSERT_OK((*coordinator)->Flush());
  }
  {
    auto store = DocStore::Open(layout.store(), {});
    ASSERT_OK(store);
    second = (*store)->AllocateId();
    ASSERT_OK((*store)->Write({.items = {Conversation(second, "bravo")}, .index_ids = {second}}));
  }
  EXPECT_EQ(CountMatches(layout.xapian(), "bravo"), 0u);

  auto reopened = CommitCoordinator::Open(dir.path(), {});
  ASSERT_OK(reopened);
  EXPECT_EQ((*reopened)->replayed_on_open(), 1u);
  EXPECT_EQ(CountMatches(layout.xapian(), "bravo"), 1u);
  EXPECT_EQ(CountMatches(layout.xapian(), "alpha"), 1u);
  reopened->reset();

  // Replaying again is a no-op: documents are replaced by their unique id term.
  auto again = CommitCoordinator::Open(dir.path(), {});
  ASSERT_OK(again);
  EXPECT_EQ((*again)->replayed_on_open(), 0u);
  Xapian::Database db(layout.xapian().string());
  EXPECT_EQ(db.get_doccount(), 2u);
}

TEST(CommitCoordinatorTest, MessagesAndHealthyContainersGetNoDocumentOfTheirOwn) {
  Item message;
  message.kind = ItemKind::kImMessage;
  EXPECT_FALSE(IsSearchable(message));
  Item archive;
  archive.kind = ItemKind::kContainer;
  EXPECT_FALSE(IsSearchable(archive));
  archive.state = IndexState::kUnindexed;
  EXPECT_TRUE(IsSearchable(archive));
}

}  // namespace
}  // namespace docket
