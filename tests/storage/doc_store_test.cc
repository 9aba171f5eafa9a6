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

TEST_F(DocStoreTest, ListsChildrenWithTheirKindsAndReadsTextAlone) {
  auto store = DocStore::Open(dir_.path() / "store", {});
  ASSERT_OK(store);
  DocStore& s = **store;
  const ItemId parent = s.AllocateId();
  const ItemId line = s.AllocateId();
  const ItemId upload = s.AllocateId();
  Item attachment = MakeItem(upload, parent, "deck.pptx");
  attachment.kind = ItemKind::kAttachment;
  Item head = MakeItem(parent, kNoItem, "meeting");
  head.text = "line one\nline two: 合同";
  WriteSet set;
  set.items = {head, MakeItem(line, parent, "line"), attachment};
  ASSERT_OK(s.Write(set));
  auto children = s.GetChildEntries(parent);
  ASSERT_OK(children);
  ASSERT_EQ(children->size(), 2u);
  EXPECT_EQ((*children)[0].id, line);
  EXPECT_EQ((*children)[0].kind, ItemKind::kImMessage);
  EXPECT_EQ((*children)[1].id, upload);
  EXPECT_EQ((*children)[1].kind, ItemKind::kAttachment);
  auto text = s.GetItemText(parent);
  ASSERT_OK(text);
  EXPECT_EQ(*text, "line one\nline two: 合同");
  EXPECT_TRUE(s.GetItemText(999).status().IsNotFound());
}

// Searchers reopen their read-only store only when DiskState changes, so every write a
// reader could see must change it, and nothing else may.
TEST_F(DocStoreTest, DiskStateChangesWithEveryDurableWriteAndOnlyThen) {
  const std::filesystem::path dir = dir_.path() / "store";
  EXPECT_EQ("", DocStore::DiskState(dir));  // no directory yet
  auto store = DocStore::Open(dir, {});
  ASSERT_OK(store);
  DocStore& s = **store;
  const std::string empty = DocStore::DiskState(dir);
  EXPECT_NE("", empty);
  EXPECT_EQ(empty, DocStore::DiskState(dir));

  WriteSet set;
  set.items = {MakeItem(s.AllocateId(), kNoItem, "one")};
  ASSERT_OK(s.Write(set));
  ASSERT_OK(s.Sync());
  const std::string one = DocStore::DiskState(dir);
  EXPECT_NE(empty, one);
  // Reading does not change it.
  auto reader = DocStore::Open(dir, {.create_if_missing = false, .read_only = true});
  ASSERT_OK(reader);
  ASSERT_OK((*reader)->GetItem(set.items[0].id));
  EXPECT_EQ(one, DocStore::DiskState(dir));

  // An identity import writes the store alone (no search index change).
  ASSERT_OK(s.PutIdentities({{"alice", "record"}}));
  EXPECT_NE(one, DocStore::DiskState(dir));
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

TEST_F(DocStoreTest, KeepsTheMd5AndSha1OfANative) {
  auto store = DocStore::Open(dir_.path() / "store", {});
  ASSERT_OK(store);
  const ItemId id = (*store)->AllocateId();
  Item item = MakeItem(id, kNoItem, "hashed");
  item.md5 = "9e107d9d372bb6826bd81d3542a419d6";
  item.sha1 = "2fd4e1c67a2d28fced849ee1bb76e7391b93eb12";
  const ItemId line = (*store)->AllocateId();
  ASSERT_OK((*store)->Write({.items = {item, MakeItem(line, id, "no native")}, .index_ids = {id}}));
  auto stored = (*store)->GetItem(id);
  ASSERT_OK(stored);
  EXPECT_EQ(stored->md5, "9e107d9d372bb6826bd81d3542a419d6");
  EXPECT_EQ(stored->sha1, "2fd4e1c67a2d28fced849ee1bb76e7391b93eb12");
  EXPECT_EQ(stored->sha256, "aa");
  auto child = (*store)->GetItem(line);
  ASSERT_OK(child);
  EXPECT_EQ(child->md5, "");
  EXPECT_EQ(child->sha1, "");
}

// Items stored before MD5 and SHA-1 were kept load with both empty (export hashes the native).
TEST_F(DocStoreTest, AnItemStoredWithoutMd5AndSha1LoadsWithThemEmpty) {
  const auto path = dir_.path() / "store";
  {
    auto store = DocStore::Open(path, {});
    ASSERT_OK(store);
  }
  {
    // The value exactly as the build before this change wrote it: JSON header, newline, text.
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
    const std::string key("\0\0\0\0\0\0\0\x07", 8);  // be64(7)
    const std::string value =
        R"({"id":7,"parent":0,"kind":4,"state":0,"reason":"","ipath":"old.zip!/a.eml",)"
        R"("name":"a.eml","type":"message/rfc822","size":12,"sha256":"bb","title":"old"})"
        "\nold body";
    bool written = false;
    for (auto* handle : handles) {
      if (handle->GetName() == "items") {
        ASSERT_TRUE(db->Put(rocksdb::WriteOptions(), handle, key, value).ok());
        written = true;
      }
      ASSERT_TRUE(db->DestroyColumnFamilyHandle(handle).ok());
    }
    ASSERT_TRUE(written);
  }
  auto store = DocStore::Open(path, {.create_if_missing = false, .read_only = true});
  ASSERT_OK(store);
  auto item = (*store)->GetItem(7);
  ASSERT_OK(item);
  EXPECT_EQ(item->title, "old");
  EXPECT_EQ(item->sha256, "bb");
  EXPECT_EQ(item->text, "old body");
  EXPECT_EQ(item->md5, "");
  EXPECT_EQ(item->sha1, "");
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
