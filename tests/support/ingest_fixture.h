/** @file
 *  @brief IngestFixture: a fresh index (real RocksDB store and Xapian shards) per test, an
 *         ingest helper and the two questions ingest tests ask of the result: which items were
 *         stored, and how many search documents hold a term.
 */
#pragma once

#include <xapian.h>

#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "indexer/ingest_pipeline.h"
#include "storage/commit_coordinator.h"
#include "tests/support/test_env.h"

namespace docket::testing {

class IngestFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    auto coordinator = CommitCoordinator::Open(index_dir(), {});
    ASSERT_OK(coordinator);
    coordinator_ = std::move(*coordinator);
  }

  std::filesystem::path index_dir() const { return dir_.path() / "index"; }

  IngestStats Ingest(const std::filesystem::path& path, const std::string& custodian = "Alice") {
    IngestOptions options;
    options.custodian = custodian;
    options.temp_dir = index_dir() / "tmp";
    IngestPipeline pipeline(*coordinator_, options);
    EXPECT_OK(pipeline.IngestPath(path));
    EXPECT_OK(pipeline.Finish());
    return pipeline.stats();
  }

  std::vector<Item> ItemsWhere(const std::function<bool(const Item&)>& keep) {
    std::vector<Item> out;
    EXPECT_OK(coordinator_->store().ForEachItem([&](const Item& item) {
      if (keep(item)) {
        out.push_back(item);
      }
      return true;
    }));
    return out;
  }

  Xapian::doccount Matches(const std::string& term) {
    Xapian::Database db(IndexLayout(index_dir()).xapian().string());
    Xapian::Enquire enquire(db);
    enquire.set_query(Xapian::Query(term));
    return enquire.get_mset(0, 1000).size();
  }

  TempDir dir_;
  std::unique_ptr<CommitCoordinator> coordinator_;
};

}  // namespace docket::testing
