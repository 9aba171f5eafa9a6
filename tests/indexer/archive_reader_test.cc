/** @file
 *  @brief ArchiveReader: formats, nesting, truncation, limits and garbage, on archives written at
 *         run time with libarchive's writer.
 */
#include "indexer/archive_reader.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <utility>
#include <vector>

#include "tests/support/archive_builder.h"
#include "tests/support/test_env.h"

namespace docket {
namespace {

using testing::ArchiveFormat;
using testing::ArchiveMember;
using testing::BuildArchive;
using Member = ArchiveMember;
using Format = ArchiveFormat;

// Incompressible bytes, so a cut at N% of the archive lands N% into the data.
std::string RandomBytes(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::string out(n, '\0');
  for (char& c : out) {
    c = static_cast<char>(rng() & 0xFF);
  }
  return out;
}

struct ReadAll {
  std::vector<ArchiveEntry> entries;
  Status status;  // OK at a clean end
};

ReadAll ReadEverything(ArchiveReader* reader) {
  ReadAll out;
  for (int guard = 0; guard < 10'000; ++guard) {
    ArchiveEntry entry;
    Result<bool> next = reader->Next(&entry);
    if (!next.has_value()) {
      out.status = next.error();
      return out;
    }
    if (!*next) {
      return out;
    }
    out.entries.push_back(std::move(entry));
  }
  ADD_FAILURE() << "reader never ended";
  return out;
}

ReadAll ReadMemory(std::string_view bytes, const ArchiveLimits& limits = {},
                   std::string_view name = {}) {
  Result<std::unique_ptr<ArchiveReader>> reader = ArchiveReader::OpenMemory(bytes, limits, name);
  if (!reader.has_value()) {
    ReadAll out;
    out.status = reader.error();
    return out;
  }
  return ReadEverything(reader->get());
}

const std::vector<Member> kSampleMembers = {
    {"2013/", "", true},
    {"2013/06/20130603091502000_1_p2p.eml", "Subject: hello\r\n\r\nbody one\r\n"},
    {"2013/06/notes.txt", "会议改到周五"},
    {"empty.txt", ""},
};

void ExpectSampleMembers(const ReadAll& read) {
  ASSERT_OK(read.status);
  ASSERT_EQ(3u, read.entries.size());  // the directory is skipped
  EXPECT_EQ("2013/06/20130603091502000_1_p2p.eml", read.entries[0].path);
  EXPECT_EQ("Subject: hello\r\n\r\nbody one\r\n", read.entries[0].bytes);
  EXPECT_EQ(1370250902000, read.entries[0].mtime);
  EXPECT_EQ("2013/06/notes.txt", read.entries[1].path);
  EXPECT_EQ("会议改到周五", read.entries[1].bytes);
  EXPECT_EQ("empty.txt", read.entries[2].path);
  EXPECT_EQ("", read.entries[2].bytes);
}

TEST(ArchiveReaderTest, ReadsZip) {
  ExpectSampleMembers(ReadMemory(BuildArchive(Format::kZip, kSampleMembers)));
}
TEST(ArchiveReaderTest, ReadsTar) {
  ExpectSampleMembers(ReadMemory(BuildArchive(Format::kTar, kSampleMembers)));
}
TEST(ArchiveReaderTest, ReadsTarGz) {
  ExpectSampleMembers(ReadMemory(BuildArchive(Format::kTarGz, kSampleMembers)));
}
TEST(ArchiveReaderTest, Reads7z) {
  ExpectSampleMembers(ReadMemory(BuildArchive(Format::k7z, kSampleMembers)));
}

TEST(ArchiveReaderTest, ReadsZipFromFile) {
  testing::TempDir dir;
  std::filesystem::path path = dir.path() / "export.zip";
  testing::WriteFileOrDie(path, BuildArchive(Format::kZip, kSampleMembers));
  Result<std::unique_ptr<ArchiveReader>> reader = ArchiveReader::OpenFile(path, {});
  ASSERT_OK(reader);
  ExpectSampleMembers(ReadEverything(reader->get()));
  EXPECT_EQ(3u, (*reader)->entries_returned());
}

TEST(ArchiveReaderTest, NestedZipOpensFromMemberBytes) {
  std::string inner = BuildArchive(Format::kZip, {{"deep/inner.eml", "Subject: inner\r\n\r\nx"}});
  std::string outer = BuildArchive(Format::kZip, {{"readme.txt", "outer"}, {"inner.zip", inner}});
  ReadAll read = ReadMemory(outer);
  ASSERT_OK(read.status);
  ASSERT_EQ(2u, read.entries.size());
  EXPECT_EQ("inner.zip", read.entries[1].path);
  EXPECT_TRUE(LooksLikeArchive(read.entries[1].bytes, read.entries[1].path));
  ReadAll nested = ReadMemory(read.entries[1].bytes);
  ASSERT_OK(nested.status);
  ASSERT_EQ(1u, nested.entries.size());
  EXPECT_EQ("deep/inner.eml", nested.entries[0].path);
  EXPECT_EQ("Subject: inner\r\n\r\nx", nested.entries[0].bytes);
}

TEST(ArchiveReaderTest, TruncatedZipReturnsMembersBeforeTheCutThenCorruption) {
  std::vector<Member> members = {{"a/one.bin", RandomBytes(40'000, 1)},
                                 {"a/two.bin", RandomBytes(40'000, 2)},
                                 {"a/three.bin", RandomBytes(40'000, 3)}};
  std::string zip = BuildArchive(Format::kZip, members);
  std::string cut = zip.substr(0, zip.size() * 55 / 100);  // inside the second member
  ReadAll read = ReadMemory(cut);
  EXPECT_EQ(StatusCode::kCorruption, read.status.code()) << read.status.ToString();
  EXPECT_NE(std::string::npos, read.status.message().find("truncated or corrupt"))
      << read.status.message();
  EXPECT_NE(std::string::npos, read.status.message().find("two.bin")) << read.status.message();
  ASSERT_EQ(1u, read.entries.size());
  EXPECT_EQ("a/one.bin", read.entries[0].path);
  EXPECT_EQ(members[0].bytes, read.entries[0].bytes);
}

TEST(ArchiveReaderTest, TruncatedTarGzNeverReturnsThePartialMember) {
  // libarchive's gunzip hands out 64 KiB blocks and loses the block a cut falls in, so the
  // members are large enough for the first to end more than 64 KiB before the cut.
  std::vector<Member> members = {{"one.eml", RandomBytes(100'000, 4)},
                                 {"two.eml", RandomBytes(100'000, 5)},
                                 {"three.eml", RandomBytes(100'000, 6)}};
  std::string tgz = BuildArchive(Format::kTarGz, members);
  std::string cut = tgz.substr(0, tgz.size() / 2);  // the middle of two.eml
  Result<std::unique_ptr<ArchiveReader>> reader = ArchiveReader::OpenMemory(cut, {});
  ASSERT_OK(reader);
  ReadAll read = ReadEverything(reader->get());
  EXPECT_EQ(StatusCode::kCorruption, read.status.code()) << read.status.ToString();
  ASSERT_EQ(1u, read.entries.size());
  EXPECT_EQ("one.eml", read.entries[0].path);
  EXPECT_EQ(members[0].bytes, read.entries[0].bytes);
  EXPECT_NE(std::string::npos, read.status.message().find("'two.eml'")) << read.status.message();
  // The status is final.
  ArchiveEntry again;
  Result<bool> next = (*reader)->Next(&again);
  ASSERT_FALSE(next.has_value());
  EXPECT_EQ(StatusCode::kCorruption, next.error().code());
}

TEST(ArchiveReaderTest, TarGzCutInItsFirstBlockIsCorruption) {
  std::string tgz = BuildArchive(
      Format::kTarGz, {{"one.eml", RandomBytes(30'000, 4)}, {"two.eml", RandomBytes(30'000, 5)}});
  ReadAll read = ReadMemory(tgz.substr(0, tgz.size() / 2));
  EXPECT_EQ(StatusCode::kCorruption, read.status.code()) << read.status.ToString();
  EXPECT_NE(std::string::npos, read.status.message().find("gzip")) << read.status.message();
  EXPECT_TRUE(read.entries.empty());
}

TEST(ArchiveReaderTest, MemberOverMaxEntryBytesIsResourceExhausted) {
  ArchiveLimits limits;
  limits.max_entry_bytes = 10'000;
  ReadAll read = ReadMemory(
      BuildArchive(Format::kZip, {{"small.txt", "ok"}, {"big.bin", std::string(100'000, 'x')}}),
      limits);
  EXPECT_EQ(StatusCode::kResourceExhausted, read.status.code()) << read.status.ToString();
  EXPECT_EQ("member 'big.bin' expands past 10000 bytes (max_entry_bytes)", read.status.message());
  ASSERT_EQ(1u, read.entries.size());
  EXPECT_EQ("small.txt", read.entries[0].path);
}

TEST(ArchiveReaderTest, HighRatioMemberIsRefusedAsBomb) {
  std::string bomb = BuildArchive(Format::kZip, {{"zeros.bin", std::string(8u << 20, '\0')}});
  ASSERT_LT(bomb.size(), 100'000u);
  ReadAll read = ReadMemory(bomb);
  EXPECT_EQ(StatusCode::kResourceExhausted, read.status.code()) << read.status.ToString();
  EXPECT_NE(std::string::npos, read.status.message().find("'zeros.bin'"));
  EXPECT_NE(std::string::npos, read.status.message().find("max_ratio"));
  EXPECT_TRUE(read.entries.empty());
}

TEST(ArchiveReaderTest, TotalBytesAndEntryCountAreCapped) {
  std::vector<Member> members;
  for (int i = 0; i < 5; ++i) {
    members.push_back({"m" + std::to_string(i), RandomBytes(1000, 10 + i)});
  }
  std::string tar = BuildArchive(Format::kTar, members);
  ArchiveLimits total;
  total.max_total_bytes = 2500;
  ReadAll read = ReadMemory(tar, total);
  EXPECT_EQ(StatusCode::kResourceExhausted, read.status.code());
  EXPECT_EQ(2u, read.entries.size());
  ArchiveLimits count;
  count.max_entries = 3;
  read = ReadMemory(tar, count);
  EXPECT_EQ(StatusCode::kResourceExhausted, read.status.code());
  EXPECT_EQ(3u, read.entries.size());
}

TEST(ArchiveReaderTest, LoneGzipFileIsOneMemberNamedWithoutGz) {
  std::string eml = "Subject: compressed\r\n\r\nbody\r\n";
  std::string gz = BuildArchive(Format::kGzipRaw, {{"ignored", eml}});
  testing::TempDir dir;
  std::filesystem::path path = dir.path() / "20130603091502000_1_p2p.eml.gz";
  testing::WriteFileOrDie(path, gz);
  Result<std::unique_ptr<ArchiveReader>> reader = ArchiveReader::OpenFile(path, {});
  ASSERT_OK(reader);
  ReadAll read = ReadEverything(reader->get());
  ASSERT_OK(read.status);
  ASSERT_EQ(1u, read.entries.size());
  EXPECT_EQ("20130603091502000_1_p2p.eml", read.entries[0].path);
  EXPECT_EQ(eml, read.entries[0].bytes);

  read = ReadMemory(gz, {}, "dir/x.eml.gz");
  ASSERT_OK(read.status);
  ASSERT_EQ(1u, read.entries.size());
  EXPECT_EQ("x.eml", read.entries[0].path);
  EXPECT_EQ(eml, read.entries[0].bytes);

  read = ReadMemory(gz);
  ASSERT_OK(read.status);
  ASSERT_EQ(1u, read.entries.size());
  EXPECT_EQ("data", read.entries[0].path);
}

TEST(ArchiveReaderTest, GarbageIsAClearErrorNotACrash) {
  std::string garbage = RandomBytes(5000, 99);
  garbage[0] = 'X';  // not by chance a signature
  Result<std::unique_ptr<ArchiveReader>> reader = ArchiveReader::OpenMemory(garbage, {});
  ASSERT_FALSE(reader.has_value());
  EXPECT_EQ(StatusCode::kInvalidArgument, reader.error().code());
  EXPECT_NE(std::string::npos, reader.error().message().find("not an archive"))
      << reader.error().message();

  Result<std::unique_ptr<ArchiveReader>> text =
      ArchiveReader::OpenMemory("Subject: plain mail\r\n\r\nhello\r\n", {});
  ASSERT_FALSE(text.has_value());
  EXPECT_EQ(StatusCode::kInvalidArgument, text.error().code());

  Result<std::unique_ptr<ArchiveReader>> missing =
      ArchiveReader::OpenFile("/nonexistent/docket/x.zip", {});
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(StatusCode::kIOError, missing.error().code());
}

TEST(ArchiveReaderTest, CorruptBytesInsideAnArchiveNeverCrash) {
  std::string zip = BuildArchive(
      Format::kTarGz, {{"a.txt", RandomBytes(20'000, 7)}, {"b.txt", RandomBytes(20'000, 8)}});
  std::mt19937 rng(42);
  for (int round = 0; round < 30; ++round) {
    std::string damaged = zip;
    for (int k = 0; k < 8; ++k) {
      damaged[rng() % damaged.size()] = static_cast<char>(rng() & 0xFF);
    }
    ReadAll read = ReadMemory(damaged);
    (void)read;  // any outcome but a crash or a sanitizer report is fine
  }
}

TEST(ArchiveReaderTest, LooksLikeArchive) {
  std::string zip = BuildArchive(Format::kZip, {{"a.txt", "a"}});
  std::string tar = BuildArchive(Format::kTar, {{"a.txt", "a"}});
  std::string tgz = BuildArchive(Format::kTarGz, {{"a.txt", "a"}});
  std::string sz = BuildArchive(Format::k7z, {{"a.txt", "a"}});
  EXPECT_TRUE(LooksLikeArchive(zip, "x"));
  EXPECT_TRUE(LooksLikeArchive(tar, "x"));
  EXPECT_TRUE(LooksLikeArchive(tgz, "x"));
  EXPECT_TRUE(LooksLikeArchive(sz, "x"));
  EXPECT_TRUE(LooksLikeArchive("", "export.tar.gz"));
  EXPECT_TRUE(LooksLikeArchive("", "EXPORT.ZIP"));
  EXPECT_TRUE(LooksLikeArchive("BZh91AY&SY", "x"));
  EXPECT_FALSE(LooksLikeArchive("Subject: hi\r\n\r\n", "mail.eml"));
  EXPECT_FALSE(LooksLikeArchive(zip, "report.docx"));
  std::string ooxml = BuildArchive(Format::kZip, {{"[Content_Types].xml", "<Types/>"}});
  EXPECT_FALSE(LooksLikeArchive(ooxml, "attachment.bin"));
}

}  // namespace
}  // namespace docket
