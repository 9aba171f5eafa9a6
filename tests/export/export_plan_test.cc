// Tests for export/export_plan.h on a store written directly: the copies of a family are the
// same whether planning reads the locations in one pass (a plan over much of the store) or
// seeks them family by family (a small plan in a large store).
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
    }
    ASSERT_TRUE(store_->Write(set).ok());
    ASSERT_TRUE(store_->FlushMemtables().ok());  // estimates come from table files
  }

  static constexpr int kFamilies = 300;
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

TEST_F(ExportPlanTest, CopiesAreTheSameFromOnePassOverLocationsAsFromASeekPerFamily) {
  ExportOptions options;
  options.index_dir = dir_.path();
  options.query = "*";
  options.out = dir_.path() / "out.zip";
  options.dedupe = ExportDedupe::kNone;
  // Every family: far more families than locations per seek, so one pass.
  Result<ExportPlan> everything = PlanExport(options, ids_, {}, *store_);
  ASSERT_TRUE(everything.ok()) << everything.status().ToString();
  ASSERT_EQ(everything->documents.size(),
            static_cast<size_t>(kFamilies + kFamilies / 3 + 2 * (kFamilies / 5)));
  const std::vector<std::string> all_places = Places(*everything);
  ASSERT_GT(store_->EstimateLocationCount(), 100u);
  // One family at a time among hundreds of locations: seeks (planning reads them all in one pass
  // only when the plan has a family for every twenty or fewer). Each must plan exactly the
  // documents the whole plan gave that family.
  size_t at = 0;
  for (int i = 0; i < kFamilies; ++i) {
    Result<ExportPlan> one = PlanExport(options, {ids_[i]}, {}, *store_);
    ASSERT_TRUE(one.ok()) << one.status().ToString();
    const std::vector<std::string> places = Places(*one);
    const size_t copies = 1 + (i % 3 == 0 ? 1 : 0) + (i % 5 == 0 ? 2 : 0);
    ASSERT_EQ(places.size(), copies) << "family " << i;
    for (size_t c = 0; c < copies; ++c) {
      EXPECT_EQ(places[c], all_places[at + c]) << "family " << i;
    }
    EXPECT_EQ(places[0], "Alice|alice.pst!/inbox/" + std::to_string(i) + ".eml");
    at += copies;
  }
  // Dedupe withholds the same copies either way.
  options.dedupe = ExportDedupe::kGlobal;
  Result<ExportPlan> deduped = PlanExport(options, ids_, {}, *store_);
  ASSERT_TRUE(deduped.ok());
  EXPECT_EQ(deduped->documents.size(), static_cast<size_t>(kFamilies));
  EXPECT_EQ(deduped->duplicates.size(), static_cast<size_t>(kFamilies / 3 + 2 * (kFamilies / 5)));
  Result<ExportPlan> deduped_one = PlanExport(options, {ids_[15]}, {}, *store_);
  ASSERT_TRUE(deduped_one.ok());
  ASSERT_EQ(deduped_one->duplicates.size(), 3u);
  EXPECT_EQ(deduped_one->duplicates[0].custodian, "Bob");
  EXPECT_EQ(deduped_one->duplicates[1].source_path, "carol.zip!/a/15");
}

}  // namespace
}  // namespace docket
