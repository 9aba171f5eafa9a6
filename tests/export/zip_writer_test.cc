// Tests for export/zip_writer.h: every zip is read back by tools that share no code with the
// writer (Python's zipfile, bsdtar), and the digests are checked against the bytes read back.
#include "export/zip_writer.h"

#include <time.h>

#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "common/hashing.h"
#include "tests/support/subprocess.h"
#include "tests/support/test_env.h"

namespace docket {
namespace {

using ::docket::testing::CommandResult;
using ::docket::testing::ReadFileOrDie;
using ::docket::testing::RunCommand;
using ::docket::testing::TempDir;
using ::docket::testing::WriteFileOrDie;

// One line per entry, in central-directory order:
// name <TAB> compress_type <TAB> file_size <TAB> md5 of content <TAB> utf8 flag <TAB> date_time
// followed by "testzip:None" when every CRC checks out. Bytes out, so non-ASCII names survive
// whatever locale the test runs under.
constexpr char kListScript[] = R"PY(
import hashlib, sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as z:
    out = []
    for info in z.infolist():
        data = z.read(info)
        out.append("%s\t%d\t%d\t%s\t%d\t%s" % (info.filename, info.compress_type, info.file_size,
                   hashlib.md5(data).hexdigest(), 1 if info.flag_bits & 0x800 else 0,
                   "-".join(str(v) for v in info.date_time)))
    out.append("testzip:%s" % z.testzip())
sys.stdout.buffer.write(("\n".join(out) + "\n").encode("utf-8"))
)PY";

struct PyEntry {
  std::string name;
  int compress_type = -1;
  uint64_t size = 0;
  std::string md5;
  bool utf8_flag = false;
  std::string date_time;
};

std::vector<std::string> Split(const std::string& text, char separator) {
  std::vector<std::string> parts;
  std::string part;
  std::istringstream in(text);
  while (std::getline(in, part, separator)) {
    parts.push_back(part);
  }
  return parts;
}

// Python's view of the zip; fails the test when Python cannot read it or a CRC is wrong.
std::vector<PyEntry> ReadWithPython(const std::filesystem::path& zip) {
  const CommandResult result = RunCommand({"python3", "-c", kListScript, zip.string()});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  std::vector<PyEntry> entries;
  bool crc_ok = false;
  for (const std::string& line : Split(result.out, '\n')) {
    if (line.rfind("testzip:", 0) == 0) {
      crc_ok = line == "testzip:None";
      continue;
    }
    const std::vector<std::string> fields = Split(line, '\t');
    if (fields.size() != 6) {
      ADD_FAILURE() << "unexpected line from python: " << line;
      continue;
    }
    entries.push_back({fields[0], std::stoi(fields[1]), std::stoull(fields[2]), fields[3],
                       fields[4] == "1", fields[5]});
  }
  EXPECT_TRUE(crc_ok) << result.out;
  return entries;
}

std::string RandomBytes(size_t size, unsigned seed) {
  std::mt19937 random(seed);
  std::string bytes(size, '\0');
  for (char& c : bytes) {
    c = static_cast<char>(random() & 0xFF);
  }
  return bytes;
}

// Python's date_time of an entry: the DOS fields, which hold local time (never before
// 1980-01-01 00:00, where DOS time starts).
std::string DosDateTime(UtcMillis millis) {
  const time_t seconds = static_cast<time_t>(millis / 1000);
  struct tm local {};
  localtime_r(&seconds, &local);
  if (local.tm_year < 80) {
    return "1980-1-1-0-0-0";
  }
  return std::to_string(local.tm_year + 1900) + "-" + std::to_string(local.tm_mon + 1) + "-" +
         std::to_string(local.tm_mday) + "-" + std::to_string(local.tm_hour) + "-" +
         std::to_string(local.tm_min) + "-" + std::to_string(local.tm_sec / 2 * 2);
}

const std::string kEmail =
    "From: alice@contoso.com\r\nTo: bob@contoso.com\r\nSubject: Q3\r\n\r\nHello Bob\r\n";
// Chinese, Arabic and an emoji: the text files of a multilingual production.
const std::string kText = "合同审查 — مراجعة العقد — 🙂 review\n";

TEST(ZipWriterTest, PythonReadsStoredAndDeflatedEntriesWithTheirDigests) {
  TempDir dir;
  const auto zip_path = dir.path() / "package.zip";
  const UtcMillis sent = UtcFromCivil(2013, 6, 3, 9, 15, 2);
  auto writer = ZipWriter::Create(zip_path);
  ASSERT_OK(writer);
  auto native = (*writer)->AddEntry("NATIVES/0001/DKT0000001.eml", kEmail,
                                    {.compress = false, .modified = sent});
  ASSERT_OK(native);
  const std::string long_text = [] {
    std::string text;
    for (int i = 0; i < 2000; ++i) {
      text += kText;
    }
    return text;
  }();
  auto text = (*writer)->AddEntry("TEXT/0001/DKT0000001.txt", long_text,
                                  {.compress = true, .modified = sent});
  ASSERT_OK(text);
  auto named = (*writer)->AddEntry("NATIVES/0001/报告_تقرير.txt", kText, {});
  ASSERT_OK(named);
  ASSERT_OK((*writer)->Close());

  EXPECT_EQ(*native, ComputeDigests(kEmail));
  EXPECT_EQ(*text, ComputeDigests(long_text));
  EXPECT_EQ(*named, ComputeDigests(kText));

  const std::vector<PyEntry> entries = ReadWithPython(zip_path);
  ASSERT_EQ(entries.size(), 3u);
  EXPECT_EQ(entries[0].name, "NATIVES/0001/DKT0000001.eml");
  EXPECT_EQ(entries[0].compress_type, 0);  // ZIP_STORED
  EXPECT_EQ(entries[0].size, kEmail.size());
  EXPECT_EQ(entries[0].md5, native->md5);
  EXPECT_EQ(entries[0].date_time, DosDateTime(sent));
  EXPECT_EQ(entries[1].compress_type, 8);  // ZIP_DEFLATED
  EXPECT_EQ(entries[1].md5, text->md5);
  EXPECT_EQ(entries[2].name, "NATIVES/0001/报告_تقرير.txt");
  EXPECT_TRUE(entries[2].utf8_flag);
  EXPECT_EQ(entries[2].md5, named->md5);
  // modified = 0 is written as 1980-01-01T00:00:00Z, the first instant a zip can state.
  EXPECT_EQ(entries[2].date_time, DosDateTime(UtcFromCivil(1980, 1, 1)));

  // The deflated text really is compressed: 2000 copies of one line shrink a lot.
  EXPECT_LT(std::filesystem::file_size(zip_path), long_text.size() / 4);

  const CommandResult test = RunCommand({"python3", "-m", "zipfile", "-t", zip_path.string()});
  EXPECT_EQ(test.exit_code, 0) << test.out << test.err;
}

// bsdtar converts names to the locale's charset; under plain C it refuses the UTF-8 names, so
// it runs under C.UTF-8 whatever the test's own locale is.
TEST(ZipWriterTest, BsdtarListsAndExtractsTheSameBytes) {
  TempDir dir;
  const auto zip_path = dir.path() / "package.zip";
  const std::string binary = RandomBytes(300'000, 7);
  {
    auto writer = ZipWriter::Create(zip_path);
    ASSERT_OK(writer);
    ASSERT_OK((*writer)->AddEntry("NATIVES/0001/DKT0000001.eml", kEmail, {}));
    ASSERT_OK((*writer)->AddEntry("NATIVES/0001/DKT0000002.bin", binary, {.compress = true}));
    ASSERT_OK((*writer)->AddEntry("TEXT/0001/نص.txt", kText, {.compress = true}));
    ASSERT_OK((*writer)->Close());
  }
  const CommandResult list =
      RunCommand({"env", "LC_ALL=C.UTF-8", "bsdtar", "-tf", zip_path.string()});
  ASSERT_EQ(list.exit_code, 0) << list.err;
  EXPECT_EQ(list.out,
            "NATIVES/0001/DKT0000001.eml\nNATIVES/0001/DKT0000002.bin\nTEXT/0001/نص.txt\n");

  const auto out = dir.path() / "out";
  std::filesystem::create_directory(out);
  const CommandResult extract =
      RunCommand({"env", "LC_ALL=C.UTF-8", "bsdtar", "-xf", zip_path.string(), "-C", out.string()});
  ASSERT_EQ(extract.exit_code, 0) << extract.err;
  EXPECT_EQ(ReadFileOrDie(out / "NATIVES/0001/DKT0000001.eml"), kEmail);
  EXPECT_EQ(ReadFileOrDie(out / "NATIVES/0001/DKT0000002.bin"), binary);
  EXPECT_EQ(ReadFileOrDie(out / "TEXT/0001/نص.txt"), kText);
}

TEST(ZipWriterTest, StreamsAFileLargerThanOneBlock) {
  TempDir dir;
  const auto source = dir.path() / "loadfile.dat";
  const std::string bytes = RandomBytes((3 << 20) + 12345, 11);  // 3 blocks and a bit
  WriteFileOrDie(source, bytes);
  const auto zip_path = dir.path() / "package.zip";
  auto writer = ZipWriter::Create(zip_path);
  ASSERT_OK(writer);
  auto stored = (*writer)->AddFileEntry("loadfile.dat", source, {});
  ASSERT_OK(stored);
  auto deflated = (*writer)->AddFileEntry("copy/loadfile.dat", source, {.compress = true});
  ASSERT_OK(deflated);
  auto empty_source = dir.path() / "empty.csv";
  WriteFileOrDie(empty_source, "");
  auto empty = (*writer)->AddFileEntry("Errors and Warnings.csv", empty_source, {});
  ASSERT_OK(empty);
  ASSERT_OK((*writer)->Close());

  EXPECT_EQ(*stored, ComputeDigests(bytes));
  EXPECT_EQ(*deflated, ComputeDigests(bytes));
  EXPECT_EQ(empty->md5, "d41d8cd98f00b204e9800998ecf8427e");
  const std::vector<PyEntry> entries = ReadWithPython(zip_path);
  ASSERT_EQ(entries.size(), 3u);
  EXPECT_EQ(entries[0].size, bytes.size());
  EXPECT_EQ(entries[0].md5, stored->md5);
  EXPECT_EQ(entries[0].compress_type, 0);
  EXPECT_EQ(entries[1].md5, stored->md5);
  EXPECT_EQ(entries[1].compress_type, 8);
  EXPECT_EQ(entries[2].name, "Errors and Warnings.csv");
  EXPECT_EQ(entries[2].size, 0u);
}

TEST(ZipWriterTest, SameCallsGiveByteIdenticalZips) {
  TempDir dir;
  const UtcMillis sent = UtcFromCivil(2021, 2, 28, 23, 59, 58);
  auto write = [&](const std::filesystem::path& path) {
    auto writer = ZipWriter::Create(path);
    ASSERT_OK(writer);
    ASSERT_OK((*writer)->AddEntry("NATIVES/0001/DKT0000001.eml", kEmail, {.modified = sent}));
    ASSERT_OK((*writer)->AddEntry("TEXT/0001/DKT0000001.txt", kText,
                                  {.compress = true, .modified = sent}));
    ASSERT_OK((*writer)->Close());
  };
  write(dir.path() / "a.zip");
  write(dir.path() / "b.zip");
  const std::string a = ReadFileOrDie(dir.path() / "a.zip");
  EXPECT_EQ(a, ReadFileOrDie(dir.path() / "b.zip"));
  // And the time is the one given, not the clock's: the UT extra field holds it in UTC.
  const uint32_t seconds = static_cast<uint32_t>(sent / 1000);
  const std::string ut_field =
      std::string("UT\x05\x00\x01", 5) + std::string(reinterpret_cast<const char*>(&seconds), 4);
  EXPECT_NE(a.find(ut_field), std::string::npos);
}

TEST(ZipWriterTest, BytesWrittenIsTheFileSizeAfterClose) {
  TempDir dir;
  const auto zip_path = dir.path() / "package.zip";
  auto writer = ZipWriter::Create(zip_path);
  ASSERT_OK(writer);
  EXPECT_EQ((*writer)->bytes_written(), 0u);
  const std::string big = RandomBytes(1 << 20, 3);
  ASSERT_OK((*writer)->AddEntry("a.bin", big, {}));
  // Stored random bytes cannot be buffered away: at least most of them reached the file.
  const uint64_t after_one = (*writer)->bytes_written();
  EXPECT_GT(after_one, big.size() - 128 * 1024);
  EXPECT_EQ(after_one, std::filesystem::file_size(zip_path));
  ASSERT_OK((*writer)->AddEntry("b.bin", big, {}));
  ASSERT_OK((*writer)->Close());
  EXPECT_GT((*writer)->bytes_written(), 2 * big.size());
  EXPECT_EQ((*writer)->bytes_written(), std::filesystem::file_size(zip_path));
}

TEST(ZipWriterTest, HashesThePackageOnTheWayOutAndSkipsEntryDigestsWhenAsked) {
  TempDir dir;
  const auto zip_path = dir.path() / "package.zip";
  auto writer = ZipWriter::Create(zip_path);
  ASSERT_OK(writer);
  ZipEntryOptions unhashed;
  unhashed.hash = false;
  auto skipped = (*writer)->AddEntry("a.bin", RandomBytes(300000, 5), unhashed);
  ASSERT_OK(skipped);
  EXPECT_TRUE(skipped->sha256.empty());
  auto hashed = (*writer)->AddEntry("b.txt", "hello", {});
  ASSERT_OK(hashed);
  EXPECT_EQ(hashed->sha256, Sha256Hex("hello"));
  EXPECT_TRUE((*writer)->package_sha256().empty());
  ASSERT_OK((*writer)->Close());
  EXPECT_EQ((*writer)->package_sha256(), Sha256Hex(ReadFileOrDie(zip_path)));
}

TEST(ZipWriterTest, RejectsUnsafeNamesAndStaysUsable) {
  TempDir dir;
  const auto zip_path = dir.path() / "package.zip";
  auto writer = ZipWriter::Create(zip_path);
  ASSERT_OK(writer);
  for (const std::string& name :
       {std::string(""), std::string("/etc/passwd"), std::string("NATIVES\\0001\\x.eml"),
        std::string("../x.eml"), std::string("NATIVES/../../x.eml"), std::string("a/./b"),
        std::string("a//b"), std::string("NATIVES/"), std::string(".."), std::string("bad\x01name"),
        std::string("tab\tname"), std::string("\xFF\xFE.txt"), std::string("x\0y", 3),
        std::string("C:/x.eml"), std::string("a?.txt"), std::string("DKT:0001.eml"),
        std::string("a|b"), std::string("\"q\".txt")}) {
    auto added = (*writer)->AddEntry(name, "x", {});
    ASSERT_FALSE(added.ok()) << name;
    EXPECT_EQ(added.status().code(), StatusCode::kInvalidArgument) << name;
  }
  ASSERT_OK((*writer)->AddEntry("a..b/ok..txt", "fine", {}));  // dots inside a name are fine
  auto duplicate = (*writer)->AddEntry("a..b/ok..txt", "again", {});
  EXPECT_EQ(duplicate.status().code(), StatusCode::kAlreadyExists);
  auto missing = (*writer)->AddFileEntry("missing.txt", dir.path() / "no-such-file", {});
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  ASSERT_OK((*writer)->Close());
  auto late = (*writer)->AddEntry("late.txt", "x", {});
  EXPECT_FALSE(late.ok());

  const std::vector<PyEntry> entries = ReadWithPython(zip_path);
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].name, "a..b/ok..txt");
}

TEST(ZipWriterTest, CreateFailsWithAnActionableMessage) {
  TempDir dir;
  auto writer = ZipWriter::Create(dir.path() / "no-such-dir" / "package.zip");
  ASSERT_FALSE(writer.ok());
  EXPECT_EQ(writer.status().code(), StatusCode::kIOError);
  EXPECT_THAT(writer.status().message(), ::testing::HasSubstr("no-such-dir"));
}

TEST(ZipWriterTest, AWriterDestroyedWithoutCloseLeavesNoValidZip) {
  TempDir dir;
  const auto zip_path = dir.path() / "package.zip";
  {
    auto writer = ZipWriter::Create(zip_path);
    ASSERT_OK(writer);
    ASSERT_OK((*writer)->AddEntry("NATIVES/0001/DKT0000001.eml", kEmail, {}));
  }
  const CommandResult test = RunCommand({"python3", "-m", "zipfile", "-t", zip_path.string()});
  EXPECT_NE(test.exit_code, 0) << test.out;
}

// Past 65,535 entries the classic end record cannot count them; the zip64 end record and its
// locator must be there for readers to see every entry.
TEST(ZipWriterTest, MoreThan65535EntriesUseZip64EndRecords) {
  TempDir dir;
  const auto zip_path = dir.path() / "many.zip";
  constexpr int kEntries = 65'600;
  {
    auto writer = ZipWriter::Create(zip_path);
    ASSERT_OK(writer);
    char name[64];
    for (int i = 0; i < kEntries; ++i) {
      std::snprintf(name, sizeof(name), "NATIVES/%04d/DKT%07d.txt", i / 1000 + 1, i + 1);
      auto added = (*writer)->AddEntry(name, std::to_string(i), {});
      ASSERT_OK(added);
    }
    ASSERT_OK((*writer)->Close());
  }
  const std::string bytes = ReadFileOrDie(zip_path);
  EXPECT_NE(bytes.rfind(std::string("PK\x06\x06", 4)), std::string::npos);  // zip64 end record
  EXPECT_NE(bytes.rfind(std::string("PK\x06\x07", 4)), std::string::npos);  // its locator

  constexpr char kCount[] = R"PY(
import sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as z:
    names = z.namelist()
    print(len(names), names[-1], z.read(names[-1]).decode())
)PY";
  const CommandResult count = RunCommand({"python3", "-c", kCount, zip_path.string()});
  ASSERT_EQ(count.exit_code, 0) << count.err;
  EXPECT_EQ(count.out, "65600 NATIVES/0066/DKT0065600.txt 65599\n");
}

}  // namespace
}  // namespace docket
