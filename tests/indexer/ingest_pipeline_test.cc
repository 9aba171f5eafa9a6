/** @file
 *  @brief IngestPipeline over real archives, a real RocksDB store and a real Xapian index:
 *         families, nesting, deduplication, damaged archives and lying charset labels.
 */
#include "indexer/ingest_pipeline.h"

#include <xapian.h>

#include <random>
#include <set>

#include "common/hashing.h"
#include "storage/commit_coordinator.h"
#include "tests/support/archive_builder.h"
#include "tests/support/ingest_fixture.h"
#include "tests/support/lync_fixtures.h"
#include "tests/support/test_env.h"

namespace docket {
namespace {

using testing::ArchiveFormat;
using testing::BuildArchive;

std::string PlainEmail(std::string subject, std::string body, std::string charset = "utf-8") {
  return "From: Alice Smith <alice@contoso.com>\r\nTo: dave@fabrikam.com\r\nSubject: " + subject +
         "\r\nDate: Tue, 04 Jun 2013 10:00:00 +0000\r\nMessage-ID: <" + subject +
         "@contoso.com>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=\"" + charset +
         "\"\r\n\r\n" + body + "\r\n";
}

std::string EmailWithAttachment() {
  return "From: alice@contoso.com\r\nTo: dave@fabrikam.com\r\nSubject: Project Falcon budget\r\n"
         "Date: Tue, 04 Jun 2013 11:00:00 +0000\r\nMIME-Version: 1.0\r\n"
         "Content-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n"
         "--b1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nSee the attached figures.\r\n"
         "--b1\r\nContent-Type: text/csv; name=\"falcon.csv\"\r\n"
         "Content-Disposition: attachment; filename=\"falcon.csv\"\r\n"
         "Content-Transfer-Encoding: base64\r\n\r\n"
         "aXRlbSxhbW91bnQKemFuemliYXJxdW90YSw0Mgo=\r\n"  // "item,amount\nzanzibarquota,42\n"
         "--b1--\r\n";
}

class IngestPipelineTest : public testing::IngestFixture {};

TEST_F(IngestPipelineTest, ArchiveOfSessionsMailAndANestedZipBecomesFamilies) {
  const std::string inner = BuildArchive(
      ArchiveFormat::kZip, {{"inner/note.eml", PlainEmail("nested", "Grüße aus dem Innern")}});
  const std::string outer =
      BuildArchive(ArchiveFormat::kZip,
                   {{"SQL01_Inst/2013/06/03/20130603091502877_1_p2p.eml", testing::SampleSession()},
                    {"mail/falcon.eml", EmailWithAttachment()},
                    {"nested/inner.zip", inner},
                    {"notes/readme.bin", std::string("\x00\x01\x02\x03", 4)}});
  const auto path = dir_.path() / "export.zip";
  testing::WriteFileOrDie(path, outer);

  const IngestStats stats = Ingest(path);
  // Items: outer zip, conversation, email, attachment, inner zip, nested email, binary file.
  EXPECT_EQ(stats.items, 7u);
  EXPECT_EQ(stats.messages, 2u);
  EXPECT_EQ(stats.unindexed, 1u);  // the binary file has no extractor
  EXPECT_EQ(stats.duplicates, 0u);

  const auto conversations =
      ItemsWhere([](const Item& i) { return i.kind == ItemKind::kImConversation; });
  ASSERT_EQ(conversations.size(), 1u);
  const Item& conv = conversations[0];
  EXPECT_EQ(conv.ipath, "export.zip!/SQL01_Inst/2013/06/03/20130603091502877_1_p2p.eml");
  EXPECT_EQ(conv.from, "alice@contoso.com");
  EXPECT_EQ(conv.participants, (std::vector<std::string>{"alice@contoso.com", "bob@contoso.com"}));
  EXPECT_EQ(conv.sent, UtcFromCivil(2013, 6, 3, 9, 15, 2, 877));
  EXPECT_EQ(conv.last_activity, UtcFromCivil(2013, 6, 3, 9, 15, 40));
  EXPECT_EQ(conv.custodian, "Alice");
  EXPECT_EQ(conv.state, IndexState::kIndexed) << conv.state_reason;
  auto children = coordinator_->store().GetChildren(conv.id);
  ASSERT_OK(children);
  ASSERT_EQ(children->size(), 2u);
  auto first = coordinator_->store().GetItem((*children)[0]);
  ASSERT_OK(first);
  EXPECT_EQ(first->kind, ItemKind::kImMessage);
  EXPECT_EQ(first->from, "alice@contoso.com");
  EXPECT_EQ(first->text, "Hallo Bob & Team, 会议改到周五?");
  auto native = coordinator_->store().GetNative(conv.sha256);
  ASSERT_OK(native);
  EXPECT_EQ(*native, testing::SampleSession());

  const auto emails = ItemsWhere([](const Item& i) { return i.kind == ItemKind::kEmail; });
  ASSERT_EQ(emails.size(), 2u);
  const auto nested = ItemsWhere([](const Item& i) { return i.title == "nested"; });
  ASSERT_EQ(nested.size(), 1u);
  EXPECT_EQ(nested[0].ipath, "export.zip!/nested/inner.zip!/inner/note.eml");

  // The attachment's words find the email; the conversation's CJK run is a phrase of unigrams.
  EXPECT_EQ(Matches("zanzibarquota"), 1u);
  EXPECT_EQ(Matches("议"), 1u);
  EXPECT_EQ(Matches("XKINDim"), 1u);
  // Searchable: the conversation, both emails and the unindexed binary (containers that read
  // cleanly and attachments have no document of their own).
  EXPECT_EQ(Matches("XCUSTalice"), 4u);
}

// ediscovery.md §6 "Hashing": every native gets MD5, SHA-1 and SHA-256 at ingest, and they are
// the digests of the very bytes stored; containers walked in place (whose natives are not stored)
// get the digests of their bytes too.
TEST_F(IngestPipelineTest, EveryNativeIsStoredWithItsMd5Sha1AndSha256) {
  const std::string inner = BuildArchive(
      ArchiveFormat::kZip, {{"inner/note.eml", PlainEmail("nested", "Grüße aus dem Innern")}});
  const std::string outer =
      BuildArchive(ArchiveFormat::kZip,
                   {{"SQL01_Inst/2013/06/03/20130603091502877_1_p2p.eml", testing::SampleSession()},
                    {"mail/falcon.eml", EmailWithAttachment()},
                    {"mail/one.eml", PlainEmail("one", "first message")},
                    {"mail/two.eml", PlainEmail("two", "second message")},
                    {"nested/inner.zip", inner},
                    {"notes/readme.bin", std::string("\x00\x01\x02\x03", 4)}});
  const auto path = dir_.path() / "export.zip";
  testing::WriteFileOrDie(path, outer);
  Ingest(path);

  const DocStore& store = coordinator_->store();
  std::set<std::string> with_native;
  size_t without_native = 0;
  for (const Item& item : ItemsWhere([](const Item&) { return true; })) {
    if (item.sha256.empty() || !store.HasNative(item.sha256)) {
      if (item.kind != ItemKind::kContainer) {
        EXPECT_EQ(item.md5, "") << item.ipath;
        EXPECT_EQ(item.sha1, "") << item.ipath;
        ++without_native;
      }
      continue;
    }
    auto native = store.GetNative(item.sha256);
    ASSERT_OK(native);
    const NativeDigests expected = ComputeDigests(*native);
    EXPECT_EQ(item.sha256, expected.sha256) << item.ipath;
    EXPECT_EQ(item.md5, expected.md5) << item.ipath;
    EXPECT_EQ(item.sha1, expected.sha1) << item.ipath;
    EXPECT_EQ(item.md5.size(), 32u) << item.ipath;
    EXPECT_EQ(item.sha1.size(), 40u) << item.ipath;
    with_native.insert(item.ipath);
  }
  EXPECT_EQ(with_native,
            (std::set<std::string>{
                "export.zip!/SQL01_Inst/2013/06/03/20130603091502877_1_p2p.eml",
                "export.zip!/mail/falcon.eml", "export.zip!/mail/falcon.eml!/attachment/falcon.csv",
                "export.zip!/mail/one.eml", "export.zip!/mail/two.eml",
                "export.zip!/nested/inner.zip!/inner/note.eml", "export.zip!/notes/readme.bin"}));
  EXPECT_EQ(without_native, 2u);  // the conversation's two lines

  // The archives themselves: hashed while they were walked, from the file and from memory.
  const auto outer_item = ItemsWhere([](const Item& i) { return i.ipath == "export.zip"; });
  ASSERT_EQ(outer_item.size(), 1u);
  EXPECT_EQ((NativeDigests{outer_item[0].md5, outer_item[0].sha1, outer_item[0].sha256}),
            ComputeDigests(outer));
  const auto inner_item =
      ItemsWhere([](const Item& i) { return i.ipath == "export.zip!/nested/inner.zip"; });
  ASSERT_EQ(inner_item.size(), 1u);
  EXPECT_EQ((NativeDigests{inner_item[0].md5, inner_item[0].sha1, inner_item[0].sha256}),
            ComputeDigests(inner));
}

// The eDiscovery properties (sharepoint-search.md §2.10) are filled from what the inputs carry.
TEST_F(IngestPipelineTest, EmailAndSessionPropertiesAreFilled) {
  const std::string mail =
      "Received: from mx by mbx.contoso.com; Wed, 05 Jun 2013 08:00:00 +0000\r\n"
      "From: Pilar Pinilla <pilarp@contoso.com>\r\nTo: annb@contoso.com\r\n"
      "Cc: Alice Wong <alice@contoso.com>\r\nBcc: secret@fabrikam.com\r\n"
      "Subject: Annual figures\r\nDate: Tue, 04 Jun 2013 11:00:00 +0000\r\n"
      "Importance: high\r\nMIME-Version: 1.0\r\n"
      "Content-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n"
      "--b1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nFigures attached.\r\n"
      "--b1\r\nContent-Type: text/csv; name=\"Annual Report.csv\"\r\n"
      "Content-Disposition: attachment; filename=\"Annual Report.csv\"\r\n\r\n"
      "a,b\r\n--b1--\r\n";
  const std::string archive =
      BuildArchive(ArchiveFormat::kZip,
                   {{"SQL01_Inst/2013/06/03/20130603091502877_1_p2p.eml", testing::SampleSession()},
                    {"mail/figures.eml", mail}});
  const auto path = dir_.path() / "export.zip";
  testing::WriteFileOrDie(path, archive);
  Ingest(path);

  const auto emails = ItemsWhere([](const Item& i) { return i.kind == ItemKind::kEmail; });
  ASSERT_EQ(emails.size(), 1u);
  const Item& email = emails[0];
  EXPECT_EQ(email.cc, (std::vector<std::string>{"Alice Wong <alice@contoso.com>"}));
  EXPECT_EQ(email.bcc, (std::vector<std::string>{"secret@fabrikam.com"}));
  EXPECT_EQ(email.received, UtcFromCivil(2013, 6, 5, 8, 0));
  EXPECT_EQ(email.importance, "high");
  EXPECT_EQ(email.item_class, "IPM.Note");
  EXPECT_EQ(email.attachment_names, (std::vector<std::string>{"Annual Report.csv"}));

  const auto sessions =
      ItemsWhere([](const Item& i) { return i.kind == ItemKind::kImConversation; });
  ASSERT_EQ(sessions.size(), 1u);
  EXPECT_EQ(sessions[0].item_class, "IPM.Note.Microsoft.Conversation");
  EXPECT_TRUE(sessions[0].attachment_names.empty());

  EXPECT_EQ(Matches("XIMPhigh"), 1u);
  EXPECT_EQ(Matches("XIMPmedium"), 1u);  // the session: no importance given
  EXPECT_EQ(Matches("XCCalice@contoso.com"), 1u);
  EXPECT_EQ(Matches("XBCCfabrikam.com"), 1u);
  EXPECT_EQ(Matches("XRCPTannb"), 1u);
  EXPECT_EQ(Matches("XATT.csv"), 1u);
  EXPECT_EQ(Matches("XATTreport"), 1u);
  EXPECT_EQ(Matches("XHASATTtrue"), 1u);
  EXPECT_EQ(Matches("XHASATTfalse"), 1u);
  EXPECT_EQ(Matches("XCLASSipm.note.microsoft.conversation"), 1u);
  EXPECT_EQ(Matches("XAUTHORpilarp@contoso.com"), 1u);
}

TEST_F(IngestPipelineTest, ReingestingTheSameArchiveAddsNothing) {
  const auto path = dir_.path() / "export.zip";
  testing::WriteFileOrDie(path,
                          BuildArchive(ArchiveFormat::kZip,
                                       {{"a/20130603091502877_1_p2p.eml", testing::SampleSession()},
                                        {"b/mail.eml", PlainEmail("hello", "hello world")}}));
  const IngestStats first = Ingest(path);
  EXPECT_EQ(first.items, 3u);
  const IngestStats second = Ingest(path);
  EXPECT_EQ(second.items, 0u);
  EXPECT_EQ(second.messages, 0u);
  EXPECT_EQ(second.duplicates, first.items + first.messages);

  // The same session inside a different archive is a duplicate item, not a new one.
  const auto other = dir_.path() / "other.tar.gz";
  testing::WriteFileOrDie(
      other, BuildArchive(ArchiveFormat::kTarGz,
                          {{"x/20130603091502877_1_p2p.eml", testing::SampleSession()}}));
  const IngestStats third = Ingest(other);
  EXPECT_EQ(third.items, 1u);  // only the tar.gz container
  EXPECT_EQ(third.duplicates, 1u);
  auto locations = coordinator_->store().GetLocations(Sha256Hex(testing::SampleSession()));
  ASSERT_OK(locations);
  ASSERT_EQ(locations->size(), 2u);
  EXPECT_EQ((*locations)[0].ipath, "export.zip!/a/20130603091502877_1_p2p.eml");
  EXPECT_EQ((*locations)[1].ipath, "other.tar.gz!/x/20130603091502877_1_p2p.eml");
  EXPECT_EQ((*locations)[1].custodian, "Alice");

  // Another custodian's copy of an archive already ingested is walked again: nothing new is
  // stored, and every member is recorded for that custodian too.
  IngestPipeline bob(*coordinator_, {.custodian = "Bob"});
  ASSERT_OK(bob.IngestPath(path));
  ASSERT_OK(bob.Finish());
  EXPECT_EQ(bob.stats().items, 0u);
  EXPECT_EQ(bob.stats().duplicates, 3u);  // two members and the zip
  locations = coordinator_->store().GetLocations(Sha256Hex(testing::SampleSession()));
  ASSERT_OK(locations);
  ASSERT_EQ(locations->size(), 3u);
  EXPECT_EQ((*locations)[1].ipath, "export.zip!/a/20130603091502877_1_p2p.eml");
  EXPECT_EQ((*locations)[1].custodian, "Bob");
}

TEST_F(IngestPipelineTest, DuplicatesInTheSameRunAreCaughtWhileTheirWritesAreInFlight) {
  // The same session twice in one archive (ArchiveDuplicateMessages) and the same file given
  // twice on one command line: each native is stored once.
  const auto path = dir_.path() / "pool.zip";
  testing::WriteFileOrDie(
      path, BuildArchive(ArchiveFormat::kZip,
                         {{"pool1/20130603091502877_1_p2p.eml", testing::SampleSession()},
                          {"pool2/20130603091502877_1_p2p.eml", testing::SampleSession()}}));
  IngestPipeline pipeline(*coordinator_, {});
  ASSERT_OK(pipeline.IngestPath(path));
  ASSERT_OK(pipeline.IngestPath(path));
  ASSERT_OK(pipeline.Finish());
  EXPECT_EQ(pipeline.stats().items, 2u);  // the zip and one conversation
  EXPECT_EQ(pipeline.stats().messages, 2u);
  // The second member; then, reading the same file again, both members and the zip itself.
  EXPECT_EQ(pipeline.stats().duplicates, 4u);
  const auto conversations =
      ItemsWhere([](const Item& i) { return i.kind == ItemKind::kImConversation; });
  ASSERT_EQ(conversations.size(), 1u);
  EXPECT_EQ(Matches("XKINDim"), 1u);
  // Stored once, found at both places (recording the same place twice is a no-op).
  auto locations = coordinator_->store().GetLocations(conversations[0].sha256);
  ASSERT_OK(locations);
  std::vector<std::string> ipaths;
  for (const Location& location : *locations) {
    ipaths.push_back(location.ipath);
  }
  EXPECT_THAT(ipaths, ::testing::ElementsAre("pool.zip!/pool1/20130603091502877_1_p2p.eml",
                                             "pool.zip!/pool2/20130603091502877_1_p2p.eml"));
}

TEST_F(IngestPipelineTest, EncryptedMembersAreListedAndTheRestOfTheArchiveIsRead) {
  const std::string locked = BuildArchive(
      ArchiveFormat::kZipEncrypted, {{"hr/salaries.eml", PlainEmail("salaries", "secret pay")},
                                     {"hr/bonus.eml", PlainEmail("bonus", "secret bonus")}});
  const auto path = dir_.path() / "mixed.zip";
  testing::WriteFileOrDie(
      path, BuildArchive(ArchiveFormat::kZip,
                         {{"a/first.eml", PlainEmail("first", "before the locked archive")},
                          {"b/locked.zip", locked},
                          {"z/last.eml", PlainEmail("last", "after the locked archive")}}));
  const IngestStats stats = Ingest(path);
  EXPECT_EQ(stats.unindexed, 2u);
  std::vector<std::string> listed;
  for (const Item& item :
       ItemsWhere([](const Item& i) { return i.state == IndexState::kUnindexed; })) {
    listed.push_back(item.ipath);
    EXPECT_NE(item.state_reason.find("encrypted"), std::string::npos) << item.state_reason;
  }
  EXPECT_THAT(listed, ::testing::UnorderedElementsAre("mixed.zip!/b/locked.zip!/hr/salaries.eml",
                                                      "mixed.zip!/b/locked.zip!/hr/bonus.eml"));
  // Both plain members around the locked archive are indexed, and so is the locked archive's
  // listing: each container was read to its end.
  EXPECT_EQ(Matches("locked"), 2u);
  for (const Item& container :
       ItemsWhere([](const Item& i) { return i.kind == ItemKind::kContainer; })) {
    EXPECT_EQ(container.state, IndexState::kIndexed) << container.ipath;
  }
}

TEST_F(IngestPipelineTest, TruncatedArchiveIsUnindexedAndKeepsTheMembersBeforeTheCut) {
  std::mt19937 rng(42);  // incompressible, so the cut lands inside big.bin's data
  std::string noise(200000, '\0');
  for (char& c : noise) {
    c = static_cast<char>(rng() & 0xFF);
  }
  const std::string zip = BuildArchive(ArchiveFormat::kZip,
                                       {{"s/20130603091502877_1_p2p.eml", testing::SampleSession()},
                                        {"m/one.eml", PlainEmail("one", "first message")},
                                        {"z/big.bin", noise}});
  ASSERT_GT(zip.size(), 200000u);
  const auto path = dir_.path() / "truncated.zip";
  testing::WriteFileOrDie(path, zip.substr(0, zip.size() - 120000));

  const IngestStats stats = Ingest(path);
  const auto containers = ItemsWhere([](const Item& i) { return i.kind == ItemKind::kContainer; });
  ASSERT_EQ(containers.size(), 1u);
  EXPECT_EQ(containers[0].state, IndexState::kUnindexed);
  EXPECT_FALSE(containers[0].state_reason.empty());
  EXPECT_EQ(containers[0].ipath, "truncated.zip");
  // The native of the damaged archive is kept for export.
  auto native = coordinator_->store().GetNative(containers[0].sha256);
  ASSERT_OK(native);
  EXPECT_EQ(native->size(), zip.size() - 120000);
  EXPECT_EQ((NativeDigests{containers[0].md5, containers[0].sha1, containers[0].sha256}),
            ComputeDigests(*native));
  // Members before the cut are indexed.
  EXPECT_EQ(ItemsWhere([](const Item& i) { return i.kind == ItemKind::kImConversation; }).size(),
            1u);
  EXPECT_EQ(ItemsWhere([](const Item& i) { return i.title == "one"; }).size(), 1u);
  EXPECT_GE(stats.unindexed, 1u);
  EXPECT_EQ(Matches("XSTATEunindexed"), stats.unindexed);
}

// Corrupted copies of real inputs (bit flips, cuts, spliced garbage), as a damaged disk or a
// hostile custodian would hand them over: the process must survive every one, and every file
// must end up as exactly one top-level item, indexed or not. Runs under ASan/UBSan in ./run test.
TEST_F(IngestPipelineTest, MutatedInputsNeverCrashAndAreNeverLost) {
  std::mt19937 rng(20130603);
  const std::string session = testing::SampleSession();
  const std::string zip = BuildArchive(
      ArchiveFormat::kZip,
      {{"s/20130603091502877_1_p2p.eml", session}, {"m/mail.eml", EmailWithAttachment()}});
  const std::string tgz =
      BuildArchive(ArchiveFormat::kTarGz, {{"s/20130603091502877_1_p2p.eml", session}});
  const auto mutate = [&rng](std::string bytes) {
    switch (rng() % 4) {
      case 0:  // flip a few bytes
        for (int i = 0; i < 1 + static_cast<int>(rng() % 8); ++i) {
          bytes[rng() % bytes.size()] = static_cast<char>(rng() & 0xFF);
        }
        break;
      case 1:  // cut
        bytes.resize(rng() % bytes.size());
        break;
      case 2:  // splice garbage into the middle
        bytes.insert(rng() % bytes.size(), std::string(1 + rng() % 64, static_cast<char>(rng())));
        break;
      default:  // drop a slice
        bytes.erase(rng() % bytes.size(), rng() % 200);
        break;
    }
    return bytes;
  };
  const auto folder = dir_.path() / "mutated";
  std::set<std::string> distinct;
  for (int i = 0; i < 150; ++i) {
    const std::string& original = i % 3 == 0 ? session : i % 3 == 1 ? zip : tgz;
    const char* name = i % 3 == 0 ? "20130603091502877_1_p2p.eml" : i % 3 == 1 ? "x.zip" : "x.tgz";
    std::string bytes = mutate(original);
    if (bytes.empty()) {
      continue;  // an empty file has nothing to hash or keep
    }
    distinct.insert(bytes);
    testing::WriteFileOrDie(folder / std::to_string(i) / name, bytes);
  }
  IngestPipeline pipeline(*coordinator_, {});
  ASSERT_OK(pipeline.IngestPath(folder));
  ASSERT_OK(pipeline.Finish());
  // Nothing is lost: every distinct file is stored under its hash (as a top-level item, or as
  // the earlier member it duplicates), and no file produced two top-level items.
  for (const std::string& bytes : distinct) {
    EXPECT_OK(coordinator_->store().FindByContent(Sha256Hex(bytes)));
  }
  const auto top_level = ItemsWhere([](const Item& i) { return i.parent_id == kNoItem; });
  EXPECT_LE(top_level.size(), distinct.size());
  EXPECT_GT(top_level.size(), distinct.size() / 2);
  for (const Item& item : top_level) {
    if (item.state == IndexState::kUnindexed) {
      EXPECT_FALSE(item.state_reason.empty()) << item.ipath;
      EXPECT_TRUE(coordinator_->store().HasNative(item.sha256) || item.kind == ItemKind::kContainer)
          << item.ipath;
    }
  }
}

TEST_F(IngestPipelineTest, BogusCharsetIsDetectedAndMarkedPartiallyIndexed) {
  const std::string latin1_body =
      "Gr\xFC\xDF"
      "e aus M\xFCnchen, die Bestellung f\xFCr M\xFCller ist fertig.";
  const auto path = dir_.path() / "bogus.eml";
  testing::WriteFileOrDie(path, PlainEmail("Bestellung", latin1_body, "x-bogus-42"));
  const IngestStats stats = Ingest(path);
  EXPECT_EQ(stats.partially_indexed, 1u);
  const auto emails = ItemsWhere([](const Item& i) { return i.kind == ItemKind::kEmail; });
  ASSERT_EQ(emails.size(), 1u);
  EXPECT_EQ(emails[0].state, IndexState::kPartiallyIndexed);
  EXPECT_NE(emails[0].state_reason.find("x-bogus-42"), std::string::npos);
  EXPECT_NE(emails[0].text.find("Grüße aus München"), std::string::npos);
  // The guess is recorded on the item, so a reviewer can see how its text was read.
  EXPECT_FALSE(emails[0].detected_charset.empty());
  EXPECT_EQ(Matches("munchen"), 1u);
}

TEST_F(IngestPipelineTest, GarbageThatClaimsToBeMailIsUnindexedWithItsNative) {
  const auto path = dir_.path() / "not-mime.eml";
  // Random bytes: GMime alone would find a "header" somewhere in them.
  std::mt19937 rng(1234);
  std::string garbage(4096, '\0');
  for (char& c : garbage) {
    c = static_cast<char>(rng() & 0xFF);
  }
  testing::WriteFileOrDie(path, garbage);
  const IngestStats stats = Ingest(path);
  EXPECT_EQ(stats.items, 1u);
  EXPECT_EQ(stats.unindexed, 1u);
  const auto items = ItemsWhere([](const Item&) { return true; });
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].state, IndexState::kUnindexed);
  EXPECT_NE(items[0].state_reason.find("MIME"), std::string::npos) << items[0].state_reason;
  auto native = coordinator_->store().GetNative(items[0].sha256);
  ASSERT_OK(native);
  EXPECT_EQ(*native, garbage);
}

}  // namespace
}  // namespace docket
