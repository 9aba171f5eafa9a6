/** @file
 *  @brief Refiners, FQL refinement filters and duplicate trimming (sharepoint-search.md §1.9,
 *         §1.8): the pure parsers as tables, then counts and result sets over a real index.
 */
#include "query/refiners.h"

#include <gtest/gtest.h>
#include <xapian.h>

#include <algorithm>
#include <functional>
#include <map>
#include <set>

#include "query/searcher.h"
#include "storage/commit_coordinator.h"
#include "tests/support/test_env.h"

namespace docket {
namespace {

TEST(RefinerListTest, ParsesOptionsAndKeepsCommasInsideParentheses) {
  auto specs = ParseRefinerList(
      "FileType, Write(discretize=manual/2013-01-01/2013-08-22,sort=name/ascending),"
      "author(filter=2/1/a,deephits=100)");
  ASSERT_OK(specs);
  ASSERT_EQ(3u, specs->size());
  EXPECT_EQ("FileType", (*specs)[0].name);
  EXPECT_EQ("Write", (*specs)[1].name);
  EXPECT_EQ((std::vector<std::string>{"2013-01-01", "2013-08-22"}), (*specs)[1].thresholds);
  EXPECT_EQ("name", (*specs)[1].sort_by);
  EXPECT_FALSE((*specs)[1].sort_descending);
  EXPECT_EQ(2u, (*specs)[2].max_entries);
  EXPECT_EQ("a", (*specs)[2].name_prefix);
  EXPECT_EQ(100u, (*specs)[2].deep_hits);
}

TEST(RefinerListTest, Errors) {
  for (const char* bad : {"Nope", "FileType(discretize=manual/1/2)", "Size(discretize=manual/9/3)",
                          "Write(discretize=manual/yesterdayish)", "Size(bogus=1)", "Size(x"}) {
    auto specs = ParseRefinerList(bad);
    ASSERT_FALSE(specs.ok()) << bad;
    EXPECT_EQ(StatusCode::kInvalidArgument, specs.error().code()) << bad;
  }
  EXPECT_NE(std::string::npos,
            ParseRefinerList("Nope").error().message().find("Property doesn't exist"));
}

TEST(RefinementTokenTest, HexOfUtf8WithQuotes) {
  EXPECT_EQ(
      "\"\xC7\x82\xC7\x82"
      "646f6378\"",
      StringRefinementToken("docx"));
  EXPECT_EQ(
      "\"\xC7\x82\xC7\x82"
      "c3a9\"",
      StringRefinementToken("\xC3\xA9"));
}

TEST(FqlTest, ParsesTheForms) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"FileType:\"\xC7\x82\xC7\x82"
       "646f6378\"",
       "FileType:equals(\"docx\")"},
      {"fileExtension:equals(\"docx\")", "fileExtension:equals(\"docx\")"},
      {"Author:starts-with(\"ali\")", "Author:starts-with(\"ali\")"},
      {"Write:range(2013-09-21T00:00:00Z, 2013-09-22T00:00:00Z)",
       "Write:range(2013-09-21T00:00:00Z, 2013-09-22T00:00:00Z)"},
      {"size:range(0,max,from=GT)", "size:range(0, max, from=\"GT\")"},
      {"Size:range(min, 500, to=\"LE\")", "Size:range(min, 500, to=\"LE\")"},
      {"AND(kind:equals(\"email\"), not(Author:\"bob\"))",
       "and(kind:equals(\"email\"), not(Author:equals(\"bob\")))"},
      {"FileType:or(\"\xC7\x82\xC7\x82"
       "656d6c\",\"\xC7\x82\xC7\x82"
       "747874\")",
       "or(FileType:equals(\"eml\"), FileType:equals(\"txt\"))"},
      {"andnot(kind:im, kind:email)", "andnot(kind:equals(\"im\"), kind:equals(\"email\"))"},
  };
  for (const auto& [text, expected] : cases) {
    auto node = ParseFql(text);
    ASSERT_OK(node) << text;
    EXPECT_EQ(expected, node->ToString()) << text;
  }
}

TEST(FqlTest, ErrorsNameWhatIsWrong) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"FileType:equals(\"docx\"", "expected ')'"},
      {"nope:equals(\"x\")", "Property doesn't exist"},
      {"FileType:\"\xC7\x82\xC7\x82"
       "6g\"",
       "hex"},
      {"xor(kind:im)", "unknown operator"},
      {"FileType", "expected ':'"},
      {"Size:range(1)", "start and an end"},
      {"not(kind:im, kind:email)", "one filter"},
  };
  for (const auto& [text, fragment] : cases) {
    auto node = ParseFql(text);
    ASSERT_FALSE(node.ok()) << text;
    EXPECT_NE(std::string::npos, node.error().message().find(fragment))
        << text << " -> " << node.error().message();
  }
}

// Five items; 3 and 4 have the same content (SHA-256 "cc").
class RefinerSearchTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new testing::TempDir();
    auto coordinator = CommitCoordinator::Open(dir_->path(), {});
    ASSERT_OK(coordinator);
    struct Row {
      ItemKind kind;
      const char* file;
      const char* from;
      UtcMillis sent;
      uint64_t size;
      const char* sha;
      const char* custodian;
    };
    const std::vector<Row> rows = {
        {ItemKind::kEmail, "a.eml", "alice@contoso.com", UtcFromCivil(2013, 3, 1), 500, "aa",
         "Alice Smith"},
        {ItemKind::kEmail, "b.eml", "bob@contoso.com", UtcFromCivil(2013, 7, 1), 5000, "bb",
         "Alice Smith"},
        {ItemKind::kFile, "c.docx", "", UtcFromCivil(2014, 2, 1), 50000, "cc", "Bob"},
        {ItemKind::kFile, "d.docx", "", UtcFromCivil(2014, 2, 2), 50000, "cc", "Bob"},
        {ItemKind::kImConversation, "e.eml", "alice@contoso.com", UtcFromCivil(2015, 1, 1), 200,
         "ee", "Bob"},
    };
    WriteSet set;
    for (size_t i = 0; i < rows.size(); ++i) {
      Item item;
      item.id = (*coordinator)->store().AllocateId();
      item.kind = rows[i].kind;
      item.file_name = rows[i].file;
      item.ipath = std::string("x.zip!/") + rows[i].file;
      item.from = rows[i].from;
      item.sent = rows[i].sent;
      item.size = rows[i].size;
      item.sha256 = rows[i].sha;
      item.custodian = rows[i].custodian;
      item.title = std::string("Budget ") + rows[i].file;
      item.text = "budget text for " + std::string(rows[i].file);
      names_[item.id] = rows[i].file;
      set.items.push_back(item);
      set.index_ids.push_back(item.id);
    }
    ASSERT_OK((*coordinator)->Write(set));
    ASSERT_OK((*coordinator)->Flush());
  }
  static void TearDownTestSuite() {
    delete dir_;
    dir_ = nullptr;
  }
  void SetUp() override {
    auto searcher = Searcher::Open(dir_->path());
    ASSERT_OK(searcher);
    searcher_ = std::move(searcher).value();
  }

  Result<SearchResult> Run(const std::string& refiners, std::vector<std::string> filters = {},
                           bool trim = false) {
    SearchRequest request;
    request.query_text = "budget";
    request.row_limit = 50;
    request.trim_duplicates = trim;
    request.refinement_filters = std::move(filters);
    if (!refiners.empty()) {
      auto specs = ParseRefinerList(refiners);
      if (!specs.ok()) {
        return specs.error();
      }
      request.refiners = std::move(specs).value();
    }
    return searcher_->Search(request);
  }

  // "name=count token" per entry, in entry order.
  static std::vector<std::string> Entries(const RefinerResult& refiner) {
    std::vector<std::string> out;
    for (const RefinerEntry& e : refiner.entries) {
      out.push_back(e.name + "=" + std::to_string(e.count) + " " + e.token);
    }
    return out;
  }

  std::set<std::string> Files(const std::vector<std::string>& filters) {
    auto result = Run("", filters);
    std::set<std::string> files;
    if (!result.ok()) {
      files.insert("error: " + result.error().ToString());
      return files;
    }
    for (const SearchHit& hit : result->hits) {
      files.insert(names_.at(hit.item.id));
    }
    return files;
  }

  static testing::TempDir* dir_;
  static std::map<ItemId, std::string> names_;
  std::unique_ptr<Searcher> searcher_;
};

testing::TempDir* RefinerSearchTest::dir_ = nullptr;
std::map<ItemId, std::string> RefinerSearchTest::names_;

TEST_F(RefinerSearchTest, StringRefinersCountByFrequencyThenName) {
  auto result = Run("FileType,Author,Custodian,Kind");
  ASSERT_OK(result);
  ASSERT_EQ(4u, result->refiners.size());
  const std::string hh = "\"\xC7\x82\xC7\x82";
  EXPECT_EQ((std::vector<std::string>{"eml=3 " + hh + "656d6c\"", "docx=2 " + hh + "646f6378\""}),
            Entries(result->refiners[0]));
  EXPECT_EQ("FileType", result->refiners[0].name);
  // Only whole addresses, not the alias/domain terms the index also holds.
  ASSERT_EQ(2u, result->refiners[1].entries.size());
  EXPECT_EQ("alice@contoso.com", result->refiners[1].entries[0].name);
  EXPECT_EQ(2u, result->refiners[1].entries[0].count);
  EXPECT_EQ("bob@contoso.com", result->refiners[1].entries[1].name);
  ASSERT_EQ(2u, result->refiners[2].entries.size());
  EXPECT_EQ("bob", result->refiners[2].entries[0].name);
  EXPECT_EQ(3u, result->refiners[2].entries[0].count);
  std::map<std::string, uint64_t> kinds;
  for (const RefinerEntry& e : result->refiners[3].entries) {
    kinds[e.name] = e.count;
  }
  EXPECT_EQ(
      (std::map<std::string, uint64_t>{{std::string(ItemKindName(ItemKind::kEmail)), 2},
                                       {std::string(ItemKindName(ItemKind::kFile)), 2},
                                       {std::string(ItemKindName(ItemKind::kImConversation)), 1}}),
      kinds);
}

TEST_F(RefinerSearchTest, SizeAndDateBins) {
  auto result = Run("Size(discretize=manual/1000/10000),Write,Sent(discretize=manual/2014-01-01)");
  ASSERT_OK(result);
  EXPECT_EQ((std::vector<std::string>{"Before 1000=2 range(min, 1000)",
                                      "From 1000 up to 10000=1 range(1000, 10000)",
                                      "From 10000=2 range(10000, max)"}),
            Entries(result->refiners[0]));
  EXPECT_EQ((std::vector<std::string>{"From 2013-01-01T00:00:00Z up to 2014-01-01T00:00:00Z=2 "
                                      "range(2013-01-01T00:00:00Z, 2014-01-01T00:00:00Z)",
                                      "From 2014-01-01T00:00:00Z up to 2015-01-01T00:00:00Z=2 "
                                      "range(2014-01-01T00:00:00Z, 2015-01-01T00:00:00Z)",
                                      "From 2015-01-01T00:00:00Z up to 2016-01-01T00:00:00Z=1 "
                                      "range(2015-01-01T00:00:00Z, 2016-01-01T00:00:00Z)"}),
            Entries(result->refiners[1]));
  EXPECT_EQ(
      (std::vector<std::string>{"Before 2014-01-01T00:00:00Z=2 range(min, 2014-01-01T00:00:00Z)",
                                "From 2014-01-01T00:00:00Z=3 range(2014-01-01T00:00:00Z, max)"}),
      Entries(result->refiners[2]));
}

TEST_F(RefinerSearchTest, FilterAndSortOptions) {
  auto result = Run("FileType(sort=name/ascending),Author(filter=1/2/*)");
  ASSERT_OK(result);
  ASSERT_EQ(2u, result->refiners[0].entries.size());
  EXPECT_EQ("docx", result->refiners[0].entries[0].name);
  ASSERT_EQ(1u, result->refiners[1].entries.size());  // only counts >= 2
  EXPECT_EQ("alice@contoso.com", result->refiners[1].entries[0].name);
}

TEST_F(RefinerSearchTest, RefinementFiltersNarrowTheMatches) {
  using Set = std::set<std::string>;
  EXPECT_EQ((Set{"c.docx", "d.docx"}), Files({"FileType:\"\xC7\x82\xC7\x82"
                                              "646f6378\""}));
  EXPECT_EQ((Set{"b.eml"}), Files({"Size:range(1000, 10000)"}));
  EXPECT_EQ((Set{"a.eml", "e.eml"}), Files({"Size:range(min, 500, to=\"LE\")"}));
  EXPECT_EQ((Set{"e.eml"}), Files({"Size:range(min, 500)"}));  // upper bound exclusive
  EXPECT_EQ((Set{"a.eml"}),
            Files({"and(kind:equals(\"email\"), not(Author:\"bob@contoso.com\"))"}));
  EXPECT_EQ((Set{"a.eml", "e.eml"}), Files({"Author:starts-with(\"alice@\")"}));
  EXPECT_EQ((Set{"c.docx", "d.docx"}), Files({"FileExtension:ends-with(\"cx\")"}));
  EXPECT_EQ((Set{"a.eml", "b.eml"}),
            Files({"Write:range(2013-01-01T00:00:00Z, 2014-01-01T00:00:00Z)"}));
  EXPECT_EQ((Set{"b.eml"}), Files({"FileType:or(\"eml\",\"docx\")", "Custodian:\"alice smith\"",
                                   "Sent:range(2013-06-01, max)"}));  // entries are ANDed
  EXPECT_EQ((Set{}), Files({"FileType:equals(\"pdf\")"}));
  EXPECT_EQ((Set{"error: InvalidArgument: RefinementFilters: range() needs a date or size "
                 "property, not FileType"}),
            Files({"FileType:range(1, 2)"}));
}

TEST_F(RefinerSearchTest, TrimDuplicatesShowsTheSameContentOnce) {
  auto trimmed = Run("FileType", {}, /*trim=*/true);
  ASSERT_OK(trimmed);
  EXPECT_EQ(4u, trimmed->total_rows);
  EXPECT_EQ(5u, trimmed->total_rows_including_duplicates);
  EXPECT_EQ(4u, trimmed->hits.size());
  std::set<std::string> shas;
  for (const SearchHit& hit : trimmed->hits) {
    EXPECT_TRUE(shas.insert(hit.item.sha256).second) << hit.item.sha256;
  }
  // RefinementCount includes duplicates (§1.9.2).
  ASSERT_EQ(2u, trimmed->refiners[0].entries.size());
  EXPECT_EQ(2u, trimmed->refiners[0].entries[1].count);

  auto all = Run("", {}, /*trim=*/false);
  ASSERT_OK(all);
  EXPECT_EQ(5u, all->total_rows);
  EXPECT_EQ(5u, all->total_rows_including_duplicates);
}

TEST_F(RefinerSearchTest, EnableSortingFalseIgnoresSortAndRank) {
  SearchRequest request;
  request.query_text = "budget";
  request.trim_duplicates = false;
  request.sort = {SortSpec{"Size", true}};
  auto sorted = searcher_->Search(request);
  ASSERT_OK(sorted);
  ASSERT_EQ(5u, sorted->hits.size());
  EXPECT_EQ(50000u, sorted->hits[0].item.size);  // the sort applies when sorting is enabled
  EXPECT_EQ(200u, sorted->hits[4].item.size);

  request.enable_sorting = false;
  auto unsorted = searcher_->Search(request);
  ASSERT_OK(unsorted);
  ASSERT_EQ(5u, unsorted->hits.size());
  std::vector<uint64_t> sizes;
  for (const SearchHit& hit : unsorted->hits) {
    EXPECT_EQ(0.0, hit.rank);  // no ranking work: every hit weighs 0
    sizes.push_back(hit.item.size);
  }
  EXPECT_FALSE(std::is_sorted(sizes.begin(), sizes.end(), std::greater<>()));
}

TEST_F(RefinerSearchTest, SuggestCompletesByPrefixMostFrequentFirst) {
  auto words = searcher_->Suggest("BUD", 5);
  ASSERT_OK(words);
  ASSERT_FALSE(words->empty());
  EXPECT_EQ("budget", (*words)[0]);
  auto none = searcher_->Suggest("zzzq", 5);
  ASSERT_OK(none);
  EXPECT_TRUE(none->empty());
}

// 200 items over the index's shards, each with its own author uN@contoso.com; even N are
// emails, odd N files; items 0-2 also say "needle". Author has many values, so it is counted
// from the matches' packed refiner values, and Kind, with two, from its posting lists: both
// ways must count the same documents.
class RefinerCountingTest : public ::testing::Test {
 protected:
  static constexpr int kItems = 200;

  static void SetUpTestSuite() {
    dir_ = new testing::TempDir();
    auto coordinator = CommitCoordinator::Open(dir_->path(), {});
    ASSERT_OK(coordinator);
    WriteSet set;
    for (int n = 0; n < kItems; ++n) {
      Item item;
      item.id = (*coordinator)->store().AllocateId();
      item.kind = n % 2 == 0 ? ItemKind::kEmail : ItemKind::kFile;
      item.file_name = "f" + std::to_string(n) + (n % 2 == 0 ? ".eml" : ".docx");
      item.from = Author(n);
      item.title = "common";
      item.text = n < 3 ? "common needle" : "common hay";
      set.items.push_back(item);
      set.index_ids.push_back(item.id);
    }
    ASSERT_OK((*coordinator)->Write(set));
    ASSERT_OK((*coordinator)->Flush());
  }
  static void TearDownTestSuite() {
    delete dir_;
    dir_ = nullptr;
  }

  static std::string Author(int n) { return "u" + std::to_string(n) + "@contoso.com"; }

  Result<SearchResult> Run(const std::string& query, const std::string& refiners) {
    auto searcher = Searcher::Open(dir_->path());
    if (!searcher.ok()) {
      return searcher.error();
    }
    SearchRequest request;
    request.query_text = query;
    auto specs = ParseRefinerList(refiners);
    if (!specs.ok()) {
      return specs.error();
    }
    request.refiners = std::move(specs).value();
    return (*searcher)->Search(request);
  }

  static std::map<std::string, uint64_t> Counts(const RefinerResult& refiner) {
    std::map<std::string, uint64_t> counts;
    for (const RefinerEntry& e : refiner.entries) {
      counts[e.name] = e.count;
    }
    return counts;
  }

  static testing::TempDir* dir_;
};

testing::TempDir* RefinerCountingTest::dir_ = nullptr;

TEST_F(RefinerCountingTest, ManyValuedAndFewValuedRefinersCountEveryMatch) {
  auto result = Run("needle", "Author,Kind");
  ASSERT_OK(result);
  EXPECT_EQ(3u, result->total_rows);
  ASSERT_EQ(2u, result->refiners.size());
  EXPECT_EQ((std::map<std::string, uint64_t>{{Author(0), 1}, {Author(1), 1}, {Author(2), 1}}),
            Counts(result->refiners[0]));
  EXPECT_EQ((std::map<std::string, uint64_t>{{"email", 2}, {"file", 1}}),
            Counts(result->refiners[1]));

  auto all = Run("common", "Kind,FileType");
  ASSERT_OK(all);
  EXPECT_EQ((std::map<std::string, uint64_t>{{"email", 100}, {"file", 100}}),
            Counts(all->refiners[0]));
  EXPECT_EQ((std::map<std::string, uint64_t>{{"eml", 100}, {"docx", 100}}),
            Counts(all->refiners[1]));
}

TEST_F(RefinerCountingTest, DeepHitsCountTheSameFirstMatchesWhicheverWayTheyAreRead) {
  auto result = Run("common", "Author(deephits=10),Kind(deephits=10),FileType(deephits=4)");
  ASSERT_OK(result);
  EXPECT_EQ(static_cast<uint64_t>(kItems), result->total_rows);
  ASSERT_EQ(3u, result->refiners.size());
  const std::map<std::string, uint64_t> authors = Counts(result->refiners[0]);
  uint64_t counted = 0;
  uint64_t emails = 0;
  for (int n = 0; n < kItems; ++n) {
    const auto it = authors.find(Author(n));
    if (it != authors.end()) {
      EXPECT_EQ(1u, it->second);
      ++counted;
      emails += n % 2 == 0 ? 1 : 0;
    }
  }
  EXPECT_EQ(10u, counted);
  // Kind, read from posting lists, saw exactly the documents Author saw.
  std::map<std::string, uint64_t> kinds;
  if (emails > 0) {
    kinds["email"] = emails;
  }
  if (counted > emails) {
    kinds["file"] = counted - emails;
  }
  EXPECT_EQ(kinds, Counts(result->refiners[1]));
  uint64_t file_types = 0;
  for (const RefinerEntry& e : result->refiners[2].entries) {
    file_types += e.count;
  }
  EXPECT_EQ(4u, file_types);
}

// The searcher counts term refiners from in-memory columns; without them (a column too large
// to build) the posting lists and packed values count. Both must give the same entries.
TEST_F(RefinerCountingTest, ColumnsCountWhatThePostingListsCount) {
  Xapian::Database db((dir_->path() / "xapian").string());
  Xapian::Enquire enquire(db);
  enquire.set_query(Xapian::Query("common"));
  enquire.set_weighting_scheme(Xapian::BoolWeight());
  const Xapian::MSet mset = enquire.get_mset(0, db.get_doccount(), db.get_doccount());
  std::vector<uint32_t> matches;
  for (auto it = mset.begin(); it != mset.end(); ++it) {
    matches.push_back(*it);
  }
  std::sort(matches.begin(), matches.end());
  ASSERT_EQ(static_cast<size_t>(kItems), matches.size());
  for (const char* list : {"Author,Kind,FileType", "Author(deephits=10),Kind(deephits=7)"}) {
    SCOPED_TRACE(list);
    auto specs = ParseRefinerList(list);
    ASSERT_OK(specs);
    RefinerCounter from_postings(*specs);
    from_postings.Count(db, matches);
    RefinerColumns columns;
    RefinerCounter from_columns(*specs);
    from_columns.Count(db, matches, &columns);
    EXPECT_GT(columns.bytes(), 0u);
    const std::vector<RefinerResult> expected = from_postings.Results();
    const std::vector<RefinerResult> actual = from_columns.Results();
    ASSERT_EQ(expected.size(), actual.size());
    for (size_t r = 0; r < expected.size(); ++r) {
      EXPECT_EQ(Counts(expected[r]), Counts(actual[r])) << expected[r].name;
      EXPECT_FALSE(actual[r].entries.empty()) << expected[r].name;
    }
  }
}

// A searcher's columns belong to the index revision it read: after a commit, the counts
// include the new items.
TEST(RefinerColumnsTest, CountsFollowCommitsMadeWhileTheSearcherIsOpen) {
  testing::TempDir dir;
  auto coordinator = CommitCoordinator::Open(dir.path(), {});
  ASSERT_OK(coordinator);
  const auto add = [&](ItemKind kind, int n) {
    WriteSet set;
    for (int i = 0; i < n; ++i) {
      Item item;
      item.id = (*coordinator)->store().AllocateId();
      item.kind = kind;
      item.title = "ledger";
      item.text = "ledger entry";
      set.items.push_back(item);
      set.index_ids.push_back(item.id);
    }
    ASSERT_OK((*coordinator)->Write(set));
    ASSERT_OK((*coordinator)->Flush());
  };
  add(ItemKind::kEmail, 3);
  auto searcher = Searcher::Open(dir.path());
  ASSERT_OK(searcher);
  SearchRequest request;
  request.query_text = "ledger";
  request.refiners = {RefinerSpec{.name = "Kind"}};
  const auto kinds = [&] {
    Result<SearchResult> result = (*searcher)->Search(request);
    EXPECT_OK(result);
    std::map<std::string, uint64_t> counts;
    for (const RefinerEntry& e : result->refiners.at(0).entries) {
      counts[e.name] = e.count;
    }
    return counts;
  };
  EXPECT_EQ((std::map<std::string, uint64_t>{{"email", 3}}), kinds());
  add(ItemKind::kFile, 2);
  add(ItemKind::kEmail, 1);
  EXPECT_EQ((std::map<std::string, uint64_t>{{"email", 4}, {"file", 2}}), kinds());
}

}  // namespace
}  // namespace docket
