// Tests for export/edrm_manifest.h: the manifest must be well-formed for xmllint, and parsed
// back (libxml2 XPath, and Python's ElementTree as a reader that shares no code with the
// writer) it must say exactly what the records say.
#include "export/edrm_manifest.h"

#include <libxml/parser.h>
#include <libxml/xpath.h>

#include <sstream>

#include "tests/support/subprocess.h"
#include "tests/support/test_env.h"

namespace docket {
namespace {

using ::docket::testing::CommandResult;
using ::docket::testing::RunCommand;
using ::docket::testing::TempDir;
using ::docket::testing::WriteFileOrDie;

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

// A parsed manifest answering XPath string queries.
class Manifest {
 public:
  explicit Manifest(const std::string& xml)
      : doc_(xmlReadMemory(xml.data(), static_cast<int>(xml.size()), "manifest.xml", "UTF-8",
                           XML_PARSE_NONET)) {}
  ~Manifest() { xmlFreeDoc(doc_); }
  Manifest(const Manifest&) = delete;
  Manifest& operator=(const Manifest&) = delete;

  bool parsed() const { return doc_ != nullptr; }

  // The string value of every node `xpath` selects, in document order.
  std::vector<std::string> All(const std::string& xpath) const {
    std::vector<std::string> values;
    xmlXPathContextPtr context = xmlXPathNewContext(doc_);
    xmlXPathObjectPtr result =
        xmlXPathEvalExpression(reinterpret_cast<const xmlChar*>(xpath.c_str()), context);
    if (result != nullptr && result->nodesetval != nullptr) {
      for (int i = 0; i < result->nodesetval->nodeNr; ++i) {
        xmlChar* text = xmlNodeGetContent(result->nodesetval->nodeTab[i]);
        values.emplace_back(text != nullptr ? reinterpret_cast<const char*>(text) : "");
        xmlFree(text);
      }
    }
    xmlXPathFreeObject(result);
    xmlXPathFreeContext(context);
    return values;
  }

  // The single value `xpath` selects; "<none>" or "<many>" otherwise, so a mismatch shows.
  std::string One(const std::string& xpath) const {
    const std::vector<std::string> values = All(xpath);
    if (values.empty()) {
      return "<none>";
    }
    return values.size() == 1 ? values.front() : "<many>";
  }

  std::string Tag(const std::string& doc_id, const std::string& name,
                  const std::string& attribute = "TagValue") const {
    return One("/Root/Batch/Documents/Document[@DocID='" + doc_id + "']/Tags/Tag[@TagName='" +
               name + "']/@" + attribute);
  }

 private:
  xmlDocPtr doc_;
};

const std::string kHostileSubject =
    "Q3 <draft> & \"final\" 'v2' — 合同审查 مراجعة العقد 🙂\nline two";

ExportRecord ParentRecord() {
  ExportRecord record;
  record.doc_id = "DKT0000001";
  record.kind = ItemKind::kMeeting;
  record.doc_type = "Message";
  record.mime_type = "message/rfc822";
  record.begin_attach = "DKT0000001";
  record.end_attach = "DKT0000002";
  record.attachment_ids = {"DKT0000002"};
  record.custodian = "王伟";
  record.all_custodians = {"王伟", "Alice Example"};
  record.source_path = "lync-export/2013/06/03/20130603091502000_1_conf.eml";
  record.from = "wang@contoso.cn";
  record.to = {"alice@contoso.com", "omar@contoso.ae"};
  record.participants = {"wang@contoso.cn", "alice@contoso.com"};
  record.subject = kHostileSubject;
  record.sent = UtcFromCivil(2013, 6, 3, 9, 15, 2);
  record.session_end = UtcFromCivil(2013, 6, 3, 9, 47, 0);
  record.session_id = "20130603091502000_1";
  record.conversation_kind = "conf";
  record.message_count = 12;
  record.attachment_count = 1;
  record.attachment_names = {"تقرير.docx"};
  record.file_name = "20130603091502000_1_conf.eml";
  record.file_extension = "eml";
  record.file_size = 4321;
  record.language = "zh";
  record.index_state = "indexed";
  record.ingest_digests = {"ingest-md5", "ingest-sha1", "ingest-sha256"};
  record.native = PackageFile{"NATIVES/0001/DKT0000001.eml",
                              "DKT0000001.eml",
                              4321,
                              {"native-md5", "native-sha1", "native-sha256"}};
  record.text = PackageFile{
      "TEXT/0001/DKT0000001.txt", "DKT0000001.txt", 99, {"text-md5", "text-sha1", "text-sha256"}};
  return record;
}

ExportRecord AttachmentRecord() {
  ExportRecord record;
  record.doc_id = "DKT0000002";
  record.kind = ItemKind::kAttachment;
  record.doc_type = "File";
  record.begin_attach = "DKT0000001";
  record.end_attach = "DKT0000002";
  record.parent_doc_id = "DKT0000001";
  record.custodian = "王伟";
  // Control characters (from a chat transcript) and a stray Latin-1 byte, none legal in XML.
  record.subject = std::string("bell\x07 vt\x0B nul") + '\0' + "end \xFF\xFE latin1 caf\xE9";
  record.author = "Omar\x1F";
  record.file_name = "تقرير.docx";
  record.file_extension = "docx";
  record.index_state = "unindexed";
  record.state_reason = "encrypted document";
  record.ingest_digests = {"i-md5", "i-sha1", "i-sha256"};
  return record;
}

std::string WriteManifest() {
  std::ostringstream out;
  EdrmManifestWriter writer(out, {.description = "Docket export: Contoso v. Fabrikam"});
  writer.AddDocument(ParentRecord());
  writer.AddDocument(AttachmentRecord());
  writer.Finish({{"DKT0000001", "DKT0000002"}});
  return out.str();
}

TEST(EdrmManifestTest, XmllintFindsItWellFormed) {
  TempDir dir;
  const auto path = dir.path() / "manifest.xml";
  WriteFileOrDie(path, WriteManifest());
  const CommandResult lint = RunCommand({"xmllint", "--noout", path.string()});
  EXPECT_EQ(lint.exit_code, 0) << lint.err;
  EXPECT_EQ(lint.err, "");
}

TEST(EdrmManifestTest, RootBatchAndDocumentsFollowEdrm12) {
  const std::string xml = WriteManifest();
  EXPECT_EQ(xml.rfind("<?xml version=\"1.0\" encoding=\"UTF-8\"?>", 0), 0u) << xml.substr(0, 80);
  Manifest manifest(xml);
  ASSERT_TRUE(manifest.parsed());
  EXPECT_EQ(manifest.One("/Root/@MajorVersion"), "1");
  EXPECT_EQ(manifest.One("/Root/@MinorVersion"), "2");
  EXPECT_EQ(manifest.One("/Root/@Description"), "Docket export: Contoso v. Fabrikam");
  EXPECT_EQ(manifest.One("/Root/@Locale"), "en-US");
  EXPECT_EQ(manifest.One("/Root/@DataInterchangeType"), "Update");
  EXPECT_EQ(manifest.All("/Root/Batch/Documents/Document/@DocID"),
            (std::vector<std::string>{"DKT0000001", "DKT0000002"}));
  EXPECT_EQ(manifest.All("/Root/Batch/Documents/Document/@DocType"),
            (std::vector<std::string>{"Message", "File"}));
  EXPECT_EQ(manifest.All("/Root/Batch/Documents/Document/@MimeType"),
            (std::vector<std::string>{"message/rfc822"}));
  EXPECT_EQ(manifest.One("/Root/Batch/Relationships/Relationship/@Type"), "Attachment");
  EXPECT_EQ(manifest.One("/Root/Batch/Relationships/Relationship/@ParentDocID"), "DKT0000001");
  EXPECT_EQ(manifest.One("/Root/Batch/Relationships/Relationship/@ChildDocID"), "DKT0000002");
}

TEST(EdrmManifestTest, FilesAndLocationsDescribeThePackage) {
  Manifest manifest(WriteManifest());
  ASSERT_TRUE(manifest.parsed());
  const std::string doc = "/Root/Batch/Documents/Document[@DocID='DKT0000001']";
  const std::string native = doc + "/Files/File[@FileType='Native']/ExternalFile";
  EXPECT_EQ(manifest.One(native + "/@FilePath"), "NATIVES/0001");
  EXPECT_EQ(manifest.One(native + "/@FileName"), "DKT0000001.eml");
  EXPECT_EQ(manifest.One(native + "/@FileSize"), "4321");
  EXPECT_EQ(manifest.One(native + "/@Hash"), "native-md5");
  EXPECT_EQ(manifest.One(native + "/@HashType"), "MD5");
  const std::string text = doc + "/Files/File[@FileType='Text']/ExternalFile";
  EXPECT_EQ(manifest.One(text + "/@FilePath"), "TEXT/0001");
  EXPECT_EQ(manifest.One(text + "/@FileName"), "DKT0000001.txt");
  EXPECT_EQ(manifest.One(text + "/@FileSize"), "99");
  EXPECT_EQ(manifest.One(text + "/@Hash"), "text-md5");
  EXPECT_EQ(manifest.One(doc + "/Locations/Location/Custodian"), "王伟");
  EXPECT_EQ(manifest.One(doc + "/Locations/Location/LocationURI"),
            "lync-export/2013/06/03/20130603091502000_1_conf.eml");
  // A document whose native is missing has no Files, and keeps its ingest digests.
  EXPECT_EQ(manifest.All("/Root/Batch/Documents/Document[@DocID='DKT0000002']/Files").size(), 0u);
  EXPECT_EQ(manifest.Tag("DKT0000002", "#SHA256"), "i-sha256");
  EXPECT_EQ(manifest.Tag("DKT0000001", "#SHA256"), "native-sha256");
  EXPECT_EQ(manifest.Tag("DKT0000001", "#SHA1"), "native-sha1");
}

TEST(EdrmManifestTest, TagsCarryValuesAndDataTypes) {
  Manifest manifest(WriteManifest());
  ASSERT_TRUE(manifest.parsed());
  EXPECT_EQ(manifest.Tag("DKT0000001", "#Subject"), kHostileSubject);
  EXPECT_EQ(manifest.Tag("DKT0000001", "#Subject", "TagDataType"), "Text");
  EXPECT_EQ(manifest.Tag("DKT0000001", "#From"), "wang@contoso.cn");
  EXPECT_EQ(manifest.Tag("DKT0000001", "#To"), "alice@contoso.com;omar@contoso.ae");
  EXPECT_EQ(manifest.Tag("DKT0000001", "#DateSent"), "2013-06-03T09:15:02Z");
  EXPECT_EQ(manifest.Tag("DKT0000001", "#DateSent", "TagDataType"), "DateTime");
  EXPECT_EQ(manifest.Tag("DKT0000001", "#SessionStart"), "2013-06-03T09:15:02Z");
  EXPECT_EQ(manifest.Tag("DKT0000001", "#SessionEnd"), "2013-06-03T09:47:00Z");
  EXPECT_EQ(manifest.Tag("DKT0000001", "#MessageCount"), "12");
  EXPECT_EQ(manifest.Tag("DKT0000001", "#MessageCount", "TagDataType"), "Integer");
  EXPECT_EQ(manifest.Tag("DKT0000001", "#FileSize"), "4321");
  EXPECT_EQ(manifest.Tag("DKT0000001", "#FileSize", "TagDataType"), "LongInteger");
  EXPECT_EQ(manifest.Tag("DKT0000001", "#HasAttachments"), "true");
  EXPECT_EQ(manifest.Tag("DKT0000001", "#HasAttachments", "TagDataType"), "Boolean");
  EXPECT_EQ(manifest.Tag("DKT0000001", "#AttachmentCount"), "1");
  EXPECT_EQ(manifest.Tag("DKT0000001", "#AttachmentNames"), "تقرير.docx");
  EXPECT_EQ(manifest.Tag("DKT0000001", "#ConversationKind"), "conf");
  EXPECT_EQ(manifest.Tag("DKT0000001", "#Participants"), "wang@contoso.cn;alice@contoso.com");
  EXPECT_EQ(manifest.Tag("DKT0000001", "#AllCustodians"), "王伟;Alice Example");
  EXPECT_EQ(manifest.Tag("DKT0000001", "#Custodian"), "王伟");
  // Empty values are left out rather than written as empty tags.
  EXPECT_EQ(manifest.Tag("DKT0000001", "#BCC"), "<none>");
  EXPECT_EQ(manifest.Tag("DKT0000001", "#DateReceived"), "<none>");
  EXPECT_EQ(manifest.Tag("DKT0000001", "#IndexReason"), "<none>");
  EXPECT_EQ(manifest.Tag("DKT0000002", "#HasAttachments"), "false");
  EXPECT_EQ(manifest.Tag("DKT0000002", "#SessionStart"), "<none>");
  EXPECT_EQ(manifest.Tag("DKT0000002", "#MessageCount"), "<none>");
  EXPECT_EQ(manifest.Tag("DKT0000002", "#IndexState"), "unindexed");
  EXPECT_EQ(manifest.Tag("DKT0000002", "#IndexReason"), "encrypted document");
}

TEST(EdrmManifestTest, CharactersXmlForbidsBecomeReplacementCharacters) {
  Manifest manifest(WriteManifest());
  ASSERT_TRUE(manifest.parsed());
  const std::string r(kReplacement);
  EXPECT_EQ(manifest.Tag("DKT0000002", "#Subject"),
            "bell" + r + " vt" + r + " nul" + r + "end " + r + r + " latin1 caf" + r);
  EXPECT_EQ(manifest.Tag("DKT0000002", "#Author"), "Omar" + r);
}

// Python's ElementTree (expat) reads the same values: nothing depends on libxml2 reading its
// own output leniently.
TEST(EdrmManifestTest, PythonElementTreeReadsTheSameValues) {
  TempDir dir;
  const auto path = dir.path() / "manifest.xml";
  WriteFileOrDie(path, WriteManifest());
  constexpr char kScript[] = R"PY(
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
out = []
for doc in root.iter("Document"):
    subject = [t.get("TagValue") for t in doc.iter("Tag") if t.get("TagName") == "#Subject"]
    out.append(doc.get("DocID") + "\t" + subject[0].encode("utf-8").hex())
for rel in root.iter("Relationship"):
    out.append(rel.get("ParentDocID") + ">" + rel.get("ChildDocID"))
print("\n".join(out))
)PY";
  const CommandResult result = RunCommand({"python3", "-c", kScript, path.string()});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  std::string hex;
  for (unsigned char c : kHostileSubject) {
    static constexpr char kHex[] = "0123456789abcdef";
    hex += kHex[c >> 4];
    hex += kHex[c & 0xF];
  }
  EXPECT_THAT(result.out, ::testing::StartsWith("DKT0000001\t" + hex + "\n"));
  EXPECT_THAT(result.out, ::testing::HasSubstr("DKT0000001>DKT0000002\n"));
}

TEST(EdrmManifestTest, AnUnfinishedManifestIsNotWellFormed) {
  TempDir dir;
  const auto path = dir.path() / "manifest.xml";
  {
    std::ostringstream out;
    {
      EdrmManifestWriter writer(out, {});
      writer.AddDocument(ParentRecord());
    }  // destroyed without Finish(): an export that failed half way
    EXPECT_NE(out.str().find("DKT0000001"), std::string::npos);
    WriteFileOrDie(path, out.str());
  }
  const CommandResult lint = RunCommand({"xmllint", "--noout", path.string()});
  EXPECT_NE(lint.exit_code, 0);
}

TEST(EdrmManifestTest, AnEmptyProductionHasEmptyDocumentsAndRelationships) {
  std::ostringstream out;
  {
    EdrmManifestWriter writer(out, {.description = "", .locale = "zh-CN"});
    writer.Finish({});
  }
  Manifest manifest(out.str());
  ASSERT_TRUE(manifest.parsed()) << out.str();
  EXPECT_EQ(manifest.One("/Root/@Locale"), "zh-CN");
  EXPECT_EQ(manifest.One("/Root/@Description"), "<none>");
  EXPECT_EQ(manifest.All("/Root/Batch/Documents").size(), 1u);
  EXPECT_EQ(manifest.All("/Root/Batch/Documents/Document").size(), 0u);
  EXPECT_EQ(manifest.All("/Root/Batch/Relationships").size(), 1u);
}

// The exporter renders Documents on its read-ahead threads; the manifest must not change by a
// byte, whether rendered or written, first or later, or both mixed.
TEST(EdrmManifestTest, RenderedDocumentsGiveTheSameBytesAsWrittenOnes) {
  // Every character the escaping treats specially, in attributes and in text.
  ExportRecord odd = ParentRecord();
  odd.doc_id = "DKT0000003";
  odd.custodian = "Tab\tCR\rLF\nCRLF\r\n & <b> \"q\" 'a' \x7F 王 🚀 ]]>";
  odd.source_path = odd.custodian + " \xC3";
  odd.subject = odd.custodian + " \x01\xED\xA0\x80 é";
  odd.to = {"a&b@x.com", "\"Quote\" <q@x.com>"};
  odd.native.reset();
  ExportRecord bare = AttachmentRecord();
  bare.doc_id = "DKT0000004";
  bare.custodian.clear();
  bare.source_path.clear();
  bare.text.reset();
  const std::vector<ExportRecord> records = {ParentRecord(), AttachmentRecord(), odd, bare,
                                             ParentRecord()};
  const std::vector<EdrmRelationship> relationships = {{"DKT0000001", "DKT0000002"}};
  for (size_t count = 0; count <= records.size(); ++count) {
    std::ostringstream written;
    {
      EdrmManifestWriter writer(written, {.description = "Docket export"});
      for (size_t i = 0; i < count; ++i) {
        writer.AddDocument(records[i]);
      }
      writer.Finish(relationships);
    }
    for (const bool mixed : {false, true}) {
      std::ostringstream rendered;
      {
        EdrmDocumentRenderer renderer;
        EdrmManifestWriter writer(rendered, {.description = "Docket export"});
        for (size_t i = 0; i < count; ++i) {
          if (mixed && i % 2 == 1) {
            writer.AddDocument(records[i]);
          } else {
            writer.AddRenderedDocument(renderer.Render(records[i]));
          }
        }
        writer.Finish(relationships);
      }
      EXPECT_EQ(rendered.str(), written.str()) << count << " documents, mixed " << mixed;
    }
  }
}

}  // namespace
}  // namespace docket
