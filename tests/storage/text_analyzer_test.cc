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
  // Width, ß, final sigma and (diacritic-insensitive by default) the Greek tonos.
  EXPECT_EQ(analyzer.Normalize("ＡＢＣ Straße ΣΊΣΥΦΟΣ"), "abc strasse σισυφοσ");
  EXPECT_THAT(Terms(analyzer, "Hallo Bob & Team, Freitag 10:00 passt."),
              ElementsAre("hallo", "bob", "team", "freitag", "10", "00", "passt"));
  EXPECT_THAT(Terms(analyzer, "Отчёт готов"), ElementsAre("отчет", "готов"));
}

TEST(TextAnalyzerTest, KeepsTheExactFormOnlyWhereFoldingChangedTheWord) {
  TextAnalyzer analyzer;
  const auto tokens = analyzer.Tokenize("Le Résumé est prêt, Отчёт İstanbul");
  ASSERT_EQ(6u, tokens.size());
  EXPECT_EQ("le", tokens[0].term);
  EXPECT_EQ("", tokens[0].exact);
  EXPECT_EQ("resume", tokens[1].term);
  EXPECT_EQ("résumé", tokens[1].exact);
  EXPECT_EQ("pret", tokens[3].term);
  EXPECT_EQ("prêt", tokens[3].exact);
  EXPECT_EQ("отчет", tokens[4].term);
  EXPECT_EQ("отчёт", tokens[4].exact);
  EXPECT_EQ("istanbul", tokens[5].term);
  // Folds that are not diacritics apply to the exact form too: width, case, Chinese variants.
  EXPECT_EQ("", analyzer.Tokenize("ＡＢＣ")[0].exact);
  EXPECT_EQ("", analyzer.Tokenize("電")[0].exact);
  // й is a letter of its own, not an accented и.
  EXPECT_THAT(Terms(analyzer, "мой мои"), ElementsAre("мой", "мои"));
}

TEST(TextAnalyzerTest, HangulWordsCarryTheirPrefixesAtTheirPosition) {
  TextAnalyzer analyzer;
  const auto tokens = analyzer.Tokenize("회의를 시작합니다");
  ASSERT_EQ(2u, tokens.size());
  EXPECT_EQ("회의를", tokens[0].term);
  EXPECT_THAT(tokens[0].variants, ElementsAre("회", "회의"));
  EXPECT_THAT(tokens[1].variants, ElementsAre("시", "시작", "시작합", "시작합니"));
  EXPECT_TRUE(analyzer.Tokenize("budget")[0].variants.empty());
}

TEST(TextAnalyzerTest, KanaKeepsItsVoicingMarkAndSkipsTheMiddleDot) {
  TextAnalyzer analyzer;
  const std::string text = "ｶﾞｲﾄﾞ データ・ベース ㍻";
  const auto tokens = analyzer.Tokenize(text);
  std::vector<std::string> terms;
  for (const auto& t : tokens) {
    terms.push_back(t.term);
  }
  // ㍻ (one compatibility character) is the era name 平成: two terms, both pointing at it.
  EXPECT_THAT(terms, ElementsAre("ガ", "イ", "ド", "デ", "ー", "タ", "ベ", "ー", "ス", "平", "成"));
  EXPECT_EQ("ｶﾞ", text.substr(tokens[0].begin, tokens[0].end - tokens[0].begin));
  EXPECT_EQ("ﾄﾞ", text.substr(tokens[2].begin, tokens[2].end - tokens[2].begin));
  EXPECT_EQ(tokens[9].begin, tokens[10].begin);
  EXPECT_EQ("㍻", text.substr(tokens[10].begin, tokens[10].end - tokens[10].begin));
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
  // Traditional characters (and the Japanese kanji that share them) fold to Simplified.
  EXPECT_THAT(terms, ElementsAre("会", "议", "改", "到", "周", "五", "合", "约", "审", "查", "见",
                                 "积", "书", "を", "く", "だ", "さ", "い"));
}

TEST(TextAnalyzerTest, MixedScriptsKeepLatinWordsWhole) {
  TextAnalyzer analyzer;
  EXPECT_THAT(Terms(analyzer, "Project Falcon 预算 budget"),
              ElementsAre("project", "falcon", "预", "算", "budget"));
  // Half-width katakana folds to full width.
  EXPECT_THAT(Terms(analyzer, "ｶﾀｶﾅ"), ElementsAre("カ", "タ", "カ", "ナ"));
  // The Arabic word survives as one term (teh marbuta folded to heh).
  EXPECT_THAT(Terms(analyzer, "الميزانية جاهزة"), ElementsAre("الميزانيه", "جاهزه"));
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
