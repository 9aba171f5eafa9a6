// Tests for export/csv_writer.h: RFC 4180 quoting, formula neutralisation, and a round trip
// through Python's csv module (the reader a reviewer's script would use).
#include "export/csv_writer.h"

#include <sstream>

#include "tests/support/subprocess.h"
#include "tests/support/test_env.h"

namespace docket {
namespace {

using ::docket::testing::CommandResult;
using ::docket::testing::RunCommand;
using ::docket::testing::TempDir;
using ::docket::testing::WriteFileOrDie;

TEST(CsvWriterTest, QuotesOnlyWhatNeedsQuoting) {
  EXPECT_EQ(CsvReportField("plain"), "plain");
  EXPECT_EQ(CsvReportField(""), "");
  EXPECT_EQ(CsvReportField("a,b"), "\"a,b\"");
  EXPECT_EQ(CsvReportField("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(CsvReportField("two\r\nlines"), "\"two\r\nlines\"");
  EXPECT_EQ(CsvReportField("cr\ronly"), "\"cr\ronly\"");
  EXPECT_EQ(CsvReportField("合同,审查"), "\"合同,审查\"");
  EXPECT_EQ(CsvReportField("مراجعة العقد"), "مراجعة العقد");
  EXPECT_EQ(CsvReportField("\"\""), "\"\"\"\"\"\"");
  EXPECT_EQ(CsvReportField("a\""), "\"a\"\"\"");
}

TEST(CsvWriterTest, NeutralisesSpreadsheetFormulas) {
  EXPECT_EQ(CsvReportField("=HYPERLINK(\"http://evil\")"), "\"'=HYPERLINK(\"\"http://evil\"\")\"");
  EXPECT_EQ(CsvReportField("+1"), "'+1");
  EXPECT_EQ(CsvReportField("-2+3"), "'-2+3");
  EXPECT_EQ(CsvReportField("@SUM(A1)"), "'@SUM(A1)");
  EXPECT_EQ(CsvReportField("\t=1"), "'\t=1");
  EXPECT_EQ(CsvReportField("\r=1"), "\"'\r=1\"");
  EXPECT_EQ(CsvReportField("=1,2"), "\"'=1,2\"");
  // Only the first character matters.
  EXPECT_EQ(CsvReportField("a=b"), "a=b");
  EXPECT_EQ(CsvReportField("alice@contoso.com"), "alice@contoso.com");
}

TEST(CsvWriterTest, WritesBomAndCrlfRows) {
  std::ostringstream with_bom;
  CsvWriter writer(with_bom);
  writer.WriteRow({"DocID", "Subject"});
  writer.WriteRow({"DKT0000001", "Q3, draft"});
  writer.WriteRow({});
  EXPECT_EQ(with_bom.str(),
            "\xEF\xBB\xBF"
            "DocID,Subject\r\nDKT0000001,\"Q3, draft\"\r\n\r\n");

  std::ostringstream without_bom;
  CsvWriter plain(without_bom, /*byte_order_mark=*/false);
  plain.WriteRow({"", "x", ""});
  EXPECT_EQ(without_bom.str(), ",x,\r\n");
}

// Python reads the file as Excel's dialect would be read by a script; each field comes back
// hex-encoded so that no locale or newline translation can hide a difference.
TEST(CsvWriterTest, RoundTripsThroughPythonCsv) {
  const std::vector<std::vector<std::string>> rows = {
      {"DocID", "Subject", "From", "Note"},
      {"DKT0000001", "合同审查：第三季度", "王伟 <wang@contoso.cn>", "line one\r\nline two"},
      {"DKT0000002", "مراجعة العقد", "\"Ali, Omar\" <omar@contoso.ae>", "🙂 emoji"},
      {"DKT0000003", "Re: plain", "", "he said \"no\", twice"},
  };
  std::ostringstream out;
  CsvWriter writer(out);
  for (const auto& row : rows) {
    writer.WriteRow(row);
  }
  TempDir dir;
  const auto path = dir.path() / "Results.csv";
  WriteFileOrDie(path, out.str());

  constexpr char kScript[] = R"PY(
import csv, sys
with open(sys.argv[1], newline="", encoding="utf-8-sig") as f:
    for row in csv.reader(f):
        print("\t".join(field.encode("utf-8").hex() for field in row))
)PY";
  const CommandResult result = RunCommand({"python3", "-c", kScript, path.string()});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  std::string expected;
  for (const auto& row : rows) {
    for (size_t i = 0; i < row.size(); ++i) {
      if (i > 0) {
        expected += '\t';
      }
      for (unsigned char c : row[i]) {
        static constexpr char kHex[] = "0123456789abcdef";
        expected += kHex[c >> 4];
        expected += kHex[c & 0xF];
      }
    }
    expected += '\n';
  }
  EXPECT_EQ(result.out, expected);
}

}  // namespace
}  // namespace docket
