/** @file
 *  @brief The identity directory: CSV import (quoting, BOM, column order, bad rows), merging in
 *  the DocStore, and recipient expansion in real searches whether the directory comes before or
 *  after the items.
 */
#include "storage/directory.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "query/searcher.h"
#include "storage/commit_coordinator.h"
#include "storage/doc_store.h"
#include "storage/text_analyzer.h"
#include "tests/support/test_env.h"

namespace docket {
namespace {

TEST(DirectoryCsvTest, ReadsColumnsInAnyOrderWithQuotingAndBom) {
  const std::string csv =
      "\xEF\xBB\xBFSipAddress,Department,DisplayName,SmtpAddress\r\n"
      "sip:alice.w@contoso.com,\"Legal, EMEA\",\"Wong, Alice\",alice@contoso.com\r\n"
      "sip:bob@contoso.com,Sales,\"Bob \"\"The Builder\"\" Smith\",\r\n"
      "\r\n"
      ",IT,Nobody,\r\n"
      "\"\",\"multi\nline\",Carol,carol@contoso.com\n";
  auto parsed = ParseDirectoryCsv(csv);
  ASSERT_OK(parsed);
  ASSERT_EQ(3u, parsed->entries.size());
  EXPECT_EQ("Wong, Alice", parsed->entries[0].display_name);
  EXPECT_EQ("alice@contoso.com", parsed->entries[0].smtp);
  EXPECT_EQ("sip:alice.w@contoso.com", parsed->entries[0].sip);
  EXPECT_EQ("Bob \"The Builder\" Smith", parsed->entries[1].display_name);
  EXPECT_EQ("", parsed->entries[1].smtp);
  EXPECT_EQ("sip:bob@contoso.com", parsed->entries[1].sip);
  EXPECT_EQ("Carol", parsed->entries[2].display_name);
  EXPECT_EQ("carol@contoso.com", parsed->entries[2].smtp);
  // The blank line 4 is no row; line 5 has a name but no address.
  ASSERT_EQ(1u, parsed->problems.size());
  EXPECT_EQ("line 5: no SmtpAddress or SipAddress; row skipped", parsed->problems[0]);
}

TEST(DirectoryCsvTest, HeaderWithoutAddressColumnsIsRejected) {
  auto parsed = ParseDirectoryCsv("Name,Department\nAlice,Legal\n");
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(StatusCode::kInvalidArgument, parsed.error().code());
  EXPECT_NE(std::string::npos, parsed.error().message().find("SmtpAddress"));
  EXPECT_FALSE(ParseDirectoryCsv("").ok());
}

TEST(DirectoryStoreTest, AnyFormFindsEveryFormAndAddressesMerge) {
  testing::TempDir dir;
  TextAnalyzer analyzer;
  {
    auto store = DocStore::Open(dir.path(), {});
    ASSERT_OK(store);
    auto stored = ImportDirectory(**store,
                                  {{"Alice Wong", "alice@contoso.com", "sip:alice.w@contoso.com"},
                                   {"Alice Smith", "alice.smith@contoso.com", ""}},
                                  analyzer);
    ASSERT_OK(stored);
    EXPECT_EQ(2u, *stored);
    // A second import joins a new address to the identity an address already names.
    ASSERT_OK(ImportDirectory(**store, {{"", "awong@fabrikam.com", "sip:alice.w@contoso.com"}},
                              analyzer));
  }
  auto store = DocStore::Open(dir.path(), {.create_if_missing = false, .read_only = true});
  ASSERT_OK(store);
  StoreIdentityResolver resolver(**store);
  const std::vector<std::string> alice = {"alice wong", "alice.w@contoso.com", "alice@contoso.com",
                                          "awong@fabrikam.com"};
  EXPECT_EQ(alice, resolver.FormsOf("alice@contoso.com"));
  EXPECT_EQ(alice, resolver.FormsOf("alice.w@contoso.com"));
  EXPECT_EQ(alice, resolver.FormsOf("awong@fabrikam.com"));
  EXPECT_EQ(alice, resolver.FormsOf("alice wong"));
  // A shared alias names everyone who has it; two people are never merged by it.
  const std::vector<std::string> smith = {"alice smith", "alice.smith@contoso.com"};
  EXPECT_EQ(smith, resolver.FormsOf("alice.smith@contoso.com"));
  std::vector<std::string> by_alias = resolver.FormsOf("alice");
  EXPECT_EQ(alice, by_alias);  // "alice" is the alias of alice@contoso.com only
  EXPECT_TRUE(resolver.FormsOf("nobody@contoso.com").empty());
}

// The IM Lync recorded as sip:alice.w@contoso.com and Alice's mail to alice@contoso.com.
void WriteItems(const std::filesystem::path& index) {
  auto coordinator = CommitCoordinator::Open(index, {});
  ASSERT_OK(coordinator);
  WriteSet set;
  Item im;
  im.id = (*coordinator)->store().AllocateId();
  im.kind = ItemKind::kImConversation;
  im.title = "falcon";
  im.text = "alice.w@contoso.com: hello";
  im.from = "sip:alice.w@contoso.com";
  im.to = {"sip:bob@contoso.com"};
  im.participants = {"sip:alice.w@contoso.com", "sip:bob@contoso.com"};
  im.sent = UtcFromCivil(2013, 6, 3, 9, 0);
  Item mail;
  mail.id = (*coordinator)->store().AllocateId();
  mail.kind = ItemKind::kEmail;
  mail.title = "falcon mail";
  mail.from = "bob@contoso.com";
  mail.to = {"alice@contoso.com"};
  mail.sent = UtcFromCivil(2013, 6, 4, 9, 0);
  Item other;
  other.id = (*coordinator)->store().AllocateId();
  other.kind = ItemKind::kImConversation;
  other.title = "other";
  other.from = "sip:alice.x@contoso.com";
  other.participants = {"sip:alice.x@contoso.com"};
  for (const Item* item : {&im, &mail, &other}) {
    set.items.push_back(*item);
    set.index_ids.push_back(item->id);
  }
  ASSERT_OK((*coordinator)->Write(set));
  ASSERT_OK((*coordinator)->Flush());
}

void ImportAlice(const std::filesystem::path& index) {
  auto csv = ParseDirectoryCsv(
      "DisplayName,SmtpAddress,SipAddress\nAlice Wong,alice@contoso.com,sip:alice.w@contoso.com\n");
  ASSERT_OK(csv);
  auto store = DocStore::Open(IndexLayout(index).store(), {});
  ASSERT_OK(store);
  TextAnalyzer analyzer;
  ASSERT_OK(ImportDirectory(**store, csv->entries, analyzer));
}

// Titles of the items `kql` finds, sorted.
std::vector<std::string> Titles(const std::filesystem::path& index, const std::string& kql) {
  auto searcher = Searcher::Open(index);
  EXPECT_OK(searcher);
  if (!searcher.ok()) {
    return {"error"};
  }
  SearchRequest request;
  request.query_text = kql;
  auto result = (*searcher)->Search(request);
  EXPECT_OK(result);
  if (!result.ok()) {
    return {"error"};
  }
  std::vector<std::string> titles;
  for (const SearchHit& hit : result->hits) {
    titles.push_back(hit.item.title);
  }
  std::sort(titles.begin(), titles.end());
  return titles;
}

using TitleList = std::vector<std::string>;

TEST(DirectorySearchTest, DirectoryImportedAfterTheItemsJoinsSipAndSmtp) {
  testing::TempDir dir;
  WriteItems(dir.path());
  // Before the directory says so, the SIP URI alice.w is not alice@contoso.com.
  EXPECT_EQ(TitleList({"falcon mail"}), Titles(dir.path(), "participants:alice@contoso.com"));
  ImportAlice(dir.path());
  EXPECT_EQ(TitleList({"falcon", "falcon mail"}),
            Titles(dir.path(), "participants:alice@contoso.com"));
  EXPECT_EQ(TitleList({"falcon", "falcon mail"}),
            Titles(dir.path(), "participants:\"sip:alice.w@contoso.com\""));
  EXPECT_EQ(TitleList({"falcon", "falcon mail"}),
            Titles(dir.path(), "participants:\"Alice Wong\""));
  EXPECT_EQ(TitleList({"falcon"}), Titles(dir.path(), "from:alice@contoso.com"));
  EXPECT_EQ(TitleList({"falcon mail"}), Titles(dir.path(), "to:alice@contoso.com"));
  // A quoted prefix value is searched as typed (§2.10): no expansion.
  EXPECT_EQ(TitleList({"falcon mail"}), Titles(dir.path(), "participants:\"alice@contoso*\""));
  // Someone else with a similar SIP URI stays out.
  EXPECT_EQ(TitleList({"other"}), Titles(dir.path(), "participants:alice.x@contoso.com"));
}

TEST(DirectorySearchTest, DirectoryImportedBeforeTheItemsWorksTheSame) {
  testing::TempDir dir;
  ImportAlice(dir.path());
  WriteItems(dir.path());
  EXPECT_EQ(TitleList({"falcon", "falcon mail"}),
            Titles(dir.path(), "participants:alice@contoso.com"));
  EXPECT_EQ(TitleList({"falcon"}),
            Titles(dir.path(), "kind:im AND participants:alice@contoso.com"));
}

}  // namespace
}  // namespace docket
