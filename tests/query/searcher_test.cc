/** @file
 *  @brief Searcher over a real index (RocksDB + Xapian written by CommitCoordinator): exact
 *  result sets per query, paging, sorting, summaries, errors, Refresh and concurrent use.
 */
#include "query/searcher.h"

#include <gtest/gtest.h>
#include <xapian.h>

#include <algorithm>
#include <array>
#include <limits>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "query/refiners.h"
#include "storage/commit_coordinator.h"
#include "tests/support/lettered_hits.h"
#include "tests/support/test_env.h"

namespace docket {
namespace {

UtcMillis At(int day, int hour = 0, int minute = 0) {
  return UtcFromCivil(2013, 6, 1, 0, 0) + (day - 1) * 86'400'000LL + hour * 3'600'000LL +
         minute * 60'000LL;
}

struct Fixture {
  char letter;
  ItemKind kind;
  std::string title;
  std::string text;
  std::string from;
  std::vector<std::string> to;
  std::vector<std::string> participants;
  UtcMillis sent;
  uint64_t size;
  std::string custodian;
};

// Day 0 is 2013-05-31, day 1 is 2013-06-01.
const std::vector<Fixture>& Corpus() {
  static const auto* corpus = new std::vector<Fixture>{
      {'A',
       ItemKind::kImConversation,
       "Quarterly budget review",
       "Alice: the budget for Falcon is approved.\nBob: great, send the e-mail.",
       "sip:alice@contoso.com",
       {"sip:bob@contoso.com"},
       {"sip:alice@contoso.com", "sip:bob@contoso.com"},
       At(3, 9, 15),
       1000,
       "Alice Smith"},
      {'B',
       ItemKind::kEmail,
       "Budget numbers",
       "The budget spreadsheet is attached & final. Regards, Carol",
       "carol@fabrikam.com",
       {"alice@contoso.com"},
       {},
       At(1, 10),
       5000,
       "Carol"},
      {'C',
       ItemKind::kMeeting,
       "合約審查會議",
       "請於週五前完成合約審查。",
       "chen.dawen@contoso.com",
       {"bob@contoso.com"},
       {},
       At(2, 2),
       3000,
       "Chen"},
      {'D',
       ItemKind::kImConversation,
       "見積書",
       "見積書を送ります。確認してください。",
       "tanaka@contoso.co.jp",
       {"dave@contoso.com"},
       {},
       At(4, 1),
       2000,
       "Tanaka"},
      {'E',
       ItemKind::kEmail,
       "Straße Angebot",
       "Das Budget für die Straße ist genehmigt.",
       "hans@beispiel.de",
       {"alice@contoso.com"},
       {},
       At(0, 12),
       8000,
       "Hans"},
      {'F',
       ItemKind::kImConversation,
       "",
       "Falcon launch moved to Friday.",
       "bob@contoso.com",
       {"dave@contoso.com"},
       {},
       At(3, 15),
       500,
       "Bob"},
  };
  return *corpus;
}

Item MakeItem(ItemId id, const Fixture& f) {
  Item item;
  item.id = id;
  item.kind = f.kind;
  item.title = f.title;
  item.text = f.text;
  item.from = f.from;
  item.to = f.to;
  item.participants = f.participants;
  item.sent = f.sent;
  item.last_activity = f.sent;
  item.size = f.size;
  item.custodian = f.custodian;
  item.file_name = std::string(1, f.letter) + ".eml";
  item.ipath = "export.zip!/" + item.file_name;
  return item;
}

class SearcherTest : public testing::LetteredIndexTest<SearcherTest> {
 protected:
  static void SetUpTestSuite() {
    dir_ = new testing::TempDir();
    auto coordinator = CommitCoordinator::Open(dir_->path(), {});
    ASSERT_OK(coordinator);
    WriteSet set;
    for (const Fixture& f : Corpus()) {
      const ItemId id = (*coordinator)->store().AllocateId();
      letters_[id] = f.letter;
      set.items.push_back(MakeItem(id, f));
      set.index_ids.push_back(id);
    }
    ASSERT_OK((*coordinator)->Write(set));
    ASSERT_OK((*coordinator)->Flush());
  }

 public:
  Result<SearchResult> Run(const std::string& kql, uint32_t start = 0, uint32_t limit = 50,
                           std::vector<SortSpec> sort = {}) {
    SearchRequest request;
    request.query_text = kql;
    request.start_row = start;
    request.row_limit = limit;
    request.sort = std::move(sort);
    return searcher_->Search(request);
  }
};

TEST_F(SearcherTest, ReturnsExactResultSets) {
  const std::pair<std::string, std::string> cases[] = {
      // Chinese and Japanese: any contiguous run is a phrase of unigrams.
      {"合約", "C"},
      {"\"審查\"", "C"},
      {"合約審查", "C"},
      {"約審", "C"},
      {"審約", ""},
      {"見積書", "D"},
      {"見積", "D"},
      // English and German, folded the same way at index and query time.
      {"budget", "ABE"},
      {"BUDGET", "ABE"},
      {"straße", "E"},
      {"STRASSE", "E"},
      {"e-mail", "A"},
      {"\"budget review\"", "A"},
      {"\"review budget\"", ""},
      {"budget AND NOT falcon", "BE"},
      {"budget NOT falcon", "BE"},
      {"-falcon budget", "BE"},
      {"falcon OR 見積書", "ADF"},
      {"fal*", "AF"},
      {"\"budget rev*\"", "A"},
      {"\"budget sp*\"", "B"},
      {"\"budget zz*\"", ""},
      {"*", "ABCDEF"},
      {"NOT kind:im", "BCE"},
      {"budget and falcon", ""},  // lower-case "and" is a term
      // Addresses: whole address, local part, domain, wildcard.
      {"participants:bob@contoso.com", "ACF"},
      {"participants:bob", "ACF"},
      {"from:alice", "A"},
      {"from:alice@contoso.com", "A"},
      {"from:sip:alice@contoso.com", "A"},
      {"from:contoso.com", "ACF"},
      {"from:ali*", "A"},
      {"participants:\"bob@contoso*\"", "ACF"},
      {"to:alice", "BE"},
      {"from:alice from:carol", "AB"},
      {"from:alice AND from:carol", ""},
      {"from:chen.dawen", "C"},
      // Subject, kind, custodian.
      {"subject:budget", "AB"},
      {"title:budget", "AB"},
      {"subject:\"budget review\"", "A"},
      {"subject:\"quarterly bud*\"", "A"},
      {"subject:(budget -numbers)", "A"},
      {"subject:合約", "C"},
      {"subject:falcon", ""},
      {"kind:meetings", "C"},
      {"kind:meeting", "C"},
      {"kind:im", "ADF"},
      {"kind:email", "BE"},
      {"kind:im kind:email", "ABDEF"},
      {"custodian:\"Alice Smith\"", "A"},
      {"custodian:alice", ""},
      // Dates (UTC) and sizes.
      {"sent>=2013-06-02", "ACDF"},
      {"sent:2013-06-03", "AF"},
      {"sent=2013-06-03", "AF"},
      {"sent>2013-06-03", "D"},
      {"sent<2013-06-01", "E"},
      {"sent<=2013-06-01", "BE"},
      {"sent:2013-06-01..2013-06-03", "ABCF"},
      {"sent>=2013-06-01 AND sent<=2013-06-02", "BC"},
      {"sent:2013-06-03T09:15", "A"},
      {"size>2500", "BCE"},
      {"size:500..1000", "AF"},
      {"size:1000", "A"},
      {"budget size<2000", "A"},
      // Overlong values: no error, no match.
      {"from:" + std::string(300, 'a'), ""},
      {"from:" + std::string(300, 'a') + "*", ""},
      {std::string(300, 'b'), ""},
      {"budget OR " + std::string(300, 'b'), "ABE"},
      // Unknown property: no error, no match.
      {"nosuchprop:x", ""},
      {"budget OR nosuchprop:x", "ABE"},
  };
  for (const auto& [kql, expected] : cases) {
    EXPECT_EQ(expected, Matches(kql)) << "query: " << kql;
  }
}

TEST_F(SearcherTest, PagesAndSorts) {
  const SortSpec sent_ascending{"Sent", false};
  Result<SearchResult> all = Run("*", 0, 50, {sent_ascending});
  ASSERT_OK(all);
  EXPECT_EQ("EBCAFD", Letters(*all));
  EXPECT_EQ(6u, all->total_rows);

  Result<SearchResult> page = Run("*", 2, 2, {sent_ascending});
  ASSERT_OK(page);
  EXPECT_EQ("CA", Letters(*page));
  EXPECT_EQ(6u, page->total_rows);

  Result<SearchResult> past_end = Run("*", 10, 2, {sent_ascending});
  ASSERT_OK(past_end);
  EXPECT_EQ("", Letters(*past_end));
  EXPECT_EQ(6u, past_end->total_rows);

  Result<SearchResult> descending = Run("*", 0, 50, {{"Sent", true}});
  ASSERT_OK(descending);
  EXPECT_EQ("DFACBE", Letters(*descending));

  Result<SearchResult> by_size = Run("*", 0, 50, {{"Size", false}});
  ASSERT_OK(by_size);
  EXPECT_EQ("FADCBE", Letters(*by_size));

  Result<SearchResult> by_write = Run("kind:im", 0, 50, {{"Write", true}});
  ASSERT_OK(by_write);
  EXPECT_EQ("DFA", Letters(*by_write));

  Result<SearchResult> count_only = Run("*", 0, 0);
  ASSERT_OK(count_only);
  EXPECT_EQ("", Letters(*count_only));
  EXPECT_EQ(6u, count_only->total_rows);

  Result<SearchResult> capped = Run("*", 0, 100000);
  ASSERT_OK(capped);
  EXPECT_EQ(6u, capped->hits.size());

  Result<SearchResult> bad_sort = Run("*", 0, 10, {{"Colour", false}});
  ASSERT_FALSE(bad_sort.ok());
  EXPECT_EQ(StatusCode::kInvalidArgument, bad_sort.error().code());
}

TEST_F(SearcherTest, SortsByEverySharePointSortProperty) {
  // sharepoint-search.md §1.10: Rank, Write, LastModifiedTime, Created, Size, Sent, Received,
  // Title, each both ways. Received is the sent time for these (none has a delivery time);
  // Created is Sent; Write and LastModifiedTime are the last activity (= sent here).
  const std::pair<std::string, std::string> ascending[] = {
      {"Write", "EBCAFD"},
      {"LastModifiedTime", "EBCAFD"},
      {"Created", "EBCAFD"},
      {"Sent", "EBCAFD"},
      {"Received", "EBCAFD"},
      {"Size", "FADCBE"},
      // Case- and accent-insensitive: "Budget", "F.eml" (no title: its file name),
      // "Quarterly", "Straße", then CJK by code point.
      {"Title", "BFAECD"},
  };
  for (const auto& [property, expected] : ascending) {
    Result<SearchResult> up = Run("*", 0, 50, {{property, false}});
    ASSERT_OK(up);
    EXPECT_EQ(expected, Letters(*up)) << property;
    Result<SearchResult> down = Run("*", 0, 50, {{property, true}});
    ASSERT_OK(down);
    EXPECT_EQ(std::string(expected.rbegin(), expected.rend()), Letters(*down)) << property;
    // Paging cuts the same order.
    Result<SearchResult> page = Run("*", 2, 3, {{property, false}});
    ASSERT_OK(page);
    EXPECT_EQ(expected.substr(2, 3), Letters(*page)) << property;
    EXPECT_EQ(6u, page->total_rows) << property;
  }
  Result<SearchResult> by_rank = Run("budget", 0, 50, {{"Rank", true}});
  ASSERT_OK(by_rank);
  Result<SearchResult> by_default = Run("budget");
  ASSERT_OK(by_default);
  EXPECT_EQ(Letters(*by_default), Letters(*by_rank));
  // Title then Sent: the second key only breaks ties of the first.
  Result<SearchResult> two_keys = Run("kind:im", 0, 50, {{"Title", false}, {"Sent", true}});
  ASSERT_OK(two_keys);
  EXPECT_EQ("FAD", Letters(*two_keys));
}

TEST_F(SearcherTest, RandomSortIsAFixedShufflePerSeed) {
  Result<SearchResult> a = Run("*", 0, 50, {{"[random:seed=1]", false}});
  ASSERT_OK(a);
  Result<SearchResult> again = Run("*", 0, 50, {{"[random:seed=1]", false}});
  ASSERT_OK(again);
  EXPECT_EQ(Letters(*a), Letters(*again));
  std::string sorted = Letters(*a);
  std::sort(sorted.begin(), sorted.end());
  EXPECT_EQ("ABCDEF", sorted);
  // Descending is the reverse; pages cut the same shuffle.
  Result<SearchResult> reversed = Run("*", 0, 50, {{"[random:seed=1]", true}});
  ASSERT_OK(reversed);
  const std::string shuffle = Letters(*a);
  EXPECT_EQ(std::string(shuffle.rbegin(), shuffle.rend()), Letters(*reversed));
  Result<SearchResult> first = Run("*", 0, 3, {{"[random:seed=1]", false}});
  Result<SearchResult> second = Run("*", 3, 3, {{"[random:seed=1]", false}});
  ASSERT_OK(first);
  ASSERT_OK(second);
  EXPECT_EQ(Letters(*a), Letters(*first) + Letters(*second));
  // Other seeds give other orders (6! orders: at least one of these differs).
  std::set<std::string> orders;
  for (int seed = 1; seed <= 5; ++seed) {
    Result<SearchResult> r =
        Run("*", 0, 50, {{"[random:seed=" + std::to_string(seed) + "]", false}});
    ASSERT_OK(r);
    orders.insert(Letters(*r));
  }
  EXPECT_GT(orders.size(), 1u);
}

TEST_F(SearcherTest, FormulaSorts) {
  // |2000 - size|: D 0, A 1000, C 1000 (tie: relevance, then index order), F 1500, B 3000,
  // E 6000.
  Result<SearchResult> distance = Run("*", 0, 50, {{"[formula:abs(2000-size)]", false}});
  ASSERT_OK(distance);
  EXPECT_EQ("DACFBE", Letters(*distance));
  // log(0) and log(<0) are not numbers: last in both directions.
  Result<SearchResult> up = Run("*", 0, 50, {{"[formula:log(size-1000)]", false}});
  ASSERT_OK(up);
  EXPECT_EQ("DCBEAF", Letters(*up));
  Result<SearchResult> down = Run("*", 0, 50, {{"[formula:log(size-1000)]", true}});
  ASSERT_OK(down);
  EXPECT_EQ("EBCDAF", Letters(*down));
  // A formula key, then Sent descending within each bucket.
  Result<SearchResult> buckets =
      Run("*", 0, 50, {{"[formula:bucket(size,2500)]", false}, {"Sent", true}});
  ASSERT_OK(buckets);
  EXPECT_EQ("DFACBE", Letters(*buckets));
  // rank reads the relevance weight.
  Result<SearchResult> by_rank = Run("budget", 0, 50, {{"[formula:rank*2]", true}});
  ASSERT_OK(by_rank);
  Result<SearchResult> by_default = Run("budget");
  ASSERT_OK(by_default);
  EXPECT_EQ(Letters(*by_default), Letters(*by_rank));
  Result<SearchResult> bad = Run("*", 0, 50, {{"[formula:foo(size)]", false}});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(StatusCode::kInvalidArgument, bad.error().code());
}

TEST_F(SearcherTest, RanksByRelevanceByDefault) {
  Result<SearchResult> result = Run("budget");
  ASSERT_OK(result);
  ASSERT_EQ(3u, result->hits.size());
  for (size_t i = 1; i < result->hits.size(); ++i) {
    EXPECT_GE(result->hits[i - 1].rank, result->hits[i].rank);
  }
  EXPECT_GT(result->hits.back().rank, 0);
}

TEST_F(SearcherTest, FillsItemsSummariesAndQueryModification) {
  Result<SearchResult> result = Run("合約 from:chen.dawen");
  ASSERT_OK(result);
  ASSERT_EQ(1u, result->hits.size());
  const SearchHit& hit = result->hits.front();
  EXPECT_EQ("合約審查會議", hit.item.title);
  EXPECT_EQ("chen.dawen@contoso.com", hit.item.from);
  EXPECT_EQ(ItemKind::kMeeting, hit.item.kind);
  EXPECT_EQ("請於週五前完成<c0>合約</c0>審查。", hit.highlighted_summary);
  EXPECT_EQ("AND(TERM(合約), PROP(from, TERM(chen.dawen)))", result->query_modification);

  Result<SearchResult> escaped = Run("spreadsheet");
  ASSERT_OK(escaped);
  ASSERT_EQ(1u, escaped->hits.size());
  EXPECT_EQ("The budget <c0>spreadsheet</c0> is attached &amp; final. Regards, Carol",
            escaped->hits.front().highlighted_summary);
}

TEST_F(SearcherTest, HighlightsTheRequestedProperties) {
  SearchRequest request;
  request.query_text = "budget kind:email";
  Result<SearchResult> plain = searcher_->Search(request);
  ASSERT_OK(plain);
  ASSERT_EQ(2u, plain->hits.size());
  for (const SearchHit& hit : plain->hits) {
    EXPECT_EQ("", hit.highlighted_properties);  // none asked: a null cell
  }

  request.query_text = "budget from:carol";
  request.hit_highlighted_properties = {"Title", "Author", "Path"};
  Result<SearchResult> named = searcher_->Search(request);
  ASSERT_OK(named);
  ASSERT_EQ(1u, named->hits.size());
  // Free-text terms are highlighted; a from: restriction is not (highlighter.h).
  EXPECT_EQ(
      "<HHTitle><c0>Budget</c0> numbers</HHTitle>\n"
      "<HHAuthor>carol@fabrikam.com</HHAuthor>\n"
      "<HHUrl>export.zip!/B.eml</HHUrl>",
      named->hits.front().highlighted_properties);
}

TEST_F(SearcherTest, MalformedQueriesAreInvalidArgument) {
  const std::pair<std::string, std::string> cases[] = {
      {"budget (review", "position 7: unbalanced parenthesis"},
      {"\"budget", "position 0: unbalanced quotation mark"},
      {"budget AND", "position 7: operator AND has nothing on its right"},
      {"title:", "position 6: property 'title' has no value"},
      {"", "position 0: empty query"},
      {"sent:2013-02-30x",
       "position 5: '2013-02-30x' is not a UTC date; use YYYY-MM-DD or YYYY-MM-DDThh:mm:ssZ"},
  };
  for (const auto& [kql, message] : cases) {
    Result<SearchResult> result = Run(kql);
    ASSERT_FALSE(result.ok()) << kql;
    EXPECT_EQ(StatusCode::kInvalidArgument, result.error().code()) << kql;
    EXPECT_EQ(message, result.error().message()) << kql;
  }
}

// The ids of every hit Search lists for `request` over all its pages, without trimming.
std::vector<ItemId> SearchedIds(Searcher& searcher, SearchRequest request) {
  request.start_row = 0;
  request.row_limit = 500;
  request.trim_duplicates = false;
  Result<SearchResult> result = searcher.Search(request);
  EXPECT_OK(result);
  std::vector<ItemId> ids;
  if (result.ok()) {
    EXPECT_LT(result->total_rows, 500u) << "the page must hold every hit";
    for (const SearchHit& hit : result->hits) {
      ids.push_back(hit.item.id);
    }
  }
  std::sort(ids.begin(), ids.end());
  return ids;
}

TEST_F(SearcherTest, MatchingIdsAreEveryIdTheSearchMatches) {
  struct Case {
    std::string kql;
    std::vector<std::string> filters;
    UtcMillis now;
    std::string expected;
  };
  const Case cases[] = {
      {"budget", {}, 0, "ABE"},
      {"falcon OR 見積書", {}, 0, "ADF"},
      {"from:contoso.com", {}, 0, "ACF"},
      {"participants:bob", {}, 0, "ACF"},
      {"kind:im", {}, 0, "ADF"},
      {"size:500..1000", {}, 0, "AF"},
      {"budget", {"kind:equals(\"email\")"}, 0, "BE"},
      {"*", {"kind:equals(\"im\")", "Size:range(min, 1000, to=\"LE\")"}, 0, "AF"},
      // Relative dates count from the request's `now`, as in Search.
      {"sent:today", {}, At(3, 18), "AF"},
      {"sent:today", {}, At(4, 18), "D"},
      {"sent:yesterday", {}, At(2, 12), "B"},
      {"sent>=2013-06-02", {}, 0, "ACDF"},
      {"budget and falcon", {}, 0, ""},
      {"nosuchprop:x", {}, 0, ""},
  };
  for (const Case& c : cases) {
    SearchRequest request;
    request.query_text = c.kql;
    request.refinement_filters = c.filters;
    request.now = c.now;
    Result<std::vector<ItemId>> ids = searcher_->MatchingIds(request);
    ASSERT_OK(ids) << c.kql;
    EXPECT_TRUE(std::is_sorted(ids->begin(), ids->end())) << c.kql;
    EXPECT_EQ(SearchedIds(*searcher_, request), *ids) << c.kql;
    std::string letters;
    for (ItemId id : *ids) {
      letters.push_back(letters_.at(id));
    }
    std::sort(letters.begin(), letters.end());
    EXPECT_EQ(c.expected, letters) << c.kql;

    // Paging, sorting, trimming and refiners shape the page, not the set.
    request.start_row = 2;
    request.row_limit = 1;
    request.sort = {{"Size", false}};
    request.trim_duplicates = true;
    request.refiners = {RefinerSpec{.name = "FileType"}};
    Result<std::vector<ItemId>> again = searcher_->MatchingIds(request);
    ASSERT_OK(again) << c.kql;
    EXPECT_EQ(*ids, *again) << c.kql;
  }
}

TEST_F(SearcherTest, MatchingIdsRejectsWhatSearchRejects) {
  const std::pair<std::string, std::vector<std::string>> cases[] = {
      {"budget (review", {}},
      {"", {}},
      {"sent:2013-02-30x", {}},
      {"budget", {"nope:equals(\"x\")"}},
      {"budget", {"FileType:equals(\"docx\""}},
  };
  for (const auto& [kql, filters] : cases) {
    SearchRequest request;
    request.query_text = kql;
    request.refinement_filters = filters;
    Result<SearchResult> searched = searcher_->Search(request);
    Result<std::vector<ItemId>> ids = searcher_->MatchingIds(request);
    ASSERT_FALSE(searched.ok()) << kql;
    ASSERT_FALSE(ids.ok()) << kql;
    EXPECT_EQ(StatusCode::kInvalidArgument, ids.error().code()) << kql;
    EXPECT_EQ(searched.error().ToString(), ids.error().ToString()) << kql;
  }
}

TEST_F(SearcherTest, SearchesFromSeveralThreads) {
  std::vector<std::thread> threads;
  std::vector<std::string> results(4);
  for (size_t t = 0; t < results.size(); ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 20; ++i) {
        Result<SearchResult> r = Run(t % 2 == 0 ? "budget" : "合約");
        results[t] = r.ok() ? std::to_string(r->total_rows) : r.error().ToString();
      }
    });
  }
  for (auto& thread : threads) {
    thread.join();
  }
  EXPECT_EQ((std::vector<std::string>{"3", "1", "3", "1"}), results);
}

TEST(SearcherOpenTest, MissingIndexIsNotFound) {
  testing::TempDir dir;
  const auto missing = dir.path() / "nothing-here";
  Result<std::unique_ptr<Searcher>> searcher = Searcher::Open(missing);
  ASSERT_FALSE(searcher.ok());
  EXPECT_EQ(StatusCode::kNotFound, searcher.error().code());
  EXPECT_EQ("no index at " + missing.string() + "; run docket ingest first",
            searcher.error().message());
}

// More matches than a search page holds (500), copies of the same content among them: an
// export takes every one, each copy included.
TEST(SearcherMatchingIdsTest, ReturnsEveryMatchBeyondAPageAndEveryDuplicate) {
  testing::TempDir dir;
  auto coordinator = CommitCoordinator::Open(dir.path(), {});
  ASSERT_OK(coordinator);
  constexpr int kItems = 1500;
  std::vector<ItemId> zebras;
  std::vector<ItemId> copies;
  WriteSet set;
  for (int i = 0; i < kItems; ++i) {
    Item item;
    item.id = (*coordinator)->store().AllocateId();
    item.kind = ItemKind::kEmail;
    item.title = "note " + std::to_string(i);
    // Every third item mentions the zebra; items 0, 3 and 6 are the same native.
    item.text = i % 3 == 0 ? "A zebra crossed the road." : "Nothing to see here.";
    item.sha256 = i < 9 && i % 3 == 0 ? "dup" : "sha" + std::to_string(i);
    item.sent = UtcFromCivil(2013, 6, 1, 0, 0) + i * 60'000LL;
    if (i % 3 == 0) {
      zebras.push_back(item.id);
    }
    if (item.sha256 == "dup") {
      copies.push_back(item.id);
    }
    set.index_ids.push_back(item.id);
    set.items.push_back(std::move(item));
  }
  ASSERT_OK((*coordinator)->Write(set));
  ASSERT_OK((*coordinator)->Flush());
  ASSERT_EQ(copies.size(), 3u);

  auto searcher = Searcher::Open(dir.path());
  ASSERT_OK(searcher);
  SearchRequest request;
  request.query_text = "zebra";
  Result<SearchResult> page = (*searcher)->Search(request);
  ASSERT_OK(page);
  EXPECT_EQ(page->total_rows, zebras.size() - 2);  // the copies shown once
  EXPECT_EQ(page->hits.size(), 10u);

  Result<std::vector<ItemId>> ids = (*searcher)->MatchingIds(request);
  ASSERT_OK(ids);
  EXPECT_EQ(*ids, zebras);
  for (ItemId copy : copies) {
    EXPECT_TRUE(std::binary_search(ids->begin(), ids->end(), copy)) << copy;
  }

  request.query_text = "*";
  ids = (*searcher)->MatchingIds(request);
  ASSERT_OK(ids);
  EXPECT_EQ(ids->size(), static_cast<size_t>(kItems));
  request.query_text = "road -zebra";
  ids = (*searcher)->MatchingIds(request);
  ASSERT_OK(ids);
  EXPECT_TRUE(ids->empty());
}

// TotalRows is exact however the page was found: the page itself is ranked without checking
// every match (Xapian then only estimates how many there are), so the searcher must count
// separately. Words of varied frequency and documents of varied length make the estimate
// differ from the truth for conjunctions and phrases in a corpus of this size.
TEST(SearcherTotalsTest, TotalRowsAreExactWhereTheMatcherOnlyEstimates) {
  testing::TempDir dir;
  auto coordinator = CommitCoordinator::Open(dir.path(), {});
  ASSERT_OK(coordinator);
  constexpr int kItems = 3000;
  std::map<std::string, uint64_t> expected;               // query -> items
  std::map<std::string, std::set<std::string>> contents;  // query -> distinct natives
  WriteSet set;
  for (int i = 0; i < kItems; ++i) {
    Item item;
    item.id = (*coordinator)->store().AllocateId();
    item.kind = ItemKind::kEmail;
    item.title = "note " + std::to_string(i);
    const bool alpha = i % 2 == 0;
    const bool beta = i % 3 == 0;
    const bool phrase = i % 7 == 0;  // "alpha beta" next to each other
    std::string text;
    for (int pad = 0; pad < i % 40; ++pad) {
      text += "filler" + std::to_string(pad % 5) + " ";
    }
    if (alpha) {
      text += i % 11 == 0 ? "alpha alpha alpha " : "alpha ";
    }
    text += "gap ";
    if (beta) {
      text += "beta ";
    }
    if (phrase) {
      text += "alpha beta";
    }
    item.text = text;
    const bool both = (alpha || phrase) && (beta || phrase);
    // Every 13th item of both words is the same native.
    item.sha256 = both && i % 13 == 0 ? "dup" : "sha" + std::to_string(i);
    const auto count = [&](const std::string& query, bool matches) {
      expected[query] += matches ? 1 : 0;
      if (matches) {
        contents[query].insert(item.sha256);
      }
    };
    count("alpha AND beta", both);
    count("\"alpha beta\"", phrase);
    count("alpha NOT beta", (alpha || phrase) && !(beta || phrase));
    item.sent = UtcFromCivil(2013, 6, 1, 0, 0) + i * 60'000LL;
    set.index_ids.push_back(item.id);
    set.items.push_back(std::move(item));
  }
  ASSERT_OK((*coordinator)->Write(set));
  ASSERT_OK((*coordinator)->Flush());
  ASSERT_LT(contents["alpha AND beta"].size(), expected["alpha AND beta"]);

  auto searcher = Searcher::Open(dir.path());
  ASSERT_OK(searcher);
  for (const auto& [query, count] : expected) {
    for (const bool trim : {false, true}) {
      for (const uint32_t start : {0u, 40u}) {
        SCOPED_TRACE(query + (trim ? " trimmed" : "") + " from " + std::to_string(start));
        SearchRequest request;
        request.query_text = query;
        request.trim_duplicates = trim;
        request.start_row = start;
        Result<SearchResult> page = (*searcher)->Search(request);
        ASSERT_OK(page);
        const uint64_t withheld = trim ? count - contents[query].size() : 0;
        EXPECT_EQ(page->total_rows, count - withheld);
        EXPECT_EQ(page->total_rows_including_duplicates, count);
        EXPECT_EQ(page->hits.size(), 10u);
        // Sorted by a value slot, the same totals.
        request.sort = {SortSpec{.property = "Write", .descending = true}};
        page = (*searcher)->Search(request);
        ASSERT_OK(page);
        EXPECT_EQ(page->total_rows, count - withheld);
        // With refiners, whose pass over every match also counts them.
        request.sort.clear();
        Result<std::vector<RefinerSpec>> refiners = ParseRefinerList("FileType,Size");
        ASSERT_OK(refiners);
        request.refiners = *refiners;
        page = (*searcher)->Search(request);
        ASSERT_OK(page);
        EXPECT_EQ(page->total_rows, count - withheld);
        EXPECT_EQ(page->total_rows_including_duplicates, count);
      }
    }
  }
}

// Date restrictions are planned from calendar terms (index_schema.h) on an index that has
// them, and from value ranges on one made before them. Both must match exactly the items whose
// date is in range, at year, month and day edges and at a time of day.
TEST(SearcherDatesTest, CalendarTermsMatchExactlyWhatTheDatesSay) {
  testing::TempDir dir;
  CommitOptions options;
  options.shards = 2;  // the default, said here because the test rewrites each shard below
  auto coordinator = CommitCoordinator::Open(dir.path(), options);
  ASSERT_OK(coordinator);
  // Every 7 hours and 13 minutes from 2012-12-25 for ~5 months: crosses a year, months, days.
  const UtcMillis start = UtcFromCivil(2012, 12, 25, 3, 0);
  constexpr int kItems = 500;
  std::map<ItemId, std::array<UtcMillis, 3>> dates;  // sent, received, last activity
  WriteSet set;
  for (int i = 0; i < kItems; ++i) {
    Item item;
    item.id = (*coordinator)->store().AllocateId();
    item.kind = ItemKind::kEmail;
    item.title = "note " + std::to_string(i);
    item.text = "calendar";
    item.sha256 = "sha" + std::to_string(i);
    item.sent = i % 50 == 7 ? 0 : start + i * (7 * 3'600'000LL + 13 * 60'000LL);  // some unknown
    // Two dates no calendar term can spell (years outside 0-9999), as a damaged header gives.
    if (i == 11) {
      item.sent = UtcFromCivil(12000, 3, 1);
    } else if (i == 13) {
      item.sent = UtcFromCivil(-40, 3, 1);
    }
    item.received = item.sent == 0 ? 0 : item.sent + 90'000;
    item.last_activity = item.sent == 0 ? 0 : item.sent + 40 * 60'000;
    dates[item.id] = {item.sent, item.received, item.last_activity};
    set.index_ids.push_back(item.id);
    set.items.push_back(std::move(item));
  }
  ASSERT_OK((*coordinator)->Write(set));
  ASSERT_OK((*coordinator)->Flush());
  coordinator->reset();

  struct Case {
    std::string kql;
    int field;  // 0 sent, 1 received, 2 write
    UtcMillis low;
    UtcMillis high;  // inclusive
  };
  const UtcMillis kMin = std::numeric_limits<UtcMillis>::min();
  const UtcMillis kMax = std::numeric_limits<UtcMillis>::max();
  const std::vector<Case> cases = {
      {"sent>=2013-01-01", 0, UtcFromCivil(2013, 1, 1), kMax},
      {"sent<2013-01-01", 0, kMin, UtcFromCivil(2013, 1, 1) - 1},
      {"sent<=2013-02-28", 0, kMin, UtcFromCivil(2013, 3, 1) - 1},
      {"sent:2012-12-30..2013-02-02", 0, UtcFromCivil(2012, 12, 30), UtcFromCivil(2013, 2, 3) - 1},
      {"sent=2013-02", 0, UtcFromCivil(2013, 2, 1), UtcFromCivil(2013, 3, 1) - 1},
      {"sent:2013", 0, UtcFromCivil(2013, 1, 1), UtcFromCivil(2014, 1, 1) - 1},
      {"sent>2013-03-15", 0, UtcFromCivil(2013, 3, 16), kMax},
      {"sent>=2013-01-10T10:30", 0, UtcFromCivil(2013, 1, 10, 10, 30), kMax},
      {"sent<2013-01-10T10:30", 0, kMin, UtcFromCivil(2013, 1, 10, 10, 30) - 1},
      {"received>=2013-04-01 AND received<=2013-04-30", 1, UtcFromCivil(2013, 4, 1),
       UtcFromCivil(2013, 5, 1) - 1},
      {"write<2013-01-01T00:20", 2, kMin, UtcFromCivil(2013, 1, 1, 0, 20) - 1},
      {"write:2013-02-14", 2, UtcFromCivil(2013, 2, 14), UtcFromCivil(2013, 2, 15) - 1},
      {"sent>=2030-01-01", 0, UtcFromCivil(2030, 1, 1), kMax},
      {"sent<>2013-02-14", 0, kMin, kMax},  // checked below: everything but that day
  };
  const auto expected = [&](const Case& c) {
    std::set<ItemId> ids;
    for (const auto& [id, when] : dates) {
      const UtcMillis t = when[c.field];
      if (c.kql.find("<>") != std::string::npos) {
        if (t == 0 || t < UtcFromCivil(2013, 2, 14) || t >= UtcFromCivil(2013, 2, 15)) {
          ids.insert(id);  // an unknown date is not that day either
        }
      } else if (t != 0 && t >= c.low && t <= c.high) {
        ids.insert(id);
      }
    }
    return ids;
  };
  const auto run = [&](const std::string& kql) {
    auto searcher = Searcher::Open(dir.path());
    EXPECT_OK(searcher);
    SearchRequest request;
    request.query_text = "calendar AND (" + kql + ")";
    request.row_limit = 500;
    request.trim_duplicates = false;
    Result<std::vector<ItemId>> ids = (*searcher)->MatchingIds(request);
    EXPECT_OK(ids);
    Result<SearchResult> page = (*searcher)->Search(request);
    EXPECT_OK(page);
    EXPECT_EQ(page->total_rows, ids->size()) << kql;
    return std::set<ItemId>(ids->begin(), ids->end());
  };
  for (const Case& c : cases) {
    EXPECT_EQ(run(c.kql), expected(c)) << c.kql << " (calendar terms)";
  }
  // The same index as one made before the terms existed: value ranges, the same answers.
  IndexLayout layout(dir.path());
  for (uint32_t shard = 0; shard < 2; ++shard) {
    Xapian::WritableDatabase db(layout.xapian_shard(shard).string());
    ASSERT_EQ(db.get_metadata("docket.date_terms"), "1");
    db.set_metadata("docket.date_terms", "");
    db.commit();
  }
  for (const Case& c : cases) {
    EXPECT_EQ(run(c.kql), expected(c)) << c.kql << " (value ranges)";
  }
}

TEST(SearcherOpenTest, SearchSeesCommitsMadeAfterItOpened) {
  testing::TempDir dir;
  auto coordinator = CommitCoordinator::Open(dir.path(), {});
  ASSERT_OK(coordinator);
  Fixture first = Corpus().front();
  const ItemId a = (*coordinator)->store().AllocateId();
  ASSERT_OK((*coordinator)->Write({.items = {MakeItem(a, first)}, .index_ids = {a}}));
  ASSERT_OK((*coordinator)->Flush());

  auto searcher = Searcher::Open(dir.path());
  ASSERT_OK(searcher);
  SearchRequest request;
  request.query_text = "zebra";
  Result<SearchResult> before = (*searcher)->Search(request);
  ASSERT_OK(before);
  EXPECT_EQ(0u, before->total_rows);

  // A concurrent ingest commits a new item: the next search finds it (and its stored item)
  // without a restart.
  Fixture second = first;
  second.text = "A zebra crossed the road.";
  const ItemId b = (*coordinator)->store().AllocateId();
  ASSERT_OK((*coordinator)->Write({.items = {MakeItem(b, second)}, .index_ids = {b}}));
  ASSERT_OK((*coordinator)->Flush());

  Result<SearchResult> after = (*searcher)->Search(request);
  ASSERT_OK(after);
  ASSERT_EQ(1u, after->total_rows);
  EXPECT_EQ(b, after->hits.front().item.id);
  EXPECT_EQ("A <c0>zebra</c0> crossed the road.", after->hits.front().highlighted_summary);
  ASSERT_OK((*searcher)->Refresh());
  EXPECT_EQ(1u, (*searcher)->Search(request)->total_rows);
}

}  // namespace
}  // namespace docket
