// Tests for export/load_file.h: the DAT is parsed back the way Concordance and Relativity
// read it (split lines on CRLF, values on DC4, strip the þ qualifiers).
#include "export/load_file.h"

#include <algorithm>
#include <sstream>

#include "tests/support/test_env.h"

namespace docket {
namespace {

constexpr std::string_view kBom = "\xEF\xBB\xBF";
constexpr std::string_view kThorn = "\xC3\xBE";       // þ
constexpr std::string_view kRegistered = "\xC2\xAE";  // ®
constexpr char kDc4 = '\x14';

// The lines of a DAT file (BOM removed), each as its list of unqualified values; fails the
// test when a value is not wrapped in þ or holds one.
std::vector<std::vector<std::string>> ParseDat(const std::string& dat) {
  EXPECT_EQ(dat.substr(0, kBom.size()), kBom);
  std::string body = dat.substr(kBom.size());
  EXPECT_TRUE(body.size() >= 2 && body.substr(body.size() - 2) == "\r\n");
  std::vector<std::vector<std::string>> lines;
  size_t start = 0;
  while (start < body.size()) {
    const size_t end = body.find("\r\n", start);
    EXPECT_NE(end, std::string::npos);
    const std::string line = body.substr(start, end - start);
    EXPECT_EQ(line.find_first_of("\r\n"), std::string::npos) << line;
    std::vector<std::string> values;
    size_t value_start = 0;
    while (true) {
      const size_t separator = line.find(kDc4, value_start);
      std::string value =
          line.substr(value_start,
                      separator == std::string::npos ? std::string::npos : separator - value_start);
      EXPECT_GE(value.size(), 2 * kThorn.size()) << value;
      EXPECT_EQ(value.substr(0, kThorn.size()), kThorn) << value;
      EXPECT_EQ(value.substr(value.size() - kThorn.size()), kThorn) << value;
      value = value.substr(kThorn.size(), value.size() - 2 * kThorn.size());
      EXPECT_EQ(value.find(kThorn), std::string::npos) << value;
      values.push_back(value);
      if (separator == std::string::npos) {
        break;
      }
      value_start = separator + 1;
    }
    lines.push_back(values);
    start = end + 2;
  }
  return lines;
}

size_t Column(const std::string& name) {
  const auto& columns = LoadFileColumns();
  const auto found = std::find(columns.begin(), columns.end(), name);
  EXPECT_NE(found, columns.end()) << name;
  return static_cast<size_t>(found - columns.begin());
}

ExportRecord ConversationRecord() {
  ExportRecord record;
  record.doc_id = "DKT0000001";
  record.kind = ItemKind::kImConversation;
  record.doc_type = "Message";
  record.begin_attach = "DKT0000001";
  record.end_attach = "DKT0000002";
  record.attachment_ids = {"DKT0000002"};
  record.custodian = "王伟";
  record.all_custodians = {"王伟", "Alice Example"};
  record.from = "wang@contoso.cn";
  record.to = {"alice@contoso.com", "omar@contoso.ae"};
  record.participants = {"wang@contoso.cn", "alice@contoso.com", "omar@contoso.ae"};
  record.subject =
      "合同审查 — مراجعة العقد — 🙂\r\nsecond line\nthird\rfourth";
  record.sent = UtcFromCivil(2013, 6, 3, 9, 15, 2);
  record.session_end = UtcFromCivil(2013, 6, 3, 9, 47, 0);
  record.session_id = "20130603091502000_1";
  record.conversation_kind = "conf";
  record.message_count = 12;
  record.message_class = "IPM.Note.Microsoft.Conversation";
  record.importance = "high";
  record.file_name = "20130603091502000_1_conf.eml";
  record.file_extension = "eml";
  record.file_size = 4321;
  record.language = "zh";
  record.source_path = "lync-export/2013/06/03/20130603091502000_1_conf.eml";
  record.index_state = "indexed";
  record.ingest_digests = {"ingest-md5", "ingest-sha1", "ingest-sha256"};
  record.native = PackageFile{"NATIVES/0001/DKT0000001.eml",
                              "DKT0000001.eml",
                              4321,
                              {"native-md5", "native-sha1", "native-sha256"}};
  record.text = PackageFile{"TEXT/0001/DKT0000001.txt", "DKT0000001.txt", 99, {}};
  return record;
}

TEST(LoadFileTest, ColumnsAreTheDocumentedOnesInOrder) {
  const auto& columns = LoadFileColumns();
  ASSERT_EQ(columns.size(), 36u);
  EXPECT_EQ(columns.front(), "BEGBATES");
  EXPECT_EQ(columns[5], "ATTACH_IDS");
  EXPECT_EQ(columns[28], "MD5HASH");
  EXPECT_EQ(columns.back(), "INDEXREASON");
}

TEST(LoadFileTest, ValueEscapingReplacesBreaksAndDelimiters) {
  EXPECT_EQ(LoadFileValue("a\r\nb\nc\rd"), "a®b®c®d");
  EXPECT_EQ(LoadFileValue("\r\n\r\n"), "®®");
  EXPECT_EQ(LoadFileValue("x\x14y"), "x?y");
  EXPECT_EQ(LoadFileValue("þorn"), "?orn");
  // Other Latin-1 letters sharing þ's lead byte are kept.
  EXPECT_EQ(LoadFileValue("Ðoþ ÿ"), "Ðo? ÿ");
  EXPECT_EQ(LoadFileValue("合同 🙂"), "合同 🙂");
  // Replacements at the ends and next to each other, and a lead byte with nothing after it.
  EXPECT_EQ(LoadFileValue("end\r"), "end®");
  EXPECT_EQ(LoadFileValue("\x14\x14þ\n"), "???®");
  EXPECT_EQ(LoadFileValue("x\xC3"), "x\xC3");
}

TEST(LoadFileTest, HeaderAndOneLinePerDocumentParseBack) {
  std::ostringstream out;
  LoadFileWriter writer(out);
  const ExportRecord conversation = ConversationRecord();
  writer.AddDocument(conversation);

  ExportRecord attachment;
  attachment.doc_id = "DKT0000002";
  attachment.doc_type = "File";
  attachment.begin_attach = "DKT0000001";
  attachment.end_attach = "DKT0000002";
  attachment.parent_doc_id = "DKT0000001";
  attachment.custodian = "王伟";
  attachment.subject = "þ and \x14 inside";
  attachment.file_name = "تقرير.docx";
  attachment.file_extension = "docx";
  attachment.index_state = "unindexed";
  attachment.state_reason = "encrypted document\nno password";
  attachment.ingest_digests = {"i-md5", "i-sha1", "i-sha256"};
  writer.AddDocument(attachment);  // its native is missing: no paths, ingest digests

  const auto lines = ParseDat(out.str());
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[0], LoadFileColumns());
  for (const auto& line : lines) {
    EXPECT_EQ(line.size(), LoadFileColumns().size());
  }

  const auto& first = lines[1];
  EXPECT_EQ(first[Column("BEGBATES")], "DKT0000001");
  EXPECT_EQ(first[Column("ENDBATES")], "DKT0000001");
  EXPECT_EQ(first[Column("BEGATTACH")], "DKT0000001");
  EXPECT_EQ(first[Column("ENDATTACH")], "DKT0000002");
  EXPECT_EQ(first[Column("PARENT_BATES")], "");
  EXPECT_EQ(first[Column("ATTACH_IDS")], "DKT0000002");
  EXPECT_EQ(first[Column("CUSTODIAN")], "王伟");
  EXPECT_EQ(first[Column("ALL_CUSTODIANS")], "王伟;Alice Example");
  EXPECT_EQ(first[Column("TO")], "alice@contoso.com;omar@contoso.ae");
  EXPECT_EQ(first[Column("CC")], "");
  EXPECT_EQ(first[Column("PARTICIPANTS")], "wang@contoso.cn;alice@contoso.com;omar@contoso.ae");
  EXPECT_EQ(first[Column("SUBJECT")], "合同审查 — مراجعة العقد — 🙂" +
                                          std::string(kRegistered) + "second line" +
                                          std::string(kRegistered) + "third" +
                                          std::string(kRegistered) + "fourth");
  EXPECT_EQ(first[Column("DATESENT")], "2013-06-03T09:15:02Z");
  EXPECT_EQ(first[Column("DATERCVD")], "");
  EXPECT_EQ(first[Column("CONVERSATION_END")], "2013-06-03T09:47:00Z");
  EXPECT_EQ(first[Column("SESSIONID")], "20130603091502000_1");
  EXPECT_EQ(first[Column("CONVERSATION_KIND")], "conf");
  EXPECT_EQ(first[Column("MSGCOUNT")], "12");
  EXPECT_EQ(first[Column("IMPORTANCE")], "high");
  EXPECT_EQ(first[Column("FILESIZE")], "4321");
  EXPECT_EQ(first[Column("LANGUAGE")], "zh");
  EXPECT_EQ(first[Column("MD5HASH")], "native-md5");
  EXPECT_EQ(first[Column("SHA1HASH")], "native-sha1");
  EXPECT_EQ(first[Column("SHA256HASH")], "native-sha256");
  EXPECT_EQ(first[Column("NATIVEPATH")], ".\\NATIVES\\0001\\DKT0000001.eml");
  EXPECT_EQ(first[Column("TEXTPATH")], ".\\TEXT\\0001\\DKT0000001.txt");
  EXPECT_EQ(first[Column("SOURCEPATH")], "lync-export/2013/06/03/20130603091502000_1_conf.eml");
  EXPECT_EQ(first[Column("INDEXSTATE")], "indexed");
  EXPECT_EQ(first[Column("INDEXREASON")], "");

  const auto& second = lines[2];
  EXPECT_EQ(second[Column("PARENT_BATES")], "DKT0000001");
  EXPECT_EQ(second[Column("SUBJECT")], "? and ? inside");
  EXPECT_EQ(second[Column("FILENAME")], "تقرير.docx");
  EXPECT_EQ(second[Column("DATESENT")], "");
  EXPECT_EQ(second[Column("MSGCOUNT")], "");
  EXPECT_EQ(second[Column("FILESIZE")], "0");
  EXPECT_EQ(second[Column("MD5HASH")], "i-md5");
  EXPECT_EQ(second[Column("SHA256HASH")], "i-sha256");
  EXPECT_EQ(second[Column("NATIVEPATH")], "");
  EXPECT_EQ(second[Column("TEXTPATH")], "");
  EXPECT_EQ(second[Column("INDEXSTATE")], "unindexed");
  EXPECT_EQ(second[Column("INDEXREASON")],
            "encrypted document" + std::string(kRegistered) + "no password");
}

TEST(LoadFileTest, AnEmptyProductionIsTheHeaderOnly) {
  std::ostringstream out;
  LoadFileWriter writer(out);
  const auto lines = ParseDat(out.str());
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0], LoadFileColumns());
}

}  // namespace
}  // namespace docket
