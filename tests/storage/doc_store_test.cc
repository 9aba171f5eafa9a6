// Tests for storage/doc_store.h against a real RocksDB directory.
#include "storage/doc_store.h"

#include <rocksdb/db.h>

#include "tests/support/test_env.h"

namespace docket {
namespace {

class DocStoreTest : public ::testing::Test {
 protected:
  testing::TempDir dir_;
};

Item MakeItem(ItemId id, ItemId parent, std::string title) {
  Item item;
  item.id = id;
  item.parent_id = parent;
  item.kind = parent == kNoItem ? ItemKind::kImConversation : ItemKind::kImMessage;
  item.title = std::move(title);
  item.to = {"bob@contoso.com"};
  item.sent = 1370250902000;
  item.sha256 = parent == kNoItem ? "aa" : "";
  return item;
}

TEST_F(DocStoreTest, WritesFamiliesAtomicallyAndReadsThemBack) {
  auto store = DocStore::Open(dir_.path() / "store", {});
  ASSERT_OK(store);
  DocStore& s = **store;
  const ItemId parent = s.AllocateId();
  const ItemId child = s.AllocateId();
  EXPECT_NE(parent, kNoItem);
  WriteSet set;
  set.items = {MakeItem(parent, kNoItem, "会议 review"), MakeItem(child, parent, "line")};
  set.natives = {{"aa", "native bytes"}};
  set.index_ids = {parent};
  auto seq = s.Write(set);
  ASSERT_OK(seq);
  EXPECT_EQ(*seq, 1u);

  auto item = s.GetItem(parent);
  ASSERT_OK(item);
  EXPECT_EQ(item->title, "会议 review");
  EXPECT_EQ(item->to, std::vector<std::string>{"bob@contoso.com"});
  EXPECT_EQ(item->sent, 1370250902000);
  auto children = s.GetChildren(parent);
  ASSERT_OK(children);
  EXPECT_EQ(*children, std::vector<ItemId>{child});
  auto native = s.GetNative("aa");
  ASSERT_OK(native);
  EXPECT_EQ(*native, "native bytes");
  auto dup = s.FindByContent("aa");
  ASSERT_OK(dup);
  EXPECT_EQ(*dup, parent);
  EXPECT_TRUE(s.GetItem(999).status().IsNotFound());
}

TEST_F(DocStoreTest, SequencesAndIdsSurviveReopen) {
  ItemId first = 0;
  {
    auto store = DocStore::Open(dir_.path() / "store", {});
    ASSERT_OK(store);
    first = (*store)->AllocateId();
    WriteSet set;
    set.items = {MakeItem(first, kNoItem, "one")};
    set.index_ids = {first};
    ASSERT_OK((*store)->Write(set));
  }
  auto store = DocStore::Open(dir_.path() / "store", {});
  ASSERT_OK(store);
  EXPECT_EQ((*store)->last_sequence(), 1u);
  EXPECT_GT((*store)->AllocateId(), first);
  std::vector<uint64_t> seqs;
  ASSERT_OK((*store)->ForEachLogRecord(0, [&](uint64_t seq, const std::vector<ItemId>& ids) {
    seqs.push_back(seq);
    EXPECT_EQ(ids, std::vector<ItemId>{first});
    return Status::OK();
  }));
  EXPECT_EQ(seqs, std::vector<uint64_t>{1});
}

TEST_F(DocStoreTest, KeepsEveryLocationOfANativeOnce) {
  auto store = DocStore::Open(dir_.path() / "store", {});
  ASSERT_OK(store);
  const ItemId id = (*store)->AllocateId();
  Item item = MakeItem(id, kNoItem, "one");
  item.ipath = "a.zip!/x.eml";
  item.custodian = "Alice";
  ASSERT_OK((*store)->Write({.items = {item}, .index_ids = {id}}));
  // A duplicate found elsewhere, and the same place recorded twice.
  const Location elsewhere{"aa", "b.zip!/copy/x.eml", "Bob"};
  ASSERT_OK((*store)->Write({.locations = {elsewhere, elsewhere}}));
  auto locations = (*store)->GetLocations("aa");
  ASSERT_OK(locations);
  ASSERT_EQ(locations->size(), 2u);
  EXPECT_EQ((*locations)[0].ipath, "a.zip!/x.eml");
  EXPECT_EQ((*locations)[0].custodian, "Alice");
  EXPECT_EQ((*locations)[1].ipath, "b.zip!/copy/x.eml");
  EXPECT_EQ((*locations)[1].custodian, "Bob");
  EXPECT_TRUE((*store)->GetLocations("bb")->empty());
}

TEST_F(DocStoreTest, ReadOnlyOpenToleratesAStoreFromBeforeTheLocationsFamily) {
  const auto path = dir_.path() / "store";
  {
    auto store = DocStore::Open(path, {});
    ASSERT_OK(store);
    const ItemId id = (*store)->AllocateId();
    ASSERT_OK((*store)->Write({.items = {MakeItem(id, kNoItem, "old")}, .index_ids = {id}}));
  }
  {
    // Make the store look like one written by an older build.
    std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
    std::vector<std::string> names;
    ASSERT_TRUE(rocksdb::DB::ListColumnFamilies(rocksdb::DBOptions(), path.string(), &names).ok());
    for (const auto& name : names) {
      descriptors.emplace_back(name, rocksdb::ColumnFamilyOptions());
    }
    std::vector<rocksdb::ColumnFamilyHandle*> handles;
    rocksdb::DB* raw = nullptr;
    ASSERT_TRUE(
        rocksdb::DB::Open(rocksdb::DBOptions(), path.string(), descriptors, &handles, &raw).ok());
    std::unique_ptr<rocksdb::DB> db(raw);
    for (auto* handle : handles) {
      if (handle->GetName() == "locations") {
        ASSERT_TRUE(db->DropColumnFamily(handle).ok());
      }
      ASSERT_TRUE(db->DestroyColumnFamilyHandle(handle).ok());
    }
  }
  auto store = DocStore::Open(path, {.create_if_missing = false, .read_only = true});
  ASSERT_OK(store);
  EXPECT_EQ((*store)->GetItem(1)->title, "old");
  auto locations = (*store)->GetLocations("aa");
  ASSERT_OK(locations);
  EXPECT_TRUE(locations->empty());
}

TEST_F(DocStoreTest, ReadOnlyOpenOfAMissingStoreIsNotFound) {
  auto store =
      DocStore::Open(dir_.path() / "nothing", {.create_if_missing = false, .read_only = true});
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.error().code(), StatusCode::kNotFound);
  EXPECT_NE(store.error().message().find("docket ingest"), std::string::npos);
}

}  // namespace
}  // namespace docket
