// Tests for export/exporter.h: real archives ingested by the real `docket ingest`, exported with
// RunExport (and `docket export`), and the package read back by tests/export/verify_package.py
// (Python's zipfile and csv, bsdtar, xmllint), never by Docket's own code.
#include "export/exporter.h"

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <sstream>

#include "storage/commit_coordinator.h"
#include "storage/doc_store.h"
#include "tests/support/archive_builder.h"
#include "tests/support/lync_fixtures.h"
#include "tests/support/subprocess.h"
#include "tests/support/test_env.h"

namespace docket {
namespace {

using ::docket::testing::ArchiveFormat;
using ::docket::testing::ArchiveMember;
using ::docket::testing::BuildArchive;
using ::docket::testing::DocketBinary;
using ::docket::testing::ReadFileOrDie;
using ::docket::testing::RunCommand;
using ::docket::testing::SourceDir;
using ::docket::testing::TempDir;
using ::docket::testing::WriteFileOrDie;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using Json = nlohmann::json;

constexpr const char* kFalconSubject = "Project Falcon \xC3\xBE 合同 عقد 🚀";

std::string Email(const std::string& subject, const std::string& from, const std::string& to,
                  const std::string& body,
                  const std::vector<std::pair<std::string, std::string>>& attachments) {
  std::string mail = "From: " + from + "\r\nTo: " + to + "\r\nSubject: " + subject +
                     "\r\nDate: Tue, 04 Jun 2013 10:00:00 +0000\r\nMessage-ID: <" +
                     std::to_string(std::hash<std::string>{}(subject + body)) +
                     "@contoso.com>\r\nMIME-Version: 1.0\r\n"
                     "Content-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n"
                     "--b1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" +
                     body + "\r\n";
  for (const auto& [name, content] : attachments) {
    mail +=
        "--b1\r\nContent-Type: text/plain; charset=utf-8\r\n"
        "Content-Disposition: attachment; filename=\"" +
        name + "\"\r\n\r\n" + content + "\r\n";
  }
  return mail + "--b1--\r\n";
}

class ExporterTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    const std::string falcon =
        Email(kFalconSubject, "alice@contoso.com", "bob@contoso.com", "falcon launch terms",
              {{"notes.txt", "falcon budget 1000"}, {"terms.txt", "the penalty clause zebraword"}});
    WriteFileOrDie(
        dir_->path() / "alice.zip",
        BuildArchive(
            ArchiveFormat::kZip,
            {{"mail/falcon.eml", falcon},
             // RFC 2047 lets a subject carry a line break and a þ: both would
             // break a Concordance line if written as they are.
             {"mail/lunch.eml", Email("=?UTF-8?Q?Lunch=0Aplans_=C3=BE_ok?=", "carol@contoso.com",
                                      "alice@contoso.com", "sandwich", {})},
             {"lync/2013/06/03/20130603091502000_1_p2p.eml", testing::SampleSession()},
             {"scans/broken.pdf", "%PDF-1.4\nthis is not a pdf at all"}}));
    // A zip cut short inside its second member: the first is read, the zip is unindexed.
    std::string cut = BuildArchive(
        ArchiveFormat::kZip,
        {{"first.eml", Email("Cut first", "dave@contoso.com", "alice@contoso.com", "quince", {})},
         {"second.eml", Email("Cut second", "dave@contoso.com", "alice@contoso.com",
                              std::string(4000, 'x'), {})}});
    cut.resize(cut.size() * 2 / 3);
    WriteFileOrDie(dir_->path() / "carol.zip",
                   BuildArchive(ArchiveFormat::kZip, {{"nested/cut.zip", cut}}));
    WriteFileOrDie(dir_->path() / "bob.zip",
                   BuildArchive(ArchiveFormat::kZip, {{"inbox/falcon-copy.eml", falcon}}));
    for (const auto& [file, custodian] : std::vector<std::pair<std::string, std::string>>{
             {"alice.zip", "Alice"}, {"bob.zip", "Bob"}, {"carol.zip", "Carol"}}) {
      const testing::CommandResult ingest =
          RunCommand({DocketBinary().string(), "ingest", "--index", Index().string(), "--custodian",
                      custodian, (dir_->path() / file).string()});
      ASSERT_EQ(ingest.exit_code, 0) << ingest.err;
    }
  }
  static void TearDownTestSuite() {
    delete dir_;
    dir_ = nullptr;
  }

  static std::filesystem::path Index() { return dir_->path() / "index"; }

  ExportOptions Options(const std::string& query, const std::string& name) {
    ExportOptions options;
    options.index_dir = Index();
    options.query = query;
    options.out = out_.path() / (name + ".zip");
    return options;
  }

  // Runs the export and the independent verifier; the verifier's description of the package.
  Json ExportAndVerify(const ExportOptions& options, ExportResult* result_out = nullptr) {
    Result<ExportResult> result = RunExport(options);
    EXPECT_TRUE(result.ok()) << result.status().ToString();
    if (!result.ok()) {
      return Json();
    }
    if (result_out != nullptr) {
      *result_out = *result;
    }
    return Verify(options.out);
  }

  static Json Verify(const std::filesystem::path& package) {
    const testing::CommandResult verified = RunCommand(
        {"python3", (SourceDir() / "tests/export/verify_package.py").string(), package.string()});
    EXPECT_EQ(verified.exit_code, 0) << verified.err;
    return verified.exit_code == 0 ? Json::parse(verified.out) : Json();
  }

  // One entry of a package, read by Python's zipfile.
  static std::string ReadPackageEntry(const std::filesystem::path& package,
                                      const std::string& name) {
    const testing::CommandResult read =
        RunCommand({"python3", "-c",
                    "import sys, zipfile; "
                    "sys.stdout.buffer.write(zipfile.ZipFile(sys.argv[1]).read(sys.argv[2]))",
                    package.string(), name});
    EXPECT_EQ(read.exit_code, 0) << read.err;
    return read.out;
  }

  static std::vector<std::string> Column(const Json& package, const std::string& column) {
    std::vector<std::string> values;
    for (const Json& row : package["dat"]) {
      values.push_back(row[column].get<std::string>());
    }
    return values;
  }

  static const Json* Row(const Json& package, const std::string& doc_id) {
    for (const Json& row : package["dat"]) {
      if (row["BEGBATES"] == doc_id) {
        return &row;
      }
    }
    return nullptr;
  }

  static TempDir* dir_;
  TempDir out_;
};

TempDir* ExporterTest::dir_ = nullptr;

TEST_F(ExporterTest, FamiliesAreContiguousParentFirstAndEveryCopyIsADocumentWithoutDedupe) {
  ExportResult result;
  const Json package = ExportAndVerify(Options("falcon", "none"), &result);
  ASSERT_FALSE(package.is_null());
  // Alice's copy and Bob's copy of the message, each with its two attachments.
  EXPECT_THAT(Column(package, "BEGBATES"), ElementsAre("DKT0000001", "DKT0000002", "DKT0000003",
                                                       "DKT0000004", "DKT0000005", "DKT0000006"));
  EXPECT_EQ(Column(package, "BEGBATES"), Column(package, "ENDBATES"));
  EXPECT_THAT(Column(package, "BEGATTACH"), ElementsAre("DKT0000001", "DKT0000001", "DKT0000001",
                                                        "DKT0000004", "DKT0000004", "DKT0000004"));
  EXPECT_THAT(Column(package, "ENDATTACH"), ElementsAre("DKT0000003", "DKT0000003", "DKT0000003",
                                                        "DKT0000006", "DKT0000006", "DKT0000006"));
  EXPECT_THAT(Column(package, "PARENT_BATES"),
              ElementsAre("", "DKT0000001", "DKT0000001", "", "DKT0000004", "DKT0000004"));
  EXPECT_THAT(Column(package, "CUSTODIAN"),
              ElementsAre("Alice", "Alice", "Alice", "Bob", "Bob", "Bob"));
  EXPECT_THAT(Column(package, "FILENAME"), ElementsAre("falcon.eml", "notes.txt", "terms.txt",
                                                       "falcon.eml", "notes.txt", "terms.txt"));
  const Json* bob = Row(package, "DKT0000004");
  ASSERT_NE(bob, nullptr);
  EXPECT_EQ((*bob)["SOURCEPATH"], "bob.zip!/inbox/falcon-copy.eml");
  EXPECT_EQ((*bob)["ALL_CUSTODIANS"], "Alice;Bob");
  EXPECT_EQ((*bob)["NATIVEPATH"], ".\\NATIVES\\0001\\DKT0000004.eml");
  EXPECT_EQ((*bob)["DATESENT"], "2013-06-04T10:00:00Z");
  // Relationships: each parent to its attachments.
  ASSERT_EQ(package["relationships"].size(), 4u);
  EXPECT_EQ(package["relationships"][0]["parent"], "DKT0000001");
  EXPECT_EQ(package["relationships"][0]["child"], "DKT0000002");
  EXPECT_EQ(package["relationships"][0]["type"], "Attachment");
  EXPECT_EQ(result.counts.documents, 6u);
  EXPECT_EQ(result.counts.families, 2u);
  EXPECT_EQ(result.counts.duplicates, 0u);
  EXPECT_EQ(package["summary"]["Documents"], "6");
  EXPECT_EQ(package["summary"]["Query"], "falcon");
  EXPECT_EQ(package["duplicates"].size(), 0u);
}

TEST_F(ExporterTest, GlobalDedupeKeepsOneCopyAndListsTheOtherWithItsCustodian) {
  ExportOptions options = Options("falcon", "global");
  options.dedupe = ExportDedupe::kGlobal;
  const Json package = ExportAndVerify(options);
  ASSERT_FALSE(package.is_null());
  EXPECT_THAT(Column(package, "BEGBATES"), ElementsAre("DKT0000001", "DKT0000002", "DKT0000003"));
  ASSERT_EQ(package["duplicates"].size(), 1u);
  EXPECT_EQ(package["duplicates"][0]["DuplicateCustodian"], "Bob");
  EXPECT_EQ(package["duplicates"][0]["DuplicateSourcePath"], "bob.zip!/inbox/falcon-copy.eml");
  EXPECT_EQ(package["duplicates"][0]["KeptDocID"], "DKT0000001");
  EXPECT_EQ(package["duplicates"][0]["AllCustodians"], "Alice;Bob");
  EXPECT_EQ(package["summary"]["Duplicates withheld"], "1");
}

TEST_F(ExporterTest, CustodianDedupeKeepsOneCopyPerCustodian) {
  ExportOptions options = Options("falcon", "custodian");
  options.dedupe = ExportDedupe::kCustodian;
  const Json package = ExportAndVerify(options);
  ASSERT_FALSE(package.is_null());
  EXPECT_THAT(Column(package, "CUSTODIAN"),
              ElementsAre("Alice", "Alice", "Alice", "Bob", "Bob", "Bob"));
  EXPECT_EQ(package["duplicates"].size(), 0u);
}

TEST_F(ExporterTest, AHitBringsItsFamilyUnlessFamiliesAreExcluded) {
  // "zebraword" is only in terms.txt; attachment text is searched as part of its message, so the
  // message is the hit and its attachments come with it as family members.
  ExportOptions options = Options("zebraword", "family");
  options.dedupe = ExportDedupe::kGlobal;
  const Json with_family = ExportAndVerify(options);
  ASSERT_FALSE(with_family.is_null());
  EXPECT_THAT(Column(with_family, "FILENAME"), ElementsAre("falcon.eml", "notes.txt", "terms.txt"));
  std::vector<std::string> responsive;
  for (const Json& row : with_family["results"]) {
    responsive.push_back(row["Responsive"]);
  }
  EXPECT_THAT(responsive, ElementsAre("Yes", "No", "No"));

  // The attachments are documents of their own, so the message's text is its own: the
  // attachment text ingest folded into it for searching is not repeated there.
  const std::string parent_text = ReadPackageEntry(options.out, "TEXT/0001/DKT0000001.txt");
  EXPECT_THAT(parent_text, HasSubstr("falcon launch terms"));
  EXPECT_THAT(parent_text, ::testing::Not(HasSubstr("zebraword")));
  EXPECT_THAT(ReadPackageEntry(options.out, "TEXT/0001/DKT0000003.txt"), HasSubstr("zebraword"));

  options.families = ExportFamilies::kExclude;
  options.out = out_.path() / "alone.zip";
  const Json alone = ExportAndVerify(options);
  // Without its attachments, the message's text keeps theirs.
  EXPECT_THAT(ReadPackageEntry(options.out, "TEXT/0001/DKT0000001.txt"), HasSubstr("zebraword"));
  ASSERT_FALSE(alone.is_null());
  EXPECT_THAT(Column(alone, "FILENAME"), ElementsAre("falcon.eml"));
  EXPECT_THAT(Column(alone, "BEGATTACH"), ElementsAre("DKT0000001"));
  EXPECT_THAT(Column(alone, "ENDATTACH"), ElementsAre("DKT0000001"));
  EXPECT_THAT(Column(alone, "ATTACH_IDS"), ElementsAre(""));
  EXPECT_EQ(alone["relationships"].size(), 0u);
}

TEST_F(ExporterTest, BatesPrefixStartAndDigitsNumberWithoutGaps) {
  ExportOptions options = Options("falcon OR sandwich", "bates");
  options.bates_prefix = "ACME-";
  options.bates_start = 98;
  options.bates_digits = 5;
  options.dedupe = ExportDedupe::kGlobal;
  const Json package = ExportAndVerify(options);
  ASSERT_FALSE(package.is_null());
  EXPECT_THAT(Column(package, "BEGBATES"),
              ElementsAre("ACME-00098", "ACME-00099", "ACME-00100", "ACME-00101"));
  EXPECT_THAT(package["entries"], ::testing::Contains("NATIVES/0001/ACME-00101.eml"));
  EXPECT_EQ(package["summary"]["First DocID"], "ACME-00098");
  EXPECT_EQ(package["summary"]["Last DocID"], "ACME-00101");
}

TEST_F(ExporterTest, MultilingualValuesSurviveTheLoadFileAndTheManifest) {
  ExportOptions options = Options("falcon", "multilingual");
  options.dedupe = ExportDedupe::kGlobal;
  const Json package = ExportAndVerify(options);
  ASSERT_FALSE(package.is_null());
  // þ would end a Concordance value, so the load file writes '?' for it; the manifest keeps it.
  EXPECT_EQ((*Row(package, "DKT0000001"))["SUBJECT"], "Project Falcon ? 合同 عقد 🚀");
  ASSERT_FALSE(package["documents"].empty());
  EXPECT_EQ(package["documents"][0]["tags"]["#Subject"], kFalconSubject);
  EXPECT_EQ(package["documents"][0]["DocType"], "Message");
  EXPECT_EQ(package["documents"][0]["tags"]["#Custodian"], "Alice");
}

TEST_F(ExporterTest, LineBreaksAndThornsInsideValuesCannotBreakALoadFileLine) {
  const Json package = ExportAndVerify(Options("sandwich", "newline"));
  ASSERT_FALSE(package.is_null());
  ASSERT_EQ(package["dat"].size(), 1u);  // the verifier also found no bare line break
  EXPECT_EQ(package["dat"][0]["SUBJECT"], "Lunch\u00AEplans ? ok");
  EXPECT_EQ(package["documents"][0]["tags"]["#Subject"], "Lunch\nplans \u00FE ok");
}

TEST_F(ExporterTest, AnImSessionExportsItsTranscriptTextAndImTags) {
  const Json package = ExportAndVerify(Options("kind:im", "im"));
  ASSERT_FALSE(package.is_null());
  ASSERT_EQ(package["dat"].size(), 1u);
  const Json& row = package["dat"][0];
  EXPECT_EQ(row["CONVERSATION_KIND"], "p2p");
  EXPECT_EQ(row["SESSIONID"], "3c1d9a64-0f0e-4b3a-9d2e-1f2a3b4c5d6e;1a2b;3c4d");
  EXPECT_EQ(row["MSGCOUNT"], "2");
  const Json& tags = package["documents"][0]["tags"];
  EXPECT_EQ(tags["#ConversationKind"], "p2p");
  EXPECT_EQ(tags["#MessageCount"], "2");
  EXPECT_THAT(tags["#Participants"].get<std::string>(), HasSubstr("bob@contoso.com"));
  ASSERT_FALSE(row["TEXTPATH"].get<std::string>().empty());
}

TEST_F(ExporterTest, UnindexedItemsAreExportedWithTheirReason) {
  ExportOptions options = Options("", "unindexed");
  options.include = ExportInclude::kUnindexed;
  const Json package = ExportAndVerify(options);
  ASSERT_FALSE(package.is_null());
  ASSERT_FALSE(package["unindexed"].empty());
  bool found_pdf = false;
  for (const Json& row : package["unindexed"]) {
    EXPECT_FALSE(row["Reason"].get<std::string>().empty()) << row.dump();
    if (row["FileName"] == "broken.pdf") {
      found_pdf = true;
      EXPECT_FALSE(row["NativePath"].get<std::string>().empty());
    }
  }
  EXPECT_TRUE(found_pdf) << package["unindexed"].dump();

  // The damaged archive is a document of its own; the message read from it before the damage
  // is not one of its attachments.
  const std::vector<std::string> unindexed_names = Column(package, "FILENAME");
  EXPECT_THAT(unindexed_names, ::testing::Contains("cut.zip"));
  EXPECT_THAT(unindexed_names, ::testing::Not(::testing::Contains("first.eml")));
  const Json* cut = nullptr;
  for (const Json& row : package["dat"]) {
    if (row["FILENAME"] == "cut.zip") {
      cut = &row;
    }
  }
  ASSERT_NE(cut, nullptr);
  EXPECT_EQ((*cut)["BEGATTACH"], (*cut)["ENDATTACH"]);
  EXPECT_EQ((*cut)["CUSTODIAN"], "Carol");

  options.include = ExportInclude::kAll;
  options.query = "sandwich";
  options.out = out_.path() / "all.zip";
  const Json all = ExportAndVerify(options);
  ASSERT_FALSE(all.is_null());
  const std::vector<std::string> names = Column(all, "FILENAME");
  EXPECT_THAT(names, ::testing::Contains("lunch.eml"));
  EXPECT_THAT(names, ::testing::Contains("broken.pdf"));
}

TEST_F(ExporterTest, TheSameExportTwiceGivesTheSameDocIdsFilesAndManifest) {
  ExportOptions first = Options("falcon OR kind:im", "first");
  ExportOptions second = Options("falcon OR kind:im", "second");
  ASSERT_TRUE(RunExport(first).ok());
  ASSERT_TRUE(RunExport(second).ok());
  const Json a = Verify(first.out);
  const Json b = Verify(second.out);
  EXPECT_EQ(a["entries"], b["entries"]);
  EXPECT_EQ(a["dat"], b["dat"]);
  EXPECT_EQ(a["documents"], b["documents"]);
  EXPECT_EQ(a["results"], b["results"]);
}

TEST_F(ExporterTest, ANativeWhoseDigestsDifferFromIngestIsReportedAsAnError) {
  // Natives are write-once in the store, so the difference is made on the other side: the MD5
  // and SHA-1 recorded for notes.txt at ingest are changed, as if its bytes had changed since.
  TempDir copy;
  const std::filesystem::path index = copy.path() / "index";
  std::filesystem::copy(Index(), index, std::filesystem::copy_options::recursive);
  {
    auto store = DocStore::Open(IndexLayout(index).store(), {});
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    std::optional<Item> notes;
    ASSERT_TRUE((*store)
                    ->ForEachItem([&](const Item& item) {
                      if (item.file_name == "notes.txt") {
                        notes = item;
                      }
                      return !notes.has_value();
                    })
                    .ok());
    ASSERT_TRUE(notes.has_value());
    ASSERT_EQ(notes->md5.size(), 32u);
    notes->md5 = std::string(32, '0');
    notes->sha1 = std::string(40, '0');
    WriteSet tamper;
    tamper.items.push_back(*notes);
    ASSERT_TRUE((*store)->Write(tamper).ok());
  }
  ExportOptions options = Options("falcon", "tampered");
  options.index_dir = index;
  options.dedupe = ExportDedupe::kGlobal;
  ExportResult result;
  const Json package = ExportAndVerify(options, &result);
  ASSERT_FALSE(package.is_null());
  EXPECT_EQ(result.counts.errors, 2u);
  std::vector<std::string> messages;
  for (const Json& row : package["errors"]) {
    if (row["Level"] == "Error") {
      EXPECT_EQ(row["DocID"], "DKT0000002");
      messages.push_back(row["Message"]);
    }
  }
  ASSERT_EQ(messages.size(), 2u) << package["errors"].dump();
  EXPECT_THAT(messages[0], HasSubstr("MD5"));
  EXPECT_THAT(messages[0], HasSubstr(std::string(32, '0')));
  EXPECT_THAT(messages[1], HasSubstr("SHA-1"));
  // The document is still produced, with the hashes of the bytes actually exported.
  EXPECT_EQ((*Row(package, "DKT0000002"))["FILENAME"], "notes.txt");
  EXPECT_EQ(package["summary"]["Errors"], "2");
}

TEST_F(ExporterTest, ACancelledExportLeavesNoPackageAndNoPartialFile) {
  ExportOptions options = Options("falcon OR sandwich OR kind:im", "cancelled");
  std::atomic<bool> cancel{false};
  ExportControl control;
  control.cancel = &cancel;
  std::vector<std::string> phases;
  control.on_progress = [&](const ExportProgress& progress) {
    phases.push_back(progress.phase);
    cancel = true;  // as soon as selection is reported
  };
  Result<ExportResult> result = RunExport(options, control);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code(), StatusCode::kCancelled);
  EXPECT_FALSE(phases.empty());
  EXPECT_FALSE(std::filesystem::exists(options.out));
  EXPECT_FALSE(std::filesystem::exists(std::filesystem::path(options.out).concat(".partial")));
  EXPECT_TRUE(std::filesystem::is_empty(out_.path()));
}

TEST_F(ExporterTest, BadOptionsAndBadQueriesFailBeforeAnythingIsWritten) {
  ExportOptions no_query = Options("", "none");
  EXPECT_EQ(RunExport(no_query).status().code(), StatusCode::kInvalidArgument);
  ExportOptions not_zip = Options("falcon", "x");
  not_zip.out = out_.path() / "x.tar";
  EXPECT_EQ(RunExport(not_zip).status().code(), StatusCode::kInvalidArgument);
  ExportOptions bad_prefix = Options("falcon", "y");
  bad_prefix.bates_prefix = "A/B";
  EXPECT_EQ(RunExport(bad_prefix).status().code(), StatusCode::kInvalidArgument);
  ExportOptions bad_kql = Options("from:(", "z");
  EXPECT_EQ(RunExport(bad_kql).status().code(), StatusCode::kInvalidArgument);
  ExportOptions too_few_digits = Options("falcon", "digits");
  too_few_digits.bates_digits = 1;
  too_few_digits.bates_start = 8;
  EXPECT_EQ(RunExport(too_few_digits).status().code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(std::filesystem::is_empty(out_.path()));
}

TEST_F(ExporterTest, TheCliExportsAndPrintsTheCounts) {
  const std::filesystem::path out = out_.path() / "cli.zip";
  const testing::CommandResult run = RunCommand(
      {DocketBinary().string(), "export", "--index", Index().string(), "--query", "falcon",
       "--case", "Falcon v. Contoso", "--dedupe", "global", "--out", out.string()});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_THAT(run.out, HasSubstr("exported 3 documents"));
  const Json package = Verify(out);
  ASSERT_FALSE(package.is_null());
  EXPECT_EQ(package["summary"]["Case"], "Falcon v. Contoso");
  EXPECT_EQ(package["summary"]["Dedupe"], "global");
  const testing::CommandResult bad =
      RunCommand({DocketBinary().string(), "export", "--index", Index().string(), "--query",
                  "falcon", "--dedupe", "sometimes", "--out", out.string()});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_THAT(bad.err, HasSubstr("none, global, custodian"));
}

// Families of several megabytes are prepared ahead of their turn, beside the small ones
// (DocumentPipeline::ClaimFamily); the package must still hold every document in DocID order,
// each byte for byte as ingested.
TEST(ExportPipelineTest, HeavyFamiliesPreparedAheadAreStillWrittenInPlanOrder) {
  TempDir dir;
  std::vector<ArchiveMember> members;
  for (int i = 0; i < 40; ++i) {
    std::vector<std::pair<std::string, std::string>> attachments;
    if (i == 5 || i == 30) {
      // 3 MB each: the family weighs more than the pipeline's heavy threshold.
      std::string report;
      for (int line = 0; report.size() < (3u << 20); ++line) {
        report += "heavy report " + std::to_string(i) + " line " + std::to_string(line) + "\n";
      }
      attachments.push_back({"report-" + std::to_string(i) + ".txt", report});
    }
    char name[32];
    std::snprintf(name, sizeof(name), "mail/%02d.eml", i);
    members.push_back(
        {name, Email("Routine " + std::to_string(i), "erin@contoso.com", "frank@contoso.com",
                     "status " + std::to_string(i), attachments)});
  }
  WriteFileOrDie(dir.path() / "erin.zip", BuildArchive(ArchiveFormat::kZip, members));
  const std::filesystem::path index = dir.path() / "index";
  const testing::CommandResult ingest =
      RunCommand({DocketBinary().string(), "ingest", "--index", index.string(),
                  (dir.path() / "erin.zip").string()});
  ASSERT_EQ(ingest.exit_code, 0) << ingest.err;

  ExportOptions options;
  options.index_dir = index;
  options.query = "size>=0";
  options.out = dir.path() / "erin-export.zip";
  Result<ExportResult> result = RunExport(options);
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(result->counts.documents, 42u);  // 40 emails, 2 attachments

  // verify_package.py checks every ExternalFile's size and MD5 against the bytes.
  const testing::CommandResult verified = RunCommand(
      {"python3", (SourceDir() / "tests/export/verify_package.py").string(), options.out.string()});
  ASSERT_EQ(verified.exit_code, 0) << verified.err;
  // The natives in the order the zip holds them (Python's zipfile), by DocID.
  const testing::CommandResult listed = RunCommand(
      {"python3", "-c",
       "import sys, zipfile\n"
       "for info in zipfile.ZipFile(sys.argv[1]).infolist():\n"
       "    if info.filename.startswith('NATIVES/'): print(info.filename.rsplit('/', 1)[1])",
       options.out.string()});
  ASSERT_EQ(listed.exit_code, 0) << listed.err;
  std::vector<std::string> natives;
  std::istringstream lines(listed.out);
  for (std::string line; std::getline(lines, line);) {
    natives.push_back(line.substr(0, line.find('.')));
  }
  ASSERT_EQ(natives.size(), 42u);
  for (size_t i = 0; i < natives.size(); ++i) {
    char expected[16];
    std::snprintf(expected, sizeof(expected), "DKT%07zu", i + 1);
    EXPECT_EQ(natives[i], expected) << "native " << i << " out of plan order";
  }
}

}  // namespace
}  // namespace docket
