/** @file
 *  @brief End to end: generate a multilingual corpus with data/generate_samples.py (an
 *         independent producer), ingest it with the real binary, serve it on an ephemeral
 *         loopback port and check exact result sets over HTTP against the generator's manifest.
 */
#include <nlohmann/json.hpp>
#include <regex>
#include <set>

#include "tests/support/subprocess.h"
#include "tests/support/test_env.h"

namespace docket {
namespace {

using nlohmann::json;
using testing::RunCommand;

std::map<std::string, std::string> ParseSummary(const std::string& out) {
  std::map<std::string, std::string> fields;
  const size_t at = out.rfind("summary ");
  if (at == std::string::npos) {
    return fields;
  }
  std::istringstream line(out.substr(at + 8));
  std::string pair;
  while (line >> pair) {
    if (const size_t eq = pair.find('='); eq != std::string::npos) {
      fields[pair.substr(0, eq)] = pair.substr(eq + 1);
    }
  }
  return fields;
}

// One corpus, one ingest and one server for the whole suite: generating and ingesting are the
// slow part, and every test below only reads.
class EndToEndTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new testing::TempDir();
    samples_ = dir_->path() / "samples";
    index_ = dir_->path() / "index";
    setup_error_ = Prepare();
  }

  // Failures here are recorded rather than asserted: a fatal failure inside SetUpTestSuite
  // makes ctest report the tests as skipped, which would hide a broken pipeline.
  static std::string Prepare() {
    // The manifest names every planted token, so it is written outside the ingested folder.
    const auto manifest_path = dir_->path() / "manifest.json";
    const auto gen =
        RunCommand({"python3", (testing::SourceDir() / "data/generate_samples.py").string(),
                    "--out", samples_.string(), "--seed", "7", "--conversations", "60", "--emails",
                    "15", "--bad-inputs", "--manifest", manifest_path.string()});
    if (gen.exit_code != 0) {
      return "generator failed: " + gen.err;
    }
    manifest_ = new json(json::parse(testing::ReadFileOrDie(manifest_path), nullptr, false));
    if (manifest_->is_discarded()) {
      return "manifest.json is not JSON";
    }
    first_ingest_ = new testing::CommandResult(
        RunCommand({testing::DocketBinary().string(), "ingest", "--index", index_.string(),
                    "--custodian", "E2E Custodian", samples_.string()}));
    if (first_ingest_->exit_code != 0) {
      return "docket ingest failed (" + std::to_string(first_ingest_->exit_code) +
             "): " + first_ingest_->err;
    }
    server_ = new testing::ChildProcess({testing::DocketBinary().string(), "serve", "--index",
                                         index_.string(), "--listen", "127.0.0.1:0"});
    const std::string line = server_->ReadLine(30000);
    std::smatch match;
    if (!std::regex_search(line, match, std::regex("http://127\\.0\\.0\\.1:(\\d+)"))) {
      return "the server did not announce its URL; it said: " + line;
    }
    port_ = std::stoi(match[1]);
    return {};
  }

  void SetUp() override { ASSERT_TRUE(setup_error_.empty()) << setup_error_; }

  static void TearDownTestSuite() {
    delete server_;
    delete first_ingest_;
    delete manifest_;
    delete dir_;
  }

  // The ipath Docket gives a manifest path: the samples folder's name comes first.
  static std::string Ipath(const std::string& manifest_ipath) {
    return "samples/" + manifest_ipath;
  }

  static json Query(const std::string& kql,
                    const std::string& accept = "application/json;odata=nometadata",
                    int* status = nullptr) {
    const auto reply = testing::HttpRequest(
        port_, "GET",
        "/_api/search/query?querytext=" + testing::UrlEncode("'" + kql + "'") +
            "&rowlimit=500&selectproperties=" + testing::UrlEncode("'Path,Title,Author,Write'"),
        {{"Accept", accept}});
    if (status != nullptr) {
      *status = reply.status;
    }
    json body = json::parse(reply.body, nullptr, false);
    EXPECT_FALSE(body.is_discarded()) << reply.body;
    return body;
  }

  // The Path cells of every row of a nometadata answer.
  static std::multiset<std::string> Paths(const std::string& kql) {
    const json body = Query(kql);
    std::multiset<std::string> paths;
    const json& relevant = body["PrimaryQueryResult"]["RelevantResults"];
    for (const json& row : relevant["Table"]["Rows"]) {
      for (const json& cell : row["Cells"]) {
        if (cell["Key"] == "Path") {
          paths.insert(cell["Value"].get<std::string>());
        }
      }
    }
    EXPECT_EQ(relevant["RowCount"].get<int>(), static_cast<int>(paths.size()));
    EXPECT_EQ(relevant["TotalRows"].get<int>(), static_cast<int>(paths.size())) << kql;
    return paths;
  }

  static std::string PlantedIpath(const std::string& id) {
    for (const json& planted : (*manifest_)["planted"]) {
      if (planted["id"] == id) {
        return Ipath(planted["ipath"].get<std::string>());
      }
    }
    ADD_FAILURE() << "no planted item " << id;
    return {};
  }

  // The items Docket must return for `keep`: one per distinct native (duplicates are stored
  // once), among the generated items and the intact members of the damaged archive.
  static std::set<std::string> ExpectedShas(const std::function<bool(const json&)>& keep) {
    std::set<std::string> shas;
    for (const char* section : {"items", "bad"}) {
      for (const json& item : (*manifest_)[section]) {
        if (item.contains("sha256") && item.value("intact", true) && keep(item)) {
          shas.insert(item["sha256"].get<std::string>());
        }
      }
    }
    return shas;
  }

  static std::set<std::string> ShasOf(const std::multiset<std::string>& paths) {
    std::map<std::string, std::string> sha_by_ipath;
    for (const char* section : {"items", "bad"}) {
      for (const json& item : (*manifest_)[section]) {
        if (item.contains("sha256")) {
          sha_by_ipath[Ipath(item["ipath"].get<std::string>())] = item["sha256"];
        }
      }
    }
    std::set<std::string> shas;
    for (const auto& path : paths) {
      auto it = sha_by_ipath.find(path);
      EXPECT_NE(it, sha_by_ipath.end()) << "hit not in the manifest: " << path;
      if (it != sha_by_ipath.end()) {
        EXPECT_TRUE(shas.insert(it->second).second) << "duplicate returned twice: " << path;
      }
    }
    return shas;
  }

  static inline testing::TempDir* dir_ = nullptr;
  static inline std::filesystem::path samples_;
  static inline std::filesystem::path index_;
  static inline json* manifest_ = nullptr;
  static inline testing::CommandResult* first_ingest_ = nullptr;
  static inline testing::ChildProcess* server_ = nullptr;
  static inline int port_ = 0;
  static inline std::string setup_error_;
};

TEST_F(EndToEndTest, IngestReportsASummaryWithUnindexedAndPartialItems) {
  ASSERT_EQ(first_ingest_->exit_code, 0) << first_ingest_->err;
  const auto summary = ParseSummary(first_ingest_->out);
  ASSERT_FALSE(summary.empty()) << first_ingest_->out;
  for (const char* key : {"items", "messages", "bytes", "unindexed", "partially_indexed",
                          "duplicates", "seconds", "items_per_s"}) {
    EXPECT_EQ(summary.count(key), 1u) << key;
  }
  EXPECT_GT(std::stoull(summary.at("items")), 75u);
  EXPECT_GT(std::stoull(summary.at("messages")), 100u);
  // truncated.zip and not-mime.eml are unindexed; bogus-charset.eml is partially indexed.
  EXPECT_GE(std::stoull(summary.at("unindexed")), 2u);
  EXPECT_GE(std::stoull(summary.at("partially_indexed")), 1u);
}

TEST_F(EndToEndTest, ReingestingTheSameArchivesAddsNothing) {
  const auto again = RunCommand({testing::DocketBinary().string(), "ingest", "--index",
                                 (dir_->path() / "index-copy").string(), samples_.string()});
  ASSERT_EQ(again.exit_code, 0) << again.err;
  const auto repeat = RunCommand({testing::DocketBinary().string(), "ingest", "--index",
                                  (dir_->path() / "index-copy").string(), samples_.string()});
  ASSERT_EQ(repeat.exit_code, 0) << repeat.err;
  const auto first = ParseSummary(again.out);
  const auto second = ParseSummary(repeat.out);
  EXPECT_EQ(second.at("items"), "0");
  EXPECT_EQ(second.at("messages"), "0");
  EXPECT_EQ(std::stoull(second.at("duplicates")),
            std::stoull(first.at("items")) + std::stoull(first.at("messages")));
}

TEST_F(EndToEndTest, DamagedInputsAreListedWithTheirReasons) {
  const auto listed =
      RunCommand({testing::DocketBinary().string(), "unindexed", "--index", index_.string()});
  ASSERT_EQ(listed.exit_code, 0) << listed.err;
  EXPECT_TRUE(std::regex_search(
      listed.out, std::regex("\nunindexed\t\\d+\tsamples/bad/truncated\\.zip\t[^\n]*trunc")))
      << listed.out;
  EXPECT_TRUE(std::regex_search(
      listed.out,
      std::regex("partially-indexed\t\\d+\tsamples/bad/bogus-charset\\.eml\t[^\n]*x-bogus-42")))
      << listed.out;
  EXPECT_TRUE(
      std::regex_search(listed.out, std::regex("unindexed\t\\d+\tsamples/bad/not-mime\\.eml\t")))
      << listed.out;
  const auto csv = RunCommand({testing::DocketBinary().string(), "unindexed", "--index",
                               index_.string(), "--format", "csv"});
  ASSERT_EQ(csv.exit_code, 0) << csv.err;
  EXPECT_EQ(csv.out.rfind("state,id,source,ipath,size,reason\r\n", 0), 0u) << csv.out;
  const std::string truncated_source = (samples_ / "bad" / "truncated.zip").string();
  EXPECT_TRUE(
      std::regex_search(csv.out, std::regex("\r\nunindexed,\\d+," + truncated_source +
                                            ",samples/bad/truncated\\.zip,[1-9]\\d*,[^\r]*trunc")))
      << csv.out;

  // The members before the cut are searchable; the one cut short keeps what could be read and
  // is listed with the reason.
  for (const json& item : (*manifest_)["bad"]) {
    if (item.value("archive", "") != "bad/truncated.zip") {
      continue;
    }
    const std::string ipath = Ipath(item.value("ipath", ""));
    if (item.value("intact", false)) {
      EXPECT_EQ(Paths("participants:" + item.value("from", "")).count(ipath), 1u) << item.dump();
    } else {
      // One line of `docket unindexed` names the member, its state and the truncation.
      const size_t at = listed.out.find("\t" + ipath + "\t");
      ASSERT_NE(at, std::string::npos) << item.dump() << "\n" << listed.out;
      const size_t line_start = listed.out.rfind('\n', at) + 1;
      const std::string line =
          listed.out.substr(line_start, listed.out.find('\n', at) - line_start);
      EXPECT_TRUE(line.rfind("partially-indexed\t", 0) == 0 || line.rfind("unindexed\t", 0) == 0)
          << line;
      EXPECT_NE(line.find("truncated"), std::string::npos) << line;
    }
  }
  // The mislabelled body was decoded by detection and is searchable.
  EXPECT_EQ(Paths("München").count("samples/bad/bogus-charset.eml"), 1u);
}

TEST_F(EndToEndTest, TraditionalChineseJapaneseAndMultilingualPlantedItems) {
  EXPECT_EQ(Paths("合約審查"), std::multiset<std::string>{PlantedIpath("planted-2-p2p-zh-hant")});
  EXPECT_EQ(Paths("約審"), std::multiset<std::string>{PlantedIpath("planted-2-p2p-zh-hant")});
  EXPECT_EQ(Paths("見積書"), std::multiset<std::string>{PlantedIpath("planted-3-p2p-ja")});
  EXPECT_EQ(Paths("\"会议改到周五\""),
            std::multiset<std::string>{PlantedIpath("planted-1-p2p-alice-bob")});
  EXPECT_EQ(Paths("Quartalsbericht AND kind:meetings"),
            std::multiset<std::string>{PlantedIpath("planted-4-conf-de-ru-ar")});
  EXPECT_EQ(Paths("ОТЧЁТ"), std::multiset<std::string>{PlantedIpath("planted-4-conf-de-ru-ar")});
  EXPECT_EQ(Paths("الميزانية"),
            std::multiset<std::string>{PlantedIpath("planted-4-conf-de-ru-ar")});
  EXPECT_EQ(Paths("zanzibarquota"),
            std::multiset<std::string>{PlantedIpath("planted-5-email-falcon")});
  EXPECT_TRUE(Paths("Quartalsbericht AND kind:im").empty());
  // Simplified finds Traditional, and an unaccented Cyrillic query the ё.
  EXPECT_EQ(Paths("合约审查"), std::multiset<std::string>{PlantedIpath("planted-2-p2p-zh-hant")});
  EXPECT_EQ(Paths("отчет"), std::multiset<std::string>{PlantedIpath("planted-4-conf-de-ru-ar")});
}

TEST_F(EndToEndTest, DetectedLanguageIsSearchableAndACell) {
  const auto reply =
      testing::HttpRequest(port_, "GET",
                           "/_api/search/query?querytext=" + testing::UrlEncode("'合約審查'") +
                               "&selectproperties=" + testing::UrlEncode("'Path,DetectedLanguage'"),
                           {{"Accept", "application/json;odata=nometadata"}});
  ASSERT_EQ(200, reply.status) << reply.body;
  const json rows =
      json::parse(reply.body)["PrimaryQueryResult"]["RelevantResults"]["Table"]["Rows"];
  ASSERT_EQ(1u, rows.size());
  std::string language;
  for (const json& cell : rows[0]["Cells"]) {
    if (cell["Key"] == "DetectedLanguage") {
      language = cell["Value"].get<std::string>();
    }
  }
  // CLD2 tells Traditional from Simplified Chinese.
  EXPECT_EQ("zh-Hant", language);
  EXPECT_TRUE(Paths("detectedlanguage:zh-Hant").count(PlantedIpath("planted-2-p2p-zh-hant")));
  EXPECT_FALSE(Paths("detectedlanguage:en").count(PlantedIpath("planted-2-p2p-zh-hant")));
}

TEST_F(EndToEndTest, ParticipantsAndKindMatchTheManifestExactly) {
  const auto has = [](const json& item, const std::string& who) {
    for (const json& p : item.value("participants", json::array())) {
      if (p == who) {
        return true;
      }
    }
    return false;
  };
  EXPECT_EQ(ShasOf(Paths("participants:bob@contoso.com")),
            ExpectedShas([&](const json& i) { return has(i, "bob@contoso.com"); }));
  EXPECT_EQ(ShasOf(Paths("participants:tanaka.taro@fabrikam.com kind:meetings")),
            ExpectedShas([&](const json& i) {
              return i["kind"] == "meetings" && has(i, "tanaka.taro@fabrikam.com");
            }));
  EXPECT_EQ(ShasOf(Paths("from:alice@contoso.com kind:email")), ExpectedShas([](const json& i) {
              return i["kind"] == "email" && i.value("from", "") == "alice@contoso.com";
            }));
}

TEST_F(EndToEndTest, TerminalSearchPrintsHitsAndExplainsBadQueries) {
  const std::string docket = testing::DocketBinary().string();
  const auto hit = RunCommand({docket, "search", "--index", index_.string(), "見積書"});
  ASSERT_EQ(hit.exit_code, 0) << hit.err;
  EXPECT_EQ(hit.out.rfind("1 hit for 見積書\n", 0), 0u) << hit.out;
  EXPECT_NE(hit.out.find(PlantedIpath("planted-3-p2p-ja")), std::string::npos) << hit.out;
  EXPECT_NE(hit.out.find("[見積書]"), std::string::npos) << "highlight missing: " << hit.out;

  const auto paged = RunCommand({docket, "search", "--index", index_.string(), "--limit", "2",
                                 "--sort", "Sent:ascending", "participants:bob@contoso.com"});
  ASSERT_EQ(paged.exit_code, 0) << paged.err;
  EXPECT_NE(paged.out.find("\n2. ["), std::string::npos) << paged.out;
  EXPECT_EQ(paged.out.find("\n3. ["), std::string::npos) << paged.out;

  const auto bad = RunCommand({docket, "search", "--index", index_.string(), "(budget AND"});
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.err.find("InvalidArgument: position"), std::string::npos) << bad.err;

  const auto usage = RunCommand({docket, "search", "--bogus", "x"});
  EXPECT_EQ(usage.exit_code, 2);
  EXPECT_NE(usage.err.find("unknown option --bogus"), std::string::npos) << usage.err;

  const auto missing =
      RunCommand({docket, "search", "--index", (dir_->path() / "nothing").string(), "x"});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.err.find("docket ingest"), std::string::npos) << missing.err;
}

TEST_F(EndToEndTest, VerboseJsonAndErrorsFollowSharePoint) {
  const json verbose = Query("見積書", "application/json;odata=verbose");
  const json& relevant = verbose["d"]["query"]["PrimaryQueryResult"]["RelevantResults"];
  EXPECT_EQ(relevant["RowCount"], 1);
  EXPECT_EQ(relevant["Table"]["Rows"]["results"].size(), 1u);

  int status = 0;
  const json error = Query("(budget AND", "application/json;odata=nometadata", &status);
  EXPECT_EQ(status, 400);
  EXPECT_TRUE(error.contains("odata.error")) << error.dump();

  // A hostile request does not take the server down.
  testing::SendRaw(port_, std::string(70000, 'A') + "\r\n\r\n");
  EXPECT_EQ(Paths("見積書").size(), 1u);
}

}  // namespace
}  // namespace docket
