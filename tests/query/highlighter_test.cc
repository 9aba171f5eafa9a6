/** @file
 *  @brief HitHighlightedSummary: marking, CJK runs, escaping, window choice, length cap, and
 *  valid UTF-8 whatever the input.
 */
#include "query/highlighter.h"

#include <gtest/gtest.h>

#include <random>
#include <string>

#include "query/kql_parser.h"
#include "storage/text_analyzer.h"
#include "tests/support/test_env.h"

namespace docket {
namespace {

// The visible text of a summary: markers removed, entities decoded.
std::string Visible(std::string s) {
  for (std::string_view marker : {"<c0>", "</c0>", " <ddd/>", "<ddd/>"}) {
    for (size_t p; (p = s.find(marker)) != std::string::npos;) {
      s.erase(p, marker.size());
    }
  }
  const std::pair<std::string_view, std::string_view> entities[] = {
      {"&lt;", "<"}, {"&gt;", ">"}, {"&quot;", "\""}, {"&#39;", "'"}, {"&amp;", "&"}};
  for (const auto& [entity, ch] : entities) {
    for (size_t p; (p = s.find(entity)) != std::string::npos;) {
      s.replace(p, entity.size(), ch);
    }
  }
  return s;
}

// Code points of valid UTF-8, or SIZE_MAX when `s` is not valid UTF-8.
size_t CodePoints(std::string_view s) {
  size_t count = 0;
  for (size_t i = 0; i < s.size(); ++count) {
    auto c = static_cast<unsigned char>(s[i]);
    size_t n = c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 ? 2 : 0;
    if (n == 0 || i + n > s.size()) {
      return SIZE_MAX;
    }
    for (size_t k = 1; k < n; ++k) {
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) {
        return SIZE_MAX;
      }
    }
    i += n;
  }
  return count;
}

class HighlighterTest : public ::testing::Test {
 protected:
  std::string Summary(std::string_view text, std::string_view kql, uint32_t length = 180) {
    Result<KqlNode> ast = ParseKql(kql);
    EXPECT_OK(ast);
    if (!ast.ok()) {
      return {};
    }
    return HighlightSummary(text, CollectHighlightTerms(*ast, analyzer_), analyzer_, length);
  }

  TextAnalyzer analyzer_;
};

TEST_F(HighlighterTest, MarksEnglishTermsCaseInsensitively) {
  EXPECT_EQ(
      "The quarterly <c0>Budget</c0> review is on Monday. Falcon project <c0>budget</c0> is "
      "separate.",
      Summary("The quarterly Budget review is on Monday. Falcon project budget is separate.",
              "budget"));
  EXPECT_EQ("The <c0>Falcon</c0> files", Summary("The Falcon files", "fal*"));
  EXPECT_EQ("<c0>budget</c0> <c0>review</c0> and budget",
            Summary("budget review and budget", "\"budget review\""));
}

TEST_F(HighlighterTest, WrapsAdjacentCjkCharactersAsOneRun) {
  const std::string text = "請於週五前完成合約審查，謝謝。";
  EXPECT_EQ("請於週五前完成<c0>合約審查</c0>，謝謝。", Summary(text, "合約審查"));
  EXPECT_EQ("請於週五前完成合約<c0>審查</c0>，謝謝。", Summary(text, "\"審查\""));
  EXPECT_EQ("請於週五前完成<c0>合約</c0>審查，謝謝。", Summary(text, "合約 -falcon"));
  // A Simplified query marks the Traditional characters it folded onto.
  EXPECT_EQ("請於週五前完成<c0>合約審查</c0>，謝謝。", Summary(text, "合约审查"));
  EXPECT_EQ("<c0>見積書</c0>を送ります", Summary("見積書を送ります", "見積書"));
}

TEST_F(HighlighterTest, EscapesHtml) {
  EXPECT_EQ("Q&amp;A &lt;b&gt;<c0>budget</c0>&lt;/b&gt; &gt; 5 &quot;x&quot;",
            Summary("Q&A <b>budget</b> > 5 \"x\"", "budget"));
}

TEST_F(HighlighterTest, NoMatchGivesTheStartOfTheText) {
  EXPECT_EQ("alpha beta gamma", Summary("alpha beta gamma", "zebra"));
  EXPECT_EQ("alpha beta <ddd/>", Summary("alpha beta gamma delta", "zebra", 12));
  EXPECT_EQ("", Summary("", "zebra"));
}

TEST_F(HighlighterTest, CollapsesWhiteSpace) {
  EXPECT_EQ("line one <c0>budget</c0> line three",
            Summary("line one\n\n  budget\r\n\tline three", "budget"));
}

TEST_F(HighlighterTest, ChoosesTheWindowWithMostDistinctTerms) {
  std::string text = "alpha starts here. ";
  for (int i = 0; i < 40; ++i) {
    text += "filler words go on. ";
  }
  text += "Here alpha and beta meet. ";
  for (int i = 0; i < 40; ++i) {
    text += "more filler after. ";
  }
  std::string summary = Summary(text, "alpha beta", 60);
  EXPECT_NE(std::string::npos, summary.find("<c0>alpha</c0> and <c0>beta</c0>")) << summary;
  EXPECT_LE(CodePoints(Visible(summary)), 60u) << summary;
  EXPECT_NE(std::string::npos, summary.find("<ddd/>"));
}

TEST_F(HighlighterTest, CapsLengthInCodePointsNotBytes) {
  std::string text;
  for (int i = 0; i < 300; ++i) {
    text += "審";
  }
  text += "合約";
  for (int i = 0; i < 300; ++i) {
    text += "查";
  }
  std::string summary = Summary(text, "合約", 100);
  EXPECT_NE(std::string::npos, summary.find("<c0>合約</c0>")) << summary;
  EXPECT_EQ(100u, CodePoints(Visible(summary)));

  std::string words;
  for (int i = 0; i < 200; ++i) {
    words += i == 100 ? "budget " : "word ";
  }
  summary = Summary(words, "budget", 180);
  EXPECT_NE(std::string::npos, summary.find("<c0>budget</c0>"));
  EXPECT_LE(CodePoints(Visible(summary)), 180u);
  EXPECT_GE(CodePoints(Visible(summary)), 170u);  // the window is used, not just the match
  EXPECT_EQ(0u, summary.rfind("word", 0)) << "starts on a word boundary: " << summary;
}

// The text is tokenized in pieces of a few hundred bytes (highlighter.cc); these put matches across
// and beyond the cuts.
TEST_F(HighlighterTest, FindsMatchesAcrossAndBeyondThePiecesTheTextIsScannedIn) {
  auto filler = [](size_t bytes) {
    std::string text;
    while (text.size() + 6 <= bytes) {
      text += "word. ";
    }
    return text;
  };
  // A phrase at every offset up to 600 bytes, so some cut falls between its two words.
  std::string lead;
  for (int offset = 0; offset < 300; ++offset, lead += "a ") {
    const std::string text = lead + "budget review " + filler(1000);
    ASSERT_NE(std::string::npos,
              Summary(text, "\"budget review\"").find("<c0>budget</c0> <c0>review</c0>"))
        << "after " << lead.size() << " bytes";
  }
  std::string text;
  // Both words meet only pieces later; one alone comes first.
  text = "alpha " + filler(5000) + "alpha and beta meet " + filler(3000);
  std::string summary = Summary(text, "alpha beta", 60);
  EXPECT_NE(std::string::npos, summary.find("<c0>alpha</c0> and <c0>beta</c0>")) << summary;
  // A match at the very end: the window moves back to stay full, and nothing follows it.
  text = filler(9000) + "zebra";
  summary = Summary(text, "zebra", 60);
  EXPECT_TRUE(summary.ends_with("<c0>zebra</c0>")) << summary;
  EXPECT_GE(CodePoints(Visible(summary)), 55u) << summary;
  // No match in a long text: its start, cut.
  summary = Summary(text, "giraffe", 30);
  EXPECT_EQ(0u, summary.rfind("word. word.", 0)) << summary;
  EXPECT_NE(std::string::npos, summary.find("<ddd/>"));
  // CJK without spaces is one piece however long.
  std::string cjk;
  for (int i = 0; i < 2000; ++i) {
    cjk += "審";
  }
  cjk += "合約";
  summary = Summary(cjk, "合約", 50);
  EXPECT_NE(std::string::npos, summary.find("<c0>合約</c0>")) << summary;
  EXPECT_EQ(50u, CodePoints(Visible(summary)));
}

TEST_F(HighlighterTest, NeverSplitsUtf8) {
  std::mt19937 rng(180);
  const std::string pieces[] = {"合",       "約", "審查", " ", "budget", "é", "😀", "&", "<",
                                "\xE2\x80",  // truncated sequence
                                "\xFF",     "ß",  "\n"};
  for (int round = 0; round < 300; ++round) {
    std::string text;
    size_t n = rng() % 80;
    for (size_t i = 0; i < n; ++i) {
      text += pieces[rng() % std::size(pieces)];
    }
    const uint32_t limit = 1 + rng() % 40;
    for (std::string_view kql : {"budget", "合約", "審*", "zebra"}) {
      std::string summary = Summary(text, kql, limit);
      size_t cps = CodePoints(summary);
      ASSERT_NE(SIZE_MAX, cps) << "invalid UTF-8 for limit " << limit;
      EXPECT_LE(CodePoints(Visible(summary)), limit);
    }
  }
}

TEST_F(HighlighterTest, CollectsPositiveTextTermsOnly) {
  Result<KqlNode> ast =
      ParseKql("budget -falcon NOT secret subject:review from:alice 合約 fal* kind:im");
  ASSERT_OK(ast);
  HighlightTerms terms = CollectHighlightTerms(*ast, analyzer_);
  EXPECT_EQ((std::set<std::string>{"budget", "review"}), terms.terms);
  EXPECT_EQ((std::vector<std::string>{"fal"}), terms.prefixes);
  EXPECT_EQ((std::vector<std::vector<std::string>>{{"合", "约"}}), terms.phrases);
}

TEST_F(HighlighterTest, HighlightsTheNamedPropertiesInRequestOrder) {
  Item item;
  item.title = "Budget <draft> review";
  item.from = "alice@contoso.com";
  item.participants = {"alice@contoso.com", "bob@contoso.com"};
  item.ipath = "export.zip!/a.eml";
  item.file_name = "a.eml";
  Result<KqlNode> ast = ParseKql("budget OR bob@contoso.com");
  ASSERT_OK(ast);
  const HighlightTerms terms = CollectHighlightTerms(*ast, analyzer_);
  // Unknown names and properties the item lacks (Cc) are skipped; a repeated name (title,
  // Subject: both the title) gives one element; Path is HHUrl, as SharePoint names it.
  EXPECT_EQ(
      "<HHUrl>export.zip!/a.eml</HHUrl>\n"
      "<HHTitle><c0>Budget</c0> &lt;draft&gt; review</HHTitle>\n"
      "<HHParticipants>alice@contoso.com;<c0>bob@contoso.com</c0></HHParticipants>",
      HighlightProperties(item, {"Path", "title", "Nope", "Cc", "Subject", "PARTICIPANTS"}, terms,
                          analyzer_, 180));
  EXPECT_EQ("", HighlightProperties(item, {}, terms, analyzer_, 180));
  EXPECT_EQ("", HighlightProperties(item, {"Cc", "Colour"}, terms, analyzer_, 180));
  // A file without a title is titled by its name, as its Title cell is.
  item.title.clear();
  EXPECT_EQ("<HHTitle>a.eml</HHTitle>",
            HighlightProperties(item, {"Title"}, terms, analyzer_, 180));
  // Long values are cut like the summary.
  item.title = "budget " + std::string(300, 'x');
  const std::string cut = HighlightProperties(item, {"Title"}, terms, analyzer_, 20);
  EXPECT_TRUE(cut.starts_with("<HHTitle><c0>budget</c0>")) << cut;
  EXPECT_NE(std::string::npos, cut.find("<ddd/>")) << cut;
}

}  // namespace
}  // namespace docket
