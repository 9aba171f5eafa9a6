/** @file
 *  @brief ExtractOoxmlText and LooksLikeOoxml on .docx, .pptx and .xlsx packages zipped at run
 *         time from hand-written XML parts (multilingual text, order, metadata, embeddings,
 *         damage, hostile XML).
 */
#include "indexer/ooxml_text.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "common/time_util.h"
#include "tests/support/archive_builder.h"
#include "tests/support/subprocess.h"
#include "tests/support/test_env.h"

namespace docket {
namespace {

using testing::ArchiveFormat;
using testing::ArchiveMember;
using testing::BuildArchive;
using ::testing::HasSubstr;

constexpr char kXmlDecl[] = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n";
constexpr char kRelsNs[] = "http://schemas.openxmlformats.org/package/2006/relationships";
constexpr char kOfficeRel[] =
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/";
constexpr char kWordNs[] =
    "xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\" "
    "xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\" "
    "xmlns:mc=\"http://schemas.openxmlformats.org/markup-compatibility/2006\"";
constexpr char kDrawingNs[] =
    "xmlns:a=\"http://schemas.openxmlformats.org/drawingml/2006/main\" "
    "xmlns:p=\"http://schemas.openxmlformats.org/presentationml/2006/main\" "
    "xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\"";
constexpr char kSheetNs[] =
    "xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" "
    "xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\"";

struct Rel {
  std::string id;
  std::string type;  // last segment, e.g. "header"
  std::string target;
};

std::string Relationships(const std::vector<Rel>& rels) {
  std::string xml = std::string(kXmlDecl) + "<Relationships xmlns=\"" + kRelsNs + "\">";
  for (const Rel& rel : rels) {
    xml += "<Relationship Id=\"" + rel.id + "\" Type=\"" + kOfficeRel + rel.type + "\" Target=\"" +
           rel.target + "\"/>";
  }
  return xml + "</Relationships>";
}

std::string ContentTypes(const std::string& main_part, const std::string& main_type) {
  return std::string(kXmlDecl) +
         "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
         "<Default Extension=\"rels\" "
         "ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"
         "<Default Extension=\"xml\" ContentType=\"application/xml\"/>"
         "<Default Extension=\"bin\" "
         "ContentType=\"application/vnd.openxmlformats-officedocument.oleObject\"/>"
         "<Default Extension=\"png\" ContentType=\"image/png\"/>"
         "<Override PartName=\"/" +
         main_part + "\" ContentType=\"" + main_type +
         "\"/>"
         "<Override PartName=\"/word/embeddings/Microsoft_Excel_Worksheet.xlsx\" "
         "ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet\"/>"
         "</Types>";
}

std::string CoreProperties(const std::string& title, const std::string& creator,
                           const std::string& created) {
  return std::string(kXmlDecl) +
         "<cp:coreProperties "
         "xmlns:cp=\"http://schemas.openxmlformats.org/package/2006/metadata/core-properties\" "
         "xmlns:dc=\"http://purl.org/dc/elements/1.1/\" "
         "xmlns:dcterms=\"http://purl.org/dc/terms/\" "
         "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">"
         "<dc:title>" +
         title + "</dc:title><dc:creator>" + creator +
         "</dc:creator><cp:lastModifiedBy>someone else</cp:lastModifiedBy>"
         "<dcterms:created xsi:type=\"dcterms:W3CDTF\">" +
         created + "</dcterms:created></cp:coreProperties>";
}

// A Word part (document, header, footnotes ...) around `inner`.
std::string WordPart(const std::string& root, const std::string& inner) {
  return std::string(kXmlDecl) + "<w:" + root + " " + kWordNs + ">" + inner + "</w:" + root + ">";
}

std::string Paragraph(const std::string& text) {
  return "<w:p><w:r><w:t xml:space=\"preserve\">" + text + "</w:t></w:r></w:p>";
}

constexpr char kWordMain[] =
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml";

// A .docx with `body` as the inside of <w:body> and the given extra parts (relationships of
// word/document.xml listed in `rels`).
std::string Docx(const std::string& body, const std::vector<Rel>& rels = {},
                 std::vector<ArchiveMember> extra = {}) {
  std::vector<ArchiveMember> members = {
      {"[Content_Types].xml", ContentTypes("word/document.xml", kWordMain)},
      {"_rels/.rels", Relationships({{"rId1", "officeDocument", "word/document.xml"}})},
      {"word/document.xml", WordPart("document", "<w:body>" + body + "</w:body>")},
      {"word/_rels/document.xml.rels", Relationships(rels)},
  };
  for (ArchiveMember& member : extra) {
    members.push_back(std::move(member));
  }
  return BuildArchive(ArchiveFormat::kZip, members);
}

TEST(OoxmlTextTest, WordBodyNotesHeadersCommentsAndMetadataInOrder) {
  const std::string body =
      Paragraph("Quarterly review 季度审查") +
      // Runs split mid-word, a tab, a line break; a tab stop definition is not a tab.
      "<w:p><w:pPr><w:tabs><w:tab w:val=\"left\" w:pos=\"720\"/></w:tabs></w:pPr>"
      "<w:r><w:t>会議</w:t></w:r><w:r><w:t>資料</w:t></w:r><w:r><w:tab/><w:t>مرحبا</w:t></w:r>"
      "<w:r><w:br/><w:t>Привет 👋</w:t></w:r></w:p>" +
      // Field code and deleted revision are not text; the field result is.
      "<w:p><w:r><w:fldChar w:fldCharType=\"begin\"/></w:r>"
      "<w:r><w:instrText> HYPERLINK \"http://secret.example\" </w:instrText></w:r>"
      "<w:r><w:fldChar w:fldCharType=\"separate\"/></w:r><w:r><w:t>link text</w:t></w:r>"
      "<w:r><w:fldChar w:fldCharType=\"end\"/></w:r>"
      "<w:del><w:r><w:delText>withdrawn words</w:delText></w:r></w:del></w:p>" +
      // A text box is written twice (DrawingML and a VML fallback); it must be read once.
      "<w:p><w:r><mc:AlternateContent><mc:Choice Requires=\"wps\"><w:drawing><w:txbxContent>" +
      Paragraph("boxed once") +
      "</w:txbxContent></w:drawing></mc:Choice><mc:Fallback><w:pict><w:txbxContent>" +
      Paragraph("boxed once") +
      "</w:txbxContent></w:pict></mc:Fallback></mc:AlternateContent></w:r></w:p>"
      "<w:p/><w:p/>" +
      Paragraph("last body line");
  const std::string docx =
      Docx(body,
           {{"rId1", "header", "header1.xml"},
            {"rId2", "footer", "footer1.xml"},
            {"rId3", "footnotes", "footnotes.xml"},
            {"rId4", "comments", "comments.xml"},
            {"rId5", "styles", "styles.xml"},
            {"rId6", "hyperlink", "http://example.com\" TargetMode=\"External"}},
           {{"word/header1.xml", WordPart("hdr", Paragraph("Confidential header"))},
            {"word/footer1.xml", WordPart("ftr", Paragraph("Page footer"))},
            {"word/footnotes.xml",
             WordPart("footnotes",
                      "<w:footnote w:id=\"1\">" + Paragraph("A footnote ¹") + "</w:footnote>")},
            {"word/comments.xml",
             WordPart("comments", "<w:comment w:id=\"0\" w:author=\"Bob\">" +
                                      Paragraph("Reviewer comment") + "</w:comment>")},
            {"word/styles.xml", WordPart("styles", Paragraph("style text is not content"))},
            {"docProps/core.xml",
             CoreProperties("Budget 2013 预算", "Алиса Смирнова", "2013-06-03T09:15:02Z")}});

  auto result = ExtractOoxmlText(docx, "review.docx", {});
  ASSERT_OK(result);
  EXPECT_EQ(
      "Quarterly review 季度审查\n"
      "会議資料\tمرحبا\n"
      "Привет 👋\n"
      "link text\n"
      "boxed once\n"
      "\n"
      "last body line\n"
      "\n"
      "A footnote ¹\n"
      "\n"
      "Confidential header\n"
      "\n"
      "Page footer\n"
      "\n"
      "Reviewer comment",
      result->text);
  EXPECT_EQ("Budget 2013 预算", result->title);
  EXPECT_EQ("Алиса Смирнова", result->author);
  EXPECT_EQ(UtcFromCivil(2013, 6, 3, 9, 15, 2), result->created);
  EXPECT_TRUE(result->warnings.empty()) << result->warnings.front();
  EXPECT_TRUE(result->embedded.empty());
}

TEST(OoxmlTextTest, CreatedDateWithZoneOffsetIsConvertedToUtc) {
  const std::string docx =
      Docx(Paragraph("x"), {},
           {{"docProps/core.xml", CoreProperties("t", "a", "2013-06-03T11:15:02+02:00")}});
  auto result = ExtractOoxmlText(docx, "x.docx", {});
  ASSERT_OK(result);
  EXPECT_EQ(UtcFromCivil(2013, 6, 3, 9, 15, 2), result->created);
}

TEST(OoxmlTextTest, EmbeddedObjectsBecomeEmbeddedFilesAndMediaIsSkipped) {
  const std::string inner_xlsx = BuildArchive(ArchiveFormat::kZip, {{"xl/workbook.xml", "<x/>"}});
  const std::string docx = Docx(Paragraph("see attached"), {},
                                {{"word/embeddings/oleObject1.bin", std::string("OLE\0\1", 5)},
                                 {"word/embeddings/Microsoft_Excel_Worksheet.xlsx", inner_xlsx},
                                 {"word/media/image1.png", "\x89PNG fake"}});
  auto result = ExtractOoxmlText(docx, "with-objects.docx", {});
  ASSERT_OK(result);
  EXPECT_EQ("see attached", result->text);
  ASSERT_EQ(2u, result->embedded.size());
  EXPECT_EQ("embeddings/Microsoft_Excel_Worksheet.xlsx", result->embedded[0].name);
  EXPECT_EQ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            result->embedded[0].media_type);
  EXPECT_EQ(inner_xlsx, result->embedded[0].bytes);
  EXPECT_EQ("embeddings/oleObject1.bin", result->embedded[1].name);
  EXPECT_EQ("application/vnd.openxmlformats-officedocument.oleobject",
            result->embedded[1].media_type);
  EXPECT_EQ(std::string("OLE\0\1", 5), result->embedded[1].bytes);
}

// --- PowerPoint

std::string SlidePart(const std::string& root, const std::vector<std::string>& paragraphs,
                      const std::string& extra = "") {
  std::string xml = std::string(kXmlDecl) + "<p:" + root + " " + kDrawingNs +
                    "><p:cSld><p:spTree><p:sp><p:txBody><a:bodyPr/>";
  for (const std::string& paragraph : paragraphs) {
    xml += "<a:p><a:r><a:rPr lang=\"en-US\"/><a:t>" + paragraph + "</a:t></a:r></a:p>";
  }
  return xml + extra + "</p:txBody></p:sp></p:spTree></p:cSld></p:" + root + ">";
}

constexpr char kPresentationMain[] =
    "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml";

// Slides are listed in the presentation as `order` (relationship ids); slide N is
// ppt/slides/slideN.xml with the text "slide N" and notes "notes N".
std::string Pptx(const std::vector<int>& slide_numbers, const std::vector<int>& order,
                 bool with_slide_list = true) {
  std::vector<ArchiveMember> members = {
      {"[Content_Types].xml", ContentTypes("ppt/presentation.xml", kPresentationMain)},
      {"_rels/.rels", Relationships({{"rId1", "officeDocument", "ppt/presentation.xml"}})},
  };
  std::vector<Rel> rels;
  for (int n : slide_numbers) {
    const std::string num = std::to_string(n);
    rels.push_back({"rId" + num, "slide", "slides/slide" + num + ".xml"});
    members.push_back({"ppt/slides/slide" + num + ".xml",
                       SlidePart("sld", {"slide " + num + " title", "slide " + num + " body"})});
    members.push_back(
        {"ppt/slides/_rels/slide" + num + ".xml.rels",
         Relationships({{"rId1", "notesSlide", "../notesSlides/notesSlide" + num + ".xml"}})});
    members.push_back({"ppt/notesSlides/notesSlide" + num + ".xml",
                       SlidePart("notes", {"notes " + num},
                                 "<a:p><a:fld id=\"{1}\" type=\"slidenum\"><a:t>" + num +
                                     "</a:t></a:fld></a:p>")});
  }
  std::string list;
  if (with_slide_list) {
    list = "<p:sldIdLst>";
    for (int n : order) {
      list +=
          "<p:sldId id=\"" + std::to_string(255 + n) + "\" r:id=\"rId" + std::to_string(n) + "\"/>";
    }
    list += "</p:sldIdLst>";
  }
  members.push_back({"ppt/presentation.xml", std::string(kXmlDecl) + "<p:presentation " +
                                                 kDrawingNs + ">" + list + "</p:presentation>"});
  members.push_back({"ppt/_rels/presentation.xml.rels", Relationships(rels)});
  return BuildArchive(ArchiveFormat::kZip, members);
}

TEST(OoxmlTextTest, SlidesFollowThePresentationOrderEachWithItsNotes) {
  auto result = ExtractOoxmlText(Pptx({1, 2, 10}, {2, 10, 1}), "deck.pptx", {});
  ASSERT_OK(result);
  EXPECT_EQ(
      "slide 2 title\nslide 2 body\n\nnotes 2\n\n"
      "slide 10 title\nslide 10 body\n\nnotes 10\n\n"
      "slide 1 title\nslide 1 body\n\nnotes 1",
      result->text);
  EXPECT_TRUE(result->warnings.empty());
}

TEST(OoxmlTextTest, WithoutASlideListSlidesAreInNumericOrder) {
  auto result = ExtractOoxmlText(Pptx({10, 2, 1}, {}, /*with_slide_list=*/false), "deck.pptx", {});
  ASSERT_OK(result);
  EXPECT_EQ(
      "slide 1 title\nslide 1 body\n\nnotes 1\n\n"
      "slide 2 title\nslide 2 body\n\nnotes 2\n\n"
      "slide 10 title\nslide 10 body\n\nnotes 10",
      result->text);
}

TEST(OoxmlTextTest, SlideTextKeepsBreaksAndMultilingualRuns) {
  std::vector<ArchiveMember> members = {
      {"[Content_Types].xml", ContentTypes("ppt/presentation.xml", kPresentationMain)},
      {"_rels/.rels", Relationships({{"rId1", "officeDocument", "ppt/presentation.xml"}})},
      {"ppt/presentation.xml", std::string(kXmlDecl) + "<p:presentation " + kDrawingNs +
                                   "><p:sldIdLst><p:sldId id=\"256\" r:id=\"rId7\"/>"
                                   "</p:sldIdLst></p:presentation>"},
      {"ppt/_rels/presentation.xml.rels", Relationships({{"rId7", "slide", "slides/slide1.xml"}})},
      {"ppt/slides/slide1.xml",
       SlidePart(
           "sld", {},
           "<a:p><a:r><a:t>議題</a:t></a:r><a:br/><a:r><a:t>Повестка</a:t></a:r>"
           "<a:r><a:t> дня 📅</a:t></a:r></a:p><a:p><a:r><a:t>جدول الأعمال</a:t></a:r></a:p>")},
  };
  auto result = ExtractOoxmlText(BuildArchive(ArchiveFormat::kZip, members), "agenda.pptx", {});
  ASSERT_OK(result);
  EXPECT_EQ("議題\nПовестка дня 📅\nجدول الأعمال", result->text);
}

// --- Excel

constexpr char kWorkbookMain[] =
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml";

std::string Xlsx(const std::string& shared_strings, const std::string& sheet1,
                 const std::string& sheet2) {
  return BuildArchive(
      ArchiveFormat::kZip,
      {{"[Content_Types].xml", ContentTypes("xl/workbook.xml", kWorkbookMain)},
       {"_rels/.rels", Relationships({{"rId1", "officeDocument", "xl/workbook.xml"}})},
       // The workbook lists sheet2.xml first: the tab order, not the part numbers, decides.
       {"xl/workbook.xml", std::string(kXmlDecl) + "<workbook " + kSheetNs +
                               "><sheets><sheet name=\"Budget 预算\" sheetId=\"2\" r:id=\"rId2\"/>"
                               "<sheet name=\"R&amp;D Übersicht\" sheetId=\"1\" r:id=\"rId1\"/>"
                               "</sheets></workbook>"},
       {"xl/_rels/workbook.xml.rels",
        Relationships({{"rId1", "worksheet", "worksheets/sheet1.xml"},
                       {"rId2", "worksheet", "/xl/worksheets/sheet2.xml"},
                       {"rId3", "sharedStrings", "sharedStrings.xml"}})},
       {"xl/sharedStrings.xml",
        std::string(kXmlDecl) + "<sst " + kSheetNs + ">" + shared_strings + "</sst>"},
       {"xl/worksheets/sheet1.xml", std::string(kXmlDecl) + "<worksheet " + kSheetNs +
                                        "><sheetData>" + sheet1 + "</sheetData></worksheet>"},
       {"xl/worksheets/sheet2.xml", std::string(kXmlDecl) + "<worksheet " + kSheetNs +
                                        "><sheetData>" + sheet2 + "</sheetData></worksheet>"}});
}

TEST(OoxmlTextTest, SheetsInWorkbookOrderWithSharedInlineAndNumericCells) {
  const std::string shared =
      "<si><t>Item</t></si>"
      "<si><r><t>Cost</t></r><r><rPr><b/></rPr><t xml:space=\"preserve\"> 費用</t></r></si>"
      // The phonetic reading beside Japanese text is not a second copy of the text.
      "<si><t>東京</t><rPh sb=\"0\" eb=\"2\"><t>トウキョウ</t></rPh></si>"
      "<si><t>Итого</t></si>";
  const std::string budget =
      "<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c><c r=\"B1\" t=\"s\"><v>1</v></c></row>"
      "<row r=\"2\"><c r=\"A2\" t=\"s\"><v>2</v></c><c r=\"B2\"><v>1234.5</v></c>"
      "<c r=\"C2\" t=\"b\"><v>1</v></c></row>"
      "<row r=\"3\"><c r=\"A3\" t=\"s\"><v>3</v></c><c r=\"B3\"><f>SUM(B2:B2)</f><v>1234.5</v></c>"
      "<c r=\"C3\" t=\"str\"><f>A1&amp;\"!\"</f><v>Item!</v></c>"
      "<c r=\"D3\" t=\"e\"><v>#DIV/0!</v></c><c r=\"E3\" t=\"s\"><v>99</v></c></row>"
      "<row r=\"4\"><c r=\"A4\" s=\"1\"/></row>";
  const std::string overview =
      "<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>مرحبا 🎉</t></is></c>"
      "<c r=\"B1\"><v>4.1E-3</v></c></row>";
  auto result = ExtractOoxmlText(Xlsx(shared, overview, budget), "budget.xlsx", {});
  ASSERT_OK(result);
  EXPECT_EQ(
      "Budget 预算\n"
      "Item\tCost 費用\n"
      "東京\t1234.5\tTRUE\n"
      "Итого\t1234.5\tItem!\t#DIV/0!\n"
      "\n"
      "R&D Übersicht\n"
      "مرحبا 🎉\t4.1E-3",
      result->text);
  EXPECT_TRUE(result->warnings.empty());
}

// --- Damage and hostile input

TEST(OoxmlTextTest, MalformedPartIsAWarningAndItsTextBeforeTheDamageIsKept) {
  std::string footnotes =
      WordPart("footnotes", "<w:footnote w:id=\"1\">" + Paragraph("readable footnote") +
                                "<w:p><w:r><w:t>cut</w:r></w:p>");
  const std::string docx =
      Docx(Paragraph("body survives"), {{"rId1", "footnotes", "footnotes.xml"}},
           {{"word/footnotes.xml", footnotes}});
  auto result = ExtractOoxmlText(docx, "broken.docx", {});
  ASSERT_OK(result);
  EXPECT_THAT(result->text, HasSubstr("body survives"));
  EXPECT_THAT(result->text, HasSubstr("readable footnote"));
  ASSERT_EQ(1u, result->warnings.size());
  EXPECT_THAT(result->warnings[0], HasSubstr("word/footnotes.xml: malformed XML at line"));
}

TEST(OoxmlTextTest, MalformedMainPartKeepsTheParagraphsBeforeTheDamage) {
  std::string body;
  for (int i = 0; i < 200; ++i) {
    body += Paragraph("paragraph " + std::to_string(i));
  }
  std::string docx = Docx(body + "<w:p><w:r><w:t>broken &nosuchentity; </w:r>");
  auto result = ExtractOoxmlText(docx, "broken.docx", {});
  ASSERT_OK(result);
  EXPECT_THAT(result->text, HasSubstr("paragraph 0\nparagraph 1\n"));
  EXPECT_THAT(result->text, HasSubstr("paragraph 199\n"));
  ASSERT_FALSE(result->warnings.empty());
  EXPECT_THAT(result->warnings[0], HasSubstr("word/document.xml: malformed XML"));
}

TEST(OoxmlTextTest, NothingReadableIsAnError) {
  std::vector<ArchiveMember> members = {
      {"[Content_Types].xml", ContentTypes("word/document.xml", kWordMain)},
      {"word/document.xml", "<<<not xml at all"},
  };
  auto result = ExtractOoxmlText(BuildArchive(ArchiveFormat::kZip, members), "x.docx", {});
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(StatusCode::kCorruption, result.error().code());
  EXPECT_THAT(result.error().message(), HasSubstr("word/document.xml: malformed XML"));
}

TEST(OoxmlTextTest, DoctypeAndExternalEntitiesAreNeverRead) {
  testing::TempDir dir;
  const std::filesystem::path secret = dir.path() / "secret.txt";
  testing::WriteFileOrDie(secret, "TOP-SECRET-CONTENT");
  const std::string document =
      std::string(kXmlDecl) + "<!DOCTYPE w:document [<!ENTITY xxe SYSTEM \"file://" +
      secret.string() + "\">]><w:document " + kWordNs +
      "><w:body><w:p><w:r><w:t>before &xxe; after</w:t></w:r></w:p></w:body></w:document>";
  std::vector<ArchiveMember> members = {
      {"[Content_Types].xml", ContentTypes("word/document.xml", kWordMain)},
      {"word/document.xml", document},
      {"word/embeddings/oleObject1.bin", "keeps the result alive"},
  };
  auto result = ExtractOoxmlText(BuildArchive(ArchiveFormat::kZip, members), "xxe.docx", {});
  ASSERT_OK(result);
  EXPECT_THAT(result->text, ::testing::Not(HasSubstr("TOP-SECRET")));
  ASSERT_EQ(1u, result->warnings.size());
  EXPECT_THAT(result->warnings[0], HasSubstr("DOCTYPE"));
}

TEST(OoxmlTextTest, TruncatedPackageKeepsWhatWasReadOrFailsWithAReason) {
  std::string body;
  for (int i = 0; i < 50; ++i) {
    body += Paragraph("line " + std::to_string(i));
  }
  // The main part comes first, a large incompressible embedding after it: a cut in the
  // embedding leaves the text readable and the damage reported.
  std::string noise(200'000, '\0');
  uint32_t x = 12345;
  for (char& c : noise) {
    x = x * 1103515245u + 12345u;
    c = static_cast<char>(x >> 24);
  }
  const std::string docx = Docx(body, {}, {{"word/embeddings/oleObject1.bin", noise}});
  auto cut = ExtractOoxmlText(std::string_view(docx).substr(0, docx.size() / 2), "cut.docx", {});
  ASSERT_OK(cut);
  EXPECT_THAT(cut->text, HasSubstr("line 0\nline 1\n"));
  EXPECT_THAT(cut->text, HasSubstr("line 49"));
  ASSERT_FALSE(cut->warnings.empty());
  EXPECT_THAT(cut->warnings.back(), HasSubstr("the zip is damaged"));
  EXPECT_TRUE(cut->embedded.empty());

  // Cut inside the first part: nothing to read, and the reason says the package is damaged.
  auto early = ExtractOoxmlText(std::string_view(docx).substr(0, 80), "cut.docx", {});
  ASSERT_FALSE(early.ok());
  EXPECT_THAT(early.error().message(), HasSubstr("damaged"));
}

TEST(OoxmlTextTest, GarbageZipsWithoutAMainPartAndEncryptedFilesAreErrors) {
  auto garbage = ExtractOoxmlText("this is not a zip", "notes.docx", {});
  ASSERT_FALSE(garbage.ok());
  EXPECT_EQ(StatusCode::kInvalidArgument, garbage.error().code());
  EXPECT_EQ("not an Office Open XML document ('notes.docx'): not a zip package",
            garbage.error().message());

  auto plain_zip = ExtractOoxmlText(BuildArchive(ArchiveFormat::kZip, {{"readme.txt", "hello"}}),
                                    "archive.docx", {});
  ASSERT_FALSE(plain_zip.ok());
  EXPECT_THAT(plain_zip.error().message(),
              HasSubstr("not an Office Open XML document ('archive.docx'): no word/document.xml"));

  std::string ole(4096, '\0');
  ole.replace(0, 8, "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1");
  const std::string stream_name("E\0n\0c\0r\0y\0p\0t\0e\0d\0P\0a\0c\0k\0a\0g\0e\0", 32);
  ole.replace(1024, stream_name.size(), stream_name);
  auto encrypted = ExtractOoxmlText(ole, "locked.docx", {});
  ASSERT_FALSE(encrypted.ok());
  EXPECT_EQ(StatusCode::kUnimplemented, encrypted.error().code());
  EXPECT_EQ("Office document is encrypted; no password was given", encrypted.error().message());
}

TEST(OoxmlTextTest, ArchiveLimitsApplyToThePackage) {
  const std::string docx = Docx(Paragraph(std::string(10'000, 'a')));
  ArchiveLimits tight;
  tight.max_entry_bytes = 1000;
  auto result = ExtractOoxmlText(docx, "big.docx", tight);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(StatusCode::kResourceExhausted, result.error().code());
  EXPECT_THAT(result.error().message(), HasSubstr("max_entry_bytes"));
}

TEST(OoxmlTextTest, MutatedPackagesNeverCrash) {
  // Stored (uncompressed) members would be better targets, but the builder deflates; flipped
  // bytes then hit the deflate streams, CRCs and headers, which is what hostile zips do.
  const std::string docx =
      Docx(Paragraph("mutation target 测试") + Paragraph("second"),
           {{"rId1", "footnotes", "footnotes.xml"}},
           {{"word/footnotes.xml", WordPart("footnotes", Paragraph("note"))},
            {"word/embeddings/oleObject1.bin", "ole bytes"},
            {"docProps/core.xml", CoreProperties("t", "a", "2013-06-03T09:15:02Z")}});
  uint32_t state = 2013;
  auto next = [&state] {
    state = state * 1664525u + 1013904223u;
    return state >> 8;
  };
  int readable = 0;
  for (int round = 0; round < 200; ++round) {
    std::string mutated = docx;
    const int flips = 1 + static_cast<int>(next() % 4);
    for (int i = 0; i < flips; ++i) {
      mutated[next() % mutated.size()] = static_cast<char>(next() & 0xFF);
    }
    if (round % 7 == 0) {
      mutated.resize(next() % mutated.size());
    }
    auto result = ExtractOoxmlText(mutated, "mutated.docx", {});
    if (result.ok()) {
      ++readable;
    } else {
      EXPECT_FALSE(result.error().message().empty());
    }
  }
  EXPECT_GT(readable, 20);
}

TEST(OoxmlTextTest, LooksLikeOoxmlByNameOrByPartNames) {
  EXPECT_TRUE(LooksLikeOoxml("", "Q3 Review.DOCX"));
  EXPECT_TRUE(LooksLikeOoxml("", "dir/deck.pptm"));
  EXPECT_TRUE(LooksLikeOoxml("", "book.xltx"));
  const std::string docx = Docx(Paragraph("x"));
  EXPECT_TRUE(LooksLikeOoxml(std::string_view(docx).substr(0, 8192), "upload.bin"));
  EXPECT_TRUE(LooksLikeOoxml(std::string_view(docx).substr(0, 8192), ""));
  const std::string plain = BuildArchive(ArchiveFormat::kZip, {{"readme.txt", "hello"}});
  EXPECT_FALSE(LooksLikeOoxml(plain, "files.zip"));
  EXPECT_FALSE(LooksLikeOoxml("%PDF-1.4", "report.pdf"));
  EXPECT_FALSE(LooksLikeOoxml("PK\x03\x04", "x"));
}

// data/document_samples.py writes the uploads and attachments of the sample corpus; what it
// writes must read back exactly.
TEST(OoxmlTextTest, DocumentSamplesModuleWritesReadableFiles) {
  testing::TempDir dir;
  const testing::CommandResult run =
      testing::RunCommand({"python3", (testing::SourceDir() / "data/document_samples.py").string(),
                           "--out", dir.path().string()});
  ASSERT_EQ(0, run.exit_code) << run.err;

  auto docx =
      ExtractOoxmlText(testing::ReadFileOrDie(dir.path() / "sample.docx"), "sample.docx", {});
  ASSERT_OK(docx);
  EXPECT_EQ("Meeting minutes\n会议纪要 – 議事録\nИтоги\tمرحبا\nLine one\nLine two 👋", docx->text);
  EXPECT_EQ("Q2 review", docx->title);
  EXPECT_EQ("Alice Smith", docx->author);
  EXPECT_EQ(UtcFromCivil(2013, 6, 3, 9, 15, 2), docx->created);
  EXPECT_TRUE(docx->warnings.empty());

  auto pptx =
      ExtractOoxmlText(testing::ReadFileOrDie(dir.path() / "sample.pptx"), "sample.pptx", {});
  ASSERT_OK(pptx);
  EXPECT_EQ("Agenda\nBudget (預算)\nHiring\n\nNext steps\n\nВопросы? 🙋", pptx->text);
  EXPECT_TRUE(pptx->warnings.empty());

  auto xlsx =
      ExtractOoxmlText(testing::ReadFileOrDie(dir.path() / "sample.xlsx"), "sample.xlsx", {});
  ASSERT_OK(xlsx);
  EXPECT_EQ(
      "Budget\nItem\tCost\tApproved\nRent\t1200.5\tTRUE\nTotal\t1200.5\n\n"
      "Notes & 备注\nReviewed by Bob\n42",
      xlsx->text);
  EXPECT_TRUE(xlsx->warnings.empty());
  // Detection by content, as for an upload whose name was lost.
  const std::string head = testing::ReadFileOrDie(dir.path() / "sample.xlsx").substr(0, 8192);
  EXPECT_TRUE(LooksLikeOoxml(head, "upload-17"));
}

}  // namespace
}  // namespace docket
