// Crash safety, proven: `docket ingest` is killed with SIGKILL at exact points (mid-archive,
// after the store is synced but before the index commits, between two shard commits) and then
// run again; the final index must be the same as an uninterrupted run's: item ids, hashes,
// kinds, states, parents, the unindexed list, the natives and the answers to a fixed query set.
#include <sys/wait.h>

#include <algorithm>
#include <csignal>
#include <map>
#include <set>
#include <sstream>

#include "common/hashing.h"
#include "query/searcher.h"
#include "storage/commit_coordinator.h"
#include "storage/doc_store.h"
#include "tests/support/subprocess.h"
#include "tests/support/test_env.h"

namespace docket {
namespace {

using testing::RunCommand;

constexpr int kKilled = 128 + SIGKILL;

// Everything an index holds that a production depends on, as one comparable text.
std::string Fingerprint(const std::filesystem::path& index) {
  std::ostringstream out;
  auto store =
      DocStore::Open(IndexLayout(index).store(), {.create_if_missing = false, .read_only = true});
  if (!store.ok()) {
    return "cannot open store: " + store.error().message();
  }
  Status listed = (*store)->ForEachItem([&](const Item& item) {
    out << item.id << '\t' << item.parent_id << '\t' << ItemKindName(item.kind) << '\t'
        << IndexStateName(item.state) << '\t' << item.ipath << '\t' << item.sha256 << '\t'
        << item.size << '\t' << Sha256Hex(item.text) << '\t' << item.state_reason << '\t';
    for (const auto& custodian : item.custodians) {
      out << custodian << ',';
    }
    out << '\t' << ((item.sha256.empty() || (*store)->HasNative(item.sha256)) ? "native" : "-")
        << '\n';
    return true;
  });
  if (!listed.ok()) {
    return "cannot list items: " + listed.message();
  }
  auto searcher = Searcher::Open(index);
  if (!searcher.ok()) {
    return "cannot open searcher: " + searcher.error().message();
  }
  for (const char* query :
       {"kind:im", "kind:meetings", "kind:email", "friday OR freitag", "会议",
        "participants:contoso.com", "sent>=2013-01-01", "custodian:\"crash custodian\""}) {
    SearchRequest request;
    request.query_text = query;
    request.row_limit = 500;
    request.sort = {{"Write", false}};
    auto result = (*searcher)->Search(request);
    out << "query " << query << ": ";
    if (!result.ok()) {
      out << result.error().message() << '\n';
      continue;
    }
    out << result->total_rows << " [";
    std::set<ItemId> ids;
    for (const SearchHit& hit : result->hits) {
      ids.insert(hit.item.id);
    }
    for (ItemId id : ids) {
      out << id << ' ';
    }
    out << "]\n";
  }
  const auto unindexed =
      RunCommand({testing::DocketBinary().string(), "unindexed", "--index", index.string()});
  out << "unindexed exit " << unindexed.exit_code << "\n" << unindexed.out;
  return out.str();
}

class CrashSafetyTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new testing::TempDir();
    samples_ = dir_->path() / "samples";
    const auto gen =
        RunCommand({"python3", (testing::SourceDir() / "data/generate_samples.py").string(),
                    "--out", samples_.string(), "--seed", "11", "--conversations", "120",
                    "--emails", "20", "--archives", "3", "--bad-inputs", "--manifest",
                    (dir_->path() / "manifest.json").string()});
    generated_ = gen.exit_code == 0;
    if (!generated_) {
      std::cerr << "generator failed: " << gen.err;
      return;
    }
    const auto reference = Ingest(dir_->path() / "reference", {});
    reference_ok_ = reference.exit_code == 0;
    reference_ = Fingerprint(dir_->path() / "reference");
  }
  static void TearDownTestSuite() { delete dir_; }

  static testing::CommandResult Ingest(const std::filesystem::path& index,
                                       const std::string& crash_point) {
    std::vector<std::string> argv = {"env"};
    if (!crash_point.empty()) {
      argv.push_back("DOCKET_CRASH_POINT=" + crash_point);
    }
    // Small commit batches, so the run crosses many commits and kills can land between them.
    for (const std::string& arg :
         {testing::DocketBinary().string(), std::string("ingest"), std::string("--index"),
          index.string(), std::string("--custodian"), std::string("Crash Custodian"),
          std::string("--commit-every"), std::string("25"), samples_.string()}) {
      argv.push_back(arg);
    }
    return RunCommand(argv);
  }

  // Kills an ingest at `crash_point` (and, with `second_point`, the resumed run too), then lets
  // a last run finish, and compares with the uninterrupted reference.
  void KillAndResume(const std::string& crash_point, const std::string& second_point = {}) {
    ASSERT_TRUE(generated_);
    ASSERT_TRUE(reference_ok_);
    const auto index = dir_->path() / ("crash-" + std::to_string(++runs_));
    const auto killed = Ingest(index, crash_point);
    ASSERT_EQ(killed.exit_code, kKilled)
        << "the crash point " << crash_point << " was never reached: " << killed.err;
    if (!second_point.empty()) {
      const auto killed_again = Ingest(index, second_point);
      ASSERT_EQ(killed_again.exit_code, kKilled) << killed_again.err;
    }
    const auto resumed = Ingest(index, {});
    ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
    EXPECT_EQ(Fingerprint(index), reference_);
  }

  static testing::TempDir* dir_;
  static std::filesystem::path samples_;
  static bool generated_;
  static bool reference_ok_;
  static std::string reference_;
  static int runs_;
};

testing::TempDir* CrashSafetyTest::dir_ = nullptr;
std::filesystem::path CrashSafetyTest::samples_;
bool CrashSafetyTest::generated_ = false;
bool CrashSafetyTest::reference_ok_ = false;
std::string CrashSafetyTest::reference_;
int CrashSafetyTest::runs_ = 0;

TEST_F(CrashSafetyTest, TheReferenceIndexIsNotEmpty) {
  ASSERT_TRUE(reference_ok_);
  // A fingerprint of an empty or unreadable index would make every comparison vacuous.
  EXPECT_GT(std::count(reference_.begin(), reference_.end(), '\n'), 200) << reference_;
  EXPECT_EQ(reference_.find("cannot"), std::string::npos) << reference_;
}

TEST_F(CrashSafetyTest, KilledEarlyInTheFirstArchive) { KillAndResume("ingest.family:5"); }

TEST_F(CrashSafetyTest, KilledMidArchiveAfterSeveralCommits) { KillAndResume("ingest.family:140"); }

TEST_F(CrashSafetyTest, KilledAfterTheStoreSyncedBeforeTheIndexCommitted) {
  KillAndResume("commit.synced:3");
}

TEST_F(CrashSafetyTest, KilledBetweenTwoShardCommits) { KillAndResume("commit.shard:5"); }

TEST_F(CrashSafetyTest, KilledTwiceThenResumed) {
  KillAndResume("ingest.family:60", "ingest.family:30");
}

}  // namespace
}  // namespace docket
