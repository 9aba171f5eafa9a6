// Tests for export/export_plan.h on a store written directly: a family's members and copies are
// the same whether planning reads the locations and the children index in one pass each (a plan
// over much of the store) or seeks them family by family (a small plan in a large store).
#include "export/export_plan.h"

#include "storage/doc_store.h"
#include "tests/support/test_env.h"

namespace docket {
namespace {

class ExportPlanTest : public ::testing::Test {
 protected:
  // `families` emails; every third was also found in Bob's mailbox and every fifth twice in
  // Carol's archive.
  void SetUp() override {
    auto store = DocStore::Open(dir_.path() / "store", {});
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(*store);
    WriteSet set;
    for (int i = 0; i < kFamilies; ++i) {
      Item item;
      item.id = store_->AllocateId();
      item.kind = ItemKind::kEmail;
      item.sha256 = "sha-" + std::to_string(1000 + i);
      item.ipath = "alice.pst!/inbox/" + std::to_string(i) + ".eml";
      item.custodian = "Alice";
      item.title = "message " + std::to_string(i);
      set.items.push_back(item);
      set.index_ids.push_back(item.id);
      set.natives.push_back({item.sha256, "native " + std::to_string(i)});
      ids_.push_back(item.id);
      if (i % 3 == 0) {
        set.locations.push_back({item.sha256, "bob.pst!/copy/" + std::to_string(i), "Bob"});
      }
      if (i % 5 == 0) {
        set.locations.push_back({item.sha256, "carol.zip!/a/" + std::to_string(i), "Carol"});
        set.locations.push_back({item.sha256, "carol.zip!/b/" + std::to_string(i), "Carol"});
      }
      if (i % 4 == 0) {  // an attachment: a document of the family
        Item attachment;
        attachment.id = store_->AllocateId();
        attachment.parent_id = item.id;
        attachment.kind = ItemKind::kAttachment;
        attachment.sha256 = "att-" + std::to_string(i);
        attachment.ipath = item.ipath + "!/attachment/1";
        attachment.custodian = "Alice";
        set.items.push_back(attachment);
        set.natives.push_back({attachment.sha256, "attachment " + std::to_string(i)});
      }
      if (i % 7 == 0) {  // conversation lines: never documents
        for (int line = 0; line < 3; ++line) {
          Item message;
          message.id = store_->AllocateId();
          message.parent_id = item.id;
          message.kind = ItemKind::kImMessage;
          message.ipath = item.ipath + "#" + std::to_string(line);
          set.items.push_back(message);
        }
      }
    }
    ASSERT_TRUE(store_->Write(set).ok());
    ASSERT_TRUE(store_->FlushMemtables().ok());  // estimates come from table files
  }

  // Three of planning's 256-item ranges: one read from the front, one from the back, and the one
  // where the two readers meet (ForEachChunk), so the plan's order must survive all three.
  static constexpr int kFamilies = 600;
  testing::TempDir dir_;
  std::unique_ptr<DocStore> store_;
  std::vector<ItemId> ids_;
};

// Where each planned family's documents came from: "custodian|path" per document.
std::vector<std::string> Places(const ExportPlan& plan) {
  std::vector<std::string> places;
  for (const PlannedDocument& document : plan.documents) {
    places.push_back(document.custodian + "|" + document.source_path);
  }
  return places;
}

// Documents per copy of family i: the email, and its attachment for every fourth.
size_t MembersOf(int i) { return i % 4 == 0 ? 2 : 1; }

TEST_F(ExportPlanTest, FamiliesAreTheSameFromOnePassOverTheStoreAsFromASeekPerFamily) {
  ExportOptions options;
  options.index_dir = dir_.path();
  options.query = "*";
  options.out = dir_.path() / "out.zip";
  options.dedupe = ExportDedupe::kNone;
  // Every family: far more families than locations per seek, so one pass.
  Result<ExportPlan> everything = PlanExport(options, ids_, {}, *store_);
  ASSERT_TRUE(everything.ok()) << everything.status().ToString();
  size_t expected_documents = 0;
  for (int i = 0; i < kFamilies; ++i) {
    expected_documents += (1 + (i % 3 == 0 ? 1 : 0) + (i % 5 == 0 ? 2 : 0)) * MembersOf(i);
  }
  ASSERT_EQ(everything->documents.size(), expected_documents);
  const std::vector<std::string> all_places = Places(*everything);
  ASSERT_GT(store_->EstimateLocationCount(), 100u);
  ASSERT_GT(store_->EstimateChildCount(), 100u);
  // One family at a time among hundreds of locations: seeks (planning reads them all in one pass
  // only when the plan has a family for every twenty or fewer). Each must plan exactly the
  // documents the whole plan gave that family.
  size_t at = 0;
  for (int i = 0; i < kFamilies; ++i) {
    Result<ExportPlan> one = PlanExport(options, {ids_[i]}, {}, *store_);
    ASSERT_TRUE(one.ok()) << one.status().ToString();
    const std::vector<std::string> places = Places(*one);
    const size_t documents = (1 + (i % 3 == 0 ? 1 : 0) + (i % 5 == 0 ? 2 : 0)) * MembersOf(i);
    ASSERT_EQ(places.size(), documents) << "family " << i;
    for (size_t d = 0; d < documents; ++d) {
      EXPECT_EQ(places[d], all_places[at + d]) << "family " << i;
    }
    EXPECT_EQ(places[0], "Alice|alice.pst!/inbox/" + std::to_string(i) + ".eml");
    if (MembersOf(i) == 2) {
      EXPECT_EQ(places[1], "Alice|alice.pst!/inbox/" + std::to_string(i) + ".eml!/attachment/1");
      EXPECT_EQ(one->documents[1].parent_doc_id, one->documents[0].doc_id);
    }
    at += documents;
  }
  // Dedupe withholds the same copies either way.
  options.dedupe = ExportDedupe::kGlobal;
  Result<ExportPlan> deduped = PlanExport(options, ids_, {}, *store_);
  ASSERT_TRUE(deduped.ok());
  EXPECT_EQ(deduped->documents.size(), static_cast<size_t>(kFamilies + (kFamilies + 3) / 4));
  EXPECT_EQ(deduped->duplicates.size(), static_cast<size_t>(kFamilies / 3 + 2 * (kFamilies / 5)));
  Result<ExportPlan> deduped_one = PlanExport(options, {ids_[15]}, {}, *store_);
  ASSERT_TRUE(deduped_one.ok());
  ASSERT_EQ(deduped_one->duplicates.size(), 3u);
  EXPECT_EQ(deduped_one->duplicates[0].custodian, "Bob");
  EXPECT_EQ(deduped_one->duplicates[1].source_path, "carol.zip!/a/15");
}

}  // namespace
}  // namespace docket
