// Tests for common/strings.h.
#include "common/strings.h"

#include "tests/support/test_env.h"

namespace docket {
namespace {

TEST(StringsTest, TrimsAsciiWhitespaceOnly) {
  EXPECT_EQ(TrimWhitespace(" \t\r\n value \n"), "value");
  EXPECT_EQ(TrimWhitespace("   "), "");
  // U+3000 IDEOGRAPHIC SPACE is not ASCII white space and stays.
  EXPECT_EQ(TrimWhitespace("\xE3\x80\x80x "), "\xE3\x80\x80x");
}

TEST(StringsTest, LowersAndComparesAsciiOnly) {
  EXPECT_EQ(AsciiLower("Content-Type ÄÖ"), "content-type ÄÖ");
  EXPECT_TRUE(EqualsIgnoreCase("Accept", "ACCEPT"));
  EXPECT_FALSE(EqualsIgnoreCase("Accept", "Accepts"));
}

TEST(StringsTest, BaseNameSplitsOnEitherSlash) {
  EXPECT_EQ(BaseName("a/b/c.eml"), "c.eml");
  EXPECT_EQ(BaseName("a\\b\\c.eml"), "c.eml");
  EXPECT_EQ(BaseName("c.eml"), "c.eml");
  EXPECT_EQ(BaseName("dir/"), "");
}

TEST(StringsTest, FileExtensionIsLowerCaseWithoutTheDot) {
  EXPECT_EQ(FileExtension("Report.DOCX"), "docx");
  EXPECT_EQ(FileExtension("a.zip!/dir/x.tar.gz"), "gz");
  EXPECT_EQ(FileExtension("dir.d/README"), "");
  EXPECT_EQ(FileExtension(".profile"), "");
  EXPECT_EQ(FileExtension("name."), "");
}

TEST(StringsTest, CsvFieldsFollowRfc4180) {
  EXPECT_EQ(CsvField("plain"), "plain");
  EXPECT_EQ(CsvField("a,b"), "\"a,b\"");
  EXPECT_EQ(CsvField("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(CsvField("two\nlines"), "\"two\nlines\"");
  EXPECT_EQ(CsvField(" padded"), "\" padded\"");
  EXPECT_EQ(CsvField("合約,審查"), "\"合約,審查\"");
  EXPECT_EQ(CsvField(""), "");
}

TEST(StringsTest, DecodesWellFormedUtf8AndRefusesTheRest) {
  const std::string text = "a\u00e9\u5408\U0001F680";
  EXPECT_EQ(DecodeUtf8At(text, 0).code, 0x61u);
  EXPECT_EQ(DecodeUtf8At(text, 1).code, 0xE9u);
  EXPECT_EQ(DecodeUtf8At(text, 1).length, 2u);
  EXPECT_EQ(DecodeUtf8At(text, 3).code, 0x5408u);
  EXPECT_EQ(DecodeUtf8At(text, 6).code, 0x1F680u);
  EXPECT_EQ(DecodeUtf8At(text, 6).length, 4u);
  EXPECT_TRUE(IsValidUtf8(text));
  EXPECT_EQ(DecodeUtf8At("\x80", 0).length, 0u);          // stray continuation byte
  EXPECT_EQ(DecodeUtf8At("\xC0\xAF", 0).length, 0u);      // overlong '/'
  EXPECT_EQ(DecodeUtf8At("\xED\xA0\x80", 0).length, 0u);  // surrogate
  EXPECT_EQ(DecodeUtf8At("\xE5\x90", 0).length, 0u);      // cut short
  EXPECT_FALSE(IsValidUtf8("ok\xFF"));
}

TEST(StringsTest, JoinsWithASeparator) {
  EXPECT_EQ(JoinStrings({"a", "b", "c"}, ";"), "a;b;c");
  EXPECT_EQ(JoinStrings({"only"}, ", "), "only");
  EXPECT_EQ(JoinStrings({}, ";"), "");
}

}  // namespace
}  // namespace docket
