/** @file
 *  @brief ExtractPdfText and LooksLikePdf on PDFs written by hand in the test (objects, streams
 *         and a cross-reference table with offsets computed here): WinAnsi and CJK text,
 *         metadata, a scanned page, attachments, encryption, damage and garbage.
 */
#include "indexer/pdf_text.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <string>
#include <vector>

#include "common/time_util.h"
#include "tests/support/subprocess.h"
#include "tests/support/test_env.h"

namespace docket {
namespace {

using ::testing::HasSubstr;

// Collects numbered objects and writes them with a correct xref table.
class PdfWriter {
 public:
  // Reserves an object number so objects can refer to each other before they are written.
  int Reserve() {
    objects_.emplace_back();
    return static_cast<int>(objects_.size());
  }
  int Add(std::string body) {
    const int number = Reserve();
    Set(number, std::move(body));
    return number;
  }
  void Set(int number, std::string body) { objects_[number - 1] = std::move(body); }
  int AddStream(const std::string& dictionary_entries, const std::string& data) {
    return Add("<< " + dictionary_entries + " /Length " + std::to_string(data.size()) +
               " >>\nstream\n" + data + "\nendstream");
  }

  // `offset_error` is added to every xref offset, to damage the table on purpose.
  std::string Build(int root, int info = 0, const std::string& trailer_extra = "",
                    size_t offset_error = 0) const {
    std::string pdf = "%PDF-1.7\n%\xE2\xE3\xCF\xD3\n";
    std::vector<size_t> offsets;
    for (size_t i = 0; i < objects_.size(); ++i) {
      offsets.push_back(pdf.size());
      pdf += std::to_string(i + 1) + " 0 obj\n" + objects_[i] + "\nendobj\n";
    }
    const size_t xref = pdf.size();
    pdf += "xref\n0 " + std::to_string(objects_.size() + 1) + "\n0000000000 65535 f \n";
    for (size_t offset : offsets) {
      char line[21];
      std::snprintf(line, sizeof line, "%010zu 00000 n \n", offset + offset_error);
      pdf += line;
    }
    pdf += "trailer\n<< /Size " + std::to_string(objects_.size() + 1) + " /Root " +
           std::to_string(root) + " 0 R";
    if (info != 0) {
      pdf += " /Info " + std::to_string(info) + " 0 R";
    }
    pdf += trailer_extra + " >>\nstartxref\n" + std::to_string(xref) + "\n%%EOF\n";
    return pdf;
  }

 private:
  std::vector<std::string> objects_;
};

// Escapes a literal PDF string.
std::string PdfLiteral(const std::string& text) {
  std::string out = "(";
  for (char c : text) {
    if (c == '(' || c == ')' || c == '\\') {
      out += '\\';
    }
    out += c;
  }
  return out + ")";
}

// A content stream drawing one line of Helvetica text per entry, top to bottom at `x`.
std::string TextLines(const std::vector<std::string>& lines, int x = 72, int top = 720) {
  std::string content;
  int y = top;
  for (const std::string& line : lines) {
    content += "BT /F1 12 Tf " + std::to_string(x) + " " + std::to_string(y) + " Td " +
               PdfLiteral(line) + " Tj ET\n";
    y -= 16;
  }
  return content;
}

// A one-pixel grey inline image: a page that shows something but has no text layer.
constexpr char kImageOnlyContent[] =
    "q 200 0 0 200 100 400 cm BI /W 1 /H 1 /CS /G /BPC 8 ID \x80 EI Q\n";

// Two CJK characters and an emoji through a Type0 font with Identity-H and a ToUnicode CMap.
constexpr char kToUnicodeCMap[] =
    "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
    "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
    "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
    "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n"
    "4 beginbfchar\n<0001> <4F1A>\n<0002> <8BAE>\n<0003> <7EAA>\n<0004> <D83DDCC5>\nendbfchar\n"
    "endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n";

// Builds a document whose pages share the Helvetica (F1) and CJK (F2) fonts.
class SampleDocument {
 public:
  SampleDocument() {
    catalog_ = writer_.Reserve();
    pages_ = writer_.Reserve();
    helvetica_ = writer_.Add(
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>");
    const int to_unicode = writer_.AddStream("", kToUnicodeCMap);
    const int descendant = writer_.Add(
        "<< /Type /Font /Subtype /CIDFontType2 /BaseFont /DocketCJK /CIDSystemInfo << /Registry "
        "(Adobe) /Ordering (Identity) /Supplement 0 >> /FontDescriptor " +
        std::to_string(writer_.Add("<< /Type /FontDescriptor /FontName /DocketCJK /Flags 4 "
                                   "/FontBBox [0 0 1000 1000] /ItalicAngle 0 /Ascent 880 "
                                   "/Descent -120 /CapHeight 700 /StemV 80 >>")) +
        " 0 R /DW 1000 >>");
    cjk_ = writer_.Add(
        "<< /Type /Font /Subtype /Type0 /BaseFont /DocketCJK /Encoding /Identity-H "
        "/DescendantFonts [" +
        std::to_string(descendant) + " 0 R] /ToUnicode " + std::to_string(to_unicode) + " 0 R >>");
  }

  void AddPage(const std::string& content) {
    const int stream = writer_.AddStream("", content);
    page_ids_.push_back(writer_.Add("<< /Type /Page /Parent " + std::to_string(pages_) +
                                    " 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 " +
                                    std::to_string(helvetica_) + " 0 R /F2 " +
                                    std::to_string(cjk_) + " 0 R >> >> /Contents " +
                                    std::to_string(stream) + " 0 R >>"));
  }

  void SetInfo(const std::string& entries) { info_ = writer_.Add("<< " + entries + " >>"); }

  void AttachFile(const std::string& pdf_name, const std::string& subtype,
                  const std::string& data) {
    const int stream = writer_.AddStream("/Type /EmbeddedFile /Subtype " + subtype, data);
    attachments_.push_back(
        pdf_name + " " +
        std::to_string(writer_.Add("<< /Type /Filespec /F " + pdf_name + " /UF " + pdf_name +
                                   " /EF << /F " + std::to_string(stream) + " 0 R >> >>")) +
        " 0 R");
  }

  std::string Build(const std::string& trailer_extra = "", size_t offset_error = 0) {
    std::string kids;
    for (int id : page_ids_) {
      kids += std::to_string(id) + " 0 R ";
    }
    writer_.Set(pages_, "<< /Type /Pages /Kids [" + kids + "] /Count " +
                            std::to_string(page_ids_.size()) + " >>");
    std::string names;
    if (!attachments_.empty()) {
      names = " /Names << /EmbeddedFiles << /Names [";
      for (const std::string& entry : attachments_) {
        names += entry + " ";
      }
      names += "] >> >>";
    }
    writer_.Set(catalog_,
                "<< /Type /Catalog /Pages " + std::to_string(pages_) + " 0 R" + names + " >>");
    return writer_.Build(catalog_, info_, trailer_extra, offset_error);
  }

 private:
  PdfWriter writer_;
  int catalog_ = 0;
  int pages_ = 0;
  int helvetica_ = 0;
  int cjk_ = 0;
  int info_ = 0;
  std::vector<int> page_ids_;
  std::vector<std::string> attachments_;
};

TEST(PdfTextTest, PagesInOrderWithMetadataAndCjkThroughToUnicode) {
  SampleDocument doc;
  doc.AddPage(TextLines({"Quarterly Review", "Revenue grew (slightly) in Q2."}));
  doc.AddPage("BT /F2 12 Tf 72 720 Td <000100020003> Tj ET\nBT /F2 12 Tf 72 700 Td <0004> Tj ET\n" +
              TextLines({"Caf\xE9 na\xEFve"}, 72, 680));  // WinAnsi é and ï
  // Title as UTF-16BE with a byte-order mark: "Review 评审".
  doc.SetInfo(
      "/Title <FEFF00520065007600690065007700208BC45BA1> /Author (Alice Smith) "
      "/CreationDate (D:20130603111502+02'00')");
  auto result = ExtractPdfText(doc.Build());
  ASSERT_OK(result);
  EXPECT_EQ(
      "Quarterly Review\nRevenue grew (slightly) in Q2.\n\f\n"
      "会议纪\n📅\nCafé naïve",
      result->text);
  EXPECT_EQ("Review 评审", result->title);
  EXPECT_EQ("Alice Smith", result->author);
  EXPECT_EQ(UtcFromCivil(2013, 6, 3, 9, 15, 2), result->created);
  EXPECT_TRUE(result->warnings.empty()) << result->warnings.front();
  EXPECT_TRUE(result->embedded.empty());
}

TEST(PdfTextTest, ColumnsAreReadOneAfterTheOther) {
  SampleDocument doc;
  std::vector<std::string> left, right;
  for (int i = 0; i < 12; ++i) {
    left.push_back("left column line " + std::to_string(i) + " alpha beta gamma");
    right.push_back("right column line " + std::to_string(i) + " delta epsilon");
  }
  doc.AddPage(TextLines(left, 40) + TextLines(right, 330));
  auto result = ExtractPdfText(doc.Build());
  ASSERT_OK(result);
  // A phrase stays whole and the left column ends before the right one begins.
  EXPECT_THAT(result->text, HasSubstr("left column line 3 alpha beta gamma\n"));
  EXPECT_LT(result->text.find("left column line 11"), result->text.find("right column line 0"));
}

TEST(PdfTextTest, PagesWithoutTextAreOneWarning) {
  SampleDocument doc;
  doc.AddPage(TextLines({"page one"}));
  doc.AddPage(kImageOnlyContent);
  doc.AddPage(TextLines({"page three"}));
  doc.AddPage("");
  auto result = ExtractPdfText(doc.Build());
  ASSERT_OK(result);
  EXPECT_EQ("page one\n\f\n\n\f\npage three\n\f\n", result->text);
  ASSERT_EQ(1u, result->warnings.size());
  EXPECT_EQ("pages 2, 4 have no text layer (scanned images?)", result->warnings[0]);
}

TEST(PdfTextTest, ImageOnlyPdfIsAnError) {
  SampleDocument doc;
  doc.AddPage(kImageOnlyContent);
  doc.AddPage(kImageOnlyContent);
  auto result = ExtractPdfText(doc.Build());
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(StatusCode::kInvalidArgument, result.error().code());
  EXPECT_EQ("PDF has no text layer (image-only; OCR is not available)", result.error().message());
}

TEST(PdfTextTest, AttachedFilesBecomeEmbeddedFiles) {
  SampleDocument doc;
  doc.AddPage(TextLines({"see the attachments"}));
  // Name tree keys are sorted, and the files come back in key order.
  // A Windows path as the name: only the file name is kept.
  doc.AttachFile("(C:\\\\temp\\\\q2.csv)", "/text#2Fcsv", "a,b\n1,2\n");
  doc.AttachFile("(minutes.txt)", "/text#2Fplain", "Minutes of the meeting\n");
  // A UTF-16BE file name ("docs/议程.zip"): poppler-cpp hands names over as C strings, so
  // such a name ends at its first zero byte and the file gets a made-up name instead.
  const std::string zip_bytes("PK\x03\x04 not really a zip");
  doc.AttachFile("<FEFF0064006F00630073002F8BAE7A0B002E007A00690070>", "/application#2Fzip",
                 zip_bytes);
  auto result = ExtractPdfText(doc.Build());
  ASSERT_OK(result);
  EXPECT_EQ("see the attachments", result->text);
  ASSERT_EQ(3u, result->embedded.size());
  EXPECT_EQ("q2.csv", result->embedded[0].name);
  EXPECT_EQ("text/csv", result->embedded[0].media_type);
  EXPECT_EQ("a,b\n1,2\n", result->embedded[0].bytes);
  EXPECT_EQ("minutes.txt", result->embedded[1].name);
  EXPECT_EQ("text/plain", result->embedded[1].media_type);
  EXPECT_EQ("Minutes of the meeting\n", result->embedded[1].bytes);
  EXPECT_EQ("attachment-1", result->embedded[2].name);
  EXPECT_EQ("application/zip", result->embedded[2].media_type);
  EXPECT_EQ(zip_bytes, result->embedded[2].bytes);
  EXPECT_TRUE(result->warnings.empty());
}

TEST(PdfTextTest, AttachmentsKeepAPdfWithoutTextAsAPortfolio) {
  SampleDocument doc;
  doc.AddPage(kImageOnlyContent);
  doc.AttachFile("(agenda.txt)", "/text#2Fplain", "Agenda");
  auto result = ExtractPdfText(doc.Build());
  ASSERT_OK(result);
  EXPECT_EQ("", result->text);
  ASSERT_EQ(1u, result->embedded.size());
  EXPECT_EQ("agenda.txt", result->embedded[0].name);
  ASSERT_EQ(1u, result->warnings.size());
  EXPECT_EQ("PDF has no text layer (image-only; OCR is not available)", result->warnings[0]);
}

TEST(PdfTextTest, EncryptedPdfNeedsAPassword) {
  SampleDocument doc;
  doc.AddPage(TextLines({"secret"}));
  // A Standard security handler entry whose /U cannot match the empty user password.
  const std::string bytes32 = "<" + std::string(64, 'A') + ">";
  std::string pdf = doc.Build(
      " /Encrypt << /Filter /Standard /V 1 /R 2 /Length 40 /P -44 /O " + bytes32 + " /U " +
      bytes32 + " >> /ID [<00112233445566778899AABBCCDDEEFF> <00112233445566778899AABBCCDDEEFF>]");
  auto result = ExtractPdfText(pdf);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(StatusCode::kUnimplemented, result.error().code());
  EXPECT_EQ("PDF is encrypted; no password was given", result.error().message());
}

TEST(PdfTextTest, DamagedXrefIsRepairedWithAWarning) {
  SampleDocument doc;
  doc.AddPage(TextLines({"still readable"}));
  // Every xref entry points 40 bytes into its object. (Poppler repairs a table that is merely
  // shifted, or a wrong startxref, without a word; this it reports.)
  auto result = ExtractPdfText(doc.Build("", /*offset_error=*/40));
  ASSERT_OK(result);
  EXPECT_EQ("still readable", result->text);
  ASSERT_FALSE(result->warnings.empty());
  EXPECT_THAT(result->warnings[0], HasSubstr("PDF is damaged"));
}

TEST(PdfTextTest, TruncatedPdfKeepsThePagesBeforeTheCut) {
  SampleDocument doc;
  doc.AddPage(TextLines({"first page survives"}));
  doc.AddPage(TextLines({std::string(3000, 'x')}));
  doc.AddPage(TextLines({"third page is lost"}));
  const std::string pdf = doc.Build();
  const size_t cut = pdf.find(std::string(100, 'x'));
  ASSERT_NE(std::string::npos, cut);
  // Poppler finds the catalog by scanning when the trailer is gone, reads the pages whose
  // objects survived, and says the file was damaged.
  auto result = ExtractPdfText(std::string_view(pdf).substr(0, cut + 100));
  ASSERT_OK(result);
  EXPECT_THAT(result->text, ::testing::StartsWith("first page survives"));
  EXPECT_THAT(result->text, ::testing::Not(HasSubstr("third page")));
  EXPECT_THAT(
      result->warnings,
      ::testing::ElementsAre("PDF is damaged; poppler repaired what it could (error: Couldn't find "
                             "trailer dictionary)",
                             "pages 2, 3 could not be read"));
}

TEST(PdfTextTest, MutatedPdfsNeverCrash) {
  SampleDocument doc;
  doc.AddPage(TextLines({"mutation target"}));
  doc.AddPage("BT /F2 12 Tf 72 720 Td <00010002> Tj ET\n");
  doc.AttachFile("(a.txt)", "/text#2Fplain", "attached");
  const std::string pdf = doc.Build();
  uint32_t state = 2013;
  auto next = [&state] {
    state = state * 1664525u + 1013904223u;
    return state >> 8;
  };
  int readable = 0;
  for (int round = 0; round < 150; ++round) {
    std::string mutated = pdf;
    const int flips = 1 + static_cast<int>(next() % 8);
    for (int i = 0; i < flips; ++i) {
      mutated[next() % mutated.size()] = static_cast<char>(next() & 0xFF);
    }
    if (round % 5 == 0) {
      mutated.resize(next() % mutated.size());
    }
    auto result = ExtractPdfText(mutated);
    if (result.ok()) {
      ++readable;
    } else {
      EXPECT_FALSE(result.error().message().empty());
    }
  }
  // Most single-byte damage is repaired; the loop is only meaningful if some files open.
  EXPECT_GT(readable, 30);
}

TEST(PdfTextTest, GarbageAndEmptyInputAreErrors) {
  for (std::string_view bytes : {std::string_view("this is not a pdf at all"), std::string_view(),
                                 std::string_view("%PDF-1.7\n%%EOF\n")}) {
    auto result = ExtractPdfText(bytes);
    ASSERT_FALSE(result.ok()) << bytes;
    EXPECT_EQ(StatusCode::kCorruption, result.error().code()) << bytes;
    EXPECT_THAT(result.error().message(), HasSubstr("not a readable PDF")) << bytes;
  }
}

TEST(PdfTextTest, LooksLikePdfWithinTheFirstKilobyte) {
  EXPECT_TRUE(LooksLikePdf("%PDF-1.4\n"));
  EXPECT_TRUE(LooksLikePdf(std::string(1000, ' ') + "%PDF-1.7"));
  EXPECT_FALSE(LooksLikePdf(std::string(1020, ' ') + "%PDF-1.7"));
  EXPECT_FALSE(LooksLikePdf("PK\x03\x04"));
  EXPECT_FALSE(LooksLikePdf(""));
}

// data/document_samples.py writes the PDF uploads of the sample corpus; they must read back.
TEST(PdfTextTest, DocumentSamplesModuleWritesReadablePdfs) {
  testing::TempDir dir;
  const testing::CommandResult run =
      testing::RunCommand({"python3", (testing::SourceDir() / "data/document_samples.py").string(),
                           "--out", dir.path().string()});
  ASSERT_EQ(0, run.exit_code) << run.err;
  const std::string pdf = testing::ReadFileOrDie(dir.path() / "sample.pdf");
  EXPECT_TRUE(LooksLikePdf(pdf));
  auto result = ExtractPdfText(pdf);
  ASSERT_OK(result);
  EXPECT_THAT(result->text, ::testing::StartsWith("Quarterly review\nRevenue grew (slightly) in "
                                                  "Q2. Café naïve.\n\f\nSecond page words"));
  EXPECT_THAT(result->text, ::testing::EndsWith("words"));
  EXPECT_EQ("Q2 review 评审", result->title);
  EXPECT_EQ("Alice Smith", result->author);
  EXPECT_TRUE(result->warnings.empty());
}

}  // namespace
}  // namespace docket
