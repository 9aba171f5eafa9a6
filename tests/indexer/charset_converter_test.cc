/** @file
 *  @brief ConvertToUtf8: known labels, bogus labels (detection), missing labels, bad bytes.
 */
#include "indexer/charset_converter.h"

#include <gtest/gtest.h>

#include "tests/support/test_env.h"

namespace docket {
namespace {

// "Grüße aus München ..." in ISO-8859-1, long enough for ucsdet to be sure of the language.
const std::string kGermanLatin1 =
    "Sehr geehrte Damen und Herren, viele Gr\xfc\xdf"
    "e aus M\xfc"
    "nchen. Wir freuen uns \xfc"
    "ber Ihre Nachricht und m\xf6"
    "chten Ihnen mitteilen, dass die Besprechung am Freitag "
    "stattfindet. Die Unterlagen f\xfc"
    "r die Sitzung liegen im B\xfc"
    "ro bereit.";

TEST(CharsetConverterTest, BogusLabelIsDetectedAndWarned) {
  Result<DecodedText> decoded = ConvertToUtf8(kGermanLatin1, "x-bogus-42");
  ASSERT_OK(decoded);
  EXPECT_NE(std::string::npos, decoded->utf8.find("Grüße aus München")) << decoded->utf8;
  EXPECT_TRUE(decoded->detected);
  EXPECT_NE(std::string::npos, decoded->warning.find("charset label 'x-bogus-42' is unknown"))
      << decoded->warning;
  EXPECT_NE(std::string::npos, decoded->warning.find("by detection (confidence "))
      << decoded->warning;
  EXPECT_FALSE(decoded->charset.empty());
}

TEST(CharsetConverterTest, KnownLabelDecodesWithoutWarning) {
  // "Привет, мир! Встреча в пятницу." in windows-1251.
  const std::string russian =
      "\xcf\xf0\xe8\xe2\xe5\xf2, \xec\xe8\xf0! \xc2\xf1\xf2\xf0\xe5\xf7\xe0 \xe2 "
      "\xef\xff\xf2\xed\xe8\xf6\xf3.";
  Result<DecodedText> decoded = ConvertToUtf8(russian, "\"Windows-1251\"");
  ASSERT_OK(decoded);
  EXPECT_EQ("Привет, мир! Встреча в пятницу.", decoded->utf8);
  EXPECT_EQ("windows-1251", decoded->charset);
  EXPECT_FALSE(decoded->detected);
  EXPECT_EQ("", decoded->warning);
}

TEST(CharsetConverterTest, Gb2312LabelDecodesAsGbk) {
  // "会议改到周五" in GB2312/GBK.
  const std::string chinese = "\xbb\xe1\xd2\xe9\xb8\xc4\xb5\xbd\xd6\xdc\xce\xe5";
  Result<DecodedText> decoded = ConvertToUtf8(chinese, "gb2312");
  ASSERT_OK(decoded);
  EXPECT_EQ("会议改到周五", decoded->utf8);
  EXPECT_EQ("", decoded->warning);
}

TEST(CharsetConverterTest, BogusLabelOnChineseIsDetectedAsGb18030) {
  // "会议改到周五，请大家准时参加。" in GBK: long enough for ucsdet to be certain.
  const std::string chinese =
      "\xbb\xe1\xd2\xe9\xb8\xc4\xb5\xbd\xd6\xdc\xce\xe5\xa3\xac\xc7\xeb\xb4\xf3\xbc\xd2"
      "\xd7\xbc\xca\xb1\xb2\xce\xbc\xd3\xa1\xa3";
  Result<DecodedText> decoded = ConvertToUtf8(chinese, "x-bogus-42");
  ASSERT_OK(decoded);
  EXPECT_EQ("会议改到周五，请大家准时参加。", decoded->utf8);
  EXPECT_TRUE(decoded->detected);
  EXPECT_FALSE(decoded->warning.empty());
}

TEST(CharsetConverterTest, MissingLabelKeepsValidUtf8) {
  Result<DecodedText> decoded = ConvertToUtf8("\xef\xbb\xbfHallo 会议", "");
  ASSERT_OK(decoded);
  EXPECT_EQ("Hallo 会议", decoded->utf8);  // byte-order mark removed
  EXPECT_EQ("", decoded->warning);
  EXPECT_FALSE(decoded->detected);
}

TEST(CharsetConverterTest, MissingLabelOnNonUtf8IsDetected) {
  Result<DecodedText> decoded = ConvertToUtf8(kGermanLatin1, "");
  ASSERT_OK(decoded);
  EXPECT_NE(std::string::npos, decoded->utf8.find("München"));
  EXPECT_TRUE(decoded->detected);
  EXPECT_NE(std::string::npos, decoded->warning.find("no charset label"));
}

TEST(CharsetConverterTest, InvalidBytesBecomeReplacementCharacters) {
  Result<DecodedText> decoded = ConvertToUtf8("ok \xff\xfe bad", "utf-8");
  ASSERT_OK(decoded);
  EXPECT_EQ("ok \xef\xbf\xbd\xef\xbf\xbd bad", decoded->utf8);
  EXPECT_NE(std::string::npos, decoded->warning.find("replaced with U+FFFD")) << decoded->warning;
  EXPECT_NE(std::string::npos, decoded->warning.find("byte offset 3")) << decoded->warning;
}

TEST(CharsetConverterTest, EmptyAndBinaryInputNeverFail) {
  EXPECT_OK(ConvertToUtf8("", ""));
  EXPECT_OK(ConvertToUtf8("", "x-bogus"));
  std::string binary;
  for (int i = 0; i < 4096; ++i) {
    binary += static_cast<char>((i * 37) & 0xFF);
  }
  EXPECT_OK(ConvertToUtf8(binary, ""));
  EXPECT_OK(ConvertToUtf8(binary, "utf-16"));
  EXPECT_OK(ConvertToUtf8(binary, "iso-2022-jp"));
}

TEST(CharsetConverterTest, ToNfcComposes) {
  EXPECT_EQ(
      "Gr\xc3\xbc\xc3\x9f"
      "e",
      ToNfc("Gru\xcc\x88\xc3\x9f"
            "e"));  // u + combining diaeresis
  EXPECT_EQ("plain", ToNfc("plain"));
}

}  // namespace
}  // namespace docket
