/** @file
 *  @brief DumpTable and bcp format files over files written by each test: bcp char mode with a
 *         format file, bcp -w (UTF-16LE), CSV with a header, code pages, bad rows, chunking.
 */
#include "indexer/dump_table.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/support/test_env.h"

namespace docket {
namespace {

using ::docket::testing::TempDir;
using ::docket::testing::WriteFileOrDie;

// UTF-8 -> UTF-16LE for the test data (the code under test decodes with ICU).
std::string Utf16Le(std::string_view utf8) {
  std::string out;
  for (size_t i = 0; i < utf8.size();) {
    const auto b = static_cast<unsigned char>(utf8[i]);
    char32_t c;
    size_t n;
    if (b < 0x80) {
      c = b, n = 1;
    } else if (b < 0xE0) {
      c = b & 0x1F, n = 2;
    } else if (b < 0xF0) {
      c = b & 0x0F, n = 3;
    } else {
      c = b & 0x07, n = 4;
    }
    for (size_t k = 1; k < n; ++k) {
      c = (c << 6) | (static_cast<unsigned char>(utf8[i + k]) & 0x3F);
    }
    i += n;
    auto unit = [&](char32_t u) {
      out += static_cast<char>(u & 0xFF);
      out += static_cast<char>((u >> 8) & 0xFF);
    };
    if (c >= 0x10000) {
      unit(0xD800 + ((c - 0x10000) >> 10));
      unit(0xDC00 + ((c - 0x10000) & 0x3FF));
    } else {
      unit(c);
    }
  }
  return out;
}

struct ReadAll {
  std::vector<DumpRow> rows;
  std::unique_ptr<DumpTable> table;
};

ReadAll ReadTable(const std::filesystem::path& path, DumpTableOptions options) {
  ReadAll out;
  Result<std::unique_ptr<DumpTable>> table = DumpTable::Open(path, std::move(options));
  EXPECT_OK(table);
  if (!table.has_value()) {
    return out;
  }
  out.table = std::move(*table);
  for (;;) {
    DumpRow row;
    Result<bool> more = out.table->Next(&row);
    EXPECT_OK(more);
    if (!more.has_value() || !*more) {
      break;
    }
    out.rows.push_back(std::move(row));
  }
  return out;
}

TEST(DumpTableTest, NonXmlFormatFileNamesColumnsAndTerminators) {
  TempDir dir;
  WriteFileOrDie(
      dir.path() / "Messages.fmt",
      "10.0\r\n"
      "4\r\n"
      "1  SQLCHAR  0  24  \"\\t\"    1  SessionIdTime  \"\"\r\n"
      "2  SQLCHAR  0  12  \"\\t\"    2  FromId         \"\"\r\n"
      "3  SQLCHAR  0  0   \"\\t\"    0  Ignored        \"\"\r\n"
      "4  SQLCHAR  0  0   \"\\r\\n\"  4  Body           SQL_Latin1_General_CP1_CI_AS\r\n");
  Result<BcpFormat> format = ReadBcpFormatFile(dir.path() / "Messages.fmt");
  ASSERT_OK(format);
  EXPECT_EQ((std::vector<std::string>{"SessionIdTime", "FromId", "Field3", "Body"}),
            format->columns);
  EXPECT_EQ("\t", format->field_terminator);
  EXPECT_EQ("\r\n", format->row_terminator);
  EXPECT_FALSE(format->unicode);

  // Row 2 has a Body with a line break (bcp does not escape it); row 3 is short; row 4 has an
  // empty string (one NUL) and a NULL (empty field).
  WriteFileOrDie(dir.path() / "Messages.dat",
                 "2013-06-03 09:15:02.231\t1\tx\tHallo Bob\r\n"
                 "2013-06-03 09:15:40.000\t2\tx\tzwei\r\nZeilen\r\n"
                 "2013-06-03 09:16:00.000\t3\r\n"
                 "2013-06-03 09:17:00.000\t\tx\t" +
                     std::string(1, '\0') + "\r\n");
  DumpTableOptions options;
  options.columns = format->columns;
  options.field_terminator = format->field_terminator;
  options.row_terminator = format->row_terminator;
  ReadAll all = ReadTable(dir.path() / "Messages.dat", options);
  ASSERT_EQ(3u, all.rows.size());
  EXPECT_EQ(1u, all.rows[0].line);
  EXPECT_EQ("Hallo Bob", all.rows[0].fields[3].value());
  EXPECT_EQ(2u, all.rows[1].line);
  EXPECT_EQ("zwei\r\nZeilen", all.rows[1].fields[3].value());
  EXPECT_EQ(5u, all.rows[2].line);
  EXPECT_FALSE(all.rows[2].fields[1].has_value());  // empty field: NULL
  ASSERT_TRUE(all.rows[2].fields[3].has_value());   // NUL: empty string
  EXPECT_EQ("", *all.rows[2].fields[3]);
  ASSERT_EQ(1u, all.table->bad_rows().size());
  EXPECT_EQ(4u, all.table->bad_rows()[0].line);
  EXPECT_EQ("2 fields, expected 4", all.table->bad_rows()[0].reason);
  EXPECT_EQ(3u, all.table->rows_read());
}

TEST(DumpTableTest, XmlFormatFileWithCustomTerminators) {
  const std::string xml =
      "<?xml version=\"1.0\"?>\n"
      "<BCPFORMAT xmlns=\"http://schemas.microsoft.com/sqlserver/2004/bulkload/format\" "
      "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">\n"
      " <RECORD>\n"
      "  <FIELD ID=\"1\" xsi:type=\"CharTerm\" TERMINATOR=\"|\" MAX_LENGTH=\"12\"/>\n"
      "  <FIELD ID=\"2\" xsi:type=\"CharTerm\" TERMINATOR=\"~\\n\" MAX_LENGTH=\"900\"/>\n"
      " </RECORD>\n"
      " <ROW>\n"
      "  <COLUMN SOURCE=\"2\" NAME=\"UserUri\" xsi:type=\"SQLNVARCHAR\"/>\n"
      "  <COLUMN SOURCE=\"1\" NAME=\"UserId\" xsi:type=\"SQLINT\"/>\n"
      " </ROW>\n"
      "</BCPFORMAT>\n";
  Result<BcpFormat> format = ParseBcpFormat(xml, "Users.xml");
  ASSERT_OK(format);
  EXPECT_EQ((std::vector<std::string>{"UserId", "UserUri"}), format->columns);
  EXPECT_EQ("|", format->field_terminator);
  EXPECT_EQ("~\n", format->row_terminator);

  TempDir dir;
  WriteFileOrDie(dir.path() / "Users.dat", "1|sip:alice@contoso.com~\n2|bob@contoso.com\n~\n");
  DumpTableOptions options;
  options.columns = format->columns;
  options.field_terminator = format->field_terminator;
  options.row_terminator = format->row_terminator;
  ReadAll all = ReadTable(dir.path() / "Users.dat", options);
  ASSERT_EQ(2u, all.rows.size());
  EXPECT_EQ("sip:alice@contoso.com", all.rows[0].fields[1].value());
  EXPECT_EQ("bob@contoso.com\n", all.rows[1].fields[1].value());
  EXPECT_EQ(2u, all.rows[1].line);
}

TEST(DumpTableTest, FormatFilesThatAreNotCharacterModeAreRefused) {
  Result<BcpFormat> native = ParseBcpFormat(
      "10.0\n2\n1 SQLINT 1 4 \"\" 1 UserId \"\"\n2 SQLNCHAR 8 0 \"\" 2 UserUri \"\"\n", "n.fmt");
  ASSERT_FALSE(native.has_value());
  EXPECT_EQ(StatusCode::kUnimplemented, native.status().code());
  EXPECT_NE(std::string::npos, native.status().message().find("native"))
      << native.status().ToString();

  Result<BcpFormat> garbage = ParseBcpFormat("hello world\n", "x.fmt");
  ASSERT_FALSE(garbage.has_value());
  EXPECT_EQ(StatusCode::kInvalidArgument, garbage.status().code());

  Result<BcpFormat> not_bcp_xml = ParseBcpFormat("<html><body/></html>", "x.xml");
  ASSERT_FALSE(not_bcp_xml.has_value());
  EXPECT_NE(std::string::npos, not_bcp_xml.status().message().find("BCPFORMAT"));
}

TEST(DumpTableTest, Utf16LeWithAndWithoutByteOrderMark) {
  TempDir dir;
  const std::string text = "1\t会议改到周五 \U0001F600\r\n2\tПривет\r\n";
  WriteFileOrDie(dir.path() / "bom.dat", "\xFF\xFE" + Utf16Le(text));
  WriteFileOrDie(dir.path() / "nobom.dat", Utf16Le(text));
  for (const char* name : {"bom.dat", "nobom.dat"}) {
    DumpTableOptions options;
    options.columns = {"Id", "Text"};
    ReadAll all = ReadTable(dir.path() / name, options);
    ASSERT_EQ(2u, all.rows.size()) << name;
    EXPECT_EQ("1", all.rows[0].fields[0].value()) << name;
    EXPECT_EQ("会议改到周五 \U0001F600", all.rows[0].fields[1].value()) << name;
    EXPECT_EQ("Привет", all.rows[1].fields[1].value()) << name;
    EXPECT_EQ(2u, all.rows[1].line);
  }
}

TEST(DumpTableTest, Utf16LeRowsAcrossChunkBoundaries) {
  // Enough rows that 64 KiB chunks cut inside characters and surrogate pairs.
  TempDir dir;
  std::string text;
  for (int i = 0; i < 4000; ++i) {
    text += std::to_string(i) + "\t会议\U0001F600第" + std::to_string(i) + "行\n";
  }
  WriteFileOrDie(dir.path() / "big.dat", "\xFF\xFE" + Utf16Le(text));
  DumpTableOptions options;
  options.columns = {"Id", "Text"};
  ReadAll all = ReadTable(dir.path() / "big.dat", options);
  ASSERT_EQ(4000u, all.rows.size());
  for (int i = 0; i < 4000; ++i) {
    ASSERT_EQ("会议\U0001F600第" + std::to_string(i) + "行", all.rows[i].fields[1].value()) << i;
    ASSERT_EQ(static_cast<uint64_t>(i + 1), all.rows[i].line);
  }
  EXPECT_TRUE(all.table->warnings().empty());
}

TEST(DumpTableTest, CsvWithHeaderQuotesAndLineBreaks) {
  TempDir dir;
  WriteFileOrDie(dir.path() / "Messages.csv",
                 "\xEF\xBB\xBF"
                 "SessionIdSeq,[Body],Extra\r\n"
                 "1,\"Hallo, Bob \"\"&\"\" Team\",x\r\n"
                 "2,\"zwei\r\nZeilen\",\r\n"
                 "3,\"\",y\r\n"
                 "4,too,many,fields\r\n"
                 "\r\n"
                 "5,\"unterminated\n");
  DumpTableOptions options;
  options.csv = true;
  options.field_terminator = "";  // detect
  options.header = HeaderMode::kPresent;
  ReadAll all = ReadTable(dir.path() / "Messages.csv", options);
  ASSERT_TRUE(all.table != nullptr);
  EXPECT_TRUE(all.table->has_header());
  EXPECT_EQ((std::vector<std::string>{"SessionIdSeq", "Body", "Extra"}), all.table->columns());
  EXPECT_EQ(1u, all.table->ColumnIndex("body"));
  ASSERT_EQ(3u, all.rows.size());
  EXPECT_EQ("Hallo, Bob \"&\" Team", all.rows[0].fields[1].value());
  EXPECT_EQ(2u, all.rows[0].line);
  EXPECT_EQ("zwei\r\nZeilen", all.rows[1].fields[1].value());
  EXPECT_FALSE(all.rows[1].fields[2].has_value());  // unquoted empty: NULL
  EXPECT_EQ(5u, all.rows[2].line);
  EXPECT_EQ("", all.rows[2].fields[1].value());  // quoted empty: empty string
  ASSERT_EQ(2u, all.table->bad_rows().size());
  EXPECT_EQ(6u, all.table->bad_rows()[0].line);
  EXPECT_EQ("4 fields, expected 3", all.table->bad_rows()[0].reason);
  EXPECT_EQ(8u, all.table->bad_rows()[1].line);
  EXPECT_EQ("a quoted field is never closed", all.table->bad_rows()[1].reason);
}

TEST(DumpTableTest, TabSeparatedCsvIsDetected) {
  TempDir dir;
  WriteFileOrDie(dir.path() / "Users.csv", "UserId\tUserUri\n1\t\"a,b@contoso.com\"\n");
  DumpTableOptions options;
  options.csv = true;
  options.field_terminator = "";
  options.header = HeaderMode::kPresent;
  ReadAll all = ReadTable(dir.path() / "Users.csv", options);
  ASSERT_EQ(1u, all.rows.size());
  EXPECT_EQ("a,b@contoso.com", all.rows[0].fields[1].value());
}

TEST(DumpTableTest, HeaderDetectionKeepsADataFirstRow) {
  TempDir dir;
  WriteFileOrDie(dir.path() / "with.txt", "UserUri\tUserId\nbob@contoso.com\t7\n");
  WriteFileOrDie(dir.path() / "without.txt", "7\tbob@contoso.com\n");
  DumpTableOptions options;
  options.columns = {"UserId", "UserUri"};
  options.header = HeaderMode::kDetect;
  ReadAll with = ReadTable(dir.path() / "with.txt", options);
  EXPECT_TRUE(with.table->has_header());
  EXPECT_EQ(0u, with.table->ColumnIndex("UserUri"));  // reordered columns follow the header
  ASSERT_EQ(1u, with.rows.size());
  EXPECT_EQ(2u, with.rows[0].line);

  ReadAll without = ReadTable(dir.path() / "without.txt", options);
  EXPECT_FALSE(without.table->has_header());
  ASSERT_EQ(1u, without.rows.size());
  EXPECT_EQ("bob@contoso.com", without.rows[0].fields[1].value());
}

TEST(DumpTableTest, CodePageAndUndecodableBytes) {
  TempDir dir;
  WriteFileOrDie(dir.path() / "cp.dat",
                 "1\tGr\xfc\xdf"
                 "e \x80\n");
  DumpTableOptions options;
  options.columns = {"Id", "Text"};
  options.encoding = DumpEncoding::kCodePage;
  options.code_page = "windows-1252";
  ReadAll all = ReadTable(dir.path() / "cp.dat", options);
  ASSERT_EQ(1u, all.rows.size());
  EXPECT_EQ("Grüße €", all.rows[0].fields[1].value());
  EXPECT_TRUE(all.table->warnings().empty());

  options.encoding = DumpEncoding::kUtf8;
  all = ReadTable(dir.path() / "cp.dat", options);
  ASSERT_EQ(1u, all.rows.size());
  EXPECT_NE(std::string::npos, all.rows[0].fields[1]->find("\xEF\xBF\xBD"));  // U+FFFD
  ASSERT_EQ(1u, all.table->warnings().size());
  EXPECT_TRUE(all.table->warnings()[0].starts_with("line 1: ")) << all.table->warnings()[0];
}

TEST(DumpTableTest, NoColumnNamesIsAnError) {
  TempDir dir;
  WriteFileOrDie(dir.path() / "x.dat", "1\t2\n");
  Result<std::unique_ptr<DumpTable>> table = DumpTable::Open(dir.path() / "x.dat", {});
  ASSERT_FALSE(table.has_value());
  EXPECT_NE(std::string::npos, table.status().message().find("format file"))
      << table.status().ToString();
  EXPECT_FALSE(DumpTable::Open(dir.path() / "missing.dat", {}).has_value());
}

}  // namespace
}  // namespace docket
