/** @file
 *  @brief The eDiscovery properties of sharepoint-search.md §2.10 over a real index: for each
 *  property, the exact set of items (IM, meeting, email, file, attachment) a restriction finds.
 */
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "query/kql_to_xapian.h"
#include "query/searcher.h"
#include "storage/commit_coordinator.h"
#include "storage/text_analyzer.h"
#include "tests/support/test_env.h"

namespace docket {
namespace {

UtcMillis Day(int day, int hour = 0) { return UtcFromCivil(2013, 6, day, hour, 0); }

// A: IM, M: meeting, E and L: emails, F: a loose document, T: an unreadable attachment (kept
// searchable by its name and properties).
std::vector<std::pair<char, Item>> Corpus() {
  std::vector<std::pair<char, Item>> items;
  {
    Item a;
    a.kind = ItemKind::kImConversation;
    a.title = "Falcon status";
    a.text = "alice.w@contoso.com: the falcon deck is ready";
    a.from = "sip:alice.w@contoso.com";
    a.to = {"sip:bob@contoso.com"};
    a.participants = {"sip:alice.w@contoso.com", "sip:bob@contoso.com"};
    a.sent = Day(3, 9);
    a.size = 1000;
    a.item_class = "IPM.Note.Microsoft.Conversation";
    items.emplace_back('A', a);
  }
  {
    Item m;
    m.kind = ItemKind::kMeeting;
    m.title = "Planning meeting";
    m.text = "carol@contoso.com: the annual report is uploaded";
    m.from = "sip:carol@contoso.com";
    m.participants = {"sip:carol@contoso.com", "sip:alice.w@contoso.com", "sip:dave@fabrikam.com"};
    m.sent = Day(5, 14);
    m.size = 50000;
    m.item_class = "IPM.Note.Microsoft.Conversation";
    m.attachment_names = {"Annual Report.pptx"};
    m.attachment_count = 1;
    items.emplace_back('M', m);
  }
  {
    Item e;
    e.kind = ItemKind::kEmail;
    e.title = "Quarterly Financials 2018";
    e.text = "Numbers attached.";
    e.from = "Pilar Pinilla <pilarp@contoso.com>";
    e.to = {"Ann Beebe <annb@contoso.com>"};
    e.cc = {"Alice Wong <alice@contoso.com>"};
    e.bcc = {"secret@fabrikam.com"};
    e.sent = Day(1, 10);
    e.received = Day(2, 8);
    e.size = 26214401;
    e.importance = "high";
    e.item_class = "IPM.Note";
    e.attachment_names = {"annualreport.ppt", "budget.xlsx"};
    e.attachment_count = 2;
    items.emplace_back('E', e);
  }
  {
    Item l;
    l.kind = ItemKind::kEmail;
    l.title = "Lunch";
    l.text = "Lunch on Friday?";
    l.from = "bob@contoso.com";
    l.to = {"alice@contoso.com"};
    l.sent = Day(6, 12);
    l.size = 700;
    l.importance = "low";
    l.item_class = "IPM.Note";
    items.emplace_back('L', l);
  }
  {
    Item f;
    f.kind = ItemKind::kFile;
    f.title = "Quarterly plan";
    f.text = "The plan for the quarter.";
    f.author = "Ronnie Sturgis";
    f.from = "Ronnie Sturgis";
    f.sent = Day(4, 11);
    f.size = 300;
    items.emplace_back('F', f);
  }
  {
    Item t;
    t.kind = ItemKind::kAttachment;
    t.state = IndexState::kUnindexed;
    t.state_reason = "no text extractor";
    t.file_name = "scan.pdf";
    t.size = 10;
    items.emplace_back('T', t);
  }
  for (auto& [letter, item] : items) {
    if (item.file_name.empty()) {
      item.file_name = letter == 'F' ? "Quarterly Plan.docx" : std::string(1, letter) + ".eml";
    }
    item.ipath = "export.zip!/" + item.file_name;
    item.custodian = "Alice";
  }
  return items;
}

class PropertiesTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new testing::TempDir();
    auto coordinator = CommitCoordinator::Open(dir_->path(), {});
    ASSERT_OK(coordinator);
    WriteSet set;
    for (auto& [letter, item] : Corpus()) {
      item.id = (*coordinator)->store().AllocateId();
      letters_[item.id] = letter;
      set.index_ids.push_back(item.id);
      set.items.push_back(item);
    }
    ASSERT_OK((*coordinator)->Write(set));
    ASSERT_OK((*coordinator)->Flush());
  }
  static void TearDownTestSuite() {
    delete dir_;
    dir_ = nullptr;
  }

  // The sorted letters `kql` finds; "error: ..." when the search fails.
  static std::string Matches(const std::string& kql) {
    auto searcher = Searcher::Open(dir_->path());
    if (!searcher.ok()) {
      return "error: " + searcher.error().ToString();
    }
    SearchRequest request;
    request.query_text = kql;
    request.row_limit = 100;
    Result<SearchResult> result = (*searcher)->Search(request);
    if (!result.ok()) {
      return "error: " + result.error().ToString();
    }
    std::string letters;
    for (const SearchHit& hit : result->hits) {
      letters.push_back(letters_.at(hit.item.id));
    }
    std::sort(letters.begin(), letters.end());
    return letters;
  }

  static testing::TempDir* dir_;
  static std::map<ItemId, char> letters_;
};

testing::TempDir* PropertiesTest::dir_ = nullptr;
std::map<ItemId, char> PropertiesTest::letters_;

void ExpectAll(const std::vector<std::pair<std::string, std::string>>& cases,
               std::string (*matches)(const std::string&)) {
  for (const auto& [kql, expected] : cases) {
    EXPECT_EQ(expected, matches(kql)) << kql;
  }
}

TEST_F(PropertiesTest, RecipientPropertiesMatchAddressAliasDomainAndDisplayName) {
  ExpectAll(
      {
          {"from:pilarp@contoso.com", "E"},
          {"from:pilarp", "E"},
          {"from:\"Pilar Pinilla\"", "E"},
          {"from:contoso.com", "AELM"},
          {"to:annb@contoso.com", "E"},
          {"to:annb", "E"},
          {"to:\"Ann Beebe\"", "E"},
          {"to:contoso.com", "AEL"},
          {"cc:alice@contoso.com", "E"},
          {"cc:\"Alice Wong\"", "E"},
          {"cc:fabrikam.com", ""},
          {"bcc:secret@fabrikam.com", "E"},
          {"bcc:secret", "E"},
          {"bcc:contoso.com", ""},
          // Recipients = To ∪ Cc ∪ Bcc: the sender alone does not make an item match.
          {"recipients:fabrikam.com", "E"},
          {"recipients:alice@contoso.com", "EL"},
          {"recipients:pilarp", ""},
          {"recipients:bob", "A"},
          // Participants = From ∪ To ∪ Cc ∪ Bcc ∪ IM participants.
          {"participants:dave@fabrikam.com", "M"},
          {"participants:fabrikam.com", "EM"},
          {"participants:pilarp", "E"},
          {"participants:alice", "AELM"},            // alice.w is found as alice too
          {"participants:alice@contoso.com", "EL"},  // no directory: SIP alice.w is someone else
          {"participants:\"Alice Wong\"", "E"},
          {"participants:\"alice.w@contoso*\"", "AM"},
          {"author:pilarp@contoso.com", "E"},
          {"author:\"Ronnie Sturgis\"", "F"},
          {"author:sturgis", "F"},
          {"author:carol@contoso.com", "M"},
      },
      &Matches);
}

TEST_F(PropertiesTest, DatesAndSizes) {
  ExpectAll(
      {
          {"sent:2013-06-01", "E"},
          {"received:2013-06-01", ""},  // E was sent on the 1st but delivered on the 2nd
          {"received:2013-06-02", "E"},
          {"received:2013-06-03", "A"},  // IM: received = sent
          {"received>=2013-06-05", "LM"},
          {"received>=2013-06-01 AND received<=2013-06-03", "AE"},
          {"received:2013-06-01..2013-06-03", "AE"},
          {"size>26214400", "E"},
          {"size:1..1048567", "AFLMT"},
          {"size<500", "FT"},
      },
      &Matches);
}

TEST_F(PropertiesTest, AttachmentsImportanceClassAndNames) {
  ExpectAll(
      {
          {"hasattachment:true", "EM"},
          {"hasattachment:1", "EM"},
          {"hasattachment:yes", "EM"},
          {"hasattachment:false", "AFLT"},
          {"hasattachment:0", "AFLT"},
          {"NOT hasattachment:true", "AFLT"},
          {"attachmentnames:annual*", "EM"},
          {"attachmentnames:.pptx", "M"},
          {"attachmentnames:.ppt", "E"},
          {"attachmentnames:annualreport.ppt", "E"},
          {"attachmentnames:\"annual report\"", "M"},
          {"attachmentnames:\"Annual Report.pptx\"", "M"},
          {"attachmentnames:report", "M"},
          {"attachment:budget.xlsx", "E"},
          {"attachmentnames:budget", "E"},
          {"importance:high", "E"},
          {"importance:low", "L"},
          {"importance:medium", "AFMT"},
          {"importance:normal", "AFMT"},
          {"importance:urgent", "E"},
          {"importance:bogus", ""},
          {"itemclass:ipm.note", "EL"},
          {"itemclass:IPM.Note.Microsoft.Conversation", "AM"},
          {"itemclass:ipm.note*", "AELM"},
          {"kind:im", "A"},
          {"kind:meetings", "M"},
          {"kind:email", "EL"},
          {"kind:file", "F"},
          {"kind:attachment", "T"},
          {"filename:\"Quarterly Plan.docx\"", "F"},
          {"filename:quarterly", "F"},
          {"filename:.docx", "F"},
          {"filename:scan.pdf", "T"},
          {"fileextension:docx", "F"},
          {"fileextension:.pdf", "T"},
          {"title:quarterly", "EF"},
          {"subject:\"Quarterly Financials\"", "E"},
          {"custodian:alice", "AEFLMT"},
      },
      &Matches);
}

TEST_F(PropertiesTest, BadYesNoValueIsAnError) {
  const std::string result = Matches("hasattachment:maybe");
  EXPECT_NE(std::string::npos, result.find("InvalidArgument")) << result;
  EXPECT_NE(std::string::npos, result.find("true or false")) << result;
}

TEST(PropertyPlanTest, NewPropertiesUseTheirOwnPrefixes) {
  TextAnalyzer analyzer;
  const std::pair<std::string, std::string> cases[] = {
      {"recipients:bob", "Query(XRCPTbob)"},
      {"cc:bob", "Query(XCCbob)"},
      {"bcc:bob", "Query(XBCCbob)"},
      {"importance:normal", "Query(XIMPmedium)"},
      {"hasattachment:0", "Query(XHASATTfalse)"},
      {"attachmentnames:.pptx", "Query(XATT.pptx)"},
      {"fileextension:.docx", "Query(XEXTdocx)"},
  };
  for (const auto& [kql, expected] : cases) {
    Result<std::string> description = QueryDescription(kql, analyzer);
    ASSERT_OK(description);
    EXPECT_EQ(expected, *description) << kql;
  }
}

}  // namespace
}  // namespace docket
