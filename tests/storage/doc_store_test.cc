// Tests for storage/doc_store.h against a real RocksDB directory.
#include "storage/doc_store.h"

#include <rocksdb/db.h>

#include <functional>

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

// Opens the store at `path` with RocksDB itself, as an older build or a damaged disk would have
// left it, and calls fn(db, family) for the column family `name`.
void WithRawFamily(const std::filesystem::path& path, const std::string& name,
                   const std::function<void(rocksdb::DB&, rocksdb::ColumnFamilyHandle*)>& fn) {
  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  std::vector<std::string> names;
  ASSERT_TRUE(rocksdb::DB::ListColumnFamilies(rocksdb::DBOptions(), path.string(), &names).ok());
  for (const auto& family : names) {
    descriptors.emplace_back(family, rocksdb::ColumnFamilyOptions());
  }
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw = nullptr;
  ASSERT_TRUE(
      rocksdb::DB::Open(rocksdb::DBOptions(), path.string(), descriptors, &handles, &raw).ok());
  std::unique_ptr<rocksdb::DB> db(raw);
  bool found = false;
  for (auto* handle : handles) {
    if (handle->GetName() == name) {
      found = true;
      fn(*db, handle);
    }
    ASSERT_TRUE(db->DestroyColumnFamilyHandle(handle).ok());
  }
  ASSERT_TRUE(found) << name;
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
    WithRawFamily(path, "locations", [](rocksdb::DB& db, rocksdb::ColumnFamilyHandle* family) {
      ASSERT_TRUE(db.DropColumnFamily(family).ok());
    });
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
    const std::string key("\0\0\0\0\0\0\0\x07", 8);  // be64(7)
    const std::string value =
        R"({"id":7,"parent":0,"kind":4,"state":0,"reason":"","ipath":"old.zip!/a.eml",)"
        R"("name":"a.eml","type":"message/rfc822","size":12,"sha256":"bb","title":"old"})"
        "\nold body";
    WithRawFamily(path, "items", [&](rocksdb::DB& db, rocksdb::ColumnFamilyHandle* family) {
      ASSERT_TRUE(db.Put(rocksdb::WriteOptions(), family, key, value).ok());
    });
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

// An export plans with one Reader per thread: whatever order it asks in, it must read what the
// store's own lookups read, and nothing written after it was made.
TEST_F(DocStoreTest, ReaderReadsWhatTheStoreReadsInAnyOrder) {
  auto store = DocStore::Open(dir_.path() / "store", {});
  ASSERT_OK(store);
  DocStore& s = **store;
  std::vector<ItemId> ids;
  WriteSet set;
  for (int family = 0; family < 40; ++family) {
    const ItemId parent = s.AllocateId();
    Item head = MakeItem(parent, kNoItem, "family " + std::to_string(family));
    head.sha256 = "sha" + std::to_string(family);
    head.ipath = "box.zip!/" + std::to_string(family) + ".eml";
    head.custodian = "Alice";
    head.text = std::string(static_cast<size_t>(family) * 10, 'x');
    set.items.push_back(head);
    ids.push_back(parent);
    if (family % 3 == 0) {
      Item attachment = MakeItem(s.AllocateId(), parent, "deck.pptx");
      attachment.kind = ItemKind::kAttachment;
      set.items.push_back(attachment);
      ids.push_back(attachment.id);
      set.locations.push_back({head.sha256, "other.zip!/copy.eml", "Bob"});
    }
  }
  ASSERT_OK(s.Write(set));
  // Half of it flushed to a table file, the rest still in the memtable.
  ASSERT_OK(s.FlushMemtables());
  Item late = MakeItem(s.AllocateId(), kNoItem, "late");
  late.text = "late text";
  ASSERT_OK(s.Write({.items = {late}, .index_ids = {late.id}}));
  ids.push_back(late.id);

  std::unique_ptr<DocStore::Reader> reader = s.NewReader();
  // Written after the reader was made: it does not see it.
  const ItemId unseen = s.AllocateId();
  ASSERT_OK(s.Write({.items = {MakeItem(unseen, kNoItem, "unseen")}, .index_ids = {unseen}}));
  EXPECT_OK(s.GetItem(unseen));
  EXPECT_TRUE(reader->GetItem(unseen).status().IsNotFound());

  // Ascending (Next), with gaps, backwards and repeated (Seek).
  std::vector<ItemId> order = ids;
  order.insert(order.end(), ids.rbegin(), ids.rend());
  for (size_t i = 0; i < ids.size(); i += 3) {
    order.push_back(ids[i]);
    order.push_back(ids[i]);
  }
  for (ItemId id : order) {
    SCOPED_TRACE("item " + std::to_string(id));
    auto expected = s.GetItem(id);
    ASSERT_OK(expected);
    auto item = reader->GetItem(id);
    ASSERT_OK(item);
    EXPECT_EQ(item->title, expected->title);
    EXPECT_EQ(item->text, expected->text);
    auto short_only = reader->GetItem(id, 100);
    ASSERT_OK(short_only);
    EXPECT_EQ(short_only->text, expected->text.size() <= 100 ? expected->text : "");
    EXPECT_EQ(short_only->title, expected->title);
    auto children = reader->GetChildEntries(id);
    auto expected_children = s.GetChildEntries(id);
    ASSERT_OK(children);
    ASSERT_OK(expected_children);
    ASSERT_EQ(children->size(), expected_children->size());
    for (size_t c = 0; c < children->size(); ++c) {
      EXPECT_EQ((*children)[c].id, (*expected_children)[c].id);
      EXPECT_EQ((*children)[c].kind, (*expected_children)[c].kind);
    }
    if (!expected->sha256.empty()) {
      auto places = reader->GetLocations(expected->sha256);
      auto expected_places = s.GetLocations(expected->sha256);
      ASSERT_OK(places);
      ASSERT_OK(expected_places);
      ASSERT_EQ(places->size(), expected_places->size());
      for (size_t p = 0; p < places->size(); ++p) {
        EXPECT_EQ((*places)[p].ipath, (*expected_places)[p].ipath);
        EXPECT_EQ((*places)[p].custodian, (*expected_places)[p].custodian);
      }
    }
  }
  EXPECT_TRUE(reader->GetItem(0).status().IsNotFound());
  EXPECT_TRUE(reader->GetItem(ids.back() + 1000).status().IsNotFound());
  EXPECT_OK(reader->GetItem(ids.front()));  // after running off the end
}

// Ingest flushes the memtables when it ends, so a read-only open has no log to replay.
TEST_F(DocStoreTest, FlushedMemtablesLeaveNoLogToReplay) {
  const std::filesystem::path dir = dir_.path() / "store";
  {
    auto store = DocStore::Open(dir, {});
    ASSERT_OK(store);
    Item item = MakeItem((*store)->AllocateId(), kNoItem, "kept");
    ASSERT_OK(
        (*store)->Write({.items = {item}, .natives = {{"aa", "native"}}, .index_ids = {item.id}}));
    ASSERT_OK((*store)->Sync());
    ASSERT_OK((*store)->FlushMemtables());
    uintmax_t log_bytes = 0;
    for (const auto& entry : std::filesystem::directory_iterator(dir)) {
      if (entry.path().extension() == ".log") {
        log_bytes += entry.file_size();
      }
    }
    EXPECT_EQ(log_bytes, 0u);
  }
  DocStoreOptions read_only;
  read_only.read_only = true;
  auto reopened = DocStore::Open(dir, read_only);
  ASSERT_OK(reopened);
  auto item = (*reopened)->GetItem(1);
  ASSERT_OK(item);
  EXPECT_EQ(item->title, "kept");
  EXPECT_EQ(*(*reopened)->GetNative("aa"), "native");
  EXPECT_OK((*reopened)->FlushMemtables());  // a no-op when read-only
}

// Stored headers are decoded by simdjson: members of unexpected types, unknown members, escapes
// and numbers of every JSON kind read as the JSON says; a header that is not JSON is Corruption,
// never a crash or a half item.
TEST_F(DocStoreTest, ItemHeadersDecodeToleratingOddMembersAndRejectingBrokenJson) {
  const auto path = dir_.path() / "store";
  {
    auto store = DocStore::Open(path, {});
    ASSERT_OK(store);
  }
  const std::vector<std::pair<uint8_t, std::string>> values = {
      {1, R"({"id":1,"kind":3,"title":"caf\u00e9 \"q\" \\ 合同","to":["a@x","b@x",7,null,)"
          R"(["nested"]],"future":{"x":[1,2]},"sent":-1500,"size":1.5e3,"messages":4,)"
          R"("md5":null,"custodians":"not a list","sha256":12})"
          "\nbody"},
      {2, R"({"id":2,"title":"unterminated)"},
      {3, R"(["id",3])"},
      {4, R"({"id":4,"to":["a",}])"},
      {5, R"({"id":5,"title":"old layout","text":"text in the header"})"},
  };
  WithRawFamily(path, "items", [&](rocksdb::DB& db, rocksdb::ColumnFamilyHandle* family) {
    for (const auto& [id, value] : values) {
      std::string key(7, '\0');
      key.push_back(static_cast<char>(id));
      ASSERT_TRUE(db.Put(rocksdb::WriteOptions(), family, key, value).ok());
    }
  });
  auto store = DocStore::Open(path, {.create_if_missing = false, .read_only = true});
  ASSERT_OK(store);
  auto odd = (*store)->GetItem(1);
  ASSERT_OK(odd);
  EXPECT_EQ(odd->kind, static_cast<ItemKind>(3));
  EXPECT_EQ(odd->title, "café \"q\" \\ 合同");
  EXPECT_EQ(odd->to, (std::vector<std::string>{"a@x", "b@x"}));
  EXPECT_EQ(odd->sent, -1500);
  EXPECT_EQ(odd->size, 1500u);
  EXPECT_EQ(odd->message_count, 4u);
  EXPECT_EQ(odd->md5, "");
  EXPECT_TRUE(odd->custodians.empty());
  EXPECT_EQ(odd->sha256, "");
  EXPECT_EQ(odd->text, "body");
  for (ItemId broken : {2, 3, 4}) {
    EXPECT_TRUE((*store)->GetItem(broken).status().code() == StatusCode::kCorruption) << broken;
  }
  auto old = (*store)->GetItem(5);
  ASSERT_OK(old);
  EXPECT_EQ(old->text, "text in the header");
  // The reader decodes the same way.
  auto reader = (*store)->NewReader();
  auto read = reader->GetItem(1);
  ASSERT_OK(read);
  EXPECT_EQ(read->title, odd->title);
  EXPECT_TRUE(reader->GetItem(3).status().code() == StatusCode::kCorruption);
}

}  // namespace
}  // namespace docket
