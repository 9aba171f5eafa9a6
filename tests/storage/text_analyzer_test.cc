// Tests for storage/text_analyzer.h: normalisation, word boundaries, CJK unigrams, addresses.
#include "storage/text_analyzer.h"

#include "tests/support/test_env.h"

namespace docket {
namespace {

std::vector<std::string> Terms(TextAnalyzer& analyzer, std::string_view text) {
  std::vector<std::string> out;
  for (const auto& token : analyzer.Tokenize(text)) {
    out.push_back(token.term);
  }
  return out;
}

using ::testing::ElementsAre;

TEST(TextAnalyzerTest, FoldsCaseAndCompatibilityForms) {
  TextAnalyzer analyzer;
  EXPECT_EQ(analyzer.Normalize("ＡＢＣ Straße ΣΊΣΥΦΟΣ"), "abc strasse σίσυφοσ");
  EXPECT_THAT(Terms(analyzer, "Hallo Bob & Team, Freitag 10:00 passt."),
              ElementsAre("hallo", "bob", "team", "freitag", "10", "00", "passt"));
  EXPECT_THAT(Terms(analyzer, "Отчёт готов"), ElementsAre("отчёт", "готов"));
}

TEST(TextAnalyzerTest, SplitsCjkIntoCharactersWithExactOffsets) {
  TextAnalyzer analyzer;
  const std::string text = "会议改到周五? 合約審查 見積書をください";
  const auto tokens = analyzer.Tokenize(text);
  std::vector<std::string> terms;
  for (const auto& t : tokens) {
    terms.push_back(t.term);
    EXPECT_TRUE(t.cjk);
    // Offsets point at the original bytes of each character.
    EXPECT_EQ(analyzer.Normalize(text.substr(t.begin, t.end - t.begin)), t.term);
  }
  EXPECT_THAT(terms, ElementsAre("会", "议", "改", "到", "周", "五", "合", "約", "審", "查", "見",
                                 "積", "書", "を", "く", "だ", "さ", "い"));
}

TEST(TextAnalyzerTest, MixedScriptsKeepLatinWordsWhole) {
  TextAnalyzer analyzer;
  EXPECT_THAT(Terms(analyzer, "Project Falcon 预算 budget"),
              ElementsAre("project", "falcon", "预", "算", "budget"));
  // Half-width katakana folds to full width.
  EXPECT_THAT(Terms(analyzer, "ｶﾀｶﾅ"), ElementsAre("カ", "タ", "カ", "ナ"));
  // The Arabic word survives as one term.
  EXPECT_THAT(Terms(analyzer, "الميزانية جاهزة"), ElementsAre("الميزانية", "جاهزة"));
}

TEST(TextAnalyzerTest, SurvivesInvalidUtf8) {
  TextAnalyzer analyzer;
  const std::string bad = std::string("ok \xC3\x28 fine \xFF\xFE end");
  const auto terms = Terms(analyzer, bad);
  EXPECT_FALSE(terms.empty());
  EXPECT_EQ(terms.front(), "ok");
  EXPECT_EQ(terms.back(), "end");
}

TEST(TextAnalyzerTest, NormalisesAddressesAndTheirParts) {
  TextAnalyzer analyzer;
  EXPECT_EQ(analyzer.NormalizeAddress("sip:Alice@Contoso.COM"), "alice@contoso.com");
  EXPECT_EQ(analyzer.NormalizeAddress("\"Alice Smith\" <Alice@Contoso.com>"), "alice@contoso.com");
  EXPECT_THAT(analyzer.AddressTerms("Chen Dawen <sip:Chen.Dawen@contoso.com>"),
              ElementsAre("chen.dawen@contoso.com", "chen.dawen", "contoso.com", "chen", "dawen"));
  EXPECT_THAT(analyzer.AddressTerms("sip:li_wei-2@fabrikam.com"),
              ElementsAre("li_wei-2@fabrikam.com", "li_wei-2", "fabrikam.com", "li", "wei", "2"));
}

}  // namespace
}  // namespace docket
