/** @file
 *  @brief ArchiveReader: formats, nesting, truncation, limits and garbage, on archives written at
 *         run time with libarchive's writer.
 */
#include "indexer/archive_reader.h"

#include <gtest/gtest.h>

#include <algorithm>
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
using testing::MemberType;
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
  for (const ArchiveEntry& entry : read.entries) {
    EXPECT_EQ(EntryType::kFile, entry.type) << entry.path;
    EXPECT_TRUE(entry.complete) << entry.path;
    EXPECT_EQ("", entry.problem) << entry.path;
    EXPECT_EQ("", entry.link_target) << entry.path;
  }
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

TEST(ArchiveReaderTest, TruncatedZipReturnsTheCutMemberPartlyThenCorruption) {
  std::vector<Member> members = {{"a/one.bin", RandomBytes(40'000, 1)},
                                 {"a/two.bin", RandomBytes(40'000, 2)},
                                 {"a/three.bin", RandomBytes(40'000, 3)}};
  std::string zip = BuildArchive(Format::kZip, members);
  std::string cut = zip.substr(0, zip.size() * 55 / 100);  // inside the second member
  Result<std::unique_ptr<ArchiveReader>> reader = ArchiveReader::OpenMemory(cut, {});
  ASSERT_OK(reader);
  ReadAll read = ReadEverything(reader->get());
  EXPECT_EQ(StatusCode::kCorruption, read.status.code()) << read.status.ToString();
  EXPECT_NE(std::string::npos, read.status.message().find("truncated or corrupt"))
      << read.status.message();
  EXPECT_NE(std::string::npos, read.status.message().find("'a/two.bin'")) << read.status.message();
  ASSERT_EQ(2u, read.entries.size());
  EXPECT_EQ("a/one.bin", read.entries[0].path);
  EXPECT_EQ(members[0].bytes, read.entries[0].bytes);
  EXPECT_TRUE(read.entries[0].complete);
  // The member the cut falls in: what was read before the cut, and why the rest is missing.
  const ArchiveEntry& two = read.entries[1];
  EXPECT_EQ("a/two.bin", two.path);
  EXPECT_EQ(EntryType::kFile, two.type);
  EXPECT_FALSE(two.complete);
  EXPECT_LT(two.bytes.size(), members[1].bytes.size());
  EXPECT_EQ(members[1].bytes.substr(0, two.bytes.size()), two.bytes);
  EXPECT_TRUE(two.problem.starts_with("member is truncated or corrupt after " +
                                      std::to_string(two.bytes.size()) + " bytes: "))
      << two.problem;
  EXPECT_EQ(2u, (*reader)->entries_returned());
}

TEST(ArchiveReaderTest, TruncatedTarGzReturnsTheCutMemberPartlyThenCorruption) {
  // libarchive's gunzip hands out 64 KiB blocks and loses the block a cut falls in, so the
  // members are large enough for the first to end more than 64 KiB before the cut.
  std::vector<Member> members = {{"one.eml", RandomBytes(100'000, 4)},
                                 {"two.eml", RandomBytes(100'000, 5)},
                                 {"three.eml", RandomBytes(100'000, 6)}};
  std::string tgz = BuildArchive(Format::kTarGz, members);
  std::string cut = tgz.substr(0, tgz.size() / 2);  // the middle of two.eml
  Result<std::unique_ptr<ArchiveReader>> reader = ArchiveReader::OpenMemory(cut, {});
  ASSERT_OK(reader);
  ArchiveEntry one;
  ASSERT_TRUE(*(*reader)->Next(&one));
  EXPECT_EQ("one.eml", one.path);
  EXPECT_EQ(members[0].bytes, one.bytes);
  EXPECT_TRUE(one.complete);
  EXPECT_EQ("", one.problem);
  // two.eml comes back cut short, with the bytes before the lost block ...
  ArchiveEntry two;
  Result<bool> next = (*reader)->Next(&two);
  ASSERT_OK(next);
  ASSERT_TRUE(*next);
  EXPECT_EQ("two.eml", two.path);
  EXPECT_FALSE(two.complete);
  EXPECT_LT(two.bytes.size(), members[1].bytes.size());
  EXPECT_EQ(members[1].bytes.substr(0, two.bytes.size()), two.bytes);
  EXPECT_TRUE(two.problem.starts_with("member is truncated or corrupt after ")) << two.problem;
  // ... then the archive is reported, and the status is final.
  for (int call = 0; call < 2; ++call) {
    ArchiveEntry again;
    next = (*reader)->Next(&again);
    ASSERT_FALSE(next.has_value());
    EXPECT_EQ(StatusCode::kCorruption, next.error().code());
    EXPECT_TRUE(
        next.error().message().starts_with("archive is truncated or corrupt in member 'two.eml': "))
        << next.error().message();
  }
}

TEST(ArchiveReaderTest, TarGzCutInItsFirstBlockIsCorruption) {
  std::string tgz = BuildArchive(
      Format::kTarGz, {{"one.eml", RandomBytes(30'000, 4)}, {"two.eml", RandomBytes(30'000, 5)}});
  ReadAll read = ReadMemory(tgz.substr(0, tgz.size() / 2));
  EXPECT_EQ(StatusCode::kCorruption, read.status.code()) << read.status.ToString();
  EXPECT_NE(std::string::npos, read.status.message().find("gzip")) << read.status.message();
  EXPECT_TRUE(read.entries.empty());
}

TEST(ArchiveReaderTest, MemberOverMaxEntryBytesIsListedWithoutBytesAndTheWalkGoesOn) {
  ArchiveLimits limits;
  limits.max_entry_bytes = 10'000;
  for (Format format : {Format::kZip, Format::kTarGz, Format::k7z}) {
    ReadAll read = ReadMemory(BuildArchive(format, {{"small.txt", "ok"},
                                                    {"big.bin", RandomBytes(100'000, 9)},
                                                    {"after.txt", "still read"}}),
                              limits);
    ASSERT_OK(read.status);
    ASSERT_EQ(3u, read.entries.size());
    EXPECT_EQ("small.txt", read.entries[0].path);
    EXPECT_EQ("ok", read.entries[0].bytes);
    const ArchiveEntry& big = read.entries[1];
    EXPECT_EQ("big.bin", big.path);
    EXPECT_EQ(EntryType::kFile, big.type);
    EXPECT_EQ("", big.bytes);  // memory stays bounded: nothing of it is kept
    EXPECT_FALSE(big.complete);
    EXPECT_EQ("member expands past 10000 bytes (max_entry_bytes); not read", big.problem);
    EXPECT_EQ("after.txt", read.entries[2].path);
    EXPECT_EQ("still read", read.entries[2].bytes);
    EXPECT_TRUE(read.entries[2].complete);
  }
}

TEST(ArchiveReaderTest, MemberExactlyAtMaxEntryBytesIsRead) {
  ArchiveLimits limits;
  limits.max_entry_bytes = 10'000;
  std::string exact = RandomBytes(10'000, 12);
  ReadAll read = ReadMemory(BuildArchive(Format::kTar, {{"exact.bin", exact}}), limits);
  ASSERT_OK(read.status);
  ASSERT_EQ(1u, read.entries.size());
  EXPECT_EQ(exact, read.entries[0].bytes);
  EXPECT_TRUE(read.entries[0].complete);
}

TEST(ArchiveReaderTest, OversizedMembersStillCountTowardsTheArchiveLimits) {
  // The oversized member's data is read and dropped, not skipped unseen, so a bomb made of
  // members just over max_entry_bytes is still caught by max_total_bytes.
  ArchiveLimits limits;
  limits.max_entry_bytes = 1000;
  limits.max_total_bytes = 25'000;
  std::vector<Member> members;
  for (int i = 0; i < 5; ++i) {
    members.push_back({"m" + std::to_string(i), RandomBytes(10'000, 30 + i)});
  }
  ReadAll read = ReadMemory(BuildArchive(Format::kTar, members), limits);
  EXPECT_EQ(StatusCode::kResourceExhausted, read.status.code()) << read.status.ToString();
  EXPECT_EQ("archive expands past 25000 bytes in all (max_total_bytes); stopped in member 'm2'",
            read.status.message());
  ASSERT_EQ(2u, read.entries.size());
  EXPECT_FALSE(read.entries[1].complete);
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

TEST(ArchiveReaderTest, LinksAndDevicesAreListedWithAProblemAndNeverFollowed) {
  std::vector<Member> members = {
      {"a/real.txt", "real content"},
      {"a/passwd", "", false, MemberType::kSymlink, "/etc/passwd"},
      {"a/again.txt", "", false, MemberType::kHardlink, "a/real.txt"},
      {"dev/null", "", false, MemberType::kCharDevice},
      {"dev/sda", "", false, MemberType::kBlockDevice},
      {"run/pipe", "", false, MemberType::kFifo},
      {"z/after.txt", "after the odd ones"},
  };
  for (Format format : {Format::kTar, Format::kTarGz}) {
    ReadAll read = ReadMemory(BuildArchive(format, members));
    ASSERT_OK(read.status);
    ASSERT_EQ(7u, read.entries.size());
    const std::vector<ArchiveEntry>& e = read.entries;
    EXPECT_EQ(EntryType::kFile, e[0].type);
    EXPECT_EQ("real content", e[0].bytes);

    EXPECT_EQ("a/passwd", e[1].path);
    EXPECT_EQ(EntryType::kSymlink, e[1].type);
    EXPECT_EQ("/etc/passwd", e[1].link_target);
    EXPECT_EQ("", e[1].bytes);
    EXPECT_TRUE(e[1].complete);
    EXPECT_EQ("symbolic link to '/etc/passwd' (links are recorded, never followed)", e[1].problem);

    EXPECT_EQ("a/again.txt", e[2].path);
    EXPECT_EQ(EntryType::kHardlink, e[2].type);
    EXPECT_EQ("a/real.txt", e[2].link_target);  // the path of the member it names
    EXPECT_EQ("", e[2].bytes);
    EXPECT_EQ("hard link to 'a/real.txt' (links are recorded, never followed)", e[2].problem);

    EXPECT_EQ("dev/null", e[3].path);
    EXPECT_EQ(EntryType::kDevice, e[3].type);
    EXPECT_EQ("character device entry (not a file; nothing to read)", e[3].problem);
    EXPECT_EQ(EntryType::kDevice, e[4].type);
    EXPECT_EQ("block device entry (not a file; nothing to read)", e[4].problem);
    EXPECT_EQ(EntryType::kFifo, e[5].type);
    EXPECT_EQ("named pipe (FIFO) entry (not a file; nothing to read)", e[5].problem);
    for (size_t i = 1; i <= 5; ++i) {
      EXPECT_EQ("", e[i].bytes) << e[i].path;
      EXPECT_TRUE(e[i].complete) << e[i].path;
      EXPECT_EQ(1370250902000, e[i].mtime) << e[i].path;
    }

    EXPECT_EQ("z/after.txt", e[6].path);
    EXPECT_EQ("after the odd ones", e[6].bytes);
    EXPECT_EQ("", e[6].problem);
  }
}

TEST(ArchiveReaderTest, SymlinkInZipCarriesItsTargetNotItsBytes) {
  ReadAll read = ReadMemory(BuildArchive(
      Format::kZip,
      {{"link", "", false, MemberType::kSymlink, "../../secret"}, {"after.txt", "x"}}));
  ASSERT_OK(read.status);
  ASSERT_EQ(2u, read.entries.size());
  EXPECT_EQ(EntryType::kSymlink, read.entries[0].type);
  EXPECT_EQ("../../secret", read.entries[0].link_target);  // data, never resolved
  EXPECT_EQ("", read.entries[0].bytes);
  EXPECT_EQ("symbolic link to '../../secret' (links are recorded, never followed)",
            read.entries[0].problem);
  EXPECT_EQ("x", read.entries[1].bytes);
}

struct NameCase {
  std::string_view name;     // as stored in the archive
  std::string_view path;     // ArchiveEntry::path
  std::string_view problem;  // ArchiveEntry::problem
};

const NameCase kNameCases[] = {
    {"plain/name.txt", "plain/name.txt", ""},
    {"./dot/a//b", "dot/a/b", ""},  // plain normalisation is not worth a problem
    {"/etc/passwd", "etc/passwd",
     "member name '/etc/passwd' is absolute; recorded as 'etc/passwd'"},
    {"../../etc/passwd", "etc/passwd",
     "member name '../../etc/passwd' escapes the archive; recorded as 'etc/passwd'"},
    {"a/../../b.txt", "b.txt",
     "member name 'a/../../b.txt' escapes the archive and contains '..' segments; recorded as "
     "'b.txt'"},
    {"a/../b.txt", "b.txt", "member name 'a/../b.txt' contains '..' segments; recorded as 'b.txt'"},
    {"C:\\Windows\\win.ini", "Windows/win.ini",
     "member name 'C:\\Windows\\win.ini' is absolute and uses backslash separators; recorded as "
     "'Windows/win.ini'"},
    {"\\\\server\\share\\x.txt", "server/share/x.txt",
     "member name '\\\\server\\share\\x.txt' is absolute and uses backslash separators; recorded "
     "as 'server/share/x.txt'"},
    {"..\\..\\boot.ini", "boot.ini",
     "member name '..\\..\\boot.ini' escapes the archive and uses backslash separators; "
     "recorded as 'boot.ini'"},
    {"bell\x07tab\t.txt", "bell%07tab%09.txt",
     "member name 'bell%07tab%09.txt' contains control characters or bytes that are not UTF-8 "
     "(shown as %XX); recorded as 'bell%07tab%09.txt'"},
    {"会议/纪要.txt", "会议/纪要.txt", ""},
};

TEST(ArchiveReaderTest, UnsafeNamesAreRewrittenAndReportedAndTheContentIsKept) {
  for (Format format : {Format::kTar, Format::kZip, Format::k7z}) {
    // libarchive's zip and 7z readers turn '\\' into '/' themselves; those names are checked
    // in tar only, and for zip below. Its 7z writer needs names it can convert to UTF-16 from
    // the C locale the tests run in, i.e. ASCII.
    const bool keeps_backslashes = format == Format::kTar;
    std::vector<Member> members;
    std::vector<NameCase> cases;
    for (const NameCase& c : kNameCases) {
      const bool ascii = std::all_of(c.name.begin(), c.name.end(),
                                     [](char ch) { return static_cast<unsigned char>(ch) < 0x80; });
      if ((keeps_backslashes || c.name.find('\\') == std::string_view::npos) &&
          (ascii || format != Format::k7z)) {
        members.push_back({std::string(c.name), "content of " + std::string(c.name)});
        cases.push_back(c);
      }
    }
    ReadAll read = ReadMemory(BuildArchive(format, members));
    ASSERT_OK(read.status);
    ASSERT_EQ(cases.size(), read.entries.size());
    for (size_t i = 0; i < cases.size(); ++i) {
      const NameCase& c = cases[i];
      const ArchiveEntry& entry = read.entries[i];
      EXPECT_EQ(c.path, entry.path) << c.name << " in format " << static_cast<int>(format);
      EXPECT_EQ(c.problem, entry.problem) << c.name;
      EXPECT_EQ(EntryType::kFile, entry.type) << c.name;
      EXPECT_TRUE(entry.complete) << c.name;
      EXPECT_EQ("content of " + std::string(c.name), entry.bytes) << c.name;
    }
  }
  ReadAll zip = ReadMemory(BuildArchive(Format::kZip, {{"..\\..\\boot.ini", "x"}}));
  ASSERT_OK(zip.status);
  ASSERT_EQ(1u, zip.entries.size());
  EXPECT_EQ("boot.ini", zip.entries[0].path);
  EXPECT_NE(std::string::npos, zip.entries[0].problem.find("escapes the archive"))
      << zip.entries[0].problem;
}

TEST(ArchiveReaderTest, NameThatNamesNothingGetsANumberedPlaceholder) {
  ReadAll read = ReadMemory(BuildArchive(Format::kTar, {{"a.txt", "a"}, {"/../..", "b"}}));
  ASSERT_OK(read.status);
  ASSERT_EQ(2u, read.entries.size());
  EXPECT_EQ("unnamed-2", read.entries[1].path);  // numbered by its place in the archive
  EXPECT_EQ(
      "member name '/../..' is absolute, escapes the archive and names no file; recorded as "
      "'unnamed-2'",
      read.entries[1].problem);
  EXPECT_EQ("b", read.entries[1].bytes);
}

TEST(ArchiveReaderTest, NameBytesThatAreNotUtf8AreEscaped) {
  // Written by hand: the zip has no UTF-8 flag and libarchive passes the bytes through.
  ReadAll read = ReadMemory(BuildArchive(Format::kZipByHand, {{"caf\xe9.txt", "latin-1 name"}}));
  ASSERT_OK(read.status);
  ASSERT_EQ(1u, read.entries.size());
  EXPECT_EQ("caf%E9.txt", read.entries[0].path);
  EXPECT_EQ(
      "member name 'caf%E9.txt' contains control characters or bytes that are not UTF-8 (shown as "
      "%XX); recorded as 'caf%E9.txt'",
      read.entries[0].problem);
  EXPECT_EQ("latin-1 name", read.entries[0].bytes);
}

TEST(ArchiveReaderTest, EncryptedMembersAreListedAndTheRestIsRead) {
  // libarchive's writer encrypts every member: each is listed, none stops the walk.
  ReadAll all = ReadMemory(BuildArchive(
      Format::kZipEncrypted, {{"hr/salaries.eml", "secret pay"}, {"hr/bonus.eml", "bonus"}}));
  ASSERT_OK(all.status);
  ASSERT_EQ(2u, all.entries.size());
  EXPECT_EQ("hr/salaries.eml", all.entries[0].path);
  EXPECT_EQ("hr/bonus.eml", all.entries[1].path);
  for (const ArchiveEntry& entry : all.entries) {
    EXPECT_EQ(EntryType::kFile, entry.type);
    EXPECT_EQ("", entry.bytes);
    EXPECT_FALSE(entry.complete);
    EXPECT_EQ("member is encrypted (password-protected zip); no password was given", entry.problem);
  }

  // One encrypted member between plain ones.
  ReadAll mixed = ReadMemory(
      BuildArchive(Format::kZipByHand,
                   {{"a/first.txt", "before"},
                    {"b/locked.txt", "hidden", false, MemberType::kFile, "", /*encrypted=*/true},
                    {"c/last.txt", "after"}}));
  ASSERT_OK(mixed.status);
  ASSERT_EQ(3u, mixed.entries.size());
  EXPECT_EQ("before", mixed.entries[0].bytes);
  EXPECT_EQ("", mixed.entries[0].problem);
  EXPECT_EQ("b/locked.txt", mixed.entries[1].path);
  EXPECT_EQ("", mixed.entries[1].bytes);
  EXPECT_FALSE(mixed.entries[1].complete);
  EXPECT_EQ("member is encrypted (password-protected zip); no password was given",
            mixed.entries[1].problem);
  EXPECT_EQ("c/last.txt", mixed.entries[2].path);
  EXPECT_EQ("after", mixed.entries[2].bytes);
  EXPECT_TRUE(mixed.entries[2].complete);
}

TEST(ArchiveReaderTest, MemberFailingItsChecksumIsIncompleteAndTheRestIsRead) {
  std::string zip = BuildArchive(Format::kZipByHand,
                                 {{"a.txt", "the original text"}, {"b.txt", "the next member"}});
  const size_t at = zip.find("original");
  ASSERT_NE(std::string::npos, at);
  zip[at] = 'O';  // stored data no longer matches its CRC-32
  ReadAll read = ReadMemory(zip);
  ASSERT_OK(read.status);
  ASSERT_EQ(2u, read.entries.size());
  EXPECT_EQ("a.txt", read.entries[0].path);
  EXPECT_FALSE(read.entries[0].complete);
  EXPECT_EQ("the Original text", read.entries[0].bytes);  // kept: whatever was read
  EXPECT_TRUE(read.entries[0].problem.starts_with("member is corrupt: ZIP bad CRC"))
      << read.entries[0].problem;
  EXPECT_EQ("b.txt", read.entries[1].path);
  EXPECT_EQ("the next member", read.entries[1].bytes);
  EXPECT_TRUE(read.entries[1].complete);
}

TEST(ArchiveReaderTest, SparseHolesReadAsZerosAndCountTowardsTheLimits) {
  std::string logical(200'000, '\0');
  logical.replace(0, 5, "start");
  logical.replace(150'000, 3, "end");
  Member sparse{"sparse.img", logical};
  sparse.data_regions = {{0, 5}, {150'000, 3}};
  Member tail{"tail.img", "head" + std::string(1000, '\0')};  // ends in a hole
  tail.data_regions = {{0, 4}};
  std::string tar = BuildArchive(Format::kTar, {sparse, tail, {"after.txt", "after"}});
  ASSERT_LT(tar.size(), 12'000u);  // the holes are not stored
  ReadAll read = ReadMemory(tar);
  ASSERT_OK(read.status);
  ASSERT_EQ(3u, read.entries.size());
  EXPECT_TRUE(read.entries[0].complete) << read.entries[0].problem;
  EXPECT_EQ(logical, read.entries[0].bytes);
  EXPECT_EQ(tail.bytes, read.entries[1].bytes);
  EXPECT_EQ("", read.entries[1].problem);
  EXPECT_EQ("after", read.entries[2].bytes);

  // A hole is expanded output like any other: a huge one is a bomb, not a free pass.
  Member bomb{"hole.img", std::string(20u << 20, '\0')};
  bomb.data_regions = {{0, 1}};
  ReadAll refused = ReadMemory(BuildArchive(Format::kTar, {bomb}));
  EXPECT_EQ(StatusCode::kResourceExhausted, refused.status.code()) << refused.status.ToString();
  EXPECT_NE(std::string::npos, refused.status.message().find("max_ratio"))
      << refused.status.message();
}

TEST(ArchiveReaderTest, EntryTypeNames) {
  EXPECT_EQ("file", EntryTypeName(EntryType::kFile));
  EXPECT_EQ("symbolic link", EntryTypeName(EntryType::kSymlink));
  EXPECT_EQ("hard link", EntryTypeName(EntryType::kHardlink));
  EXPECT_EQ("device", EntryTypeName(EntryType::kDevice));
  EXPECT_EQ("named pipe", EntryTypeName(EntryType::kFifo));
  EXPECT_EQ("socket", EntryTypeName(EntryType::kSocket));
  EXPECT_EQ("other", EntryTypeName(EntryType::kOther));
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
