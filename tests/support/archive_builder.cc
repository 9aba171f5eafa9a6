/** @file
 *  @brief Archives written at run time with libarchive's writer (no binary fixtures committed).
 */
#include "tests/support/archive_builder.h"

#include <archive.h>
#include <archive_entry.h>
#include <gtest/gtest.h>

#include <cstdint>

namespace docket::testing {

namespace {
la_ssize_t AppendToString(archive* /*a*/, void* client, const void* buffer, size_t length) {
  static_cast<std::string*>(client)->append(static_cast<const char*>(buffer), length);
  return static_cast<la_ssize_t>(length);
}

void PutLe16(std::string* out, uint32_t v) {
  out->push_back(static_cast<char>(v & 0xFF));
  out->push_back(static_cast<char>((v >> 8) & 0xFF));
}

void PutLe32(std::string* out, uint32_t v) {
  PutLe16(out, v & 0xFFFF);
  PutLe16(out, v >> 16);
}

uint32_t Crc32Byte(uint32_t crc, unsigned char b) {
  crc ^= b;
  for (int k = 0; k < 8; ++k) {
    crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
  }
  return crc;
}

uint32_t Crc32(const std::string& bytes) {
  uint32_t crc = 0xFFFFFFFFu;
  for (char c : bytes) {
    crc = Crc32Byte(crc, static_cast<unsigned char>(c));
  }
  return crc ^ 0xFFFFFFFFu;
}

// Traditional PKWARE encryption (APPNOTE.TXT 6.1): weak, but what "password-protected zip"
// usually means, and what libarchive recognises.
class ZipCrypto {
 public:
  explicit ZipCrypto(const std::string& password) {
    for (char c : password) {
      Update(static_cast<unsigned char>(c));
    }
  }
  char Encrypt(char plain) {
    const uint32_t temp = (keys_[2] | 2u) & 0xFFFFu;
    const auto mask = static_cast<unsigned char>(((temp * (temp ^ 1u)) >> 8) & 0xFFu);
    Update(static_cast<unsigned char>(plain));
    return static_cast<char>(static_cast<unsigned char>(plain) ^ mask);
  }

 private:
  void Update(unsigned char c) {
    keys_[0] = Crc32Byte(keys_[0], c);
    keys_[1] = (keys_[1] + (keys_[0] & 0xFFu)) * 134775813u + 1u;
    keys_[2] = Crc32Byte(keys_[2], static_cast<unsigned char>(keys_[1] >> 24));
  }
  uint32_t keys_[3] = {0x12345678u, 0x23456789u, 0x34567890u};
};

// A stored zip of regular files, each encrypted or not on its own.
std::string BuildZipByHand(const std::vector<ArchiveMember>& members) {
  constexpr uint32_t kDosTime = (9u << 11) | (15u << 5) | (2u / 2);  // 09:15:02
  constexpr uint32_t kDosDate = ((2013u - 1980u) << 9) | (6u << 5) | 3u;
  std::string out;
  std::string central;
  for (const ArchiveMember& m : members) {
    EXPECT_EQ(MemberType::kFile, m.type) << "kZipByHand writes regular files only";
    const uint32_t crc = Crc32(m.bytes);
    std::string data;
    if (m.encrypted) {
      ZipCrypto crypto("secret");
      std::string header(11, '\x5a');  // fixed "random" bytes keep the output deterministic
      header.push_back(static_cast<char>(crc >> 24));  // the check byte readers verify
      for (char c : header + m.bytes) {
        data.push_back(crypto.Encrypt(c));
      }
    } else {
      data = m.bytes;
    }
    const uint32_t flags = m.encrypted ? 1u : 0u;
    const auto offset = static_cast<uint32_t>(out.size());
    PutLe32(&out, 0x04034b50u);
    PutLe16(&out, 20);  // version needed
    PutLe16(&out, flags);
    PutLe16(&out, 0);  // stored
    PutLe16(&out, kDosTime);
    PutLe16(&out, kDosDate);
    PutLe32(&out, crc);
    PutLe32(&out, static_cast<uint32_t>(data.size()));
    PutLe32(&out, static_cast<uint32_t>(m.bytes.size()));
    PutLe16(&out, static_cast<uint32_t>(m.path.size()));
    PutLe16(&out, 0);  // extra
    out += m.path;
    out += data;

    PutLe32(&central, 0x02014b50u);
    PutLe16(&central, (3u << 8) | 20u);  // made by Unix, so the mode below is read
    PutLe16(&central, 20);
    PutLe16(&central, flags);
    PutLe16(&central, 0);
    PutLe16(&central, kDosTime);
    PutLe16(&central, kDosDate);
    PutLe32(&central, crc);
    PutLe32(&central, static_cast<uint32_t>(data.size()));
    PutLe32(&central, static_cast<uint32_t>(m.bytes.size()));
    PutLe16(&central, static_cast<uint32_t>(m.path.size()));
    PutLe16(&central, 0);  // extra
    PutLe16(&central, 0);  // comment
    PutLe16(&central, 0);  // disk
    PutLe16(&central, 0);  // internal attributes
    PutLe32(&central, 0100644u << 16);
    PutLe32(&central, offset);
    central += m.path;
  }
  const auto central_offset = static_cast<uint32_t>(out.size());
  out += central;
  PutLe32(&out, 0x06054b50u);
  PutLe16(&out, 0);
  PutLe16(&out, 0);
  PutLe16(&out, static_cast<uint32_t>(members.size()));
  PutLe16(&out, static_cast<uint32_t>(members.size()));
  PutLe32(&out, static_cast<uint32_t>(central.size()));
  PutLe32(&out, central_offset);
  PutLe16(&out, 0);  // comment
  return out;
}

}  // namespace

std::string BuildArchive(ArchiveFormat format, const std::vector<ArchiveMember>& members) {
  if (format == ArchiveFormat::kZipByHand) {
    return BuildZipByHand(members);
  }
  archive* a = archive_write_new();
  switch (format) {
    case ArchiveFormat::kZipByHand:
      break;  // handled above
    case ArchiveFormat::kZip:
      archive_write_set_format_zip(a);
      break;
    case ArchiveFormat::kZipEncrypted:
      archive_write_set_format_zip(a);
      EXPECT_EQ(ARCHIVE_OK, archive_write_set_options(a, "zip:encryption=zipcrypt"))
          << archive_error_string(a);
      EXPECT_EQ(ARCHIVE_OK, archive_write_set_passphrase(a, "secret")) << archive_error_string(a);
      break;
    case ArchiveFormat::kTar:
      archive_write_set_format_pax_restricted(a);
      break;
    case ArchiveFormat::kTarGz:
      archive_write_set_format_pax_restricted(a);
      archive_write_add_filter_gzip(a);
      break;
    case ArchiveFormat::k7z:
      archive_write_set_format_7zip(a);
      break;
    case ArchiveFormat::kGzipRaw:
      archive_write_set_format_raw(a);
      archive_write_add_filter_gzip(a);
      break;
  }
  archive_write_set_bytes_in_last_block(a, 1);
  std::string out;
  EXPECT_EQ(ARCHIVE_OK, archive_write_open(a, &out, nullptr, AppendToString, nullptr))
      << archive_error_string(a);
  for (const ArchiveMember& m : members) {
    archive_entry* e = archive_entry_new();
    archive_entry_set_pathname(e, m.path.c_str());
    archive_entry_set_mtime(e, 1370250902, 0);  // 2013-06-03T09:15:02Z
    const MemberType type = m.directory ? MemberType::kDirectory : m.type;
    archive_entry_set_perm(e, 0644);
    archive_entry_set_size(e, 0);
    switch (type) {
      case MemberType::kFile:
        archive_entry_set_filetype(e, AE_IFREG);
        archive_entry_set_size(e, static_cast<la_int64_t>(m.bytes.size()));
        for (const auto& [offset, length] : m.data_regions) {
          archive_entry_sparse_add_entry(e, offset, length);
        }
        break;
      case MemberType::kDirectory:
        archive_entry_set_filetype(e, AE_IFDIR);
        archive_entry_set_perm(e, 0755);
        break;
      case MemberType::kSymlink:
        archive_entry_set_filetype(e, AE_IFLNK);
        archive_entry_set_perm(e, 0777);
        archive_entry_set_symlink(e, m.link_target.c_str());
        break;
      case MemberType::kHardlink:
        archive_entry_set_filetype(e, AE_IFREG);
        archive_entry_set_hardlink(e, m.link_target.c_str());
        break;
      case MemberType::kCharDevice:
        archive_entry_set_filetype(e, AE_IFCHR);
        archive_entry_set_rdevmajor(e, 1);  // /dev/null's numbers
        archive_entry_set_rdevminor(e, 3);
        break;
      case MemberType::kBlockDevice:
        archive_entry_set_filetype(e, AE_IFBLK);
        archive_entry_set_rdevmajor(e, 8);  // /dev/sda's numbers
        archive_entry_set_rdevminor(e, 0);
        break;
      case MemberType::kFifo:
        archive_entry_set_filetype(e, AE_IFIFO);
        break;
    }
    EXPECT_GE(archive_write_header(a, e), ARCHIVE_WARN) << archive_error_string(a) << m.path;
    if (type == MemberType::kFile && !m.bytes.empty()) {
      EXPECT_EQ(static_cast<la_ssize_t>(m.bytes.size()),
                archive_write_data(a, m.bytes.data(), m.bytes.size()))
          << archive_error_string(a);
    }
    archive_entry_free(e);
  }
  EXPECT_EQ(ARCHIVE_OK, archive_write_close(a)) << archive_error_string(a);
  archive_write_free(a);
  return out;
}

}  // namespace docket::testing
