/** @file
 *  @brief ConvertToUtf8: known labels, bogus labels (detection), missing labels, bad bytes.
 */
#include "indexer/charset_converter.h"

#include <gtest/gtest.h>

#include <cctype>
#include <ostream>
#include <vector>

#include "tests/support/subprocess.h"
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

// ---- Every charset the issue names, encoded by an independent encoder (Python's codecs) ----

struct CharsetCase {
  std::string label;  // what a mail header would say
  std::string codec;  // Python's name for the same encoding
  std::string text;   // UTF-8 sample in a script the charset covers
  bool detectable;    // ucsdet recognises it when the label is missing
};

std::string Encode(const std::string& codec, const std::string& text) {
  testing::CommandResult run = testing::RunCommand(
      {"python3", "-c", "import sys; sys.stdout.write(sys.argv[2].encode(sys.argv[1]).hex())",
       codec, text});
  EXPECT_EQ(0, run.exit_code) << run.err;
  std::string bytes;
  for (size_t i = 0; i + 1 < run.out.size(); i += 2) {
    bytes.push_back(static_cast<char>(std::stoi(run.out.substr(i, 2), nullptr, 16)));
  }
  return bytes;
}

const std::string kChineseS =
    "我们明天下午三点开会讨论第三季度的预算，请大家提前准备好相关的材料和报告。会议地点在二楼会议室"
    "。";
const std::string kChineseT =
    "我們明天下午三點開會討論第三季度的預算，請大家提前準備好相關的材料和報告。會議地點在二樓會議室"
    "。";
const std::string kJapanese =
    "明日の午後三時から会議を開きます。資料の準備をお願いします。場所は二階の会議室です。よろしくお"
    "願いします。";
const std::string kKorean =
    "내일 오후 세 시에 회의를 시작합니다. 자료를 미리 준비해 주십시오. 장소는 이층 회의실입니다.";
const std::string kRussian =
    "Завтра в три часа мы обсудим бюджет на третий квартал. Пожалуйста, подготовьте все материалы "
    "заранее.";
const std::string kGerman =
    "Die Besprechung über das Budget für das dritte Quartal findet morgen um drei Uhr statt. Grüße "
    "aus München.";
const std::string kPolish =
    "Spotkanie w sprawie budżetu odbędzie się jutro o godzinie trzeciej. Proszę przygotować "
    "materiały.";
const std::string kGreek =
    "Η σύσκεψη για τον προϋπολογισμό θα γίνει αύριο στις τρεις. Παρακαλώ ετοιμάστε το υλικό.";
const std::string kTurkish =
    "Bütçe toplantısı yarın saat üçte yapılacak. Lütfen malzemeleri önceden hazırlayın, İstanbul.";
const std::string kArabic =
    "سيعقد الاجتماع حول الميزانية غدا في الساعة الثالثة. يرجى تحضير المواد مسبقا.";
const std::string kHebrew = "הפגישה על התקציב תתקיים מחר בשעה שלוש. נא להכין את החומרים מראש.";
// windows-1258 writes Vietnamese tones as combining marks after a (possibly accented) base letter.
const std::string kVietnamese =
    "Cu\u00f4\u0323c ho\u0323p v\u00ea\u0300 ng\u00e2n sa\u0301ch se\u0303 di\u00ea\u0303n ra "
    "va\u0300o nga\u0300y mai lu\u0301c ba gi\u01a1\u0300.";
const std::string kBaltic =
    "Rytoj trečią valandą vyks susitikimas dėl biudžeto. Prašome paruošti medžiagą.";
const std::string kHongKong = "我哋聽日下晝三點開會，討論預算。㗎喎";

const std::vector<CharsetCase>& CharsetCases() {
  static const std::vector<CharsetCase> cases = {
      {"Big5", "big5", kChineseT, true},
      {"Big5-HKSCS", "big5hkscs", kHongKong, false},
      {"GB2312", "gb2312", kChineseS, true},
      {"GBK", "gbk", kChineseS, true},
      {"GB18030", "gb18030", kChineseS + "𠀀", true},
      {"Shift_JIS", "shift_jis", kJapanese, true},
      {"EUC-JP", "euc_jp", kJapanese, true},
      {"ISO-2022-JP", "iso2022_jp", kJapanese, true},
      {"EUC-KR", "euc_kr", kKorean, true},
      // ucsdet has a KOI8-R recogniser, but takes this text for ISO-8859-7: label needed.
      {"KOI8-R", "koi8_r", kRussian, false},
      {"windows-1250", "cp1250", kPolish, false},
      {"windows-1251", "cp1251", kRussian, true},
      {"windows-1252", "cp1252", kGerman, false},
      {"windows-1253", "cp1253", kGreek, false},
      {"windows-1254", "cp1254", kTurkish, false},
      {"windows-1255", "cp1255", kHebrew, false},
      {"windows-1256", "cp1256", kArabic, true},
      {"windows-1257", "cp1257", kBaltic, false},
      {"windows-1258", "cp1258", kVietnamese, false},
      {"ISO-8859-1", "iso8859_1", kGerman, false},
      {"ISO-8859-2", "iso8859_2", kPolish, false},
      {"ISO-8859-5", "iso8859_5", kRussian, false},
      {"ISO-8859-6", "iso8859_6", kArabic, false},
      {"ISO-8859-7", "iso8859_7", kGreek, false},
      {"ISO-8859-8", "iso8859_8", kHebrew, false},
      {"ISO-8859-9", "iso8859_9", kTurkish, false},
      {"ISO-8859-15", "iso8859_15", kGerman, false},
      {"UTF-16", "utf-16", kJapanese, true},        // with BOM (Python writes one)
      {"UTF-16LE", "utf-16-le", kArabic, false},    // without BOM
      {"UTF-16BE", "utf-16-be", kChineseS, false},  // without BOM
      {"UTF-32", "utf-32", kKorean, true},          // with BOM
      {"UTF-32LE", "utf-32-le", kRussian, false},   // without BOM
      {"UTF-32BE", "utf-32-be", kHebrew, false},    // without BOM
  };
  return cases;
}

// gtest prints the label, not the bytes of the struct.
void PrintTo(const CharsetCase& c, std::ostream* os) { *os << c.label; }

std::vector<CharsetCase> DetectableCases() {
  std::vector<CharsetCase> out;
  for (const CharsetCase& c : CharsetCases()) {
    if (c.detectable) {
      out.push_back(c);
    }
  }
  return out;
}

std::string CaseName(const ::testing::TestParamInfo<CharsetCase>& param_info) {
  std::string name;
  for (char ch : param_info.param.label) {
    name += std::isalnum(static_cast<unsigned char>(ch)) ? ch : '_';
  }
  return name;
}

class CharsetTableTest : public ::testing::TestWithParam<CharsetCase> {};
class CharsetDetectionTest : public ::testing::TestWithParam<CharsetCase> {};

TEST_P(CharsetTableTest, LabelledTextDecodesExactly) {
  const CharsetCase& c = GetParam();
  const std::string bytes = Encode(c.codec, c.text);
  ASSERT_FALSE(bytes.empty());
  Result<DecodedText> decoded = ConvertToUtf8(bytes, c.label);
  ASSERT_OK(decoded);
  EXPECT_EQ(c.text, decoded->utf8);
  EXPECT_EQ("", decoded->warning);
  EXPECT_FALSE(decoded->detected);
}

// Only for the charsets ucsdet recognises (CharsetCase::detectable); the others need a label.
TEST_P(CharsetDetectionTest, MissingLabelIsDetected) {
  const CharsetCase& c = GetParam();
  const std::string bytes = Encode(c.codec, c.text);
  Result<DecodedText> decoded = ConvertToUtf8(bytes, "");
  ASSERT_OK(decoded);
  EXPECT_EQ(c.text, decoded->utf8) << "detected as " << decoded->charset;
  EXPECT_TRUE(decoded->detected);
  EXPECT_NE("", decoded->warning);
}

INSTANTIATE_TEST_SUITE_P(Charsets, CharsetTableTest, ::testing::ValuesIn(CharsetCases()), CaseName);
INSTANTIATE_TEST_SUITE_P(Charsets, CharsetDetectionTest, ::testing::ValuesIn(DetectableCases()),
                         CaseName);

TEST(CharsetConverterTest, LyingLabelsAreCaughtByDetection) {
  // UTF-8 sent as ISO-8859-1: the classic mislabel, which would otherwise read as mojibake.
  Result<DecodedText> utf8 = ConvertToUtf8(kGerman, "iso-8859-1");
  ASSERT_OK(utf8);
  EXPECT_EQ(kGerman, utf8->utf8);
  EXPECT_TRUE(utf8->detected);
  EXPECT_NE(std::string::npos, utf8->warning.find("is wrong")) << utf8->warning;

  // Shift_JIS sent as windows-1252: every byte "decodes", but ucsdet is sure it is Japanese.
  Result<DecodedText> sjis = ConvertToUtf8(Encode("shift_jis", kJapanese), "windows-1252");
  ASSERT_OK(sjis);
  EXPECT_EQ(kJapanese, sjis->utf8);
  EXPECT_EQ("Shift_JIS", sjis->charset);

  // EUC-KR sent as Shift_JIS: invalid sequences give it away.
  Result<DecodedText> euckr = ConvertToUtf8(Encode("euc_kr", kKorean), "Shift_JIS");
  ASSERT_OK(euckr);
  EXPECT_EQ(kKorean, euckr->utf8) << euckr->warning;
  EXPECT_TRUE(euckr->detected);

  // A right one-byte label on text ucsdet cannot place stays as labelled.
  Result<DecodedText> greek = ConvertToUtf8(Encode("cp1253", kGreek), "windows-1253");
  ASSERT_OK(greek);
  EXPECT_EQ(kGreek, greek->utf8);
  EXPECT_FALSE(greek->detected);
}

}  // namespace
}  // namespace docket
