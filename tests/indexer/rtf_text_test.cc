/** @file
 *  @brief ExtractRtfText: code pages (single and double byte), \uN fallbacks, skipped
 *         destinations, \info metadata, separators and broken input.
 */
#include "indexer/rtf_text.h"

#include <gtest/gtest.h>

#include <string>

#include "tests/support/test_env.h"

namespace docket {
namespace {

bool HasWarningContaining(const DocumentText& doc, std::string_view part) {
  for (const std::string& warning : doc.warnings) {
    if (warning.find(part) != std::string::npos) {
      return true;
    }
  }
  return false;
}

TEST(RtfTextTest, RecognisesTheSignature) {
  EXPECT_TRUE(LooksLikeRtf("{\\rtf1\\ansi hello}"));
  EXPECT_TRUE(LooksLikeRtf("  \r\n{\\rtf1"));
  EXPECT_TRUE(LooksLikeRtf("\xEF\xBB\xBF{\\rtf1"));
  EXPECT_FALSE(LooksLikeRtf("{\\rt"));
  EXPECT_FALSE(LooksLikeRtf("<html>{\\rtf1"));
  EXPECT_FALSE(LooksLikeRtf(""));
}

TEST(RtfTextTest, NotRtfIsAnError) {
  Result<DocumentText> doc = ExtractRtfText("Hello, plain text");
  ASSERT_FALSE(doc.has_value());
  EXPECT_EQ(StatusCode::kInvalidArgument, doc.status().code());
  EXPECT_NE(std::string::npos, doc.status().message().find("{\\rtf")) << doc.status().ToString();
}

TEST(RtfTextTest, Cp1252HexBytesAndParagraphs) {
  const std::string rtf =
      "{\\rtf1\\ansi\\ansicpg1252\\deff0{\\fonttbl{\\f0\\fswiss\\fcharset0 Arial;}}"
      "{\\colortbl;\\red0\\green0\\blue0;}"
      "\\pard\\f0\\fs20 Gr\\'fc\\'dfe aus M\\'fcnchen\\par Zweite\\tab Zeile \\'80 5\\line Ende}";
  Result<DocumentText> doc = ExtractRtfText(rtf);
  ASSERT_OK(doc);
  EXPECT_EQ("Grüße aus München\nZweite\tZeile € 5\nEnde", doc->text);
  EXPECT_TRUE(doc->warnings.empty()) << doc->warnings.front();
}

TEST(RtfTextTest, Cp936DoubleByteUnderAnsicpg) {
  // 会议改到周五 in GBK, written as \'hh pairs as Word and Lync write them.
  const std::string rtf =
      "{\\rtf1\\ansi\\ansicpg936\\deff0{\\fonttbl{\\f0\\fnil\\fcharset134 SimSun;}}"
      "\\f0 \\'bb\\'e1\\'d2\\'e9\\'b8\\'c4\\'b5\\'bd\\'d6\\'dc\\'ce\\'e5?}";
  Result<DocumentText> doc = ExtractRtfText(rtf);
  ASSERT_OK(doc);
  EXPECT_EQ("会议改到周五?", doc->text);
  EXPECT_TRUE(doc->warnings.empty());
}

TEST(RtfTextTest, FontCharsetChoosesTheCodePage) {
  // The document is cp1252, but font 1 is Big5 (\fcharset136) and font 2 Shift-JIS (128); the
  // Shift-JIS trail byte of ア (0x83 0x41) is written literally as 'A', as Word does.
  const std::string rtf =
      "{\\rtf1\\ansi\\ansicpg1252\\deff0{\\fonttbl{\\f0\\fcharset0 Arial;}"
      "{\\f1\\fnil\\fcharset136 PMingLiU;}{\\f2\\fnil\\fcharset128 MS Mincho;}}"
      "caf\\'e9 {\\f1 \\'a6\\'58\\'ac\\'f9} {\\f2 \\'83A} \\'e9}";
  Result<DocumentText> doc = ExtractRtfText(rtf);
  ASSERT_OK(doc);
  EXPECT_EQ("café 合約 ア é", doc->text);
}

TEST(RtfTextTest, UnicodeEscapesSkipTheirFallbacks) {
  // \uc1: one fallback char ('?' or a \'hh byte) follows each \uN; negative N is N + 65536;
  // \uc2 in a group and a surrogate pair for U+1F600.
  const std::string rtf =
      "{\\rtf1\\ansi\\ansicpg1252 \\u20250?\\u35758\\'3f ok {\\uc2\\u-28404??x} "
      "\\u-10179?\\u-8704? end}";
  Result<DocumentText> doc = ExtractRtfText(rtf);
  ASSERT_OK(doc);
  EXPECT_EQ("会议 ok 鄌x \U0001F600 end", doc->text);
  EXPECT_TRUE(doc->warnings.empty());
}

TEST(RtfTextTest, InfoTitleAndAuthorAreMetadataNotText) {
  const std::string rtf =
      "{\\rtf1\\ansi{\\info{\\title Quartalsbericht Q2}{\\author J\\'fcrgen M\\'fcller}"
      "{\\company Contoso}}Body text\\par}";
  Result<DocumentText> doc = ExtractRtfText(rtf);
  ASSERT_OK(doc);
  EXPECT_EQ("Body text", doc->text);
  EXPECT_EQ("Quartalsbericht Q2", doc->title);
  EXPECT_EQ("Jürgen Müller", doc->author);
}

TEST(RtfTextTest, IgnorableDestinationsPicturesAndBinaryAreSkipped) {
  std::string rtf =
      "{\\rtf1\\ansi{\\*\\generator Riched20 10.0;}{\\stylesheet{\\s0 Normal;}}"
      "before {\\pict\\pngblip 89504e470d0a1a0a} "
      "{\\*\\unknowndest secret words}"
      "{\\field{\\*\\fldinst HYPERLINK \"http://x\"}{\\fldrslt link text}} "
      "{\\object{\\*\\objdata 0105000002}}{\\*\\themedata 504b0304}"
      "bin{\\*\\blob \\bin5 {}}\\}x} after \\{braces\\} and \\\\ slash}";
  Result<DocumentText> doc = ExtractRtfText(rtf);
  ASSERT_OK(doc);
  EXPECT_EQ("before  link text bin after {braces} and \\ slash", doc->text);
  EXPECT_TRUE(doc->warnings.empty()) << doc->warnings.front();
}

TEST(RtfTextTest, TableCellsAndRows) {
  const std::string rtf =
      "{\\rtf1\\ansi\\trowd\\cellx1000\\cellx2000 A1\\cell B1\\cell\\row "
      "\\trowd A2\\cell B2\\cell\\row}";
  Result<DocumentText> doc = ExtractRtfText(rtf);
  ASSERT_OK(doc);
  EXPECT_EQ("A1\tB1\t\nA2\tB2", doc->text);  // the trailing separators are trimmed
}

TEST(RtfTextTest, CutOffRtfKeepsTextAndWarns) {
  const std::string rtf = "{\\rtf1\\ansi{\\fonttbl{\\f0 Arial;}}Hallo Bob\\par Ja, Frei";
  Result<DocumentText> doc = ExtractRtfText(rtf);
  ASSERT_OK(doc);
  EXPECT_EQ("Hallo Bob\nJa, Frei", doc->text);
  EXPECT_TRUE(HasWarningContaining(*doc, "ends inside 1 open group")) << doc->warnings.size();
}

TEST(RtfTextTest, UnbalancedBracesAndBadEscapesWarn) {
  Result<DocumentText> doc = ExtractRtfText("{\\rtf1 one}} two \\'zz");
  ASSERT_OK(doc);
  EXPECT_EQ("one", doc->text);
  EXPECT_TRUE(HasWarningContaining(*doc, "after the end of the RTF document"));

  doc = ExtractRtfText("{\\rtf1 a\\'4 b\\bin999 xyz}");
  ASSERT_OK(doc);
  EXPECT_EQ("a b", doc->text);
  EXPECT_TRUE(HasWarningContaining(*doc, "not followed by two hex digits"));
  EXPECT_TRUE(HasWarningContaining(*doc, "claims 999 bytes"));
}

TEST(RtfTextTest, DeepNestingIsCappedNotFollowed) {
  std::string rtf = "{\\rtf1 start ";
  rtf += std::string(100000, '{') + "deep" + std::string(100000, '}');
  rtf += " end}";
  Result<DocumentText> doc = ExtractRtfText(rtf);
  ASSERT_OK(doc);
  EXPECT_EQ("start  end", doc->text);
  EXPECT_TRUE(HasWarningContaining(*doc, "nested deeper than 512"));
}

TEST(RtfTextTest, UnknownCodePageWarns) {
  Result<DocumentText> doc = ExtractRtfText("{\\rtf1\\ansi\\ansicpg99999 caf\\'e9}");
  ASSERT_OK(doc);
  EXPECT_TRUE(doc->text.starts_with("caf")) << doc->text;
  EXPECT_TRUE(HasWarningContaining(*doc, "code page 99999")) << doc->warnings.size();
}

}  // namespace
}  // namespace docket
